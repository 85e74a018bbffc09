#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package, built and installed for real (tests/pkg/README.md):
#  1. `make distdir` writes a clean copy of the tree (what `make dist`
#     ships); `dpkg-buildpackage -us -uc -b` builds kexec-tdx_VERSION_amd64.deb
#     from it, running the unit tests (not the QEMU ones);
#  2. a Debian bookworm root made by mmdebstrap (minbase with kexec-tools,
#     kdump-tools and systemd; cached in $TMPDIR) gets it with `dpkg -i` in
#     a chroot: /usr/sbin/kexec and /sbin/kexec are ours, kexec-tools'
#     binary and kexec(8) are diverted and intact, /etc/kexec-tdx.conf is
#     a conffile, and reinstalling kexec-tools does not overwrite ours;
#  3. `dpkg --purge kexec-tdx` gives kexec-tools' binary and man page back
#     (same SHA-256 as before) and leaves no file of ours: the file list of
#     the root is the same as before the install.
# Nothing is installed on this host; kexec is run only with --version.
#
# Skips (77) with the reason: KEXEC_TDX_SKIP_PKG=1 or KEXEC_TDX_SKIP_VM=1,
# not root (chroot), dpkg-buildpackage, debhelper or mmdebstrap missing,
# or the package archive unreachable.
# The .deb and the root's tarball are left for tests/pkg/deb-boot.sh, which
# boots them (tests/pkg/kexec-tdx_VERSION_amd64.deb, tests/pkg/deb-root).
# KT_KEEP=1 keeps the temporary directory; KT_PKG_CACHE=0 builds the root
# afresh instead of reusing $TMPDIR/kexec-tdx-pkg/bookworm-root.tar
# (reused for a day).
set -u

. "$(dirname "$0")/lib.sh"
now() { date +%s; }
pkg_preamble dpkg-buildpackage dh mmdebstrap make
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i in a chroot)"

# what deb-boot.sh gets: only from this run
handoff=$builddir/tests/pkg
mkdir -p "$handoff" && rm -f "$handoff"/kexec-tdx_*_amd64.deb "$handoff/deb-root" || exit 99

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-deb.XXXXXX") || exit 99
root=$tmp/root
# root_wait: wait for the background mmdebstrap; 0 and the root in the
# cache when it succeeded.  Also on an early exit, so that the next run
# finds the root (and no mmdebstrap writes into a removed directory).
root_wait() {
	[ -n "${mm_pid:-}" ] || return 0
	wait "$mm_pid"
	mm_pid=
	[ "$(cat "$tmp/mmdebstrap.rc" 2>/dev/null)" = 0 ] &&
		mv "$tmp/root.tar" "$tarball.tmp" && mv "$tarball.tmp" "$tarball"
}
cleanup() {
	root_wait
	if [ "${KT_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
t0=$(now)

# The bookworm root is made while the package builds (mmdebstrap mostly
# waits for the network and dpkg).  Its package list holds the package's
# run-time libraries (debian/control: ${shlibs:Depends}) so that dpkg -i
# needs no network; the cache's name changes with the list.
# prometheus-node-exporter and wget: deb-boot.sh reads the metrics back over HTTP
mm_include=kexec-tools,kdump-tools,systemd,prometheus-node-exporter,wget,libelf1,libjson-c5,libkmod2,liblzma5,libzstd1,zlib1g
cache=${TMPDIR:-/tmp}/kexec-tdx-pkg
tarball=$cache/bookworm-$(echo "$mm_include" | sha256sum | cut -c1-12).tar
mkdir -p "$cache" || exit 99
mm_pid=
if [ "${KT_PKG_CACHE:-1}" = 0 ] || [ -z "$(find "$tarball" -mmin -1440 2>/dev/null)" ]; then
	echo "mmdebstrap: making the bookworm root in the background (log: $tmp/mmdebstrap.log)"
	# kexec-tools' .deb is kept in /root: reinstalling it checks the diversion
	(mmdebstrap --variant=minbase --include="$mm_include" \
		--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
		--customize-hook='cp "$1"/var/cache/apt/archives/kexec-tools_*.deb "$1"/root/' \
		bookworm "$tmp/root.tar" >"$tmp/mmdebstrap.log" 2>&1
	 echo $? >"$tmp/mmdebstrap.rc") &
	mm_pid=$!
else
	echo "mmdebstrap: reusing $tarball"
fi

# 1. the package, from a clean copy of the tree
src=$tmp/src/kexec-tdx-$version
mkdir -p "$tmp/src"
if ! make -s -C "$builddir" distdir distdir="$src" >"$tmp/distdir.log" 2>&1; then
	tail -n 20 "$tmp/distdir.log"
	echo "FAIL: make distdir"
	exit 1
fi
clver=$(cd "$src" && dpkg-parsechangelog -S Version)
if [ "$clver" = "$version" ]; then
	ok "debian/changelog version $clver is configure's"
else
	not_ok "debian/changelog says $clver, configure.ac $version"
fi
echo "building the package (log: $tmp/build.log)"
# a clean environment: not our make's MAKEFLAGS (TESTS=... would reach
# the package's make check) nor the variables of our test harness
if ! (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u KEXEC_BIN \
	-u abs_top_builddir -u abs_top_srcdir -u KEXEC_SYSROOT -u KEXEC_TDX_POLICY \
	DEB_BUILD_OPTIONS="parallel=${KT_JOBS:-2}" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	grep -E "FAIL|[Ee]rror" "$tmp/build.log" | tail -n 20
	tail -n 30 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage -us -uc -b"
	exit 1
fi
deb=$tmp/src/kexec-tdx_${version}_amd64.deb
[ -f "$deb" ] || { ls "$tmp/src"; echo "FAIL: $deb was not built"; exit 1; }
ok "dpkg-buildpackage built ${deb##*/}"
cp "$deb" "$handoff/" || exit 99
pkg_build_tests "$tmp/build.log"
t1=$(now)

contents=$tmp/contents
pkg_contents "$deb" "$contents"
for f in /usr/sbin/kexec-tdx /usr/sbin/kexec /etc/kexec-tdx.conf /usr/share/man/man8/kexec.8.gz \
	 /usr/share/man/man8/kexec-tdx.8.gz /usr/share/man/man5/kexec-tdx.conf.5.gz \
	 /usr/share/bash-completion/completions/kexec /lib/systemd/system/kexec-tdx-guard.service \
	 /usr/share/bash-completion/completions/kexec-tdx \
	 /lib/systemd/system/kexec-tdx-report.service /lib/systemd/system/kexec-tdx-metrics.service \
	 /lib/systemd/system/kexec-tdx-metrics.timer /usr/libexec/kexec-tdx/kexec-tdx-report \
	 /usr/libexec/kexec-tdx/kexec-tdx-metrics \
	 /lib/systemd/system-shutdown/kexec-tdx-guard.shutdown \
	 /usr/share/kexec-tdx/kexec-tdx-status.schema.json /usr/share/kexec-tdx/kexec-tdx-report.schema.json; do
	grep -qx "$f" "$contents" && ok "the package holds $f" || not_ok "the package lacks $f"
done
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$deb" >"$tmp/lintian.log" 2>&1 &&
		ok "lintian: no errors ($(grep -c '^W:' "$tmp/lintian.log") warnings)" ||
		{ cat "$tmp/lintian.log"; not_ok "lintian reports errors"; }
	sed 's/^/  lintian: /' "$tmp/lintian.log"
fi

# 2. the bookworm root with kexec-tools, kdump-tools and systemd
if ! root_wait; then
	if [ "$(cat "$tmp/mmdebstrap.rc" 2>/dev/null)" != 0 ]; then
		tail -n 5 "$tmp/mmdebstrap.log"
		if grep -qiE "could not resolve|failed to fetch|unable to connect|temporary failure|network is unreachable|connection (refused|timed out)" "$tmp/mmdebstrap.log"; then
			skip "mmdebstrap cannot reach the package archive (see above)"
		fi
		echo "FAIL: mmdebstrap"
		exit 1
	fi
	echo "ERROR: cannot move the root to $tarball"
	exit 99
fi
echo "$tarball" >"$handoff/deb-root"
mkdir "$root" && tar -C "$root" -xf "$tarball" || { echo "ERROR: cannot unpack $tarball"; exit 99; }
t2=$(now)

in_root() { chroot "$root" "$@"; }
pkg_before
cp "$deb" "$root/tmp/"
pkg_install "/tmp/${deb##*/}"
[ "$(readlink "$root/usr/sbin/kexec")" = kexec-tdx ] && ok "/usr/sbin/kexec -> kexec-tdx" ||
	not_ok "/usr/sbin/kexec is $(ls -l "$root/usr/sbin/kexec")"
[ -f "$root/etc/kexec-tdx.conf" ] && ok "/etc/kexec-tdx.conf exists" || not_ok "/etc/kexec-tdx.conf is missing"
in_root dpkg-query -W -f='${Conffiles}\n' kexec-tdx | grep -q "^ /etc/kexec-tdx.conf " &&
	ok "/etc/kexec-tdx.conf is a conffile" || not_ok "/etc/kexec-tdx.conf is not a conffile"
[ -L "$root/etc/systemd/system/multi-user.target.wants/kexec-tdx-report.service" ] &&
	ok "kexec-tdx-report.service is enabled" || not_ok "kexec-tdx-report.service is not enabled"
[ ! -e "$root/etc/systemd/system/timers.target.wants/kexec-tdx-metrics.timer" ] &&
	ok "kexec-tdx-metrics.timer is off until the operator enables it" ||
	not_ok "kexec-tdx-metrics.timer is enabled by the package"

# the configuration file is read: a bad line stops kexec before anything
# (--tdx-status reads nothing else first, so no /proc is needed for this)
printf 'tdx = sometimes\n' >>"$root/etc/kexec-tdx.conf"
msg=$(in_root /usr/sbin/kexec --tdx-status 2>&1 >/dev/null)
rc=$?
line=$(grep -c '' "$root/etc/kexec-tdx.conf")
want="kexec: /etc/kexec-tdx.conf:$line: tdx=sometimes: unknown policy (auto, clear, flush, refuse or off)"
[ "$rc" = 1 ] && [ "$msg" = "$want" ] && ok "a bad /etc/kexec-tdx.conf line: exit 1, \"$msg\"" ||
	not_ok "a bad /etc/kexec-tdx.conf line: exit $rc, \"$msg\""
sed -i '$d' "$root/etc/kexec-tdx.conf"
printf 'tdx = flush\n' >>"$root/etc/kexec-tdx.conf"   # an edited conffile is purged too

# an upgrade (here: a reinstall) of kexec-tools must not overwrite ours
set -- "$root"/root/kexec-tools_*.deb
if [ -f "$1" ]; then
	in_root dpkg -i "/root/${1##*/}" >"$tmp/reinstall.log" 2>&1 || { cat "$tmp/reinstall.log"; not_ok "dpkg -i ${1##*/}"; }
	v=$(in_root /usr/sbin/kexec --version 2>&1 | head -n 1)
	case $v in
	"kexec-tdx $version "*) ok "after reinstalling kexec-tools, /usr/sbin/kexec is still ours" ;;
	*) not_ok "after reinstalling kexec-tools, /usr/sbin/kexec --version: $v" ;;
	esac
	[ "$(pkg_sum /usr/sbin/kexec.kexec-tools)" = "$tools_sum" ] &&
		ok "and kexec-tools' binary went to /usr/sbin/kexec.kexec-tools" ||
		not_ok "kexec-tools' reinstalled binary is not at /usr/sbin/kexec.kexec-tools"
else
	echo "note: no kexec-tools .deb kept in the root; reinstall not tried"
fi

# 3. purge
pkg_purge
t3=$(now)


echo "time: build $((t1 - t0)) s, root $((t2 - t1)) s, install and purge $((t3 - t2)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
