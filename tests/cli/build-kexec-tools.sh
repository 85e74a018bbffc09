#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build kexec-tools 2.0.32, the CLI peer of tests/cli/compare-kexec-tools.sh,
# from the upstream tarball of Debian sid's source package (1:2.0.32-*),
# into a cache:
#   $KT_KEXEC_TOOLS_CACHE (default ${TMPDIR:-/tmp}/kexec-tdx-kexec-tools)/kexec
# apt runs with its own sources list and state directory, so the machine's
# apt configuration is untouched; nothing is installed.  Sid's binary
# package needs sid's glibc, hence the build from source (a minute on two
# cores).  Prints the binary's path; exit 0, or 1 with the reason.
set -eu

cache=${KT_KEXEC_TOOLS_CACHE:-${TMPDIR:-/tmp}/kexec-tdx-kexec-tools}
want=${KT_KEXEC_TOOLS_VERSION:-2.0.32}
bin=$cache/kexec
mirror=${KT_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "kexec-tools $want"; then
	echo "$bin"
	exit 0
fi
for t in apt-get tar make gcc; do
	command -v "$t" >/dev/null 2>&1 || { echo "build-kexec-tools: $t is missing" >&2; exit 1; }
done
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT HUP INT TERM
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/parts"
echo "deb-src $mirror sid main" >"$apt/sources.list"
aptopts="-o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=$apt/parts
 -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt -o Dir::Cache::archives=$apt/archives
 -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get -q $aptopts update >"$work/apt.log" 2>&1 ||
	{ echo "build-kexec-tools: apt-get update (sid deb-src) failed: $(tail -n 1 "$work/apt.log")" >&2; exit 1; }
# Debian's own patches (the .debian.tar) are not needed for the CLI: the
# upstream release tarball is the peer.  apt may fail to fetch the former.
# shellcheck disable=SC2086
(cd "$work" && apt-get -q $aptopts source --download-only "kexec-tools" >>"$work/apt.log" 2>&1) || :
orig=$(ls "$work"/kexec-tools_"$want".orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] ||
	{ echo "build-kexec-tools: no kexec-tools_$want.orig.tar.* in sid: $(tail -n 1 "$work/apt.log")" >&2; exit 1; }
mkdir "$work/src"
tar -xf "$orig" -C "$work/src" --strip-components=1 ||
	{ echo "build-kexec-tools: cannot unpack ${orig##*/}" >&2; exit 1; }
(cd "$work/src" && ./configure --without-xen >"$work/build.log" 2>&1 &&
	make -j2 >>"$work/build.log" 2>&1) ||
	{ echo "build-kexec-tools: the build failed: $(tail -n 3 "$work/build.log")" >&2; exit 1; }
cp "$work/src/build/sbin/kexec" "$bin.new" && mv "$bin.new" "$bin"
echo "$bin"
