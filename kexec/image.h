/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel image formats (STYLE.md 4): each says whether a buffer is its
 * own and places its segments.  Adding a format is one file and one entry
 * in image_formats[] (load.c).
 */
#ifndef KEXEC_IMAGE_H
#define KEXEC_IMAGE_H

#include <asm/bootparam.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ctx.h"
#include "segments.h"

/* The kernel file after decompression. */
struct kernel_file {
	const char *path;
	uint8_t *buf;
	size_t len;
};

/* What a format hands to the common part of the load (bootparams.c, load.c). */
struct load_plan {
	struct segments segs;
	uint64_t entry;                 /* physical 64-bit entry of the new kernel */
	/*
	 * boot_params as the format leaves it for bootparams.c: a bzImage
	 * copies its own setup header in, an ELF vmlinux gets
	 * setup_header_vmlinux()'s.  The limits below follow that header
	 * (load_plan_set_limits()).
	 */
	struct boot_params bp;
	uint64_t initrd_max;            /* highest initrd end the kernel accepts (exclusive) */
	uint32_t cmdline_max;           /* bytes of command line incl. NUL the kernel accepts */
};

/*
 * The boot protocol's facts (Documentation/arch/x86/boot.rst), kept in
 * image-bzimage.c and shared by both formats so they cannot disagree.
 */
#define SETUP_HDR_MAGIC 0x53726448u     /* "HdrS" */
#define SETUP_BOOT_FLAG 0xaa55

/*
 * The setup header an ELF vmlinux is given, which brings none: protocol
 * 2.15, LOADED_HIGH, a command line of COMMAND_LINE_SIZE (2048) and an
 * initrd anywhere below 4 GiB.
 */
void setup_header_vmlinux(struct setup_header *h);
/* plan->initrd_max and plan->cmdline_max from the kernel's setup header h. */
void load_plan_set_limits(struct load_plan *plan, const struct setup_header *h);

/* What a probe returns for a buffer of another format (nothing logged). */
#define IMAGE_NOT_MINE  1

struct image_ops {
	const char *name;
	const char *const *type_names;  /* the --type values that choose it, NULL-terminated */
	/*
	 * 0: the buffer is this format.  IMAGE_NOT_MINE: another format,
	 * quietly.  -errno: this format, but unusable (one line logged,
	 * naming the file and the field).
	 */
	int (*probe)(const uint8_t *buf, size_t len, const char *path, struct kexec_log *log);
	/* Place the kernel's segments, set entry and what bootparams.c needs. */
	int (*load)(struct kexec_ctx *ctx, const struct kernel_file *k, struct load_plan *plan);
};

extern const struct image_ops bzimage_ops;
extern const struct image_ops elf64_ops;

/*
 * Read a kernel or initrd file; gzip, xz and zstd compressed files are
 * decompressed (decompress.c) when `decompress` is set.  At most max bytes
 * after decompression.
 */
int file_read(const char *path, bool decompress, size_t max, uint8_t **buf, size_t *len,
	      struct kexec_log *log);
/* Decompress a buffer if it starts with a gzip, xz or zstd magic; -ENOEXEC if it does not. */
int decompress_buffer(const uint8_t *in, size_t inlen, size_t max, uint8_t **out, size_t *outlen,
		      const char *path, struct kexec_log *log);

#endif
