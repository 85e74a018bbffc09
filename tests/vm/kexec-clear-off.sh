#!/bin/sh
# Control for kexec-clear.sh: with --tdx=off the pattern must survive.
KT_LABEL=kexec-clear-off KT_KEXEC_ARGS=--tdx=off \
	exec "$(dirname "$0")/kexec-clear.sh"
