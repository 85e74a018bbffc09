/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's identity page tables: they map exactly a list of
 * physical ranges (struct ktdx_range: sorted, not overlapping, 4 KiB
 * aligned) and nothing else, with the largest page each address allows:
 * 1 GiB pages (only with gbpages, CPUID.80000001H:EDX[26], which the
 * loader read as cpuinfo's pdpe1gb), 2 MiB pages, and 4 KiB pages at the
 * edges of a range.  4-level paging, or 5-level when the kernel left
 * CR4.LA57 set (it cannot change while paging is on, so we follow it).
 * No address at or above 2^47 = 128 TiB (4-level): the identity map holds
 * only the lower, canonical half.  With 5-level paging the canonical
 * half reaches 2^56, but no physical address is wider than 52 bits
 * (MAXPHYADDR), so nothing at or above 2^52 = 4 PiB.  Every page is present,
 * writable, supervisor, write-back (PAT entry 0; MTRRs still apply),
 * accessed and dirty.
 *
 * Pure functions over buffers, freestanding: the purgatory builds the
 * tables, the loader (libkexec.a) sizes the area with pagetable_bytes(),
 * which runs the same walk without writing, so the counts agree exactly,
 * and tests/unit/test-pagetable.c walks the result as the MMU would.
 */
#ifndef PURGATORY_PAGETABLE_H
#define PURGATORY_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>

#define PT_PAGE_SIZE    4096u

#define PTE_P           (1ull << 0)
#define PTE_RW          (1ull << 1)
#define PTE_A           (1ull << 5)
#define PTE_D           (1ull << 6)
#define PTE_PS          (1ull << 7)
#define PTE_ADDR_MASK   0x000ffffffffff000ull

/* The first address the identity map cannot hold: 128 TiB, 4 PiB. */
#define PT_VA_LIMIT_4LEVEL      (1ull << 47)
#define PT_VA_LIMIT_5LEVEL      (1ull << 52)

enum pagetable_err {
	PAGETABLE_OK = 0,
	PAGETABLE_TOO_SMALL = -1,       /* area_size < pagetable_bytes() */
	PAGETABLE_TOO_HIGH = -2,        /* a range at or beyond the canonical limit */
	PAGETABLE_MISALIGNED = -3,      /* area not 4 KiB aligned */
	PAGETABLE_BAD_MAP = -4,         /* ranges empty, unaligned, unsorted or overlapping */
};

/*
 * Bytes of tables needed to map map[0..n) in that mode, in *bytes.
 * PAGETABLE_TOO_HIGH or PAGETABLE_BAD_MAP for a list it cannot map.
 */
int pagetable_bytes(const struct ktdx_range *map, uint32_t n, bool gbpages, bool la57,
		    uint64_t *bytes);

/*
 * At most how many bytes of tables one more range of len bytes, anywhere
 * and disjoint from the others, adds to pagetable_bytes() of any list:
 * two 4 KiB-page tables at its edges, and the directories its span
 * touches at each level.  The loader reserves this for the page-table
 * segment itself and for the purgatory, whose addresses it does not know
 * when it sizes the area.
 */
uint64_t pagetable_extra_bytes(uint64_t len, bool la57);

/*
 * Build the tables in area, which the CPU sees at physical address
 * area_phys (in the purgatory area == area_phys).  Only the pages used
 * are written (each zeroed first).  *root_phys is the value for CR3,
 * *used the bytes of the area used.
 */
int pagetable_build(void *area, uint64_t area_phys, uint64_t area_size,
		    const struct ktdx_range *map, uint32_t n, bool gbpages, bool la57,
		    uint64_t *root_phys, uint64_t *used);

#endif
