#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make check-kernels: every Debian kernel that fetch-kernels.sh cached
# ($KT_KERNEL_CACHE/kernels: trixie's 6.12, sid's and trixie-backports'
# 7.x) times every way this kexec leaves a kernel:
#   default  kexec-load.sh        -l and -e with no --tdx (action none here)
#   clear    kexec-clear.sh       --tdx=clear: no pattern block left
#   flush    kexec-clear-flush.sh --tdx=flush: WBINVD, the blocks stay
#   kdump    kdump.sh             -p, a sysrq crash, /proc/vmcore (our
#                                 kexec_load only: KT_KDUMP_VARIANTS=load)
#   smp      kexec-smp.sh         4 CPUs, each clears its share
# one VM after the other, under SeaBIOS (make check runs clear and kdump
# under OVMF too, on the newest kernel).  It prints one line per run (the
# result, the seconds in the VMs and in all, with the wait for the VM lock,
# the kernel versions the VMs booted) and exits 1 when a run failed.  The
# vCPUs run on one host thread (KT_TCG_THREAD=single; tests/vm/README.md:
# 7.x under multi-threaded TCG traps on its own text patching now and then).
# kdump runs without the host's makedumpfile (KT_MAKEDUMPFILE=0): bookworm's
# 1.7.2 supports none of these kernels ("The kernel version is not
# supported"), and its unfiltered dump of 6.12 filled the crash kernel's tmpfs.
# KT_MATRIX_TESTS and KT_MATRIX_KERNELS (ABI prefixes, e.g. "6.12 7.3")
# choose fewer; every other KT_ variable reaches the tests.
# The logs stay in $TMPDIR/kexec-tdx-check-kernels.*.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cache=${KT_KERNEL_CACHE:-/var/cache/kexec-tdx-kernels}
[ -r "$cache/kernels" ] || { echo "check-kernels: no $cache/kernels (make fetch-kernels)"; exit 1; }
logs=$(mktemp -d "${TMPDIR:-/tmp}/kexec-tdx-check-kernels.XXXXXX") || exit 99

script() {
	case $1 in
	default) echo kexec-load.sh ;;
	clear) echo kexec-clear.sh ;;
	flush) echo kexec-clear-flush.sh ;;
	kdump) echo kdump.sh ;;
	smp) echo kexec-smp.sh ;;
	*) return 1 ;;
	esac
}

failed=0
summary=$logs/summary
: >"$summary"
for abi in $(cut -d' ' -f1 "$cache/kernels" | sort -V); do
	if [ -n "${KT_MATRIX_KERNELS:-}" ]; then
		pick=0
		for k in $KT_MATRIX_KERNELS; do case $abi in "$k".*) pick=1 ;; esac; done
		[ $pick = 1 ] || continue
	fi
	for t in ${KT_MATRIX_TESTS:-default clear flush kdump smp}; do
		s=$(script "$t") || { echo "check-kernels: unknown test $t"; exit 99; }
		log=$logs/$abi-$t.log
		t0=$(date +%s)
		KT_TCG_THREAD=${KT_TCG_THREAD:-single} KT_MAKEDUMPFILE=${KT_MAKEDUMPFILE:-0} \
		KT_KERNEL=$cache/vmlinuz-$abi KT_LABEL=$abi-$t KT_TIMEOUT=${KT_TIMEOUT:-600} \
			KT_KDUMP_VARIANTS=${KT_KDUMP_VARIANTS:-load} \
			"$here/$s" >"$log" 2>&1
		rc=$?
		secs=$(($(date +%s) - t0))
		case $rc in
		0) res=PASS ;;
		77) res=SKIP ;;
		*) res=FAIL failed=1 ;;
		esac
		booted=$(sed -n 's/^kt: kernels booted: //p' "$log" | tr '\n' ' ')
		vm=$(awk '/^kt: VM ran [0-9]+ s/ { n += $4 } END { print n + 0 }' "$log")
		retry=$(grep -c '^kt: RETRY' "$log")
		line=$(printf '%-22s %-8s %-4s VM %4s s (wall %4s s)  booted: %s' "$abi" "$t" "$res" \
			"$vm" "$secs" "$booted")
		[ "$retry" = 0 ] || line="$line (retried $retry x: old kernel oopsed before the jump)"
		echo "$line" | tee -a "$summary"
		[ $res = FAIL ] && grep -E '^(FAIL|SKIP|ERROR):' "$log" | sed 's/^/    /'
	done
done
echo "check-kernels: logs in $logs"
exit $failed
