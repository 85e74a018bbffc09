/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware memory map (/sys/firmware/memmap/N/{start,end,type}) and
 * the resource tree (/proc/iomem).  Parsers take buffers; the readers go
 * through the sysroot.  All ranges come out half-open.
 */
#ifndef KEXEC_MEMMAP_H
#define KEXEC_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "log.h"
#include "range.h"
#include "sysroot.h"

/* e820 types (arch/x86/include/asm/e820/types.h) */
#define E820_TYPE_RAM           1
#define E820_TYPE_RESERVED      2
#define E820_TYPE_ACPI          3
#define E820_TYPE_NVS           4
#define E820_TYPE_UNUSABLE      5
#define E820_TYPE_PMEM          7
#define E820_TYPE_PRAM          12
#define E820_TYPE_SOFT_RESERVED 0xefffffffu

struct memmap_entry {
	uint64_t start;
	uint64_t end;           /* exclusive */
	uint32_t type;          /* E820_TYPE_* */
};

struct memmap {
	struct memmap_entry *v;
	size_t n;
};

/* "System RAM\n" -> E820_TYPE_RAM etc.; -EINVAL for an unknown name. */
int memmap_type_from_name(const char *name, uint32_t *type);
const char *memmap_type_name(uint32_t type);
/*
 * One /sys/firmware/memmap/N entry from the text of its three files
 * (inclusive end, as the kernel prints it).  `where` names the entry in
 * error messages ("/sys/firmware/memmap/3").
 */
int memmap_parse_entry(const char *start, const char *end, const char *type,
		       struct memmap_entry *out, struct kexec_log *log, const char *where);
/* Every entry of sys/firmware/memmap, sorted by start. */
int memmap_read(const struct sysroot *sr, struct kexec_log *log, struct memmap *out);
void memmap_free(struct memmap *map);
/* Union of the entries of one type, normalized. */
int memmap_collect(const struct memmap *map, uint32_t type, struct rangeset *out);

struct iomem_entry {
	uint64_t start;
	uint64_t end;           /* exclusive */
	unsigned depth;         /* 0 for top level, +1 per two spaces of indent */
	char name[64];
};

struct iomem {
	struct iomem_entry *v;
	size_t n;
};

/* Parse /proc/iomem text ("  00100000-bfffffff : System RAM"). */
int iomem_parse(const char *buf, size_t len, struct iomem *out,
		struct kexec_log *log, const char *where);
int iomem_read(const struct sysroot *sr, struct kexec_log *log, struct iomem *out);
void iomem_free(struct iomem *io);
/* Every entry whose name is exactly `name`, at any depth, into out (normalized). */
int iomem_collect(const struct iomem *io, const char *name, struct rangeset *out);
/*
 * A firmware map from the top level of /proc/iomem, for kernels without
 * /sys/firmware/memmap (CONFIG_FIRMWARE_MEMMAP off): the kernel names both
 * with the same e820 type strings.  Other top-level entries (PCI windows,
 * "Kernel code" is nested) are left out; sorted by start.
 */
int memmap_from_iomem(const struct iomem *io, struct memmap *out);
/*
 * The firmware map as the new kernel should see it: memmap_read(), or,
 * where the kernel has no /sys/firmware/memmap directory, memmap_from_iomem()
 * over io, the caller's /proc/iomem (empty when it could not be read).
 * *from_iomem (may be NULL) says which.  -ENOENT, logged, when the
 * fallback finds no entry.
 */
int memmap_read_or_iomem(const struct sysroot *sr, struct kexec_log *log, const struct iomem *io,
			 struct memmap *out, bool *from_iomem);

#endif
