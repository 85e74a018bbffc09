#!/bin/sh
# Round trip under OVMF: the second kernel must still see /sys/firmware/efi.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-uefi
KT_OVMF=${KT_OVMF:-/usr/share/ovmf/OVMF.fd}
[ -r "$KT_OVMF" ] || kt_skip "no OVMF firmware at $KT_OVMF (package ovmf)"
kt_roundtrip_test -bios "$KT_OVMF"
expect_marker "KT-EFI-BOOT yes"
expect_marker "KT-EFI yes"
kt_finish
