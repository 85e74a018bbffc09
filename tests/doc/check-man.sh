#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The man pages render without a warning at 80 columns
# (`MANWIDTH=80 man --warnings -l`) and fit in 80 columns; kexec-tdx(8)
# is a page of its own (not a `.so` of kexec(8)) with the sections an
# operator looks for, and it lists every metric of kexec/tdx/metrics.c
# (its sample() and state_set() calls are the one table of names).
# Skips (77) without man-db.
set -u
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v man >/dev/null 2>&1 || { echo "SKIP: man (man-db) is not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-man.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

for page in kexec.8 kexec-tdx.8 kexec-tdx.conf.5; do
	f=$srcdir/doc/$page
	MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$f" >"$tmp/out" 2>"$tmp/err"
	if [ -s "$tmp/err" ]; then
		not_ok "$page: warnings:"; sed 's/^/    /' "$tmp/err"
	else
		ok "$page renders without warnings"
	fi
	cp "$tmp/out" "$tmp/$page.txt"
done

# every page fits a terminal: col -bx drops overstrikes, wc -L counts
# characters, not bytes
for page in kexec.8 kexec-tdx.8 kexec-tdx.conf.5; do
	width=$(col -bx <"$tmp/$page.txt" | expand | LC_ALL=C.UTF-8 wc -L)
	[ "$width" -le 80 ] && ok "$page: at most 80 columns ($width)" || not_ok "$page: $width columns"
done

txt=$tmp/kexec-tdx.8.txt
grep -q '^\.so' "$srcdir/doc/kexec-tdx.8" && not_ok "kexec-tdx.8 is a .so of another page" ||
	ok "kexec-tdx.8 is a page of its own"
for s in NAME SYNOPSIS DESCRIPTION "TDX OPTIONS" POLICIES "THE STATUS" JSON METRICS "SYSTEMD UNITS" \
	 "SYSTEM LOG" FILES "EXIT STATUS" ENVIRONMENT "SEE ALSO"; do
	grep -qx "$s" "$txt" && ok "kexec-tdx(8) has $s" || not_ok "kexec-tdx(8) lacks the section $s"
done
names=$(grep -oE '(sample|state_set)\(e, "[a-z_]+"' "$srcdir/kexec/tdx/metrics.c" | sed 's/.*"\(.*\)"/\1/')
[ -n "$names" ] || not_ok "no metric names found in kexec/tdx/metrics.c"
for n in $names; do
	tr -s ' \n' '\n\n' <"$txt" | tr -d ',' | grep -qx "kexec_tdx_$n" && ok "kexec-tdx(8) lists kexec_tdx_$n" ||
		not_ok "kexec-tdx(8) does not list kexec_tdx_$n"
done
for f in /var/lib/kexec-tdx/last-report.json /var/lib/prometheus/node-exporter/kexec-tdx.prom \
	 kexec-tdx-report.service kexec-tdx-metrics.timer; do
	grep -qF "$f" "$txt" && ok "kexec-tdx(8) names $f" || not_ok "kexec-tdx(8) does not name $f"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
