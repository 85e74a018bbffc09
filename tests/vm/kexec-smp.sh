#!/bin/sh
# Every CPU clears its share (DESIGN.md "Purgatory", step 3): a guest with
# $KT_SMP CPUs (default 4) kexecs with --tdx=clear -d $KT_SMP_ARGS.
#   the report: cpus_used $KT_SMP_USED (default: every CPU), one
#   per_cpu_bytes entry per CPU, each non-zero for a CPU that cleared,
#   adding up to bytes_cleared, which is the -d clear list's total;
#   cpus_fallback lists $KT_SMP_FALLBACK (default none);
#   the new kernel brings every CPU online again (its own INIT-SIPI-SIPI
#   finds the CPUs the purgatory parked).
# KT_SMP_FIRMWARE=uefi boots under OVMF.  kexec-smp-uefi.sh and
# kexec-smp-fallback.sh are this test with other settings.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-smp
kt_has_tdx || kt_skip "$KEXEC_BIN knows no --tdx"
KT_SMP=${KT_SMP:-4}
used=${KT_SMP_USED:-$KT_SMP}
fallback=${KT_SMP_FALLBACK:-}
KT_KEXEC_ARGS="--tdx=clear -d ${KT_SMP_ARGS:-}"
set --
if [ "${KT_SMP_FIRMWARE:-bios}" = uefi ]; then
	KT_OVMF=${KT_OVMF:-/usr/share/ovmf/OVMF.fd}
	[ -r "$KT_OVMF" ] || kt_skip "no OVMF firmware at $KT_OVMF (package ovmf)"
	set -- -bios "$KT_OVMF"
fi
echo "kt: $KT_SMP CPUs, kexec args '$KT_KEXEC_ARGS', expecting cpus_used $used," \
	"fallback [${fallback}]"
kt_initramfs
kt_run_vm "$@"
expect_marker "KT-CPUS-1 $KT_SMP"
expect_line_re "KT-STAGE 2 test=$KT_NAME cmdline=.* kt\.stage=2( .*)?"
expect_marker "KT-CPUS-2 $KT_SMP"
expect_marker "KT-TDX-REPORT rc=0"
expect_report_schema

log() { tr -d '\r' <"$KT_LOG"; }
log_value() { log | sed -nE "s/$1/\\1/p" | head -n 1; }
report() { log_value "^ *\"$1\": *\"?([^\",]*)\"?,?\$"; }
# report_list KEY: the numbers of a JSON array of the report, one per line.
report_list() {
	log | sed -n "/^ *\"$1\": \\[/,/^ *\\]/p" | sed -n 's/^ *\([0-9][0-9]*\),\{0,1\}$/\1/p'
}

cleared=$(report bytes_cleared)
listed=$(log_value '^TDX clear list: [0-9]+ ranges, (0x[0-9a-f]+) bytes$')
[ -n "$cleared" ] && [ -n "$listed" ] && [ "$cleared" = $((listed)) ] ||
	kt_fail "bytes_cleared ${cleared:-missing} is not the -d clear list's ${listed:-?}"
[ "$(report cpus_used)" = "$used" ] ||
	kt_fail "report cpus_used '$(report cpus_used)', expected $used"
n=0 sum=0 nonzero=0
for b in $(report_list per_cpu_bytes); do
	n=$((n + 1)) sum=$((sum + b))
	[ "$b" -gt 0 ] && nonzero=$((nonzero + 1))
done
echo "kt: per_cpu_bytes: $(report_list per_cpu_bytes | tr '\n' ' ')(sum $sum)"
log | grep -E '^ +APIC id ' | sed 's/^ */kt:   /'
[ "$n" = "$KT_SMP" ] || kt_fail "$n per_cpu_bytes entries, expected $KT_SMP"
[ "$nonzero" = "$used" ] || kt_fail "$nonzero non-zero per_cpu_bytes, expected $used"
[ "$sum" = "${cleared:-x}" ] || kt_fail "per_cpu_bytes add up to $sum, bytes_cleared is $cleared"
got_fallback=$(report_list cpus_fallback | tr '\n' ' ' | sed 's/ $//')
[ "$got_fallback" = "$fallback" ] ||
	kt_fail "cpus_fallback [$got_fallback], expected [$fallback]"
case $(report apic_mode) in
xapic | x2apic) echo "kt: the other CPUs were started through the $(report apic_mode)" ;;
*) kt_fail "report apic_mode '$(report apic_mode)', expected xapic or x2apic" ;;
esac
expect_line_re 'CPUs: [0-9]+ listed, [0-9]+ clear, trampoline 0x[0-9a-f]+, TSC [0-9]+ kHz'
# the progress on console=ttyS0: every tenth, the last one whoever cleared it
for pct in 10 20 30 40 50 60 70 80 90 100; do
	expect_line_re "kexec-tdx purgatory: clear $pct % \([0-9]+ of [0-9]+ MiB\)"
done
khz=$(log_value '^KT-TSC-KHZ ([0-9]+)$')
tsc=$(report tsc_clear)
if [ -n "$khz" ] && [ "$khz" -gt 0 ] && [ -n "$tsc" ]; then
	echo "kt: clear of $cleared bytes on $used of $KT_SMP CPUs: $tsc TSC cycles =" \
		"$((tsc / khz)) ms at $khz kHz (under TCG)"
fi
kt_finish
