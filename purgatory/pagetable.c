// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Identity page tables (SDM vol. 3A, 4.5 "4-level and 5-level paging").
 * Layout in the area, one 4 KiB page each:
 *   [PML5]  only with LA57: entry i -> PML4 page i
 *   PML4    npml4 pages (1 without LA57): entry j -> PDPT page j
 *   PDPT    one per 512 GiB: 1 GiB leaves, or pointers to the PDs
 *   PD      one per GiB (2 MiB pages only): 2 MiB leaves
 */
#include <stddef.h>
#include "pagetable.h"

#define ENTRIES         512u
#define GIB_SHIFT       30
#define MIB2_SHIFT      21

#define TABLE_FLAGS     (PTE_P | PTE_RW | PTE_A)
#define LEAF_FLAGS      (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_PS)

static inline uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

struct layout {
	uint64_t gib, npdpt, npml4, npd, pages;
};

static bool layout_of(uint64_t map_top, bool gbpages, bool la57, struct layout *l)
{
	l->gib = div_up(map_top, 1ull << GIB_SHIFT);
	l->npdpt = div_up(l->gib, ENTRIES);
	l->npml4 = la57 ? div_up(l->npdpt, ENTRIES) : 1;
	l->npd = gbpages ? 0 : l->gib;
	if (!l->npdpt)
		l->npdpt = 1;   /* map_top 0: an empty but valid hierarchy */
	if (!l->npml4)
		l->npml4 = 1;
	if (la57 ? l->npml4 > ENTRIES : l->npdpt > ENTRIES)
		return false;
	l->pages = (la57 ? 1 : 0) + l->npml4 + l->npdpt + l->npd;
	return true;
}

uint64_t pagetable_bytes(uint64_t map_top, bool gbpages, bool la57)
{
	struct layout l;

	return layout_of(map_top, gbpages, la57, &l) ? l.pages * PT_PAGE_SIZE : 0;
}

int pagetable_build(void *area, uint64_t area_phys, uint64_t area_size, uint64_t map_top,
		    bool gbpages, bool la57, uint64_t *root_phys)
{
	uint64_t *t = area;
	struct layout l;
	uint64_t pml5, pml4, pdpt, pd;  /* page index of each level's first table */

	if ((area_phys | (uint64_t)(uintptr_t)area) & (PT_PAGE_SIZE - 1))
		return PAGETABLE_MISALIGNED;
	if (!layout_of(map_top, gbpages, la57, &l))
		return PAGETABLE_TOO_HIGH;
	if (area_size / PT_PAGE_SIZE < l.pages)
		return PAGETABLE_TOO_SMALL;

	for (uint64_t i = 0; i < l.pages * (PT_PAGE_SIZE / 8); i++)
		t[i] = 0;
	pml5 = 0;
	pml4 = la57 ? 1 : 0;
	pdpt = pml4 + l.npml4;
	pd = pdpt + l.npdpt;
#define PHYS(page)      (area_phys + (page) * PT_PAGE_SIZE)
#define ENTRY(page, i)  t[(page) * ENTRIES + (i)]

	if (la57)
		for (uint64_t i = 0; i < l.npml4; i++)
			ENTRY(pml5, i) = PHYS(pml4 + i) | TABLE_FLAGS;
	/* the PML4 pages are consecutive, so entry j of the first is entry j overall */
	for (uint64_t j = 0; j < l.npdpt; j++)
		ENTRY(pml4, j) = PHYS(pdpt + j) | TABLE_FLAGS;
	for (uint64_t g = 0; g < l.gib; g++) {
		if (gbpages) {
			ENTRY(pdpt, g) = (g << GIB_SHIFT) | LEAF_FLAGS;
			continue;
		}
		ENTRY(pdpt, g) = PHYS(pd + g) | TABLE_FLAGS;
		for (uint64_t m = 0; m < ENTRIES; m++)
			ENTRY(pd + g, m) = ((g << GIB_SHIFT) + (m << MIB2_SHIFT)) | LEAF_FLAGS;
	}
#undef PHYS
#undef ENTRY
	*root_phys = area_phys;
	return PAGETABLE_OK;
}
