# shellcheck shell=sh
# Stage script: load the tiny ELF, which prints KT-ELF-OK and exits QEMU.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
# shellcheck disable=SC2086
[ "$1" = 1 ] && kt_kexec $KT_KEXEC_ARGS -l /boot/tiny.elf && kt_kexec -e
echo "KT-FAIL the ELF did not run"
