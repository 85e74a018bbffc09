# kdump: the crash-kernel path of kexec_load (kexec/crashdump.c), its unit
# test, the command lines of kdump-tools and kdumpctl, and the QEMU crash
# round trip (see kdump/README.md).
check_PROGRAMS += tests/unit/test-crashdump
TESTS += tests/unit/test-crashdump
tests_unit_test_crashdump_SOURCES = tests/unit/test-crashdump.c
tests_unit_test_crashdump_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_crashdump_LDADD = $(UNIT_LDADD)

TESTS += tests/kdump/check-invocations.sh tests/vm/kdump.sh
EXTRA_DIST += kdump/README.md tests/kdump/check-invocations.sh \
	tests/kdump/kt-kdump-helper.c tests/vm/kdump.sh tests/vm/cases/kdump.sh
