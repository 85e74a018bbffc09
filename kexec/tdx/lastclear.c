/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last kexec's clear (lastclear.h): from the purgatory's report, the
 * boot service's log line, and the copy kept in last-report.json read
 * back with json-c.  The report counts TSC cycles; the new kernel's log
 * gives the TSC rate (tdx_kmsg.tsc_khz), the same hardware's as in the
 * purgatory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "lastclear.h"
#include "../text.h"

/* Below these a rate says more about the timer than about the memory. */
#define RATE_MIN_BYTES          (1ull << 30)
#define RATE_MIN_SECONDS        0.01

double tdx_tsc_seconds(uint64_t cycles, uint64_t tsc_khz)
{
	return tsc_khz ? (double)cycles / ((double)tsc_khz * 1000.0) : -1.0;
}

void tdx_last_clear_from_report(const struct tdx_report *r, uint64_t tsc_khz,
				struct tdx_last_clear *out)
{
	const char *a = tdx_report_action_name(r->h.action);

	*out = (struct tdx_last_clear){
		.bytes = r->h.bytes_cleared, .cpus = r->h.cpus_used,
		.seconds = tdx_tsc_seconds(r->h.tsc_clear, tsc_khz),
		.verified = r->h.verify == KTDX_VERIFY_OK,
	};
	snprintf(out->action, sizeof(out->action), "%s", a ? a : "none");
}

double tdx_last_clear_rate(const struct tdx_last_clear *c)
{
	if (strcmp(c->action, "clear") || c->bytes < RATE_MIN_BYTES || c->seconds < RATE_MIN_SECONDS)
		return 0;
	return (double)c->bytes / c->seconds;
}

void tdx_last_clear_line(const struct tdx_last_clear *c, char *buf, size_t size)
{
	const char *v = c->verified ? "verified" : "not verified";
	char sz[32], rate[32] = "";
	double bps = tdx_last_clear_rate(c);

	if (!strcmp(c->action, "flush")) {
		snprintf(buf, size, "kexec flushed the caches (WBINVD) on %u CPU%s, %s", c->cpus,
			 c->cpus == 1 ? "" : "s", v);
		return;
	}
	if (strcmp(c->action, "clear")) {
		snprintf(buf, size, "kexec booted this kernel without a flush or clear, %s", v);
		return;
	}
	text_size(c->bytes, sz, sizeof(sz));
	if (bps > 0)
		snprintf(rate, sizeof(rate), " (%.*f GB/s)", bps < 10e9 ? 1 : 0, bps / 1e9);
	if (c->seconds < 0)
		snprintf(buf, size, "kexec cleared %s on %u CPU%s (time unknown: no TSC rate in the "
			 "log), %s", sz, c->cpus, c->cpus == 1 ? "" : "s", v);
	else
		snprintf(buf, size, "kexec cleared %s on %u CPU%s in %.1f s%s, %s", sz, c->cpus,
			 c->cpus == 1 ? "" : "s", c->seconds, rate, v);
}

/* A non-negative integer member; -EINVAL when absent or of another type. */
static int get_u64(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) || !json_object_is_type(m, json_type_int) ||
	    json_object_get_int64(m) < 0)
		return -EINVAL;
	*v = (uint64_t)json_object_get_int64(m);
	return 0;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) || !json_object_is_type(m, json_type_string))
		return NULL;
	return json_object_get_string(m);
}

/* "clear_seconds": a number, or null/absent (unknown). */
static int get_seconds(struct json_object *o, double *v)
{
	struct json_object *m;

	*v = -1;
	if (!json_object_object_get_ex(o, "clear_seconds", &m) || !m)
		return 0;
	if (!json_object_is_type(m, json_type_double) && !json_object_is_type(m, json_type_int))
		return -EINVAL;
	*v = json_object_get_double(m);
	return *v < 0 ? -EINVAL : 0;
}

static int parse_object(struct json_object *o, struct tdx_last_clear *out, const char **bad)
{
	const char *action = get_string(o, "action"), *verify = get_string(o, "verify");
	uint64_t cpus;

	*out = (struct tdx_last_clear){ .seconds = -1 };
	if (!action || (strcmp(action, "none") && strcmp(action, "flush") && strcmp(action, "clear")))
		return *bad = "action", -EINVAL;
	snprintf(out->action, sizeof(out->action), "%s", action);
	if (get_u64(o, "bytes_cleared", &out->bytes) < 0)
		return *bad = "bytes_cleared", -EINVAL;
	if (get_u64(o, "cpus_used", &cpus) < 0 || cpus > KTDX_MAX_CPUS)
		return *bad = "cpus_used", -EINVAL;
	out->cpus = (unsigned)cpus;
	if (!verify || (strcmp(verify, "ok") && strcmp(verify, "skipped")))
		return *bad = "verify", -EINVAL;
	out->verified = !strcmp(verify, "ok");
	if (get_seconds(o, &out->seconds) < 0)
		return *bad = "clear_seconds", -EINVAL;
	return 0;
}

int tdx_last_clear_parse(const char *buf, size_t len, struct tdx_last_clear *out,
			 struct kexec_log *log, const char *where)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	const char *bad = NULL;
	int r;

	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object))
		r = log_errno(log, -EINVAL, "%s: not a JSON object", where);
	else if ((r = parse_object(o, out, &bad)) < 0)
		log_errno(log, r, "%s: \"%s\" missing or invalid", where, bad);
	json_object_put(o);
	json_tokener_free(tok);
	return r;
}

int tdx_last_clear_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_last_clear *out)
{
	char path[4096], *buf;
	size_t len;
	int r = sysroot_read(sr, TDX_LAST_REPORT, 1 << 20, &buf, &len);

	sysroot_path(sr, TDX_LAST_REPORT, path, sizeof(path));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_errno(log, r, "%s: %s", path, strerror(-r));
	r = tdx_last_clear_parse(buf, len, out, log, path);
	free(buf);
	return r < 0 ? r : 1;
}
