# shellcheck shell=sh
# Helpers for the QEMU end-to-end tests; sourced by tests/vm/*.sh.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.
#
# Environment (all optional):
#   KEXEC_BIN        kexec under test (make sets it to the built kexec/kexec;
#                    else $abs_top_builddir/kexec/kexec, else /usr/sbin/kexec)
#   KT_KERNEL        kernel to boot (default: newest /boot/vmlinuz-*);
#                    debian:newest, debian:6.12, debian:7.2, ...: a Debian
#                    kernel from $KT_KERNEL_CACHE (fetch-kernels.sh)
#   KT_KERNEL_CACHE  /var/cache/kexec-tdx-kernels
#   KT_FIRMWARE      bios (default) or uefi (OVMF: $KT_OVMF)
#   KT_BUSYBOX       busybox to put in the initramfs (default: busybox in PATH)
#   KT_MEM           guest RAM in MiB (2048)       KT_TIMEOUT  seconds (240)
#   KT_SMP           guest CPUs (2)
#   KT_TCG_THREAD    multi (QEMU's default: one host thread per vCPU) or
#                    single (all vCPUs on one thread; see kexec-smp-rebootcpu)
#   KT_KEXEC_ARGS    extra arguments for the guest's `kexec -l`
#   KT_EXTRA_BINS    "SRC=DST ..." more programs (with their libraries) for
#                    the initramfs, e.g. /usr/bin/strace=usr/bin/strace
#   KT_KEEP=1        keep the temporary directory (its path is printed)
#   KT_VM_LOCK=0     do not serialize VMs through $TMPDIR/kexec-tdx-vm.lock
#   KEXEC_TDX_SKIP_VM=1  skip every VM test

KT_SRCDIR=$(cd "$(dirname "$0")" && pwd)
KT_FAILED=0

kt_skip() { echo "SKIP: $*"; exit 77; }
kt_error() { echo "ERROR: $*"; exit 99; }

# kt_setup NAME: checks the host, picks the binaries, makes the temp dir.
# NAME selects the stage script cases/NAME.sh; $KT_LABEL (default NAME)
# names the run in messages and in the temp dir.
kt_setup() {
	KT_NAME=$1
	KT_LABEL=${KT_LABEL:-$1}
	[ "${KEXEC_TDX_SKIP_VM:-0}" = 1 ] && kt_skip "KEXEC_TDX_SKIP_VM=1"
	command -v qemu-system-x86_64 >/dev/null ||
		kt_skip "qemu-system-x86_64 not installed"
	command -v timeout >/dev/null || kt_skip "timeout(1) not installed"
	if [ -z "${KT_KERNEL:-}" ]; then
		# shellcheck disable=SC2012
		KT_KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	fi
	case $KT_KERNEL in debian:*) KT_KERNEL=$(kt_debian_kernel "${KT_KERNEL#debian:}") ;; esac
	case ${KT_FIRMWARE:-bios} in
	bios) ;;
	uefi)
		KT_OVMF=${KT_OVMF:-/usr/share/ovmf/OVMF.fd}
		[ -r "$KT_OVMF" ] || kt_skip "no OVMF firmware at $KT_OVMF (package ovmf)"
		;;
	*) kt_error "KT_FIRMWARE=$KT_FIRMWARE: bios or uefi" ;;
	esac
	case $KT_KERNEL in /nonexistent:*) kt_skip "${KT_KERNEL#/nonexistent: }" ;; esac
	[ -r "${KT_KERNEL:-/nonexistent}" ] ||
		kt_skip "no readable kernel (set KT_KERNEL or install linux-image-amd64)"
	KT_BUSYBOX=${KT_BUSYBOX:-$(command -v busybox || true)}
	[ -n "$KT_BUSYBOX" ] || kt_skip "busybox not installed (busybox-static)"
	if [ -z "${KEXEC_BIN:-}" ]; then
		if [ -n "${abs_top_builddir:-}" ]; then
			KEXEC_BIN=$abs_top_builddir/kexec/kexec
		else
			KEXEC_BIN=/usr/sbin/kexec
		fi
	fi
	[ -x "$KEXEC_BIN" ] || kt_error "kexec under test not found: $KEXEC_BIN"
	if command -v cpio >/dev/null; then KT_CPIO=cpio; else KT_CPIO="$KT_BUSYBOX cpio"; fi
	KT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ktvm-$KT_LABEL.XXXXXX") || kt_error "mktemp"
	trap kt_cleanup EXIT
	trap 'exit 130' HUP INT PIPE TERM
	echo "kt: $KT_LABEL: kexec=$KEXEC_BIN kernel=$KT_KERNEL firmware=${KT_FIRMWARE:-bios} tmp=$KT_TMP"
}

# kt_debian_kernel SELECTOR: the path of a Debian kernel that
# fetch-kernels.sh unpacked: "newest" (the highest version) or a version
# prefix such as 6.12 or 7.2 (the newest of that series); the cache's list
# ($KT_KERNEL_CACHE/kernels) names the kernels the archive has now.  Skips
# (in a subshell: the caller's) when there is none.
kt_debian_kernel() {
	kt_cache=${KT_KERNEL_CACHE:-/var/cache/kexec-tdx-kernels}
	if [ -r "$kt_cache/kernels" ]; then
		kt_abis=$(cut -d' ' -f1 "$kt_cache/kernels")
	else
		kt_abis=$(cd "$kt_cache" 2>/dev/null && ls vmlinuz-* 2>/dev/null | sed 's/^vmlinuz-//')
	fi
	kt_abi=$(for kt_a in $kt_abis; do
		case $1 in newest) echo "$kt_a" ;; *) case $kt_a in "$1".*) echo "$kt_a" ;; esac ;; esac
	done | sort -V | tail -n 1)
	if [ -z "$kt_abi" ] || [ ! -r "$kt_cache/vmlinuz-$kt_abi" ]; then
		echo "/nonexistent: no Debian kernel '$1' in $kt_cache (make fetch-kernels)"
		return 0
	fi
	echo "$kt_cache/vmlinuz-$kt_abi"
}

kt_cleanup() {
	if [ "${KT_KEEP:-0}" = 1 ]; then
		echo "kt: kept $KT_TMP"
	else
		rm -rf "$KT_TMP"
	fi
}

# True when the kexec under test knows --tdx (asks --help; safe on the host).
kt_has_tdx() { "$KEXEC_BIN" --help 2>&1 | grep -q -e '--tdx'; }

# kt_copy_bin SRC DST ROOT: copy an executable and every library ldd names.
kt_copy_bin() {
	mkdir -p "$3/${2%/*}"
	cp -L "$1" "$3/$2" || kt_error "copy $1"
	ldd "$1" 2>/dev/null | grep -q 'not found' && kt_error "ldd $1: library not found"
	for kt_lib in $(ldd "$1" 2>/dev/null |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$3/${kt_lib%/*}"
		cp -L "$kt_lib" "$3/$kt_lib" || kt_error "copy $kt_lib"
	done
}

# kt_cpio DIR OUT: pack DIR as a newc archive.
kt_cpio() {
	# shellcheck disable=SC2086
	(cd "$1" && find . | LC_ALL=C sort | $KT_CPIO -o -H newc -R 0:0 2>/dev/null) >"$2" ||
		kt_error "cpio $1"
}

# kt_initramfs [SRC=DST]...: builds $KT_TMP/initrd.img.  The inner archive
# (busybox, kexec + libraries, /init, the cases, the kernel as /boot/vmlinuz,
# the extra files) is what the second kernel gets; the outer one adds the
# inner one as /boot/initrd.img so that stage 1 can pass it on.
# shellcheck disable=SC2120
kt_initramfs() {
	kt_root=$KT_TMP/root
	for kt_d in bin sbin usr/bin usr/sbin dev proc sys tmp boot cases etc lib; do
		mkdir -p "$kt_root/$kt_d"
	done
	kt_copy_bin "$KT_BUSYBOX" bin/busybox "$kt_root"
	for kt_a in $("$KT_BUSYBOX" --list-full); do
		[ -e "$kt_root/$kt_a" ] || ln -s /bin/busybox "$kt_root/$kt_a"
	done
	kt_copy_bin "$KEXEC_BIN" sbin/kexec "$kt_root"
	for kt_f in ${KT_EXTRA_BINS:-}; do
		kt_copy_bin "${kt_f%%=*}" "${kt_f#*=}" "$kt_root"
	done
	mknod "$kt_root/dev/console" c 5 1 2>/dev/null || true
	if ! cp "$KT_SRCDIR/init.sh" "$kt_root/init" ||
		! cp "$KT_SRCDIR/guest.sh" "$kt_root/lib/kt-guest.sh" ||
		! cp "$KT_SRCDIR"/cases/*.sh "$kt_root/cases/" ||
		! cp "$KT_KERNEL" "$kt_root/boot/vmlinuz"; then
		kt_error "cannot fill the initramfs"
	fi
	chmod 755 "$kt_root/init"
	printf '%s\n' "${KT_KEXEC_ARGS:-}" >"$kt_root/etc/kt-kexec-args"
	for kt_f in "$@"; do
		cp "${kt_f%%=*}" "$kt_root/${kt_f#*=}" || kt_error "copy $kt_f"
	done
	kt_cpio "$kt_root" "$KT_TMP/inner.cpio"
	gzip -1 -n "$KT_TMP/inner.cpio" || kt_error gzip
	mkdir -p "$KT_TMP/outer/boot"
	mv "$KT_TMP/inner.cpio.gz" "$KT_TMP/outer/boot/initrd.img"
	kt_cpio "$KT_TMP/outer" "$KT_TMP/outer.cpio"
	# Uncompressed archive first, then the compressed one (like early
	# microcode): the kernel unpacks both into the same rootfs.
	cat "$KT_TMP/outer.cpio" "$KT_TMP/outer/boot/initrd.img" >"$KT_TMP/initrd.img"
	rm -rf "$kt_root" "$KT_TMP/outer.cpio"
}

# kt_run_vm [QEMU-ARG]...: boots stage 1; serial output goes to $KT_LOG,
# QEMU's exit status to $KT_VM_RC (124: timeout), the time to $KT_VM_SECS.
# $KT_APPEND is added to the kernel command line; KT_FIRMWARE=uefi boots
# under OVMF.  When the old kernel oopsed in its own shutdown before the
# jump (kt_old_kernel_oops), the VM runs once more, and says so.
kt_run_vm() {
	KT_LOG=$KT_TMP/serial.log
	KT_CMDLINE="console=ttyS0 panic=-1 kt.test=$KT_NAME kt.stage=1${KT_APPEND:+ $KT_APPEND}"
	[ "${KT_FIRMWARE:-bios}" = uefi ] && set -- -bios "$KT_OVMF" "$@"
	# One VM at a time on this machine, even under make -j check.
	if [ "${KT_VM_LOCK:-1}" = 1 ] && command -v flock >/dev/null; then
		exec 9>"${TMPDIR:-/tmp}/kexec-tdx-vm.lock"
		flock -n 9 || { echo "kt: waiting for another VM test"; flock 9; }
	fi
	kt_vm_once "$@"
	if kt_old_kernel_oops; then
		cp "$KT_LOG" "$KT_TMP/serial-oops.log"
		echo "kt: RETRY: the old kernel oopsed in its own shutdown, before the jump" \
			"($KT_OOPS); the log is $KT_TMP/serial-oops.log; running the VM once more"
		kt_vm_once "$@"
	fi
	exec 9>&-
	[ "$KT_VM_RC" = 124 ] && kt_fail "VM timed out after ${KT_TIMEOUT:-240} s"
	echo "kt: VM ran ${KT_VM_SECS} s, qemu exit status $KT_VM_RC"
	echo "kt: kernels booted: $(tr -d '\r' <"$KT_LOG" |
		sed -n 's/^.*Linux version \([^ ]*\) .*$/\1/p' | tr '\n' ' ')"
	sed -n 's/\r$//; /^KT-/p' "$KT_LOG"
	[ -s "$KT_TMP/qemu.out" ] && sed 's/^/qemu: /' "$KT_TMP/qemu.out"
	return 0
}

kt_vm_once() {
	kt_t0=$(date +%s)
	timeout -k 10 "${KT_TIMEOUT:-240}" qemu-system-x86_64 \
		-accel "tcg,thread=${KT_TCG_THREAD:-multi}" -cpu max -m "${KT_MEM:-2048}" -smp "${KT_SMP:-2}" \
		-nographic -monitor none -serial "file:$KT_LOG" -nic none -no-reboot \
		-kernel "$KT_KERNEL" -initrd "$KT_TMP/initrd.img" \
		-append "$KT_CMDLINE" "$@" </dev/null >"$KT_TMP/qemu.out" 2>&1 9>&-
	KT_VM_RC=$?
	KT_VM_SECS=$(($(date +%s) - kt_t0))
}

# kt_old_kernel_oops: true when the serial log shows the one failure that is
# not ours (tests/vm/README.md): an int3 trap in sched_clock_cpu (Debian's
# 7.3 under TCG with several CPUs, while it patches its text at shutdown),
# printed by the OLD kernel: before a second "Linux version" banner, with no
# stage-2 line and no purgatory line.  Sets $KT_OOPS to the trap's line.
kt_old_kernel_oops() {
	KT_OOPS=$(tr -d '\r' <"$KT_LOG" | awk '
		/Linux version / { if (++boots > 1) exit }
		/^KT-STAGE 2 / || /kexec-tdx purgatory/ { exit }
		/int3: / && !trap { trap = $0 }
		/sched_clock_cpu/ && trap { print trap; exit }')
	[ -n "$KT_OOPS" ]
}

# Markers are whole lines of the serial log (the CR of the tty removed),
# compared as fixed strings.
kt_has_line() { tr -d '\r' <"$KT_LOG" | grep -qxF -e "$1"; }

kt_fail() { echo "FAIL: $*"; KT_FAILED=1; }

expect_marker() { kt_has_line "$1" || kt_fail "missing marker: '$1'"; }
refute_marker() { ! kt_has_line "$1" || kt_fail "unexpected marker: '$1'"; }
# expect_line_re ERE: some whole line matches the extended regex.
expect_line_re() { tr -d '\r' <"$KT_LOG" | grep -qxE -e "$1" || kt_fail "no line matches: $1"; }
# refute_line_re ERE: no whole line matches the extended regex.
refute_line_re() {
	! tr -d '\r' <"$KT_LOG" | grep -qxE -e "$1" ||
		kt_fail "unexpected line: $(tr -d '\r' <"$KT_LOG" | grep -xE -e "$1" | head -n 1)"
}
# expect_report_schema: the last JSON object of the serial log (the stage-2
# `kexec --tdx-report --json`) follows doc/kexec-tdx-report.schema.json
# (tests/json-schema-check.py: python3-jsonschema, tools/install-deps.sh).
expect_report_schema() {
	kt_top=${abs_top_srcdir:-$KT_SRCDIR/../..}
	if ! python3 -c 'import jsonschema' 2>/dev/null; then
		kt_fail "python3-jsonschema is needed to validate the report (tools/install-deps.sh)"
		return 0
	fi
	python3 "$kt_top/tests/json-schema-check.py" "$kt_top/doc/kexec-tdx-report.schema.json" \
		--log "$KT_LOG" >"$KT_TMP/schema.out" 2>&1 ||
		kt_fail "the report does not follow its schema: $(head -n 5 "$KT_TMP/schema.out")"
	return 0
}
expect_vm_rc() {
	[ "$KT_VM_RC" = "$1" ] || kt_fail "qemu exit status $KT_VM_RC, expected $1"
}

# kt_finish: exit 0 or, after the tail of the serial log, 1.
kt_finish() {
	if [ "$KT_FAILED" = 0 ]; then
		echo "PASS: $KT_LABEL (${KT_VM_SECS:-?} s in the VM)"
		exit 0
	fi
	if [ -n "${KT_LOG:-}" ] && [ -f "$KT_LOG" ]; then
		echo "---- last 60 lines of the serial log ($KT_CMDLINE) ----"
		tail -n 60 "$KT_LOG" | tr -d '\r'
		echo "----"
	fi
	exit 1
}

# kt_roundtrip_test [QEMU-ARG]...: the body of the simple round-trip tests.
# shellcheck disable=SC2120
kt_roundtrip_test() {
	kt_initramfs
	kt_run_vm "$@"
	expect_line_re "KT-STAGE 1 test=$KT_NAME cmdline=.*"
	expect_line_re "KT-STAGE 2 test=$KT_NAME cmdline=.* kt\.stage=2( .*)?"
	expect_marker "KT-OK stage2"
}
