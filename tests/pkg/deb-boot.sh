#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# After tests/pkg/deb.sh (make runs this test after it): the bookworm root
# it made, with the package it built installed, boots under QEMU (TCG) with
# systemd, from a raw ext4
# disk, with the host's Debian kernel and initrd (initramfs-tools,
# MODULES=most: virtio_blk and ext4 are in it; the root has no kernel of
# its own).  A unit of the root (kt-boot.service) prints KT- lines on the
# console:
#   boot 1: kdump-tools.service has loaded the crash kernel through
#           /sbin/kexec (the package's, --version says so), KDUMP_KEXEC_ARGS=-d
#           makes it print its segment table; the operator's step
#           `systemctl enable --now kexec-tdx-metrics.timer` makes the
#           metrics reach node_exporter (prometheus-node-exporter, its
#           Debian defaults), read back from http://127.0.0.1:9100/metrics;
#           then `kexec --tdx=clear -l /boot/vmlinuz-V --initrd=...
#           --reuse-cmdline --append=kt.stage=2` (kexec's syslog line is in
#           the journal) and `systemctl kexec`;
#   boot 2: the same kernel came up through the kexec (kt.stage=2 on its
#           command line), kdump-tools loaded the crash kernel again;
#           kexec-tdx-report.service (enabled by the package) logged the
#           clear and kept /var/lib/kexec-tdx/last-report.json, and the
#           last_clear metrics are served; poweroff.
# Between the boots the guard's line before the jump (what the kexec does
# next) is on the serial console.
# kdump-tools' own kdump initrd is not built (its kernel hook cannot find
# the root device in a chroot): the crash kernel is loaded with the host's
# initrd, and no crash is triggered.
#
# Skips (77) with the reason: KEXEC_TDX_SKIP_PKG=1 or KEXEC_TDX_SKIP_VM=1,
# not root, no QEMU, kernel or initrd in /boot, or no package and root left
# by deb.sh in this build tree (it skipped or failed).  KT_KEEP=1 keeps the
# temporary directory (root.img, serial.log); KT_TIMEOUT (s, default 600).
# The root has no /sbin/init (minbase: no systemd-sysv): init=/lib/systemd/systemd.
# Exit 0 pass, 1 fail, 77 skip (no QEMU, no kernel), 99 error.
set -u

skip() { echo "SKIP: $*"; exit 77; }
[ "${KEXEC_TDX_SKIP_PKG:-0}" = 1 ] && skip "KEXEC_TDX_SKIP_PKG=1"
[ "${KEXEC_TDX_SKIP_VM:-0}" = 1 ] && skip "KEXEC_TDX_SKIP_VM=1"
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i in a chroot, mkfs.ext4 -d with owners)"
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip "qemu-system-x86_64 is not installed"
command -v mkfs.ext4 >/dev/null 2>&1 || skip "mkfs.ext4 (e2fsprogs) is not installed"
kernel=${KT_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[ -r "$kernel" ] || skip "no readable kernel in /boot (linux-image-amd64)"
kver=${kernel##*/vmlinuz-}
initrd=${KT_INITRD:-/boot/initrd.img-$kver}
[ -r "$initrd" ] || skip "no readable $initrd"
builddir=${abs_top_builddir:-$(pwd)}
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$builddir/config.h" 2>/dev/null)
deb=$builddir/tests/pkg/kexec-tdx_${version}_amd64.deb
[ -n "$version" ] && [ -f "$deb" ] && [ -f "$builddir/tests/pkg/deb-root" ] ||
	skip "no package and root from tests/pkg/deb.sh in $builddir (it skipped or failed)"
tarball=$(cat "$builddir/tests/pkg/deb-root")
[ -f "$tarball" ] || skip "the root $tarball is gone"

work=$(mktemp -d "${TMPDIR:-/tmp}/kt-deb-boot.XXXXXX") || exit 99
cleanup() {
	if [ "${KT_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
root=$work/root
mkdir "$root" && tar -C "$root" -xf "$tarball" || { echo "ERROR: cannot unpack $tarball"; exit 99; }

fail=0
pass=0
ok() { pass=$((pass + 1)); echo "ok: boot: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: boot: $*"; }

cp "$deb" "$root/tmp/" && chroot "$root" dpkg -i "/tmp/${deb##*/}" >"$work/boot-install.log" 2>&1 ||
	{ cat "$work/boot-install.log"; echo "ERROR: dpkg -i in the root"; exit 99; }
mkdir -p "$root/boot"
cp "$kernel" "$root/boot/vmlinuz-$kver" && cp "$initrd" "$root/boot/initrd.img-$kver" || exit 99
# a machine id: no first-boot questions
echo 6b7465786563746478706b6774657374 >"$root/etc/machine-id"
echo kt-deb >"$root/etc/hostname"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
sed -i -e "s|^KDUMP_KERNEL=.*|KDUMP_KERNEL=/boot/vmlinuz-$kver|" \
	-e "s|^KDUMP_INITRD=.*|KDUMP_INITRD=/boot/initrd.img-$kver|" \
	-e 's|^USE_KDUMP=.*|USE_KDUMP=1|' "$root/etc/default/kdump-tools"
echo 'KDUMP_KEXEC_ARGS="-d"' >>"$root/etc/default/kdump-tools"

cat >"$root/usr/local/sbin/kt-boot" <<'EOS'
#!/bin/sh
# kexec-tdx package test (tests/pkg/deb-boot.sh): one stage a boot
stage=1
grep -q 'kt.stage=2' /proc/cmdline && stage=2
echo "KT-BOOT $stage"
echo "KT-KEXEC $(/sbin/kexec --version | head -n 1)"
echo "KT-CRASH-LOADED $(cat /sys/kernel/kexec_crash_loaded)"
echo "KT-KDUMP-STATE $(systemctl is-active kdump-tools.service)"
journalctl -b -u kdump-tools.service --no-pager -o cat | sed 's/^/KT-JOURNAL /' | tail -n 40
# metrics: the timer writes them, node_exporter serves them (wait up to 2 min)
metrics() {
	i=0
	while [ $i -lt 60 ]; do
		m=$(wget -qO- http://127.0.0.1:9100/metrics 2>/dev/null | grep "^kexec_tdx_$1")
		[ -n "$m" ] && break
		sleep 2
		i=$((i + 1))
	done
	printf '%s\n' "$m" | sed 's/^/KT-METRIC /'
}
if [ "$stage" = 1 ]; then
	systemctl enable --now kexec-tdx-metrics.timer
	echo "KT-NODE-EXPORTER $(systemctl is-active prometheus-node-exporter.service)"
	metrics
	v=$(uname -r)
	if /usr/sbin/kexec --tdx=clear -l "/boot/vmlinuz-$v" --initrd="/boot/initrd.img-$v" --reuse-cmdline \
		--append="kt.stage=2"; then
		# journald reads /dev/log on its own time: wait (up to 10 s) for
		# the load's line instead of reading the journal at once
		i=0
		until journalctl -b -t kexec --no-pager -o cat | grep -q '^load: ' || [ $i -ge 20 ]; do
			sleep 0.5
			i=$((i + 1))
		done
		journalctl -b -t kexec --no-pager -o cat | sed 's/^/KT-SYSLOG /'
		echo "KT-LOADED $(cat /sys/kernel/kexec_loaded)"
		systemctl --no-block kexec
	else
		echo "KT-LOAD-FAILED $?"
		systemctl --no-block poweroff
	fi
else
	journalctl -b -u kexec-tdx-report.service --no-pager -o cat | sed 's/^/KT-REPORT /'
	[ -s /var/lib/kexec-tdx/last-report.json ] && echo "KT-LAST-REPORT kept"
	metrics last_clear
	systemctl --no-block poweroff
fi
EOS
chmod +x "$root/usr/local/sbin/kt-boot"
cat >"$root/etc/systemd/system/kt-boot.service" <<'EOS'
[Unit]
Description=kexec-tdx package test
After=kdump-tools.service multi-user.target
Wants=kdump-tools.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/kt-boot
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOS
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../kt-boot.service "$root/etc/systemd/system/multi-user.target.wants/kt-boot.service"

img=$work/root.img
rm -f "$img"
truncate -s 2G "$img" && mkfs.ext4 -q -F -L root -d "$root" "$img" || { echo "ERROR: mkfs.ext4 -d"; exit 99; }

if command -v flock >/dev/null 2>&1; then
	exec 9>"${TMPDIR:-/tmp}/kexec-tdx-vm.lock"
	flock -n 9 || { echo "waiting for another VM test"; flock 9; }
fi
t0=$(date +%s)
timeout "${KT_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max -m 2048 -smp 2 \
	-nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
	-append "root=/dev/vda rw init=/lib/systemd/systemd console=ttyS0 crashkernel=256M panic=-1 systemd.show_status=0 quiet" \
	-drive "file=$img,format=raw,if=virtio" >"$work/serial.log" 2>&1 </dev/null
rc=$?
echo "boot: QEMU exited $rc after $(($(date +%s) - t0)) s (serial log: $work/serial.log)"
# the unit's lines reach the console as "[  12.3] kt-boot[271]: KT-..."
log=$work/serial.txt
tr -d '\r' <"$work/serial.log" | sed -n 's/^.*kt-boot\[[0-9]*\]: \(KT-\)/\1/p' >"$log"
grep -v '^KT-JOURNAL' "$log" | sed 's/^/  /'

has() { grep -aqx "$1" "$log"; }
has_re() { grep -aqE "$1" "$log"; }
for s in 1 2; do
	# boot 2 can only come from systemctl kexec: -no-reboot ends QEMU at a reboot
	has "KT-BOOT $s" && ok "boot $s reached kt-boot.service" || not_ok "boot $s never reached kt-boot.service"
	[ "$(grep -a -A3 -x "KT-BOOT $s" "$log" | grep -a '^KT-KEXEC ' | head -n 1)" = "KT-KEXEC kexec-tdx $version (kexec-tools compatible kexec for x86_64 with TDX support)" ] &&
		ok "boot $s: /sbin/kexec is the package's" || not_ok "boot $s: /sbin/kexec --version: $(grep -a -A3 -x "KT-BOOT $s" "$log" | grep -a '^KT-KEXEC ')"
	[ "$(grep -a -A3 -x "KT-BOOT $s" "$log" | grep -a '^KT-CRASH-LOADED ' | head -n 1)" = "KT-CRASH-LOADED 1" ] &&
		ok "boot $s: kdump-tools loaded the crash kernel" || not_ok "boot $s: no crash kernel loaded"
done
has_re '^KT-JOURNAL .*loaded kdump kernel' && ok "kdump-config says: loaded kdump kernel" ||
	not_ok "no 'loaded kdump kernel' in kdump-tools' journal"
# kexec-tools writes no such line: kexec-tdx's system-log line of the crash
# load (on this plain host it loads with kexec_file_load, as kexec-tools
# >= 2.0.27 does, so there is no -d table of our loader to look for)
has_re '^KT-JOURNAL crash load: decision plain, action none, kernel /boot/vmlinuz-' &&
	ok "the crash kernel was loaded by kexec-tdx (its system-log line)" ||
	not_ok "no kexec-tdx crash load line in kdump-tools' journal"
has "KT-LOADED 1" && ok "boot 1: kexec -l --reuse-cmdline loaded the kernel" || not_ok "boot 1: kexec -l failed"
# issue 21, item 3: node_exporter serves what the timer wrote
has "KT-NODE-EXPORTER active" && ok "boot 1: prometheus-node-exporter runs" || not_ok "boot 1: node_exporter is not active"
has 'KT-METRIC kexec_tdx_info{schema_version="1",version="'"$version"'"} 1' &&
	ok "boot 1: node_exporter serves kexec_tdx_info" || not_ok "boot 1: no kexec_tdx_info from node_exporter"
has 'KT-METRIC kexec_tdx_decision{decision="plain"} 1' && has 'KT-METRIC kexec_tdx_action{action="none"} 1' &&
	ok "boot 1: decision plain, action none through node_exporter" || not_ok "boot 1: decision/action metrics"
has_re '^KT-SYSLOG load: decision plain, action clear, kernel /boot/vmlinuz-' &&
	ok "boot 1: kexec's load line is in the journal" || not_ok "boot 1: no load line of kexec in the journal"
# the guard writes to /dev/kmsg: "[  121.8] kexec-tdx-guard: WBINVD ..."
tr -d '\r' <"$work/serial.log" |
	grep -aqE '^\[ *[0-9.]+\] kexec-tdx-guard: WBINVD and clear of [0-9.]+ [MG]iB on 2 CPUs, (about [0-9]+ s|under 1 s); the console is quiet until the new kernel prints$' &&
	ok "boot 1: the guard said on the console what the kexec does next" ||
	not_ok "boot 1: no line of the guard before the jump on the console"
# items 4 and 5: the report kept and logged, its metrics served
has_re '^KT-REPORT kexec cleared [0-9.]+ [MG]iB on 2 CPUs in [0-9.]+ s( \([0-9.]+ GB/s\))?, verified$' &&
	ok "boot 2: kexec-tdx-report.service logged the clear" || not_ok "boot 2: no report line in the journal"
has "KT-LAST-REPORT kept" && ok "boot 2: last-report.json kept" || not_ok "boot 2: no last-report.json"
has_re '^KT-METRIC kexec_tdx_last_clear_bytes [1-9][0-9.e+]*$' &&
	ok "boot 2: node_exporter serves the last clear" || not_ok "boot 2: no kexec_tdx_last_clear_bytes"
[ "$rc" = 0 ] && ok "boot 2 powered off" || not_ok "QEMU exit status $rc (124: timeout)"
if [ "$fail" -ne 0 ]; then
	echo "last 60 lines of the serial console:"
	tr -d '\r' <"$work/serial.log" | tail -n 60 | sed 's/^/  | /'
fi
echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
