# Packaging: the Debian package (debian/), the RPM spec (kexec-tdx.spec),
# and the tests that build and install them (tests/pkg/README.md).
# Included by Makefile.am.
EXTRA_DIST += kexec-tdx.spec \
	debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/kexec-tdx.install debian/kexec-tdx.links \
	debian/kexec-tdx.preinst debian/kexec-tdx.postrm \
	debian/kexec-tdx.lintian-overrides \
	tests/pkg/README.md tests/pkg/lib.sh tests/pkg/deb.sh tests/pkg/deb-boot.sh tests/pkg/rpm.sh \
	tests/pkg/conffile.sh tests/pkg/trixie.sh

TESTS += tests/pkg/conffile.sh tests/pkg/deb.sh tests/pkg/deb-boot.sh tests/pkg/rpm.sh tests/pkg/trixie.sh
# deb-boot.sh boots the package and the root that deb.sh leaves here, so
# its log waits for deb.sh's (a variable as the target: a dependency added
# to the rule automake writes, not a second rule)
pkg_deb_boot_log = tests/pkg/deb-boot.sh.log
$(pkg_deb_boot_log): tests/pkg/deb.sh.log
CLEANFILES += tests/pkg/kexec-tdx_*_amd64.deb tests/pkg/deb-root
