# shellcheck shell=sh
# Stage script: kexec_file_load (-s) round trip.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
case $1 in
1) kt_roundtrip -s ;;
2) echo "KT-OK stage2" ;;
esac
