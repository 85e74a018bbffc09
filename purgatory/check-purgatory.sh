#!/bin/sh
# Static checks of the built purgatory (purgatory/purgatory.ro), from its
# disassembly:
#  - no CPUID instruction anywhere: the loader names the SHA-256 and clear
#    paths (KTDX_FLAG_*), so no path of the purgatory can run CPUID (#VE in
#    a TD, #VC in an SEV-ES/SNP guest, with no handler);
#  - exactly one WBINVD in purgatory_start, and before it only
#    instructions that write no memory (cli, cld, register moves, the TSC
#    read, the compare with params.action): the flush comes before
#    anything is written, not even a push;
#  - one more in ap_entry64, where every other CPU enters (trampoline.S),
#    with only descriptor-table loads and segment-register moves before
#    it, and none anywhere else;
#  - the plain path (action none) jumps over the RDTSC/WBINVD block and
#    over the CR0/CR4 writes.
# Exit status 0 pass, 1 fail, 77 skip (automake).
set -u
OBJ=${PURGATORY_RO:-${abs_top_builddir:-.}/purgatory/purgatory.ro}
OBJDUMP=${OBJDUMP:-objdump}
command -v "$OBJDUMP" >/dev/null || { echo "SKIP: $OBJDUMP not installed"; exit 77; }
[ -r "$OBJ" ] || { echo "ERROR: $OBJ not built"; exit 99; }
TMP=$(mktemp "${TMPDIR:-/tmp}/kt-purg-insns.XXXXXX") || exit 99
trap 'rm -f "$TMP"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

"$OBJDUMP" -d --no-show-raw-insn "$OBJ" >"$TMP" || { echo "ERROR: $OBJDUMP failed"; exit 99; }
# one instruction per line: "ADDR MNEMONIC OPERANDS", addresses in hex without 0x
insns() { sed -n "/<$1>:\$/,/^\$/p" "$TMP" | sed -nE 's/^ *([0-9a-f]+):\t([a-z0-9]+) *([^#]*).*/\1 \2 \3/p'; }

n=$(grep -cE '\bcpuid\b' "$TMP")
[ "$n" = 0 ] || fail "$n CPUID instruction(s) in $OBJ"
n=$(grep -cE '\bwbinvd\b' "$TMP")
[ "$n" = 2 ] || fail "$n WBINVD instructions in $OBJ, expected exactly 2 (purgatory_start, ap_entry64)"

insns ap_entry64 >"$TMP.ap"
awk '
$2 == "wbinvd" { found = 1; exit }
{
	ops = $0; sub(/^[0-9a-f]+ [a-z0-9]+ */, "", ops); sub(/ +$/, "", ops)
	dst = ops; sub(/^.*,/, "", dst)
	if ($2 ~ /^(lgdt|lidt)$/) next
	if ($2 == "mov" && dst ~ /^%/) next
	printf "FAIL: ap_entry64 before WBINVD: %s\n", $0; bad = 1
}
END { if (!found) print "FAIL: no WBINVD in ap_entry64"; exit (bad || !found) }
' "$TMP.ap" || failed=1
rm -f "$TMP.ap"

insns purgatory_start >"$TMP.start"
[ -s "$TMP.start" ] || fail "no purgatory_start in $OBJ"
# everything before the WBINVD: register-only
awk '
$2 == "wbinvd" { found = 1; exit }
{
	ops = $0; sub(/^[0-9a-f]+ [a-z0-9]+ */, "", ops); sub(/ +$/, "", ops)
	dst = ops; sub(/^.*,/, "", dst)
	if ($2 ~ /^(cli|cld|rdtsc|je)$/) next
	if ($2 ~ /^(xor|shl|or|mov)$/ && dst ~ /^%/) next
	if ($2 == "cmpl") next          # compares params.action with a constant: reads only
	printf "FAIL: before WBINVD: %s\n", $0; bad = 1
}
END { if (!found) print "FAIL: no WBINVD in purgatory_start"; exit (bad || !found) }
' "$TMP.start" || failed=1

# the two branches of the plain path
first_je=$(awk '$2 == "je" { print $3; exit }' "$TMP.start")
lgdt=$(awk '$2 == "lgdt" { print $1; exit }' "$TMP.start")
[ -n "$first_je" ] && [ "$first_je" = "$lgdt" ] ||
	fail "the first je ($first_je) does not skip to lgdt ($lgdt): the plain path would run RDTSC/WBINVD"
second_je=$(awk '$2 == "je" { n++; if (n == 2) { print $3; exit } }' "$TMP.start")
after_cr4=$(awk 'prev { print $1; exit } $2 == "mov" && $3 ~ /,%cr4/ { prev = 1 }' "$TMP.start")
[ -n "$second_je" ] && [ "$second_je" = "$after_cr4" ] ||
	fail "the second je ($second_je) does not skip the CR0/CR4 writes (next: $after_cr4)"
n=$(grep -cE ',%cr[04]' "$TMP.start")
[ "$n" = 2 ] || fail "$n CR0/CR4 writes in purgatory_start, expected 2 (behind the second je)"
rm -f "$TMP.start"

[ $failed = 0 ] && echo "ok: no CPUID; WBINVD first in purgatory_start; the plain path skips it and the CR writes"
exit $failed
