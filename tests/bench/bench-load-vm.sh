#!/bin/sh
# `kexec -c -l` of Debian's kernel and a busybox initramfs, timed in a QEMU
# guest for the kexec under test (--tdx=off and --tdx=clear) and for
# Debian's kexec-tools in the same run; prints the ratios and both -d
# layouts.  Under TCG every instruction is emulated, so the ratio, not the
# seconds, is the figure.  Needs what the VM tests need plus kexec-tools.
# Usage: tests/bench/bench-load-vm.sh   (KEXEC_BIN, KT_KERNEL as for tests/vm)
set -u
srcvm=$(cd "$(dirname "$0")/../vm" && pwd)
# shellcheck source=../vm/lib.sh
. "$srcvm/lib.sh"
KT_SRCDIR=$srcvm
kt_setup compare
tools=$(command -v kexec-tools || ls /sbin/kexec /usr/sbin/kexec 2>/dev/null | head -n 1)
[ -n "$tools" ] && "$tools" --version 2>&1 | grep -q kexec-tools ||
	kt_skip "Debian's kexec-tools is not installed"
KT_EXTRA_BINS="$tools=sbin/kexec-tools" KT_TIMEOUT=${KT_TIMEOUT:-600}
kt_initramfs
kt_run_vm
expect_marker "KT-OK compare"
echo "bench: kexec -c -l, 10 loads + unloads each, in a TCG guest (-cpu max)"
echo "bench: kexec-tools: $("$tools" --version 2>&1 | head -n 1)"
tr -d '\r' <"$KT_LOG" | awk '
	/^KT-TIME / { t[$2] = t[$2] ? (t[$2] < $4 ? t[$2] : $4) : $4 }
	END {
		for (k in t) printf "bench: %-12s %6.2f s per load (best of 2 rounds)\n", k, t[k] / 100 / 10
		if (t["kexec-tools"] && t["ours-off"])
			printf "bench: ratio kexec-tools/ours --tdx=off   %.2fx (>= 1: ours is no slower)\n", t["kexec-tools"] / t["ours-off"]
		if (t["kexec-tools"] && t["ours-clear"])
			printf "bench: ratio kexec-tools/ours --tdx=clear %.2fx\n", t["kexec-tools"] / t["ours-clear"]
	}'
echo "---- layouts ----"
tr -d '\r' <"$KT_LOG" | sed -n '/^KT-LAYOUT kexec-tools/,/^KT-OK compare/p'
kt_finish
