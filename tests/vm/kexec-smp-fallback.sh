#!/bin/sh
# kexec-smp.sh where one listed CPU never answers: the loader is told the
# APIC ids 0, 1, 2 and 99, the last in package 0 (a hidden test option),
# so the purgatory starts three CPUs, waits for 99 in vain and clears its
# share on the boot CPU; package 0 has CPUs that flushed, so the package
# rule (DESIGN.md "Purgatory", step 3) lets it go on; everything is still
# cleared, the report names 99.  The CPU with APIC id 3, which the
# purgatory was not told about, stays where the old kernel left it, and
# the new kernel still brings it online.
KT_LABEL=kexec-smp-fallback KT_SMP_ARGS=--tdx-debug-apic-ids=0,1,2,99:0 KT_SMP_USED=3 \
	KT_SMP_FALLBACK=99 exec "$(dirname "$0")/kexec-smp.sh"
