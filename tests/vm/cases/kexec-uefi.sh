# shellcheck shell=sh
# Stage script: round trip under OVMF; both kernels must see EFI.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
if [ -d /sys/firmware/efi ]; then efi=yes; else efi=no; fi
case $1 in
1)
	echo "KT-EFI-BOOT $efi"
	[ $efi = yes ] && kt_roundtrip
	;;
2)
	echo "KT-OK stage2"
	echo "KT-EFI $efi"
	;;
esac
