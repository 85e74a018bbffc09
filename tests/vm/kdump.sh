#!/bin/sh
# kdump end to end: boot with crashkernel=, load a crash kernel, panic with
# sysrq, and check /proc/vmcore in the crash kernel (cases/kdump.sh).
# Two VMs, one after the other: kt.kdump=load (kexec_load: our ELF core
# header, e820 and command line; also the kdump-tools and kdumpctl command
# lines) and kt.kdump=file (-s: the kernel's own, for comparison).
# (kt.kdump=load passes -c: without it -p now goes kexec_file_load first.)
# KT_KDUMP_VARIANTS="load" runs one; KT_CRASHKERNEL sets the reservation;
# KT_MAKEDUMPFILE=0 leaves the host's makedumpfile out.
# shellcheck disable=SC1091
. "$(dirname "$0")/lib.sh"
kt_setup kdump

KT_TIMEOUT=${KT_TIMEOUT:-300}
command -v gcc >/dev/null || kt_skip "gcc not installed (builds the static vmcore checker)"
helper_src=${abs_top_srcdir:-$KT_SRCDIR/../..}/tests/kdump/kt-kdump-helper.c
gcc -static -O2 -o "$KT_TMP/kt-kdump-helper" "$helper_src" 2>"$KT_TMP/gcc.log" ||
	kt_skip "cannot build a static program: $(head -n 3 "$KT_TMP/gcc.log")"
mdf=$(command -v makedumpfile || true)
if [ "${KT_MAKEDUMPFILE:-1}" = 0 ]; then
	mdf=
	echo "kt: KT_MAKEDUMPFILE=0: the makedumpfile check is skipped"
elif [ -n "$mdf" ]; then
	KT_EXTRA_BINS="${KT_EXTRA_BINS:-} $mdf=usr/bin/makedumpfile"
else
	echo "kt: makedumpfile not installed (apt-get install makedumpfile): that check is skipped"
fi
kt_initramfs "$KT_TMP/kt-kdump-helper=usr/bin/kt-kdump-helper"

for variant in ${KT_KDUMP_VARIANTS:-load file}; do
	echo "kt: ---- kt.kdump=$variant ----"
	KT_APPEND="crashkernel=${KT_CRASHKERNEL:-256M} kt.kdump=$variant"
	[ "$variant" = load ] && KT_APPEND="$KT_APPEND kt.invocations=1"
	kt_run_vm
	cp "$KT_LOG" "$KT_TMP/serial-$variant.log"
	expect_line_re "KT-CRASH-REGION .*Crash kernel.*"
	if [ "$variant" = load ]; then
		for inv in debian-load fedora-load fedora-old-load; do
			expect_marker "KT-INVOKE $inv rc=0 loaded=1 status=1"
		done
		for inv in debian-unload secureboot-unload empty-unload fedora-old-unload; do
			expect_marker "KT-INVOKE $inv rc=0 loaded=0 status=0"
		done
	fi
	expect_line_re "KT-PATTERN KTKD-[0-9a-f]{11} at 0x[0-9a-f]+, dump must cover 0x[0-9a-f]+,0x[0-9a-f]+ bytes"
	expect_marker "KT-RC 0"
	expect_marker "KT-LOADED 1"
	expect_marker "KT-STATUS rc=1"
	expect_line_re "KT-STAGE 2 test=kdump cmdline=.*elfcorehdr=.*"
	expect_marker "KT-VMCORE present"
	expect_marker "KT-KDUMP: vmcoreinfo note ok"
	if kt_has_tdx; then
		# ours: crashkernel= dropped, the low 1 MiB left out like the kernel does
		expect_marker "KT-CMDLINE crashkernel absent"
		expect_line_re "KT-KDUMP: ram ok: 0x[0-9a-f]+ bytes in [0-9]+ PT_LOADs, without the low 1 MiB"
	else
		expect_line_re "KT-KDUMP: ram ok: 0x[0-9a-f]+ bytes in [0-9]+ PT_LOADs, with(out)? the low 1 MiB"
	fi
	expect_line_re "KT-KDUMP: pattern ok at 0x[0-9a-f]+"
	expect_marker "KT-CHECK rc=0"
	[ -n "$mdf" ] && expect_line_re "KT-MAKEDUMPFILE rc=0 size=[0-9]+ .*"
	expect_line_re "KT-KDUMP-DONE at .*"
	tr -d '\r' <"$KT_LOG" | sed -n 's/^KT-LOAD-TIME \([0-9.]*\) \([0-9.]*\)$/kt: load took \1 -> \2 s of guest uptime/p'
	[ "$KT_FAILED" = 0 ] || break
done
kt_finish
