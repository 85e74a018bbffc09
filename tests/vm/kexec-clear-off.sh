#!/bin/sh
# Control for kexec-clear.sh: with --tdx=off at least half of the RAM blocks
# and both carve-outs (reserved, legacy pmem) must survive.  -c: the same
# loader as the clear (the default would be kexec_file_load here).
KT_LABEL=kexec-clear-off KT_KEXEC_ARGS="--tdx=off -c" \
	exec "$(dirname "$0")/kexec-clear.sh"
