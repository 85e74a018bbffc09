#!/bin/sh
# kexec-clear.sh with 4 GiB of guest RAM: the clear list reaches above 4 GiB.
KT_LABEL=kexec-clear-4g KT_MEM=4096 KT_TIMEOUT=${KT_TIMEOUT:-360} \
	exec "$(dirname "$0")/kexec-clear.sh"
