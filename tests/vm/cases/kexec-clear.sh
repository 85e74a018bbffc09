# shellcheck shell=sh
# Stage script: a pattern in the memmap-reserved 16 MiB at 1 GiB must
# survive a plain kexec and vanish after a purgatory clear.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
blk=65536 skip=$((0x40000000 / 65536)) count=256

# /tmp/pat: 16 MiB of a 4 KiB block of "KT-PATTERN-xxxx\n" records.
i=0
while [ $i -lt 256 ]; do
	printf 'KT-PATTERN-%04x\n' $i
	i=$((i + 1))
done >/tmp/pat
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	cat /tmp/pat /tmp/pat >/tmp/pat2 && mv /tmp/pat2 /tmp/pat
done

readback() {
	dd if=/dev/mem of=/tmp/back bs=$blk skip=$skip count=$count 2>/dev/null
}

case $1 in
1)
	dd if=/tmp/pat of=/dev/mem bs=$blk seek=$skip conv=notrunc 2>/dev/null
	if ! readback || ! cmp -s /tmp/pat /tmp/back; then
		echo "KT-FAIL cannot write the pattern through /dev/mem"
		exit 1
	fi
	echo "KT-PATTERN written"
	# DESIGN.md's private ranges here (no CMRs, no crash kernel): firmware
	# "System RAM" above 1 MiB.
	priv=0
	for d in /sys/firmware/memmap/*; do
		[ "$(cat "$d/type")" = "System RAM" ] || continue
		s=$(($(cat "$d/start"))) e=$(($(cat "$d/end") + 1))
		[ $s -lt $((0x100000)) ] && s=$((0x100000))
		[ $e -gt $s ] && priv=$((priv + e - s))
	done
	echo "KT-PRIVATE-BYTES $priv"
	kt_roundtrip
	;;
2)
	echo "KT-OK stage2"
	# the TSC rate, to turn the report's cycles into seconds
	echo "KT-TSC-KHZ $(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p; s/.*tsc: Detected \([0-9]*\)\.\([0-9]\{3\}\) MHz processor.*/\1\2/p' | tail -n 1)"
	readback || echo "KT-FAIL cannot read /dev/mem"
	echo "KT-NONZERO $(tr -d '\000' </tmp/back | wc -c)"
	if cmp -s /tmp/pat /tmp/back; then
		echo "KT-PATTERN present"
	elif [ -z "$(tr -d '\000' </tmp/back | head -c 1)" ]; then
		echo "KT-PATTERN gone"
	else
		echo "KT-PATTERN partial"
	fi
	if "$KEXEC" --help 2>&1 | grep -q -e '--tdx-report'; then
		"$KEXEC" --tdx-report --json
		echo "KT-TDX-REPORT rc=$?"
	fi
	;;
esac
