#!/bin/sh
# kexec -e on a CPU other than the boot CPU (DESIGN.md "Purgatory", step
# 3): a 4-CPU guest writes 1 to /sys/kernel/reboot/cpu, so kernel_kexec()
# runs the purgatory on CPU 1.  The new kernel must come up with as many
# CPUs after `kexec --tdx=clear` as after the same kexec with `--tdx=off`
# (Linux never sends INIT to the boot CPU, so a kernel started on CPU 1
# runs without it: 3 of 4 with Debian's 7.3).  Before the purgatory left
# the boot CPU alone, its INIT reset the guest and the clear run never
# reached the new kernel.  Two VMs: --tdx=off, then --tdx=clear
# --console-serial (the purgatory says how many CPUs it parked).
# The kernel: Debian's newest (KT_KERNEL=debian:newest, the 7.x that
# make fetch-kernels caches; lib.sh SKIPs without it).  Its vCPUs run on one
# host thread: under multi-threaded TCG that kernel took an int3 trap in
# sched_clock_cpu while patching its text, 2.2 s into its boot, after the
# --tdx=off control's kexec as well as after ours (tests/vm/README.md).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
KT_KERNEL=debian:newest
KT_SMP=4
KT_TCG_THREAD=single
kt_setup kexec-smp-rebootcpu
kt_has_tdx || kt_skip "$KEXEC_BIN knows no --tdx"
kt_initramfs

# run_mode MODE: one VM; $cpus: the CPUs of its new kernel ('' if none)
run_mode() {
	KT_APPEND="kt.tdx=$1"
	kt_run_vm
	expect_marker "KT-CPUS-1 $KT_SMP"
	expect_marker "KT-REBOOT-CPU 1"
	expect_marker "KT-OK stage2"
	cpus=$(tr -d '\r' <"$KT_LOG" | sed -n 's/^KT-CPUS-2 \([0-9]*\)$/\1/p' | head -n 1)
}
run_mode off
off=$cpus
cp "$KT_LOG" "$KT_TMP/serial-off.log"
run_mode clear
clear=$cpus
echo "kt: CPUs after the kexec from CPU 1: --tdx=off ${off:-none}, --tdx=clear ${clear:-none}"
case $off in
'' | *[!0-9]*) kt_fail "the --tdx=off run did not reach the new kernel" ;;
esac
[ -n "$clear" ] && [ "$clear" = "$off" ] ||
	kt_fail "--tdx=clear: ${clear:-no} CPUs in the new kernel, --tdx=off: $off"
expect_line_re ' *APIC id 0 +not-started .*'
# the purgatory's own lines (--console-serial): APIC ids 2 and 3 parked
expect_line_re 'kexec-tdx purgatory: 2 other CPUs parked in the HLT loop of the page at 0x[0-9a-f]+'
kt_finish
