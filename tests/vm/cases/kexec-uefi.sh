# shellcheck shell=sh
# Stage script: round trip under OVMF; both kernels must see EFI.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
if [ -d /sys/firmware/efi ]; then efi=yes; else efi=no; fi
case $1 in
1)
	echo "KT-EFI-BOOT $efi"
	# -c: our loader passes the EFI information (kexec_file_load would do it itself)
	[ $efi = yes ] && kt_roundtrip -c
	;;
2)
	echo "KT-OK stage2"
	echo "KT-EFI $efi"
	;;
esac
