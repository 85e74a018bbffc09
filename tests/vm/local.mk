# QEMU end-to-end tests (see tests/vm/README.md).  They need
# qemu-system-x86_64, a kernel in /boot, busybox and (kexec-uefi) OVMF; they
# SKIP without them and under KEXEC_TDX_SKIP_VM=1.  They test the kexec named
# by KEXEC_BIN, which AM_TESTS_ENVIRONMENT sets to the one just built.
VM_TESTS = \
	tests/vm/kexec-load.sh \
	tests/vm/kexec-file.sh \
	tests/vm/kexec-default.sh \
	tests/vm/kexec-elf.sh \
	tests/vm/kexec-uefi.sh \
	tests/vm/kexec-clear.sh \
	tests/vm/kexec-clear-off.sh \
	tests/vm/kexec-clear-flush.sh \
	tests/vm/kexec-clear-4g.sh \
	tests/vm/kexec-flush-la57.sh \
	tests/vm/kexec-bad.sh \
	tests/vm/kexec-lockdown.sh \
	tests/vm/kexec-recheck.sh \
	tests/vm/kexec-smp.sh \
	tests/vm/kexec-smp-uefi.sh \
	tests/vm/kexec-smp-fallback.sh \
	tests/vm/kexec-smp-rebootcpu.sh \
	tests/vm/kexec-smp-unflushed.sh \
	tests/vm/kdump.sh \
	tests/vm/new-kernel-clear.sh \
	tests/vm/new-kernel-clear-uefi.sh \
	tests/vm/new-kernel-kdump.sh \
	tests/vm/new-kernel-kdump-uefi.sh
# the retry rule of lib.sh on logs written in the test (no VM, < 1 s)
TESTS += $(VM_TESTS) tests/vm/retry-rule.sh
EXTRA_DIST += $(VM_TESTS) \
	tests/vm/README.md tests/vm/cases/kdump.sh \
	tests/vm/fetch-kernels.sh tests/vm/check-kernels.sh tests/vm/retry-rule.sh \
	tests/vm/lib.sh \
	tests/vm/init.sh \
	tests/vm/guest.sh \
	tests/vm/tiny-elf.S \
	tests/vm/kt-memscan.c \
	tests/vm/cases/kexec-load.sh \
	tests/vm/cases/kexec-file.sh \
	tests/vm/cases/kexec-default.sh \
	tests/vm/cases/kexec-elf.sh \
	tests/vm/cases/kexec-uefi.sh \
	tests/vm/cases/kexec-clear.sh \
	tests/vm/cases/kexec-flush-la57.sh \
	tests/vm/cases/kexec-bad.sh \
	tests/vm/cases/kexec-lockdown.sh \
	tests/vm/cases/kexec-recheck.sh \
	tests/vm/cases/kexec-smp.sh \
	tests/vm/cases/kexec-smp-rebootcpu.sh

# Debian's current kernels (tests/vm/README.md, "Debian's kernels"):
# make fetch-kernels unpacks them into $(KT_KERNEL_CACHE) (CI runs it before
# make check, whose new-kernel-*.sh boot the newest); make check-kernels runs
# every one of them through the matrix of tests/vm/check-kernels.sh (long:
# not part of make check).
KT_KERNEL_CACHE ?= /var/cache/kexec-tdx-kernels
.PHONY: fetch-kernels check-kernels
fetch-kernels:
	KT_KERNEL_CACHE='$(KT_KERNEL_CACHE)' $(SHELL) $(srcdir)/tests/vm/fetch-kernels.sh all
check-kernels: kexec/kexec
	KT_KERNEL_CACHE='$(KT_KERNEL_CACHE)' $(SHELL) $(srcdir)/tests/vm/fetch-kernels.sh all || \
		echo "check-kernels: the fetch failed; testing the kernels the cache has"
	abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)' \
	KEXEC_BIN='$(abs_top_builddir)/kexec/kexec' KT_KERNEL_CACHE='$(KT_KERNEL_CACHE)' \
		$(SHELL) $(srcdir)/tests/vm/check-kernels.sh
