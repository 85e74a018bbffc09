#!/bin/sh
# kdump.sh with our kexec_load (-p, a sysrq crash, an ELF /proc/vmcore with
# the pattern page) on Debian's newest kernel, under SeaBIOS.
# The kernel: the newest Debian kernel in $KT_KERNEL_CACHE (7.x: sid or
# trixie-backports; make fetch-kernels puts it there); SKIP without it.
KT_KERNEL=debian:newest KT_FIRMWARE=bios KT_LABEL=new-kernel-kdump KT_KDUMP_VARIANTS=${KT_KDUMP_VARIANTS:-load} \
	exec "$(dirname "$0")/kdump.sh"
