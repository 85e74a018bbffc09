#!/bin/sh
# Control for kexec-clear.sh: with --tdx=off at least half of the RAM blocks
# and both carve-outs (reserved, legacy pmem) must survive.
KT_LABEL=kexec-clear-off KT_KEXEC_ARGS=--tdx=off \
	exec "$(dirname "$0")/kexec-clear.sh"
