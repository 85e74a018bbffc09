#!/bin/sh
# Under lockdown=integrity: --tdx-status reports it; a load that needs a
# clear is refused before any system call, naming lockdown; an explicit
# -c gets the kernel's EPERM explained; a plain load goes to
# kexec_file_load by itself (which then loads, or fails on the kernel's
# signature check: either way with one message, nothing half-loaded).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-lockdown
KT_APPEND=lockdown=integrity
kt_initramfs
kt_run_vm
tr -d '\r' <"$KT_LOG" | grep -E '^KT-(LOCKDOWN|TRY|SAYS|STATUS)'
expect_marker "KT-OK lockdown"
tr -d '\r' <"$KT_LOG" | grep -q '^KT-LOCKDOWN .*\[integrity\]' ||
	kt_skip "this kernel has no lockdown LSM (lockdown=integrity had no effect)"
expect_marker "KT-STATUS-LOCKDOWN integrity"
expect_marker "KT-TRY clear rc=1 loaded=0"
expect_line_re "KT-SAYS clear kexec: kernel lockdown \(integrity\) forbids kexec_load, and only this tool's purgatory, loaded with kexec_load, can clear TDX private memory \(--tdx=clear\)\. .*"
expect_line_re "KT-TRY explicit-c rc=(1|255) loaded=0"
expect_line_re "KT-SAYS explicit-c kexec: kexec_load: operation not permitted \(need CAP_SYS_BOOT; under kernel lockdown kexec_load is forbidden, .*"
expect_line_re "KT-TRY default rc=[0-9]+ loaded=[01]"
expect_marker "KT-SAYS default kernel lockdown (integrity) forbids kexec_load: loading with kexec_file_load"
# without a trusted signature (no Secure Boot here) the kernel says EPERM
tr -d '\r' <"$KT_LOG" | grep -q '^KT-TRY default rc=0' ||
	expect_marker "KT-SAYS default kexec: kexec_file_load: operation not permitted (need CAP_SYS_BOOT; under kernel lockdown the kernel image must carry a signature the running kernel trusts)"
# loaded exactly when it succeeded
tr -d '\r' <"$KT_LOG" | grep -qE '^KT-TRY default rc=(0 loaded=1|[1-9][0-9]* loaded=0)$' ||
	kt_fail "the default load's status and the loaded state disagree"
kt_finish
