#!/bin/sh
# kexec-clear.sh with --tdx=flush: WBINVD only; RAM blocks and both carve-outs
# survive as with --tdx=off, the report says wbinvd and 0 bytes.
KT_LABEL=kexec-clear-flush KT_KEXEC_ARGS=--tdx=flush \
	exec "$(dirname "$0")/kexec-clear.sh"
