#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package on Debian 13 (trixie: gcc 14, merged /usr, systemd's
# directories under /usr/lib), built and installed there as a new user would
# (tests/pkg/README.md):
#  1. a trixie build root made by `mmdebstrap --variant=buildd` with the
#     package's Build-Depends (read from debian/control), lintian,
#     kexec-tools and init-system-helpers (cached in $TMPDIR for a day);
#  2. `make distdir` writes a clean copy of the tree into it, and
#     `dpkg-buildpackage -us -uc -b` runs there (with the unit tests);
#  3. trixie's lintian finds no error (none of aliased-location: the unit
#     and the shutdown hook are under /usr/lib/systemd), and nothing is
#     shipped under /lib, /bin or /sbin;
#  4. `dpkg -i` there diverts kexec-tools' /usr/sbin/kexec and /sbin/kexec
#     (one file on merged /usr) and kexec(8), `dpkg --purge` gives them back
#     (same SHA-256) and leaves the root's file list as it was.
# Nothing is installed on this host.
#
# Skips (77) with the reason: KEXEC_TDX_SKIP_PKG=1 or KEXEC_TDX_SKIP_VM=1,
# not root (chroot), mmdebstrap or unshare missing, or the package archive
# unreachable.  KT_KEEP=1 keeps the temporary directory; KT_PKG_CACHE=0
# makes the root afresh instead of reusing $TMPDIR/kexec-tdx-pkg/trixie-*.tar.
set -u

. "$(dirname "$0")/lib.sh"
now() { date +%s; }
pkg_preamble mmdebstrap unshare make
[ "$(id -u)" = 0 ] || skip "needs root (chroot)"
srcdir=${abs_top_srcdir:-$builddir}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-trixie.XXXXXX") || exit 99
root=$tmp/root
cleanup() {
	if [ "${KT_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
t0=$(now)

# 1. The build root.  Build-Depends of debian/control: the first of each
# alternative, no versions or profiles (debhelper-compat is debhelper's).
deps=$(sed -n '/^Build-Depends:/,/^[A-Z][-A-Za-z]*:/{/^Build-Depends:/{s/^Build-Depends://;p;d};/^[A-Z]/d;p}' \
	"$srcdir/debian/control" | tr ',' '\n' | sed 's/|.*//; s/([^)]*)//g; s/<[^>]*>//g; s/[[:space:]]//g' |
	sed 's/^debhelper-compat$/debhelper/' | grep -v '^$' | sort -u | tr '\n' ',')
mm_include=${deps}lintian,kexec-tools,init-system-helpers
cache=${TMPDIR:-/tmp}/kexec-tdx-pkg
tarball=$cache/trixie-buildd-$(echo "$mm_include" | sha256sum | cut -c1-12).tar
mkdir -p "$cache" || exit 99
if [ "${KT_PKG_CACHE:-1}" = 0 ] || [ -z "$(find "$tarball" -mmin -1440 2>/dev/null)" ]; then
	echo "mmdebstrap --variant=buildd trixie (log: $tmp/mmdebstrap.log): $mm_include"
	if ! mmdebstrap --variant=buildd --include="$mm_include" \
		--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
		trixie "$tmp/root.tar" >"$tmp/mmdebstrap.log" 2>&1; then
		tail -n 5 "$tmp/mmdebstrap.log"
		grep -qiE "could not resolve|failed to fetch|unable to connect|temporary failure|network is unreachable|connection (refused|timed out)" "$tmp/mmdebstrap.log" &&
			skip "mmdebstrap cannot reach the package archive (see above)"
		echo "FAIL: mmdebstrap"
		exit 1
	fi
	mv "$tmp/root.tar" "$tarball.tmp" && mv "$tarball.tmp" "$tarball" || exit 99
else
	echo "mmdebstrap: reusing $tarball"
fi
mkdir "$root" && tar -C "$root" -xf "$tarball" || { echo "ERROR: cannot unpack $tarball"; exit 99; }
t1=$(now)

# in_root CMD...: CMD in the root, with /proc and /dev, in a mount
# namespace of its own (nothing to unmount), in a clean environment
in_root() {
	unshare -m --propagation private sh -c 'mount -t proc proc "$0/proc" &&
		mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' "$root" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEB_BUILD_OPTIONS="parallel=${KT_JOBS:-2}" "$@"
}
echo "in the root: $(in_root gcc --version | head -n 1), $(in_root dpkg-query -W -f='${Package} ${Version}\n' lintian kexec-tools | tr '\n' ' ')"

# 2. The package, built in the root from a clean copy of the tree
src=/build/kexec-tdx-$version
mkdir -p "$root/build"
if ! make -s -C "$builddir" distdir distdir="$root$src" >"$tmp/distdir.log" 2>&1; then
	tail -n 20 "$tmp/distdir.log"
	echo "FAIL: make distdir"
	exit 1
fi
echo "dpkg-buildpackage -us -uc -b in the trixie root (log: $tmp/build.log)"
if ! in_root sh -c "cd $src && dpkg-buildpackage -us -uc -b" >"$tmp/build.log" 2>&1; then
	grep -E "FAIL|[Ee]rror" "$tmp/build.log" | tail -n 20
	tail -n 30 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage -us -uc -b in trixie"
	exit 1
fi
deb=/build/kexec-tdx_${version}_amd64.deb
[ -f "$root$deb" ] || { ls "$root/build"; echo "FAIL: $deb was not built"; exit 1; }
ok "dpkg-buildpackage built ${deb##*/} in trixie"
pkg_build_tests "$tmp/build.log"
t2=$(now)

# 3. What it ships, and lintian
pkg_contents "$root$deb" "$tmp/contents"
for f in /usr/sbin/kexec-tdx /usr/sbin/kexec /etc/kexec-tdx.conf \
	 /usr/lib/systemd/system/kexec-tdx-guard.service \
	 /usr/lib/systemd/system-shutdown/kexec-tdx-guard.shutdown; do
	grep -qx "$f" "$tmp/contents" && ok "the package holds $f" || not_ok "the package lacks $f"
done
if grep -E '^/(lib|lib64|bin|sbin)/.' "$tmp/contents" >"$tmp/aliased"; then
	not_ok "files under an aliased directory: $(tr '\n' ' ' <"$tmp/aliased")"
else
	ok "nothing under /lib, /lib64, /bin or /sbin (merged /usr)"
fi
in_root lintian --fail-on error "$deb" >"$tmp/lintian.log" 2>&1 &&
	ok "trixie's lintian: no errors ($(grep -c '^W:' "$tmp/lintian.log") warnings)" ||
	not_ok "trixie's lintian reports errors"
sed 's/^/  lintian: /' "$tmp/lintian.log"
grep -q 'aliased-location' "$tmp/lintian.log" && not_ok "lintian: aliased-location"

# 4. Install and purge, with kexec-tools installed
[ "$(readlink "$root/sbin")" = usr/sbin ] && ok "trixie's /sbin is a link to usr/sbin" ||
	echo "note: /sbin is not a link to usr/sbin in this root"
pkg_before
pkg_install "$deb"
pkg_purge
t3=$(now)

echo "time: root $((t1 - t0)) s, build $((t2 - t1)) s, lintian, install and purge $((t3 - t2)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
