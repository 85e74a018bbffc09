# shellcheck shell=sh
# Stage script: a kernel booted with lockdown=integrity forbids kexec_load.
# Prints what --tdx-status sees and how each kind of load is answered.
# shellcheck disable=SC1091
. /lib/kt-guest.sh

# try NAME ARG...: one kexec -l; its status, the load state, its messages.
try() {
	name=$1
	shift
	"$KEXEC" -l "$@" /boot/vmlinuz --initrd=/boot/initrd.img >/tmp/out 2>&1
	rc=$?
	"$KEXEC" -l -S
	echo "KT-TRY $name rc=$rc loaded=$?"
	sed "s/^/KT-SAYS $name /" /tmp/out
	"$KEXEC" -u 2>/dev/null
}

case $1 in
1)
	# where systemd would have mounted it
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	echo "KT-LOCKDOWN $(cat /sys/kernel/security/lockdown 2>/dev/null || echo unreadable)"
	"$KEXEC" --tdx-status | sed -n 's/^ *lockdown: *\(.*\)/KT-STATUS-LOCKDOWN \1/p'
	try clear --tdx=clear
	try explicit-c -c
	try default
	echo "KT-OK lockdown"
	;;
esac
