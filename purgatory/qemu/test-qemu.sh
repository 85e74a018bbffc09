#!/bin/sh
# The purgatory alone in QEMU (TCG): purgatory/qemu/harness.elf boots by
# multiboot, plays the old kernel (hands over as relocate_kernel does)
# and the new one (checks registers, segments, CR3/CR4, the purgatory's
# page tables (the listed ranges mapped 1:1, the guards and holes not),
# the cleared ranges and their guards, the untouched initrd, the report
# with the SHA-256 path and paging mode).  "plain" is action none: the
# old kernel's CR3 and CR4 must be kept.  Each case
# is one short VM; exit status 0 pass, 1 fail, 77 skip (automake).
set -u
[ "${KEXEC_TDX_SKIP_VM:-0}" = 1 ] && { echo "SKIP: KEXEC_TDX_SKIP_VM=1"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
HARNESS=${HARNESS:-${abs_top_builddir:-.}/purgatory/qemu/harness.elf}
[ -r "$HARNESS" ] || { echo "ERROR: $HARNESS not built"; exit 99; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kt-purg-qemu.XXXXXX") || exit 99
trap 'rm -rf "$TMP"' EXIT
# one VM at a time, like tests/vm/lib.sh
if command -v flock >/dev/null; then
	exec 9>"${TMPDIR:-/tmp}/kexec-tdx-vm.lock"
	flock 9
fi
failed=0

# vm NAME CPU CMDLINE: runs one case; the serial log is $TMP/NAME.log, the status $rc.
vm() {
	log=$TMP/$1.log
	timeout -k 5 120 qemu-system-x86_64 -accel tcg -cpu "$2" -m 2048 -smp 1 \
		-nographic -monitor none -serial "file:$log" -nic none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$HARNESS" -append "$3" </dev/null >"$TMP/$1.qemu" 2>&1
	rc=$?
	sed -i 's/\r$//' "$log"
}

show() {
	echo "--- $1 (qemu status $rc):"
	sed 's/^/    /' "$TMP/$1.log"
	grep -v '^$' "$TMP/$1.qemu" | sed 's/^/    qemu: /'
}

# pass NAME CPU CMDLINE: the new kernel must be reached and every check pass.
pass() {
	vm "$@"
	if [ $rc = 97 ] && grep -q '^HARNESS-SKIP' "$TMP/$1.log"; then
		echo "skip: $1: $(sed -n 's/^HARNESS-SKIP //p' "$TMP/$1.log")"
	elif [ $rc = 33 ] && grep -q '^HARNESS-RESULT ok' "$TMP/$1.log" &&
		grep -q '^kexec-tdx purgatory: verify \(ok\|skipped\), cleared [0-9]* bytes in [0-9]* cycles$' "$TMP/$1.log"; then
		echo "ok: $1: $(sed -n 's/^kexec-tdx purgatory: //p' "$TMP/$1.log" |
			grep -v '^started$\|^jumping' | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
	else
		echo "FAIL: $1"
		show "$1"
		failed=1
	fi
}

# reset NAME CPU CMDLINE REASON: the purgatory must reset, never jump.
reset() {
	reason=$4
	vm "$1" "$2" "$3"
	if [ $rc = 0 ] && grep -q "^kexec-tdx purgatory: $reason" "$TMP/$1.log" &&
		grep -q '^kexec-tdx purgatory: resetting the machine$' "$TMP/$1.log" &&
		! grep -q '^HARNESS-KERNEL' "$TMP/$1.log"; then
		echo "ok: $1: reset ($reason)"
	else
		echo "FAIL: $1: expected a reset ($reason)"
		show "$1"
		failed=1
	fi
}

pass max-4level max "4 ok"
pass max-5level max "5 ok"
pass qemu64-2mib qemu64 "4 ok"
pass max-no-avx max,-avx "4 ok"
pass max-nt max "4 nt"
pass max-shasse max "4 shasse"
pass qemu64-c-sha qemu64 "4 shasse"
pass max-flush max "4 flush"
pass max-noverify max "4 noverify"
pass max-plain max "4 plain"
pass max-5level-plain max "5 plain"
reset max-badsha max "4 badsha" "SHA-256 mismatch"
reset max-plain-badsha max "4 plainbadsha" "SHA-256 mismatch"
reset max-badrange max "4 badrange" "clear range overlaps"
reset max-badmap max "4 badmap" "memory the purgatory or the new kernel needs is not in the map"
exit $failed
