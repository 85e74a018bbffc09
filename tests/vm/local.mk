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
	tests/vm/kdump.sh
TESTS += $(VM_TESTS)
EXTRA_DIST += $(VM_TESTS) \
	tests/vm/README.md tests/vm/cases/kdump.sh \
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
	tests/vm/cases/kexec-smp.sh
