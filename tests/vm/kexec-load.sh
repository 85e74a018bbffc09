#!/bin/sh
# Boot, kexec_load the same kernel and initramfs, check the second boot.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-load
kt_roundtrip_test
kt_finish
