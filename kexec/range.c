/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "range.h"
#include "text.h"

void rangeset_free(struct rangeset *set)
{
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}

int rangeset_add(struct rangeset *set, uint64_t start, uint64_t end)
{
	if (end < start)
		return -ERANGE;
	if (end == start)
		return 0;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct range *v = reallocarray(set->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = (struct range){ start, end };
	return 0;
}

int rangeset_copy(struct rangeset *dst, const struct rangeset *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = rangeset_add(dst, src->v[i].start, src->v[i].end);

		if (r < 0)
			return r;
	}
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

void rangeset_normalize(struct rangeset *set)
{
	size_t out = 0;

	if (!set->n)
		return;
	qsort(set->v, set->n, sizeof(*set->v), range_cmp);
	for (size_t i = 1; i < set->n; i++) {
		struct range *last = &set->v[out];

		if (set->v[i].start <= last->end) {
			if (set->v[i].end > last->end)
				last->end = set->v[i].end;
		} else {
			set->v[++out] = set->v[i];
		}
	}
	set->n = out + 1;
}

int rangeset_subtract(struct rangeset *set, uint64_t start, uint64_t end)
{
	size_t n = set->n;

	if (end <= start)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct range *r = &set->v[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			/* split: keep the head here, append the tail */
			uint64_t tail = r->end;

			r->end = start;
			int e = rangeset_add(set, end, tail);
			if (e < 0)
				return e;
		} else if (r->start < start) {
			r->end = start;
		} else if (r->end > end) {
			r->start = end;
		} else {
			r->end = r->start;      /* emptied; compacted below */
		}
	}
	size_t out = 0;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].end > set->v[i].start)
			set->v[out++] = set->v[i];
	set->n = out;
	return 0;
}

int rangeset_intersect(struct rangeset *set, const struct rangeset *with)
{
	struct rangeset a = RANGESET_INIT, b = RANGESET_INIT, out = RANGESET_INIT;
	int r;

	if ((r = rangeset_copy(&a, set)) < 0 || (r = rangeset_copy(&b, with)) < 0)
		goto done;
	rangeset_normalize(&a);
	rangeset_normalize(&b);
	for (size_t i = 0, j = 0; i < a.n && j < b.n;) {
		uint64_t s = a.v[i].start > b.v[j].start ? a.v[i].start : b.v[j].start;
		uint64_t e = a.v[i].end < b.v[j].end ? a.v[i].end : b.v[j].end;

		if (s < e && (r = rangeset_add(&out, s, e)) < 0)
			goto done;
		if (a.v[i].end < b.v[j].end)
			i++;
		else
			j++;
	}
	rangeset_free(set);
	*set = out;
	out = (struct rangeset)RANGESET_INIT;
	r = 0;
done:
	rangeset_free(&a);
	rangeset_free(&b);
	rangeset_free(&out);
	return r;
}

int rangeset_subtract_set(struct rangeset *set, const struct rangeset *minus)
{
	for (size_t i = 0; i < minus->n; i++) {
		int r = rangeset_subtract(set, minus->v[i].start, minus->v[i].end);

		if (r < 0)
			return r;
	}
	return 0;
}

void rangeset_align_inward(struct rangeset *set, uint64_t align)
{
	size_t out = 0;

	for (size_t i = 0; i < set->n; i++) {
		uint64_t s = set->v[i].start, e = set->v[i].end & ~(align - 1);

		if (__builtin_add_overflow(s, align - 1, &s))
			continue;
		s &= ~(align - 1);
		if (s < e)
			set->v[out++] = (struct range){ s, e };
	}
	set->n = out;
}

uint64_t rangeset_bytes(const struct rangeset *set)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < set->n; i++)
		sum += set->v[i].end - set->v[i].start;
	return sum;
}

int rangeset_overlaps(const struct rangeset *set, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].start < end && start < set->v[i].end)
			return 1;
	return 0;
}

void rangeset_print(FILE *out, const struct rangeset *set, const char *indent, enum range_style style)
{
	char size[32];

	for (size_t i = 0; i < set->n; i++) {
		const struct range *r = &set->v[i];

		if (style == RANGE_FIXED) {
			fprintf(out, "%s[0x%016" PRIx64 ", 0x%016" PRIx64 ")\n", indent, r->start, r->end);
			continue;
		}
		text_size(r->end - r->start, size, sizeof(size));
		fprintf(out, "%s[0x%" PRIx64 ", 0x%" PRIx64 ")  %s\n", indent, r->start, r->end, size);
	}
}
