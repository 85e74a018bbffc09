/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pstore kept in System RAM (DESIGN.md "private_ranges"): since Linux 6.11
 * `reserve_mem=SIZE:ALIGN:NAME` takes memory from memblock at boot
 * (mm/memblock.c) and `ramoops.mem_name=NAME` makes ramoops use it
 * (fs/pstore/ram.c, reserve_mem_find_by_name()).  ramoops maps it with
 * vmap and registers nothing in /proc/iomem, where it stays inside
 * "System RAM"; its place is in /sys/module/ramoops/parameters/mem_address
 * (module_param_hw ullong, "%llu") and mem_size (ulong, "%lu"), root-only,
 * while ramoops is loaded.  Those pages were never the page allocator's,
 * so they cannot hold TDX private memory and must survive a clear.
 */
#ifndef KEXEC_PSTORE_H
#define KEXEC_PSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include "log.h"
#include "sysroot.h"

#define PSTORE_MAX_RESERVE      8       /* reserve_mem= regions looked at */
#define PSTORE_NAME_SIZE        16      /* RESERVE_MEM_NAME_SIZE in mm/memblock.c */
#define PSTORE_RAMOOPS_PARAMS   "sys/module/ramoops/parameters"

/* What the command line and ramoops say. */
struct pstore_facts {
	unsigned nreserve;              /* reserve_mem= of /proc/cmdline, in order */
	struct {
		char name[PSTORE_NAME_SIZE];
		char arg[64];           /* "2M:4096:oops" as given (truncated) */
	} reserve[PSTORE_MAX_RESERVE];
	bool ramoops;                   /* its mem_name, mem_address and mem_size were read */
	char ramoops_why[160];          /* otherwise why not ("" when ramoops is not loaded) */
	char mem_name[64];              /* "" for "(null)" */
	uint64_t mem_address, mem_size;
};

/*
 * One range kept out of the private ranges, and why (--tdx-status
 * "kept_ranges").
 */
struct mem_kept {
	uint64_t start, end;            /* end exclusive */
	char why[160];
};

/*
 * The reserve_mem= arguments of a kernel command line (pure): words split
 * at blanks outside double quotes, up to "--" (what follows goes to init).
 * Malformed ones (no NAME) are skipped; more than PSTORE_MAX_RESERVE are
 * dropped.
 */
void pstore_cmdline_parse(const char *cmdline, struct pstore_facts *f);

/*
 * proc/cmdline and ramoops' parameters through the sysroot.  Never fails:
 * what cannot be read leaves the region's place unknown (ramoops false,
 * ramoops_why naming the file when it exists but cannot be read).
 */
void pstore_read(const struct sysroot *sr, struct kexec_log *log, struct pstore_facts *f);

/*
 * The pstore range a clear keeps (pure): ramoops' region when its
 * mem_name is a reserve_mem= name of the command line and it has a size.
 * *why says so.  false when there is none.
 */
bool pstore_ramoops_range(const struct pstore_facts *f, struct mem_kept *out);

/*
 * The warning for reserve_mem= regions whose place is unknown (pure):
 * every name but the one ramoops is found in.  "" when there is none.
 */
void pstore_unplaced_warning(const struct pstore_facts *f, char *buf, size_t size);

#endif
