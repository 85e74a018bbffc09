#!/bin/sh
# /init of the test initramfs (busybox sh).  Reads kt.test=NAME and
# kt.stage=N from the kernel command line, runs /cases/NAME.sh N, powers off.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# Keep kernel messages from splitting the marker lines.
echo "1 4 1 7" >/proc/sys/kernel/printk
# shellcheck disable=SC1091
. /lib/kt-guest.sh
echo "KT-STAGE $KT_STAGE test=$KT_TEST cmdline=$(cat /proc/cmdline)"
if [ "$KT_TEST" = shell ]; then
	setsid cttyhack sh
elif [ -f "/cases/$KT_TEST.sh" ]; then
	sh "/cases/$KT_TEST.sh" "$KT_STAGE"
	echo "KT-CASE-EXIT stage=$KT_STAGE rc=$?"
else
	echo "KT-FAIL no case /cases/$KT_TEST.sh"
fi
sync
poweroff -f
