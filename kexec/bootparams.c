/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <kexec-tdx/purgatory-abi.h>
#include "bootparams.h"

#define E820_ZEROPAGE_MAX 128   /* boot_params.e820_table[] */
#define RNG_SEED_BYTES    32
#define LOADER_UNDEFINED  0xff  /* boot.rst: type_of_loader for an unlisted loader */

/* struct efi_setup_data (arch/x86/include/asm/efi.h), the SETUP_EFI payload */
struct efi_setup_payload {
	uint64_t fw_vendor;
	uint64_t unused;
	uint64_t tables;
	uint64_t smbios;
	uint64_t reserved[8];
};

/* EFI memory descriptor as the kernel expects it (efi_memory_desc_t) */
struct efi_memdesc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_addr;
	uint64_t virt_addr;
	uint64_t num_pages;
	uint64_t attribute;
};

static size_t align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

size_t bootparams_fill_e820(struct boot_params *bp, const struct memmap *map)
{
	size_t n = map->n < E820_ZEROPAGE_MAX ? map->n : E820_ZEROPAGE_MAX;

	for (size_t i = 0; i < n; i++) {
		bp->e820_table[i].addr = map->v[i].start;
		bp->e820_table[i].size = map->v[i].end - map->v[i].start;
		bp->e820_table[i].type = map->v[i].type;
	}
	bp->e820_entries = (uint8_t)n;
	return map->n - n;
}

/* Read one hex or decimal number from a sysfs file. */
static int read_u64(struct kexec_ctx *ctx, const char *rel, uint64_t *out)
{
	char *buf, *end;
	size_t len;
	int r = sysroot_read(ctx->sr, rel, 4096, &buf, &len);

	if (r < 0)
		return r;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	r = (errno || end == buf) ? -EINVAL : 0;
	free(buf);
	return r;
}

/* "KEY=0x..." line of /sys/firmware/efi/systab */
static uint64_t systab_value(const char *systab, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = systab; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return strtoull(p + klen + 1, NULL, 0);
	return 0;
}

void efi_boot_info_free(struct efi_boot_info *efi)
{
	free(efi->runtime_map);
	memset(efi, 0, sizeof(*efi));
}

int efi_boot_info_read(struct kexec_ctx *ctx, struct efi_boot_info *efi)
{
	char path[64], **names = NULL, *data = NULL, *systab = NULL;
	size_t n = 0, len;
	int r;

	memset(efi, 0, sizeof(*efi));
	if (!sysroot_exists(ctx->sr, "sys/firmware/efi"))
		return 0;
	/* The running kernel's own boot_params carry the EFI system table and descriptor size. */
	r = sysroot_read(ctx->sr, "sys/kernel/boot_params/data", 65536, &data, &len);
	if (r < 0 || len < sizeof(struct boot_params)) {
		log_warn(&ctx->log, "/sys/kernel/boot_params/data: %s: EFI information is not passed on",
			 r < 0 ? strerror(-r) : "too short");
		free(data);
		return 0;
	}
	memcpy(&efi->info, data + offsetof(struct boot_params, efi_info), sizeof(efi->info));
	free(data);
	if (efi->info.efi_memmap_size == 0 || efi->info.efi_memdesc_size < sizeof(struct efi_memdesc)) {
		memset(&efi->info, 0, sizeof(efi->info));
		return 0;
	}
	r = sysroot_list(ctx->sr, "sys/firmware/efi/runtime-map", &names, &n);
	if (r < 0) {
		log_warn(&ctx->log, "/sys/firmware/efi/runtime-map: %s: the new kernel will not have "
			 "EFI runtime services", strerror(-r));
		memset(&efi->info, 0, sizeof(efi->info));
		return 0;
	}
	efi->runtime_map_size = n * efi->info.efi_memdesc_size;
	efi->runtime_map = calloc(1, efi->runtime_map_size ? efi->runtime_map_size : 1);
	if (!efi->runtime_map) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct efi_memdesc d = { 0 };
		uint64_t type;
		static const char *const field[] = { "type", "phys_addr", "virt_addr", "num_pages",
						     "attribute" };
		uint64_t *dst[] = { &type, &d.phys_addr, &d.virt_addr, &d.num_pages, &d.attribute };

		for (size_t f = 0; f < 5; f++) {
			snprintf(path, sizeof(path), "sys/firmware/efi/runtime-map/%s/%s", names[i], field[f]);
			if ((r = read_u64(ctx, path, dst[f])) < 0) {
				r = log_errno(&ctx->log, r, "/%s: %s", path, strerror(-r));
				goto out;
			}
		}
		d.type = (uint32_t)type;
		memcpy(efi->runtime_map + i * efi->info.efi_memdesc_size, &d, sizeof(d));
	}
	read_u64(ctx, "sys/firmware/efi/fw_vendor", &efi->fw_vendor);
	read_u64(ctx, "sys/firmware/efi/config_table", &efi->config_table);
	if (sysroot_read(ctx->sr, "sys/firmware/efi/systab", 65536, &systab, &len) == 0) {
		efi->smbios = systab_value(systab, "SMBIOS");
		efi->acpi20 = systab_value(systab, "ACPI20");
		free(systab);
	}
	r = 0;
out:
	sysroot_names_free(names, n);
	if (r < 0)
		efi_boot_info_free(efi);
	return r;
}

void bootparams_blob_free(struct bootparams_blob *blob)
{
	free(blob->buf);
	memset(blob, 0, sizeof(*blob));
}

struct sd_item {
	uint32_t type;
	const void *data;       /* NULL: zeros */
	size_t len;
	size_t off;             /* in the blob */
};

int bootparams_build(struct kexec_ctx *ctx, struct load_plan *plan,
		     const struct bootparams_input *in, const struct efi_boot_info *efi,
		     struct bootparams_blob *out)
{
	struct boot_params *bp;
	struct sd_item items[4];
	size_t nitems = 0, cmdlen = in->cmdline ? strlen(in->cmdline) : 0;
	size_t ext_n, off, e820_ext_len;
	uint8_t seed[RNG_SEED_BYTES];
	struct efi_setup_payload efi_sd;
	uint8_t *e820_ext = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (plan->cmdline_max && cmdlen + 1 > plan->cmdline_max)
		return log_errno(&ctx->log, -E2BIG,
				 "command line: %zu bytes, the kernel accepts at most %u (cmdline_size)",
				 cmdlen, plan->cmdline_max - 1);

	/* e820: the first 128 in the zero page, the rest in SETUP_E820_EXT */
	ext_n = in->e820->n > E820_ZEROPAGE_MAX ? in->e820->n - E820_ZEROPAGE_MAX : 0;
	e820_ext_len = ext_n * sizeof(struct boot_e820_entry);
	if (ext_n) {
		e820_ext = calloc(ext_n, sizeof(struct boot_e820_entry));
		if (!e820_ext)
			return -ENOMEM;
		for (size_t i = 0; i < ext_n; i++) {
			const struct memmap_entry *m = &in->e820->v[E820_ZEROPAGE_MAX + i];
			struct boot_e820_entry e = { m->start, m->end - m->start, m->type };

			memcpy(e820_ext + i * sizeof(e), &e, sizeof(e));
		}
		items[nitems++] = (struct sd_item){ SETUP_E820_EXT, e820_ext, e820_ext_len, 0 };
	}
	bool pass_efi = in->efi && efi && efi->runtime_map_size;
	if (pass_efi) {
		efi_sd = (struct efi_setup_payload){ .fw_vendor = efi->fw_vendor,
						     .tables = efi->config_table,
						     .smbios = efi->smbios };
		items[nitems++] = (struct sd_item){ SETUP_EFI, &efi_sd, sizeof(efi_sd), 0 };
	}
	if (in->rng_seed) {
		if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
			items[nitems++] = (struct sd_item){ SETUP_RNG_SEED, seed, sizeof(seed), 0 };
		else
			log_debug(&ctx->log, "no RNG seed: the entropy pool is not ready");
	}
	if (in->report_slot)
		items[nitems++] = (struct sd_item){ KTDX_SETUP_TYPE, NULL,
						    KTDX_REPORT_SIZE(in->report_cpus), 0 };

	/* layout: zero page, command line, EFI runtime map, setup_data entries */
	off = sizeof(struct boot_params);
	size_t cmd_off = off;
	off = align16(off + cmdlen + 1);
	size_t efimap_off = off;
	if (pass_efi)
		off = align16(off + efi->runtime_map_size);
	for (size_t i = 0; i < nitems; i++) {
		items[i].off = off;
		off = align16(off + sizeof(struct setup_data) + items[i].len);
	}
	out->size = off;
	out->buf = calloc(1, off);
	if (!out->buf) {
		free(e820_ext);
		return -ENOMEM;
	}
	struct segment_req req = {
		.buf = out->buf, .bufsz = out->size, .align = 4096,
		.min = 0x1000, .max = 1ULL << 32, .top_down = true, .hash = true,
		.what = "bootparams",
	};
	/* keep it low but clear of the first MiB, like the kernel's own loader */
	req.min = 0x100000;
	r = segments_place(&plan->segs, &req, &ctx->log, &out->addr);
	if (r < 0)
		goto fail;

	bp = (struct boot_params *)out->buf;
	*bp = plan->bp;
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	memcpy(out->buf + cmd_off, in->cmdline ? in->cmdline : "", cmdlen + 1);
	bp->hdr.cmd_line_ptr = (uint32_t)(out->addr + cmd_off);
	bp->ext_cmd_line_ptr = (uint32_t)((out->addr + cmd_off) >> 32);
	bp->hdr.ramdisk_image = (uint32_t)in->initrd_addr;
	bp->ext_ramdisk_image = (uint32_t)(in->initrd_addr >> 32);
	bp->hdr.ramdisk_size = (uint32_t)in->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(in->initrd_size >> 32);
	bootparams_fill_e820(bp, in->e820);
	out->e820_entries = (unsigned)in->e820->n;

	/* legacy memory size fields, for completeness: KiB above 1 MiB below 4 GiB */
	uint64_t top = 0;
	for (size_t i = 0; i < in->e820->n; i++)
		if (in->e820->v[i].type == E820_TYPE_RAM && in->e820->v[i].start <= 0x100000 &&
		    in->e820->v[i].end > top)
			top = in->e820->v[i].end;
	for (size_t i = 0; i < in->e820->n; i++)
		if (in->e820->v[i].type == E820_TYPE_RAM && in->e820->v[i].start == top)
			top = in->e820->v[i].end;
	if (top > 0x100000)
		bp->alt_mem_k = (uint32_t)(((top < (1ULL << 32) ? top : (1ULL << 32)) - 0x100000) >> 10);

	if (pass_efi) {
		uint64_t map_addr = out->addr + efimap_off;

		memcpy(out->buf + efimap_off, efi->runtime_map, efi->runtime_map_size);
		bp->efi_info = efi->info;
		bp->efi_info.efi_memmap = (uint32_t)map_addr;
		bp->efi_info.efi_memmap_hi = (uint32_t)(map_addr >> 32);
		bp->efi_info.efi_memmap_size = (uint32_t)efi->runtime_map_size;
		if (efi->acpi20)
			bp->acpi_rsdp_addr = efi->acpi20;
		out->efi_passed = true;
	} else {
		memset(&bp->efi_info, 0, sizeof(bp->efi_info));
	}

	/*
	 * chain the setup_data entries from hdr.setup_data, replacing what the
	 * image's header had there (a file's setup_data means nothing here)
	 */
	uint64_t next = 0;
	for (size_t k = nitems; k-- > 0;) {
		struct setup_data *sd = (struct setup_data *)(out->buf + items[k].off);

		sd->next = next;
		sd->type = items[k].type;
		sd->len = (uint32_t)items[k].len;
		if (items[k].data)
			memcpy(sd->data, items[k].data, items[k].len);
		if (items[k].type == KTDX_SETUP_TYPE)
			out->report_addr = out->addr + items[k].off + sizeof(struct setup_data);
		next = out->addr + items[k].off;
	}
	bp->hdr.setup_data = next;
	free(e820_ext);
	explicit_bzero(seed, sizeof(seed));
	return 0;
fail:
	free(e820_ext);
	bootparams_blob_free(out);
	return r;
}
