/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zero page and what hangs off it: command line, e820 (with
 * SETUP_E820_EXT past 128 entries), EFI boot information and runtime map
 * (SETUP_EFI), an RNG seed (SETUP_RNG_SEED) and the slot for the
 * purgatory's report (KTDX_SETUP_TYPE).  All of it is one segment.
 */
#ifndef KEXEC_BOOTPARAMS_H
#define KEXEC_BOOTPARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ctx.h"
#include "image.h"
#include "memmap.h"

struct bootparams_input {
	const char *cmdline;            /* NULL: empty */
	uint64_t initrd_addr, initrd_size;
	const struct memmap *e820;      /* the map the new kernel gets */
	bool efi;                       /* pass EFI information when the host has it */
	bool rng_seed;
	bool report_slot;               /* reserve a struct ktdx_report */
	uint32_t report_cpus;           /* with room for that many CPU entries */
};

struct bootparams_blob {
	uint8_t *buf;                   /* the segment's contents */
	size_t size;
	uint64_t addr;                  /* where it is loaded */
	uint64_t report_addr;           /* physical address of the report, 0 if none */
	unsigned e820_entries;          /* in the zero page + in SETUP_E820_EXT */
	bool efi_passed;
};

/* EFI information read from the running system (sysroot), 0/empty when not an EFI boot. */
struct efi_boot_info {
	struct efi_info info;           /* from /sys/kernel/boot_params/data */
	uint8_t *runtime_map;           /* descriptors, info.efi_memdesc_size each */
	size_t runtime_map_size;
	uint64_t fw_vendor, config_table, smbios, acpi20;
};

int efi_boot_info_read(struct kexec_ctx *ctx, struct efi_boot_info *efi);
void efi_boot_info_free(struct efi_boot_info *efi);
/*
 * Where the EFI stub's INITRD config table lies (the next kernel reads and,
 * from Linux 6.19 on, zeroes its 16 bytes), found through the system table
 * in /dev/mem; *addr 0 when there is none or it cannot be read.
 */
int efi_initrd_table_find(struct kexec_ctx *ctx, uint64_t *addr);

/*
 * Build the blob and place it as segment "bootparams" below 4 GiB.  Starts
 * from plan->bp (the setup header the image format left there) and checks
 * the command line against plan->cmdline_max.
 */
int bootparams_build(struct kexec_ctx *ctx, struct load_plan *plan,
		     const struct bootparams_input *in, const struct efi_boot_info *efi,
		     struct bootparams_blob *out);
void bootparams_blob_free(struct bootparams_blob *blob);

/* Fill e820_table and return the entries that did not fit (for SETUP_E820_EXT). */
size_t bootparams_fill_e820(struct boot_params *bp, const struct memmap *map);

#endif
