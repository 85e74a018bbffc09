#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-kernels.sh [all|newest]: Debian's current kernels for the VM tests
# (tests/vm/README.md, "Debian's kernels").  apt, with a sources list, lists
# and archive directory of its own under $KT_KERNEL_CACHE/apt (the machine's
# apt configuration and state are not touched), reads sid, trixie and
# trixie-backports, and for each version of the meta package
# linux-image-amd64 follows its dependencies to the package that holds
# vmlinuz:
#   linux-image-amd64=V -> linux-image-ABI -> linux-binary-ABI   (7.x)
#   linux-image-amd64=V -> linux-image-ABI(-unsigned)            (6.12)
# `apt-get download` fetches it and dpkg-deb unpacks vmlinuz alone as
# $KT_KERNEL_CACHE/vmlinuz-ABI; nothing is installed.  A kernel already
# there is not fetched again.  $KT_KERNEL_CACHE/kernels lists the kernels
# the archive has now, one "ABI VERSION SUITE PACKAGE" line each, for
# KT_KERNEL=debian:... (tests/vm/lib.sh).
#   all      every version (make check-kernels, make fetch-kernels)
#   newest   only the newest (make check's new-kernel-*.sh; CI)
# Environment: KT_KERNEL_CACHE (/var/cache/kexec-tdx-kernels),
# KT_DEBIAN_MIRROR (http://deb.debian.org/debian), KT_DEBIAN_SUITES
# ("sid trixie trixie-backports"), KT_DEBIAN_KEYRING
# (/usr/share/keyrings/debian-archive-keyring.gpg).
# Exit status: 0 when every kernel of the list is in the cache, 1 otherwise.
set -u
mode=${1:-all}
case $mode in
all | newest) ;;
*) echo "usage: $0 [all|newest]" >&2; exit 2 ;;
esac
cache=${KT_KERNEL_CACHE:-/var/cache/kexec-tdx-kernels}
mirror=${KT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suites=${KT_DEBIAN_SUITES:-sid trixie trixie-backports}
keyring=${KT_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
C=$cache/apt

say() { echo "fetch-kernels: $*"; }
die() { say "$*" >&2; exit 1; }

for t in apt-get apt-cache dpkg-deb tar flock; do
	command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
done
[ -r "$keyring" ] || die "no Debian archive keyring at $keyring (package debian-archive-keyring)"
mkdir -p "$C/lists/partial" "$C/archives/partial" 2>/dev/null && [ -w "$cache" ] ||
	die "cannot write to $cache (run as root, or set KT_KERNEL_CACHE)"
# one fetch at a time per cache
exec 8>"$cache/.lock"
flock 8

: >"$C/sources.list.new"
for s in $suites; do
	echo "deb [arch=amd64 signed-by=$keyring] $mirror $s main" >>"$C/sources.list.new"
done
mv "$C/sources.list.new" "$C/sources.list"
# shellcheck disable=SC2089,SC2090 # split on purpose: one -o per word
O="-o Dir::Etc::SourceList=$C/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
 -o Dir::State::Lists=$C/lists -o Dir::Cache::Archives=$C/archives
 -o Dir::State::Status=/dev/null -o APT::Architecture=amd64
 -o APT::Architectures=amd64 -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt_get() { apt-get $O "$@"; }
# shellcheck disable=SC2086
apt_cache() { apt-cache $O "$@"; }

if ! apt_get -q update >"$C/update.log" 2>&1 </dev/null || grep -q '^E:' "$C/update.log"; then
	sed 's/^/  /' "$C/update.log" | tail -n 8
	die "apt-get update failed (network, mirror $mirror or keyring); the cache keeps what it has"
fi
grep '^W:' "$C/update.log"

# depends PKG=VERSION | PKG: the names it depends on, one a line
depends() { apt_cache depends "$1" 2>/dev/null | sed -n 's/^ *[|]\{0,1\}Depends: \([^<][^ ]*\)$/\1/p'; }
# has PKG: the archive knows PKG
has() { [ -n "$(apt_cache madison "$1" 2>/dev/null)" ]; }

# resolve VERSION: "ABI PACKAGE" for linux-image-amd64=VERSION, or nothing
resolve() {
	img=$(depends "linux-image-amd64=$1" | grep -E '^linux-image-[0-9][^ ]*-amd64$' | head -n 1)
	[ -n "$img" ] || return 0
	abi=${img#linux-image-}
	bin=$(depends "$img" | grep -xF "linux-binary-$abi")
	if [ -n "$bin" ]; then
		echo "$abi $bin"
	elif has "$img-unsigned"; then
		echo "$abi $img-unsigned"
	else
		echo "$abi $img"
	fi
}

# unpack ABI DEB: vmlinuz of DEB (./boot/vmlinuz-ABI or, in a linux-binary
# package, ./usr/lib/modules/ABI/vmlinuz) as $cache/vmlinuz-ABI; a bzImage
# ("HdrS" at 0x202) or nothing
unpack() {
	t=$cache/.vmlinuz-$1.tmp
	# tar complains about the name that is not there; the file decides
	dpkg-deb --fsys-tarfile "$2" | tar -xOf - --wildcards "./boot/vmlinuz-$1" \
		"./usr/lib/modules/$1/vmlinuz" >"$t" 2>/dev/null
	if [ "$(dd if="$t" bs=1 skip=514 count=4 2>/dev/null)" != HdrS ]; then
		rm -f "$t"
		say "no vmlinuz-$1 (a bzImage) in ${2##*/}"
		return 1
	fi
	mv "$t" "$cache/vmlinuz-$1" && say "vmlinuz-$1 unpacked from ${2##*/}"
}

# "VERSION SUITE" of linux-image-amd64, newest first
apt_cache madison linux-image-amd64 | awk -F' *[|] *' '{ split($3, a, " "); split(a[2], s, "/"); print $2, s[1] }' |
	sort -k1,1Vr >"$C/versions"
[ -s "$C/versions" ] || die "the archive lists no linux-image-amd64 (suites: $suites)"
[ "$mode" = newest ] && sed -i '2,$d' "$C/versions"

rc=0
: >"$cache/kernels.new"
while read -r version suite; do
	# shellcheck disable=SC2046
	set -- $(resolve "$version" </dev/null)
	if [ $# != 2 ]; then
		say "linux-image-amd64=$version ($suite): no linux-image-ABI-amd64 among its dependencies"
		rc=1
		continue
	fi
	abi=$1 pkg=$2
	echo "$abi $version $suite $pkg" >>"$cache/kernels.new"
	if [ -s "$cache/vmlinuz-$abi" ]; then
		say "vmlinuz-$abi ($suite, $version) is cached"
		continue
	fi
	say "fetching $pkg ($suite, $version)"
	rm -f "$C/archives/${pkg}_"*.deb
	if ! (cd "$C/archives" && apt_get -q download "$pkg") >"$C/download.log" 2>&1 </dev/null; then
		sed 's/^/  /' "$C/download.log" | tail -n 5
		say "apt-get download $pkg failed"
		rc=1
		continue
	fi
	for deb in "$C/archives/${pkg}_"*.deb; do
		unpack "$abi" "$deb" || rc=1
		rm -f "$deb"
	done
done <"$C/versions"
# the list keeps the kernels of the last full fetch that newest did not cover
if [ "$mode" = newest ] && [ -f "$cache/kernels" ]; then
	awk -v abi="$(cut -d' ' -f1 "$cache/kernels.new")" '$1 != abi' "$cache/kernels" >"$cache/kernels.old"
	cat "$cache/kernels.old" >>"$cache/kernels.new"
	rm -f "$cache/kernels.old"
fi
mv "$cache/kernels.new" "$cache/kernels"
sed 's/^/  /' "$cache/kernels"
exit $rc
