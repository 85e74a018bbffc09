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
	bool linux_boot;                /* a Linux kernel: pass boot_params in %rsi */
	/*
	 * boot_params as the format leaves it: a bzImage copies its setup
	 * header in (has_setup_header); an ELF vmlinux leaves it zero.
	 */
	struct boot_params bp;
	bool has_setup_header;
	uint64_t kernel_start, kernel_end;      /* where the kernel went, for -d */
	uint64_t initrd_max;            /* highest initrd end the kernel accepts (exclusive) */
	uint32_t cmdline_max;           /* bytes of command line incl. NUL the kernel accepts */
};

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
