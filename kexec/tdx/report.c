/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --tdx-report: the purgatory's record, as the new kernel exposes it.
 * The kernel prints each setup_data entry's type with "0x%x" and its
 * payload unchanged (arch/x86/kernel/ksysfs.c); the layout of the payload
 * is struct ktdx_report (include/kexec-tdx/purgatory-abi.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "lastclear.h"
#include "report.h"
#include "tdx.h"
#include "../text.h"

#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif

#define SETUP_DATA_DIR  "sys/kernel/boot_params/setup_data"
#define REPORT_MAX      (1u << 20)      /* far more than any version will need */

/* The fields that must be present to read magic, version and size. */
#define REPORT_HEAD     16u

const char *tdx_report_action_name(uint32_t action)
{
	switch (action) {
	case KTDX_ACTION_NONE: return "none";
	case KTDX_ACTION_FLUSH: return "flush";
	case KTDX_ACTION_CLEAR: return "clear";
	}
	return NULL;
}

const char *tdx_report_method_name(uint32_t method)
{
	switch (method) {
	case KTDX_METHOD_NONE: return "none";
	case KTDX_METHOD_WBINVD: return "wbinvd";
	case KTDX_METHOD_NT_STORE: return "nt-store";
	case KTDX_METHOD_MOVDIR64B: return "movdir64b";
	case KTDX_METHOD_NT_AVX: return "nt-store-avx";
	}
	return NULL;
}

static const char *sha256_path_name(uint32_t path)
{
	switch (path) {
	case KTDX_SHA_PATH_NONE: return "none";
	case KTDX_SHA_PATH_C: return "c";
	case KTDX_SHA_PATH_SSE: return "sse4.1+bmi2";
	case KTDX_SHA_PATH_NI: return "sha-ni";
	}
	return NULL;
}

static const char *apic_mode_name(uint32_t mode)
{
	switch (mode) {
	case KTDX_APIC_NONE: return "none";
	case KTDX_APIC_XAPIC: return "xapic";
	case KTDX_APIC_X2APIC: return "x2apic";
	}
	return NULL;
}

const char *tdx_report_cpu_status_name(uint32_t status)
{
	switch (status) {
	case KTDX_CPU_BOOT: return "boot";
	case KTDX_CPU_CLEARED: return "cleared";
	case KTDX_CPU_FLUSHED: return "flushed";
	case KTDX_CPU_NO_START: return "no-start";
	case KTDX_CPU_LATE: return "late";
	case KTDX_CPU_NOT_STARTED: return "not-started";
	}
	return NULL;
}

/* Did the boot CPU take over (some of) this CPU's share? */
static bool cpu_fell_back(uint32_t status)
{
	return status == KTDX_CPU_NO_START || status == KTDX_CPU_LATE;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* The CPU entries after the header: defined states, bytes adding up to bytes_cleared. */
static int decode_cpus(const void *buf, const struct ktdx_report *r, const char *where,
		       struct kexec_log *log, struct ktdx_report_cpu *cpus)
{
	uint64_t sum = 0;
	uint32_t used = 0;

	if (r->nr_cpus > KTDX_MAX_CPUS)
		return log_errno(log, -EINVAL, "%s: nr_cpus %" PRIu32 ", at most %d", where, r->nr_cpus,
				 KTDX_MAX_CPUS);
	if (r->size < KTDX_REPORT_SIZE(r->nr_cpus))
		return log_errno(log, -EINVAL, "%s: size %" PRIu32 " has no room for nr_cpus %" PRIu32
				 " (%zu bytes)", where, r->size, r->nr_cpus,
				 KTDX_REPORT_SIZE(r->nr_cpus));
	memcpy(cpus, (const unsigned char *)buf + sizeof(*r), r->nr_cpus * sizeof(*cpus));
	for (uint32_t i = 0; i < r->nr_cpus; i++) {
		if (!tdx_report_cpu_status_name(cpus[i].status))
			return log_errno(log, -EINVAL, "%s: cpus[%" PRIu32 "].status %" PRIu32
					 " is not defined", where, i, cpus[i].status);
		if (__builtin_add_overflow(sum, cpus[i].bytes, &sum))
			return log_errno(log, -EINVAL, "%s: cpus[].bytes overflow", where);
		if (cpus[i].bytes)
			used++;
	}
	if (r->nr_cpus && sum != r->bytes_cleared)
		return log_errno(log, -EINVAL, "%s: cpus[].bytes add up to %" PRIu64
				 ", bytes_cleared is %" PRIu64, where, sum, r->bytes_cleared);
	if (r->apic_mode > KTDX_APIC_X2APIC)
		return log_errno(log, -EINVAL, "%s: apic_mode %" PRIu32 " is not defined", where,
				 r->apic_mode);
	if (r->cpus_used > r->nr_cpus || r->cpus_used < used)
		return log_errno(log, -EINVAL, "%s: cpus_used %" PRIu32 " with %" PRIu32
				 " CPU entries, %" PRIu32 " of them with bytes", where, r->cpus_used,
				 r->nr_cpus, used);
	return 0;
}

int tdx_report_decode(const void *buf, size_t len, const char *where, struct kexec_log *log,
		      struct tdx_report *out)
{
	struct ktdx_report r;
	int e;

	if (len && all_zero(buf, len))
		return log_errno(log, -ENOENT,
				 "%s: the report slot is empty: the purgatory did not run or did not write it",
				 where);
	if (len < REPORT_HEAD)
		return log_errno(log, -EINVAL, "%s: %zu bytes, too short for a report header (%u)",
				 where, len, REPORT_HEAD);
	memset(&r, 0, sizeof(r));
	memcpy(&r, buf, len < sizeof(r) ? len : sizeof(r));
	if (r.magic != KTDX_REPORT_MAGIC)
		return log_errno(log, -EINVAL, "%s: magic 0x%016" PRIx64 ", expected 0x%016llx",
				 where, r.magic, (unsigned long long)KTDX_REPORT_MAGIC);
	if (r.version != KTDX_REPORT_VERSION)
		return log_errno(log, -EINVAL, "%s: version %" PRIu32 ", this kexec reads version %d",
				 where, r.version, KTDX_REPORT_VERSION);
	if (r.size < sizeof(r))
		return log_errno(log, -EINVAL, "%s: size %" PRIu32 ", a version %d report is %zu bytes",
				 where, r.size, KTDX_REPORT_VERSION, sizeof(r));
	if (len < r.size)
		return log_errno(log, -EINVAL, "%s: truncated: %zu bytes, the report's size field says %" PRIu32,
				 where, len, r.size);
	if (!tdx_report_action_name(r.action))
		return log_errno(log, -EINVAL, "%s: action %" PRIu32 " is not defined", where, r.action);
	if (!tdx_report_method_name(r.method))
		return log_errno(log, -EINVAL, "%s: method %" PRIu32 " is not defined", where, r.method);
	if (r.verify != KTDX_VERIFY_SKIPPED && r.verify != KTDX_VERIFY_OK)
		return log_errno(log, -EINVAL, "%s: verify %" PRIu32 " is not defined", where, r.verify);
	if (!sha256_path_name(r.sha256_path))
		return log_errno(log, -EINVAL, "%s: sha256_path %" PRIu32 " is not defined", where,
				 r.sha256_path);
	if (r.paging != 0 && r.paging != 4 && r.paging != 5)
		return log_errno(log, -EINVAL, "%s: paging %" PRIu32 " is not 0, 4 or 5", where, r.paging);
	if ((e = decode_cpus(buf, &r, where, log, out->cpu)) < 0)
		return e;
	out->h = r;
	return 0;
}

/*
 * "0x54445852\n" as ksysfs prints it ("0x%x"), or decimal; blanks and
 * newlines may follow.  False for anything else or more than 32 bits.
 */
static bool parse_type(const char *s, uint32_t *type)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t v;

	if (text_parse_u64(&s, hex ? 16 : 10, &v) < 0 || v > UINT32_MAX)
		return false;
	while (*s == '\n' || *s == ' ')
		s++;
	if (*s)
		return false;
	*type = (uint32_t)v;
	return true;
}

int tdx_report_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_report *out)
{
	char **names = NULL, rel[256], where[4096];
	size_t n = 0;
	bool found = false;
	int r;

	r = sysroot_list(sr, SETUP_DATA_DIR, &names, &n);
	if (r == -ENOENT)
		return log_errno(log, -ENOENT,
				 "no kexec-tdx report: %s does not exist (this kernel received no setup_data)",
				 sysroot_path(sr, SETUP_DATA_DIR, where, sizeof(where)));
	if (r < 0)
		return log_errno(log, r, "%s: %s", sysroot_path(sr, SETUP_DATA_DIR, where, sizeof(where)),
				 strerror(-r));
	r = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		uint32_t type;
		int q;

		snprintf(rel, sizeof(rel), "%s/%s/type", SETUP_DATA_DIR, names[i]);
		q = sysroot_read(sr, rel, 64, &buf, &len);
		if (q < 0) {
			log_debug(log, "%s: %s, skipped", sysroot_path(sr, rel, where, sizeof(where)),
				  strerror(-q));
			continue;
		}
		if (!parse_type(buf, &type)) {
			log_debug(log, "%s: not a number, skipped", sysroot_path(sr, rel, where, sizeof(where)));
			free(buf);
			continue;
		}
		free(buf);
		if (type != KTDX_SETUP_TYPE)
			continue;
		found = true;

		snprintf(rel, sizeof(rel), "%s/%s/data", SETUP_DATA_DIR, names[i]);
		sysroot_path(sr, rel, where, sizeof(where));
		buf = NULL;
		q = sysroot_read(sr, rel, REPORT_MAX, &buf, &len);
		if (q < 0) {
			r = log_errno(log, q, "%s: %s%s", where, strerror(-q),
				      q == -EACCES || q == -EPERM ? " (reading setup_data needs root)" : "");
		} else {
			r = tdx_report_decode(buf, len, where, log, out);
			free(buf);
		}
		break;
	}
	if (!found)
		r = log_errno(log, -ENOENT,
			  "no kexec-tdx report: no setup_data entry of type 0x%x under %s "
			  "(this kernel was not started through the kexec-tdx purgatory)",
			  KTDX_SETUP_TYPE, sysroot_path(sr, SETUP_DATA_DIR, where, sizeof(where)));
	sysroot_names_free(names, n);
	return r;
}

/* "cleared 512.0 MiB in 3 ranges on 2 CPUs, segments verified" */
static void report_reason(const struct tdx_report *t, char *buf, size_t size)
{
	const struct ktdx_report *r = &t->h;
	char mib[32];

	if (r->action == KTDX_ACTION_CLEAR) {
		snprintf(mib, sizeof(mib), "%.1f MiB", (double)r->bytes_cleared / (1024.0 * 1024.0));
		snprintf(buf, size, "the purgatory flushed and cleared %s in %u range%s on %u CPU%s; "
			 "segments %s", mib, r->nr_ranges, r->nr_ranges == 1 ? "" : "s", r->cpus_used,
			 r->cpus_used == 1 ? "" : "s", r->verify == KTDX_VERIFY_OK ? "verified" : "not verified");
	} else {
		snprintf(buf, size, "the purgatory %s; segments %s", r->action == KTDX_ACTION_FLUSH ?
			 "flushed the caches (WBINVD), nothing cleared" : "did nothing for TDX",
			 r->verify == KTDX_VERIFY_OK ? "verified" : "not verified");
	}
}

/*
 * The head every kexec-tdx JSON starts with (doc/kexec-tdx-report.schema.json):
 * schema_version, decision (not in the record: null), action, reason, warnings.
 */
static void report_head_json(const struct tdx_report *t, struct json_object *o)
{
	const struct ktdx_report *r = &t->h;
	struct json_object *w = json_object_new_array();
	char buf[512];

	json_object_object_add(o, "schema_version", json_object_new_int(TDX_SCHEMA_VERSION));
	json_object_object_add(o, "decision", NULL);
	json_object_object_add(o, "action", json_object_new_string(tdx_report_action_name(r->action)));
	report_reason(t, buf, sizeof(buf));
	json_object_object_add(o, "reason", json_object_new_string(buf));
	if (r->verify != KTDX_VERIFY_OK && w)
		json_object_array_add(w, json_object_new_string("the segments were not verified "
								 "(-i, --no-checks at the load)"));
	for (uint32_t i = 0; w && i < r->nr_cpus; i++)
		if (cpu_fell_back(t->cpu[i].status)) {
			snprintf(buf, sizeof(buf), "the CPU with APIC id %u did not take its share (%s); "
				 "the boot CPU cleared it", t->cpu[i].apic_id,
				 tdx_report_cpu_status_name(t->cpu[i].status));
			json_object_array_add(w, json_object_new_string(buf));
		}
	json_object_object_add(o, "warnings", w);
}

static struct json_object *report_json(const struct tdx_report *t)
{
	const struct ktdx_report *r = &t->h;
	struct json_object *o = json_object_new_object();
	struct json_object *per = json_object_new_array(), *cpus = json_object_new_array();
	struct json_object *fb = json_object_new_array();

	if (!o || !per || !cpus || !fb) {
		json_object_put(o);
		json_object_put(per);
		json_object_put(cpus);
		json_object_put(fb);
		return NULL;
	}
	report_head_json(t, o);
	json_object_object_add(o, "record_version", json_object_new_int64(r->version));
	json_object_object_add(o, "method", json_object_new_string(tdx_report_method_name(r->method)));
	json_object_object_add(o, "verify",
			       json_object_new_string(r->verify == KTDX_VERIFY_OK ? "ok" : "skipped"));
	json_object_object_add(o, "nr_ranges", json_object_new_int64(r->nr_ranges));
	json_object_object_add(o, "bytes_cleared", json_object_new_int64((int64_t)r->bytes_cleared));
	json_object_object_add(o, "tsc_verify", json_object_new_int64((int64_t)r->tsc_verify));
	json_object_object_add(o, "tsc_flush", json_object_new_int64((int64_t)r->tsc_flush));
	json_object_object_add(o, "tsc_clear", json_object_new_int64((int64_t)r->tsc_clear));
	/* unknown without the TSC rate: null, never 0 */
	json_object_object_add(o, "tsc_khz", t->tsc_khz ? json_object_new_int64((int64_t)t->tsc_khz) : NULL);
	json_object_object_add(o, "clear_seconds", t->tsc_khz ?
			       json_object_new_double(tdx_tsc_seconds(r->tsc_clear, t->tsc_khz)) : NULL);
	json_object_object_add(o, "sha256", json_object_new_string(sha256_path_name(r->sha256_path)));
	json_object_object_add(o, "paging", json_object_new_int64(r->paging));
	json_object_object_add(o, "pgtable_bytes", json_object_new_int64((int64_t)r->pgtable_bytes));
	json_object_object_add(o, "cpus_used", json_object_new_int64(r->cpus_used));
	json_object_object_add(o, "apic_mode", json_object_new_string(apic_mode_name(r->apic_mode)));
	for (uint32_t i = 0; i < r->nr_cpus; i++) {
		const struct ktdx_report_cpu *c = &t->cpu[i];
		struct json_object *e = json_object_new_object();

		json_object_array_add(per, json_object_new_int64((int64_t)c->bytes));
		json_object_object_add(e, "apic_id", json_object_new_int64(c->apic_id));
		json_object_object_add(e, "status",
				       json_object_new_string(tdx_report_cpu_status_name(c->status)));
		json_object_object_add(e, "bytes", json_object_new_int64((int64_t)c->bytes));
		json_object_object_add(e, "tsc_clear", json_object_new_int64((int64_t)c->tsc_clear));
		json_object_array_add(cpus, e);
		if (cpu_fell_back(c->status))
			json_object_array_add(fb, json_object_new_int64(c->apic_id));
	}
	json_object_object_add(o, "per_cpu_bytes", per);
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "cpus_fallback", fb);
	return o;
}

static void report_text(const struct tdx_report *t, FILE *out)
{
	const struct ktdx_report *r = &t->h;
	struct tdx_last_clear lc;
	char line[256];

	tdx_last_clear_from_report(t, t->tsc_khz, &lc);
	tdx_last_clear_line(&lc, line, sizeof(line));
	fprintf(out, "%s\n", line);
	fprintf(out, "kexec-tdx purgatory report (version %" PRIu32 ")\n", r->version);
	fprintf(out, "  %-16s %s\n", "action:", tdx_report_action_name(r->action));
	fprintf(out, "  %-16s %s\n", "method:", tdx_report_method_name(r->method));
	fprintf(out, "  %-16s %s\n", "verify:", r->verify == KTDX_VERIFY_OK ? "ok" : "skipped");
	fprintf(out, "  %-16s %" PRIu32 "\n", "ranges cleared:", r->nr_ranges);
	fprintf(out, "  %-16s %" PRIu64 " (%.1f MiB)\n", "bytes cleared:", r->bytes_cleared,
		(double)r->bytes_cleared / (1024.0 * 1024.0));
	fprintf(out, "  %-16s verify %" PRIu64 ", flush %" PRIu64 ", clear %" PRIu64 "\n",
		"TSC cycles:", r->tsc_verify, r->tsc_flush, r->tsc_clear);
	fprintf(out, "  %-16s %s\n", "SHA-256 path:", sha256_path_name(r->sha256_path));
	if (r->paging)
		fprintf(out, "  %-16s own, %" PRIu32 "-level, %" PRIu64 " bytes of tables\n",
			"page tables:", r->paging, r->pgtable_bytes);
	else
		fprintf(out, "  %-16s the old kernel's identity map\n", "page tables:");
	fprintf(out, "  %-16s %" PRIu32 " of %" PRIu32 ", started through %s\n", "CPUs used:",
		r->cpus_used, r->nr_cpus, r->apic_mode ? apic_mode_name(r->apic_mode) : "nothing");
	for (uint32_t i = 0; i < r->nr_cpus; i++) {
		const struct ktdx_report_cpu *c = &t->cpu[i];

		fprintf(out, "    APIC id %-6" PRIu32 " %-12s %" PRIu64 " bytes in %" PRIu64 " cycles%s\n",
			c->apic_id, tdx_report_cpu_status_name(c->status), c->bytes, c->tsc_clear,
			cpu_fell_back(c->status) ? " (the boot CPU took over its share)" : "");
	}
}

int tdx_report_write(const struct tdx_report *r, FILE *out, bool json)
{
	if (json) {
		int e = tdx_json_write(report_json(r), out);

		if (e < 0)
			return e;
	} else {
		report_text(r, out);
	}
	return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}

/* The running kernel's TSC rate from its log; 0 when the log does not say. */
static uint64_t report_tsc_khz(const struct sysroot *sr)
{
	struct kexec_log quiet = { 0 };
	struct tdx_kmsg k = { 0 };
	enum kmsg_source src;
	uint64_t khz = 0;
	size_t len;
	char *buf;

	if (sysroot_read_kmsg(sr, &buf, &len, &src) < 0)
		return 0;
	if (tdx_kmsg_parse(buf, len, &k, &quiet, "kmsg") == 0)
		khz = k.tsc_khz;
	tdx_kmsg_free(&k);
	free(buf);
	return khz;
}

int tdx_report_print(const struct sysroot *sr, struct kexec_log *log, FILE *out, bool json)
{
	struct tdx_report *r = calloc(1, sizeof(*r));
	int q;

	if (!r)
		return -ENOMEM;
	q = tdx_report_read(sr, log, r);
	if (q >= 0)
		r->tsc_khz = report_tsc_khz(sr);
	if (q >= 0)
		q = tdx_report_write(r, out, json);
	free(r);
	return q;
}
