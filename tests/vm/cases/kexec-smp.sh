# shellcheck shell=sh
# Stage script: a clear on every CPU (DESIGN.md "Purgatory", step 3).
# Stage 1 counts its CPUs and kexecs with $KT_KEXEC_ARGS; stage 2 counts
# the CPUs the new kernel brought online and prints the report.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
cpus=$(grep -c '^processor' /proc/cpuinfo)
case $1 in
1)
	echo "KT-CPUS-1 $cpus"
	kt_roundtrip
	;;
2)
	echo "KT-OK stage2"
	echo "KT-CPUS-2 $cpus"
	echo "KT-TSC-KHZ $(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p; s/.*tsc: Detected \([0-9]*\)\.\([0-9]\{3\}\) MHz processor.*/\1\2/p' | tail -n 1)"
	"$KEXEC" --tdx-report --json
	echo "KT-TDX-REPORT rc=$?"
	"$KEXEC" --tdx-report
	;;
esac
