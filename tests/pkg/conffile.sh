#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /etc/kexec-tdx.conf end to end, through --sysroot (kexec-tdx.conf(5)):
# a copy of the fixture tree spr-tdx-erratum-idle gets an etc/kexec-tdx.conf,
# and `kexec --tdx-status [--json]` must report the policy and its source
# by the precedence --tdx, KEXEC_TDX_POLICY, the file, auto; a malformed
# line is exit 1 with the file and line named; an unknown key a warning.
# Only --tdx-status runs: nothing is loaded.
set -u

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KEXEC_BIN:-}
[ -n "$bin" ] && [ -x "$bin" ] || { echo "SKIP: KEXEC_BIN (${bin:-unset}) is not an executable kexec"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
fixture=$srcdir/tests/fixtures/spr-tdx-erratum-idle
[ -d "$fixture" ] || { echo "ERROR: $fixture is missing"; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-conf.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
cp -R "$fixture" "$root" && chmod -R u+w "$root" && mkdir -p "$root/etc" || exit 99
unset KEXEC_TDX_POLICY KEXEC_SYSROOT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect "NAME SOURCE" "VAR=VALUE ..." [OPTION...]: the policy --tdx-status --json reports
expect() {
	want=$1
	envs=$2
	shift 2
	# shellcheck disable=SC2086
	got=$(env $envs "$bin" "$@" --tdx-status --json --sysroot="$root" 2>"$tmp/err" |
		python3 -c 'import json, sys
p = json.load(sys.stdin)["policy"]
print(p["name"], p["source"])' 2>/dev/null)
	if [ "$got" = "$want" ]; then ok "$envs $* -> $want"; else not_ok "$envs $* -> '$got', want '$want' ($(head -n 2 "$tmp/err"))"; fi
}

expect "auto default" ""
printf '# test\n\ntdx = flush\n' >"$root/etc/kexec-tdx.conf"
expect "flush /etc/kexec-tdx.conf:3" ""
expect "refuse KEXEC_TDX_POLICY" KEXEC_TDX_POLICY=refuse
expect "clear --tdx" KEXEC_TDX_POLICY=refuse --tdx=clear

text=$("$bin" --tdx-status --sysroot="$root" 2>&1 | grep '^  policy:')
[ "$text" = "  policy:                flush (/etc/kexec-tdx.conf:3)" ] && ok "text: $text" ||
	not_ok "text line: '$text'"

printf 'colour = blue\ntdx = off\n' >"$root/etc/kexec-tdx.conf"
expect "off /etc/kexec-tdx.conf:2" ""
[ "$(cat "$tmp/err")" = "kexec: warning: $root/etc/kexec-tdx.conf:1: unknown key \"colour\", ignored" ] &&
	ok "unknown key: a warning naming the file and line" || not_ok "unknown key: '$(cat "$tmp/err")'"

printf 'tdx = flush\ntdx = sometimes\n' >"$root/etc/kexec-tdx.conf"
"$bin" --tdx-status --sysroot="$root" >"$tmp/out" 2>"$tmp/err"
rc=$?
want="kexec: $root/etc/kexec-tdx.conf:2: tdx=sometimes: unknown policy (auto, clear, flush, refuse or off)"
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "$want" ] && [ ! -s "$tmp/out" ] &&
	ok "malformed line: exit 1, \"$want\"" || not_ok "malformed line: exit $rc, '$(cat "$tmp/err")'"
"$bin" --tdx=clear --tdx-status --sysroot="$root" >/dev/null 2>&1
[ $? = 1 ] && ok "a malformed file fails even with --tdx=" || not_ok "a malformed file is ignored with --tdx="
rm -f "$root/etc/kexec-tdx.conf"
KEXEC_TDX_POLICY=maybe "$bin" --tdx-status --sysroot="$root" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "kexec: KEXEC_TDX_POLICY=maybe: unknown policy (auto, clear, flush, refuse or off)" ] &&
	ok "a bad KEXEC_TDX_POLICY: exit 1 with its value named" || not_ok "bad KEXEC_TDX_POLICY: exit $rc, '$(cat "$tmp/err")'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
