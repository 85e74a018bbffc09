# The man page and the bash completion in step with `kexec --help`; the
# pages render without warnings, kexec-tdx(8) lists every metric; README.md
# opens for operators.
TESTS += tests/doc/check-help.sh tests/doc/check-man.sh tests/doc/check-readme.sh
EXTRA_DIST += tests/doc/check-help.sh tests/doc/check-man.sh tests/doc/check-readme.sh
