/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sets of half-open physical ranges [start, end).  Inclusive ends from
 * /sys or /proc are converted by their parsers, once (STYLE.md 6).
 */
#ifndef KEXEC_RANGE_H
#define KEXEC_RANGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* How rangeset_print() writes one range. */
enum range_style {
	RANGE_FIXED,            /* "[0x%016llx, 0x%016llx)": the -d lists, read by the VM tests */
	RANGE_SIZED,            /* "[0x100000, 0x6d8f0000)  1.7 GiB": --tdx-status */
};

/* One line per range of set: indent, the range, a newline. */
void rangeset_print(FILE *out, const struct rangeset *set, const char *indent, enum range_style style);

#endif
