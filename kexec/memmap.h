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
#include "pstore.h"
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

/* The first MiB: firmware, real-mode trampolines; never TDX memory, never ours to place in. */
#define LOW_1M                  0x100000ULL
/* The x86 page, the unit of segments, clear ranges and the trampoline. */
#define PAGE_SIZE_4K            4096ULL

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

#define MEM_MAX_KEPT            4

/*
 * The one memory plan of an invocation (DESIGN.md "private_ranges"):
 * /proc/iomem and the firmware map, each read once, and every set that
 * detection, --tdx-status, placement and kdump derive from them.
 */
struct mem_plan {
	struct iomem io;                /* /proc/iomem; empty when it could not be read */
	int io_err;                     /* 0, or the -errno of reading it */
	struct memmap map;              /* the e820 map the new kernel gets */
	bool map_from_iomem;            /* no /sys/firmware/memmap: iomem's top level */
	int map_err;                    /* 0, or the -errno of reading it */
	struct rangeset fw_ram;         /* RAM of map */
	struct rangeset system_ram;     /* top-level "System RAM" of /proc/iomem */
	struct rangeset crash;          /* every "Crash kernel" range of /proc/iomem */
	struct pstore_facts pstore;     /* reserve_mem= and ramoops (pstore.c) */
	/*
	 * What may hold TDX private memory: fw_ram ∩ system_ram, minus
	 * [0, 1 MiB), minus crash, minus the kept ranges; sorted and merged.  Only meaningful with
	 * private_ok; otherwise private_why says which file kept it from
	 * being computed (a clear then refuses: never a clear of nothing).
	 */
	struct rangeset private_ranges;
	bool private_ok;
	char private_why[512];
	/* System RAM taken out of private_ranges and why (pstore behind reserve_mem=) */
	struct mem_kept kept[MEM_MAX_KEPT];
	unsigned nkept;
	/* reserve_mem= regions whose place is unknown: a clear wipes them; "" none */
	char pstore_warning[512];
};

/*
 * Read /proc/iomem, the firmware map, /proc/cmdline's reserve_mem= and
 * ramoops' parameters through the sysroot (each once) and compute the plan.  A file that cannot be read is logged and
 * recorded (io_err, map_err, private_why), not returned: only -ENOMEM is.
 */
int mem_plan_read(const struct sysroot *sr, struct kexec_log *log, struct mem_plan *p);
/*
 * The sets of p from p->io, p->map and p->pstore as they are (pure; what
 * mem_plan_read does after reading).  `iomem_path` names /proc/iomem in
 * private_why.  -ENOMEM.
 */
int mem_plan_compute(struct mem_plan *p, const char *iomem_path);
void mem_plan_free(struct mem_plan *p);
/*
 * Where segments may go: fw_ram ∩ system_ram minus the crash kernel and
 * the kept ranges.
 * Without /proc/iomem, the firmware map's RAM minus nothing.
 */
int mem_plan_usable(const struct mem_plan *p, struct rangeset *out);

#endif
