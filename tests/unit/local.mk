# The cmocka unit tests: one program per tests/unit/test-*.c, each linked
# against libkexec.a.  The purgatory's pieces that the loader does not
# share (clear, split, report) are compiled in from purgatory/ as they are;
# purgatory/local.mk has the tests that build purgatory.c itself hosted.
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
	tests/unit/test-report
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += tests/unit/bzimage-fixture.h tests/unit/tree.h

tests_unit_test_range_SOURCES = tests/unit/test-range.c
tests_unit_test_range_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_range_LDADD = $(UNIT_LDADD)
tests_unit_test_text_SOURCES = tests/unit/test-text.c
tests_unit_test_text_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_text_LDADD = $(UNIT_LDADD)
tests_unit_test_sysroot_SOURCES = tests/unit/test-sysroot.c
tests_unit_test_sysroot_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sysroot_LDADD = $(UNIT_LDADD)
tests_unit_test_segments_SOURCES = tests/unit/test-segments.c
tests_unit_test_segments_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_segments_LDADD = $(UNIT_LDADD)
tests_unit_test_bzimage_SOURCES = tests/unit/test-bzimage.c
tests_unit_test_bzimage_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bzimage_LDADD = $(UNIT_LDADD)
tests_unit_test_bootparams_SOURCES = tests/unit/test-bootparams.c
tests_unit_test_bootparams_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bootparams_LDADD = $(UNIT_LDADD)
tests_unit_test_purgatory_load_SOURCES = tests/unit/test-purgatory-load.c
tests_unit_test_purgatory_load_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_purgatory_load_LDADD = $(UNIT_LDADD)
tests_unit_test_load_SOURCES = tests/unit/test-load.c
tests_unit_test_load_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_load_LDADD = $(UNIT_LDADD)
# the system call is stubbed: tests/unit/test-load.c defines __wrap_sys_kexec_load
tests_unit_test_load_LDFLAGS = -Wl,--wrap=sys_kexec_load
tests_unit_test_options_SOURCES = tests/unit/test-options.c
tests_unit_test_options_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_options_LDADD = $(UNIT_LDADD)
tests_unit_test_record_SOURCES = tests/unit/test-record.c
tests_unit_test_record_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_record_LDADD = $(UNIT_LDADD)
tests_unit_test_conffile_SOURCES = tests/unit/test-conffile.c
tests_unit_test_conffile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conffile_LDADD = $(UNIT_LDADD)
tests_unit_test_cpus_SOURCES = tests/unit/test-cpus.c
tests_unit_test_cpus_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cpus_LDADD = $(UNIT_LDADD)
tests_unit_test_memmap_SOURCES = tests/unit/test-memmap.c
tests_unit_test_memmap_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_memmap_LDADD = $(UNIT_LDADD)
tests_unit_test_tdx_parse_SOURCES = tests/unit/test-tdx-parse.c
tests_unit_test_tdx_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tdx_parse_LDADD = $(UNIT_LDADD)
tests_unit_test_tdx_policy_SOURCES = tests/unit/test-tdx-policy.c
tests_unit_test_tdx_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tdx_policy_LDADD = $(UNIT_LDADD)
tests_unit_test_tdx_detect_SOURCES = tests/unit/test-tdx-detect.c
tests_unit_test_tdx_detect_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tdx_detect_LDADD = $(UNIT_LDADD)
tests_unit_test_tdx_kernel_SOURCES = tests/unit/test-tdx-kernel.c
tests_unit_test_tdx_kernel_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tdx_kernel_LDADD = $(UNIT_LDADD)
tests_unit_test_elf_SOURCES = tests/unit/test-elf.c
tests_unit_test_elf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_elf_LDADD = $(UNIT_LDADD)
tests_unit_test_decompress_SOURCES = tests/unit/test-decompress.c
tests_unit_test_decompress_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_decompress_LDADD = $(UNIT_LDADD)
tests_unit_test_crashdump_SOURCES = tests/unit/test-crashdump.c
tests_unit_test_crashdump_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_crashdump_LDADD = $(UNIT_LDADD)
tests_unit_test_clear_SOURCES = tests/unit/test-clear.c purgatory/clear.c purgatory/clear.h
tests_unit_test_clear_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_clear_LDADD = $(UNIT_LDADD)
tests_unit_test_split_SOURCES = tests/unit/test-split.c purgatory/split.c purgatory/split.h
tests_unit_test_split_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_split_LDADD = $(UNIT_LDADD)
tests_unit_test_sha256_SOURCES = tests/unit/test-sha256.c
tests_unit_test_sha256_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sha256_LDADD = $(UNIT_LDADD)
tests_unit_test_report_SOURCES = tests/unit/test-report.c purgatory/report.c
tests_unit_test_report_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_report_LDADD = $(UNIT_LDADD)
