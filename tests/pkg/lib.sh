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
