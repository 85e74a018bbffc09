#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The RPM spec: `rpmbuild --nodeps -tb` of the dist tarball (the tree that
# `make dist` packs, written by `make distdir` into a temporary directory
# and packed the same way) builds the package, and the RPM holds
# /usr/sbin/kexec-tdx and /etc/kexec-tdx.conf (a %config file), leaves
# kexec-tools' /usr/sbin/kexec and kexec(8) alone, and its systemd guard
# runs kexec-tdx.  --nodeps: on Debian the BuildRequires, spelled as
# Fedora does, are not RPM packages.
#
# Skips (77) with the reason: KEXEC_TDX_SKIP_PKG=1 or KEXEC_TDX_SKIP_VM=1,
# rpmbuild (Debian package rpm) missing.  KT_KEEP=1 keeps the temporary
# directory.
set -u

. "$(dirname "$0")/lib.sh"
pkg_preamble rpmbuild rpm rpm2cpio cpio make

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-rpm.XXXXXX") || exit 99
cleanup() {
	if [ "${KT_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
t0=$(date +%s)

name=kexec-tdx-$version
if ! make -s -C "$builddir" distdir distdir="$tmp/$name" >"$tmp/distdir.log" 2>&1; then
	tail -n 20 "$tmp/distdir.log"
	echo "FAIL: make distdir"
	exit 1
fi
tar -C "$tmp" --format=ustar -chf - "$name" | gzip -c >"$tmp/$name.tar.gz" || exit 99
rm -rf "${tmp:?}/$name"
tar -tzf "$tmp/$name.tar.gz" | grep -qx "$name/kexec-tdx.spec" && ok "the tarball holds $name/kexec-tdx.spec" ||
	not_ok "no kexec-tdx.spec at the top of the tarball"

echo "rpmbuild --nodeps -tb $name.tar.gz (log: $tmp/rpmbuild.log)"
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u KEXEC_BIN -u abs_top_builddir \
	-u abs_top_srcdir -u KEXEC_SYSROOT -u KEXEC_TDX_POLICY \
	rpmbuild --nodeps -tb --define "_topdir $tmp/rpmbuild" --define "_smp_mflags -j${KT_JOBS:-2}" \
	"$tmp/$name.tar.gz" >"$tmp/rpmbuild.log" 2>&1; then
	grep -E "FAIL|[Ee]rror" "$tmp/rpmbuild.log" | tail -n 20
	tail -n 30 "$tmp/rpmbuild.log"
	echo "FAIL: rpmbuild --nodeps -tb"
	exit 1
fi
rpmfile=$(find "$tmp/rpmbuild/RPMS" -name "kexec-tdx-$version-*.x86_64.rpm" ! -name '*debug*' | head -n 1)
[ -n "$rpmfile" ] || { find "$tmp/rpmbuild/RPMS"; echo "FAIL: no kexec-tdx RPM was written"; exit 1; }
ok "rpmbuild wrote ${rpmfile##*/}"
pkg_build_tests "$tmp/rpmbuild.log"   # %check

rpm -qlp "$rpmfile" >"$tmp/files" 2>/dev/null
for f in /usr/sbin/kexec-tdx /etc/kexec-tdx.conf /usr/lib/systemd/system/kexec-tdx-guard.service \
	 /usr/lib/systemd/system/kexec-tdx-report.service /usr/lib/systemd/system/kexec-tdx-metrics.service \
	 /usr/lib/systemd/system/kexec-tdx-metrics.timer /usr/lib/systemd/system-preset/90-kexec-tdx.preset \
	 /usr/share/bash-completion/completions/kexec-tdx /usr/share/kexec-tdx/kexec-tdx-status.schema.json \
	 /usr/share/kexec-tdx/kexec-tdx-report.schema.json; do
	grep -qx "$f" "$tmp/files" && ok "the RPM holds $f" || not_ok "the RPM lacks $f"
done
grep -q "^/usr/share/man/man8/kexec-tdx.8" "$tmp/files" && ok "the RPM holds kexec-tdx(8)" ||
	not_ok "the RPM lacks kexec-tdx(8)"
grep -q "^/usr/share/man/man5/kexec-tdx.conf.5" "$tmp/files" && ok "the RPM holds kexec-tdx.conf(5)" ||
	not_ok "the RPM lacks kexec-tdx.conf(5)"
grep -qE "^(/usr/sbin/kexec|/sbin/kexec|/usr/share/man/man8/kexec\.8.*)$" "$tmp/files" &&
	not_ok "the RPM holds a file of kexec-tools: $(grep -E '^(/usr/sbin/kexec|/sbin/kexec|/usr/share/man/man8/kexec\.8.*)$' "$tmp/files")" ||
	ok "the RPM leaves kexec-tools' kexec and kexec(8) alone"
rpm -qp --configfiles "$rpmfile" 2>/dev/null | grep -qx /etc/kexec-tdx.conf &&
	ok "/etc/kexec-tdx.conf is a %config file" || not_ok "/etc/kexec-tdx.conf is not a %config file"

mkdir "$tmp/x" && (cd "$tmp/x" && rpm2cpio "$rpmfile" | cpio -idm --quiet) || exit 99
v=$("$tmp/x/usr/sbin/kexec-tdx" --version 2>&1 | head -n 1)
case $v in
"kexec-tdx $version "*) ok "its kexec-tdx --version: $v" ;;
*) not_ok "its kexec-tdx --version: $v" ;;
esac
for g in "$tmp"/x/usr/libexec/kexec-tdx/kexec-tdx-guard "$tmp"/x/usr/lib/systemd/system-shutdown/kexec-tdx-guard.shutdown \
	 "$tmp"/x/usr/libexec/kexec-tdx/kexec-tdx-report "$tmp"/x/usr/libexec/kexec-tdx/kexec-tdx-metrics; do
	grep -qx 'KEXEC=${KEXEC:-/usr/sbin/kexec-tdx}' "$g" 2>/dev/null && ok "${g#"$tmp"/x} runs /usr/sbin/kexec-tdx" ||
		not_ok "${g#"$tmp"/x} does not run /usr/sbin/kexec-tdx"
done
[ "$(cat "$tmp/x/usr/lib/systemd/system-preset/90-kexec-tdx.preset")" = "enable kexec-tdx-report.service" ] &&
	ok "the preset enables kexec-tdx-report.service (the metrics timer stays off)" || not_ok "the preset"
grep -qx 'complete -F _kexec_tdx kexec-tdx' "$tmp/x/usr/share/bash-completion/completions/kexec-tdx" &&
	ok "the bash completion is for kexec-tdx" || not_ok "the bash completion is not for kexec-tdx"

echo "time: $(($(date +%s) - t0)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
