#!/bin/sh
# The purgatory clear, seen from the guest: stage 1 writes a pattern into
# 16 MiB kept from the kernel by memmap=16M$0x40000000 (still System RAM in
# /sys/firmware/memmap, so on the clear list), then kexecs with
# $KT_KEXEC_ARGS (default --tdx=clear) and -d.
#   --tdx=clear  the pattern is gone; the report says clear, verify ok, and
#                bytes_cleared is exactly the private ranges (firmware RAM
#                above 1 MiB, summed in stage 1) minus the loaded segments
#                (the -d table), which is also the -d clear list's total
#   --tdx=flush  the pattern survives; the report says WBINVD and 0 bytes
#   --tdx=off    (or a kexec without --tdx) the pattern survives
# KT_MEM (MiB) sizes the guest; kexec-clear-4g.sh runs it with 4096 so that
# RAM above 4 GiB is on the list.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-clear
KT_KEXEC_ARGS=${KT_KEXEC_ARGS---tdx=clear}
case " $KT_KEXEC_ARGS " in
*" --tdx=clear "*) mode=clear want=gone ;;
*" --tdx=flush "*) mode=flush want=present ;;
*) mode=off want=present ;;
esac
if ! kt_has_tdx; then
	[ $mode = off ] || kt_skip "$KEXEC_BIN knows no --tdx"
	# A kexec without --tdx is the control: drop --tdx=off.
	KT_KEXEC_ARGS=$(echo " $KT_KEXEC_ARGS " | sed 's/ --tdx=off / /g')
else
	KT_KEXEC_ARGS="$KT_KEXEC_ARGS -d"
fi
echo "kt: kexec args '$KT_KEXEC_ARGS', expecting the pattern $want"
# shellcheck disable=SC2016 # a literal $ for the kernel
KT_APPEND='memmap=16M$0x40000000'
kt_initramfs
kt_run_vm
expect_marker "KT-PATTERN written"
expect_line_re "KT-STAGE 2 test=$KT_NAME cmdline=.* kt\.stage=2( .*)?"
expect_marker "KT-PATTERN $want"

# log_value SED-ERE: the first group of the first matching line.
log_value() { tr -d '\r' <"$KT_LOG" | sed -nE "s/$1/\\1/p" | head -n 1; }
# report KEY: a value of the stage-2 `kexec --tdx-report --json`.
report() { log_value "^ *\"$1\": *\"?([^\",]*)\"?,?\$"; }

if [ $mode = clear ]; then
	expect_marker "KT-NONZERO 0"
	expect_marker "KT-TDX-REPORT rc=0"
	private=$(log_value '^KT-PRIVATE-BYTES ([0-9]+)$')
	segments=0
	for kt_m in $(tr -d '\r' <"$KT_LOG" |
		sed -nE 's/^ +[0-9]+  [a-z]+ +0x[0-9a-f]+ 0x[0-9a-f]+ (0x[0-9a-f]+) .*/\1/p'); do
		segments=$((segments + kt_m))
	done
	listed=$(log_value '^TDX clear list: [0-9]+ ranges, (0x[0-9a-f]+) bytes$')
	cleared=$(report bytes_cleared)
	echo "kt: private ${private:-?} - segments $segments = $((${private:-0} - segments));" \
		"-d list ${listed:-?}, report ${cleared:-?} bytes"
	[ -n "$private" ] && [ "$segments" -gt 0 ] && [ -n "$listed" ] ||
		kt_fail "no KT-PRIVATE-BYTES, segment table or clear list in the log"
	[ "${cleared:-x}" = $((${private:-0} - segments)) ] ||
		kt_fail "bytes_cleared ${cleared:-missing}, expected $((${private:-0} - segments))"
	[ -n "$listed" ] && [ "${cleared:-x}" = $((listed)) ] ||
		kt_fail "bytes_cleared ${cleared:-missing} is not the -d clear list's ${listed:-?}"
	[ "$(report action)" = clear ] || kt_fail "report action '$(report action)', expected clear"
	case $(report method) in
	movdir64b | nt-store) ;;
	*) kt_fail "report method '$(report method)', expected movdir64b or nt-store" ;;
	esac
	[ "$(report verify)" = ok ] || kt_fail "report verify '$(report verify)', expected ok"
	[ "$(report nr_ranges)" = "$(log_value '^TDX clear list: ([0-9]+) ranges.*$')" ] ||
		kt_fail "report nr_ranges '$(report nr_ranges)' differs from the -d clear list"
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
	expect_marker "KT-NONZERO 16777216"
	if [ $mode = flush ]; then
		expect_marker "KT-TDX-REPORT rc=0"
		[ "$(report action)" = flush ] || kt_fail "report action '$(report action)', expected flush"
		[ "$(report method)" = wbinvd ] || kt_fail "report method '$(report method)', expected wbinvd"
		[ "$(report bytes_cleared)" = 0 ] ||
			kt_fail "report bytes_cleared '$(report bytes_cleared)', expected 0"
	fi
fi
kt_finish
