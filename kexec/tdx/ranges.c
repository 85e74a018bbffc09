/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CMRs against the memory plan (DESIGN.md private_ranges).  The CMR
 * log lines never shrink the private ranges: with the TDX module
 * initialized all System RAM is convertible, and a log ring that has
 * wrapped may have lost some CMR lines.  They are reported, and a gap
 * between them and System RAM is worth a warning: either the log lost
 * lines or the kernel runs on memory TDX cannot convert.
 */
#include "tdx.h"

int tdx_cmr_uncovered(const struct rangeset *cmr, const struct rangeset *system_ram,
		      struct rangeset *out)
{
	int r;

	out->n = 0;
	if ((r = rangeset_copy(out, system_ram)) < 0)
		return r;
	if ((r = rangeset_subtract(out, 0, LOW_1M)) < 0 ||
	    (r = rangeset_subtract_set(out, cmr)) < 0)
		return r;
	rangeset_normalize(out);
	return 0;
}
