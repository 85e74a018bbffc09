# kdump: the notes on the crash-kernel path (kexec/crashdump.c builds in
# kexec/local.mk, its tests in tests/unit, tests/kdump and tests/vm).
EXTRA_DIST += kdump/README.md
