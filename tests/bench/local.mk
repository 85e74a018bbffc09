# make bench: throughput of the purgatory's clear loops and SHA-256
# against glibc, a wide non-temporal stream and OpenSSL.  Not part of
# make check (it needs > 1 GiB of memory and a quiet machine).
EXTRA_PROGRAMS = tests/bench/bench-clear tests/bench/bench-sha256
tests_bench_bench_clear_SOURCES = tests/bench/bench-clear.c tests/bench/bench.h \
	purgatory/clear.c purgatory/clear.h
tests_bench_bench_clear_CFLAGS = $(AM_CFLAGS) -O2
tests_bench_bench_clear_LDADD =
tests_bench_bench_sha256_SOURCES = tests/bench/bench-sha256.c tests/bench/bench.h \
	purgatory/sha256.c purgatory/sha256-ni.c purgatory/sha256-sse.c purgatory/sha256.h purgatory/sha256-k.h purgatory/sha256-round.h
tests_bench_bench_sha256_CFLAGS = $(AM_CFLAGS) -O2 $(LIBCRYPTO_CFLAGS)
tests_bench_bench_sha256_LDADD = $(LIBCRYPTO_LIBS)
CLEANFILES += $(EXTRA_PROGRAMS)

.PHONY: bench
bench: tests/bench/bench-clear tests/bench/bench-sha256
	tests/bench/bench-clear
	tests/bench/bench-sha256
	@echo "The path of a CPU without SHA-NI against OpenSSL without SHA-NI:"
	OPENSSL_ia32cap=":~0x20000000" tests/bench/bench-sha256 | grep -e ia32cap -e 'without SHA-NI' -e 'OpenSSL EVP'

# make bench-vm: `kexec -l` against Debian's kexec-tools in a QEMU guest.
.PHONY: bench-vm
bench-vm: kexec/kexec
	KEXEC_BIN=$(abs_top_builddir)/kexec/kexec $(SHELL) $(srcdir)/tests/bench/bench-load-vm.sh
EXTRA_DIST += tests/bench/bench-load-vm.sh tests/vm/cases/compare.sh

# make bench-smp-vm: the clear on one CPU against every CPU of a 2-CPU guest.
.PHONY: bench-smp-vm
bench-smp-vm: kexec/kexec
	KEXEC_BIN=$(abs_top_builddir)/kexec/kexec $(SHELL) $(srcdir)/tests/bench/bench-smp-vm.sh
EXTRA_DIST += tests/bench/bench-smp-vm.sh
