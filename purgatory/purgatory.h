/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interfaces of the purgatory (shared by entry.S and the C
 * files).  The ABI with the loader is include/kexec-tdx/purgatory-abi.h.
 */
#ifndef PURGATORY_PURGATORY_H
#define PURGATORY_PURGATORY_H

/* Offsets into struct ktdx_params that entry.S reads (checked in purgatory.c). */
#define KTDX_PARAMS_OFF_ENTRY           16
#define KTDX_PARAMS_OFF_BOOT_PARAMS     24
#define KTDX_PARAMS_OFF_ACTION          56

/* Our GDT (entry.S); 0x10/0x18 are what the 64-bit boot protocol asks for. */
#define PURGATORY_CS    0x10
#define PURGATORY_DS    0x18

#define PURGATORY_STACK_SIZE    16384
/* one stack per other CPU (trampoline.S, smp.c): 1 KiB each */
#define AP_STACK_SHIFT          10

#include <kexec-tdx/purgatory-abi.h>

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>

extern struct ktdx_params ktdx_params;

/* Bounds of the purgatory's own sections (purgatory.lds). */
extern char __purgatory_text_start[], __purgatory_text_end[];
extern char __purgatory_rodata_start[], __purgatory_rodata_end[];
extern char __purgatory_data_start[], __purgatory_data_end[];
extern char __purgatory_bss_start[], __purgatory_bss_end[];

/*
 * Called by entry.S; returns when the new kernel may run.  The TSC
 * before and after entry.S's WBINVD (both 0 on the plain path).
 */
void purgatory_main(uint64_t tsc_wbinvd_start, uint64_t tsc_wbinvd_end);

/*
 * report.c: start a record (zeroed, magic, version, size) and store it
 * where the loader reserved it (the setup_data payload).  The hosted
 * tests build their fixtures with the same two functions.
 */
void report_init(struct ktdx_report *r);
void report_store(void *dst, const struct ktdx_report *r);

/* reset.c: cold reset (0xCF9, then the 8042, then a triple fault). */
__attribute__((noreturn)) void purgatory_reset(void);

/* serial.c: polled 8250 output, only once serial_enable() ran. */
void serial_set_port(uint16_t port);    /* 0: COM1 */
void serial_enable(void);
void serial_disable(void);
bool serial_enabled(void);
void serial_puts(const char *s);
void serial_put_dec(uint64_t v);
void serial_put_hex(uint64_t v);
#endif

#endif
