// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The clear list cut into one share per CPU; see split.h.
 */
#include "split.h"

uint64_t split_total_pages(const struct ktdx_range *list, uint32_t n)
{
	uint64_t pages = 0;

	for (uint32_t i = 0; i < n; i++)
		pages += (list[i].end - list[i].start) >> SPLIT_PAGE_SHIFT;
	return pages;
}

void split_share(uint64_t total_pages, uint32_t ncpus, uint32_t cpu,
		 uint64_t *first, uint64_t *end)
{
	/*
	 * total_pages * cpu / ncpus without 128-bit division (the
	 * purgatory links no libgcc): quotient and remainder apart.
	 */
	uint64_t q = total_pages / ncpus, r = total_pages % ncpus;

	*first = q * cpu + r * cpu / ncpus;
	*end = q * (cpu + 1) + r * (cpu + 1) / ncpus;
}

static uint64_t range_pages(const struct ktdx_range *r)
{
	return (r->end - r->start) >> SPLIT_PAGE_SHIFT;
}

void split_iter_init(struct split_iter *it, const struct ktdx_range *list, uint32_t n,
		     uint64_t first, uint64_t end)
{
	it->list = list;
	it->n = n;
	it->i = 0;
	it->base = 0;
	it->pos = first;
	it->end = end;
	while (it->i < n && it->base + range_pages(&list[it->i]) <= first) {
		it->base += range_pages(&list[it->i]);
		it->i++;
	}
}

bool split_next(struct split_iter *it, uint64_t max_pages, struct ktdx_range *out)
{
	while (it->pos < it->end && it->i < it->n) {
		const struct ktdx_range *r = &it->list[it->i];
		uint64_t stop = it->base + range_pages(r);

		if (it->pos >= stop) {          /* this range is done (or empty) */
			it->base = stop;
			it->i++;
			continue;
		}
		if (stop > it->end)
			stop = it->end;
		if (max_pages && stop - it->pos > max_pages)
			stop = it->pos + max_pages;
		out->start = r->start + ((it->pos - it->base) << SPLIT_PAGE_SHIFT);
		out->end = r->start + ((stop - it->base) << SPLIT_PAGE_SHIFT);
		it->pos = stop;
		return true;
	}
	return false;
}
