#!/bin/sh
# Like kexec-load.sh with -s (kexec_file_load).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-file
kt_roundtrip_test
kt_finish
