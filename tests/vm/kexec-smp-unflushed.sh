#!/bin/sh
# Fail closed (DESIGN.md "Purgatory", step 3): kexec-smp.sh's guest, but
# the loader is told the APIC ids 0, 1, 2 and 99 (a hidden test option),
# 99 in no package cpuinfo knows, so a package of its own.  99 never
# answers, so no CPU of its package runs WBINVD, and the guest's kernel
# does not flush every CPU itself: the purgatory must say so on the
# serial console and reset (QEMU's -no-reboot ends the VM) instead of
# jumping; stage 2 never starts.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
KT_LABEL=kexec-smp-unflushed
kt_setup kexec-smp
kt_has_tdx || kt_skip "$KEXEC_BIN knows no --tdx"
KT_SMP=4
KT_KEXEC_ARGS="--tdx=clear --tdx-debug-apic-ids=0,1,2,99"
kt_initramfs
kt_run_vm
expect_marker "KT-CPUS-1 $KT_SMP"
expect_marker "KT-RC 0"
expect_line_re 'kexec-tdx purgatory: no CPU of a package ran WBINVD \(package, APIC id of one of its CPUs\) \(0x80000003, 0x63\), not starting the new kernel'
refute_line_re 'KT-STAGE 2 .*'
kt_finish
