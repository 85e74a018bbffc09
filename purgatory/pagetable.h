/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's identity map of [0, map_top): 4-level paging, or
 * 5-level when the kernel left CR4.LA57 set (it cannot be changed while
 * paging is on, so we follow it), with 1 GiB pages when
 * CPUID.80000001H:EDX[26] says so, else 2 MiB pages.  Every page is
 * present, writable, supervisor, write-back (PAT entry 0; MTRRs still make
 * MMIO holes UC), accessed and dirty.  Pure data construction: the
 * hosted unit test builds tables in a user buffer and walks them.
 */
#ifndef PURGATORY_PAGETABLE_H
#define PURGATORY_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PT_PAGE_SIZE    4096u

#define PTE_P           (1ull << 0)
#define PTE_RW          (1ull << 1)
#define PTE_A           (1ull << 5)
#define PTE_D           (1ull << 6)
#define PTE_PS          (1ull << 7)
#define PTE_ADDR_MASK   0x000ffffffffff000ull

enum pagetable_err {
	PAGETABLE_OK = 0,
	PAGETABLE_TOO_SMALL = -1,       /* area_size < pagetable_bytes() */
	PAGETABLE_TOO_HIGH = -2,        /* map_top beyond what the paging mode can map */
	PAGETABLE_MISALIGNED = -3,      /* area not 4 KiB aligned */
};

/* Bytes of tables needed; 0 when map_top is too high for the mode. */
uint64_t pagetable_bytes(uint64_t map_top, bool gbpages, bool la57);

/*
 * Build the tables in area, which the CPU sees at physical address
 * area_phys (in the purgatory area == area_phys).  Only the pages used
 * are written (and zeroed first).  *root_phys is the value for CR3.
 */
int pagetable_build(void *area, uint64_t area_phys, uint64_t area_size, uint64_t map_top,
		    bool gbpages, bool la57, uint64_t *root_phys);

#endif
