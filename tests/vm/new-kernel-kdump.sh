#!/bin/sh
# kdump.sh with our kexec_load (-p, a sysrq crash, an ELF /proc/vmcore with
# the pattern page) on Debian's newest kernel, under SeaBIOS.
# The kernel: the newest Debian kernel in $KT_KERNEL_CACHE (7.x: sid or
# trixie-backports; make fetch-kernels puts it there); SKIP without it.
# Its vCPUs run on one host thread (KT_TCG_THREAD=single): Debian 7.x
# under multi-threaded TCG now and then traps on its own text patching
# (tests/vm/README.md); the purgatory's concurrency is kexec-smp*.sh's.
# Without the host's makedumpfile: bookworm's 1.7.2 says "The kernel
# version is not supported" for 7.x, cannot filter the pages, and its dump
# then may not fit the crash kernel's tmpfs (seen under OVMF); the vmcore
# checks of kt-kdump-helper (ELF headers, notes, RAM, the pattern) remain.
KT_MAKEDUMPFILE=0 KT_TCG_THREAD=single KT_KERNEL=debian:newest KT_FIRMWARE=bios KT_LABEL=new-kernel-kdump KT_KDUMP_VARIANTS=${KT_KDUMP_VARIANTS:-load} \
	exec "$(dirname "$0")/kdump.sh"
