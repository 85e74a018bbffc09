/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the purgatory needs to start the other CPUs (DESIGN.md
 * "Purgatory", step 4): their APIC ids from /proc/cpuinfo, the TSC rate
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

/* The architectural default of IA32_APIC_BASE; the purgatory checks the real one. */
#define CPUS_XAPIC_BASE         0xfee00000ull

struct cpus_plan {
	uint32_t nr_cpus;               /* 0: unknown, the boot CPU alone */
	uint32_t apic_ids[KTDX_MAX_CPUS];
	uint32_t clear_cpus;            /* CPUs with a share, the boot CPU included */
	uint64_t tsc_khz;               /* 0: unknown */
};

/*
 * The plan from cpuinfo (may be NULL: unknown) and the log's TSC rate.
 * max_clear: --tdx-cpus (0 = every CPU).  apic_ids_override: a
 * comma-separated list of APIC ids that replaces cpuinfo's (a test's
 * way to make a CPU not answer), NULL for none.  -EINVAL, one line
 * logged, for a bad list.  CPUs cpuinfo lists without an "apicid" leave
 * the plan at the boot CPU alone (nr_cpus 0), with a warning.
 */
int cpus_plan_build(const struct tdx_cpuinfo *ci, uint64_t tsc_khz, unsigned max_clear,
		    const char *apic_ids_override, struct cpus_plan *out, struct kexec_log *log);

/*
 * A zero-filled 4 KiB segment for the trampoline in a page below 1 MiB
 * that the firmware map calls RAM (never page 0), not used by any
 * segment, the highest such page.  -ENOSPC (logged) when there is none.
 */
int cpus_trampoline_place(struct segments *segs, const struct memmap *map, struct kexec_log *log,
			  uint64_t *addr);

/* Add the xAPIC page to the purgatory's map (the purgatory maps it uncached). */
int cpus_map_add(struct rangeset *map);

/* The params fields of step 4. */
void cpus_params_fill(const struct cpus_plan *pl, uint64_t trampoline, struct ktdx_params *p);

#endif
