// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loader's half of DESIGN.md "Purgatory", step 4: which CPUs, how
 * fast the TSC runs, where the trampoline goes.  See cpus.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cpus.h"
#include "tdx/tdx.h"

_Static_assert(TDX_MAX_APICIDS == KTDX_MAX_CPUS, "cpuinfo keeps as many APIC ids as the purgatory takes");


static int parse_ids(const char *list, struct cpus_plan *out, struct kexec_log *log)
{
	const char *p = list;

	out->nr_cpus = 0;
	while (*p) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(p, &end, 0);
		if (errno || end == p || *p == '-' || v > UINT32_MAX || (*end && *end != ','))
			return log_errno(log, -EINVAL, "--tdx-debug-apic-ids=%s: \"%.20s\" is not an APIC id",
					 list, p);
		if (out->nr_cpus == KTDX_MAX_CPUS)
			return log_errno(log, -EINVAL, "--tdx-debug-apic-ids=%s: more than %d ids", list,
					 KTDX_MAX_CPUS);
		out->apic_ids[out->nr_cpus++] = (uint32_t)v;
		p = *end ? end + 1 : end;
	}
	if (!out->nr_cpus)
		return log_errno(log, -EINVAL, "--tdx-debug-apic-ids: empty list");
	return 0;
}

int cpus_plan_build(const struct tdx_cpuinfo *ci, uint64_t tsc_khz, unsigned max_clear,
		    const char *apic_ids_override, struct cpus_plan *out, struct kexec_log *log)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->tsc_khz = tsc_khz;
	if (apic_ids_override) {
		if ((r = parse_ids(apic_ids_override, out, log)) < 0)
			return r;
	} else if (ci && ci->ncpus && ci->napicid == ci->ncpus) {
		out->nr_cpus = ci->napicid;
		memcpy(out->apic_ids, ci->apicid, ci->napicid * sizeof(uint32_t));
	} else if (ci && ci->ncpus > 1) {
		log_warn(log, "/proc/cpuinfo: %u of %u CPUs with an apicid (at most %d): the purgatory "
			 "flushes and clears on the boot CPU alone", ci->napicid, ci->ncpus,
			 KTDX_MAX_CPUS);
	}
	for (uint32_t i = 0; i < out->nr_cpus; i++)
		for (uint32_t k = 0; k < i; k++)
			if (out->apic_ids[i] == out->apic_ids[k])
				return log_errno(log, -EINVAL, "APIC id %" PRIu32 " is listed twice",
						 out->apic_ids[i]);
	out->clear_cpus = out->nr_cpus ? out->nr_cpus : 1;
	if (out->clear_cpus > KTDX_MAX_CLEAR_CPUS)
		out->clear_cpus = KTDX_MAX_CLEAR_CPUS;
	if (max_clear && max_clear < out->clear_cpus)
		out->clear_cpus = max_clear;
	return 0;
}

int cpus_trampoline_place(struct segments *segs, const struct memmap *map, struct kexec_log *log,
			  uint64_t *addr)
{
	struct rangeset ram = RANGESET_INIT;
	int r;

	if ((r = memmap_collect(map, E820_TYPE_RAM, &ram)) < 0)
		return r;
	if ((r = rangeset_subtract(&ram, 0, PAGE_SIZE_4K)) < 0 ||
	    (r = rangeset_subtract(&ram, LOW_1M, UINT64_MAX)) < 0 ||
	    (r = segments_subtract_from(segs, &ram)) < 0)
		goto out;
	rangeset_align_inward(&ram, PAGE_SIZE_4K);
	rangeset_normalize(&ram);
	r = -ENOSPC;
	for (size_t i = ram.n; i-- > 0;) {
		if (ram.v[i].end - ram.v[i].start < PAGE_SIZE_4K)
			continue;
		*addr = ram.v[i].end - PAGE_SIZE_4K;
		r = segments_add_low(segs, *addr, PAGE_SIZE_4K, "trampoline", log);
		goto out;
	}
	log_errno(log, r, "no free RAM page below 1 MiB in the firmware map for the CPU start "
		  "trampoline");
out:
	rangeset_free(&ram);
	return r;
}

int cpus_map_add(struct rangeset *map)
{
	int r = rangeset_add(map, CPUS_XAPIC_BASE, CPUS_XAPIC_BASE + PAGE_SIZE_4K);

	if (r < 0)
		return r;
	rangeset_normalize(map);
	return 0;
}

void cpus_params_fill(const struct cpus_plan *pl, uint64_t trampoline, struct ktdx_params *p)
{
	p->trampoline = trampoline;
	p->tsc_khz = pl->tsc_khz;
	p->apic_mmio = trampoline ? CPUS_XAPIC_BASE : 0;
	p->nr_cpus = pl->nr_cpus;
	p->clear_cpus = pl->clear_cpus;
	memcpy(p->apic_ids, pl->apic_ids, pl->nr_cpus * sizeof(uint32_t));
}
