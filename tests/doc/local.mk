# The man page and the bash completion in step with `kexec --help`.
TESTS += tests/doc/check-help.sh
EXTRA_DIST += tests/doc/check-help.sh
