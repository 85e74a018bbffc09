/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --tdx-status: readable text, or the JSON object of DESIGN.md (json-c). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <json-c/json.h>
#include <kexec-tdx/purgatory-abi.h>
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

/* "module_update": the faux device and the firmware upload (7.2+); null when neither is there. */
static struct json_object *update_json(const struct tdx_status *st)
{
	const struct tdx_module_update *u = &st->update;
	struct json_object *o;

	if (!st->tdx_host_sysfs && !u->upload_status[0])
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "in_progress", json_object_new_boolean(u->in_progress));
	json_object_object_add(o, "upload_status", string_or_null(u->upload_status));
	json_object_object_add(o, "seamldr_version", string_or_null(u->seamldr_version));
	json_object_object_add(o, "num_remaining_updates", count(u->remaining_updates));
	return o;
}

/* "module_sys_disable": {"supported": true|false|null, "source": "..."|null} */
static struct json_object *sys_disable_json(const struct tdx_status *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "supported", tristate(st->module_sys_disable));
	json_object_object_add(o, "source", string_or_null(st->module_sys_disable_source));
	return o;
}

/* The head of the contract: schema_version, decision, action, reason, warnings, then what follows. */
static void head_json(const struct tdx_status *st, struct json_object *o)
{
	const char *after = tdx_after_kexec(st);

	json_object_object_add(o, "schema_version", json_object_new_int(TDX_SCHEMA_VERSION));
	json_object_object_add(o, "decision", json_object_new_string(tdx_decision_name(st->decision)));
	json_object_object_add(o, "action", json_object_new_string(tdx_action_name(st->action)));
	/* the decision's reason, unless the policy refuses what the decision allows */
	json_object_object_add(o, "reason", text(st->action == TDX_ACTION_REFUSE && st->action_why[0] &&
						   st->decision != TDX_DECISION_REFUSE ?
						   st->action_why : st->reason));
	json_object_object_add(o, "warnings", warnings_json(st));
	json_object_object_add(o, "decision_reason", text(st->reason));
	json_object_object_add(o, "policy", policy_json(st));
	json_object_object_add(o, "tdx_after_kexec", after ? json_object_new_string(after) : NULL);
	json_object_object_add(o, "clear_cpus", st->clear_cpus ? json_object_new_int64(st->clear_cpus) : NULL);
	json_object_object_add(o, "clear_packages",
			       st->clear_packages ? json_object_new_int64(st->clear_packages) : NULL);
	json_object_object_add(o, "clear_rate_bytes_per_s", st->clear_rate_bps ?
			       json_object_new_int64((int64_t)st->clear_rate_bps) : NULL);
	json_object_object_add(o, "clear_rate_source", json_object_new_string(
				       st->clear_rate_measured ? "measured" : "model"));
	json_object_object_add(o, "clear_estimate_s", count(st->clear_estimate_s));
	json_object_object_add(o, "loaded", st->loaded ? loaded_json(st->loaded) : NULL);
}

static struct json_object *cpu_json(const struct tdx_status *st)
{
	struct json_object *cpu = json_object_new_object();

	json_object_object_add(cpu, "vendor", string_or_null(st->cpu.vendor));
	json_object_object_add(cpu, "family", st->cpuinfo_ok ? json_object_new_int64(st->cpu.family) : NULL);
	json_object_object_add(cpu, "model", st->cpuinfo_ok ? json_object_new_int64(st->cpu.model) : NULL);
	json_object_object_add(cpu, "stepping",
			       st->cpuinfo_ok ? json_object_new_int64(st->cpu.stepping) : NULL);
	json_object_object_add(cpu, "model_name", string_or_null(st->cpu.model_name));
	json_object_object_add(cpu, "count", st->cpuinfo_ok ? json_object_new_int64(st->cpu.ncpus) : NULL);
	json_object_object_add(cpu, "movdir64b", json_object_new_boolean(st->cpu.movdir64b));
	json_object_object_add(cpu, "sha_ni", json_object_new_boolean(st->cpu.sha_ni));
	json_object_object_add(cpu, "pdpe1gb", json_object_new_boolean(st->cpu.pdpe1gb));
	return cpu;
}

static struct json_object *kvm_json(const char *state, bool loaded, const char *flag, bool value)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state", string_or_null(state));
	json_object_object_add(o, "loaded", json_object_new_boolean(loaded));
	json_object_object_add(o, flag, json_object_new_boolean(value));
	return o;
}

/* The evidence: CPU, TDX module, kernel, log, guests. */
static void host_json(const struct tdx_status *st, struct json_object *o)
{
	json_object_object_add(o, "tdx_host_platform", json_object_new_boolean(st->cpu.tdx_host_platform));
	json_object_object_add(o, "tdx_guest", json_object_new_boolean(st->tdx_guest));
	json_object_object_add(o, "pw_mce_erratum", json_object_new_boolean(st->cpu.pw_mce));
	json_object_object_add(o, "module_initialized", json_object_new_boolean(st->module_initialized));
	json_object_object_add(o, "module_evidence", string_or_null(st->module_evidence));
	json_object_object_add(o, "module_version", string_or_null(st->module_version));
	json_object_object_add(o, "module_version_source", string_or_null(st->module_version_source));
	json_object_object_add(o, "module_sys_disable", sys_disable_json(st));
	json_object_object_add(o, "module_update", update_json(st));
	json_object_object_add(o, "kernel", kernel_json(&st->kernel));
	json_object_object_add(o, "running_tds", count(st->running_tds));
	json_object_object_add(o, "running_sev_guests", count(st->running_sev_guests));
	json_object_object_add(o, "sev", json_object_new_boolean(st->cpu.sev));
	json_object_object_add(o, "sev_es", json_object_new_boolean(st->cpu.sev_es));
	json_object_object_add(o, "sev_snp", json_object_new_boolean(st->cpu.sev_snp));
	json_object_object_add(o, "sev_guest", json_object_new_boolean(st->kmsg.sev_guest));
	json_object_object_add(o, "cpuinfo_error", st->cpuinfo_ok ? NULL : text(st->cpuinfo_why));
	json_object_object_add(o, "cpu", cpu_json(st));
	json_object_object_add(o, "kvm_intel", kvm_json(st->kvm_intel_state, st->kvm_intel_loaded, "tdx",
							st->kvm_intel_tdx));
	json_object_object_add(o, "kvm_amd", kvm_json(st->kvm_amd_state, st->kvm_amd_loaded, "sev_snp",
						      st->kvm_amd_sev_snp));
	json_object_object_add(o, "tdx_host_sysfs", json_object_new_boolean(st->tdx_host_sysfs));
	json_object_object_add(o, "lockdown", string_or_null(st->lockdown));
	json_object_object_add(o, "syscall", st->syscall ? json_object_new_string(st->syscall) : NULL);
}

/* What the kernel log said (null where it said nothing or could not be read). */
static void log_json(const struct tdx_status *st, struct json_object *o)
{
	bool read = st->kmsg_source != NULL;

	json_object_object_add(o, "kmsg_source", string_or_null(st->kmsg_source));
	json_object_object_add(o, "kmsg_skipped_records", read ?
			       json_object_new_int64(st->kmsg.bad_records) : NULL);
	json_object_object_add(o, "pamt_kb", st->kmsg.pamt_kb ?
			       json_object_new_int64((int64_t)st->kmsg.pamt_kb) : NULL);
	json_object_object_add(o, "kexec_refusal_logged", read ?
			       json_object_new_boolean(st->kmsg.kexec_refusal_logged) : NULL);
	json_object_object_add(o, "tdh_sys_disable_failure_logged", read ?
			       json_object_new_boolean(st->kmsg.tdh_sys_disable_failed) : NULL);
}

/* Guests' counters, memory, watchdogs. */
static void memory_json(const struct tdx_status *st, struct json_object *o)
{
	json_object_object_add(o, "misc_current", st->misc_found ? misc_json(&st->misc) : NULL);
	json_object_object_add(o, "misc_capacity", misc_json(&st->misc_capacity));
	json_object_object_add(o, "cmr", ranges_json(&st->kmsg.cmr));
	json_object_object_add(o, "cmr_covers_system_ram", tristate(st->cmr_covers_ram));
	json_object_object_add(o, "cmr_uncovered_bytes", st->cmr_covers_ram < 0 ? NULL :
			       json_object_new_int64((int64_t)st->cmr_uncovered_bytes));
	json_object_object_add(o, "crash_kernel", ranges_json(&st->crash));
	json_object_object_add(o, "private_ranges", ranges_json(&st->private_ranges));
	json_object_object_add(o, "private_bytes", st->private_ok ?
			       json_object_new_int64((int64_t)rangeset_bytes(&st->private_ranges)) : NULL);
	json_object_object_add(o, "private_ranges_error", st->private_ok ? NULL : text(st->private_why));
	if (st->nkept)
		json_object_object_add(o, "kept_ranges", tdx_kept_json(st));
	json_object_object_add(o, "watchdogs", watchdogs_json(st));
}

static struct json_object *status_json(const struct tdx_status *st)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	head_json(st, o);
	host_json(st, o);
	log_json(st, o);
	memory_json(st, o);
	return o;
}

#define TEXT_COLUMNS 80

/*
 * Print fmt's text wrapped at TEXT_COLUMNS: the first line starts with
 * first, the others with cont (both count toward the width).
 */
static void wrapf(FILE *out, const char *first, const char *cont, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void wrapf(FILE *out, const char *first, const char *cont, const char *fmt, ...)
{
	char buf[2048];
	const char *p = buf, *prefix = first;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	do {
		size_t room = TEXT_COLUMNS - strlen(prefix), n = strlen(p), cut = n;

		if (n > room) {
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (!cut)       /* one word longer than the line: keep it whole */
				for (cut = room; p[cut] && p[cut] != ' '; cut++)
					;
		}
		fprintf(out, "%s%.*s\n", prefix, (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		prefix = cont;
	} while (*p);
}

/* "  title:                 value", wrapped */
#define FIELD(out, title, ...) wrapf(out, field_prefix(title, prefix_buf, sizeof(prefix_buf)), \
				     "                         ", __VA_ARGS__)

static const char *field_prefix(const char *title, char *buf, size_t size)
{
	snprintf(buf, size, "  %-22s ", title);
	return buf;
}

static bool guests_running(const struct tdx_status *st)
{
	return st->running_tds > 0 || st->running_sev_guests > 0;
}

/* The -e verdict of the loaded image, when it is a refusal; NULL otherwise. */
static const struct record_image *exec_refused(const struct tdx_status *st)
{
	const struct record_image *img = st->loaded ? &st->loaded->kexec : NULL;

	if (!img || img->loaded == 0 || (img->loaded < 0 && img->recorded <= 0))
		return NULL;
	return img->verdict == RECORD_OK ? NULL : img;
}

/* "nothing", "a flush", "a clear" */
static const char *action_phrase(unsigned action)
{
	return action == KTDX_ACTION_CLEAR ? "a clear" : action == KTDX_ACTION_FLUSH ? "a flush" : "nothing";
}

/* The first line when a load is refused. */
static void refused_headline(const struct tdx_status *st, FILE *out)
{
	if (guests_running(st)) {
		fprintf(out, "kexec is refused: ");
		if (st->running_tds > 0)
			fprintf(out, "%ld TD%s%s", st->running_tds, st->running_tds == 1 ? "" : "s",
				st->running_sev_guests > 0 ? " and " : "");
		if (st->running_sev_guests > 0)
			fprintf(out, "%ld SEV guest%s", st->running_sev_guests,
				st->running_sev_guests == 1 ? "" : "s");
		fprintf(out, " running\n");
	} else if (st->update.in_progress) {
		fprintf(out, "kexec is refused: a TDX module update is in progress\n");
	} else if (st->policy == TDX_POLICY_REFUSE) {
		fprintf(out, "kexec is refused by policy refuse (%s): the host needs a %s\n",
			st->policy_source, tdx_decision_name(st->decision));
	} else if (st->module_initialized && st->running_tds < 0) {
		fprintf(out, "kexec is refused: the number of running TDs is unknown\n");
	} else if (!st->cpuinfo_ok && !st->module_initialized) {
		fprintf(out, "kexec is refused: cannot tell whether this is a TDX host\n");
	} else if (!st->private_ok) {
		fprintf(out, "kexec is refused: a clear is needed, but its memory is unknown\n");
	} else {
		wrapf(out, "kexec is refused: ", "  ", "%s", st->action_why);
	}
}

/* The first line: what a kexec will do under the policy in force, for an operator at a glance. */
static void status_headline(const struct tdx_status *st, FILE *out)
{
	const struct record_image *img = exec_refused(st);
	char size[32], dur[32];

	if (tdx_kernel_refuses(st)) {
		fprintf(out, "kexec and kdump are both refused by this kernel (tdx_pw_mce erratum)\n");
		return;
	}
	if (img && st->action != TDX_ACTION_REFUSE)
		fprintf(out, "kexec -e is refused: the loaded image does %s, %s is needed\n",
			img->recorded > 0 ? action_phrase(img->rec.action) : "what kexec-tdx cannot tell",
			action_phrase(img->needed_now));
	switch (st->action) {
	case KTDX_ACTION_CLEAR:
		text_size(rangeset_bytes(&st->private_ranges), size, sizeof(size));
		tdx_duration_text(st->clear_estimate_s, dur, sizeof(dur));
		fprintf(out, "%s will WBINVD and clear %s on %u CPU%s (%s)\n", img ? "kexec -l" : "kexec",
			size, st->clear_cpus, st->clear_cpus == 1 ? "" : "s", dur);
		break;
	case KTDX_ACTION_FLUSH:
		fprintf(out, "%s will WBINVD (write back and invalidate the caches); nothing is cleared\n",
			img ? "kexec -l" : "kexec");
		break;
	case KTDX_ACTION_NONE:
		if (st->decision == TDX_DECISION_PLAIN)
			fprintf(out, "kexec needs nothing from kexec-tdx (%s)\n", st->tdx_guest ? "TDX guest" :
				st->kmsg.sev_guest ? "AMD SEV guest" : "no TDX");
		else
			fprintf(out, "kexec will do nothing for TDX (--tdx=%s), but the host needs a %s\n",
				tdx_policy_name(st->policy), tdx_decision_name(st->decision));
		break;
	default:
		refused_headline(st, out);
		break;
	}
}

/* After the kexec: TDX usable or not, in the words an operator reads once. */
static void after_kexec_text(const struct tdx_status *st, FILE *out)
{
	const char *a = tdx_after_kexec(st);

	if (!a || st->action == TDX_ACTION_REFUSE)
		return;
	if (!strcmp(a, "available"))
		wrapf(out, "", "", "After this kexec the new kernel can use TDX again (this kernel "
		      "disables the TDX module at kexec).");
	else if (!strcmp(a, "until_cold_boot"))
		wrapf(out, "", "", "After this kexec, TDX stays unavailable until a cold boot (%s).",
		      st->kmsg.tdh_sys_disable_failed ? "the TDX module failed TDH.SYS.DISABLE" :
		      "this kernel does not disable the TDX module at kexec");
	else
		wrapf(out, "", "", "After this kexec, TDX may stay unavailable until a cold boot (not "
		      "known whether this kernel disables the TDX module).");
}

/* What to do when a load is refused. */
static void refused_advice(const struct tdx_status *st, FILE *out)
{
	if (tdx_kernel_refuses(st))
		wrapf(out, "What to do: ", "  ", "a cold reboot, or boot a kernel that disables the TDX "
		      "module at kexec (tdx_sys_disable, mainline 7.2+). --tdx-force cannot help: the "
		      "kernel itself refuses.");
	else if (guests_running(st))
		wrapf(out, "What to do: ", "  ", "shut the guests down (kexec destroys them without "
		      "warning), or use --tdx-force to kexec anyway. A crash kernel (-p) can still be "
		      "loaded.");
	else if (st->update.in_progress)
		wrapf(out, "What to do: ", "  ", "wait until the update ends "
		      "(/sys/class/firmware/tdx_module/status says idle), then kexec.");
	else if (st->policy == TDX_POLICY_REFUSE)
		wrapf(out, "What to do: ", "  ", "a cold reboot, as the policy asks; or --tdx=auto for "
		      "this kexec, or --tdx-force.");
	else if (st->module_initialized && st->running_tds < 0)
		wrapf(out, "What to do: ", "  ", "mount the cgroup2 file system with the misc "
		      "controller at /sys/fs/cgroup so that TDs can be counted, or make sure none runs "
		      "and use --tdx-force.");
	else
		wrapf(out, "What to do: ", "  ", "make the file named in the reason readable, or do a "
		      "cold reboot; --tdx-force overrides a refusal by this tool.");
}

/* What the operator can do about it, then the warnings. */
static void status_advice(const struct tdx_status *st, FILE *out)
{
	const struct record_image *img = exec_refused(st);
	const char *first = st->nwarnings ? "first the warnings below; then" : "nothing;";

	if (st->action == TDX_ACTION_REFUSE || tdx_kernel_refuses(st))
		refused_advice(st, out);
	else if (img)
		wrapf(out, "What to do: ", "  ", "%sload the image again with kexec -l, or add "
		      "--tdx-force to kexec -e (then it does only what it was loaded with).",
		      st->nwarnings ? "first the warnings below; then " : "");
	else if (st->action == KTDX_ACTION_CLEAR)
		wrapf(out, "What to do: ", "  ", "%s kexec -l and -e do it (a crash kernel, -p, gets "
		      "the WBINVD only: the old memory is the dump).", first);
	else if (st->action == KTDX_ACTION_FLUSH)
		wrapf(out, "What to do: ", "  ", "%s kexec -l and -e do it.", first);
	else if (st->decision != TDX_DECISION_PLAIN)
		wrapf(out, "What to do: ", "  ", "drop --tdx=%s (%s), or do a cold reboot instead of "
		      "kexec.", tdx_policy_name(st->policy), st->policy_source);
	if (st->action == KTDX_ACTION_CLEAR && st->kernel.disables_tdx_module == TDX_YES &&
	    st->module_sys_disable == TDX_YES)
		wrapf(out, "", "", "This kernel also resets TDX memory at kexec and TDX module %s "
		      "supports TDH.SYS.DISABLE (%s): --tdx=flush (or tdx=flush in /etc/kexec-tdx.conf) "
		      "skips the clear.", st->module_version, st->module_sys_disable_source);
	for (unsigned i = 0; i < st->nwarnings; i++)
		wrapf(out, "warning: ", "  ", "%s", st->warnings[i]);
}

/* One image's line; nothing when the kernel does not say and there is no record. */
static void loaded_image_text(FILE *out, const char *title, const struct record_image *img, bool exec)
{
	char iso[40], prefix_buf[32];

	if (img->loaded < 0 && img->recorded <= 0)
		return;
	if (img->loaded == 0) {
		FIELD(out, title, "none");
		return;
	}
	if (img->recorded > 0) {
		record_time_iso(img->rec.time, iso, sizeof(iso));
		FIELD(out, title, "%s, action %s%s, loaded %s", img->rec.kernel,
		      record_action_name(img->rec.action), img->rec.file_syscall ? " (kexec_file_load)" : "",
		      iso);
	} else {
		FIELD(out, title, "an image without a record of this kexec");
	}
	if (exec)
		FIELD(out, "kexec -e now:", "%s%s", img->verdict == RECORD_OK ? "" : "refused: ",
		      img->message);
}

/* The decision, the policy and the action. */
static void decision_text(const struct tdx_status *st, FILE *out)
{
	char prefix_buf[32];

	FIELD(out, "decision:", "%s", tdx_decision_name(st->decision));
	FIELD(out, "reason:", "%s", st->reason);
	FIELD(out, "policy:", "%s (%s)", tdx_policy_name(st->policy), st->policy_source);
	FIELD(out, "action (kexec -l, -e):", "%s", tdx_action_name(st->action));
	if (st->action == TDX_ACTION_REFUSE && st->action_why[0] && st->decision != TDX_DECISION_REFUSE)
		FIELD(out, "", "%s", st->action_why);
}

/* The CPU: identity, the flags that matter, the erratum. */
static void cpu_text(const struct tdx_status *st, FILE *out)
{
	const struct tdx_cpuinfo *ci = &st->cpu;
	char prefix_buf[32];

	if (!st->cpuinfo_ok) {
		FIELD(out, "cpu:", "unknown (%s)", st->cpuinfo_why);
		return;
	}
	FIELD(out, "cpu:", "%s family %u model %u (0x%x) stepping %u, %u CPU%s", ci->vendor, ci->family,
	      ci->model, ci->model, ci->stepping, ci->ncpus, ci->ncpus == 1 ? "" : "s");
	if (ci->model_name[0])
		FIELD(out, "model name:", "%s", ci->model_name);
	FIELD(out, "cpu flags:", "tdx_host_platform %s, tdx_guest %s, movdir64b %s, sha_ni %s, pdpe1gb %s",
	      yes_no(ci->tdx_host_platform), yes_no(st->tdx_guest), yes_no(ci->movdir64b),
	      yes_no(ci->sha_ni), yes_no(ci->pdpe1gb));
	if (ci->sev || ci->sev_es || ci->sev_snp)
		FIELD(out, "AMD SEV:", "sev %s, sev_es %s, sev_snp %s", yes_no(ci->sev), yes_no(ci->sev_es),
		      yes_no(ci->sev_snp));
	FIELD(out, "tdx_pw_mce erratum:", "%s", yes_no(ci->pw_mce));
}

/* The TDX module: initialized or not, its version, TDH.SYS.DISABLE, an update, its PAMT. */
static void module_text(const struct tdx_status *st, FILE *out)
{
	const struct tdx_module_update *u = &st->update;
	char size[32], prefix_buf[32];

	if (st->module_initialized)
		FIELD(out, "TDX module:", "initialized (%s)", st->module_evidence);
	else
		FIELD(out, "TDX module:", "no sign of initialization");
	if (!st->module_initialized && !st->tdx_host_sysfs)
		return;
	if (st->module_version[0])
		FIELD(out, "TDX module version:", "%s (%s)", st->module_version, st->module_version_source);
	else
		FIELD(out, "TDX module version:", "not in the log");
	FIELD(out, "TDH.SYS.DISABLE:", "%s%s%s%s", st->module_sys_disable == TDX_YES ? "supported" :
	      st->module_sys_disable == TDX_NO ? "not supported" : "support unknown",
	      st->module_sys_disable_source[0] ? " (" : "", st->module_sys_disable_source,
	      st->module_sys_disable_source[0] ? ")" : "");
	if (st->tdx_host_sysfs || u->upload_status[0]) {
		char left[48];

		if (u->remaining_updates < 0)
			snprintf(left, sizeof(left), "updates left unknown");
		else
			snprintf(left, sizeof(left), "%ld update%s left", u->remaining_updates,
				 u->remaining_updates == 1 ? "" : "s");
		FIELD(out, "module update:", "%s; SEAM loader %s, %s",
		      u->in_progress ? "IN PROGRESS" : "none", u->seamldr_version[0] ?
		      u->seamldr_version : "version unknown", left);
	}
	if (st->kmsg.pamt_kb) {
		text_size(st->kmsg.pamt_kb * 1024, size, sizeof(size));
		FIELD(out, "PAMT:", "%s", size);
	} else {
		FIELD(out, "PAMT:", "not in the log");
	}
}

/* What the running kernel does at kexec (kernel.c). */
static void kernel_text(const struct tdx_kernel *k, FILE *out)
{
	char prefix_buf[32];

	if (k->disables_tdx_module == TDX_UNKNOWN) {
		FIELD(out, "kernel at kexec:", "unknown (no usable /proc/kallsyms)%s",
		      k->refuses_kexec_on_erratum == TDX_YES ? "; refuses kexec on tdx_pw_mce CPUs "
		      "(logged)" : "");
		return;
	}
	FIELD(out, "kernel at kexec:", "%s", k->disables_tdx_module == TDX_YES ?
	      "disables the TDX module (tdx_sys_disable)" :
	      "does not disable the TDX module (no tdx_sys_disable)");
	FIELD(out, "", "%s", k->flushes_all_cpus == TDX_YES ?
	      "flushes every CPU that ran a SEAMCALL (tdx_cpu_flush_cache*)" :
	      "no flush of every CPU (no tdx_cpu_flush_cache*)");
	FIELD(out, "", "%s", k->refuses_kexec_on_erratum == TDX_YES ?
	      "refuses kexec on tdx_pw_mce CPUs (6.18-7.1)" : "does not refuse kexec on tdx_pw_mce CPUs");
}

static void count_text(FILE *out, const char *title, long v)
{
	char prefix_buf[32];

	if (v < 0)
		FIELD(out, title, "unknown");
	else
		FIELD(out, title, "%ld", v);
}

/* KVM, the faux device, what the log says, guests, lockdown. */
static void host_text(const struct tdx_status *st, FILE *out)
{
	char prefix_buf[32];

	FIELD(out, "kvm_intel:", "%s%s", st->kvm_intel_state[0] ? st->kvm_intel_state : "not loaded",
	      st->kvm_intel_loaded ? (st->kvm_intel_tdx ? ", tdx=Y" : ", tdx=N") : "");
	if (st->kvm_amd_state[0])
		FIELD(out, "kvm_amd:", "%s, sev_snp=%s", st->kvm_amd_state, st->kvm_amd_sev_snp ? "Y" : "N");
	FIELD(out, "faux/tdx_host:", "%s", st->tdx_host_sysfs ? "present" : "absent");
	if (st->kmsg.tdh_sys_disable_failed)
		FIELD(out, "kernel:", "TDH.SYS.DISABLE failed (logged)");
	if (st->kmsg.kexec_refusal_logged)
		FIELD(out, "kernel:", "refuses kexec on this tdx_pw_mce platform (logged)");
	count_text(out, "running TDs:", st->running_tds);
	count_text(out, "running SEV guests:", st->running_sev_guests);
	FIELD(out, "lockdown:", "%s", st->lockdown[0] ? st->lockdown : "unknown");
	FIELD(out, "kexec -l loads with:", "%s", st->syscall ? st->syscall : "nothing (the load is refused)");
	FIELD(out, "kernel log:", "%s", st->kmsg_source ? st->kmsg_source : "unreadable");
	if (st->kmsg.bad_records)
		FIELD(out, "", "%u malformed record%s skipped", st->kmsg.bad_records,
		      st->kmsg.bad_records == 1 ? "" : "s");
}

/* The watchdogs, and how long the clear takes next to them. */
static void watchdogs_text(const struct tdx_status *st, FILE *out)
{
	char prefix_buf[32];

	for (unsigned i = 0; i < st->nwatchdogs; i++) {
		const struct tdx_watchdog *w = &st->watchdogs[i];
		char t[24];

		snprintf(t, sizeof(t), w->timeout_s < 0 ? "unknown" : "%ld s", w->timeout_s);
		FIELD(out, i ? "" : "watchdogs:", "%s (%s): timeout %s, %s, nowayout %s", w->name,
		      w->identity[0] ? w->identity : "unknown", t,
		      w->ipmi ? "re-armed with >= 120 s at reboot" : w->state[0] ? w->state : "state unknown",
		      w->nowayout == TDX_UNKNOWN ? "unknown" : yes_no(w->nowayout == TDX_YES));
	}
	if (st->clear_estimate_s < 0)
		return;
	if (st->clear_rate_measured)
		FIELD(out, "clear estimate:", "%ld s at %llu GB/s, this host's rate at its last kexec",
		      st->clear_estimate_s, (unsigned long long)(st->clear_rate_bps / 1000000000ull));
	else
		FIELD(out, "clear estimate:", "%ld s at %llu GB/s: %u CPU%s in %u package%s, %llu GB/s "
		      "per CPU, at most %llu GB/s per package", st->clear_estimate_s,
		      (unsigned long long)(st->clear_rate_bps / 1000000000ull), st->clear_cpus,
		      st->clear_cpus == 1 ? "" : "s", st->clear_packages, st->clear_packages == 1 ? "" : "s",
		      TDX_CLEAR_RATE_PER_CPU / 1000000000ull, TDX_CLEAR_RATE_PER_PACKAGE / 1000000000ull);
}

/* A range set's summary line, and its ranges with -d / --verbose. */
static void ranges_text(FILE *out, const char *title, const struct rangeset *set, bool verbose)
{
	char size[32], prefix_buf[32];

	text_size(rangeset_bytes(set), size, sizeof(size));
	FIELD(out, title, "%zu range%s, %s", set->n, set->n == 1 ? "" : "s", size);
	if (verbose)
		rangeset_print(out, set, "    ", RANGE_SIZED);
}

/* -p, and the ranges: CMRs, crash kernel, what a clear covers (not on a plain host). */
static void memory_text(const struct tdx_status *st, FILE *out, bool verbose)
{
	char size[32], prefix_buf[32];

	FIELD(out, "crash kernel (-p):", "%s", tdx_kernel_refuses(st) ? "refused by the kernel too" :
	      st->decision == TDX_DECISION_PLAIN ? "nothing to do" :
	      "WBINVD only, never a clear (the old memory is the dump)");
	ranges_text(out, "crash kernel:", &st->crash, verbose);
	if (st->decision == TDX_DECISION_PLAIN && st->action == KTDX_ACTION_NONE)
		return;
	if (!st->private_ok)
		FIELD(out, "private ranges unknown:", "%s", st->private_why);
	if (st->kmsg.cmr.n) {
		ranges_text(out, "CMRs:", &st->kmsg.cmr, verbose);
		if (st->cmr_covers_ram == 0) {
			text_size(st->cmr_uncovered_bytes, size, sizeof(size));
			FIELD(out, "", "%s of System RAM outside every CMR (cleared all the same)", size);
		}
	} else {
		FIELD(out, "CMRs:", "not in the log");
	}
	ranges_text(out, "private ranges:", &st->private_ranges, verbose);
	for (unsigned i = 0; i < st->nkept; i++) {
		text_size(st->kept[i].end - st->kept[i].start, size, sizeof(size));
		FIELD(out, i ? "" : "kept:", "[0x%" PRIx64 ", 0x%" PRIx64 ") %s, never cleared: %s",
		      st->kept[i].start, st->kept[i].end, size, st->kept[i].why);
	}
}

static void status_text(const struct tdx_status *st, FILE *out, bool verbose)
{
	status_headline(st, out);
	after_kexec_text(st, out);
	status_advice(st, out);
	fprintf(out, "\nTDX status\n");
	decision_text(st, out);
	cpu_text(st, out);
	module_text(st, out);
	kernel_text(&st->kernel, out);
	host_text(st, out);
	watchdogs_text(st, out);
	memory_text(st, out, verbose);
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

int tdx_status_print(const struct tdx_status *st, FILE *out, bool json, bool verbose)
{
	if (json) {
		int r = tdx_json_write(status_json(st), out);

		if (r < 0)
			return r;
	} else {
		status_text(st, out, verbose);
	}
	return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}
