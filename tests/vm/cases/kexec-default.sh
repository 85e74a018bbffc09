# shellcheck shell=sh
# Stage script of kexec-default.sh: which system call each load makes,
# seen by strace.  A plain -l (no -s/-c, no TDX action here): kexec_file_load,
# as kexec-tools >= 2.0.27; -u: kexec_file_load; --tdx=clear: kexec_load
# with our purgatory, which the -e then runs.  Each traced call is printed
# as "KT-SYSCALL <step> <call> = <result>", each line kexec printed as
# "KT-SAYS <step> <line>".  The VM boots with kho=on: the clear's load says
# that KHO state is lost with kexec_load, the plain one says nothing.
# shellcheck disable=SC1091
. /lib/kt-guest.sh

# traced STEP ARG...: the kexec under strace; its calls on the console.
traced() {
	step=$1
	shift
	echo "KT-RUN kexec $*"
	strace -f -qq -e trace=kexec_load,kexec_file_load -o /tmp/strace "$KEXEC" "$@" 2>/tmp/err
	echo "KT-RC $step $?"
	sed "s/^/KT-SAYS $step /" /tmp/err
	sed -n "s/^[0-9]* *\(kexec_[a-z_]*\)(.*) *= *\([-0-9]*\).*/KT-SYSCALL $step \1 = \2/p" /tmp/strace
}

case $1 in
1)
	command -v strace >/dev/null || { echo "KT-FAIL no strace in the initramfs"; exit 1; }
	"$KEXEC" --tdx-status --json | sed -n 's/^ *"syscall": *"\([a-z_]*\)".*/KT-STATUS-SYSCALL \1/p'
	traced plain -l /boot/vmlinuz --initrd=/boot/initrd.img --append="$(kt_next_cmdline 2)"
	traced unload -u
	traced clear --tdx=clear -l /boot/vmlinuz --initrd=/boot/initrd.img \
		--append="$(kt_next_cmdline 2)"
	kt_kexec -e
	echo "KT-FAIL kexec -e returned"
	;;
2)
	echo "KT-OK stage2"
	"$KEXEC" --tdx-report | sed -n 's/^ *action: *\([a-z]*\).*/KT-REPORT-ACTION \1/p'
	;;
esac
