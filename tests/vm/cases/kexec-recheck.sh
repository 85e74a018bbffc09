# shellcheck shell=sh
# Stage script: kexec -e checks the decision again.  A sysroot mirrors this
# VM (cpuinfo, iomem, the firmware memory map, boot id; sys/kernel is the
# real one, so kexec_loaded is real) and first shows no TDX; then the
# evidence of an initialized TDX module on a tdx_pw_mce CPU is added.  An
# image loaded before (action none), or by kexec-tools (no record), must be
# refused by -e and stay loaded; loaded again, it boots with a clear.
# Before that, the crash kernel (crashkernel=64M) is shrunk between -l and
# -e: the memory it gives back is not in the loaded clear list, so -e
# refuses and says "reload" (the record's plan digest).
# shellcheck disable=SC1091
. /lib/kt-guest.sh
SR=/tmp/sr
REC=$SR/run/kexec-tdx/loaded.json
TOOLS=/usr/sbin/kexec-tools

mirror() {
	mkdir -p $SR/proc/sys/kernel/random $SR/dev $SR/sys/firmware/memmap $SR/sys/fs/cgroup
	cp /proc/cpuinfo /proc/iomem /proc/cmdline $SR/proc/
	cp /proc/sys/kernel/random/boot_id $SR/proc/sys/kernel/random/
	for d in /sys/firmware/memmap/*; do
		mkdir -p "$SR/sys/firmware/memmap/${d##*/}"
		for f in start end type; do cat "$d/$f" >"$SR/sys/firmware/memmap/${d##*/}/$f"; done
	done
	ln -s /sys/kernel $SR/sys/kernel
	: >$SR/dev/kmsg
}

# The module came up on an erratum CPU, no TDs running.
evidence() {
	if grep -q '^bugs' /proc/cpuinfo; then
		awk '/^flags[ \t]*:/ { print $0 " tdx_host_platform"; next }
		     /^bugs[ \t]*:/ { print $0 " tdx_pw_mce"; next } { print }' /proc/cpuinfo
	else
		awk '/^flags[ \t]*:/ { print $0 " tdx_host_platform"; print "bugs\t\t: tdx_pw_mce"; next }
		     { print }' /proc/cpuinfo
	fi >$SR/proc/cpuinfo
	echo '6,1,1,-;virt/tdx: module initialized' >$SR/dev/kmsg
	echo 'tdx 0' >$SR/sys/fs/cgroup/misc.current
}

# field KEY: a string or number of the record
field() { sed -n "s/^ *\"$1\": \"*\([^\",]*\)\"*,*\$/\1/p" "$REC" | head -n 1; }
record_line() {
	if [ -f "$REC" ]; then
		boot=bad
		[ "$(field boot_id)" = "$(cat /proc/sys/kernel/random/boot_id)" ] && boot=ok
		echo "KT-RECORD $1 action=$(field action) decision=$(field decision) boot=$boot"
	else
		echo "KT-RECORD $1 none"
	fi
}
decision() { "$KEXEC" --sysroot=$SR --tdx-status --json 2>/dev/null | sed -n 's/^  "decision": "\(.*\)",*$/\1/p'; }
load() { "$KEXEC" --sysroot=$SR -l /boot/vmlinuz --initrd=/boot/initrd.img --append="$(kt_next_cmdline 2)"; }

# try_exec NAME ARG...: kexec -e must refuse: its status, the load state, its message.
try_exec() {
	name=$1
	shift
	"$KEXEC" --sysroot=$SR "$@" -e >/tmp/out 2>&1
	rc=$?
	"$KEXEC" -S -l
	echo "KT-EXEC $name rc=$rc loaded=$?"
	sed "s/^/KT-SAYS $name /" /tmp/out
}

case $1 in
1)
	mirror
	echo "KT-DECISION before $(decision)"
	load
	echo "KT-LOAD before rc=$?"
	record_line before
	evidence
	echo "KT-DECISION evidence $(decision)"
	"$KEXEC" --sysroot=$SR --tdx-status --json 2>/dev/null |
		sed -n 's/^ *"exec_verdict": "\(.*\)",*$/KT-STATUS weak \1/p'
	try_exec weak
	try_exec weak-flush --tdx=flush

	"$KEXEC" --sysroot=$SR -u
	rc=$?
	"$KEXEC" -S -l
	echo "KT-UNLOAD rc=$rc loaded=$? record=$([ -e "$REC" ] && echo left || echo gone)"

	if [ -x $TOOLS ]; then
		$TOOLS -l /boot/vmlinuz --initrd=/boot/initrd.img --append="$(kt_next_cmdline 2)"
		rc=$?
		"$KEXEC" -S -l
		echo "KT-FOREIGN-LOAD rc=$rc loaded=$?"
		"$KEXEC" --sysroot=$SR --tdx-status --json 2>/dev/null |
			sed -n 's/^ *"exec_verdict": "\(.*\)",*$/KT-STATUS foreign \1/p'
		try_exec foreign
	else
		echo "KT-FOREIGN none"
	fi

	load
	echo "KT-LOAD evidence rc=$?"
	record_line evidence
	# shrink the crash kernel: the sysroot's iomem follows the kernel's
	size=/sys/kernel/kexec/crash_size
	[ -e $size ] || size=/sys/kernel/kexec_crash_size
	echo "KT-CRASH-SIZE before $(cat $size)"
	echo $((32 << 20)) >$size
	echo "KT-CRASH-SIZE after $(cat $size)"
	cp /proc/iomem $SR/proc/iomem
	try_exec shrunk
	load
	echo "KT-LOAD reload rc=$?"
	# the system-log lines so far (under --sysroot they go to this file)
	sed 's/^/KT-SYSLOG /' $SR/run/kexec-tdx/syslog
	"$KEXEC" --sysroot=$SR -e
	echo "KT-FAIL kexec -e returned $?"
	;;
2)
	echo "KT-OK stage2"
	"$KEXEC" --tdx-report --json
	echo "KT-TDX-REPORT rc=$?"
	;;
esac
