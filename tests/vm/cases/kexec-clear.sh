# shellcheck shell=sh
# Stage script of kexec-clear.sh.  Stage 1 marks memory with 64-byte blocks
# (tests/vm/kt-memscan.c): 16 MiB kept from the kernel by
# memmap=16M$0x40000000 (RESERVED) and by memmap=16M!0x50000000 (PMEM, legacy
# pmem), both through /dev/mem, and $KT_FILL_MIB MiB of System RAM held by a
# process; then it kexecs with the same command line.  Stage 2 checks both
# carve-outs through /dev/mem and counts the blocks left in all RAM through
# /proc/kcore.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
MS=/usr/bin/kt-memscan
fill_mib=$(cat /etc/kt-fill-mib 2>/dev/null || echo 512)

uptime_s() { cut -d' ' -f1 /proc/uptime; }

case $1 in
1)
	$MS pwrite RESERVED 0x40000000 0x1000000 || exit 1
	$MS pwrite PMEM 0x50000000 0x1000000 || exit 1
	grep -E '^[0-9a-f]+-[0-9a-f]+ : ([Rr]eserved|Persistent Memory.*|System RAM)$' /proc/iomem |
		sed 's/^/KT-IOMEM /'
	t0=$(uptime_s)
	$MS fill "$fill_mib" || exit 1
	echo "KT-FILL-TIME $t0 $(uptime_s)"
	# DESIGN.md's private ranges, independently of kexec
	$MS private || exit 1
	kt_roundtrip
	;;
2)
	echo "KT-OK stage2"
	# the TSC rate, to turn the report's cycles into seconds
	echo "KT-TSC-KHZ $(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p; s/.*tsc: Detected \([0-9]*\)\.\([0-9]\{3\}\) MHz processor.*/\1\2/p' | tail -n 1)"
	$MS pcheck RESERVED 0x40000000 0x1000000
	echo "KT-PCHECK rc=$?"
	$MS pcheck PMEM 0x50000000 0x1000000
	echo "KT-PCHECK rc=$?"
	if "$KEXEC" --help 2>&1 | grep -q -e '--tdx-report'; then
		"$KEXEC" --tdx-report --json
		echo "KT-TDX-REPORT rc=$?"
	fi
	t0=$(uptime_s)
	$MS count
	echo "KT-COUNT rc=$?"
	echo "KT-COUNT-TIME $t0 $(uptime_s)"
	;;
esac
