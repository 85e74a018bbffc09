// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Identity page tables over a list of ranges (SDM vol. 3A, 4.5 "4-level
 * and 5-level paging").  One walk serves both sizing and building: the
 * ranges are visited in ascending address order, each address with the
 * largest page its alignment and the rest of its run allow, and a table
 * is taken from the area the first time an address of the region it
 * covers is mapped.  Because the addresses only grow, the table of a
 * region is always the last one taken at its level, so the walk needs
 * no memory of its own and counts exactly what it would build.
 *
 * Levels as the SDM numbers the tables: 1 = PT (4 KiB leaves), 2 = PD
 * (2 MiB leaves), 3 = PDPT (1 GiB leaves), 4 = PML4, 5 = PML5.  A table
 * of level L covers 2^(12 + 9 L) bytes; its entry i covers 2^(12 + 9 (L-1)).
 */
#include <stddef.h>
#include "pagetable.h"

#define ENTRIES         512u
#define MAX_LEVELS      5

#define TABLE_FLAGS     (PTE_P | PTE_RW | PTE_A)
#define LEAF_FLAGS      (PTE_P | PTE_RW | PTE_A | PTE_D)

/* bytes one entry of a level-L table covers */
#define ENTRY_SHIFT(L)  (12u + 9u * ((L) - 1u))
/* bytes a whole level-L table covers */
#define TABLE_SHIFT(L)  (12u + 9u * (L))

struct walk {
	/* building: area != NULL */
	uint64_t *area;
	uint64_t area_phys, area_pages;
	bool gbpages;
	unsigned levels;
	uint64_t pages;                         /* tables taken so far */
	uint64_t region[MAX_LEVELS + 1];        /* region of the last table per level */
	uint64_t table[MAX_LEVELS + 1];         /* its page index in the area */
};

static int take_table(struct walk *w, uint64_t *idx)
{
	if (w->area) {
		if (w->pages >= w->area_pages)
			return PAGETABLE_TOO_SMALL;
		for (unsigned i = 0; i < ENTRIES; i++)
			w->area[w->pages * ENTRIES + i] = 0;
	}
	*idx = w->pages++;
	return PAGETABLE_OK;
}

static void set_entry(struct walk *w, uint64_t table, uint64_t i, uint64_t v)
{
	if (w->area)
		w->area[table * ENTRIES + i] = v;
}

/* Map [a, a + 2^ENTRY_SHIFT(leaf)) 1:1 with one leaf entry at level leaf. */
static int map_one(struct walk *w, uint64_t a, unsigned leaf)
{
	for (unsigned L = w->levels - 1; L >= leaf; L--) {
		uint64_t region = a >> TABLE_SHIFT(L);
		int r;

		if (w->region[L] != region) {
			uint64_t t;

			if ((r = take_table(w, &t)) < 0)
				return r;
			w->region[L] = region;
			w->table[L] = t;
			set_entry(w, w->table[L + 1], (a >> ENTRY_SHIFT(L + 1)) & (ENTRIES - 1),
				  (w->area_phys + t * PT_PAGE_SIZE) | TABLE_FLAGS);
		}
	}
	set_entry(w, w->table[leaf], (a >> ENTRY_SHIFT(leaf)) & (ENTRIES - 1),
		  a | LEAF_FLAGS | (leaf > 1 ? PTE_PS : 0));
	return PAGETABLE_OK;
}

static int map_run(struct walk *w, uint64_t a, uint64_t end)
{
	while (a < end) {
		unsigned leaf = 1;
		int r;

		for (unsigned L = w->gbpages ? 3 : 2; L > 1; L--) {
			uint64_t size = 1ull << ENTRY_SHIFT(L);

			if (!(a & (size - 1)) && end - a >= size) {
				leaf = L;
				break;
			}
		}
		if ((r = map_one(w, a, leaf)) < 0)
			return r;
		a += 1ull << ENTRY_SHIFT(leaf);
	}
	return PAGETABLE_OK;
}

static int walk_map(struct walk *w, const struct ktdx_range *map, uint32_t n, bool la57)
{
	uint64_t limit = la57 ? PT_VA_LIMIT_5LEVEL : PT_VA_LIMIT_4LEVEL, prev_end = 0;
	int r;

	for (uint32_t i = 0; i < n; i++) {
		if (map[i].start >= map[i].end || ((map[i].start | map[i].end) & (PT_PAGE_SIZE - 1)) ||
		    map[i].start < prev_end)
			return PAGETABLE_BAD_MAP;
		if (map[i].end > limit)
			return PAGETABLE_TOO_HIGH;
		prev_end = map[i].end;
	}
	w->levels = la57 ? 5 : 4;
	w->pages = 0;
	for (unsigned L = 0; L <= MAX_LEVELS; L++)
		w->region[L] = UINT64_MAX;
	if ((r = take_table(w, &w->table[w->levels])) < 0)     /* the root, page 0 */
		return r;
	w->region[w->levels] = 0;
	for (uint32_t i = 0; i < n;) {
		uint64_t start = map[i].start, end = map[i].end;

		/* adjacent ranges form one run, so that pages may span both */
		for (i++; i < n && map[i].start == end; i++)
			end = map[i].end;
		if ((r = map_run(w, start, end)) < 0)
			return r;
	}
	return PAGETABLE_OK;
}

int pagetable_bytes(const struct ktdx_range *map, uint32_t n, bool gbpages, bool la57,
		    uint64_t *bytes)
{
	struct walk w = { .area = NULL, .gbpages = gbpages };
	int r = walk_map(&w, map, n, la57);

	*bytes = r < 0 ? 0 : w.pages * PT_PAGE_SIZE;
	return r;
}

uint64_t pagetable_extra_bytes(uint64_t len, bool la57)
{
	uint64_t pages = 2;     /* page tables (4 KiB leaves) at the two edges */
	unsigned levels = la57 ? 5 : 4;

	/* directories below the root: each touched region, plus one for a misaligned start */
	for (unsigned L = 2; L < levels; L++)
		pages += (len >> TABLE_SHIFT(L)) + 2;
	return pages * PT_PAGE_SIZE;
}

int pagetable_build(void *area, uint64_t area_phys, uint64_t area_size,
		    const struct ktdx_range *map, uint32_t n, bool gbpages, bool la57,
		    uint64_t *root_phys, uint64_t *used)
{
	struct walk w = {
		.area = area, .area_phys = area_phys, .area_pages = area_size / PT_PAGE_SIZE,
		.gbpages = gbpages,
	};
	int r;

	if ((area_phys | (uint64_t)(uintptr_t)area) & (PT_PAGE_SIZE - 1))
		return PAGETABLE_MISALIGNED;
	if ((r = walk_map(&w, map, n, la57)) < 0)
		return r;
	*root_phys = area_phys;
	*used = w.pages * PT_PAGE_SIZE;
	return PAGETABLE_OK;
}
