# The purgatory: freestanding, linked into one relocatable object
# (purgatory/purgatory.ro) that kexec/purgatory-blob.S embeds.  Its
# parameters are the symbol `ktdx_params` (include/kexec-tdx/purgatory-abi.h).
PURGATORY_C = \
	purgatory/purgatory.c \
	purgatory/pagetable.c \
	purgatory/sha256.c \
	purgatory/sha256-ni.c \
	purgatory/sha256-sse.c \
	purgatory/clear.c \
	purgatory/report.c \
	purgatory/reset.c \
	purgatory/serial.c \
	purgatory/smp.c \
	purgatory/split.c \
	purgatory/string.c
PURGATORY_S = purgatory/entry.S purgatory/trampoline.S
PURGATORY_H = include/kexec-tdx/purgatory-abi.h \
	purgatory/purgatory.h purgatory/cpu.h purgatory/clear.h \
	purgatory/pagetable.h purgatory/split.h purgatory/smp.h purgatory/apic.h purgatory/sha256.h purgatory/sha256-k.h purgatory/sha256-round.h
PURGATORY_LDS = purgatory/purgatory.lds
# entry.S first: purgatory_start opens .text.
PURGATORY_OBJS = $(PURGATORY_S:.S=.po) $(PURGATORY_C:.c=.po)

# No SSE in compiler-generated code: relocate_kernel leaves CR4.OSFXSR
# clear (DESIGN.md), the plain path (action none) never sets it, and the
# new kernel must find no state of ours.  The MOVNTDQ loop (clear.c),
# SHA-NI (sha256-ni.c) and the SSE message schedule (sha256-sse.c) enable
# SSE per function with target attributes; entry.S sets CR4.OSFXSR
# before any C runs on the flush and clear paths, the only ones that
# call them.
# -fno-tree-loop-distribute-patterns keeps string.c from calling itself.
PURGATORY_CFLAGS = -std=gnu11 -O2 -g0 -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdlib -fno-PIC -fno-pie -mcmodel=large \
	-mno-red-zone -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -fno-jump-tables \
	-fno-tree-loop-distribute-patterns -fno-common \
	-mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only \
	-I$(top_srcdir)/include -I$(top_srcdir)/purgatory -DKTDX_PURGATORY=1

purgatory/%.po: purgatory/%.c $(PURGATORY_H)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(CC) $(PURGATORY_CFLAGS) -c -o $@ $<
purgatory/%.po: purgatory/%.S $(PURGATORY_H)
	$(AM_V_CPPAS)$(MKDIR_P) $(@D) && $(CC) $(PURGATORY_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

purgatory/purgatory.ro: $(PURGATORY_OBJS) $(PURGATORY_LDS)
	$(AM_V_CCLD)$(LD) -r --build-id=none -T $(srcdir)/$(PURGATORY_LDS) -o $@ $(PURGATORY_OBJS) && \
	if $(NM) -u $@ | grep -q .; then \
		echo "purgatory: undefined symbols:" >&2; $(NM) -u $@ >&2; rm -f $@; exit 1; fi

CLEANFILES += purgatory/purgatory.ro $(PURGATORY_OBJS)
EXTRA_DIST += $(PURGATORY_C) $(PURGATORY_S) $(PURGATORY_H) $(PURGATORY_LDS)

# Shared with the loader: it hashes the segments with the same SHA-256
# and sizes the page-table segment with the purgatory's own walk.
libkexec_a_SOURCES += \
	purgatory/pagetable.c purgatory/pagetable.h \
	purgatory/sha256.c purgatory/sha256-ni.c purgatory/sha256-sse.c purgatory/sha256.h purgatory/sha256-k.h purgatory/sha256-round.h purgatory/cpu.h

# The hosted tests of the purgatory's C code (test-clear, test-split,
# test-report, test-sha256, test-pagetable, test-purgatory) are built by
# tests/unit/local.mk from the same sources.

# The purgatory alone in QEMU: a multiboot harness that hands over as
# relocate_kernel does and checks what the new kernel receives.
HARNESS_OBJS = purgatory/qemu/harness-entry.ho purgatory/qemu/harness.ho
purgatory/qemu/%.ho: purgatory/qemu/%.c $(PURGATORY_H)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(CC) $(PURGATORY_CFLAGS) -c -o $@ $<
purgatory/qemu/%.ho: purgatory/qemu/%.S
	$(AM_V_CPPAS)$(MKDIR_P) $(@D) && $(CC) $(PURGATORY_CFLAGS) -c -o $@ $<
purgatory/qemu/harness.elf: $(HARNESS_OBJS) purgatory/purgatory.ro purgatory/qemu/harness.lds
	$(AM_V_CCLD)$(LD) -nostdlib -z max-page-size=4096 -T $(srcdir)/purgatory/qemu/harness.lds \
		-o $@.64 $(HARNESS_OBJS) purgatory/purgatory.ro && \
	$(OBJCOPY) -O elf32-i386 $@.64 $@ && rm -f $@.64
TESTS += purgatory/qemu/test-qemu.sh
# the built object: no CPUID, WBINVD before any write, the plain path skips both
TESTS += purgatory/check-purgatory.sh
EXTRA_DIST += purgatory/check-purgatory.sh
check_DATA = purgatory/qemu/harness.elf
CLEANFILES += purgatory/qemu/harness.elf $(HARNESS_OBJS)
EXTRA_DIST += purgatory/qemu/harness-entry.S purgatory/qemu/harness.c \
	purgatory/qemu/harness.lds purgatory/qemu/test-qemu.sh

include $(srcdir)/tests/bench/local.mk
