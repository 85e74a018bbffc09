// SPDX-License-Identifier: GPL-2.0-or-later
#include "purgatory.h"

void report_init(struct ktdx_report *r)
{
	uint64_t *w = (uint64_t *)r;

	for (unsigned i = 0; i < sizeof(*r) / 8; i++)
		w[i] = 0;
	r->magic = KTDX_REPORT_MAGIC;
	r->version = KTDX_REPORT_VERSION;
	r->size = sizeof(*r);
}

void report_store(void *dst, const struct ktdx_report *r)
{
	volatile uint64_t *d = dst;
	const uint64_t *s = (const uint64_t *)r;

	_Static_assert(sizeof(*r) % 8 == 0, "the report is a whole number of quadwords");
	for (unsigned i = 0; i < sizeof(*r) / 8; i++)
		d[i] = s[i];
}
