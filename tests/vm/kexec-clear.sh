#!/bin/sh
# The purgatory clear, seen from the guest (cases/kexec-clear.sh, with the
# static helper kt-memscan.c built now).  The guest boots with
# memmap=16M$0x40000000 (reserved) and memmap=16M!0x50000000 (legacy pmem):
# both are still "System RAM" in /sys/firmware/memmap but not in /proc/iomem,
# so the running kernel never owned them and no clear may touch them.
# Stage 1 writes 64-byte pattern blocks into both through /dev/mem and into
# $KT_FILL_MIB (512) MiB of System RAM held by a process, then kexecs with
# $KT_KEXEC_ARGS (default --tdx=clear) and -d.  Stage 2 checks both
# carve-outs and counts the blocks left in all RAM through /proc/kcore.
#   --tdx=clear  no RAM block is left, both carve-outs are intact; the report
#                says clear, verify ok, and bytes_cleared is exactly the
#                private ranges (firmware RAM ∩ top-level System RAM of
#                /proc/iomem, above 1 MiB, summed in stage 1) minus the loaded
#                segments (the -d table), which is also the -d clear list's
#                total; the purgatory printed its progress (10 % ... 100 %)
#                on the guest's console=ttyS0
#   --tdx=flush  as off, and the report says WBINVD and 0 bytes
#   --tdx=off    (or a kexec without --tdx) at least half the RAM blocks are
#                still there, both carve-outs are intact
# KT_MEM (MiB) sizes the guest; kexec-clear-4g.sh runs it with 4096 so that
# RAM above 4 GiB is on the list.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-clear
# 512 MiB written and all RAM read under TCG: 35 s alone, 110 s on a busy host
KT_TIMEOUT=${KT_TIMEOUT:-300}
KT_KEXEC_ARGS=${KT_KEXEC_ARGS---tdx=clear}
case " $KT_KEXEC_ARGS " in
*" --tdx=clear "*) mode=clear ;;
*" --tdx=flush "*) mode=flush ;;
*) mode=off ;;
esac
if ! kt_has_tdx; then
	[ $mode = off ] || kt_skip "$KEXEC_BIN knows no --tdx"
	# A kexec without --tdx is the control: drop --tdx=off.
	KT_KEXEC_ARGS=$(echo " $KT_KEXEC_ARGS " | sed 's/ --tdx=off / /g')
else
	KT_KEXEC_ARGS="$KT_KEXEC_ARGS -d"
fi
command -v gcc >/dev/null || kt_skip "gcc not installed (builds the static memory scanner)"
scan_src=${abs_top_srcdir:-$KT_SRCDIR/../..}/tests/vm/kt-memscan.c
gcc -static -O2 -o "$KT_TMP/kt-memscan" "$scan_src" 2>"$KT_TMP/gcc.log" ||
	kt_skip "cannot build a static program: $(head -n 3 "$KT_TMP/gcc.log")"
fill_mib=${KT_FILL_MIB:-512}
echo "$fill_mib" >"$KT_TMP/fill-mib"
echo "kt: kexec args '$KT_KEXEC_ARGS' ($mode), $fill_mib MiB of RAM blocks"
# shellcheck disable=SC2016 # a literal $ for the kernel
KT_APPEND='memmap=16M$0x40000000 memmap=16M!0x50000000'
kt_initramfs "$KT_TMP/kt-memscan=usr/bin/kt-memscan" "$KT_TMP/fill-mib=etc/kt-fill-mib"
kt_run_vm

# log_value SED-ERE: the first group of the first matching line.
log_value() { tr -d '\r' <"$KT_LOG" | sed -nE "s/$1/\\1/p" | head -n 1; }
# report KEY: a value of the stage-2 `kexec --tdx-report --json`.
report() { log_value "^ *\"$1\": *\"?([^\",]*)\"?,?\$"; }
# minus_range S E: "start end" lines on stdin without [S, E).
minus_range() {
	while read -r kt_s kt_e; do
		[ -n "$kt_s" ] || continue
		if [ $((kt_e)) -le $(($1)) ] || [ $((kt_s)) -ge $(($2)) ]; then
			echo "$((kt_s)) $((kt_e))"
			continue
		fi
		[ $((kt_s)) -lt $(($1)) ] && echo "$((kt_s)) $(($1))"
		[ $((kt_e)) -gt $(($2)) ] && echo "$(($2)) $((kt_e))"
	done
	return 0
}
# secs MARKER: guest seconds between the two uptimes of "MARKER T0 T1".
secs() { tr -d '\r' <"$KT_LOG" | awk -v m="$1" '$1 == m { printf "%.1f", $3 - $2; exit }'; }

# Stage 1: both carve-outs written and read back, RAM filled.
expect_marker "KT-RESERVED-PATTERN written at 0x40000000, 0x1000000 bytes"
expect_marker "KT-PMEM-PATTERN written at 0x50000000, 0x1000000 bytes"
expect_line_re "KT-IOMEM 40000000-40ffffff : [Rr]eserved"
expect_line_re "KT-IOMEM 50000000-50ffffff : Persistent Memory \(legacy\)"
written=$((fill_mib * 16384))
expect_marker "KT-RAM-BLOCKS-WRITTEN $written"
# Stage 2: every read worked, both carve-outs are intact.
expect_line_re "KT-STAGE 2 test=$KT_NAME cmdline=.* kt\.stage=2( .*)?"
refute_line_re 'KT-(READ-)?FAIL.*'
refute_line_re 'KT-(PCHECK|COUNT) rc=[1-9][0-9]*'
expect_marker "KT-PCHECK rc=0"
expect_marker "KT-COUNT rc=0"
expect_marker "KT-RESERVED-PATTERN present"
expect_marker "KT-PMEM-PATTERN present"
# /proc/kcore covered every whole page of top-level System RAM.
kcore=$(log_value '^KT-KCORE-RAM [0-9]+ segments ([0-9]+) bytes$')
iomem=$(log_value '^KT-IOMEM-RAM-PAGES ([0-9]+) bytes$')
if [ -z "$kcore" ] || [ "$kcore" != "$iomem" ]; then
	kt_fail "/proc/kcore's RAM is ${kcore:-?} bytes, System RAM in whole pages ${iomem:-?}"
fi
left=$(log_value '^KT-RAM-BLOCKS ([0-9]+)$')
echo "kt: RAM blocks: $written written, ${left:-?} left in ${kcore:-?} bytes of RAM;" \
	"fill $(secs KT-FILL-TIME) s, kcore count $(secs KT-COUNT-TIME) s (guest uptime)"

if [ $mode = clear ]; then
	[ "${left:-x}" = 0 ] || kt_fail "${left:-no count of} RAM blocks left after the clear, expected 0"
	expect_marker "KT-TDX-REPORT rc=0"
	expect_report_schema
	# the purgatory's progress on the guest's console=ttyS0, without --console-serial
	expect_line_re 'kexec-tdx purgatory: clear 10 % \([0-9]+ of [0-9]+ MiB\)'
	expect_line_re 'kexec-tdx purgatory: clear 100 % \([0-9]+ of [0-9]+ MiB\)'
	private=$(log_value '^KT-PRIVATE-BYTES ([0-9]+)$')
	# the segments from 1 MiB up (the CPU start trampoline lies below, outside
	# the private ranges)
	segments=0
	for kt_m in $(tr -d '\r' <"$KT_LOG" |
		sed -nE 's/^ +[0-9]+  [a-z-]+ +(0x[0-9a-f]+) 0x[0-9a-f]+ (0x[0-9a-f]+) .*/\1,\2/p'); do
		[ $((${kt_m%,*})) -ge $((0x100000)) ] && segments=$((segments + ${kt_m#*,}))
	done
	listed=$(log_value '^TDX clear list: [0-9]+ ranges, (0x[0-9a-f]+) bytes$')
	cleared=$(report bytes_cleared)
	echo "kt: private ${private:-?} - segments $segments = $((${private:-0} - segments));" \
		"-d list ${listed:-?}, report ${cleared:-?} bytes"
	if [ -z "$private" ] || [ "$segments" = 0 ] || [ -z "$listed" ]; then
		kt_fail "no KT-PRIVATE-BYTES, segment table or clear list in the log"
	fi
	[ "${cleared:-x}" = $((${private:-0} - segments)) ] ||
		kt_fail "bytes_cleared ${cleared:-missing}, expected $((${private:-0} - segments))"
	if [ -z "$listed" ] || [ "${cleared:-x}" != $((listed)) ]; then
		kt_fail "bytes_cleared ${cleared:-missing} is not the -d clear list's ${listed:-?}"
	fi
	[ "$(report action)" = clear ] || kt_fail "report action '$(report action)', expected clear"
	case $(report method) in
	movdir64b | nt-store | nt-store-avx) ;;
	*) kt_fail "report method '$(report method)', expected movdir64b, nt-store or nt-store-avx" ;;
	esac
	[ "$(report verify)" = ok ] || kt_fail "report verify '$(report verify)', expected ok"
	# the line -e prints before the jump (issue 21, item 5), and the report's
	# seconds (item 4: clear_seconds, null only without a TSC rate in the log)
	expect_line_re "(\\[ *[0-9.]+\\] )?kexec: WBINVD and clear of [0-9.]+ [KMG]iB on [0-9]+ CPUs?, (about [0-9]+ (s|min)|under 1 s); the console is quiet until the new kernel prints"
	case $(report clear_seconds) in
	[0-9]*) ;;
	*) kt_fail "report clear_seconds '$(report clear_seconds)', expected seconds" ;;
	esac
	[ "$(report nr_ranges)" = "$(log_value '^TDX clear list: ([0-9]+) ranges.*$')" ] ||
		kt_fail "report nr_ranges '$(report nr_ranges)' differs from the -d clear list"
	# The -d clear list, range by range, is the private ranges minus the
	# segments.
	want=$(tr -d '\r' <"$KT_LOG" |
		sed -nE 's/^KT-PRIVATE \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)$/\1 \2/p')
	for kt_seg in $(tr -d '\r' <"$KT_LOG" |
		sed -nE 's/^ +[0-9]+  [a-z-]+ +(0x[0-9a-f]+) (0x[0-9a-f]+) 0x[0-9a-f]+ .*/\1,\2/p'); do
		want=$(echo "$want" | minus_range "${kt_seg%,*}" "${kt_seg#*,}")
	done
	# adjacent ranges are one (under OVMF, 6.1's /proc/iomem splits System
	# RAM at a setup_data entry, at no page boundary; the loader merges them)
	want=$(echo "$want" | awk 'NF == 2 { if (n && $1 == e) e = $2; else { if (n) print s, e; s = $1; e = $2; n = 1 } }
		END { if (n) print s, e }')
	want=$(echo "$want" | while read -r kt_s kt_e; do
		[ -n "$kt_s" ] && printf '  [0x%016x, 0x%016x)\n' "$kt_s" "$kt_e"
	done)
	got=$(tr -d '\r' <"$KT_LOG" | grep -E '^  \[0x[0-9a-f]{16}, 0x[0-9a-f]{16}\)$')
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		kt_fail "the -d clear list is not the private ranges minus the segments"
		printf 'expected:\n%s\ngot:\n%s\n' "$want" "$got"
	fi
	if [ "${KT_MEM:-2048}" -gt 3072 ]; then
		expect_line_re '  \[0x0000000100000000, 0x0000000[0-9a-f]+\)'
	fi
	tsc=$(report tsc_clear)
	[ "${tsc:-0}" -gt 0 ] || kt_fail "report tsc_clear '${tsc:-missing}', expected > 0"
	khz=$(log_value '^KT-TSC-KHZ ([0-9]+)$')
	if [ -n "$khz" ] && [ "${tsc:-0}" -gt 0 ] && [ "$khz" -gt 0 ]; then
		ms=$((tsc / khz))
		echo "kt: purgatory clear: ${cleared:-?} bytes in $tsc TSC cycles at $khz kHz =" \
			"$ms ms ($(report method), under TCG), verify $(($(report tsc_verify) / khz)) ms"
	else
		echo "kt: purgatory clear took ${tsc:-?} TSC cycles for ${cleared:-?} bytes" \
			"($(report method))"
	fi
else
	# Without a clear the next kernel overwrites little of what was free.
	[ "${left:-0}" -ge $((written / 2)) ] ||
		kt_fail "${left:-no count of} RAM blocks left without a clear, expected >= $((written / 2))"
	if [ $mode = flush ]; then
		expect_marker "KT-TDX-REPORT rc=0"
		expect_report_schema
		[ "$(report action)" = flush ] || kt_fail "report action '$(report action)', expected flush"
		[ "$(report method)" = wbinvd ] || kt_fail "report method '$(report method)', expected wbinvd"
		expect_line_re "(\\[ *[0-9.]+\\] )?kexec: WBINVD on [0-9]+ CPUs?, under 1 s; the console is quiet until the new kernel prints"
		[ "$(report bytes_cleared)" = 0 ] ||
			kt_fail "report bytes_cleared '$(report bytes_cleared)', expected 0"
	fi
fi
kt_finish
