# shellcheck shell=sh
# Stage script: kdump.  Stage 1 (booted with crashkernel=) runs the load and
# unload command lines of kdump-tools and kdumpctl, leaves a known page in
# RAM, loads the crash kernel (kt.kdump=load: kexec_load, our ELF core
# header; kt.kdump=file: -s, the kernel's) and panics through sysrq.  Stage 2
# is the crash kernel: it checks /proc/vmcore against what stage 1 knew and
# runs makedumpfile when the initramfs has it.
# shellcheck disable=SC1091
. /lib/kt-guest.sh

param() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
up() { cut -d' ' -f1 /proc/uptime; }
loaded() { cat /sys/kernel/kexec_crash_loaded; }
status() { "$KEXEC" -S >/dev/null 2>&1; echo $?; }
HELPER=/usr/bin/kt-kdump-helper

# invoke NAME ARG...: one command line as a dump tool runs it, then what
# /sys/kernel/kexec_crash_loaded and `kexec -S` say.
invoke() {
	kt_name=$1
	shift
	kt_kexec "$@"
	# shellcheck disable=SC2154 # kt_rc: set by kt_kexec
	echo "KT-INVOKE $kt_name rc=$kt_rc loaded=$(loaded) status=$(status)"
}

# The crash kernel's command line without crashkernel= (what kdump-config's
# sed and kdumpctl's prepare_cmdline do) and without our own stage markers.
stripped() {
	set -f
	kt_out=
	# shellcheck disable=SC2013
	for kt_w in $(kt_next_cmdline 2); do
		case $kt_w in
		crashkernel=*) ;;
		*) kt_out="$kt_out $kt_w" ;;
		esac
	done
	set +f
	echo "${kt_out# }"
}

stage1() {
	variant=$(param kt.kdump)
	if ! grep -q 'Crash kernel' /proc/iomem; then
		echo "KT-FAIL no \"Crash kernel\" in /proc/iomem: $(grep -o 'crashkernel=[^ ]*' /proc/cmdline)"
		return 1
	fi
	echo "KT-CRASH-REGION $(grep 'Crash kernel' /proc/iomem | tr -s ' ' | tr '\n' ' ')size=$(cat /sys/kernel/kexec_crash_size)"

	if [ "$(param kt.invocations)" = 1 ]; then
		# Debian kdump-tools (kdump-config load / unload), KDUMP_CMDLINE_APPEND default
		invoke debian-load -p \
			--command-line="$(stripped) reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb" \
			--initrd=/boot/initrd.img /boot/vmlinuz
		invoke debian-unload -p -u
		# Fedora/RHEL kdumpctl: KEXEC_ARGS="-s" on x86_64, standard_kexec_args="-p"
		invoke fedora-load -s -p \
			--command-line="$(stripped) irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0 pcie_ports=compat" \
			--initrd=/boot/initrd.img /boot/vmlinuz
		# kdumpctl stop / kdump-config unload under Secure Boot
		invoke secureboot-unload -s -p -u
		invoke empty-unload -p -u
		# older kdumpctl: standard_kexec_args="-d -p", no -s
		invoke fedora-old-load -d -p --command-line="$(stripped) irqpoll nr_cpus=1 reset_devices" \
			--initrd=/boot/initrd.img /boot/vmlinuz
		invoke fedora-old-unload -p -u
	fi

	token=$(printf 'KTKD-%011x' $(($(date +%s) * 1000 + $$)))
	$HELPER pattern "$token" /tmp/paddr &
	i=0
	while [ ! -s /tmp/paddr ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	paddr=$(cat /tmp/paddr 2>/dev/null)
	ram=$($HELPER expect)
	if [ -z "$paddr" ] || [ -z "$ram" ]; then
		echo "KT-FAIL helper: paddr '$paddr' ram '$ram'"
		return 1
	fi
	echo "KT-PATTERN $token at $paddr, dump must cover $ram bytes"

	case $variant in
	file)
		flags="-s -p"
		base=$(stripped)
		;;
	*)
		# our kexec must drop crashkernel= itself; -c: our loader (the
		# default is kexec_file_load where our purgatory is not needed)
		flags="-c -p"
		base=$(kt_next_cmdline 2)
		;;
	esac
	t0=$(up)
	# shellcheck disable=SC2086
	kt_kexec $KT_KEXEC_ARGS $flags /boot/vmlinuz --initrd=/boot/initrd.img \
		--append="$base irqpoll nr_cpus=1 reset_devices kt.paddr=$paddr kt.pat=$token kt.ram=$ram" ||
		return 1
	echo "KT-LOAD-TIME $t0 $(up)"
	echo "KT-LOADED $(loaded)"
	echo "KT-STATUS rc=$(status)"
	echo "KT-CRASHING at $(up)"
	sync
	echo c >/proc/sysrq-trigger
	echo "KT-FAIL the sysrq crash returned"
	return 1
}

stage2() {
	echo "KT-CRASH-KERNEL up at $(up)"
	if [ ! -e /proc/vmcore ]; then
		echo "KT-FAIL no /proc/vmcore"
		return 1
	fi
	echo "KT-VMCORE present"
	if grep -q 'crashkernel=' /proc/cmdline; then
		echo "KT-CMDLINE crashkernel present"
	else
		echo "KT-CMDLINE crashkernel absent"
	fi
	grep -q 'elfcorehdr=' /proc/cmdline && echo "KT-CMDLINE elfcorehdr present"
	echo "KT-E820 $(grep -c 'System RAM' /proc/iomem) System RAM ranges, $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
	$HELPER check /proc/vmcore "$(param kt.paddr)" "$(param kt.pat)" "$(param kt.ram)"
	echo "KT-CHECK rc=$?"
	if command -v makedumpfile >/dev/null; then
		t0=$(up)
		makedumpfile -c -d 31 /proc/vmcore /tmp/dump >/tmp/makedumpfile.log 2>&1
		rc=$?
		echo "KT-MAKEDUMPFILE rc=$rc size=$(wc -c </tmp/dump 2>/dev/null) time=$t0-$(up)"
		[ $rc = 0 ] || sed 's/^/KT-MDF: /' /tmp/makedumpfile.log | tail -n 15
	else
		echo "KT-MAKEDUMPFILE absent"
	fi
	echo "KT-KDUMP-DONE at $(up)"
}

case $1 in
1) stage1 ;;
2) stage2 ;;
esac
