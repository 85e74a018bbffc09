#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our kexec's command line against kexec-tools 2.0.32 (x86_64), built from
# its release by tests/cli/build-kexec-tools.sh (`make kexec-tools-peer`).
# Nothing is ever loaded: every load names a kernel file that does not
# exist (both programs fail when they open it, before any system call), the
# rest are -S, --print-ckr-size, --help and --version.  The actions that
# boot or unload (-e, -f, -u) are only ever given with -S, which overrides
# every action in both programs; the options that would make kexec-tools
# load or boot something (--load-jump-back-helper, the Xen live-update ones)
# are given to ours only, which refuses them while parsing.
#   - every long option of kexec-tools' --help and of its x86_64 option
#     tables is taken by ours: it works, or says "not supported by this
#     kexec" in one line and exits 1; never "unknown option";
#   - parse errors (unknown option, missing or bad value) exit 1 in both,
#     "No kernel specified" 255 in both; -S, -l -S, --print-ckr-size,
#     --help, --version exit as in kexec-tools (and print the same size).
# Environment: KEXEC_BIN (ours), KT_KEXEC_TOOLS_BIN (the peer; default the
# cache of build-kexec-tools.sh).  Exit 77 (skip) without the peer.
set -u

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ours=${KEXEC_BIN:-$srcdir/kexec/kexec}
cache=${KT_KEXEC_TOOLS_CACHE:-${TMPDIR:-/tmp}/kexec-tdx-kexec-tools}
theirs=${KT_KEXEC_TOOLS_BIN:-$cache/kexec}

if [ ! -x "$theirs" ]; then
	echo "SKIP: no kexec-tools 2.0.32 at $theirs (build it with 'make kexec-tools-peer')"
	exit 77
fi
if ! "$theirs" --version 2>/dev/null | grep -q '^kexec-tools 2\.0\.32'; then
	echo "SKIP: $theirs is not kexec-tools 2.0.32 ($("$theirs" --version 2>&1 | head -n 1))"
	exit 77
fi
[ -x "$ours" ] || { echo "ERROR: $ours is not executable"; exit 99; }

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
k=$tmp/absent/vmlinuz           # never created: no load gets past opening it

# run WHO ARGS...: rc in $rc, stdout in $tmp/WHO.out, stderr in $tmp/WHO.err
run() {
	who=$1
	shift
	if [ "$who" = ours ]; then bin=$ours; else bin=$theirs; fi
	"$bin" "$@" >"$tmp/$who.out" 2>"$tmp/$who.err" </dev/null
	rc=$?
}
unknown_in() {
	grep -qiE 'unknown option|unrecognized option|invalid option' "$1"
}

# 1. Every long option kexec-tools 2.0.32 knows on x86_64 (kexec/kexec.h
# KEXEC_OPTIONS, kexec/arch/i386/include/arch/options.h KEXEC_ALL_OPTIONS),
# and those its --help names: ours takes each one.
"$theirs" --help >"$tmp/help" 2>&1
grep -oE -- '--[a-z0-9][a-z0-9-]*' "$tmp/help" | sort -u >"$tmp/help.long"
cat >"$tmp/table.long" <<'LIST'
--help
--version
--force
--no-checks
--no-ifdown
--no-sync
--load
--unload
--exec
--exec-live-update
--load-preserve-context
--load-jump-back-helper
--load-live-update
--entry=
--type=
--load-panic
--mem-min=
--mem-max=
--reuseinitrd
--kexec-file-syscall
--kexec-syscall
--kexec-syscall-auto
--debug
--status
--print-ckr-size
--hotplug
--reset-vga
--serial=
--serial-baud=
--console-vga
--console-serial
--elf32-core-headers
--elf64-core-headers
--pass-memmap-cmdline
--noefi
--reuse-video-type
--command-line=
--append=
--reuse-cmdline
--initrd=
--ramdisk=
--args-elf
--args-linux
--args-none
--module=
--real-mode
--entry-32bit
--dtb=
LIST
if [ -s "$tmp/help.long" ] && [ "$(wc -l <"$tmp/table.long")" -ge 48 ]; then
	ok "kexec-tools 2.0.32's --help ($(wc -l <"$tmp/help.long") long options) and table read"
else
	not_ok "kexec-tools' --help gave no long option"
fi
{ sed 's/=$//' "$tmp/table.long"; cat "$tmp/help.long"; } | sort -u >"$tmp/all.long"
while read -r o; do
	case $o in
	--help | --version) continue ;;
	esac
	if grep -qx -- "$o=" "$tmp/table.long"; then arg="$o=0"; else arg=$o; fi
	case $o in
	# actions that unload or boot: -S after them overrides every action
	# (in both programs), so only the parse is exercised
	--exec | --unload | --force | --load-panic) run ours "$arg" -S ;;
	*) run ours -l "$k" "$arg" ;;
	esac
	if unknown_in "$tmp/ours.err"; then
		not_ok "$arg: ours says $(head -n 1 "$tmp/ours.err")"
	elif grep -q 'not supported by this kexec' "$tmp/ours.err"; then
		if [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/ours.err")" -eq 1 ] &&
		   grep -qx -- "kexec: $o is not supported by this kexec" "$tmp/ours.err"; then
			ok "$arg: not supported by this kexec (one line, exit 1)"
		else
			not_ok "$arg: exit $rc, said: $(tr '\n' '|' <"$tmp/ours.err")"
		fi
	else
		ok "$arg: taken (exit $rc: $(head -n 1 "$tmp/ours.err"))"
	fi
done <"$tmp/all.long"

# 2. The short options of KEXEC_OPT_STR "h?vdfixyluet:pscaS" are all ours.
for c in d i x y s c a; do
	run ours -l "$k" "-$c"
	if unknown_in "$tmp/ours.err"; then not_ok "-$c: $(head -n 1 "$tmp/ours.err")"; else ok "-$c taken"; fi
done

# 3. The same exit code in both (cases safe to give kexec-tools).
same() {
	what=$1
	shift
	run theirs "$@"
	t=$rc
	run ours "$@"
	if [ "$rc" -eq "$t" ]; then
		ok "$what: exit $rc in both"
	else
		not_ok "$what: ours exit $rc ($(head -n 1 "$tmp/ours.err")), kexec-tools $t ($(head -n 1 "$tmp/theirs.err"))"
	fi
}
same "unknown long option" -l "$k" --no-such-option
same "unknown short option" -l "$k" -Z
same "missing value at the end" -l "$k" --initrd
same "missing value of --type" -l "$k" --type
same "bad --mem-min" -l "$k" --mem-min=zz
same "bad --mem-max" -l "$k" --mem-max=1x
same "-l without a kernel" -l
same "-S (the crash kernel)" -S
same "-l -S (the kexec kernel)" -l -S
same "-S after a kernel" -l "$k" -S
same "--help" --help
same "--version" --version
same "-h stops the parse" -h --no-such-option
same "--print-ckr-size" --print-ckr-size
if cmp -s "$tmp/ours.out" "$tmp/theirs.out"; then
	ok "--print-ckr-size prints the same size ($(cat "$tmp/ours.out"))"
else
	not_ok "--print-ckr-size: ours '$(cat "$tmp/ours.out")', kexec-tools '$(cat "$tmp/theirs.out")'"
fi
# a missing kernel file fails in both, before any system call
run theirs -l "$k"
t=$rc
run ours -l "$k"
if [ "$t" -ne 0 ] && [ "$rc" -ne 0 ] && grep -q "$k" "$tmp/ours.err"; then
	ok "a missing kernel fails in both (ours $rc, kexec-tools $t) and ours names the file"
else
	not_ok "a missing kernel: ours $rc ($(head -n 1 "$tmp/ours.err")), kexec-tools $t"
fi

# 4. Beyond 2.0.32: --no-cma (kexec-tools' development tree, KEXEC_FILE_NO_CMA)
run ours -l "$k" --no-cma
if unknown_in "$tmp/ours.err"; then not_ok "--no-cma: $(head -n 1 "$tmp/ours.err")"; else ok "--no-cma taken"; fi

# 5. Our actions go alone; a value that is an option is a missing value.
run ours --tdx-status --tdx-report
if [ "$rc" -eq 1 ] && grep -qx 'kexec: --tdx-status and --tdx-report are two actions: give one' "$tmp/ours.err"; then
	ok "--tdx-status --tdx-report: refused in one line"
else
	not_ok "--tdx-status --tdx-report: exit $rc, $(head -n 1 "$tmp/ours.err")"
fi
run ours --tdx --tdx-status
if [ "$rc" -eq 1 ] && grep -qx 'kexec: option --tdx needs a value (--tdx-status is an option)' "$tmp/ours.err"; then
	ok "--tdx --tdx-status: the value is missing"
else
	not_ok "--tdx --tdx-status: exit $rc, $(head -n 1 "$tmp/ours.err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
