/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>
#include <kexec-tdx/purgatory-abi.h>
#include "bootparams.h"
#include "text.h"

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

/*
 * efi_info from the running kernel's own boot_params (the EFI system
 * table and the descriptor size); left zero when it cannot be used.
 */
static void efi_info_read(struct kexec_ctx *ctx, struct efi_info *info)
{
	char *data = NULL;
	size_t len;
	int r = sysroot_read(ctx->sr, "sys/kernel/boot_params/data", 65536, &data, &len);

	if (r < 0 || len < sizeof(struct boot_params)) {
		log_warn(&ctx->log, "/sys/kernel/boot_params/data: %s: EFI information is not passed on",
			 r < 0 ? strerror(-r) : "too short");
		free(data);
		return;
	}
	memcpy(info, data + offsetof(struct boot_params, efi_info), sizeof(*info));
	free(data);
	if (info->efi_memmap_size == 0 || info->efi_memdesc_size < sizeof(struct efi_memdesc))
		memset(info, 0, sizeof(*info));
}

/* One descriptor of /sys/firmware/efi/runtime-map/NAME into dst, as the kernel lays it out. */
static int efi_memdesc_read(struct kexec_ctx *ctx, const char *name, uint8_t *dst)
{
	static const char *const field[] = { "type", "phys_addr", "virt_addr", "num_pages",
					     "attribute" };
	struct efi_memdesc d = { 0 };
	uint64_t type;
	uint64_t *val[] = { &type, &d.phys_addr, &d.virt_addr, &d.num_pages, &d.attribute };
	char path[64];
	int r;

	for (size_t f = 0; f < ARRAY_SIZE(field); f++) {
		snprintf(path, sizeof(path), "sys/firmware/efi/runtime-map/%s/%s", name, field[f]);
		if ((r = read_u64(ctx, path, val[f])) < 0)
			return log_errno(&ctx->log, r, "/%s: %s", path, strerror(-r));
	}
	d.type = (uint32_t)type;
	memcpy(dst, &d, sizeof(d));
	return 0;
}

/*
 * The runtime map, efi_memdesc_size bytes per descriptor.  When the
 * running kernel exposes none, a warning, and efi->info is zeroed: the
 * new kernel then gets no EFI information at all.
 */
static int efi_runtime_map_read(struct kexec_ctx *ctx, struct efi_boot_info *efi)
{
	char **names = NULL;
	size_t n = 0;
	int r = sysroot_list(ctx->sr, "sys/firmware/efi/runtime-map", &names, &n);

	if (r < 0) {
		log_warn(&ctx->log, "/sys/firmware/efi/runtime-map: %s: the new kernel will not have "
			 "EFI runtime services", strerror(-r));
		memset(&efi->info, 0, sizeof(efi->info));
		return 0;
	}
	efi->runtime_map_size = n * efi->info.efi_memdesc_size;
	efi->runtime_map = calloc(1, efi->runtime_map_size ? efi->runtime_map_size : 1);
	if (!efi->runtime_map)
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = efi_memdesc_read(ctx, names[i], efi->runtime_map + i * efi->info.efi_memdesc_size);
	sysroot_names_free(names, n);
	return r;
}

/* What SETUP_EFI and acpi_rsdp_addr carry: firmware vendor, tables, SMBIOS, ACPI 2.0 RSDP. */
static void efi_tables_read(struct kexec_ctx *ctx, struct efi_boot_info *efi)
{
	char *systab = NULL;
	size_t len;

	read_u64(ctx, "sys/firmware/efi/fw_vendor", &efi->fw_vendor);
	read_u64(ctx, "sys/firmware/efi/config_table", &efi->config_table);
	if (sysroot_read(ctx->sr, "sys/firmware/efi/systab", 65536, &systab, &len) == 0) {
		efi->smbios = systab_value(systab, "SMBIOS");
		efi->acpi20 = systab_value(systab, "ACPI20");
		free(systab);
	}
}

int efi_boot_info_read(struct kexec_ctx *ctx, struct efi_boot_info *efi)
{
	int r;

	memset(efi, 0, sizeof(*efi));
	if (!sysroot_exists(ctx->sr, "sys/firmware/efi"))
		return 0;
	/* a step that finds nothing usable leaves efi->info zero: nothing more to read */
	efi_info_read(ctx, &efi->info);
	if (!efi->info.efi_memmap_size)
		return 0;
	if ((r = efi_runtime_map_read(ctx, efi)) < 0) {
		efi_boot_info_free(efi);
		return r;
	}
	if (!efi->info.efi_memmap_size)
		return 0;
	efi_tables_read(ctx, efi);
	return 0;
}

/*
 * LINUX_EFI_INITRD_MEDIA_GUID (include/linux/efi.h) as it lies in memory:
 * the EFI stub that loaded the initrd itself (LoadFile2) leaves a config
 * table { u64 base, size } in EFI loader data, which the running kernel
 * freed.  Config tables are passed on across kexec, so the next kernel
 * reads those 16 bytes again, and kernels with "efi: Wipe INITRD config
 * table from memory after consumption" (Linux 6.19, Debian's 7.x) write
 * zeros there: into whatever segment of ours lies on them.
 */
static const uint8_t efi_initrd_guid[16] = { 0x27, 0xe4, 0x68, 0x55, 0xfc, 0x68, 0x3d, 0x4f,
					     0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 };
#define EFI_SYSTAB_SIGNATURE 0x5453595320494249ULL      /* "IBI SYST" */
#define EFI_SYSTAB_NR_TABLES 0x68                       /* efi_system_table_64_t */
#define EFI_MAX_TABLES       1024

static int phys_read(int fd, uint64_t addr, void *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len, (off_t)addr);

	return n == (ssize_t)len ? 0 : -EIO;
}

int efi_initrd_table_find(struct kexec_ctx *ctx, uint64_t *addr)
{
	char *data = NULL;
	size_t len;
	struct efi_info info;
	uint64_t hdr[2], systab, sig;
	uint8_t ent[24];
	int fd, r = 0;

	*addr = 0;
	if (!sysroot_exists(ctx->sr, "sys/firmware/efi") ||
	    sysroot_read(ctx->sr, "sys/kernel/boot_params/data", 65536, &data, &len) < 0)
		return 0;
	if (len >= sizeof(struct boot_params))
		memcpy(&info, data + offsetof(struct boot_params, efi_info), sizeof(info));
	free(data);
	if (len < sizeof(struct boot_params))
		return 0;
	systab = info.efi_systab | (uint64_t)info.efi_systab_hi << 32;
	if (!systab || (fd = sysroot_open_file(ctx->sr, "dev/mem", O_RDONLY | O_CLOEXEC)) < 0) {
		log_debug(&ctx->log, "EFI system table 0x%" PRIx64 ": /dev/mem not readable, the "
			  "INITRD config table is not looked for", systab);
		return 0;
	}
	/*
	 * hdr[0]: nr_tables, hdr[1]: tables, which SetVirtualAddressMap made
	 * virtual: the physical address is the one the kernel kept in sysfs
	 */
	if (phys_read(fd, systab, &sig, 8) < 0 || sig != EFI_SYSTAB_SIGNATURE ||
	    phys_read(fd, systab + EFI_SYSTAB_NR_TABLES, hdr, sizeof(hdr)) < 0 ||
	    hdr[0] > EFI_MAX_TABLES) {
		log_debug(&ctx->log, "/dev/mem: no EFI system table at 0x%" PRIx64, systab);
		goto out;
	}
	read_u64(ctx, "sys/firmware/efi/config_table", &hdr[1]);
	for (uint64_t i = 0; i < hdr[0] && !*addr; i++) {
		if (phys_read(fd, hdr[1] + i * sizeof(ent), ent, sizeof(ent)) < 0)
			break;
		if (!memcmp(ent, efi_initrd_guid, 16))
			memcpy(addr, ent + 16, 8);
	}
	log_debug(&ctx->log, "EFI config tables at 0x%" PRIx64 " (%" PRIu64 "): INITRD table at 0x%"
		  PRIx64, hdr[1], hdr[0], *addr);
out:
	close(fd);
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

/*
 * What goes into the blob besides the zero page, and where: the command
 * line, the EFI runtime map, then the setup_data entries, each 16-byte
 * aligned.  The entries' payloads live here until the blob is filled.
 */
struct blob_layout {
	struct sd_item items[4];
	size_t nitems;
	size_t cmdlen, cmd_off, efimap_off, size;
	bool pass_efi;
	uint8_t *e820_ext;              /* SETUP_E820_EXT payload (allocated) */
	struct efi_setup_payload efi_sd;
	uint8_t seed[RNG_SEED_BYTES];
};

static void blob_layout_free(struct blob_layout *lay)
{
	free(lay->e820_ext);
	explicit_bzero(lay->seed, sizeof(lay->seed));
}

/* e820 entries past the 128 of the zero page, as a SETUP_E820_EXT payload. */
static int e820_ext_add(const struct memmap *e820, struct blob_layout *lay)
{
	size_t ext_n = e820->n > E820_ZEROPAGE_MAX ? e820->n - E820_ZEROPAGE_MAX : 0;

	if (!ext_n)
		return 0;
	lay->e820_ext = calloc(ext_n, sizeof(struct boot_e820_entry));
	if (!lay->e820_ext)
		return -ENOMEM;
	for (size_t i = 0; i < ext_n; i++) {
		const struct memmap_entry *m = &e820->v[E820_ZEROPAGE_MAX + i];
		struct boot_e820_entry e = { m->start, m->end - m->start, m->type };

		memcpy(lay->e820_ext + i * sizeof(e), &e, sizeof(e));
	}
	lay->items[lay->nitems++] = (struct sd_item){ SETUP_E820_EXT, lay->e820_ext,
						      ext_n * sizeof(struct boot_e820_entry), 0 };
	return 0;
}

/* The setup_data entries, in chain order: E820_EXT, EFI, RNG seed, report slot. */
static int setup_data_collect(struct kexec_ctx *ctx, const struct bootparams_input *in,
			      const struct efi_boot_info *efi, struct blob_layout *lay)
{
	int r;

	if ((r = e820_ext_add(in->e820, lay)) < 0)
		return r;
	lay->pass_efi = in->efi && efi && efi->runtime_map_size;
	if (lay->pass_efi) {
		lay->efi_sd = (struct efi_setup_payload){ .fw_vendor = efi->fw_vendor,
							  .tables = efi->config_table,
							  .smbios = efi->smbios };
		lay->items[lay->nitems++] = (struct sd_item){ SETUP_EFI, &lay->efi_sd,
							      sizeof(lay->efi_sd), 0 };
	}
	if (in->rng_seed) {
		if (getrandom(lay->seed, sizeof(lay->seed), GRND_NONBLOCK) == (ssize_t)sizeof(lay->seed))
			lay->items[lay->nitems++] = (struct sd_item){ SETUP_RNG_SEED, lay->seed,
								      sizeof(lay->seed), 0 };
		else
			log_debug(&ctx->log, "no RNG seed: the entropy pool is not ready");
	}
	if (in->report_slot)
		lay->items[lay->nitems++] = (struct sd_item){ KTDX_SETUP_TYPE, NULL,
							      KTDX_REPORT_SIZE(in->report_cpus), 0 };
	return 0;
}

/* Offsets in the blob: zero page, command line, EFI runtime map, setup_data entries. */
static void blob_layout_offsets(struct blob_layout *lay, const struct efi_boot_info *efi)
{
	size_t off = sizeof(struct boot_params);

	lay->cmd_off = off;
	off = align16(off + lay->cmdlen + 1);
	lay->efimap_off = off;
	if (lay->pass_efi)
		off = align16(off + efi->runtime_map_size);
	for (size_t i = 0; i < lay->nitems; i++) {
		lay->items[i].off = off;
		off = align16(off + sizeof(struct setup_data) + lay->items[i].len);
	}
	lay->size = off;
}

/* Allocate the blob and place it: page aligned, top down below 4 GiB. */
static int blob_place(struct kexec_ctx *ctx, struct load_plan *plan, const struct blob_layout *lay,
		      struct bootparams_blob *out)
{
	out->size = lay->size;
	out->buf = calloc(1, lay->size);
	if (!out->buf)
		return -ENOMEM;
	/* keep it low but clear of the first MiB, like the kernel's own loader */
	struct segment_req req = {
		.buf = out->buf, .bufsz = out->size, .align = PAGE_SIZE_4K,
		.min = LOW_1M, .max = 1ULL << 32, .top_down = true, .hash = true,
		.what = "bootparams",
	};
	return segments_place(&plan->segs, &req, &ctx->log, &out->addr);
}

/* alt_mem_k, for completeness: KiB of RAM contiguous from below 1 MiB up, above 1 MiB, below 4 GiB. */
static uint32_t alt_mem_k(const struct memmap *e820)
{
	uint64_t top = 0;

	for (size_t i = 0; i < e820->n; i++)
		if (e820->v[i].type == E820_TYPE_RAM && e820->v[i].start <= LOW_1M &&
		    e820->v[i].end > top)
			top = e820->v[i].end;
	for (size_t i = 0; i < e820->n; i++)
		if (e820->v[i].type == E820_TYPE_RAM && e820->v[i].start == top)
			top = e820->v[i].end;
	if (top <= LOW_1M)
		return 0;
	return (uint32_t)(((top < (1ULL << 32) ? top : (1ULL << 32)) - LOW_1M) >> 10);
}

/* The zero page: the format's header, command line, initrd and e820. */
static void zero_page_fill(const struct load_plan *plan, const struct bootparams_input *in,
			   const struct blob_layout *lay, struct bootparams_blob *out)
{
	struct boot_params *bp = (struct boot_params *)out->buf;
	uint64_t cmd_addr = out->addr + lay->cmd_off;

	*bp = plan->bp;
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	memcpy(out->buf + lay->cmd_off, in->cmdline ? in->cmdline : "", lay->cmdlen + 1);
	bp->hdr.cmd_line_ptr = (uint32_t)cmd_addr;
	bp->ext_cmd_line_ptr = (uint32_t)(cmd_addr >> 32);
	bp->hdr.ramdisk_image = (uint32_t)in->initrd_addr;
	bp->ext_ramdisk_image = (uint32_t)(in->initrd_addr >> 32);
	bp->hdr.ramdisk_size = (uint32_t)in->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(in->initrd_size >> 32);
	bootparams_fill_e820(bp, in->e820);
	out->e820_entries = (unsigned)in->e820->n;
	bp->alt_mem_k = alt_mem_k(in->e820);
}

/* efi_info and the runtime map behind it; zero when EFI is not passed on. */
static void efi_info_fill(const struct efi_boot_info *efi, const struct blob_layout *lay,
			  struct bootparams_blob *out)
{
	struct boot_params *bp = (struct boot_params *)out->buf;
	uint64_t map_addr = out->addr + lay->efimap_off;

	if (!lay->pass_efi) {
		memset(&bp->efi_info, 0, sizeof(bp->efi_info));
		return;
	}
	memcpy(out->buf + lay->efimap_off, efi->runtime_map, efi->runtime_map_size);
	bp->efi_info = efi->info;
	bp->efi_info.efi_memmap = (uint32_t)map_addr;
	bp->efi_info.efi_memmap_hi = (uint32_t)(map_addr >> 32);
	bp->efi_info.efi_memmap_size = (uint32_t)efi->runtime_map_size;
	if (efi->acpi20)
		bp->acpi_rsdp_addr = efi->acpi20;
	out->efi_passed = true;
}

/*
 * Write the setup_data entries and chain them in order from
 * hdr.setup_data.  The chain replaces whatever the image's header had
 * there: a file's setup_data field is meaningless outside its boot.
 */
static void setup_data_chain(const struct blob_layout *lay, struct bootparams_blob *out)
{
	struct boot_params *bp = (struct boot_params *)out->buf;
	uint64_t next = 0;

	for (size_t k = lay->nitems; k-- > 0;) {
		const struct sd_item *it = &lay->items[k];
		struct setup_data *sd = (struct setup_data *)(out->buf + it->off);

		sd->next = next;
		sd->type = it->type;
		sd->len = (uint32_t)it->len;
		if (it->data)
			memcpy(sd->data, it->data, it->len);
		if (it->type == KTDX_SETUP_TYPE)
			out->report_addr = out->addr + it->off + sizeof(struct setup_data);
		next = out->addr + it->off;
	}
	bp->hdr.setup_data = next;
}

int bootparams_build(struct kexec_ctx *ctx, struct load_plan *plan,
		     const struct bootparams_input *in, const struct efi_boot_info *efi,
		     struct bootparams_blob *out)
{
	struct blob_layout lay = { .cmdlen = in->cmdline ? strlen(in->cmdline) : 0 };
	int r;

	memset(out, 0, sizeof(*out));
	if (plan->cmdline_max && lay.cmdlen + 1 > plan->cmdline_max)
		return log_errno(&ctx->log, -E2BIG,
				 "command line: %zu bytes, the kernel accepts at most %u (cmdline_size)",
				 lay.cmdlen, plan->cmdline_max - 1);
	if ((r = setup_data_collect(ctx, in, efi, &lay)) < 0)
		goto fail;
	blob_layout_offsets(&lay, efi);
	if ((r = blob_place(ctx, plan, &lay, out)) < 0)
		goto fail;
	zero_page_fill(plan, in, &lay, out);
	efi_info_fill(efi, &lay, out);
	setup_data_chain(&lay, out);
	blob_layout_free(&lay);
	return 0;
fail:
	blob_layout_free(&lay);
	bootparams_blob_free(out);
	return r;
}
