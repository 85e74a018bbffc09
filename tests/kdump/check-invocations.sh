#!/bin/sh
# The command lines that Debian's kdump-tools (kdump-config) and
# Fedora/RHEL's kdumpctl (kdump-utils) run, checked against the kexec under
# test without loading anything: each one gets "-S --sysroot=FIXTURE" in
# front, so it is parsed in full and then only answers the status question
# from the fixture's /sys/kernel/kexec_crash_loaded (exit 0 when not
# loaded, 1 when loaded) -- a parse error is exit 1 with a message.  The
# loading forms run for real inside QEMU (tests/vm/kdump.sh).  Where
# kdump-tools is installed, the line that `kdump-config test` prints is
# checked too.  See kdump/README.md.
set -u
KEXEC=${KEXEC_BIN:-${abs_top_builddir:-.}/kexec/kexec}
[ -x "$KEXEC" ] || { echo "ERROR: kexec under test not found: $KEXEC"; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-invocations.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

fix=$tmp/root
mkdir -p "$fix/proc" "$fix/sys/kernel"
cat >"$fix/proc/iomem" <<'EOF'
00000000-00000fff : Reserved
00001000-0009fbff : System RAM
00100000-7ffdffff : System RAM
  01000000-01ffffff : Kernel code
  6f000000-7effffff : Crash kernel
100000000-17fffffff : System RAM
EOF
echo 0 >"$fix/sys/kernel/kexec_loaded"

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# parses NAME ARG...: the arguments parse; the status comes from the fixture.
parses() {
	name=$1
	shift
	for state in 0 1; do
		echo "$state" >"$fix/sys/kernel/kexec_crash_loaded"
		"$KEXEC" -S --sysroot="$fix" "$@" >"$tmp/out" 2>&1
		rc=$?
		case " $* " in
		*" -l "* | *" --load "*) want=0 ;;      # -S -l asks about kexec_loaded (0)
		*) want=$state ;;
		esac
		if [ $rc != "$want" ] || [ -s "$tmp/out" ]; then
			bad "$name (crash kernel loaded=$state): exit $rc, want $want: $(head -c 300 "$tmp/out")"
			return
		fi
	done
	ok "$name"
}

# rejects NAME MESSAGE ARG...: a documented gap; it must fail with MESSAGE.
rejects() {
	name=$1 msg=$2
	shift 2
	echo 0 >"$fix/sys/kernel/kexec_crash_loaded"
	"$KEXEC" -S --sysroot="$fix" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = 1 ] && grep -qF -e "$msg" "$tmp/out"; then
		ok "$name (known gap: $msg)"
	else
		bad "$name: exit $rc, '$(head -c 200 "$tmp/out")': if it parses now, move it to parses"
	fi
}

K=/boot/vmlinuz-6.1.0-26-amd64
I=/var/lib/kdump/initrd.img-6.1.0-26-amd64
FK=/boot/vmlinuz-6.11.4-301.fc41.x86_64
FI=/boot/initramfs-6.11.4-301.fc41.x86_64kdump.img
# kdump-config: /proc/cmdline less crashkernel= hugepages= abm=, plus
# KDUMP_CMDLINE_APPEND; init arguments after "--" stay where they are.
DCMD='BOOT_IMAGE=/boot/vmlinuz-6.1.0-26-amd64 root=UUID=0b6e0d8a ro quiet reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb'
# kdumpctl prepare_cmdline: root= and crashkernel= removed, x86_64 append list
FCMD='BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.11.4-301.fc41.x86_64 ro rootflags=subvol=root rhgb irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0 pcie_ports=compat disable_cpu_apicid=0'

echo "# Debian kdump-tools (kdump-config load / unload / status)"
parses "kdump-config load" -p --command-line="$DCMD" --initrd=$I /var/lib/kdump/vmlinuz
parses "kdump-config load, Secure Boot" -p -s --command-line="$DCMD" --initrd=$I /var/lib/kdump/vmlinuz
parses "kdump-config load, KDUMP_KEXEC_ARGS=-d" -p -d --command-line="$DCMD" --initrd=$I $K
parses "kdump-config load, init arguments" -p --command-line="root=/dev/vda1 -- single reset_devices nr_cpus=1" $K
parses "kdump-config load, ELF vmlinux (--args-linux)" \
	-p --args-linux --command-line="$DCMD" /boot/vmlinux-6.1.0-26-amd64
parses "kdump-config unload" -p -u
parses "kdump-config unload, Secure Boot" -s -p -u

echo "# Fedora/RHEL kdumpctl (start / stop / early kdump)"
parses "kdumpctl start (KEXEC_ARGS=-s)" -s -p --command-line="$FCMD" --initrd=$FI $FK
parses "kdumpctl start, KEXEC_ARGS empty" -p --command-line="$FCMD" --initrd=$FI $FK
parses "kdumpctl start, older standard_kexec_args=-d -p" -s -d -p --command-line="$FCMD" --initrd=$FI $FK
parses "kdumpctl start, Secure Boot adds -s twice" -s -s -p --command-line="$FCMD" --initrd=$FI $FK
parses "kdumpctl start, i386 64-bit headers" --elf64-core-headers -p --command-line="$FCMD" --initrd=$FI $FK
rejects "kdumpctl start, i386 32-bit headers" "--elf32-core-headers is not supported" \
	--elf32-core-headers -p --command-line="$FCMD" --initrd=$FI $FK
parses "kdumpctl stop" -p -u
parses "kdumpctl stop, Secure Boot" -s -p -u

echo "# kexec-tools forms the tools and their docs use"
parses "kexec -p KERNEL --initrd= --append=" -p $K --initrd=$I --append="root=/dev/sda1 irqpoll"
parses "kexec -p --reuse-cmdline" -p --reuse-cmdline --initrd=$I $K
parses "kexec -p --ramdisk= --command-line=" -p --ramdisk=$I --command-line="a b" $K
parses "kexec -p -c (kexec_load forced)" -p -c --append="a" $K
parses "kexec -p -a (auto)" -p -a --append="a" $K
parses "kexec --load-panic --kexec-file-syscall" --load-panic --kexec-file-syscall --append="a" $K
parses "kexec -S -p" -p
parses "kexec --status" --status

# --print-ckr-size reads the fixture's "Crash kernel" (256 MiB)
out=$("$KEXEC" --sysroot="$fix" --print-ckr-size 2>&1)
if [ "$out" = 268435456 ]; then ok "--print-ckr-size"; else bad "--print-ckr-size: '$out'"; fi

# Linux 7.x: /sys/kernel/kexec/{loaded,crash_loaded}; the old files are
# deprecated links that a kernel may drop (kernel/kexec_core.c).
new=$tmp/root7
mkdir -p "$new/sys/kernel/kexec"
echo 0 >"$new/sys/kernel/kexec/loaded"
for state in 0 1; do
	echo "$state" >"$new/sys/kernel/kexec/crash_loaded"
	"$KEXEC" -S --sysroot="$new" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = "$state" ] && [ ! -s "$tmp/out" ]; then
		ok "-S with only /sys/kernel/kexec/crash_loaded ($state)"
	else
		bad "-S with only /sys/kernel/kexec/crash_loaded ($state): exit $rc: $(head -c 300 "$tmp/out")"
	fi
done
echo 1 >"$new/sys/kernel/kexec/loaded"
"$KEXEC" -S -l --sysroot="$new" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 1 ]; then ok "-S -l with only /sys/kernel/kexec/loaded"; else bad "-S -l with only /sys/kernel/kexec/loaded: exit $rc"; fi
# the new file wins over a stale old one
echo 0 >"$new/sys/kernel/kexec_crash_loaded"
"$KEXEC" -S --sysroot="$new" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 1 ]; then ok "-S: /sys/kernel/kexec/crash_loaded before kexec_crash_loaded"; else bad "-S read kexec_crash_loaded first: exit $rc"; fi
# neither: exit 255, naming the new file
rm -f "$new/sys/kernel/kexec/crash_loaded" "$new/sys/kernel/kexec_crash_loaded"
"$KEXEC" -S --sysroot="$new" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 255 ] && grep -q 'sys/kernel/kexec/crash_loaded (and the older kexec_crash_loaded)' "$tmp/out"; then
	ok "-S with neither file: 255, names both"
else
	bad "-S with neither file: exit $rc: $(head -c 300 "$tmp/out")"
fi

# What kdump-config itself prints (its dry run reads the host's /proc/cmdline
# and /etc/default/kdump-tools; it loads nothing).
if command -v kdump-config >/dev/null && [ -d /var/crash ]; then
	line=$(timeout 60 kdump-config test 2>/dev/null | sed -n '/^kexec command to be used:/{n;p;}' | sed 's/^ *//')
	case $line in
	/sbin/kexec\ *)
		args=${line#/sbin/kexec }
		echo 0 >"$fix/sys/kernel/kexec_crash_loaded"
		eval "\"\$KEXEC\" -S --sysroot=\"\$fix\" $args" >"$tmp/out" 2>&1
		rc=$?
		if [ $rc = 0 ] && [ ! -s "$tmp/out" ]; then
			ok "kdump-config test: $(echo "$line" | cut -c 1-100)..."
		else
			bad "kdump-config test line: exit $rc: $(head -c 300 "$tmp/out")"
		fi
		;;
	*) echo "skip kdump-config test printed no kexec command" ;;
	esac
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
