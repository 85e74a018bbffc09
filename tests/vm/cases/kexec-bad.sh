# shellcheck shell=sh
# Stage script: bad input gets one error and loads nothing; a kernel that
# was loaded before stays loaded.  Every attempt prints
# "KT-BAD <name> rc=<status> loaded=<kexec -l -S status>" and its message.
# shellcheck disable=SC1091
. /lib/kt-guest.sh

# attempt NAME ARG...: a kexec -l that must fail.
attempt() {
	name=$1
	shift
	"$KEXEC" -l "$@" >/tmp/out 2>&1
	rc=$?
	"$KEXEC" -l -S
	echo "KT-BAD $name rc=$rc loaded=$?"
	echo "KT-MSG $name $(head -n 1 /tmp/out)"
	echo "KT-LINES $name $(wc -l </tmp/out)"
}

case $1 in
1)
	head -c 100000 /boot/vmlinuz >/tmp/truncated
	dd if=/boot/vmlinuz bs=4096 count=1 2>/dev/null >/tmp/setup-only
	# nothing loaded yet
	attempt truncated /tmp/truncated
	attempt not-a-kernel /init
	attempt no-initrd /boot/vmlinuz --initrd=/nonexistent.img
	attempt no-kernel /nonexistent-vmlinuz
	attempt mem-max /boot/vmlinuz --initrd=/boot/initrd.img --mem-max=0x200000
	# a clear is asked for: -s (the kernel's purgatory) cannot do it
	attempt s-clear --tdx=clear -s /boot/vmlinuz --initrd=/boot/initrd.img
	# a good load, then the same failures must leave it loaded
	kt_kexec -l /boot/vmlinuz --initrd=/boot/initrd.img --append="$(kt_next_cmdline 2)"
	attempt truncated-after-load /tmp/truncated
	attempt no-initrd-after-load /boot/vmlinuz --initrd=/nonexistent.img
	"$KEXEC" -u
	"$KEXEC" -l -S
	echo "KT-UNLOADED loaded=$?"
	# --tdx-force is the one override: it loads, loudly
	"$KEXEC" -l --tdx=clear -s --tdx-force /boot/vmlinuz --initrd=/boot/initrd.img >/tmp/out 2>&1
	rc=$?
	"$KEXEC" -l -S
	echo "KT-FORCED rc=$rc loaded=$?"
	echo "KT-MSG forced $(head -n 1 /tmp/out)"
	"$KEXEC" -u
	echo "KT-OK bad"
	;;
esac
