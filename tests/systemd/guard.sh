#!/bin/sh
# kexec-tdx-guard, one table row a case: it unloads when the action is
# "refuse" (the decision, or tdx=refuse in the config file), when the loaded image does less than is needed now (its record
# says a weaker action, or there is no record while a flush or clear is
# needed), and when it cannot read the status on a TDX host; otherwise it
# leaves the image alone; it does nothing for other shutdown verbs or when
# nothing is loaded.  The real kexec decides (on trees built here); a
# wrapper records the unload instead of doing it.
set -u
GUARD=${abs_top_builddir:-.}/systemd/kexec-tdx-guard
KEXEC_REAL=${KEXEC_BIN:-${abs_top_builddir:-.}/kexec/kexec}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
BOOT=5d0e1f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6

tree() {  # tree DIR FLAGS MISC KMSG
	mkdir -p "$1/proc/sys/kernel/random" "$1/dev" "$1/sys/fs/cgroup" "$1/sys/kernel"
	for cpu in 0 1; do
		printf 'processor\t: %s\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\nphysical id\t: 0\napicid\t\t: %s\nflags\t\t: fpu sse2 %s\nbugs\t\t: spectre_v1 tdx_pw_mce\n\n' "$cpu" "$((cpu * 2))" "$2"
	done >"$1/proc/cpuinfo"
	printf '%s' "$4" >"$1/dev/kmsg"
	[ -n "$3" ] && printf '%s\n' "$3" >"$1/sys/fs/cgroup/misc.current"
	printf '1\n' >"$1/sys/kernel/kexec_loaded"
	printf '0\n' >"$1/sys/kernel/kexec_crash_loaded"
	printf '%s\n' "$BOOT" >"$1/proc/sys/kernel/random/boot_id"
	# 2 GiB of RAM, so that a clear has ranges to clear
	printf '00000000-00000fff : Reserved\n00001000-0009ffff : System RAM\n00100000-7fffffff : System RAM\n' \
		>"$1/proc/iomem"
	mkdir -p "$1/sys/firmware/memmap/0" "$1/sys/firmware/memmap/1"
	printf '0x0\n' >"$1/sys/firmware/memmap/0/start"
	printf '0x9ffff\n' >"$1/sys/firmware/memmap/0/end"
	printf 'System RAM\n' >"$1/sys/firmware/memmap/0/type"
	printf '0x100000\n' >"$1/sys/firmware/memmap/1/start"
	printf '0x7fffffff\n' >"$1/sys/firmware/memmap/1/end"
	printf 'System RAM\n' >"$1/sys/firmware/memmap/1/type"
	return 0
}
sha() { printf "$1" | sha256sum | cut -d' ' -f1; }
# the plan of a tree (kexec/plan-digest.h): private [1 MiB, 2 GiB), no crash
# kernel, two CPUs of one package, APIC ids 0 and 2
PLAN_PRIVATE=$(sha '100000-80000000\n')
PLAN_CPUS=$(sha 'cpus 2\n0\n2\n')
record() {  # record DIR ACTION [BOOT_ID [PRIVATE_SHA CRASH_BYTES]]: the loaded.json kexec -l would write
	mkdir -p "$1/run/kexec-tdx"
	printf '{ "version": 1, "action": "%s", "needed": "%s", "decision": "plain", "policy": "auto", "reason": "r", "kernel": "/boot/vmlinuz", "initrd": null, "syscall": "kexec_load", "time": "2026-12-02T08:00:00Z", "epoch": 1796198400, "boot_id": "%s", "plan": { "private_sha256": "%s", "private_bytes": 2146435072, "crash_bytes": %s, "cpus_sha256": "%s", "cpus": 2 } }\n' \
		"$2" "$2" "${3:-$BOOT}" "${4:-$PLAN_PRIVATE}" "${5:-0}" "$PLAN_CPUS" >"$1/run/kexec-tdx/loaded.json"
}
INIT='6,1,2412345,-;virt/tdx: module initialized
'
tree "$tmp/refuse" "movdir64b tdx_host_platform" "tdx 2" "$INIT"
tree "$tmp/clear" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
record "$tmp/clear" clear
tree "$tmp/weak" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
record "$tmp/weak" none
tree "$tmp/weak-flush" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
record "$tmp/weak-flush" flush
# loaded with a 256 MiB crash kernel that was shrunk to nothing since
tree "$tmp/shrunk" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
record "$tmp/shrunk" clear "$BOOT" "$(sha '100000-70000000\n')" 268435456
tree "$tmp/norecord" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
tree "$tmp/stale" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
record "$tmp/stale" clear 00000000-1111-2222-3333-444444444444
tree "$tmp/broken" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
mkdir -p "$tmp/broken/run/kexec-tdx"
printf '{"version": 1, "action": "clear"' >"$tmp/broken/run/kexec-tdx/loaded.json"
# no guest, recorded clear, but /etc/kexec-tdx.conf says tdx=refuse: the
# decision is clear, the action (what kexec -e does) is refuse
tree "$tmp/conf-refuse" "movdir64b tdx_host_platform" "tdx 0" "$INIT"
record "$tmp/conf-refuse" clear
mkdir -p "$tmp/conf-refuse/etc"
printf 'tdx = refuse\n' >"$tmp/conf-refuse/etc/kexec-tdx.conf"
tree "$tmp/plain" "movdir64b" "" ""
tree "$tmp/platform" "movdir64b tdx_host_platform" "" ""
record "$tmp/platform" flush

cat >"$tmp/kexec" <<EOF2
#!/bin/sh
echo "\$*" >>"$tmp/calls"
case "\$*" in
"-S -l") exit \${LOADED:-1} ;;
"-u") exit 0 ;;
--tdx-status*) [ "\${STATUS_FAILS:-0}" = 1 ] && exit 1 ;;
esac
exec "$KEXEC_REAL" --sysroot="\$ROOT" "\$@"
EOF2
chmod +x "$tmp/kexec"

# check NAME ROOT VERB LOADED STATUS_FAILS WANT_UNLOAD [CONSOLE_TEXT]
check() {
	: >"$tmp/calls"
	: >"$tmp/console"
	ROOT=$2 LOADED=$4 STATUS_FAILS=$5 KEXEC="$tmp/kexec" CONSOLE="$tmp/console" \
		CPUINFO="$2/proc/cpuinfo" "$GUARD" "$3"
	if grep -qx -- "-u" "$tmp/calls"; then got=yes; else got=no; fi
	if [ "$got" != "$6" ]; then
		fail=$((fail + 1)); echo "FAIL: $1 (unload: $got, want $6)"; cat "$tmp/calls" "$tmp/console"
	elif [ -n "${7:-}" ] && ! grep -qF -- "$7" "$tmp/console"; then
		fail=$((fail + 1)); echo "FAIL: $1 (console lacks: $7)"; cat "$tmp/console"
	else
		pass=$((pass + 1)); echo "PASS: $1"
	fi
}
export ROOT LOADED STATUS_FAILS

G=kexec-tdx-guard
#     name                                  tree              verb   loaded fails unload console
check "refuse: unloads"                      "$tmp/refuse"     kexec  1 0 yes "$G: kexec refused (2 TDs running (misc cgroup tdx=2)): unloaded the kexec kernel, the machine reboots through firmware"
check "clear host, recorded clear: keeps"    "$tmp/clear"      kexec  1 0 no "$G: WBINVD and clear of 2.0 GiB on 2 CPUs, about 1 s; the console is quiet until the new kernel prints"
check "clear host, recorded none: unloads"   "$tmp/weak"       kexec  1 0 yes "$G: kexec refused (the image was loaded with action none at 2026-12-02T08:00:00Z, but clear is needed now (TDX module initialized (virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear): load it again with kexec -l): unloaded the kexec kernel, the machine reboots through firmware"
check "clear host, recorded flush: unloads"  "$tmp/weak-flush" kexec  1 0 yes "the image was loaded with action flush at"
check "clear host, crash kernel shrunk: unloads" "$tmp/shrunk" kexec 1 0 yes "$G: kexec refused (the host changed since the image was loaded: the crash kernel shrank from 256.0 MiB to 0 bytes (its memory went back to the page allocator, outside the loaded clear list); reload it (kexec -l) so that its plan matches): unloaded the kexec kernel, the machine reboots through firmware"
check "clear host, no record: unloads"       "$tmp/norecord"   kexec  1 0 yes "$G: kexec refused (the loaded image has no record of this kexec (loaded by another tool, such as kexec-tools), and clear is needed now"
check "clear host, stale record: unloads"    "$tmp/stale"      kexec  1 0 yes "has no record of this kexec"
check "clear host, broken record: unloads"   "$tmp/broken"     kexec  1 0 yes "has no record of this kexec"
check "clear host, conf tdx=refuse: unloads" "$tmp/conf-refuse" kexec 1 0 yes "$G: kexec refused (refusing to kexec (--tdx=refuse): the decision is clear (TDX module initialized (virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear); do a cold reboot, or use --tdx-force to kexec anyway): unloaded the kexec kernel, the machine reboots through firmware"
check "plain host, no record: keeps"         "$tmp/plain"      kexec  1 0 no
check "flush host, recorded flush: keeps"    "$tmp/platform"   kexec  1 0 no "$G: WBINVD on 2 CPUs, under 1 s; the console"
check "status unreadable, TDX host: unloads" "$tmp/clear"      kexec  1 1 yes "$G: cannot read the TDX status on a TDX host: unloaded the kexec kernel, the machine reboots through firmware"
check "status unreadable, no TDX: keeps"     "$tmp/plain"      kexec  1 1 no "$G: cannot read the TDX status (not a TDX host"
check "-S cannot tell, weak record: unloads" "$tmp/weak"       kexec  2 0 yes "the image was loaded with action none"
check "reboot verb: nothing"                 "$tmp/refuse"     reboot 1 0 no
check "nothing loaded: nothing"              "$tmp/weak"       kexec  0 0 no
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
