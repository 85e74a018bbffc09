#!/bin/sh
# kexec-clear.sh with --tdx=flush: WBINVD only, the pattern must survive.
KT_LABEL=kexec-clear-flush KT_KEXEC_ARGS=--tdx=flush \
	exec "$(dirname "$0")/kexec-clear.sh"
