/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Steps 3, 5 and 6 of DESIGN.md "Purgatory": every CPU the old kernel had
 * flushes its own caches, takes a share of the clear and is parked (smp.c,
 * trampoline.S).
 */
#ifndef PURGATORY_SMP_H
#define PURGATORY_SMP_H

#include <stdbool.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>
#include "clear.h"

/*
 * Stages 1-2, called by the boot CPU on its own page tables: start the
 * other CPUs (when the loader gave a trampoline and more than one CPU,
 * the APIC is usable and this CPU is in the list), each of which runs
 * WBINVD, and wait for them.  clear: with the clear list and method m
 * (used after the go), else a flush alone.
 */
void smp_start(const struct ktdx_params *p, bool clear, enum clear_method m);

/*
 * After smp_start(): does every package of the list have a CPU that ran
 * WBINVD (this CPU's package counts)?  If not, *pkg and *apic_id name
 * one CPU of a package without one (KTDX_APIC_ID_UNKNOWN both when the
 * loader gave no list).
 */
bool smp_packages_flushed(uint32_t *pkg, uint32_t *apic_id);

/*
 * Stages 3-6: the go, this CPU's share and the silent CPUs' shares, the
 * others' shares with a timeout and takeover, the park.  Fills
 * rep->bytes_cleared, cpus_used, nr_cpus, apic_mode and the CPU entries
 * at cpus (room for max(p->nr_cpus, 1) of them: the report slot; NULL
 * without a slot).  With no other CPU started: this CPU alone, one CPU
 * entry.
 */
void smp_finish(struct ktdx_report *rep, struct ktdx_report_cpu *cpus);

/* trampoline.S */
extern const char trampoline_start[], trampoline_end[];
extern char tr_gdt_desc[], tr_jump32[], tr_jump64[], tr_cr0[], tr_cr3[], tr_cr4[], tr_efer[];
extern char tr_gdt[], tr_32[];
extern const char park_start[], park_end[], park_count[];
extern volatile uint32_t ap_ticket;
void ap_entry64(void);
__attribute__((noreturn)) void ap_halt(void);
/* The C side of ap_entry64, with this CPU's ticket; never returns. */
__attribute__((noreturn)) void ap_main(uint32_t ticket);

#endif
