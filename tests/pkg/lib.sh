# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tests/pkg/*.sh that build packages: the skip rules they
# share, the pass/fail counters, and the build tree's version.
#   pkg_preamble TOOL...   skip (77) under KEXEC_TDX_SKIP_PKG=1 or
#                          KEXEC_TDX_SKIP_VM=1 or when a TOOL is missing;
#                          set builddir and version (99 without them).
skip() { echo "SKIP: $*"; exit 77; }
fail=0
pass=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

pkg_preamble() {
	[ "${KEXEC_TDX_SKIP_PKG:-0}" = 1 ] && skip "KEXEC_TDX_SKIP_PKG=1"
	[ "${KEXEC_TDX_SKIP_VM:-0}" = 1 ] && skip "KEXEC_TDX_SKIP_VM=1 (system-level tests are off)"
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (tools/install-deps.sh installs it)"
	done
	builddir=${abs_top_builddir:-$(pwd)}
	[ -f "$builddir/config.h" ] || skip "no configured build tree at $builddir (run from make check)"
	version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$builddir/config.h")
	[ -n "$version" ] || { echo "ERROR: no PACKAGE_VERSION in $builddir/config.h"; exit 99; }
}

# The install and purge checks of a Debian root, shared by deb.sh (bookworm)
# and trixie.sh.  The caller defines in_root CMD... (CMD run in the root),
# and sets root (its directory), tmp (a scratch directory) and version.
#   pkg_sum FILE            SHA-256 of FILE in the root
#   pkg_contents DEB FILE   the paths DEB ships, one a line, into FILE
#   pkg_build_tests LOG     the package's own make check passed in LOG
#   pkg_before              kexec-tools' kexec and kexec(8) as they are, and
#                           the root's file list (before any install)
#   pkg_install DEB         dpkg -i DEB (a path in the root), then: every
#                           name of ours answers --version, kexec-tools'
#                           files are diverted intact, the guard is enabled
#   pkg_purge               dpkg --purge, then: no diversion, kexec-tools'
#                           files back (same SHA-256), the file list as before
pkg_sum() { in_root sha256sum "$1" | cut -d' ' -f1; }

pkg_contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|' >"$2"; }

pkg_build_tests() {
	grep -q "^# FAIL: *0$" "$1" && grep -q "^# PASS: *[1-9]" "$1" &&
		ok "the unit tests passed in the build: $(grep '^# PASS:' "$1" | head -n 1)" ||
		not_ok "no passing test summary in the build log"
}

# every file of the root but dpkg's and apt's records, logs and what a
# test mounts or builds there
pkg_snapshot() {
	(cd "$root" && find . -xdev \( -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \
		-o -path ./tmp -o -path ./var/lib/apt -o -path ./build -o -path ./proc -o -path ./dev \) \
		-prune -o -print | sort) >"$1"
}

pkg_before() {
	tools_sum=$(pkg_sum /usr/sbin/kexec)
	man_sum=$(pkg_sum /usr/share/man/man8/kexec.8.gz)
	in_root /sbin/kexec --version 2>&1 | grep -q kexec-tools &&
		ok "before: /sbin/kexec is kexec-tools' ($(in_root /sbin/kexec --version 2>&1 | head -n 1))" ||
		not_ok "before: /sbin/kexec is not kexec-tools'"
	pkg_snapshot "$tmp/before"
}

pkg_install() {
	if in_root dpkg -i "$1" >"$tmp/install.log" 2>&1; then
		ok "dpkg -i ${1##*/} in the root"
	else
		cat "$tmp/install.log"
		not_ok "dpkg -i ${1##*/} in the root"
	fi
	for k in /usr/sbin/kexec /sbin/kexec /usr/sbin/kexec-tdx; do
		v=$(in_root "$k" --version 2>&1 | head -n 1)
		case $v in
		"kexec-tdx $version "*) ok "$k --version: $v" ;;
		*) not_ok "$k --version: $v" ;;
		esac
	done
	in_root dpkg-divert --list >"$tmp/diversions"
	for d in "/sbin/kexec to /sbin/kexec.kexec-tools" "/usr/sbin/kexec to /usr/sbin/kexec.kexec-tools" \
		 "/usr/share/man/man8/kexec.8.gz to /usr/share/man/man8/kexec.kexec-tools.8.gz"; do
		grep -qx "diversion of $d by kexec-tdx" "$tmp/diversions" && ok "dpkg-divert --list: $d" ||
			{ cat "$tmp/diversions"; not_ok "no diversion of $d"; }
	done
	[ "$(pkg_sum /usr/sbin/kexec.kexec-tools)" = "$tools_sum" ] &&
		ok "kexec-tools' binary is intact as /usr/sbin/kexec.kexec-tools" ||
		not_ok "/usr/sbin/kexec.kexec-tools differs from kexec-tools' kexec"
	[ "$(pkg_sum /usr/share/man/man8/kexec.kexec-tools.8.gz)" = "$man_sum" ] &&
		ok "kexec-tools' kexec(8) is intact as kexec.kexec-tools.8.gz" ||
		not_ok "kexec-tools' kexec(8) moved wrongly"
	[ -L "$root/etc/systemd/system/kexec.target.wants/kexec-tdx-guard.service" ] &&
		ok "kexec-tdx-guard.service is enabled in kexec.target" ||
		not_ok "kexec-tdx-guard.service is not enabled"
}

pkg_purge() {
	if in_root dpkg --purge kexec-tdx >"$tmp/purge.log" 2>&1; then
		ok "dpkg --purge kexec-tdx"
	else
		cat "$tmp/purge.log"
		not_ok "dpkg --purge kexec-tdx"
	fi
	in_root dpkg-divert --list | grep -q kexec-tdx &&
		not_ok "diversions left: $(in_root dpkg-divert --list | grep kexec-tdx)" ||
		ok "no diversion by kexec-tdx is left"
	[ "$(pkg_sum /usr/sbin/kexec)" = "$tools_sum" ] &&
		ok "kexec-tools' /usr/sbin/kexec is back (same SHA-256)" ||
		not_ok "/usr/sbin/kexec is not kexec-tools' binary"
	in_root /sbin/kexec --version 2>&1 | grep -q kexec-tools && ok "/sbin/kexec --version is kexec-tools' again" ||
		not_ok "/sbin/kexec --version: $(in_root /sbin/kexec --version 2>&1 | head -n 1)"
	[ "$(pkg_sum /usr/share/man/man8/kexec.8.gz)" = "$man_sum" ] &&
		ok "kexec-tools' kexec(8) is back" || not_ok "kexec(8) is not kexec-tools' page"
	pkg_snapshot "$tmp/after"
	if diff -u "$tmp/before" "$tmp/after" >"$tmp/left"; then
		ok "no file of ours is left (the root's file list is as before the install)"
	else
		sed -n '3,40p' "$tmp/left"
		not_ok "files differ after the purge"
	fi
}
