# shellcheck shell=sh
# Stage script: plain kexec_load round trip (-c: the default is kexec_file_load
# where our purgatory is not needed; kexec-default.sh tests that).
# shellcheck disable=SC1091
. /lib/kt-guest.sh
case $1 in
1) kt_roundtrip -c ;;
2) echo "KT-OK stage2" ;;
esac
