# shellcheck shell=sh
# Stage script for tests/bench/bench-load-vm.sh: time `kexec -c -l` of the
# same kernel and initramfs with the kexec under test and with Debian's
# kexec-tools (/sbin/kexec-tools), then print both -d segment layouts.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
KT_TOOLS=/sbin/kexec-tools
N=10

# centiseconds since boot
now() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }

# timed NAME ARG...: N loads and unloads, the total in centiseconds.
timed() {
	name=$1
	shift
	t0=$(now)
	i=0
	while [ $i -lt $N ]; do
		"$@" -c -l /boot/vmlinuz --initrd=/boot/initrd.img --append="$(kt_next_cmdline 2)" \
			>/dev/null 2>&1 || { echo "KT-FAIL $name load failed"; return 1; }
		"$@" -u >/dev/null 2>&1
		i=$((i + 1))
	done
	echo "KT-TIME $name $N $(($(now) - t0))"
}

case $1 in
1)
	echo "KT-SIZE kernel $(wc -c </boot/vmlinuz) initrd $(wc -c </boot/initrd.img)"
	cat /boot/vmlinuz /boot/initrd.img >/dev/null          # warm the page cache
	for round in 1 2; do
		timed kexec-tools "$KT_TOOLS"
		timed ours-off "$KEXEC" --tdx=off
		timed ours-clear "$KEXEC" --tdx=clear
	done
	echo "KT-LAYOUT kexec-tools"
	"$KT_TOOLS" -d -c -l /boot/vmlinuz --initrd=/boot/initrd.img \
		--append="$(kt_next_cmdline 2)" 2>&1 | grep -E '^(segment|nr_segments|kernel:|initrd|bzImage)'
	"$KT_TOOLS" -u
	echo "KT-LAYOUT ours"
	"$KEXEC" -d --tdx=clear -c -l /boot/vmlinuz --initrd=/boot/initrd.img \
		--append="$(kt_next_cmdline 2)" 2>&1
	"$KEXEC" -u
	echo "KT-OK compare"
	;;
esac
