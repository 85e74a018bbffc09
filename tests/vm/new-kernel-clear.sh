#!/bin/sh
# kexec-clear.sh (--tdx=clear: no pattern block left in RAM, both carve-outs
# kept, the report says clear) on Debian's newest kernel, under SeaBIOS.
# The kernel: the newest Debian kernel in $KT_KERNEL_CACHE (7.x: sid or
# trixie-backports; make fetch-kernels puts it there); SKIP without it.
# Its vCPUs run on one host thread (KT_TCG_THREAD=single): Debian 7.x
# under multi-threaded TCG now and then traps on its own text patching
# (tests/vm/README.md); the purgatory's concurrency is kexec-smp*.sh's.
KT_TCG_THREAD=single KT_KERNEL=debian:newest KT_FIRMWARE=bios KT_LABEL=new-kernel-clear \
	exec "$(dirname "$0")/kexec-clear.sh"
