# shellcheck shell=sh
# Stage script: plain kexec_load round trip.
# shellcheck disable=SC1091
. /lib/kt-guest.sh
case $1 in
1) kt_roundtrip ;;
2) echo "KT-OK stage2" ;;
esac
