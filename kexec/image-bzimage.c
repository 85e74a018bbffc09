/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bzImage with the 64-bit entry (Documentation/arch/x86/boot.rst): the
 * setup header sits at 0x1f1 of the file, the protected-mode kernel after
 * (setup_sects + 1) sectors, and the 64-bit entry is 0x200 bytes into it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include "image.h"

#define HDR_OFFSET      0x1f1
#define ENTRY64_OFFSET  0x200
#define SECTOR          512
#define SETUP_SECTS_OLD 4               /* setup_sects 0 means 4 (boot.rst, "setup_sects") */
/*
 * Everything below 2.12 is refused: only 2.12 announces the 64-bit entry
 * (xloadflags), and by then every field read here exists (init_size and
 * pref_address came in 2.10).  The 2.06 line only chooses the message:
 * before 2.06 (Linux 2.6.22) the kernel is plainly too old; from 2.06 to
 * 2.11 the message names the missing 64-bit entry.
 */
#define PROTOCOL_TOO_OLD 0x0206
#define PROTOCOL_64BIT  0x020c          /* xloadflags: XLF_KERNEL_64 */
#define VMLINUX_PROTOCOL 0x020f         /* what setup_header_vmlinux() claims */
#define VMLINUX_ALIGN   0x200000        /* CONFIG_PHYSICAL_ALIGN's default, 2 MiB */
#define COMMAND_LINE_SIZE 2048          /* x86's, with the NUL */
#define BELOW_4G_MAX    0xffffffffu     /* initrd_addr_max: the last byte below 4 GiB */

void setup_header_vmlinux(struct setup_header *h)
{
	h->boot_flag = SETUP_BOOT_FLAG;
	h->header = SETUP_HDR_MAGIC;
	h->version = VMLINUX_PROTOCOL;
	h->loadflags = LOADED_HIGH;
	h->initrd_addr_max = BELOW_4G_MAX;
	h->cmdline_size = COMMAND_LINE_SIZE - 1;
	h->kernel_alignment = VMLINUX_ALIGN;
}

void load_plan_set_limits(struct load_plan *plan, const struct setup_header *h)
{
	/* initrd_addr_max is the highest address the initrd may touch (inclusive). */
	plan->initrd_max = (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX
			   : (uint64_t)h->initrd_addr_max + 1;
	/* cmdline_size excludes the NUL (boot.rst, "cmdline_size") */
	plan->cmdline_max = h->cmdline_size + 1;
}

static const struct setup_header *bzimage_header(const uint8_t *buf)
{
	return (const struct setup_header *)(buf + HDR_OFFSET);
}

/* Bytes of setup header the image has: 0x202 + the byte at 0x201, from 0x1f1. */
static size_t header_len(const uint8_t *buf)
{
	size_t end = 0x202 + buf[0x201];
	size_t len = end - HDR_OFFSET;

	return len < sizeof(struct setup_header) ? len : sizeof(struct setup_header);
}

/* The real-mode part: the boot sector and setup_sects sectors of setup code. */
static size_t bzimage_setup_size(const struct setup_header *h)
{
	return ((size_t)(h->setup_sects ? h->setup_sects : SETUP_SECTS_OLD) + 1) * SECTOR;
}

static int bzimage_probe(const uint8_t *buf, size_t len, const char *path, struct kexec_log *log)
{
	const struct setup_header *h;
	size_t setup_size;

	if (len < HDR_OFFSET + sizeof(struct setup_header))
		return IMAGE_NOT_MINE;
	h = bzimage_header(buf);
	if (h->header != SETUP_HDR_MAGIC || h->boot_flag != SETUP_BOOT_FLAG)
		return IMAGE_NOT_MINE;
	/* From here on it is a bzImage: every problem is an error of its own. */
	if (h->version < PROTOCOL_TOO_OLD)
		return log_errno(log, -ENOEXEC, "%s: boot protocol %u.%02u is too old, need 2.12+",
				 path, h->version >> 8, h->version & 0xff);
	if (h->version < PROTOCOL_64BIT)
		return log_errno(log, -ENOEXEC,
				 "%s: boot protocol %u.%02u has no 64-bit entry (xloadflags), need 2.12+",
				 path, h->version >> 8, h->version & 0xff);
	if (!(h->xloadflags & XLF_KERNEL_64))
		return log_errno(log, -ENOEXEC, "%s: xloadflags 0x%x: no 64-bit entry (XLF_KERNEL_64)",
				 path, h->xloadflags);
	if (!h->relocatable_kernel)
		return log_errno(log, -ENOEXEC, "%s: relocatable_kernel is 0: not a relocatable kernel",
				 path);
	if (!(h->loadflags & LOADED_HIGH))
		return log_errno(log, -ENOEXEC, "%s: loadflags 0x%x: not a bzImage (LOADED_HIGH clear)",
				 path, h->loadflags);
	setup_size = bzimage_setup_size(h);
	if (setup_size + ENTRY64_OFFSET >= len)
		return log_errno(log, -ENOEXEC, "%s: setup_sects %u: the file (%zu bytes) ends inside the setup code",
				 path, h->setup_sects, len);
	/* syssize: the protected-mode part in 16-byte units, rounded up (tools/build.c) */
	if (h->syssize && setup_size + (size_t)h->syssize * 16 > len + 15)
		return log_errno(log, -ENOEXEC,
				 "%s: truncated: syssize 0x%x says 0x%zx bytes after the setup code, the file has 0x%zx",
				 path, h->syssize, (size_t)h->syssize * 16, len - setup_size);
	if (h->kernel_alignment == 0 || (h->kernel_alignment & (h->kernel_alignment - 1)))
		return log_errno(log, -ENOEXEC, "%s: kernel_alignment 0x%x is not a power of two",
				 path, h->kernel_alignment);
	if (h->init_size < len - setup_size)
		return log_errno(log, -ENOEXEC, "%s: init_size 0x%x is smaller than the kernel (0x%zx bytes)",
				 path, h->init_size, len - setup_size);
	if (h->cmdline_size == 0)
		return log_errno(log, -ENOEXEC, "%s: cmdline_size is 0", path);
	return 0;
}

static int bzimage_load(struct kexec_ctx *ctx, const struct kernel_file *k, struct load_plan *plan)
{
	const struct setup_header *h = bzimage_header(k->buf);
	size_t setup_size = bzimage_setup_size(h);
	size_t kernel_len = k->len - setup_size;
	uint64_t addr;
	int r;

	/*
	 * At or above pref_address, aligned to kernel_alignment, with room
	 * for init_size (the kernel decompresses in place within it).
	 */
	struct segment_req req = {
		.buf = k->buf + setup_size,
		.bufsz = kernel_len,
		.memsz = h->init_size,
		.align = h->kernel_alignment,
		.min = h->pref_address,
		.max = (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? 0 : 1ULL << 32,
		.hash = true,
		.what = "kernel",
	};
	r = segments_place(&plan->segs, &req, &ctx->log, &addr);
	if (r < 0 && h->pref_address > 0x1000000) {
		/* a relocatable kernel may go lower than it prefers: try from 16 MiB */
		req.min = 0x1000000;
		r = segments_place(&plan->segs, &req, &ctx->log, &addr);
	}
	if (r < 0)
		return r;

	memset(&plan->bp, 0, sizeof(plan->bp));
	memcpy(&plan->bp.hdr, h, header_len(k->buf));
	plan->bp.hdr.code32_start = (uint32_t)addr;
	plan->entry = addr + ENTRY64_OFFSET;
	load_plan_set_limits(plan, h);         /* the file's header: the copy may be shorter */
	log_debug(&ctx->log, "bzImage: protocol %u.%02u, setup %zu bytes, kernel 0x%zx bytes at 0x%" PRIx64
		  " (pref_address 0x%llx, alignment 0x%x, init_size 0x%x), entry 0x%" PRIx64,
		  h->version >> 8, h->version & 0xff, setup_size, kernel_len, addr,
		  (unsigned long long)h->pref_address, h->kernel_alignment, h->init_size, plan->entry);
	return 0;
}

static const char *const bzimage_types[] = { "bzImage64", "bzImage", NULL };

const struct image_ops bzimage_ops = {
	.name = "bzImage64",
	.type_names = bzimage_types,
	.probe = bzimage_probe,
	.load = bzimage_load,
};
