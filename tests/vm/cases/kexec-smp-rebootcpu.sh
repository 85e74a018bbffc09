# shellcheck shell=sh
# Stage script: kexec -e from CPU 1 (DESIGN.md "Purgatory", step 3).
# Stage 1 makes CPU 1 the reboot CPU (kernel_kexec() migrates there) and
# kexecs with --tdx=$kt.tdx from the command line; stage 2 counts the
# CPUs the new kernel brought online.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
cpus=$(grep -c '^processor' /proc/cpuinfo)
mode=off
# shellcheck disable=SC2013
for w in $(cat /proc/cmdline); do
	case $w in kt.tdx=*) mode=${w#kt.tdx=} ;; esac
done
case $1 in
1)
	echo "KT-CPUS-1 $cpus"
	if echo 1 >/sys/kernel/reboot/cpu 2>/dev/null; then
		echo "KT-REBOOT-CPU $(cat /sys/kernel/reboot/cpu)"
	else
		echo "KT-NO-REBOOT-CPU"
	fi
	if [ "$mode" = off ]; then
		kt_roundtrip --tdx=off
	else
		kt_roundtrip "--tdx=$mode" --console-serial
	fi
	;;
2)
	echo "KT-OK stage2"
	echo "KT-CPUS-2 $cpus"
	"$KEXEC" --tdx-report
	;;
esac
