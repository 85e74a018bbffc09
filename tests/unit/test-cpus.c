/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec/cpus.c: the CPUs the purgatory starts (cpuinfo's APIC ids, or the
 * test override), how many clear (--tdx-cpus), the TSC rate, the
 * trampoline page below 1 MiB and the xAPIC page in the map.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cpus.h"
#include "tdx/tdx.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct tdx_cpuinfo ci;
static struct cpus_plan pl;
/* a kernel that does not flush every CPU itself, no --tdx-force, not -p */
static const struct cpus_rules strict = { TDX_NO, false, false };

/* ncpus CPUs, napicid of them with an apicid (2 * i), all in package 0 (then 1 from the 3rd on) */
static void cpuinfo_with(unsigned ncpus, unsigned napicid)
{
	memset(&ci, 0, sizeof(ci));
	ci.ncpus = ncpus;
	ci.napicid = napicid;
	ci.nphysid = ncpus;
	for (unsigned i = 0; i < napicid; i++)
		ci.apicid[i] = 2 * i;
	for (unsigned i = 0; i < ncpus; i++)
		ci.physid[i] = i >= 2;
	ci.boot_apicid_known = true;
	ci.boot_apicid = 0;
}

static void test_plan(void **state)
{
	static const struct {
		unsigned ncpus, napicid, max_clear;
		uint32_t nr, clear;
	} cases[] = {
		{ 4, 4, 0, 4, 4 },              /* every CPU clears */
		{ 4, 4, 1, 4, 1 },              /* --tdx-cpus=1: the others only flush */
		{ 4, 4, 2, 4, 2 },
		{ 4, 4, 9, 4, 4 },              /* more than there are */
		{ 1, 1, 0, 1, 1 },
		{ 200, 200, 0, 200, KTDX_MAX_CLEAR_CPUS },      /* stacks for 64 */
		{ 200, 200, 100, 200, KTDX_MAX_CLEAR_CPUS },
		{ 200, 200, 10, 200, 10 },
	};
	struct kexec_log log = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cpuinfo_with(cases[i].ncpus, cases[i].napicid);
		assert_int_equal(cpus_plan_build(&ci, 2903998, cases[i].max_clear, NULL, &strict, &pl,
						 &log), 0);
		assert_int_equal(pl.nr_cpus, cases[i].nr);
		assert_int_equal(pl.clear_cpus, cases[i].clear);
		assert_int_equal(pl.tsc_khz, 2903998);
		assert_int_equal(pl.boot_apic_id, 0);
		assert_int_equal(pl.flags, 0);
		for (uint32_t k = 0; k < pl.nr_cpus; k++) {
			assert_int_equal(pl.apic_ids[k], 2 * k);
			assert_int_equal(pl.packages[k], k >= 2);
		}
	}
}

/*
 * DESIGN.md "Purgatory", step 3, at load time: what keeps the purgatory
 * from starting a CPU in every package refuses the load, naming the
 * cause, unless the kernel flushes every CPU itself, -p, or --tdx-force.
 */
static void test_package_rule(void **state)
{
	static const struct {
		unsigned ncpus, napicid, nphysid;
		bool no_cpuinfo;
		struct cpus_rules rules;
		int err;
		uint32_t nr, flags;
		const char *msg;
	} cases[] = {
		{ 4, 3, 4, false, { TDX_NO, false, false }, TDX_REFUSED, 0, 0,
		  "/proc/cpuinfo: 3 of 4 CPUs have an \"apicid\": the purgatory cannot make a CPU of every "
		  "package flush its caches, and the running kernel does not flush every CPU itself; "
		  "refusing (--tdx-force overrides)" },
		{ 4, 4, 0, false, { TDX_UNKNOWN, false, false }, TDX_REFUSED, 0, 0,
		  "/proc/cpuinfo: 0 of 4 CPUs have a \"physical id\" (their package): the purgatory "
		  "cannot make a CPU of every package flush its caches, and the running kernel does not "
		  "flush every CPU itself; refusing (--tdx-force overrides)" },
		{ 1100, 1024, 1024, false, { TDX_NO, false, false }, TDX_REFUSED, 0, 0,
		  "/proc/cpuinfo: 1100 CPUs, more than the 1024 the purgatory can start: the purgatory "
		  "cannot make a CPU of every package flush its caches, and the running kernel does not "
		  "flush every CPU itself; refusing (--tdx-force overrides)" },
		{ 0, 0, 0, true, { TDX_NO, false, false }, TDX_REFUSED, 0, 0,
		  "/proc/cpuinfo could not be read: the CPUs and their packages are unknown: the "
		  "purgatory cannot make a CPU of every package flush its caches, and the running kernel "
		  "does not flush every CPU itself; refusing (--tdx-force overrides)" },
		/* the kernel flushes every CPU: on, each CPU a package of its own */
		{ 4, 4, 0, false, { TDX_YES, false, false }, 0, 4, KTDX_FLAG_KERNEL_FLUSHES_ALL, NULL },
		{ 4, 3, 4, false, { TDX_YES, false, false }, 0, 0, KTDX_FLAG_KERNEL_FLUSHES_ALL, NULL },
		/* --tdx-force: a warning, and the purgatory is told */
		{ 4, 3, 4, false, { TDX_NO, true, false }, 0, 0, KTDX_FLAG_NO_PACKAGE_RULE,
		  "--tdx-force: /proc/cpuinfo: 3 of 4 CPUs have an \"apicid\": going on, although a "
		  "package no CPU of which flushed may write dirty private cache lines over the new "
		  "kernel's memory" },
		/* -p: no CPU is started, the dump matters more */
		{ 4, 3, 4, false, { TDX_NO, false, true }, 0, 0, KTDX_FLAG_NO_PACKAGE_RULE, NULL },
		/* one CPU: its package is the running CPU's */
		{ 1, 1, 0, false, { TDX_NO, false, false }, 0, 1, 0, NULL },
		{ 4, 4, 4, false, { TDX_NO, true, false }, 0, 4, 0, NULL },
	};
	struct kexec_log log = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cpuinfo_with(cases[i].ncpus, cases[i].napicid);
		ci.nphysid = cases[i].nphysid;
		log.last[0] = 0;
		assert_int_equal(cpus_plan_build(cases[i].no_cpuinfo ? NULL : &ci, 0, 0, NULL,
						 &cases[i].rules, &pl, &log), cases[i].err);
		if (cases[i].msg)
			assert_string_equal(log.last, cases[i].msg);
		if (cases[i].err)
			continue;
		assert_int_equal(pl.nr_cpus, cases[i].nr);
		assert_int_equal(pl.flags, cases[i].flags);
		for (uint32_t k = 0; k < pl.nr_cpus; k++)
			assert_int_equal(pl.packages[k], cases[i].nphysid ? (k >= 2) : (KTDX_PACKAGE_OWN | k));
	}
}

/*
 * The same on a real tree: spr-tdx-erratum-idle's cpuinfo (two threads
 * of package 0) goes on; without its "physical id" lines it is refused
 * unless the kernel flushes every CPU itself.
 */
static void test_package_rule_fixture(void **state)
{
	const char *top = getenv("abs_top_srcdir");
	char path[4096], *buf, *line;
	struct kexec_log log = { 0 };
	static const struct cpus_rules flushes = { TDX_YES, false, false };
	FILE *f;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/tests/fixtures/spr-tdx-erratum-idle/proc/cpuinfo",
		 top ? top : ".");
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(buf = calloc(1, 1 << 16));
	len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	assert_int_equal(tdx_cpuinfo_parse(buf, len, &ci, &log, "cpuinfo"), 0);
	assert_int_equal(cpus_plan_build(&ci, 0, 0, NULL, &strict, &pl, &log), 0);
	assert_int_equal(pl.nr_cpus, 2);
	assert_int_equal(pl.packages[0], 0);
	assert_int_equal(pl.packages[1], 0);
	assert_int_equal(pl.boot_apic_id, 0);
	/* drop every "physical id" line */
	while ((line = strstr(buf, "physical id")))
		memcpy(line, "xphysical_d", 11);
	assert_int_equal(tdx_cpuinfo_parse(buf, strlen(buf), &ci, &log, "cpuinfo"), 0);
	assert_int_equal(ci.nphysid, 0);
	assert_int_equal(cpus_plan_build(&ci, 0, 0, NULL, &strict, &pl, &log), TDX_REFUSED);
	assert_non_null(strstr(log.last, "0 of 2 CPUs have a \"physical id\""));
	assert_int_equal(cpus_plan_build(&ci, 0, 0, NULL, &flushes, &pl, &log), 0);
	assert_int_equal(pl.nr_cpus, 2);
	assert_int_equal(pl.flags, KTDX_FLAG_KERNEL_FLUSHES_ALL);
	free(buf);
}

static void test_override(void **state)
{
	static const struct {
		const char *list;
		int err;
		uint32_t nr;
		uint32_t ids[4];
		const char *msg;
	} cases[] = {
		{ "0,1,2,99", 0, 4, { 0, 1, 2, 99 }, NULL },
		{ "0,2,99:7", 0, 3, { 0, 2, 99 }, NULL },
		{ "0x10,7", 0, 2, { 16, 7 }, NULL },
		{ "5", 0, 1, { 5 }, NULL },
		{ "", -EINVAL, 0, { 0 }, "--tdx-debug-apic-ids: empty list" },
		{ "1,x", -EINVAL, 0, { 0 }, "--tdx-debug-apic-ids=1,x: \"x\" is not an APIC id" },
		{ "1;2", -EINVAL, 0, { 0 }, "--tdx-debug-apic-ids=1;2: \"1;2\" is not an APIC id" },
		{ "-1", -EINVAL, 0, { 0 }, "--tdx-debug-apic-ids=-1: \"-1\" is not an APIC id" },
		{ "4294967296", -EINVAL, 0, { 0 },
		  "--tdx-debug-apic-ids=4294967296: \"4294967296\" is not an APIC id" },
		{ "3,1,3", -EINVAL, 0, { 0 }, "APIC id 3 is listed twice" },
	};
	struct kexec_log log = { 0 };

	cpuinfo_with(2, 2);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		log.last[0] = 0;
		assert_int_equal(cpus_plan_build(&ci, 0, 0, cases[i].list, &strict, &pl, &log),
				 cases[i].err);
		if (cases[i].err) {
			assert_string_equal(log.last, cases[i].msg);
			continue;
		}
		assert_int_equal(pl.nr_cpus, cases[i].nr);
		assert_int_equal(pl.clear_cpus, cases[i].nr);
		for (uint32_t k = 0; k < cases[i].nr; k++)
			assert_int_equal(pl.apic_ids[k], cases[i].ids[k]);
	}
	/* packages: cpuinfo's for the ids it has, ":N" as given, else one of its own */
	cpuinfo_with(3, 3);
	assert_int_equal(cpus_plan_build(&ci, 0, 0, "4,0,99,98:1", &strict, &pl, &log), 0);
	assert_int_equal(pl.packages[0], 1);
	assert_int_equal(pl.packages[1], 0);
	assert_int_equal(pl.packages[2], KTDX_PACKAGE_OWN | 2);
	assert_int_equal(pl.packages[3], 1);
}

/*
 * The highest free firmware-RAM page in [4 KiB, 64 KiB) (the park page,
 * doc/purgatory.md), never page 0, never a segment's.
 */
static void test_trampoline(void **state)
{
	static const struct {
		struct memmap_entry e[3];
		size_t n;
		uint64_t taken;                 /* an existing low segment, 0 none */
		int err;
		uint64_t addr;
	} cases[] = {
		/* the usual BIOS map: RAM up to 0x9fc00, the EBDA above; never near 640 KiB */
		{ { { 0, 0x9fc00, 1 }, { 0x9fc00, 0xa0000, 2 }, { 0x100000, 0x80000000, 1 } }, 3, 0, 0,
		  0xf000 },
		{ { { 0, 0x9fc00, 1 }, { 0x100000, 0x80000000, 1 } }, 2, 0xf000, 0, 0xe000 },
		/* OVMF: RAM from 0 to 0xa0000 */
		{ { { 0, 0xa0000, 1 }, { 0x100000, 0x80000000, 1 } }, 2, 0, 0, 0xf000 },
		/* RAM only from 64 KiB on */
		{ { { 0x10000, 0xa0000, 1 }, { 0x100000, 0x80000000, 1 } }, 2, 0, -ENOSPC, 0 },
		{ { { 0x2000, 0x9000, 1 }, { 0x100000, 0x80000000, 1 } }, 2, 0, 0, 0x8000 },
		/* only page 0 is RAM below 1 MiB */
		{ { { 0, 0x1000, 1 }, { 0x100000, 0x80000000, 1 } }, 2, 0, -ENOSPC, 0 },
		/* nothing below 1 MiB */
		{ { { 0x100000, 0x80000000, 1 } }, 1, 0, -ENOSPC, 0 },
		/* reserved, not RAM */
		{ { { 0, 0xa0000, 2 }, { 0x100000, 0x80000000, 1 } }, 2, 0, -ENOSPC, 0 },
	};
	struct kexec_log log = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct memmap map = { (struct memmap_entry *)cases[i].e, cases[i].n };
		struct rangeset ram = RANGESET_INIT;
		struct segments segs;
		uint64_t addr = 0;

		assert_int_equal(rangeset_add(&ram, 0x100000, 0x80000000), 0);
		assert_int_equal(segments_init(&segs, &ram, 0x100000, 0), 0);
		if (cases[i].taken)
			assert_int_equal(segments_add_low(&segs, cases[i].taken, 4096, "other", &log), 0);
		assert_int_equal(cpus_trampoline_place(&segs, &map, &log, &addr), cases[i].err);
		if (!cases[i].err) {
			assert_int_equal(addr, cases[i].addr);
			assert_int_equal(segs.v[segs.n - 1].mem, cases[i].addr);
			assert_int_equal(segs.v[segs.n - 1].memsz, 4096);
			assert_false(segs.v[segs.n - 1].hash);
			assert_string_equal(segs.v[segs.n - 1].what, "trampoline");
		} else {
			assert_non_null(strstr(log.last, "no free RAM page in [4 KiB, 64 KiB)"));
		}
		segments_free(&segs);
		rangeset_free(&ram);
	}
}

static void test_params(void **state)
{
	static struct ktdx_params p;
	struct kexec_log log = { 0 };

	cpuinfo_with(3, 3);
	assert_int_equal(cpus_plan_build(&ci, 1000000, 2, NULL, &strict, &pl, &log), 0);
	ci.boot_apicid = 4;
	pl.flags = KTDX_FLAG_KERNEL_FLUSHES_ALL;
	pl.boot_apic_id = 2;
	p.flags = KTDX_FLAG_AVX;
	cpus_params_fill(&pl, 0xf000, &p);
	assert_int_equal(p.trampoline, 0xf000);
	assert_int_equal(p.flags, KTDX_FLAG_AVX | KTDX_FLAG_KERNEL_FLUSHES_ALL);
	assert_int_equal(p.boot_apic_id, 2);
	assert_int_equal(p.packages[0], 0);
	assert_int_equal(p.packages[2], 1);
	assert_int_equal(p.apic_mmio, CPUS_XAPIC_BASE);
	assert_int_equal(p.tsc_khz, 1000000);
	assert_int_equal(p.nr_cpus, 3);
	assert_int_equal(p.clear_cpus, 2);
	assert_int_equal(p.apic_ids[2], 4);
	/* no trampoline (a crash load): the ids, no APIC page */
	cpus_params_fill(&pl, 0, &p);
	assert_int_equal(p.trampoline, 0);
	assert_int_equal(p.apic_mmio, 0);

	struct rangeset map = RANGESET_INIT;
	assert_int_equal(rangeset_add(&map, 0x100000, 0x200000), 0);
	assert_int_equal(cpus_map_add(&map), 0);
	assert_int_equal(map.n, 2);
	assert_int_equal(map.v[1].start, 0xfee00000);
	assert_int_equal(map.v[1].end, 0xfee01000);
	rangeset_free(&map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_package_rule),
		cmocka_unit_test(test_package_rule_fixture),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_trampoline),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
