/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sets of half-open physical ranges [start, end).  Inclusive ends from
 * /sys or /proc are converted by their parsers, once (STYLE.md 6).
 */
#ifndef KEXEC_RANGE_H
#define KEXEC_RANGE_H

#include <stddef.h>
#include <stdint.h>

struct range {
	uint64_t start;
	uint64_t end;           /* exclusive */
};

struct rangeset {
	struct range *v;
	size_t n;
	size_t cap;
};

#define RANGESET_INIT { 0 }

void rangeset_free(struct rangeset *set);
/* Append [start, end); empty ranges are ignored.  -ENOMEM, -ERANGE (end < start). */
int rangeset_add(struct rangeset *set, uint64_t start, uint64_t end);
int rangeset_copy(struct rangeset *dst, const struct rangeset *src);
/* Sort by start and merge overlapping and adjacent ranges. */
void rangeset_normalize(struct rangeset *set);
/* Remove [start, end) from every range (the set need not be normalized). */
int rangeset_subtract(struct rangeset *set, uint64_t start, uint64_t end);
/* Remove every range of `minus` (neither set need be normalized). */
int rangeset_subtract_set(struct rangeset *set, const struct rangeset *minus);
/* Keep only what also lies in `with`; result normalized. */
int rangeset_intersect(struct rangeset *set, const struct rangeset *with);
/* Shrink every range inward to `align` (a power of two); drop what vanishes. */
void rangeset_align_inward(struct rangeset *set, uint64_t align);
uint64_t rangeset_bytes(const struct rangeset *set);
/* Does [start, end) overlap any range of the set? */
int rangeset_overlaps(const struct rangeset *set, uint64_t start, uint64_t end);

#endif
