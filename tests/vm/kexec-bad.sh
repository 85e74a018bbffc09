#!/bin/sh
# Bad input in a real kernel: each failed `kexec -l` exits non-zero with one
# message naming the file, and `kexec -l -S` shows that nothing was loaded
# (or that the kernel loaded before is still there).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
kt_setup kexec-bad
kt_initramfs
kt_run_vm
expect_marker "KT-OK bad"
for kt_c in truncated not-a-kernel no-initrd no-kernel mem-max s-clear; do
	expect_line_re "KT-BAD $kt_c rc=(1|255) loaded=0"
	expect_marker "KT-LINES $kt_c 1"
done
for kt_c in truncated-after-load no-initrd-after-load; do
	expect_line_re "KT-BAD $kt_c rc=(1|255) loaded=1"
done
expect_marker "KT-UNLOADED loaded=0"
expect_line_re "KT-MSG truncated kexec: /tmp/truncated: .*"
expect_line_re "KT-MSG not-a-kernel kexec: /init: not a kernel .*"
expect_line_re "KT-MSG no-initrd kexec: /nonexistent.img: [Nn]o such file.*"
expect_line_re "KT-MSG no-kernel kexec: /nonexistent-vmlinuz: [Nn]o such file.*"
expect_line_re "KT-MSG mem-max kexec: .*: an empty window \\(see --mem-min and --mem-max\\)"
expect_marker "KT-MSG s-clear kexec: -s (kexec_file_load) runs the kernel's own purgatory, which cannot clear TDX private memory, and a clear is called for (--tdx=clear). Leave out -s, or add --tdx-force to load without the clear."
expect_marker "KT-FORCED rc=0 loaded=1"
expect_marker "KT-MSG forced kexec: warning: *** --tdx-force: loading with -s although a clear is called for (--tdx=clear): memory that may hold TDX private data will NOT be cleared ***"
tr -d '\r' <"$KT_LOG" | grep '^KT-MSG'
kt_finish
