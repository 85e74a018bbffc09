# The command lines of kdump-tools and kdumpctl, run against our kexec.
TESTS += tests/kdump/check-invocations.sh
EXTRA_DIST += tests/kdump/check-invocations.sh tests/kdump/kt-kdump-helper.c
