#!/bin/sh
# The purgatory clear, seen from the guest: stage 1 writes a pattern into
# 16 MiB kept from the kernel by memmap=16M$0x40000000 (still System RAM in
# /sys/firmware/memmap), then kexecs with $KT_KEXEC_ARGS (default
# --tdx=clear).  With --tdx=clear the pattern must be gone in stage 2; with
# anything else (--tdx=off, plain kexec) it must still be there.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-clear
KT_KEXEC_ARGS=${KT_KEXEC_ARGS---tdx=clear}
case " $KT_KEXEC_ARGS " in
*" --tdx=clear "*) want=gone ;;
*) want=present ;;
esac
if ! kt_has_tdx; then
	[ $want = gone ] && kt_skip "$KEXEC_BIN knows no --tdx"
	# A kexec without --tdx is the control: drop --tdx=off.
	KT_KEXEC_ARGS=$(echo " $KT_KEXEC_ARGS " | sed 's/ --tdx=off / /g')
fi
echo "kt: kexec args '$KT_KEXEC_ARGS', expecting the pattern $want"
# shellcheck disable=SC2016 # a literal $ for the kernel
KT_APPEND='memmap=16M$0x40000000'
kt_initramfs
kt_run_vm
expect_marker "KT-PATTERN written"
expect_line_re "KT-STAGE 2 test=$KT_NAME cmdline=.* kt\.stage=2( .*)?"
expect_marker "KT-PATTERN $want"
if [ $want = gone ]; then
	expect_marker "KT-NONZERO 0"
	kt_has_tdx && expect_marker "KT-TDX-REPORT rc=0"
else
	expect_marker "KT-NONZERO 16777216"
fi
kt_finish
