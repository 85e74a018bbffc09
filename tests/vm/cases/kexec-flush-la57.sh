# shellcheck shell=sh
# Stage script: --tdx=flush from a 4-level kernel (no5lvl, which also
# hides la57 in cpuinfo) into one without no5lvl, which switches to
# 5-level paging in its decompressor when the CPU has LA57.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
case $1 in
1)
	kt_kexec --tdx=flush -l /boot/vmlinuz --initrd=/boot/initrd.img \
		--append="$(kt_next_cmdline 2 | sed 's/ *no5lvl//')" || exit 1
	kt_kexec -e
	echo "KT-FAIL kexec -e returned"
	;;
2)
	echo "KT-OK stage2"
	if grep -qw la57 /proc/cpuinfo; then echo "KT-LA57 yes"; else echo "KT-LA57 no"; fi
	;;
esac
