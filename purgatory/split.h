/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sharing the clear list among the CPUs that clear (DESIGN.md
 * "Purgatory", step 5).  The list is taken as one sequence of 4 KiB
 * pages, its ranges in order; CPU i of n gets the pages
 * [i * P / n, (i + 1) * P / n) of that sequence (P pages in all), so
 * every page belongs to exactly one CPU, two shares differ by at most
 * one page, and every cut lies on a 4 KiB boundary (hence also on a
 * 64-byte line, what the clear loops need).  With more CPUs than pages
 * some shares are empty.
 *
 * Nothing is stored per CPU: each CPU walks the list itself with an
 * iterator over its share, cut into pieces of at most a given size, so
 * that it can publish its progress after each piece and the boot CPU can
 * take over the rest of a share from that point.
 *
 * Pure and freestanding: the purgatory, the loader and
 * tests/unit/test-split.c compile the same source.
 */
#ifndef PURGATORY_SPLIT_H
#define PURGATORY_SPLIT_H

#include <stdbool.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>

#define SPLIT_PAGE_SHIFT        12
#define SPLIT_PAGE_SIZE         (1ull << SPLIT_PAGE_SHIFT)

/* Pages in list[0..n) (ranges 4 KiB aligned, start <= end). */
uint64_t split_total_pages(const struct ktdx_range *list, uint32_t n);

/*
 * The share of CPU cpu (0 <= cpu < ncpus, ncpus >= 1) as page offsets
 * [*first, *end) into the list's sequence of total_pages pages.  Exact
 * for total_pages < 2^53 and ncpus <= 2^11 (the product fits in 64 bits;
 * 2^52 bytes is the widest physical address space).
 */
void split_share(uint64_t total_pages, uint32_t ncpus, uint32_t cpu,
		 uint64_t *first, uint64_t *end);

struct split_iter {
	const struct ktdx_range *list;
	uint32_t n;
	uint32_t i;             /* current range */
	uint64_t base;          /* page offset of list[i].start in the sequence */
	uint64_t pos;           /* next page offset to hand out */
	uint64_t end;           /* page offset where the share ends */
};

/* Start walking page offsets [first, end) of list[0..n). */
void split_iter_init(struct split_iter *it, const struct ktdx_range *list, uint32_t n,
		     uint64_t first, uint64_t end);

/*
 * The next piece of the share: a physical range inside one list range,
 * at most max_pages pages long (0 = no limit).  False when the share is
 * done.  After it returns, it->pos is the page offset right after the
 * piece, which a CPU publishes once the piece is cleared.
 */
bool split_next(struct split_iter *it, uint64_t max_pages, struct ktdx_range *out);

#endif
