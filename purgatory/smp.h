/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Step 4 of DESIGN.md "Purgatory": every CPU the old kernel had flushes
 * its own caches and takes a share of the clear (smp.c, trampoline.S).
 */
#ifndef PURGATORY_SMP_H
#define PURGATORY_SMP_H

#include <stdbool.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>
#include "clear.h"

/*
 * Called by the boot CPU on its own page tables after the verify.  clear: with the clear list and method m, else a
 * flush alone.  Starts the other CPUs when the loader gave a trampoline
 * and more than one CPU, clears the boot CPU's share, waits for the
 * others with a timeout, takes over what they left, and fills
 * rep->bytes_cleared, cpus_used, nr_cpus, apic_mode and the CPU entries
 * at cpus (room for max(p->nr_cpus, 1) of them: the report slot; NULL
 * without a slot).  Without
 * a trampoline: the boot CPU alone, as before, one CPU entry.
 */
void smp_run(const struct ktdx_params *p, bool clear, enum clear_method m,
	     struct ktdx_report *rep, struct ktdx_report_cpu *cpus);

/* trampoline.S */
extern const char trampoline_start[], trampoline_end[];
extern char tr_gdt_desc[], tr_jump32[], tr_jump64[], tr_cr0[], tr_cr3[], tr_cr4[], tr_efer[];
extern char tr_gdt[], tr_32[];
extern volatile uint32_t ap_ticket;
void ap_entry64(void);
__attribute__((noreturn)) void ap_halt(void);
/* The C side of ap_entry64, with this CPU's ticket; never returns. */
__attribute__((noreturn)) void ap_main(uint32_t ticket);

#endif
