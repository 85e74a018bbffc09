// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loader's half of DESIGN.md "Purgatory", step 4: which CPUs, how
 * fast the TSC runs, where the trampoline goes.  See cpus.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpus.h"
#include "tdx/tdx.h"

_Static_assert(TDX_MAX_APICIDS == KTDX_MAX_CPUS, "cpuinfo keeps as many APIC ids as the purgatory takes");


/* One "ID[:PACKAGE]" of --tdx-debug-apic-ids; *end past it. */
static int parse_id(const char *p, const char *list, uint32_t *id, uint32_t *pkg, bool *has_pkg,
		    const char **end, struct kexec_log *log)
{
	char *e;
	unsigned long long v;

	errno = 0;
	v = strtoull(p, &e, 0);
	if (errno || e == p || *p == '-' || v > UINT32_MAX)
		goto bad;
	*id = (uint32_t)v;
	*has_pkg = *e == ':';
	if (*has_pkg) {
		const char *q = e + 1;

		errno = 0;
		v = strtoull(q, &e, 0);
		if (errno || e == q || *q == '-' || v > UINT32_MAX)
			goto bad;
		*pkg = (uint32_t)v;
	}
	if (*e && *e != ',')
		goto bad;
	*end = e;
	return 0;
bad:
	return log_errno(log, -EINVAL, "--tdx-debug-apic-ids=%s: \"%.20s\" is not an APIC id", list, p);
}

/* The package cpuinfo gives APIC id `id`, else a package of its own. */
static uint32_t package_of(const struct tdx_cpuinfo *ci, uint32_t id, uint32_t index)
{
	for (unsigned i = 0; ci && i < ci->napicid && i < ci->nphysid; i++)
		if (ci->apicid[i] == id)
			return ci->physid[i];
	return KTDX_PACKAGE_OWN | index;
}

static int parse_ids(const char *list, const struct tdx_cpuinfo *ci, struct cpus_plan *out,
		     struct kexec_log *log)
{
	const char *p = list, *end = list;

	out->nr_cpus = 0;
	while (*p) {
		uint32_t id = 0, pkg = 0;
		bool has_pkg = false;
		int r = parse_id(p, list, &id, &pkg, &has_pkg, &end, log);

		if (r < 0)
			return r;
		if (out->nr_cpus == KTDX_MAX_CPUS)
			return log_errno(log, -EINVAL, "--tdx-debug-apic-ids=%s: more than %d ids", list,
					 KTDX_MAX_CPUS);
		out->apic_ids[out->nr_cpus] = id;
		out->packages[out->nr_cpus] = has_pkg ? pkg : package_of(ci, id, out->nr_cpus);
		out->nr_cpus++;
		p = *end ? end + 1 : end;
	}
	if (!out->nr_cpus)
		return log_errno(log, -EINVAL, "--tdx-debug-apic-ids: empty list");
	return 0;
}

/* The package rule at load time (cpus.h); 0 to go on, TDX_REFUSED when refused. */
static int package_rule(const struct tdx_cpuinfo *ci, bool override, const struct cpus_rules *rules,
			struct cpus_plan *out, struct kexec_log *log)
{
	char why[160];

	if (rules->flushes_all_cpus == TDX_YES)
		out->flags |= KTDX_FLAG_KERNEL_FLUSHES_ALL;
	if (rules->crash) {
		out->flags |= KTDX_FLAG_NO_PACKAGE_RULE;        /* the dump matters more (doc/purgatory.md) */
		return 0;
	}
	if (override || !tdx_cpuinfo_packages_unknown(ci, why, sizeof(why)))
		return 0;
	if (rules->flushes_all_cpus == TDX_YES) {
		log_info(log, "%s; the running kernel flushes every CPU itself (kernel.flushes_all_cpus)",
			 why);
		return 0;
	}
	if (!rules->force)
		return log_errno(log, TDX_REFUSED, "%s: the purgatory cannot make a CPU of every package "
				 "flush its caches, and the running kernel does not flush every CPU itself; "
				 "refusing (--tdx-force overrides)", why);
	log_warn(log, "--tdx-force: %s: going on, although a package no CPU of which flushed may write "
		 "dirty private cache lines over the new kernel's memory", why);
	out->flags |= KTDX_FLAG_NO_PACKAGE_RULE;
	return 0;
}

int cpus_plan_build(const struct tdx_cpuinfo *ci, uint64_t tsc_khz, unsigned max_clear,
		    const char *apic_ids_override, const struct cpus_rules *rules,
		    struct cpus_plan *out, struct kexec_log *log)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->tsc_khz = tsc_khz;
	out->boot_apic_id = ci && ci->boot_apicid_known ? ci->boot_apicid : KTDX_APIC_ID_UNKNOWN;
	if ((r = package_rule(ci, apic_ids_override, rules, out, log)) < 0)
		return r;
	if (apic_ids_override) {
		if ((r = parse_ids(apic_ids_override, ci, out, log)) < 0)
			return r;
	} else if (ci && ci->ncpus && ci->napicid == ci->ncpus) {
		out->nr_cpus = ci->napicid;
		memcpy(out->apic_ids, ci->apicid, ci->napicid * sizeof(uint32_t));
		for (uint32_t i = 0; i < out->nr_cpus; i++)
			out->packages[i] = ci->nphysid == ci->ncpus ? ci->physid[i] : KTDX_PACKAGE_OWN | i;
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
	if ((r = rangeset_subtract(&ram, 0, CPUS_PARK_MIN)) < 0 ||
	    (r = rangeset_subtract(&ram, CPUS_PARK_MAX, UINT64_MAX)) < 0 ||
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
	log_errno(log, r, "no free RAM page in [4 KiB, 64 KiB) of the firmware map for the CPU start "
		  "trampoline and park page");
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
	p->boot_apic_id = pl->boot_apic_id;
	p->flags |= pl->flags;
	memcpy(p->apic_ids, pl->apic_ids, pl->nr_cpus * sizeof(uint32_t));
	memcpy(p->packages, pl->packages, pl->nr_cpus * sizeof(uint32_t));
}
