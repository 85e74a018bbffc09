/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --tdx-status: readable text, or the JSON object of DESIGN.md (json-c). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <json-c/json.h>
#include "tdx.h"
#include "../text.h"

#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif

void tdx_status_free(struct tdx_status *st)
{
	rangeset_free(&st->cmr);
	rangeset_free(&st->crash);
	rangeset_free(&st->private_ranges);
}

static struct json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static struct json_object *ranges_json(const struct rangeset *set)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < set->n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "start", hex(set->v[i].start));
		json_object_object_add(o, "end", hex(set->v[i].end));
		json_object_array_add(a, o);
	}
	return a;
}

/* A count, or null when unknown (< 0). */
static struct json_object *count(long long v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

/* A JSON string of s, made valid UTF-8 (json-c copies bytes as they are). */
static struct json_object *text(const char *s)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", s);
	text_utf8_sanitize(buf);
	return json_object_new_string(buf);
}

static struct json_object *string_or_null(const char *s)
{
	return s && *s ? text(s) : NULL;
}

/* 1 true, 0 false, < 0 null (unknown). */
static struct json_object *tristate(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

static struct json_object *misc_json(const struct tdx_misc *m)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "tdx", count(m->tdx));
	json_object_object_add(o, "sev", count(m->sev));
	json_object_object_add(o, "sev_es", count(m->sev_es));
	return o;
}

/* "policy": {"name": "flush", "source": "/etc/kexec-tdx.conf:3"} */
static struct json_object *policy_json(const struct tdx_status *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(tdx_policy_name(st->policy)));
	json_object_object_add(o, "source", json_object_new_string(st->policy_source[0] ?
								   st->policy_source : "default"));
	return o;
}

static void policy_text(const struct tdx_status *st, FILE *out)
{
	fprintf(out, "  %-22s %s (%s)\n", "policy:", tdx_policy_name(st->policy),
		st->policy_source[0] ? st->policy_source : "default");
}

static struct json_object *status_json(const struct tdx_status *st)
{
	struct json_object *o = json_object_new_object(), *cpu, *ki, *ka;

	if (!o)
		return NULL;
	json_object_object_add(o, "tdx_host_platform", json_object_new_boolean(st->tdx_host_platform));
	json_object_object_add(o, "tdx_guest", json_object_new_boolean(st->tdx_guest));
	json_object_object_add(o, "pw_mce_erratum", json_object_new_boolean(st->pw_mce_erratum));
	json_object_object_add(o, "module_initialized", json_object_new_boolean(st->module_initialized));
	json_object_object_add(o, "module_evidence", string_or_null(st->module_evidence));
	json_object_object_add(o, "running_tds", count(st->running_tds));
	json_object_object_add(o, "running_sev_guests", count(st->running_sev_guests));
	json_object_object_add(o, "sev", json_object_new_boolean(st->sev));
	json_object_object_add(o, "sev_es", json_object_new_boolean(st->sev_es));
	json_object_object_add(o, "sev_snp", json_object_new_boolean(st->sev_snp));
	json_object_object_add(o, "sev_guest", json_object_new_boolean(st->sev_guest));
	json_object_object_add(o, "cpuinfo_error", st->cpuinfo_ok ? NULL : text(st->cpuinfo_why));

	cpu = json_object_new_object();
	json_object_object_add(cpu, "vendor", text(st->vendor));
	json_object_object_add(cpu, "family", json_object_new_int64(st->family));
	json_object_object_add(cpu, "model", json_object_new_int64(st->model));
	json_object_object_add(cpu, "stepping", json_object_new_int64(st->stepping));
	json_object_object_add(cpu, "model_name", text(st->model_name));
	json_object_object_add(cpu, "count", json_object_new_int64(st->ncpus));
	json_object_object_add(cpu, "movdir64b", json_object_new_boolean(st->movdir64b));
	json_object_object_add(cpu, "sha_ni", json_object_new_boolean(st->sha_ni));
	json_object_object_add(cpu, "pdpe1gb", json_object_new_boolean(st->pdpe1gb));
	json_object_object_add(o, "cpu", cpu);

	ki = json_object_new_object();
	json_object_object_add(ki, "state", string_or_null(st->kvm_intel_state));
	json_object_object_add(ki, "loaded", json_object_new_boolean(st->kvm_intel_loaded));
	json_object_object_add(ki, "tdx", json_object_new_boolean(st->kvm_intel_tdx));
	json_object_object_add(o, "kvm_intel", ki);
	ka = json_object_new_object();
	json_object_object_add(ka, "state", string_or_null(st->kvm_amd_state));
	json_object_object_add(ka, "loaded", json_object_new_boolean(st->kvm_amd_loaded));
	json_object_object_add(ka, "sev_snp", json_object_new_boolean(st->kvm_amd_sev_snp));
	json_object_object_add(o, "kvm_amd", ka);

	json_object_object_add(o, "tdx_host_sysfs", json_object_new_boolean(st->tdx_host_sysfs));
	json_object_object_add(o, "pamt_kb", json_object_new_int64((int64_t)st->pamt_kb));
	json_object_object_add(o, "tdh_sys_disable_failed",
			       json_object_new_boolean(st->tdh_sys_disable_failed));
	json_object_object_add(o, "kernel_refuses_kexec",
			       json_object_new_boolean(st->kernel_refuses_kexec));
	json_object_object_add(o, "lockdown", string_or_null(st->lockdown));
	json_object_object_add(o, "kmsg_source", string_or_null(st->kmsg_source));
	json_object_object_add(o, "kmsg_skipped_records", json_object_new_int64(st->kmsg_bad_records));
	json_object_object_add(o, "misc_current", st->misc_found ? misc_json(&st->misc) : NULL);
	json_object_object_add(o, "misc_capacity", misc_json(&st->misc_capacity));

	json_object_object_add(o, "cmr", ranges_json(&st->cmr));
	json_object_object_add(o, "cmr_covers_system_ram", tristate(st->cmr_covers_ram));
	json_object_object_add(o, "cmr_uncovered_bytes", st->cmr_covers_ram < 0 ? NULL :
			       json_object_new_int64((int64_t)st->cmr_uncovered_bytes));
	json_object_object_add(o, "crash_kernel", ranges_json(&st->crash));
	json_object_object_add(o, "private_ranges", ranges_json(&st->private_ranges));
	json_object_object_add(o, "private_bytes",
			       json_object_new_int64((int64_t)rangeset_bytes(&st->private_ranges)));
	json_object_object_add(o, "private_ranges_error", st->private_ok ? NULL : text(st->private_why));
	json_object_object_add(o, "decision", json_object_new_string(tdx_decision_name(st->decision)));
	json_object_object_add(o, "reason", text(st->reason));
	json_object_object_add(o, "policy", policy_json(st));
	return o;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_count(FILE *out, const char *title, long v)
{
	if (v < 0)
		fprintf(out, "  %-22s unknown\n", title);
	else
		fprintf(out, "  %-22s %ld\n", title, v);
}

static void print_ranges(FILE *out, const char *title, const struct rangeset *set)
{
	fprintf(out, "  %-22s %zu range%s, 0x%" PRIx64 " bytes\n", title, set->n,
		set->n == 1 ? "" : "s", rangeset_bytes(set));
	for (size_t i = 0; i < set->n; i++)
		fprintf(out, "    [0x%" PRIx64 ", 0x%" PRIx64 ")\n", set->v[i].start, set->v[i].end);
}

static void status_text(const struct tdx_status *st, FILE *out)
{
	fprintf(out, "TDX status\n");
	fprintf(out, "  %-22s %s family %u model %u (0x%x) stepping %u, %u CPU%s\n", "cpu:",
		st->vendor[0] ? st->vendor : "unknown", st->family, st->model, st->model, st->stepping,
		st->ncpus, st->ncpus == 1 ? "" : "s");
	if (st->model_name[0])
		fprintf(out, "  %-22s %s\n", "model name:", st->model_name);
	fprintf(out, "  %-22s tdx_host_platform %s, tdx_guest %s, movdir64b %s, sha_ni %s, pdpe1gb %s\n",
		"cpu flags:", yes_no(st->tdx_host_platform), yes_no(st->tdx_guest), yes_no(st->movdir64b),
		yes_no(st->sha_ni), yes_no(st->pdpe1gb));
	if (st->sev || st->sev_es || st->sev_snp)
		fprintf(out, "  %-22s sev %s, sev_es %s, sev_snp %s\n", "AMD SEV:", yes_no(st->sev),
			yes_no(st->sev_es), yes_no(st->sev_snp));
	fprintf(out, "  %-22s %s\n", "tdx_pw_mce erratum:", yes_no(st->pw_mce_erratum));
	if (st->module_initialized)
		fprintf(out, "  %-22s initialized (%s)\n", "TDX module:", st->module_evidence);
	else
		fprintf(out, "  %-22s no sign of initialization\n", "TDX module:");
	if (st->pamt_kb)
		fprintf(out, "  %-22s %" PRIu64 " KB\n", "PAMT:", st->pamt_kb);
	fprintf(out, "  %-22s %s%s\n", "kvm_intel:", st->kvm_intel_state[0] ? st->kvm_intel_state : "not loaded",
		st->kvm_intel_loaded ? (st->kvm_intel_tdx ? ", tdx=Y" : ", tdx=N") : "");
	if (st->kvm_amd_state[0])
		fprintf(out, "  %-22s %s, sev_snp=%s\n", "kvm_amd:", st->kvm_amd_state,
			st->kvm_amd_sev_snp ? "Y" : "N");
	fprintf(out, "  %-22s %s\n", "faux/tdx_host:", st->tdx_host_sysfs ? "present" : "absent");
	if (st->tdh_sys_disable_failed)
		fprintf(out, "  %-22s TDH.SYS.DISABLE failed (logged)\n", "kernel:");
	if (st->kernel_refuses_kexec)
		fprintf(out, "  %-22s refuses kexec on this tdx_pw_mce platform (logged)\n", "kernel:");
	print_count(out, "running TDs:", st->running_tds);
	print_count(out, "running SEV guests:", st->running_sev_guests);
	fprintf(out, "  %-22s %s\n", "lockdown:", st->lockdown[0] ? st->lockdown : "unknown");
	fprintf(out, "  %-22s %s\n", "kernel log:", st->kmsg_source ? st->kmsg_source : "unreadable");
	if (st->kmsg_bad_records)
		fprintf(out, "  %-22s %u malformed record%s skipped\n", "", st->kmsg_bad_records,
			st->kmsg_bad_records == 1 ? "" : "s");
	if (!st->cpuinfo_ok)
		fprintf(out, "  %-22s %s\n", "cpuinfo unusable:", st->cpuinfo_why);
	print_ranges(out, "CMRs:", &st->cmr);
	if (st->cmr_covers_ram == 0)
		fprintf(out, "  %-22s 0x%" PRIx64 " bytes of System RAM outside every CMR (cleared all the same)\n",
			"", st->cmr_uncovered_bytes);
	print_ranges(out, "crash kernel:", &st->crash);
	print_ranges(out, "private ranges:", &st->private_ranges);
	if (!st->private_ok)
		fprintf(out, "  %-22s %s\n", "private ranges unknown:", st->private_why);
	fprintf(out, "  %-22s %s\n", "decision:", tdx_decision_name(st->decision));
	fprintf(out, "  %-22s %s\n", "reason:", st->reason);
	policy_text(st, out);
	/* policy.c turns a clear into a flush for -p; the text says so */
	fprintf(out, "  %-22s %s\n", "crash kernel (-p):",
		st->decision == TDX_DECISION_PLAIN ?
		"nothing to do" : "WBINVD only, never a clear (the old memory is the dump)");
}

int tdx_json_write(struct json_object *o, FILE *out)
{
	const char *text;

	if (!o)
		return -ENOMEM;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text)
		fprintf(out, "%s\n", text);
	json_object_put(o);
	return text ? 0 : -ENOMEM;
}

int tdx_status_print(const struct tdx_status *st, FILE *out, bool json)
{
	if (json) {
		int r = tdx_json_write(status_json(st), out);

		if (r < 0)
			return r;
	} else {
		status_text(st, out);
	}
	return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}
