/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * purgatory/pagetable.c, hosted: build the identity map of a list of
 * ranges in a user buffer that pretends to sit at a physical address,
 * then check it two ways.  (1) Walk it as the MMU would (SDM vol. 3A,
 * 4.5) for addresses at and around every edge: each byte of a range maps
 * to itself, the bytes just outside are not mapped.  (2) Enumerate every
 * present entry from the root: the leaves, merged, are exactly the
 * requested ranges (nothing else mapped, nothing non-canonical), every
 * table of the area is reached once, no table is full of 4 KiB or 2 MiB
 * leaves that one larger page could replace, and the number of tables
 * equals what pagetable_bytes(), the loader's sizing, predicts.  (Kept next
 * to the code it tests because tests/unit/ belongs to the loader's files.)
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

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define TiB (1ull << 40)
#define PiB (1ull << 50)
#define AREA_PHYS 0x7f000000ull

struct pt {
	uint8_t *buf;
	uint64_t phys, size, root, used;
	bool la57, gb;
};

static uint64_t entry_at(const struct pt *pt, uint64_t table, unsigned idx)
{
	uint64_t e;

	assert_true(table >= pt->phys && table + 4096 <= pt->phys + pt->used);
	assert_int_equal(table & 4095, 0);
	memcpy(&e, pt->buf + (table - pt->phys) + idx * 8, 8);
	return e;
}

/* (1) The MMU's walk: -1 if not mapped, else the physical address of va. */
static int64_t translate(const struct pt *pt, uint64_t va)
{
	uint64_t table = pt->root;
	int levels = pt->la57 ? 5 : 4;

	/* a canonical lower-half address, else #GP before any walk */
	if (va >> (pt->la57 ? 56 : 47))
		return -1;
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e = entry_at(pt, table, (va >> shift) & 511);

		if (!(e & PTE_P))
			return -1;
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			uint64_t mask = (1ull << shift) - 1;

			return (int64_t)((e & PTE_ADDR_MASK & ~mask) | (va & mask));
		}
		assert_false(e & PTE_PS);       /* no large page at PML4/PML5 */
		table = e & PTE_ADDR_MASK;
	}
	return -1;
}

/* (2) Enumeration of every leaf, in address order. */
struct enumerated {
	struct ktdx_range v[4096];
	size_t n;
	uint64_t tables;
	uint64_t leaves[4];     /* by level: 4 KiB, 2 MiB, 1 GiB */
};

static void add_leaf(struct enumerated *en, uint64_t start, uint64_t size)
{
	if (en->n && en->v[en->n - 1].end == start) {
		en->v[en->n - 1].end += size;
		return;
	}
	assert_true(en->n < sizeof(en->v) / sizeof(en->v[0]));
	assert_true(!en->n || en->v[en->n - 1].end < start);    /* ascending */
	en->v[en->n++] = (struct ktdx_range){ start, start + size };
}

static void enumerate(const struct pt *pt, uint64_t table, int level, uint64_t base,
		      struct enumerated *en)
{
	unsigned shift = 12 + 9 * (level - 1), present = 0, leaves_here = 0;

	en->tables++;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = entry_at(pt, table, i), va = base + ((uint64_t)i << shift);

		if (!(e & PTE_P))
			continue;
		present++;
		assert_true(e & PTE_RW);
		assert_false(e & (1ull << 2));          /* supervisor */
		assert_false(e & (3ull << 3));          /* PWT, PCD clear: write-back */
		assert_false(e >> 63);                  /* no NX */
		assert_false(e & 0x7ff0000000000000ull);        /* no reserved or protection-key bits */
		if (level == 1 || (e & PTE_PS)) {
			assert_true(level <= 3);
			assert_true(level != 3 || pt->gb);      /* 1 GiB pages only when allowed */
			if (level > 1)
				assert_false(e & (1ull << 12));  /* PAT bit of a large page: WB */
			assert_true(e & PTE_D);
			assert_int_equal(e & PTE_ADDR_MASK, va);        /* identity */
			add_leaf(en, va, 1ull << shift);
			en->leaves[level]++;
			leaves_here++;
		} else {
			assert_true(level > 1);
			enumerate(pt, e & PTE_ADDR_MASK, level - 1, va, en);
		}
	}
	assert_true(present > 0);       /* no empty table except an empty root */
	/* a table full of leaves should have been one larger page */
	if (leaves_here == 512)
		assert_true(level == 3 || (level == 2 && !pt->gb));
}

struct map_case {
	const char *name;
	struct ktdx_range v[8];
	uint32_t n;
	/* exact table pages, by mode: [la57][gb]; 0 = not computed by hand */
	uint64_t pages[2][2];
};

/*
 * Page counts by hand, 4-level without 1 GiB pages, for "edges":
 * [1 MiB, 3 MiB + 4 KiB) needs PML4, PDPT, PD, a PT for [1, 2) MiB and
 * one for [2, 3 MiB + 4 KiB): 5 pages; 5-level adds the PML5.
 */
static const struct map_case cases[] = {
	{ "edges", { { 1 * MiB, 3 * MiB + 4 * KiB } }, 1, { { 5, 5 }, { 6, 6 } } },
	{ "2 MiB only", { { 2 * MiB, 4 * MiB } }, 1, { { 3, 3 }, { 4, 4 } } },
	/* 1 GiB page at [1, 2) GiB with gbpages; else a second PD */
	{ "gib", { { 1 * GiB, 2 * GiB } }, 1, { { 3, 2 }, { 4, 3 } } },
	{ "straddles 1 GiB",
	  { { 1 * GiB - 6 * MiB - 4 * KiB, 1 * GiB + 10 * MiB + 8 * KiB } }, 1,
	  /* PML4, PDPT, 2 PDs, PT below and PT above */
	  { { 6, 6 }, { 7, 7 } } },
	{ "straddles two GiB, gbpages inside",
	  { { 512 * MiB + 4 * KiB, 3 * GiB + 2 * MiB + 4 * KiB } }, 1,
	  /* no gb: PML4 PDPT 4 PDs 2 PTs = 8; gb: PML4 PDPT PD@0 PD@3 2 PTs = 6 */
	  { { 8, 6 }, { 9, 7 } } },
	{ "like a VM",
	  { { 1 * MiB, 0x7ffe0000 }, { 4 * GiB, 6 * GiB } }, 2, { { 0, 0 }, { 0, 0 } } },
	{ "adjacent ranges form one run",
	  { { 0x100000, 0x180000 }, { 0x180000, 0x200000 }, { 0x200000, 0x400000 } }, 3,
	  /* PML4 PDPT PD, one PT for [1, 2) MiB, [2, 4) MiB one 2 MiB leaf */
	  { { 4, 4 }, { 5, 5 } } },
	{ "small pieces with holes",
	  { { 0x1000, 0x2000 }, { 0x3000, 0x5000 }, { 0x1ff000, 0x201000 },
	    { 0x40000000 - 0x1000, 0x40000000 }, { 0x80000000, 0x80001000 } }, 5,
	  { { 0, 0 }, { 0, 0 } } },
	{ "straddles 512 GiB",
	  { { 511 * GiB + 2 * MiB - 4 * KiB, 513 * GiB + 4 * KiB } }, 1,
	  { { 0, 0 }, { 0, 0 } } },
	{ "crash kernel at 64 TiB",
	  { { 64 * TiB - 512 * MiB, 64 * TiB - 256 * MiB }, { 64 * TiB - 64 * MiB + 12 * KiB, 64 * TiB - 60 * MiB } }, 2,
	  { { 0, 0 }, { 0, 0 } } },
	{ "just below 128 TiB",
	  { { 128 * TiB - 1 * GiB - 4 * KiB, 128 * TiB } }, 1, { { 0, 0 }, { 0, 0 } } },
	{ "empty", { { 0, 0 } }, 0, { { 1, 1 }, { 1, 1 } } },      /* the root alone */
};

/* 5-level only: beyond 128 TiB, across the 256 TiB of one PML4 table. */
static const struct map_case cases57[] = {
	{ "above 128 TiB", { { 128 * TiB - 2 * MiB, 128 * TiB + 4 * KiB } }, 1, { { 0, 0 }, { 0, 0 } } },
	{ "straddles 256 TiB", { { 256 * TiB - 4 * KiB, 256 * TiB + 2 * GiB + 4 * KiB } }, 1,
	  /* PML5, 2 PML4, 2 PDPT, PD+PT below, with gb: PD+PT above; without: 3 PDs + PT above */
	  { { 0, 0 }, { 11, 9 } } },
	{ "just below 4 PiB", { { 4 * PiB - 4 * MiB - 4 * KiB, 4 * PiB } }, 1, { { 0, 0 }, { 0, 0 } } },
};

static bool in_map(const struct map_case *c, uint64_t a)
{
	for (uint32_t i = 0; i < c->n; i++)
		if (a >= c->v[i].start && a < c->v[i].end)
			return true;
	return false;
}

static void probe(const struct pt *pt, const struct map_case *c, uint64_t a)
{
	int64_t pa;

	if (a >> (pt->la57 ? 56 : 47))
		return;
	pa = translate(pt, a);
	if (in_map(c, a) ? pa != (int64_t)a : pa != -1)
		fail_msg("%s (gb %d la57 %d): 0x%llx -> 0x%llx", c->name, pt->gb, pt->la57,
			 (unsigned long long)a, (unsigned long long)pa);
}

static void check_case(const struct map_case *c, bool gb, bool la57)
{
	struct pt pt = { .phys = AREA_PHYS, .gb = gb, .la57 = la57 };
	static struct enumerated en;
	uint64_t bytes;

	assert_int_equal(pagetable_bytes(c->v, c->n, gb, la57, &bytes), PAGETABLE_OK);
	if (c->pages[la57][gb] && bytes != c->pages[la57][gb] * 4096)
		fail_msg("%s (gb %d la57 %d): %llu table pages, expected %llu", c->name, gb, la57,
			 (unsigned long long)(bytes / 4096), (unsigned long long)c->pages[la57][gb]);
	/* one page more than needed, filled with junk: the builder must not rely on zeroes */
	pt.size = bytes + 4096;
	pt.buf = aligned_alloc(4096, pt.size);
	assert_non_null(pt.buf);
	memset(pt.buf, 0xcc, pt.size);
	assert_int_equal(pagetable_build(pt.buf, pt.phys, pt.size, c->v, c->n, gb, la57, &pt.root,
					 &pt.used), PAGETABLE_OK);
	assert_int_equal(pt.root, pt.phys);
	assert_int_equal(pt.used, bytes);
	/* one page too few: refused */
	if (bytes > 4096) {
		uint64_t root, used;

		assert_int_equal(pagetable_build(pt.buf, pt.phys, bytes - 4096, c->v, c->n, gb, la57,
						 &root, &used), PAGETABLE_TOO_SMALL);
		assert_int_equal(pagetable_build(pt.buf, pt.phys, pt.size, c->v, c->n, gb, la57,
						 &pt.root, &pt.used), PAGETABLE_OK);
	}

	/* (2) exactly the merged ranges, every table reached once */
	memset(&en, 0, sizeof(en));
	if (c->n)
		enumerate(&pt, pt.root, la57 ? 5 : 4, 0, &en);
	else
		en.tables = 1;
	assert_int_equal(en.tables * 4096, bytes);
	size_t k = 0;
	for (uint32_t i = 0; i < c->n; k++) {
		uint64_t s = c->v[i].start, e = c->v[i].end;

		for (i++; i < c->n && c->v[i].start == e; i++)
			e = c->v[i].end;
		assert_true(k < en.n);
		assert_int_equal(en.v[k].start, s);
		assert_int_equal(en.v[k].end, e);
	}
	assert_int_equal(k, en.n);
	if (!gb)
		assert_int_equal(en.leaves[3], 0);

	/* (1) the MMU's view at and around every edge */
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t s = c->v[i].start, e = c->v[i].end;
		uint64_t pts[] = { s, s + 1, s + 4095, s + 4096, e - 1, e - 4096, e, e + 1, e + 4095,
				   e + 4096, s + (e - s) / 2, s + (e - s) / 3 * 2 + 7,
				   (s + 2 * MiB) & ~(2 * MiB - 1), ((s + 2 * MiB) & ~(2 * MiB - 1)) - 1,
				   (e & ~(2 * MiB - 1)) - 1, e & ~(2 * MiB - 1), e + 2 * MiB,
				   (e + GiB) & ~(GiB - 1), e + GiB };

		for (size_t j = 0; j < sizeof(pts) / sizeof(pts[0]); j++)
			probe(&pt, c, pts[j]);
		if (s >= 4096) {
			probe(&pt, c, s - 1);
			probe(&pt, c, s - 4096);
		}
		if (s >= 2 * MiB)
			probe(&pt, c, s - 2 * MiB);
		/* every 4 KiB page of a small range, and its neighbours */
		if (e - s <= 64 * MiB)
			for (uint64_t a = s >= 4096 ? s - 4096 : s; a <= e; a += 4096)
				probe(&pt, c, a + (a >> 12) % 4096);
		else
			for (uint64_t a = s; a < e; a += (e - s) / 997 | 4095)
				probe(&pt, c, a);
	}
	free(pt.buf);
}

static void test_cases(void **state __attribute__((unused)))
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int mode = 0; mode < 4; mode++)
			check_case(&cases[i], mode & 1, mode & 2);
	for (size_t i = 0; i < sizeof(cases57) / sizeof(cases57[0]); i++)
		for (int gb = 0; gb < 2; gb++)
			check_case(&cases57[i], gb, true);
}

/* Whole address space probes on one realistic map, every 2 MiB of the first 8 GiB. */
static void test_every_2mib(void **state __attribute__((unused)))
{
	const struct map_case *c = &cases[5];   /* like a VM */
	struct pt pt = { .phys = AREA_PHYS, .gb = true, .la57 = false };
	uint64_t bytes;

	assert_int_equal(pagetable_bytes(c->v, c->n, true, false, &bytes), PAGETABLE_OK);
	pt.size = bytes;
	pt.buf = aligned_alloc(4096, pt.size);
	assert_int_equal(pagetable_build(pt.buf, pt.phys, pt.size, c->v, c->n, true, false, &pt.root,
					 &pt.used), PAGETABLE_OK);
	for (uint64_t va = 0; va < 8 * GiB; va += 2 * MiB) {
		probe(&pt, c, va);
		probe(&pt, c, va + 0x1234);
		probe(&pt, c, va + 2 * MiB - 1);
	}
	free(pt.buf);
}

static void test_refused(void **state __attribute__((unused)))
{
	static uint8_t area[8 * 4096] __attribute__((aligned(4096)));
	uint64_t root, used, bytes;
	static const struct ktdx_range at128t[] = { { 128 * TiB - 2 * MiB, 128 * TiB + 4096 } };
	static const struct ktdx_range at4p[] = { { 4 * PiB - 4096, 4 * PiB + 4096 } };
	static const struct ktdx_range unaligned[] = { { 0x100800, 0x200000 } };
	static const struct ktdx_range unsorted[] = { { 0x400000, 0x500000 }, { 0x100000, 0x200000 } };
	static const struct ktdx_range overlap[] = { { 0x100000, 0x300000 }, { 0x200000, 0x400000 } };
	static const struct ktdx_range empty[] = { { 0x100000, 0x100000 } };
	static const struct ktdx_range ok[] = { { 0x100000, 0x200000 } };

	/*
	 * nothing at or above 128 TiB with 4-level paging; with 5-level the
	 * canonical half reaches 64 PiB, but physical addresses end at 4 PiB
	 */
	assert_int_equal(pagetable_bytes(at128t, 1, true, false, &bytes), PAGETABLE_TOO_HIGH);
	assert_int_equal(bytes, 0);
	assert_int_equal(pagetable_build(area, 0x100000, sizeof(area), at128t, 1, true, false, &root,
					 &used), PAGETABLE_TOO_HIGH);
	assert_int_equal(pagetable_bytes(at128t, 1, true, true, &bytes), PAGETABLE_OK);
	assert_int_equal(pagetable_bytes(at4p, 1, true, true, &bytes), PAGETABLE_TOO_HIGH);
	assert_int_equal(pagetable_bytes(unaligned, 1, true, false, &bytes), PAGETABLE_BAD_MAP);
	assert_int_equal(pagetable_bytes(unsorted, 2, true, false, &bytes), PAGETABLE_BAD_MAP);
	assert_int_equal(pagetable_bytes(overlap, 2, true, false, &bytes), PAGETABLE_BAD_MAP);
	assert_int_equal(pagetable_bytes(empty, 1, true, false, &bytes), PAGETABLE_BAD_MAP);
	assert_int_equal(pagetable_build(area, 0x100800, sizeof(area), ok, 1, true, false, &root,
					 &used), PAGETABLE_MISALIGNED);
	assert_int_equal(pagetable_build(area + 2048, 0x100000, sizeof(area) - 4096, ok, 1, true,
					 false, &root, &used), PAGETABLE_MISALIGNED);
}

/* The loader's bound for a range it has not placed yet holds wherever the range lands. */
static void test_extra_bound(void **state __attribute__((unused)))
{
	static const struct ktdx_range base[] = {
		{ 1 * MiB, 0x3ffff000 }, { 0x40200000, 0x7ffe0000 }, { 4 * GiB + 4096, 6 * GiB },
	};
	static const uint64_t lens[] = { 4096, 0x11000, 0x1ff000, 3 * MiB, 1 * GiB + 8192 };
	static const uint64_t places[] = {
		0x3ffff000, 0x7ffe0000, 0x80000000, 0x9ffff000, 6 * GiB, 7 * GiB - 4096,
		1023 * GiB - 8192, 2 * TiB + 4096, 100 * TiB - 4096,
	};

	for (int mode = 0; mode < 4; mode++) {
		bool gb = mode & 1, la57 = mode & 2;
		uint64_t b0, b1;

		assert_int_equal(pagetable_bytes(base, 3, gb, la57, &b0), PAGETABLE_OK);
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			for (size_t p = 0; p < sizeof(places) / sizeof(places[0]); p++) {
				struct ktdx_range m[4];
				uint32_t n = 0;
				bool put = false;

				for (size_t i = 0; i < 3; i++) {
					if (!put && places[p] < base[i].start) {
						m[n++] = (struct ktdx_range){ places[p], places[p] + lens[l] };
						put = true;
					}
					m[n++] = base[i];
				}
				if (!put)
					m[n++] = (struct ktdx_range){ places[p], places[p] + lens[l] };
				if (pagetable_bytes(m, n, gb, la57, &b1) != PAGETABLE_OK)
					continue;       /* overlaps the base: not a placement */
				assert_true(b1 <= b0 + pagetable_extra_bytes(lens[l], la57));
			}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_every_2mib),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_extra_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
