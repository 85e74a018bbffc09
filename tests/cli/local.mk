# The command line against kexec-tools 2.0.32, built from its release by
# tests/cli/build-kexec-tools.sh into a cache under $TMPDIR (`make
# kexec-tools-peer`, a minute or less; CI runs it before make check).
# make check compares when that binary is there, and skips saying so when
# it is not.
TESTS += tests/cli/compare-kexec-tools.sh
EXTRA_DIST += tests/cli/compare-kexec-tools.sh tests/cli/build-kexec-tools.sh

.PHONY: kexec-tools-peer
kexec-tools-peer:
	sh $(srcdir)/tests/cli/build-kexec-tools.sh
