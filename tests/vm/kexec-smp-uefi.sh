#!/bin/sh
# kexec-smp.sh under OVMF.
KT_LABEL=kexec-smp-uefi KT_SMP_FIRMWARE=uefi exec "$(dirname "$0")/kexec-smp.sh"
