#!/bin/sh
# The operators' units and their scripts, run as systemd would run them
# (KEXEC_SYSROOT points the real kexec at a tree built here):
# - kexec-tdx-metrics writes kexec-tdx.prom into the textfile directory by
#   rename (no temporary file left; a failing kexec leaves the last file);
# - kexec-tdx-report keeps the purgatory's report (a setup_data entry built
#   here: 8 GiB cleared by 2 CPUs in 2.5 s at a 2 GHz TSC) as
#   last-report.json and prints its one-line summary; a boot without a
#   report keeps the last file; the metrics then carry the last clear;
# - the units: the report service is enabled through multi-user.target,
#   the timer through timers.target, the metrics service has no [Install].
set -u
B=${abs_top_builddir:-.}
S=${abs_top_srcdir:-.}
KEXEC_REAL=${KEXEC_BIN:-$B/kexec/kexec}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }

# a tree: a fixture host, plus the new kernel's setup_data report and TSC line
root=$tmp/root
cp -R "$S/tests/fixtures/spr-tdx-erratum-idle" "$root" && chmod -R u+w "$root"
mkdir -p "$root/sys/kernel/boot_params/setup_data/0"
printf '0x54445852\n' >"$root/sys/kernel/boot_params/setup_data/0/type"
python3 - "$root/sys/kernel/boot_params/setup_data/0/data" <<'PY'
import struct, sys
GiB = 1 << 30
cpus = [(0, 1, 4 * GiB, 5000000000), (2, 2, 4 * GiB, 4900000000)]   # boot, cleared
head = struct.pack("<QIIIIIIQQQQIIQIIIIQ", 0x5452504552584454, 3, 104 + 24 * len(cpus),
                   2, 3, 1, 2, 8 * GiB, 1000, 2000, 5000000000, 3, 4, 0x6000,
                   2, len(cpus), 2, 0, 0)
assert len(head) == 104
open(sys.argv[1], "wb").write(head + b"".join(struct.pack("<IIQQ", *c) for c in cpus))
PY
printf '6,900,1000,-;tsc: Refined TSC clocksource calibration: 2000.000 MHz\n' >>"$root/dev/kmsg"

export KEXEC_SYSROOT=$root
out=$(KEXEC="$KEXEC_REAL" STATE_DIR="$tmp/state" "$B/systemd/kexec-tdx-report")
want="kexec cleared 8.0 GiB on 2 CPUs in 2.5 s (3.4 GB/s), verified"
[ "$out" = "$want" ] && ok "report: the line ($out)" || ko "report: line '$out', want '$want'"
if python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["bytes_cleared"] == 8 << 30 and r["cpus_used"] == 2 and r["clear_seconds"] == 2.5, r
assert r["tsc_khz"] == 2000000 and r["verify"] == "ok" and r["action"] == "clear", r' \
	"$tmp/state/last-report.json"; then ok "report: last-report.json"; else ko "report: last-report.json"; fi
[ "$(ls -A "$tmp/state")" = last-report.json ] && ok "report: no temporary file" ||
	ko "report: files left: $(ls -A "$tmp/state")"

# a boot without a report keeps the last one
rm -r "$root/sys/kernel/boot_params"
out=$(KEXEC="$KEXEC_REAL" STATE_DIR="$tmp/state" "$B/systemd/kexec-tdx-report")
case "$out" in
"no kexec-tdx report in this boot"*) ok "report: none in this boot" ;;
*) ko "report: no report, said '$out'" ;;
esac
[ "$(ls -A "$tmp/state")" = last-report.json ] && ok "report: the last one kept" || ko "report: last one lost"

# the metrics, with the last clear from the tree's /var/lib/kexec-tdx
mkdir -p "$root/var/lib/kexec-tdx"
cp "$tmp/state/last-report.json" "$root/var/lib/kexec-tdx/"
KEXEC="$KEXEC_REAL" TEXTFILE_DIR="$tmp/textfile" "$B/systemd/kexec-tdx-metrics"
prom=$tmp/textfile/kexec-tdx.prom
if grep -qx 'kexec_tdx_decision{decision="clear"} 1' "$prom" &&
   grep -qx 'kexec_tdx_last_clear_bytes 8589934592' "$prom" &&
   grep -qx 'kexec_tdx_last_clear_seconds 2.5' "$prom" &&
   grep -qx 'kexec_tdx_last_clear_cpus 2' "$prom"; then
	ok "metrics: kexec-tdx.prom"
else
	ko "metrics: kexec-tdx.prom lacks a line"; cat "$prom"
fi
[ "$(ls -A "$tmp/textfile")" = kexec-tdx.prom ] && ok "metrics: no temporary file" ||
	ko "metrics: files left: $(ls -A "$tmp/textfile")"
before=$(cat "$prom")
KEXEC=/bin/false TEXTFILE_DIR="$tmp/textfile" "$B/systemd/kexec-tdx-metrics" 2>/dev/null &&
	ko "metrics: a failing kexec exits 0"
[ "$(cat "$prom")" = "$before" ] && [ "$(ls -A "$tmp/textfile")" = kexec-tdx.prom ] &&
	ok "metrics: a failing kexec leaves the last file" || ko "metrics: a failing kexec changed the directory"

# the units
grep -qx 'WantedBy=multi-user.target' "$B/systemd/kexec-tdx-report.service" &&
grep -qx 'ExecStart=.*/kexec-tdx/kexec-tdx-report' "$B/systemd/kexec-tdx-report.service" &&
	ok "units: report service" || ko "units: report service"
grep -qx 'WantedBy=timers.target' "$B/systemd/kexec-tdx-metrics.timer" &&
! grep -q '^\[Install\]' "$B/systemd/kexec-tdx-metrics.service" &&
grep -qx 'ExecStart=.*/kexec-tdx/kexec-tdx-metrics' "$B/systemd/kexec-tdx-metrics.service" &&
	ok "units: metrics service and timer" || ko "units: metrics service and timer"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
