# shellcheck shell=sh
# Helpers for the stage scripts, sourced inside the VM (busybox sh).
KEXEC=/sbin/kexec
KT_KEXEC_ARGS=$(cat /etc/kt-kexec-args 2>/dev/null)
set -f
# shellcheck disable=SC2013
for kt_w in $(cat /proc/cmdline); do
	case $kt_w in
	kt.test=*) KT_TEST=${kt_w#kt.test=} ;;
	kt.stage=*) KT_STAGE=${kt_w#kt.stage=} ;;
	esac
done
set +f
export KEXEC KT_KEXEC_ARGS KT_TEST KT_STAGE

# kt_next_cmdline N: this kernel's command line with kt.stage=N.
kt_next_cmdline() {
	kt_out=
	set -f
	# shellcheck disable=SC2013
	for kt_w in $(cat /proc/cmdline); do
		case $kt_w in
		kt.stage=* | initrd=* | BOOT_IMAGE=*) ;;
		*) kt_out="$kt_out $kt_w" ;;
		esac
	done
	set +f
	echo "${kt_out# } kt.stage=$1"
}

# kt_kexec ARG...: run the kexec under test, log the command and its status.
kt_kexec() {
	echo "KT-RUN kexec $*"
	"$KEXEC" "$@"
	kt_rc=$?
	echo "KT-RC $kt_rc"
	return $kt_rc
}

# kt_roundtrip [ARG]...: load this kernel and initramfs again for stage 2
# (with $KT_KEXEC_ARGS and ARG...) and execute it.  Returns only on failure.
kt_roundtrip() {
	# shellcheck disable=SC2086
	kt_kexec $KT_KEXEC_ARGS "$@" -l /boot/vmlinuz --initrd=/boot/initrd.img \
		--append="$(kt_next_cmdline 2)" || return 1
	kt_kexec -e
	echo "KT-FAIL kexec -e returned"
	return 1
}
