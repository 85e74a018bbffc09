# TDX detection, guests, decision and policy, private ranges; the memory
# map parsers they need (kexec/memmap.c).  Included by Makefile.am.
libkexec_a_SOURCES += \
	kexec/memmap.c kexec/memmap.h \
	kexec/tdx/tdx.h \
	kexec/tdx/cpuinfo.c \
	kexec/tdx/kmsg.c \
	kexec/tdx/guests.c \
	kexec/tdx/ranges.c \
	kexec/tdx/policy.c \
	kexec/tdx/detect.c \
	kexec/tdx/kernel.c \
	kexec/tdx/watchdog.c \
	kexec/tdx/status.c

TDX_UNIT_TESTS = \
	tests/unit/test-memmap \
	tests/unit/test-tdx-parse \
	tests/unit/test-tdx-policy \
	tests/unit/test-tdx-detect \
	tests/unit/test-tdx-kernel
check_PROGRAMS += $(TDX_UNIT_TESTS)
TESTS += $(TDX_UNIT_TESTS)
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

# libFuzzer harnesses (tests/fuzz/run.sh builds them from their
# "fuzz-sources:" first line).
EXTRA_DIST += tests/fuzz/fuzz-cpuinfo.c tests/fuzz/fuzz-memmap.c tests/fuzz/fuzz-iomem.c \
	tests/fuzz/fuzz-misc.c tests/fuzz/fuzz-kmsg.c tests/fuzz/fuzz-report.c \
	tests/fuzz/fuzz-kallsyms.c

# Fixture trees (written by real-data captures) and their expected
# --tdx-status --json output, compared by check-fixtures.sh.
TESTS += tests/fixtures/check-fixtures.sh
EXTRA_DIST += tests/fixtures/check-fixtures.sh tests/fixtures/README.md \
	tests/fixtures/big-1tib-2s tests/fixtures/clx-host tests/fixtures/emr-tdx-no-misc \
	tests/fixtures/epyc-snp-3guests tests/fixtures/epyc-snp-idle tests/fixtures/gnr-tdx-host \
	tests/fixtures/spr-no-tdx tests/fixtures/spr-tdx-erratum-2tds \
	tests/fixtures/spr-tdx-erratum-idle tests/fixtures/td-guest \
	tests/fixtures/emr-7.1-refused tests/fixtures/emr-no-kallsyms tests/fixtures/emr-7.2-faux \
	tests/fixtures/gnr-7.2 tests/fixtures/spr-vendor-no-probes \
	tests/fixtures/spr-2tib-itco-nowayout tests/fixtures/spr-2tib-itco tests/fixtures/emr-7.1-logged \
	tests/fixtures/spr-broken-memmap tests/fixtures/spr-garbage-kmsg \
	tests/fixtures/spr-latin1-model tests/fixtures/spr-wrapped-cmr tests/fixtures/spr-carveouts
