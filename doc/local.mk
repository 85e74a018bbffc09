# Documentation: the man page, the bash completion, and the test that keeps
# both in step with `kexec --help` (kexec/options.c).  Included by
# Makefile.am.
dist_man_MANS = doc/kexec.8 doc/kexec-tdx.8 doc/kexec-tdx.conf.5
# The configuration file's template: the packages install it as
# /etc/kexec-tdx.conf (debian/kexec-tdx.install, kexec-tdx.spec).
EXTRA_DIST += doc/kexec-tdx.conf
# Notes for maintainers.
EXTRA_DIST += doc/purgatory.md

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completion/kexec

TESTS += tests/doc/check-help.sh
EXTRA_DIST += tests/doc/check-help.sh
