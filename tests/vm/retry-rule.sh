#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The one retry the VM tests allow (lib.sh, kt_old_kernel_oops), on serial
# logs written here (no VM): an int3 trap in sched_clock_cpu printed by the
# old kernel before the jump is retried; the same trap after the second
# kernel's banner, after a stage-2 line or a purgatory line, another oops
# in the old kernel, and kdump's own sysrq crash are not.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
KT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ktvm-retry.XXXXXX") || kt_error "mktemp"
trap 'rm -rf "$KT_TMP"' EXIT
KT_LOG=$KT_TMP/serial.log

banner='[    0.000000] Linux version 7.3.4+deb13-amd64 (debian-kernel@lists.debian.org) #1 SMP'
trap3='[   21.107342] Oops: int3: 0000 [#1] SMP NOPTI'
cpu='[   21.107350] CPU: 3 UID: 0 PID: 0 Comm: swapper/3 Not tainted 7.3.4+deb13-amd64 #1'
rip='[   21.107359] RIP: 0010:sched_clock_cpu+0x1d/0x1f0'
other='[   21.107359] RIP: 0010:native_write_msr+0x4/0x30'
stage1='KT-STAGE 1 test=kexec-smp cmdline=console=ttyS0 kt.stage=1'
stage2='KT-STAGE 2 test=kexec-smp cmdline=console=ttyS0 kt.stage=2'
run='KT-RUN kexec -e'

# case NAME WANT LINE...: the log of LINEs, and whether it is retried (1) or not (0)
case_() {
	kt_name=$1 kt_want=$2
	shift 2
	printf '%s\r\n' "$@" >"$KT_LOG"
	if kt_old_kernel_oops; then kt_got=1; else kt_got=0; fi
	if [ "$kt_got" = "$kt_want" ]; then
		echo "ok: $kt_name: retry=$kt_got${KT_OOPS:+ ($KT_OOPS)}"
	else
		kt_fail "$kt_name: retry=$kt_got, expected $kt_want"
	fi
}

case_ "int3 in sched_clock_cpu, old kernel, before the jump" 1 \
	"$banner" "$stage1" "$run" "$trap3" "$cpu" "$rip"
case_ "the same trap in the new kernel (second banner)" 0 \
	"$banner" "$stage1" "$run" "$banner" "$trap3" "$cpu" "$rip"
case_ "the same trap after stage 2 began" 0 \
	"$banner" "$stage1" "$run" "$stage2" "$trap3" "$cpu" "$rip"
case_ "the same trap after a purgatory line" 0 \
	"$banner" "$stage1" "$run" "kexec-tdx purgatory: clear method nt-store" "$trap3" "$cpu" "$rip"
case_ "an int3 trap elsewhere in the old kernel" 0 \
	"$banner" "$stage1" "$run" "$trap3" "$cpu" "$other"
case_ "kdump's sysrq crash" 0 \
	"$banner" "$stage1" "KT-CRASHING at 9.1" "[    9.2] sysrq: Trigger a crash" \
	"[    9.2] Kernel panic - not syncing: sysrq triggered crash" "$banner" \
	"KT-STAGE 2 test=kdump cmdline=elfcorehdr=0x1000"
case_ "a clean round trip" 0 "$banner" "$stage1" "$run" "$banner" "$stage2" "KT-OK stage2"
[ "$KT_FAILED" = 0 ] || exit 1
echo "PASS: retry-rule"
