# The cmocka unit tests: one program per tests/unit/test-*.c, built from
# that file alone (automake's default source) and linked with the global
# LDADD (libkexec.a, the libraries, cmocka).  The purgatory pieces the
# loader does not share (clear, split, report) are compiled in from
# purgatory/ as they are; test-purgatory builds purgatory.c itself hosted.
UNIT_TESTS = \
	tests/unit/test-range \
	tests/unit/test-text \
	tests/unit/test-sysroot \
	tests/unit/test-segments \
	tests/unit/test-bzimage \
	tests/unit/test-bootparams \
	tests/unit/test-purgatory-load \
	tests/unit/test-load \
	tests/unit/test-options \
	tests/unit/test-record \
	tests/unit/test-conffile \
	tests/unit/test-cpus \
	tests/unit/test-lockdown \
	tests/unit/test-syscall \
	tests/unit/test-kho \
	tests/unit/test-cmdline \
	tests/unit/test-memmap \
	tests/unit/test-tdx-parse \
	tests/unit/test-tdx-policy \
	tests/unit/test-tdx-detect \
	tests/unit/test-tdx-kernel \
	tests/unit/test-elf \
	tests/unit/test-decompress \
	tests/unit/test-crashdump \
	tests/unit/test-clear \
	tests/unit/test-split \
	tests/unit/test-sha256 \
	tests/unit/test-report \
	tests/unit/test-lastclear \
	tests/unit/test-announce \
	tests/unit/test-pagetable \
	tests/unit/test-purgatory
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += tests/unit/bzimage-fixture.h tests/unit/tree.h

tests_unit_test_clear_SOURCES = tests/unit/test-clear.c purgatory/clear.c purgatory/clear.h
tests_unit_test_split_SOURCES = tests/unit/test-split.c purgatory/split.c purgatory/split.h
tests_unit_test_report_SOURCES = tests/unit/test-report.c purgatory/report.c
# the system calls are stubbed: tests/unit/test-load.c defines
# __wrap_sys_kexec_load and __wrap_sys_kexec_file_load
tests_unit_test_load_LDFLAGS = -Wl,--wrap=sys_kexec_load -Wl,--wrap=sys_kexec_file_load
# purgatory.c hosted, every privileged instruction a counting stub (purgatory/cpu.h)
tests_unit_test_purgatory_SOURCES = tests/unit/test-purgatory.c purgatory/purgatory.c \
	purgatory/pagetable.c purgatory/sha256.c purgatory/sha256-ni.c purgatory/sha256-sse.c \
	purgatory/clear.c purgatory/report.c purgatory/serial.c purgatory/smp.c purgatory/split.c
tests_unit_test_purgatory_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/purgatory \
	-DKTDX_PURGATORY=1 -DKTDX_CPU_STUBS=1
tests_unit_test_purgatory_LDADD = $(CMOCKA_LIBS) -lpthread
