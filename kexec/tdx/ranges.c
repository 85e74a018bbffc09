/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CMRs against the memory plan (DESIGN.md private_ranges).  The CMR
 * log lines never shrink the private ranges: with the TDX module
 * initialized all System RAM is convertible, and a log ring that has
 * wrapped may have lost some CMR lines.  They are reported, and a gap
 * between them and System RAM is worth a warning: either the log lost
 * lines or the kernel runs on memory TDX cannot convert.  And what the
 * plan kept out of the private ranges (pstore), for --tdx-status.
 */
#include <inttypes.h>
#include <json-c/json.h>
#include "tdx.h"
#include "../text.h"

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

/* A "0x..." string. */
static struct json_object *hex_string(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

struct json_object *tdx_kept_json(const struct tdx_status *st)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; a && i < st->nkept; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "start", hex_string(st->kept[i].start));
		json_object_object_add(o, "end", hex_string(st->kept[i].end));
		json_object_object_add(o, "why", json_object_new_string(st->kept[i].why));
		json_object_array_add(a, o);
	}
	return a;
}
