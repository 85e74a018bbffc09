/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loaded-image record (DESIGN.md "The loaded image's action is
 * recorded"): one small JSON file per image type under
 * SYSROOT/run/kexec-tdx, written by the load, read before the exec.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <kexec-tdx/purgatory-abi.h>
#include "record.h"
#include "text.h"

#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif


const char *record_action_name(unsigned action)
{
	/* the names are tdx_action_name()'s; a record holds no refusal */
	return action <= KTDX_ACTION_CLEAR ? tdx_action_name((int)action) : "?";
}

int record_action_from_name(const char *name, unsigned *action)
{
	for (unsigned i = 0; i <= KTDX_ACTION_CLEAR; i++)
		if (name && !strcmp(name, tdx_action_name((int)i))) {
			*action = i;
			return 0;
		}
	return -EINVAL;
}

static int decision_from_name(const char *name, enum tdx_decision *out)
{
	for (int d = TDX_DECISION_PLAIN; d <= TDX_DECISION_REFUSE; d++)
		if (!strcmp(name, tdx_decision_name((enum tdx_decision)d))) {
			*out = (enum tdx_decision)d;
			return 0;
		}
	return -EINVAL;
}

void record_time_iso(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "@%" PRId64, t);
}

/* A boot id is a UUID: 36 characters of hex digits and dashes. */
static bool boot_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isxdigit((unsigned char)s[i]) || (s[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23))))
			return false;
	return true;
}

int record_boot_id(const struct sysroot *sr, char *out, size_t size)
{
	int r = sysroot_read_small(sr, "proc/sys/kernel/random/boot_id", out, size);

	if (r == 0 && !boot_id_valid(out))
		r = -EINVAL;
	if (r < 0 && size)
		out[0] = '\0';
	return r;
}

/* A string as valid UTF-8 (a path or a log line may hold any byte). */
static struct json_object *utf8_string(const char *s)
{
	char *copy = strdup(s);
	struct json_object *o;

	if (!copy)
		return NULL;
	text_utf8_sanitize(copy);
	o = json_object_new_string(copy);
	free(copy);
	return o;
}

static struct json_object *string_or_null(const char *s)
{
	return s && *s ? utf8_string(s) : NULL;
}

/* "plan": {"private_sha256", "private_bytes", "crash_bytes", "cpus_sha256", "cpus"} */
static struct json_object *plan_json(const struct plan_digest *p)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "private_sha256", json_object_new_string(p->private_sha256));
	json_object_object_add(o, "private_bytes", json_object_new_int64((int64_t)p->private_bytes));
	json_object_object_add(o, "crash_bytes", json_object_new_int64((int64_t)p->crash_bytes));
	json_object_object_add(o, "cpus_sha256", json_object_new_string(p->cpus_sha256));
	json_object_object_add(o, "cpus", json_object_new_int64(p->cpus));
	return o;
}

struct json_object *record_json(const struct kexec_record *rec)
{
	struct json_object *o = json_object_new_object();
	char iso[40];

	if (!o)
		return NULL;
	record_time_iso(rec->time, iso, sizeof(iso));
	json_object_object_add(o, "version", json_object_new_int(RECORD_VERSION));
	json_object_object_add(o, "action", json_object_new_string(record_action_name(rec->action)));
	json_object_object_add(o, "needed", json_object_new_string(record_action_name(rec->needed)));
	json_object_object_add(o, "decision", json_object_new_string(tdx_decision_name(rec->decision)));
	json_object_object_add(o, "policy", json_object_new_string(tdx_policy_name(rec->policy)));
	json_object_object_add(o, "reason", utf8_string(rec->reason));
	json_object_object_add(o, "kernel", utf8_string(rec->kernel));
	json_object_object_add(o, "initrd", string_or_null(rec->initrd));
	json_object_object_add(o, "syscall",
			       json_object_new_string(rec->file_syscall ? "kexec_file_load" : "kexec_load"));
	json_object_object_add(o, "time", json_object_new_string(iso));
	json_object_object_add(o, "epoch", json_object_new_int64(rec->time));
	json_object_object_add(o, "boot_id", utf8_string(rec->boot_id));
	if (rec->plan.known)
		json_object_object_add(o, "plan", plan_json(&rec->plan));
	return o;
}

/* The string member `key`, or NULL after logging (optional: missing or null is "" and 0). */
static int get_string(struct json_object *o, const char *key, bool optional, char *out, size_t size,
		      struct kexec_log *log, const char *where)
{
	struct json_object *v;
	const char *s;

	out[0] = '\0';
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (optional)
			return 0;
		return log_errno(log, -EINVAL, "%s: field '%s' is missing", where, key);
	}
	if (!json_object_is_type(v, json_type_string))
		return log_errno(log, -EINVAL, "%s: field '%s' is not a string", where, key);
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) >= size || strlen(s) != (size_t)json_object_get_string_len(v))
		return log_errno(log, -EINVAL, "%s: field '%s' is too long or holds a NUL", where, key);
	memcpy(out, s, strlen(s) + 1);
	text_utf8_sanitize(out);        /* what record_json() would write */
	return 0;
}

static int get_int(struct json_object *o, const char *key, int64_t *out, struct kexec_log *log,
		   const char *where)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return log_errno(log, -EINVAL, "%s: field '%s' is missing", where, key);
	if (!json_object_is_type(v, json_type_int))
		return log_errno(log, -EINVAL, "%s: field '%s' is not an integer", where, key);
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno)
		return log_errno(log, -EINVAL, "%s: field '%s' is out of range", where, key);
	return 0;
}

/* A digest: 64 lower-case hex digits. */
static bool sha256_hex_valid(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The optional "plan" object; absent or null leaves plan->known false. */
static int plan_from_json(struct json_object *o, struct plan_digest *plan, struct kexec_log *log,
			  const char *where)
{
	struct json_object *p;
	int64_t priv, crash, cpus;
	int r;

	*plan = (struct plan_digest){ 0 };
	if (!json_object_object_get_ex(o, "plan", &p) || !p)
		return 0;
	if (!json_object_is_type(p, json_type_object))
		return log_errno(log, -EINVAL, "%s: field 'plan' is not an object", where);
	if ((r = get_string(p, "private_sha256", false, plan->private_sha256,
			    sizeof(plan->private_sha256), log, where)) < 0 ||
	    (r = get_string(p, "cpus_sha256", false, plan->cpus_sha256, sizeof(plan->cpus_sha256),
			    log, where)) < 0 ||
	    (r = get_int(p, "private_bytes", &priv, log, where)) < 0 ||
	    (r = get_int(p, "crash_bytes", &crash, log, where)) < 0 ||
	    (r = get_int(p, "cpus", &cpus, log, where)) < 0)
		return r;
	if (!sha256_hex_valid(plan->private_sha256) || !sha256_hex_valid(plan->cpus_sha256))
		return log_errno(log, -EINVAL, "%s: field 'plan': a digest is not 64 hex digits", where);
	if (priv < 0 || crash < 0 || cpus < 0 || cpus > UINT32_MAX)
		return log_errno(log, -EINVAL, "%s: field 'plan': a negative size or count", where);
	plan->private_bytes = (uint64_t)priv;
	plan->crash_bytes = (uint64_t)crash;
	plan->cpus = (unsigned)cpus;
	plan->known = true;
	return 0;
}

static int record_from_json(struct json_object *o, struct kexec_record *rec, struct kexec_log *log,
			    const char *where)
{
	char action[16], needed[16], decision[16], policy[16], syscall[24], iso[40];
	int64_t version;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return log_errno(log, -EINVAL, "%s: not a JSON object", where);
	if ((r = get_int(o, "version", &version, log, where)) < 0)
		return r;
	if (version != RECORD_VERSION)
		return log_errno(log, -EINVAL, "%s: field 'version' is %" PRId64 ", this kexec reads %d",
				 where, version, RECORD_VERSION);
	if ((r = get_string(o, "action", false, action, sizeof(action), log, where)) < 0 ||
	    (r = get_string(o, "needed", true, needed, sizeof(needed), log, where)) < 0 ||
	    (r = get_string(o, "decision", false, decision, sizeof(decision), log, where)) < 0 ||
	    (r = get_string(o, "policy", false, policy, sizeof(policy), log, where)) < 0 ||
	    (r = get_string(o, "reason", true, rec->reason, sizeof(rec->reason), log, where)) < 0 ||
	    (r = get_string(o, "kernel", false, rec->kernel, sizeof(rec->kernel), log, where)) < 0 ||
	    (r = get_string(o, "initrd", true, rec->initrd, sizeof(rec->initrd), log, where)) < 0 ||
	    (r = get_string(o, "syscall", true, syscall, sizeof(syscall), log, where)) < 0 ||
	    (r = get_string(o, "time", true, iso, sizeof(iso), log, where)) < 0 ||
	    (r = get_string(o, "boot_id", false, rec->boot_id, sizeof(rec->boot_id), log, where)) < 0 ||
	    (r = get_int(o, "epoch", &rec->time, log, where)) < 0 ||
	    (r = plan_from_json(o, &rec->plan, log, where)) < 0)
		return r;
	if (record_action_from_name(action, &rec->action) < 0)
		return log_errno(log, -EINVAL, "%s: field 'action' is '%s', not none, flush or clear",
				 where, action);
	if (!needed[0])
		rec->needed = rec->action;
	else if (record_action_from_name(needed, &rec->needed) < 0)
		return log_errno(log, -EINVAL, "%s: field 'needed' is '%s', not none, flush or clear",
				 where, needed);
	if (decision_from_name(decision, &rec->decision) < 0)
		return log_errno(log, -EINVAL, "%s: field 'decision' is '%s', not plain, flush, clear "
				 "or refuse", where, decision);
	if (tdx_policy_from_name(policy, &rec->policy) < 0)
		return log_errno(log, -EINVAL, "%s: field 'policy' is '%s', not a --tdx policy",
				 where, policy);
	if (!syscall[0] || !strcmp(syscall, "kexec_load"))
		rec->file_syscall = false;
	else if (!strcmp(syscall, "kexec_file_load"))
		rec->file_syscall = true;
	else
		return log_errno(log, -EINVAL, "%s: field 'syscall' is '%s', not kexec_load or "
				 "kexec_file_load", where, syscall);
	return 0;
}

int record_parse(const char *buf, size_t len, struct kexec_record *out, struct kexec_log *log,
		 const char *where)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	enum json_tokener_error err;
	size_t used;
	int r;

	*out = (struct kexec_record){ 0 };
	if (!tok)
		return -ENOMEM;
	if (len > INT32_MAX || memchr(buf, '\0', len)) {
		json_tokener_free(tok);
		return log_errno(log, -EINVAL, "%s: not a JSON text", where);
	}
	o = json_tokener_parse_ex(tok, buf, (int)len);
	err = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || err != json_tokener_success) {
		json_object_put(o);
		return log_errno(log, -EINVAL, "%s: not valid JSON (%s)", where,
				 err == json_tokener_continue ? "truncated" : json_tokener_error_desc(err));
	}
	while (used < len && isspace((unsigned char)buf[used]))
		used++;
	if (used != len)
		r = log_errno(log, -EINVAL, "%s: text after the JSON object at byte %zu", where, used);
	else
		r = record_from_json(o, out, log, where);
	json_object_put(o);
	if (r < 0)
		*out = (struct kexec_record){ 0 };
	return r;
}

static const char *record_rel(bool crash)
{
	return crash ? RECORD_CRASH : RECORD_KEXEC;
}

int record_write(const struct sysroot *sr, struct kexec_log *log, bool crash,
		 const struct kexec_record *rec)
{
	struct json_object *o = record_json(rec);
	const char *text = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	char path[4096], *file = NULL;
	int r = -ENOMEM;

	sysroot_path(sr, record_rel(crash), path, sizeof(path));
	if (text && asprintf(&file, "%s\n", text) >= 0)
		r = sysroot_write_atomic(sr, record_rel(crash), file, strlen(file), 0644);
	free(file);
	json_object_put(o);
	if (r < 0)
		return log_errno(log, r, "%s: cannot write it: %s", path, strerror(-r));
	return 0;
}

int record_read(const struct sysroot *sr, struct kexec_log *log, bool crash,
		struct kexec_record *out)
{
	char path[4096], boot_id[40], *buf;
	size_t len;
	int r;

	*out = (struct kexec_record){ 0 };
	sysroot_path(sr, record_rel(crash), path, sizeof(path));
	r = sysroot_read(sr, record_rel(crash), 1u << 20, &buf, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_errno(log, r, "%s: cannot read it: %s", path, strerror(-r));
	r = record_parse(buf, len, out, log, path);
	free(buf);
	if (r < 0)
		return r;
	/* a record of another boot describes an image that is gone */
	if (record_boot_id(sr, boot_id, sizeof(boot_id)) < 0) {
		log_debug(log, "%s: the running boot id cannot be read; the record counts as stale", path);
		*out = (struct kexec_record){ 0 };
		return 0;
	}
	if (strcmp(boot_id, out->boot_id)) {
		log_debug(log, "%s: stale (boot id %s, running %s); ignored", path, out->boot_id, boot_id);
		*out = (struct kexec_record){ 0 };
		return 0;
	}
	return 1;
}

int record_remove(const struct sysroot *sr, struct kexec_log *log, bool crash)
{
	char path[4096];
	int r = sysroot_unlink(sr, record_rel(crash));

	if (r < 0)
		return log_errno(log, r, "%s: cannot remove it: %s",
				 sysroot_path(sr, record_rel(crash), path, sizeof(path)), strerror(-r));
	return 0;
}

/* The refusal of RECORD_PLAN_CHANGED: what changed, then the way out. */
static void plan_explain(const char *what, char *buf, size_t size)
{
	snprintf(buf, size, "the host changed since the image was loaded: %s; reload it (kexec -l) "
		 "so that its plan matches, or add --tdx-force", what);
}

enum record_verdict record_check(const struct kexec_record *rec, unsigned needed_now)
{
	if (!rec)
		return needed_now == KTDX_ACTION_NONE ? RECORD_OK : RECORD_UNKNOWN;
	if (needed_now <= rec->action || needed_now <= rec->needed)
		return RECORD_OK;
	return RECORD_TOO_WEAK;
}

void record_explain(enum record_verdict v, const struct kexec_record *rec, unsigned needed_now,
		    const char *why_now, char *buf, size_t size)
{
	char iso[40];

	switch (v) {
	case RECORD_OK:
		snprintf(buf, size, "the loaded image does what is needed now (%s)",
			 record_action_name(needed_now));
		break;
	case RECORD_TOO_WEAK:
		record_time_iso(rec->time, iso, sizeof(iso));
		snprintf(buf, size, "the image was loaded with action %s at %s, but %s is needed now "
			 "(%s): load it again with kexec -l, or add --tdx-force",
			 record_action_name(rec->action), iso, record_action_name(needed_now), why_now);
		break;
	case RECORD_PLAN_CHANGED:
		plan_explain("its plan no longer matches", buf, size);
		break;
	case RECORD_UNKNOWN:
		snprintf(buf, size, "the loaded image has no record of this kexec (loaded by another "
			 "tool, such as kexec-tools), and %s is needed now (%s): load it again with "
			 "kexec -l, or add --tdx-force", record_action_name(needed_now), why_now);
		break;
	}
}

int record_exec_check(const struct kexec_record *rec, unsigned needed_now, const char *why_now,
		      bool force, struct kexec_log *log)
{
	enum record_verdict v = record_check(rec, needed_now);
	char msg[1280];

	if (v == RECORD_OK)
		return 0;
	if (!force) {
		record_explain(v, rec, needed_now, why_now, msg, sizeof(msg));
		return log_errno(log, TDX_REFUSED, "refusing to kexec: %s", msg);
	}
	log_warn(log, "*** --tdx-force: booting the loaded image although %s is needed now (%s) and "
		 "it was loaded %s%s: memory that may hold TDX private data is NOT handled as "
		 "needed ***", record_action_name(needed_now), why_now,
		 rec ? "with action " : "by another tool", rec ? record_action_name(rec->action) : "");
	return 0;
}

int record_plan_check(const struct kexec_record *rec, const struct plan_digest *now, bool force,
		      struct kexec_log *log)
{
	char what[768], msg[1024];

	if (!rec || !plan_digest_changed(&rec->plan, now, rec->action, what, sizeof(what)))
		return 0;
	if (!force) {
		plan_explain(what, msg, sizeof(msg));
		return log_errno(log, TDX_REFUSED, "refusing to kexec: %s", msg);
	}
	log_warn(log, "*** --tdx-force: booting the loaded image although %s: its %s may miss "
		 "memory or CPUs that hold TDX private data ***", what,
		 rec->action == KTDX_ACTION_CLEAR ? "clear" : "flush");
	return 0;
}

unsigned record_needed_now(const struct tdx_status *st, enum tdx_policy policy, char *why,
			   size_t size)
{
	struct kexec_log quiet = { .out = NULL };
	unsigned action = KTDX_ACTION_CLEAR;

	/* force: the guest check is not this question; on an error assume the most */
	if (tdx_policy_apply(st, policy, true, false, &quiet, &action) < 0)
		action = KTDX_ACTION_CLEAR;
	if (policy == TDX_POLICY_AUTO || policy == TDX_POLICY_REFUSE)
		snprintf(why, size, "%s", st->reason);
	else
		snprintf(why, size, "--tdx=%s", tdx_policy_name(policy));
	return action;
}

static void image_read(const struct sysroot *sr, struct kexec_log *log, bool crash, int loaded,
		       struct record_image *img)
{
	*img = (struct record_image){ .loaded = loaded };
	img->recorded = record_read(sr, log, crash, &img->rec);
}

/* A recorded image whose action is right: does its plan still match? (the guard's -e) */
static void image_plan_check(const struct tdx_status *st, struct record_image *img)
{
	struct plan_digest now;
	char what[768];

	plan_digest_of_status(st, &now);
	if (plan_digest_changed(&img->rec.plan, &now, img->rec.action, what, sizeof(what))) {
		img->verdict = RECORD_PLAN_CHANGED;
		plan_explain(what, img->message, sizeof(img->message));
	}
}

void record_loaded_read(const struct sysroot *sr, struct kexec_log *log,
			const struct tdx_status *st, enum tdx_policy policy, int kexec_loaded,
			int crash_loaded, struct record_loaded *out)
{
	char why[512];

	image_read(sr, log, false, kexec_loaded, &out->kexec);
	image_read(sr, log, true, crash_loaded, &out->crash);
	out->kexec.needed_now = record_needed_now(st, policy, why, sizeof(why));
	out->kexec.verdict = record_check(out->kexec.recorded > 0 ? &out->kexec.rec : NULL,
					  out->kexec.needed_now);
	record_explain(out->kexec.verdict, &out->kexec.rec, out->kexec.needed_now, why,
		       out->kexec.message, sizeof(out->kexec.message));
	if (out->kexec.verdict == RECORD_OK && out->kexec.recorded > 0 && out->kexec.loaded != 0)
		image_plan_check(st, &out->kexec);
	text_utf8_sanitize(out->kexec.message);
}
