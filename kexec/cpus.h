/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the purgatory needs to start the other CPUs (DESIGN.md
 * "Purgatory", step 3): their APIC ids from /proc/cpuinfo, the TSC rate
 * from the kernel log, how many CPUs clear (--tdx-cpus), a trampoline
 * page below 1 MiB and the xAPIC page in its map.
 */
#ifndef KEXEC_CPUS_H
#define KEXEC_CPUS_H

#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>
#include "log.h"
#include "memmap.h"
#include "range.h"
#include "segments.h"

struct tdx_cpuinfo;

/* Where the trampoline and park page may lie: Linux's reserve_low window. */
#define CPUS_PARK_MIN           0x1000ull
#define CPUS_PARK_MAX           0x10000ull

/* The architectural default of IA32_APIC_BASE; the purgatory checks the real one. */
#define CPUS_XAPIC_BASE         0xfee00000ull

struct cpus_plan {
	uint32_t nr_cpus;               /* 0: unknown, the boot CPU alone */
	uint32_t apic_ids[KTDX_MAX_CPUS];
	uint32_t packages[KTDX_MAX_CPUS];       /* "physical id", else KTDX_PACKAGE_OWN | index */
	uint32_t boot_apic_id;          /* Linux's CPU 0, KTDX_APIC_ID_UNKNOWN */
	uint32_t flags;                 /* KTDX_FLAG_KERNEL_FLUSHES_ALL, KTDX_FLAG_NO_PACKAGE_RULE */
	uint32_t clear_cpus;            /* CPUs with a share, the boot CPU included */
	uint64_t tsc_khz;               /* 0: unknown */
};

/* What decides whether a load may go on when not every package can be started. */
struct cpus_rules {
	int flushes_all_cpus;           /* enum tdx_tristate: kernel.flushes_all_cpus */
	bool force;                     /* --tdx-force */
	bool crash;                     /* -p: no other CPU is started, no package rule */
};

/*
 * The plan from cpuinfo (may be NULL: unknown) and the log's TSC rate.
 * max_clear: --tdx-cpus (0 = every CPU).  apic_ids_override: a
 * comma-separated list of APIC ids, each with an optional ":PACKAGE",
 * that replaces cpuinfo's (a test's way to make a CPU not answer), NULL
 * for none.  -EINVAL, one line logged, for a bad list.
 *
 * DESIGN.md "Purgatory", step 3: when cpuinfo does not let the
 * purgatory start a CPU in every package (unreadable, a block without
 * "apicid" or "physical id", more than KTDX_MAX_CPUS CPUs), the load is
 * refused (TDX_REFUSED, one line naming the cause) unless the running
 * kernel flushes every CPU itself, the load is a crash load, or
 * rules->force (then a warning, and the purgatory is told to go on).
 */
int cpus_plan_build(const struct tdx_cpuinfo *ci, uint64_t tsc_khz, unsigned max_clear,
		    const char *apic_ids_override, const struct cpus_rules *rules,
		    struct cpus_plan *out, struct kexec_log *log);

/*
 * A zero-filled 4 KiB segment for the trampoline, which becomes the park
 * page at the end (doc/purgatory.md): a page in [4 KiB, 64 KiB) that
 * the firmware map calls RAM, not used by any segment, the highest such
 * page.  Linux never hands out that range (CONFIG_X86_RESERVE_LOW) and
 * places its own low trampolines top-down from 640 KiB.  -ENOSPC
 * (logged) when there is none.
 */
int cpus_trampoline_place(struct segments *segs, const struct memmap *map, struct kexec_log *log,
			  uint64_t *addr);

/* Add the xAPIC page to the purgatory's map (the purgatory maps it uncached). */
int cpus_map_add(struct rangeset *map);

/* The params fields of step 4. */
void cpus_params_fill(const struct cpus_plan *pl, uint64_t trampoline, struct ktdx_params *p);

#endif
