#!/bin/sh
# make bench-smp-vm: the purgatory's clear on one CPU and on every CPU of
# the same guest (DESIGN.md "Purgatory", step 3).  tests/vm/kexec-smp.sh
# in a $KT_SMP-CPU (2) guest with $KT_MEM (4096) MiB, --tdx-cpus=1 and
# then every CPU, $BENCH_ROUNDS (2) rounds; prints the report's clear
# cycles and the ratio all / one (the issue asks <= 0.75 with two CPUs).
# Compare within one guest shape: under TCG a guest with fewer CPUs runs
# the same loop at another speed.  A benchmark, not part of make check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export KT_SMP=${KT_SMP:-2} KT_MEM=${KT_MEM:-4096} KT_LABEL=bench-smp
rounds=${BENCH_ROUNDS:-2}
one=0 all=0 r=1
while [ "$r" -le "$rounds" ]; do
	for mode in one all; do
		if [ $mode = one ]; then
			args=--tdx-cpus=1 used=1
		else
			args= used=$KT_SMP
		fi
		out=$(KT_SMP_ARGS=$args KT_SMP_USED=$used "$here/../vm/kexec-smp.sh" 2>&1)
		rc=$?
		line=$(echo "$out" | grep '^kt: clear of ')
		tsc=$(echo "$line" | sed -n 's/.*CPUs: \([0-9]*\) TSC cycles.*/\1/p')
		echo "round $r, $mode: ${line#kt: }"
		echo "$out" | grep -E '^kt:   APIC id ' | sed 's/^kt: /  /'
		if [ "$rc" != 0 ] || [ -z "$tsc" ]; then
			echo "$out" | tail -n 20
			echo "bench-smp-vm: the run failed (status $rc)"
			exit 1
		fi
		if [ $mode = one ]; then one=$((one + tsc)); else all=$((all + tsc)); fi
	done
	r=$((r + 1))
done
echo "clear cycles, $rounds rounds: one CPU $one, $KT_SMP CPUs $all," \
	"ratio $(awk "BEGIN { printf \"%.2f\", $all / $one }")"
