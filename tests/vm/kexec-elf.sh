#!/bin/sh
# kexec a tiny freestanding ELF (tiny-elf.S, built now with the host's gcc
# and ld) that prints KT-ELF-OK on COM1 and exits QEMU with status 67.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-elf
CC=${CC:-gcc}
command -v "$CC" >/dev/null || kt_skip "no C compiler ($CC)"
command -v ld >/dev/null || kt_skip "no ld"
if ! "$CC" -c -o "$KT_TMP/tiny.o" "$KT_SRCDIR/tiny-elf.S" ||
	! ld -m elf_x86_64 -static -nostdlib --build-id=none -e _start \
		-z max-page-size=0x1000 -z noseparate-code -z noexecstack \
		-Ttext-segment=0x1000000 -o "$KT_TMP/tiny.elf" "$KT_TMP/tiny.o"; then
	kt_error "cannot build tiny.elf"
fi
kt_initramfs "$KT_TMP/tiny.elf=boot/tiny.elf"
kt_run_vm -device isa-debug-exit,iobase=0xf4,iosize=0x04
expect_line_re "KT-STAGE 1 test=kexec-elf cmdline=.*"
expect_marker "KT-ELF-OK"
refute_marker "KT-FAIL the ELF did not run"
expect_vm_rc 67
kt_finish
