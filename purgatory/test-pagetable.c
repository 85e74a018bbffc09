/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * purgatory/pagetable.c, hosted: build the identity map in a user buffer
 * that pretends to sit at a physical address, walk it as the MMU would
 * (SDM vol. 3A, 4.5), and check that the loader's sizing
 * (ktdx_pgtable_bytes) always suffices.  (Kept next to the code it tests
 * because tests/unit/ belongs to the loader's files.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include "pagetable.h"

#define GiB (1ull << 30)
#define TiB (1ull << 40)
#define AREA_PHYS 0x7f000000ull

struct pt {
	uint8_t *buf;
	uint64_t phys, size, root;
};

/* -1: not mapped; else the physical address va translates to. */
static int64_t walk(const struct pt *pt, uint64_t va, bool la57, int *leaf_level)
{
	uint64_t table = pt->root;
	int levels = la57 ? 5 : 4;

	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t idx = (va >> shift) & 511, e;

		assert_true(table >= pt->phys && table + 4096 <= pt->phys + pt->size);
		memcpy(&e, pt->buf + (table - pt->phys) + idx * 8, 8);
		if (!(e & PTE_P))
			return -1;
		assert_true(e & PTE_RW);
		assert_false(e & (1ull << 2));          /* supervisor */
		assert_false(e & (3ull << 3));          /* PWT, PCD clear: WB */
		assert_false(e >> 63);                  /* no NX */
		if ((level == 2 || level == 3) && (e & PTE_PS)) {
			uint64_t mask = (1ull << shift) - 1;

			assert_false(e & (1ull << 12));     /* PAT bit of a large page: WB */
			*leaf_level = level;
			return (int64_t)((e & PTE_ADDR_MASK & ~mask) | (va & mask));
		}
		assert_true(level > 2);                 /* 4 KiB pages are never used */
		table = e & PTE_ADDR_MASK;
	}
	return -1;
}

static void build(struct pt *pt, uint64_t map_top, bool gb, bool la57, int expect)
{
	pt->size = pagetable_bytes(map_top, gb, la57);
	assert_true(pt->size > 0 && pt->size <= ktdx_pgtable_bytes(map_top));
	pt->phys = AREA_PHYS;
	pt->buf = aligned_alloc(4096, pt->size);
	assert_non_null(pt->buf);
	memset(pt->buf, 0xcc, pt->size);        /* the purgatory must not rely on zeroed memory */
	assert_int_equal(pagetable_build(pt->buf, pt->phys, pt->size, map_top, gb, la57, &pt->root),
			 expect);
}

struct map_case {
	uint64_t map_top;
	bool gb, la57;
};

static const struct map_case maps[] = {
	{ 1 * GiB, false, false }, { 1 * GiB, true, false },
	{ 4 * GiB, false, false }, { 4 * GiB, true, false },
	{ 3 * GiB + (1ull << 29), false, false },       /* rounded up to 4 GiB */
	{ 513 * GiB, false, false }, { 513 * GiB, true, false },
	{ 2 * GiB, false, true }, { 2 * GiB, true, true },
	{ 1025 * GiB, true, true },
	{ 256 * TiB, true, false },                     /* the most 4-level paging maps */
	{ 300 * TiB, true, true },                      /* needs a second PML4 page */
};

static void test_identity(void **state)
{
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		const struct map_case *m = &maps[i];
		uint64_t top = (m->map_top + GiB - 1) & ~(GiB - 1);
		uint64_t probes[] = { 0, 0x1000, 0x1fffff, 0x200000, GiB - 1, GiB, GiB + 0x123456,
				      m->map_top / 2 + 0x40, top - 0x200000, top - 1 };
		struct pt pt;
		int lvl = 0;

		build(&pt, m->map_top, m->gb, m->la57, PAGETABLE_OK);
		assert_int_equal(pt.root, pt.phys);
		assert_true(pagetable_bytes(m->map_top, m->gb, m->la57) <= ktdx_pgtable_bytes(m->map_top));
		for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
			if (probes[k] >= top)
				continue;
			int64_t pa = walk(&pt, probes[k], m->la57, &lvl);

			if (pa != (int64_t)probes[k])
				fail_msg("map_top 0x%llx gb %d la57 %d: 0x%llx -> 0x%llx",
					 (unsigned long long)m->map_top, m->gb, m->la57,
					 (unsigned long long)probes[k], (unsigned long long)pa);
			assert_int_equal(lvl, m->gb ? 3 : 2);
		}
		/* nothing at or beyond the top */
		uint64_t va_limit = m->la57 ? 1ull << 57 : 1ull << 48;

		if (top < va_limit)
			assert_int_equal(walk(&pt, top, m->la57, &lvl), -1);
		if (top + 5 * GiB < va_limit)
			assert_int_equal(walk(&pt, top + 5 * GiB, m->la57, &lvl), -1);
		free(pt.buf);
	}
}

/* Every 2 MiB page of 4 GiB, exhaustively. */
static void test_every_page(void **state)
{
	struct pt pt;
	int lvl;

	build(&pt, 4 * GiB, false, false, PAGETABLE_OK);
	for (uint64_t va = 0; va < 4 * GiB; va += 0x200000)
		assert_int_equal(walk(&pt, va + 0x1234, false, &lvl), (int64_t)(va + 0x1234));
	free(pt.buf);
}

static void test_errors(void **state)
{
	static uint8_t area[3 * 4096] __attribute__((aligned(4096)));
	uint64_t root;

	/* 2 GiB with 2 MiB pages needs PML4 + PDPT + 2 PDs = 4 pages */
	assert_int_equal(pagetable_bytes(2 * GiB, false, false), 4 * 4096);
	assert_int_equal(pagetable_bytes(2 * GiB, true, false), 2 * 4096);
	assert_int_equal(pagetable_bytes(2 * GiB, true, true), 3 * 4096);
	assert_int_equal(pagetable_build(area, 0x100000, sizeof(area), 2 * GiB, false, false, &root),
			 PAGETABLE_TOO_SMALL);
	assert_int_equal(pagetable_build(area, 0x100000, sizeof(area), 2 * GiB, true, false, &root),
			 PAGETABLE_OK);
	assert_int_equal(pagetable_build(area, 0x100800, sizeof(area), 2 * GiB, true, false, &root),
			 PAGETABLE_MISALIGNED);
	/* 4-level paging cannot map beyond 256 TiB */
	assert_int_equal(pagetable_bytes(257 * TiB, true, false), 0);
	assert_int_equal(pagetable_build(area, 0x100000, sizeof(area), 257 * TiB, true, false, &root),
			 PAGETABLE_TOO_HIGH);
	/* the loader's sizing over a range of sizes */
	for (uint64_t top = 0; top <= 4 * TiB; top += 37 * GiB + 4096)
		for (int mode = 0; mode < 4; mode++)
			assert_true(pagetable_bytes(top, mode & 1, mode & 2) <= ktdx_pgtable_bytes(top));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_every_page),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
