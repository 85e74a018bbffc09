/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which memory may hold TDX private data (DESIGN.md, private_ranges).
 * The kernel does not track private pages (seed 002), so every range the
 * next kernel may use as RAM counts: the firmware map's System RAM,
 * limited to the CMRs (only convertible memory can be private) when the
 * log names them.  The first MiB is never TDX memory (the kernel reserves
 * it and keeps it out of the TDMRs) and the crash kernel region holds the
 * crash kernel, which must survive.
 */
#include "tdx.h"

#define LOW_1M  0x100000ull

int tdx_private_ranges(const struct rangeset *ram, const struct rangeset *cmr,
		       const struct rangeset *crash, struct rangeset *out)
{
	struct rangeset set = RANGESET_INIT;
	int r;

	if ((r = rangeset_copy(&set, ram)) < 0)
		goto fail;
	if (cmr && cmr->n && (r = rangeset_intersect(&set, cmr)) < 0)
		goto fail;
	if ((r = rangeset_subtract(&set, 0, LOW_1M)) < 0)
		goto fail;
	if (crash && (r = rangeset_subtract_set(&set, crash)) < 0)
		goto fail;
	rangeset_normalize(&set);
	rangeset_free(out);
	*out = set;
	return 0;
fail:
	rangeset_free(&set);
	return r;
}
