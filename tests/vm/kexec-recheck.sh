#!/bin/sh
# kexec -e checks the TDX decision again (DESIGN.md, the loaded-image
# record): with a sysroot that mirrors the VM, an image loaded while it
# showed no TDX (action none), or loaded by kexec-tools (no record), is
# refused once the sysroot shows an initialized TDX module on a tdx_pw_mce
# CPU, and stays loaded; loaded again with that evidence it boots, and the
# purgatory's report in the second kernel says clear.  Between that load
# and its -e the crash kernel is shrunk (crashkernel=64M, then 32 MiB):
# -e refuses and says "reload", and boots once it was loaded again.
# KT_KEXEC_TOOLS (default /usr/sbin/kexec) is Debian's kexec-tools, copied
# in as /usr/sbin/kexec-tools.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-recheck
kt_has_tdx || kt_skip "$KEXEC_BIN knows no --tdx"
tools=${KT_KEXEC_TOOLS:-/usr/sbin/kexec}
if [ -x "$tools" ] && "$tools" --version 2>&1 | grep -q '^kexec-tools'; then
	KT_EXTRA_BINS="${KT_EXTRA_BINS:-} $tools=usr/sbin/kexec-tools"
	have_tools=1
else
	echo "kt: $tools is not kexec-tools: the foreign-image case cannot run"
	have_tools=0
fi
KT_APPEND="crashkernel=64M"
kt_initramfs
kt_run_vm

expect_marker "KT-DECISION before plain"
expect_marker "KT-LOAD before rc=0"
expect_marker "KT-RECORD before action=none decision=plain boot=ok"
expect_marker "KT-DECISION evidence clear"
expect_marker "KT-STATUS weak refuse"
expect_marker "KT-EXEC weak rc=1 loaded=1"
why='TDX module initialized \(virt/tdx: module initialized\) and tdx_pw_mce erratum: WBINVD and clear'
expect_line_re "KT-SAYS weak kexec: refusing to kexec: the image was loaded with action none at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z, but clear is needed now \($why\): load it again with kexec -l, or add --tdx-force"
# the policy of the -e invocation decides what is needed
expect_marker "KT-EXEC weak-flush rc=1 loaded=1"
expect_line_re "KT-SAYS weak-flush kexec: refusing to kexec: the image was loaded with action none at .*Z, but flush is needed now \(--tdx=flush\): load it again with kexec -l, or add --tdx-force"
expect_marker "KT-UNLOAD rc=0 loaded=0 record=gone"
if [ $have_tools = 1 ]; then
	expect_marker "KT-FOREIGN-LOAD rc=0 loaded=1"
	expect_marker "KT-STATUS foreign refuse"
	expect_marker "KT-EXEC foreign rc=1 loaded=1"
	expect_marker "KT-SAYS foreign kexec: refusing to kexec: the loaded image has no record of this kexec (loaded by another tool, such as kexec-tools), and clear is needed now (TDX module initialized (virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear): load it again with kexec -l, or add --tdx-force"
fi
expect_marker "KT-LOAD evidence rc=0"
expect_marker "KT-RECORD evidence action=clear decision=clear boot=ok"
expect_marker "KT-CRASH-SIZE before 67108864"
expect_marker "KT-CRASH-SIZE after 33554432"
expect_marker "KT-EXEC shrunk rc=1 loaded=1"
expect_marker "KT-SAYS shrunk kexec: refusing to kexec: the host changed since the image was loaded: the crash kernel shrank from 64.0 MiB to 32.0 MiB (its memory went back to the page allocator, outside the loaded clear list); reload it (kexec -l) so that its plan matches, or add --tdx-force"
expect_marker "KT-LOAD reload rc=0"
# one system-log line per load and refusal (issue 21, item 4), and the
# line -e prints before the jump (item 5)
expect_line_re "KT-SYSLOG load: decision plain, action none, kernel /boot/vmlinuz( \(.*\))?"
expect_line_re "KT-SYSLOG exec refused: decision clear, action refuse \(refusing to kexec: the image was loaded with action none at .*\)"
expect_line_re "KT-SYSLOG load: decision clear, action clear, kernel /boot/vmlinuz \(.*\)"
expect_line_re "(\\[ *[0-9.]+\\] )?kexec: WBINVD and clear of [0-9.]+ [KMG]iB on [0-9]+ CPUs?, (about [0-9]+ (s|min)|under 1 s); the console is quiet until the new kernel prints"
expect_line_re "KT-STAGE 2 test=$KT_NAME cmdline=.* kt\.stage=2( .*)?"
expect_marker "KT-OK stage2"
expect_marker "KT-TDX-REPORT rc=0"
expect_report_schema
action=$(tr -d '\r' <"$KT_LOG" | sed -nE 's/^ *"action": *"([^"]*)",?$/\1/p' | tail -n 1)
[ "$action" = clear ] || kt_fail "stage 2 report action '${action:-missing}', expected clear"
refute_marker "KT-FAIL kexec -e returned 1"
if [ "$KT_FAILED" = 0 ] && [ $have_tools = 0 ]; then
	kt_skip "all but the kexec-tools case passed; $tools is not kexec-tools"
fi
kt_finish
