#!/bin/sh
# The default system call (issue 20 item 2), proven with strace in the VM
# (cases/kexec-default.sh): a plain `kexec -l` makes kexec_file_load and no
# kexec_load, `-u` unloads with kexec_file_load, `--tdx=clear -l` makes
# kexec_load and no kexec_file_load, and the second kernel boots through
# our purgatory's clear.  --tdx-status says kexec_file_load.  Booted with
# kho=on, the clear's load warns that KHO state is lost (issue 20 item 3).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-default
kt_has_tdx || kt_skip "$KEXEC_BIN knows no --tdx"
KT_STRACE=${KT_STRACE:-$(command -v strace)}
[ -x "${KT_STRACE:-}" ] || kt_skip "strace not installed (tools/install-deps.sh installs it)"
KT_EXTRA_BINS="${KT_EXTRA_BINS:-} $KT_STRACE=usr/bin/strace"
KT_TIMEOUT=${KT_TIMEOUT:-300}
# kho=on: Debian's kernels have no CONFIG_KEXEC_HANDOVER (the parameter goes
# to init), but the command line is what kexec reads first (kexec/kho.c)
KT_APPEND="${KT_APPEND:+$KT_APPEND }kho=on"
kt_initramfs
kt_run_vm
expect_marker "KT-STATUS-SYSCALL kexec_file_load"
expect_marker "KT-RC plain 0"
expect_marker "KT-SYSCALL plain kexec_file_load = 0"
refute_line_re "KT-SYSCALL plain kexec_load .*"
expect_marker "KT-RC unload 0"
expect_marker "KT-SYSCALL unload kexec_file_load = 0"
refute_line_re "KT-SYSCALL unload kexec_load .*"
refute_line_re "KT-SAYS plain .*"
expect_marker "KT-RC clear 0"
expect_marker "KT-SAYS clear kexec: warning: KHO / live update is on (kho=on), but this load uses kexec_load (only this tool's purgatory clears TDX private memory), which does not pass on what KHO hands over: preserved memfds and systemd's fd stores are LOST in the new kernel. Ways out: none that also clears; save that state another way first, or do a cold reboot (it loses the state too)."
expect_marker "KT-SYSCALL clear kexec_load = 0"
refute_line_re "KT-SYSCALL clear kexec_file_load .*"
expect_marker "KT-OK stage2"
expect_marker "KT-REPORT-ACTION clear"
tr -d '\r' <"$KT_LOG" | grep -E '^KT-(SYSCALL|STATUS|REPORT)'
kt_finish
