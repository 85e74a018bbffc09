# The purgatory: freestanding, linked into one relocatable object
# (purgatory/purgatory.ro) that kexec/purgatory-blob.S embeds.  Its
# parameters are the symbol `ktdx_params` (include/kexec-tdx/purgatory-abi.h).
PURGATORY_C = purgatory/purgatory.c
PURGATORY_S = purgatory/entry.S
PURGATORY_H = include/kexec-tdx/purgatory-abi.h
PURGATORY_OBJS = $(PURGATORY_C:.c=.po) $(PURGATORY_S:.S=.po)

# No SSE in C code: relocate_kernel leaves CR4.OSFXSR clear (DESIGN.md).
PURGATORY_CFLAGS = -std=gnu11 -O2 -g0 -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdlib -fno-PIC -fno-pie -mcmodel=large \
	-mno-red-zone -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -fno-jump-tables \
	-mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only \
	-I$(top_srcdir)/include -I$(top_srcdir)/purgatory -DKTDX_PURGATORY=1

purgatory/%.po: purgatory/%.c $(PURGATORY_H)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(CC) $(PURGATORY_CFLAGS) -c -o $@ $<
purgatory/%.po: purgatory/%.S $(PURGATORY_H)
	$(AM_V_CCAS)$(MKDIR_P) $(@D) && $(CC) $(PURGATORY_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

purgatory/purgatory.ro: $(PURGATORY_OBJS)
	$(AM_V_CCLD)$(LD) -r --build-id=none -o $@ $(PURGATORY_OBJS) && \
	if $(NM) -u $@ | grep -q .; then \
		echo "purgatory: undefined symbols:" >&2; $(NM) -u $@ >&2; rm -f $@; exit 1; fi

CLEANFILES += purgatory/purgatory.ro $(PURGATORY_OBJS)
EXTRA_DIST += $(PURGATORY_C) $(PURGATORY_S)
