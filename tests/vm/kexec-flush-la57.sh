#!/bin/sh
# The purgatory's own page tables (--tdx=flush) under a paging-mode change:
# the first kernel runs 4-level (no5lvl), the second, without no5lvl on a
# CPU with LA57, switches to 5-level in its decompressor through a
# trampoline in low RAM (the BIOS data area says where), before it has
# page tables of its own.  The purgatory's tables must map that RAM below
# 1 MiB, or the second kernel triple-faults before its first message.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-flush-la57
kt_has_tdx || kt_skip "$KEXEC_BIN knows no --tdx"
KT_APPEND=no5lvl
kt_roundtrip_test
# the second kernel shows la57 only when the CPU has it: then it switched
[ "$KT_FAILED" = 0 ] && ! kt_has_line "KT-LA57 yes" &&
	kt_skip "the guest CPU has no LA57: no paging-mode change was tested"
kt_finish
