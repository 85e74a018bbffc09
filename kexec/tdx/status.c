/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --tdx-status: readable text, or the JSON object of DESIGN.md (json-c). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <json-c/json.h>
#include "tdx.h"
#include "../record.h"
#include "../text.h"

#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif

void tdx_status_free(struct tdx_status *st)
{
	rangeset_free(&st->kmsg.cmr);    /* the log's one allocation */
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

/*
 * "loaded": {"kexec": IMAGE, "crash": IMAGE}; an image is null when none
 * is loaded (or the kernel does not say, and there is no record).
 */
static struct json_object *loaded_image_json(const struct record_image *img, bool exec)
{
	struct json_object *o;

	if (img->loaded == 0 || (img->loaded < 0 && img->recorded <= 0))
		return NULL;
	o = img->recorded > 0 ? record_json(&img->rec) : json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "recorded", json_object_new_boolean(img->recorded > 0));
	if (exec) {
		json_object_object_add(o, "needed_now",
				       json_object_new_string(record_action_name(img->needed_now)));
		json_object_object_add(o, "exec_verdict",
				       json_object_new_string(img->verdict == RECORD_OK ? "ok" : "refuse"));
		json_object_object_add(o, "exec_message", json_object_new_string(img->message));
	}
	return o;
}

static struct json_object *loaded_json(const struct record_loaded *l)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "kexec", loaded_image_json(&l->kexec, true));
	json_object_object_add(o, "crash", loaded_image_json(&l->crash, false));
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

/* DESIGN.md / issue 12: what the running kernel does at kexec */
static struct json_object *kernel_json(const struct tdx_kernel *k)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "disables_tdx_module", tristate(k->disables_tdx_module));
	json_object_object_add(o, "flushes_all_cpus", tristate(k->flushes_all_cpus));
	json_object_object_add(o, "refuses_kexec_on_erratum", tristate(k->refuses_kexec_on_erratum));
	return o;
}

static struct json_object *watchdogs_json(const struct tdx_status *st)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; a && i < st->nwatchdogs; i++) {
		const struct tdx_watchdog *w = &st->watchdogs[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(w->name));
		json_object_object_add(o, "identity", string_or_null(w->identity));
		json_object_object_add(o, "timeout_s", count(w->timeout_s));
		json_object_object_add(o, "state", string_or_null(w->state));
		json_object_object_add(o, "nowayout", tristate(w->nowayout));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *warnings_json(const struct tdx_status *st)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; a && i < st->nwarnings; i++)
		json_object_array_add(a, text(st->warnings[i]));
	return a;
}

static struct json_object *status_json(const struct tdx_status *st)
{
	struct json_object *o = json_object_new_object(), *cpu, *ki, *ka;

	if (!o)
		return NULL;
	json_object_object_add(o, "tdx_host_platform", json_object_new_boolean(st->cpu.tdx_host_platform));
	json_object_object_add(o, "tdx_guest", json_object_new_boolean(st->tdx_guest));
	json_object_object_add(o, "pw_mce_erratum", json_object_new_boolean(st->cpu.pw_mce));
	json_object_object_add(o, "module_initialized", json_object_new_boolean(st->module_initialized));
	json_object_object_add(o, "module_evidence", string_or_null(st->module_evidence));
	json_object_object_add(o, "running_tds", count(st->running_tds));
	json_object_object_add(o, "running_sev_guests", count(st->running_sev_guests));
	json_object_object_add(o, "sev", json_object_new_boolean(st->cpu.sev));
	json_object_object_add(o, "sev_es", json_object_new_boolean(st->cpu.sev_es));
	json_object_object_add(o, "sev_snp", json_object_new_boolean(st->cpu.sev_snp));
	json_object_object_add(o, "sev_guest", json_object_new_boolean(st->kmsg.sev_guest));
	json_object_object_add(o, "cpuinfo_error", st->cpuinfo_ok ? NULL : text(st->cpuinfo_why));

	cpu = json_object_new_object();
	json_object_object_add(cpu, "vendor", text(st->cpu.vendor));
	json_object_object_add(cpu, "family", json_object_new_int64(st->cpu.family));
	json_object_object_add(cpu, "model", json_object_new_int64(st->cpu.model));
	json_object_object_add(cpu, "stepping", json_object_new_int64(st->cpu.stepping));
	json_object_object_add(cpu, "model_name", text(st->cpu.model_name));
	json_object_object_add(cpu, "count", json_object_new_int64(st->cpu.ncpus));
	json_object_object_add(cpu, "movdir64b", json_object_new_boolean(st->cpu.movdir64b));
	json_object_object_add(cpu, "sha_ni", json_object_new_boolean(st->cpu.sha_ni));
	json_object_object_add(cpu, "pdpe1gb", json_object_new_boolean(st->cpu.pdpe1gb));
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
	json_object_object_add(o, "pamt_kb", json_object_new_int64((int64_t)st->kmsg.pamt_kb));
	json_object_object_add(o, "tdh_sys_disable_failed",
			       json_object_new_boolean(st->kmsg.tdh_sys_disable_failed));
	json_object_object_add(o, "kernel_refuses_kexec",
			       json_object_new_boolean(st->kmsg.kernel_refuses_kexec));
	json_object_object_add(o, "lockdown", string_or_null(st->lockdown));
	json_object_object_add(o, "syscall", st->syscall ? json_object_new_string(st->syscall) : NULL);
	json_object_object_add(o, "kmsg_source", string_or_null(st->kmsg_source));
	json_object_object_add(o, "kmsg_skipped_records", json_object_new_int64(st->kmsg.bad_records));
	json_object_object_add(o, "misc_current", st->misc_found ? misc_json(&st->misc) : NULL);
	json_object_object_add(o, "misc_capacity", misc_json(&st->misc_capacity));

	json_object_object_add(o, "cmr", ranges_json(&st->kmsg.cmr));
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
	json_object_object_add(o, "kernel", kernel_json(&st->kernel));
	json_object_object_add(o, "module_version", string_or_null(st->module_version));
	json_object_object_add(o, "clear_estimate_s", count(st->clear_estimate_s));
	json_object_object_add(o, "watchdogs", watchdogs_json(st));
	json_object_object_add(o, "warnings", warnings_json(st));
	if (st->loaded)
		json_object_object_add(o, "loaded", loaded_json(st->loaded));
	json_object_object_add(o, "policy", policy_json(st));
	return o;
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
	char size[32];

	text_size(rangeset_bytes(set), size, sizeof(size));
	fprintf(out, "  %-22s %zu range%s, %s\n", title, set->n, set->n == 1 ? "" : "s", size);
	rangeset_print(out, set, "    ", RANGE_SIZED);
}

/* The first line: the decision and what it means, for an operator at a glance. */
static void status_headline(const struct tdx_status *st, FILE *out)
{
	char size[32], dur[32];

	switch (st->decision) {
	case TDX_DECISION_PLAIN:
		fprintf(out, "kexec needs nothing from kexec-tdx (%s)\n",
			st->tdx_guest ? "TDX guest" : st->kmsg.sev_guest ? "AMD SEV guest" : "no TDX");
		break;
	case TDX_DECISION_FLUSH:
		fprintf(out, "kexec will WBINVD (write back and invalidate the caches); nothing is cleared\n");
		break;
	case TDX_DECISION_CLEAR:
		text_size(rangeset_bytes(&st->private_ranges), size, sizeof(size));
		tdx_duration_text(st->clear_estimate_s, dur, sizeof(dur));
		fprintf(out, "kexec will WBINVD and clear %s (%s)\n", size, dur);
		break;
	case TDX_DECISION_REFUSE:
	default:
		if (st->running_tds > 0 || st->running_sev_guests > 0) {
			fprintf(out, "kexec is refused: ");
			if (st->running_tds > 0)
				fprintf(out, "%ld TD%s%s", st->running_tds, st->running_tds == 1 ? "" : "s",
					st->running_sev_guests > 0 ? " and " : "");
			if (st->running_sev_guests > 0)
				fprintf(out, "%ld SEV guest%s", st->running_sev_guests,
					st->running_sev_guests == 1 ? "" : "s");
			fprintf(out, " running\n");
		} else if (tdx_kernel_refuses(st)) {
			fprintf(out, "kexec is refused: this kernel refuses kexec on the tdx_pw_mce erratum\n");
		} else if (st->module_initialized && st->running_tds < 0) {
			fprintf(out, "kexec is refused: the number of running TDs is unknown\n");
		} else if (!st->private_ok && strstr(st->reason, "the memory to clear cannot be computed")) {
			fprintf(out, "kexec is refused: a clear is needed, but the memory to clear cannot be "
				"computed\n");
		} else {
			fprintf(out, "kexec is refused: %s\n", st->reason);
		}
		break;
	}
}

/* What the operator can do about it, then the warnings. */
static void status_advice(const struct tdx_status *st, FILE *out)
{
	if (st->decision == TDX_DECISION_REFUSE) {
		if (tdx_kernel_refuses(st))
			fprintf(out, "What to do: a cold reboot, or boot a kernel that disables the TDX module at "
				"kexec (tdx_sys_disable, mainline 7.2+). --tdx-force cannot help: the kernel "
				"itself refuses, kdump (-p) loads too.\n");
		else if (st->running_tds > 0 || st->running_sev_guests > 0)
			fprintf(out, "What to do: shut the guests down (kexec destroys them without warning), "
				"or use --tdx-force to kexec anyway. A crash kernel (-p) can still be loaded.\n");
		else if (st->module_initialized && st->running_tds < 0)
			fprintf(out, "What to do: mount the cgroup2 file system with the misc controller at "
				"/sys/fs/cgroup so that TDs can be counted, or make sure none runs and use "
				"--tdx-force.\n");
		else if (!st->private_ok && strstr(st->reason, "the memory to clear cannot be computed"))
			fprintf(out, "What to do: make the file named in the reason below readable, or do a "
				"cold reboot; --tdx-force kexecs with WBINVD but without the clear.\n");
		else
			fprintf(out, "What to do: see the reason below; --tdx-force overrides a refusal by "
				"this tool.\n");
	} else if (st->decision == TDX_DECISION_CLEAR) {
		fprintf(out, "What to do: %s; kexec -l and -e do it (a crash kernel, -p, gets the "
			"WBINVD only: the old memory is the dump).\n",
			st->nwarnings ? "first the warnings below" : "nothing");
		if (st->kernel.disables_tdx_module == TDX_YES)
			fprintf(out, "This kernel also resets TDX memory at kexec (tdx_sys_disable) if TDX "
				"module %s supports TDH.SYS.DISABLE; --tdx=flush (or tdx=flush in "
				"/etc/kexec-tdx.conf) skips the clear.\n",
				st->module_version[0] ? st->module_version : "(version unknown)");
	} else if (st->decision == TDX_DECISION_FLUSH) {
		fprintf(out, "What to do: nothing; kexec -l and -e do it.\n");
	}
	for (unsigned i = 0; i < st->nwarnings; i++)
		fprintf(out, "warning: %s\n", st->warnings[i]);
}

/* One image's line; nothing when the kernel does not say and there is no record. */
static void loaded_image_text(FILE *out, const char *title, const struct record_image *img, bool exec)
{
	char iso[40];

	if (img->loaded < 0 && img->recorded <= 0)
		return;
	if (img->loaded == 0) {
		fprintf(out, "  %-22s none\n", title);
		return;
	}
	if (img->recorded > 0) {
		record_time_iso(img->rec.time, iso, sizeof(iso));
		fprintf(out, "  %-22s %s, action %s%s, loaded %s\n", title, img->rec.kernel,
			record_action_name(img->rec.action),
			img->rec.file_syscall ? " (kexec_file_load)" : "", iso);
	} else {
		fprintf(out, "  %-22s an image without a record of this kexec\n", title);
	}
	if (exec)
		fprintf(out, "  %-22s %s%s\n", "kexec -e now:", img->verdict == RECORD_OK ? "" : "refused: ",
			img->message);
}

/* The CPU: identity, the flags that matter, the erratum. */
static void cpu_text(const struct tdx_status *st, FILE *out)
{
	const struct tdx_cpuinfo *ci = &st->cpu;

	fprintf(out, "  %-22s %s family %u model %u (0x%x) stepping %u, %u CPU%s\n", "cpu:",
		ci->vendor[0] ? ci->vendor : "unknown", ci->family, ci->model, ci->model, ci->stepping,
		ci->ncpus, ci->ncpus == 1 ? "" : "s");
	if (ci->model_name[0])
		fprintf(out, "  %-22s %s\n", "model name:", ci->model_name);
	fprintf(out, "  %-22s tdx_host_platform %s, tdx_guest %s, movdir64b %s, sha_ni %s, pdpe1gb %s\n",
		"cpu flags:", yes_no(ci->tdx_host_platform), yes_no(st->tdx_guest), yes_no(ci->movdir64b),
		yes_no(ci->sha_ni), yes_no(ci->pdpe1gb));
	if (ci->sev || ci->sev_es || ci->sev_snp)
		fprintf(out, "  %-22s sev %s, sev_es %s, sev_snp %s\n", "AMD SEV:", yes_no(ci->sev),
			yes_no(ci->sev_es), yes_no(ci->sev_snp));
	fprintf(out, "  %-22s %s\n", "tdx_pw_mce erratum:", yes_no(ci->pw_mce));
}

/* The TDX module: initialized or not, its version, its PAMT. */
static void module_text(const struct tdx_status *st, FILE *out)
{
	char size[32];

	if (st->module_initialized)
		fprintf(out, "  %-22s initialized (%s)\n", "TDX module:", st->module_evidence);
	else
		fprintf(out, "  %-22s no sign of initialization\n", "TDX module:");
	if (st->module_version[0])
		fprintf(out, "  %-22s %s (%s)\n", "TDX module version:", st->module_version,
			st->module_version_source);
	if (st->kmsg.pamt_kb) {
		text_size(st->kmsg.pamt_kb * 1024, size, sizeof(size));
		fprintf(out, "  %-22s %s\n", "PAMT:", size);
	}
}

/* What the running kernel does at kexec (kernel.c). */
static void kernel_text(const struct tdx_kernel *k, FILE *out)
{
	if (k->disables_tdx_module == TDX_UNKNOWN) {
		fprintf(out, "  %-22s unknown (no usable /proc/kallsyms)%s\n", "kernel at kexec:",
			k->refuses_kexec_on_erratum == TDX_YES ? "; refuses kexec on tdx_pw_mce "
			"CPUs (logged)" : "");
		return;
	}
	fprintf(out, "  %-22s %s\n", "kernel at kexec:",
		k->disables_tdx_module == TDX_YES ? "disables the TDX module (tdx_sys_disable)" :
		"does not disable the TDX module (no tdx_sys_disable)");
	fprintf(out, "  %-22s %s\n", "", k->flushes_all_cpus == TDX_YES ?
		"flushes every CPU that ran a SEAMCALL (tdx_cpu_flush_cache*)" :
		"no flush of every CPU (no tdx_cpu_flush_cache*)");
	fprintf(out, "  %-22s %s\n", "", k->refuses_kexec_on_erratum == TDX_YES ?
		"refuses kexec on tdx_pw_mce CPUs (6.18-7.1)" :
		"does not refuse kexec on tdx_pw_mce CPUs");
}

/* KVM, the faux device, what the log says, guests, lockdown. */
static void host_text(const struct tdx_status *st, FILE *out)
{
	fprintf(out, "  %-22s %s%s\n", "kvm_intel:",
		st->kvm_intel_state[0] ? st->kvm_intel_state : "not loaded",
		st->kvm_intel_loaded ? (st->kvm_intel_tdx ? ", tdx=Y" : ", tdx=N") : "");
	if (st->kvm_amd_state[0])
		fprintf(out, "  %-22s %s, sev_snp=%s\n", "kvm_amd:", st->kvm_amd_state,
			st->kvm_amd_sev_snp ? "Y" : "N");
	fprintf(out, "  %-22s %s\n", "faux/tdx_host:", st->tdx_host_sysfs ? "present" : "absent");
	if (st->kmsg.tdh_sys_disable_failed)
		fprintf(out, "  %-22s TDH.SYS.DISABLE failed (logged)\n", "kernel:");
	if (st->kmsg.kernel_refuses_kexec)
		fprintf(out, "  %-22s refuses kexec on this tdx_pw_mce platform (logged)\n", "kernel:");
	print_count(out, "running TDs:", st->running_tds);
	print_count(out, "running SEV guests:", st->running_sev_guests);
	fprintf(out, "  %-22s %s\n", "lockdown:", st->lockdown[0] ? st->lockdown : "unknown");
	fprintf(out, "  %-22s %s\n", "kexec -l loads with:",
		st->syscall ? st->syscall : "nothing (the load is refused)");
	fprintf(out, "  %-22s %s\n", "kernel log:", st->kmsg_source ? st->kmsg_source : "unreadable");
	if (st->kmsg.bad_records)
		fprintf(out, "  %-22s %u malformed record%s skipped\n", "", st->kmsg.bad_records,
			st->kmsg.bad_records == 1 ? "" : "s");
	if (!st->cpuinfo_ok)
		fprintf(out, "  %-22s %s\n", "cpuinfo unusable:", st->cpuinfo_why);
}

/* The watchdogs, and how long the clear takes next to them. */
static void watchdogs_text(const struct tdx_status *st, FILE *out)
{
	for (unsigned i = 0; i < st->nwatchdogs; i++) {
		const struct tdx_watchdog *w = &st->watchdogs[i];
		char t[24];

		snprintf(t, sizeof(t), w->timeout_s < 0 ? "?" : "%ld", w->timeout_s);
		fprintf(out, "  %-22s %s (%s): timeout %s s, %s, nowayout %s\n", i ? "" : "watchdogs:",
			w->name, w->identity[0] ? w->identity : "?", t,
			w->ipmi ? "re-armed with >= 120 s at reboot" : w->state[0] ? w->state : "state unknown",
			w->nowayout == TDX_UNKNOWN ? "unknown" : yes_no(w->nowayout == TDX_YES));
	}
	if (st->clear_estimate_s >= 0)
		fprintf(out, "  %-22s %ld s at %llu GB/s (%u CPU%s)\n", "clear estimate:", st->clear_estimate_s,
			(unsigned long long)(TDX_CLEAR_RATE_PER_CPU / 1000000000ull), TDX_CLEAR_CPUS,
			TDX_CLEAR_CPUS == 1 ? "" : "s");
}

/* -p, and the ranges: CMRs, crash kernel, what a clear covers. */
static void memory_text(const struct tdx_status *st, FILE *out)
{
	char size[32];

	/* policy.c turns a clear into a flush for -p; the text says so */
	fprintf(out, "  %-22s %s\n", "crash kernel (-p):",
		tdx_kernel_refuses(st) ? "refused by the kernel too" :
		st->decision == TDX_DECISION_PLAIN ?
		"nothing to do" : "WBINVD only, never a clear (the old memory is the dump)");
	if (!st->private_ok)
		fprintf(out, "  %-22s %s\n", "private ranges unknown:", st->private_why);
	print_ranges(out, "CMRs:", &st->kmsg.cmr);
	if (st->cmr_covers_ram == 0) {
		text_size(st->cmr_uncovered_bytes, size, sizeof(size));
		fprintf(out, "  %-22s %s of System RAM outside every CMR (cleared all the same)\n", "", size);
	}
	print_ranges(out, "crash kernel:", &st->crash);
	print_ranges(out, "private ranges:", &st->private_ranges);
}

static void status_text(const struct tdx_status *st, FILE *out)
{
	status_headline(st, out);
	status_advice(st, out);
	fprintf(out, "\nTDX status\n");
	fprintf(out, "  %-22s %s\n", "decision:", tdx_decision_name(st->decision));
	fprintf(out, "  %-22s %s\n", "reason:", st->reason);
	policy_text(st, out);
	cpu_text(st, out);
	module_text(st, out);
	kernel_text(&st->kernel, out);
	host_text(st, out);
	watchdogs_text(st, out);
	memory_text(st, out);
	if (st->loaded) {
		loaded_image_text(out, "loaded (kexec -l):", &st->loaded->kexec, true);
		loaded_image_text(out, "loaded (kexec -p):", &st->loaded->crash, false);
	}
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
