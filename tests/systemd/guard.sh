#!/bin/sh
# kexec-tdx-guard: with decision "refuse" it unloads, otherwise it leaves
# the loaded image alone; it does nothing for other shutdown verbs or when
# nothing is loaded.  The real kexec decides (on fixture trees); a wrapper
# records the unload instead of doing it.
set -u
GUARD=${abs_top_builddir:-.}/systemd/kexec-tdx-guard
KEXEC_REAL=${KEXEC_BIN:-${abs_top_builddir:-.}/kexec/kexec}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

tree() {  # tree DIR FLAGS MISC
	mkdir -p "$1/proc" "$1/dev" "$1/sys/fs/cgroup"
	for cpu in 0 1; do
		printf 'processor\t: %s\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\nflags\t\t: fpu sse2 %s\nbugs\t\t: spectre_v1 tdx_pw_mce\n\n' "$cpu" "$2"
	done >"$1/proc/cpuinfo"
	printf '6,1,2412345,-;virt/tdx: module initialized\n' >"$1/dev/kmsg"
	# the memory to clear (without it a clear is refused: never a clear of nothing)
	printf '00000000-0009ffff : System RAM\n00100000-7fffffff : System RAM\n' >"$1/proc/iomem"
	[ -n "$3" ] && printf '%s\n' "$3" >"$1/sys/fs/cgroup/misc.current"
	return 0
}
tree "$tmp/refuse" "movdir64b tdx_host_platform" "tdx 2"
tree "$tmp/clear" "movdir64b tdx_host_platform" "tdx 0"

cat >"$tmp/kexec" <<EOF2
#!/bin/sh
echo "\$*" >>"$tmp/calls"
case "\$*" in
"-S -l") exit \${LOADED:-1} ;;
"-u") exit 0 ;;
*) exec "$KEXEC_REAL" --sysroot="\$ROOT" "\$@" ;;
esac
EOF2
chmod +x "$tmp/kexec"

check() {  # check NAME ROOT VERB LOADED WANT_UNLOAD
	: >"$tmp/calls"
	: >"$tmp/console"
	ROOT=$2 LOADED=$4 KEXEC="$tmp/kexec" CONSOLE="$tmp/console" "$GUARD" "$3"
	if grep -qx -- "-u" "$tmp/calls"; then got=yes; else got=no; fi
	if [ "$got" = "$5" ]; then
		pass=$((pass + 1)); echo "PASS: $1"
	else
		fail=$((fail + 1)); echo "FAIL: $1 (unload: $got, want $5)"; cat "$tmp/calls" "$tmp/console"
	fi
}
export ROOT LOADED
check "refuse: unloads" "$tmp/refuse" kexec 1 yes
grep -q "kexec refused (2 TDs" "$tmp/console" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: console message"; cat "$tmp/console"; }
check "clear: leaves the image" "$tmp/clear" kexec 1 no
check "reboot verb: nothing" "$tmp/refuse" reboot 1 no
check "nothing loaded: nothing" "$tmp/refuse" kexec 0 no
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
