/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Prometheus text format (metrics.h): "# HELP", "# TYPE", then
 * "name{label="value"} number" lines, one family at a time
 * (prometheus.io/docs/instrumenting/exposition_formats).  Every metric is
 * a gauge; every one is listed in metrics_list(), the one table of names,
 * and in kexec-tdx(8).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "metrics.h"
#include "../record.h"
#include "../text.h"

struct emitter {
	FILE *out;
	const char *family;             /* the family whose HELP/TYPE was printed last */
};

/* A label value with \, " and newline escaped as the format requires. */
static void put_label_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void put_value(FILE *out, double v)
{
	if (isnan(v))
		fputs("NaN", out);
	else if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.6g", v);
}

/*
 * One sample of the family kexec_tdx_<name>; HELP and TYPE before the
 * family's first sample.  labels: NULL, or "key", "value", ..., NULL.
 */
static void sample(struct emitter *e, const char *name, const char *help, double v,
		   const char *const *labels)
{
	if (!e->family || strcmp(e->family, name)) {
		fprintf(e->out, "# HELP kexec_tdx_%s %s\n# TYPE kexec_tdx_%s gauge\n", name, help, name);
		e->family = name;
	}
	fprintf(e->out, "kexec_tdx_%s", name);
	for (const char *const *l = labels; l && l[0]; l += 2) {
		fprintf(e->out, "%s%s=\"", l == labels ? "{" : ",", l[0]);
		put_label_value(e->out, l[1]);
		fputc('"', e->out);
	}
	fputs(labels && labels[0] ? "} " : " ", e->out);
	put_value(e->out, v);
	fputc('\n', e->out);
}

/* A count that may be unknown (< 0): NaN then. */
static double known(long long v)
{
	return v < 0 ? NAN : (double)v;
}

static double tristate(int v)
{
	return v == TDX_UNKNOWN ? NAN : v;
}

/* One sample per value, 1 for the current one (state set). */
static void state_set(struct emitter *e, const char *name, const char *help, const char *label,
		      const char *const *values, const char *current)
{
	for (; *values; values++)
		sample(e, name, help, !strcmp(*values, current),
		       (const char *const[]){ label, *values, NULL });
}

/* One family at a time: the format wants a family's samples together. */
static void image_metrics(struct emitter *e, const struct record_loaded *l)
{
	static const char help_loaded[] = "An image is loaded (1), not (0), unknown (NaN)";
	static const char help_action[] = "What the loaded image does between the kernels, "
					  "as recorded at its load (1 for the recorded action)";
	const struct { const char *name; const struct record_image *img; } images[] = {
		{ "kexec", &l->kexec }, { "crash", &l->crash },
	};

	for (size_t i = 0; i < ARRAY_SIZE(images); i++)
		sample(e, "image_loaded", help_loaded,
		       images[i].img->loaded < 0 ? NAN : images[i].img->loaded,
		       (const char *const[]){ "image", images[i].name, NULL });
	for (size_t i = 0; i < ARRAY_SIZE(images); i++)
		if (images[i].img->loaded == 1 && images[i].img->recorded > 0)
			sample(e, "image_action", help_action, 1, (const char *const[]){
				"image", images[i].name,
				"action", record_action_name(images[i].img->rec.action), NULL });
	if (l->kexec.loaded == 1)
		sample(e, "exec_allowed", "kexec -e would boot the loaded image now",
		       l->kexec.verdict == RECORD_OK, NULL);
}

/* The last kexec's clear, from last-report.json (lastclear.h). */
static void last_clear_metrics(struct emitter *e, const struct tdx_last_clear *c)
{
	double rate = tdx_last_clear_rate(c);

	sample(e, "last_clear_bytes", "Bytes the purgatory cleared before this boot", (double)c->bytes,
	       NULL);
	sample(e, "last_clear_seconds", "Duration of that clear (NaN: no TSC rate in the log)",
	       c->seconds < 0 ? NAN : c->seconds, NULL);
	sample(e, "last_clear_bytes_per_second", "Rate of that clear (NaN: too small to measure)",
	       rate > 0 ? rate : NAN, NULL);
	sample(e, "last_clear_cpus", "CPUs that cleared", c->cpus, NULL);
	sample(e, "last_clear_verified", "The new kernel's image was verified (SHA-256) before the "
	       "jump", c->verified, NULL);
}

/* The table: every metric, its help and where its value comes from. */
static void metrics_list(struct emitter *e, const struct tdx_metrics_input *in)
{
	static const char *const decisions[] = { "plain", "flush", "clear", "refuse", NULL };
	static const char *const actions[] = { "none", "flush", "clear", "refuse", NULL };
	static const char *const afters[] = { "available", "until_cold_boot", "unknown", NULL };
	const struct tdx_status *st = in->st;
	const char *after = tdx_after_kexec(st);
	char schema[16];

	snprintf(schema, sizeof(schema), "%d", TDX_SCHEMA_VERSION);
	sample(e, "info", "kexec-tdx version and metrics schema", 1, (const char *const[]){
		"version", in->version, "schema_version", schema, NULL });
	state_set(e, "decision", "The auto decision (1 for the current one)", "decision", decisions,
		  tdx_decision_name(st->decision));
	state_set(e, "action", "What a load and kexec -e do under the policy in force (1 for the "
		  "current one)", "action", actions, in->action);
	sample(e, "policy", "The policy in force (1 for it)", 1,
	       (const char *const[]){ "policy", tdx_policy_name(st->policy), NULL });
	sample(e, "tdx_host_platform", "tdx_host_platform in the CPU flags", st->cpu.tdx_host_platform,
	       NULL);
	sample(e, "module_initialized", "The TDX module was initialized", st->module_initialized, NULL);
	sample(e, "pw_mce_erratum", "tdx_pw_mce in the CPU bugs", st->cpu.pw_mce, NULL);
	sample(e, "kernel_refuses_kexec", "The running kernel refuses kexec and kdump loads on this "
	       "erratum (NaN: unknown)", tristate(st->kernel.refuses_kexec_on_erratum), NULL);
	sample(e, "kernel_disables_tdx_module", "The running kernel runs TDH.SYS.DISABLE at kexec "
	       "(NaN: unknown)", tristate(st->kernel.disables_tdx_module), NULL);
	sample(e, "running_tds", "Running TDX guests (NaN: unknown)", known(st->running_tds), NULL);
	sample(e, "running_sev_guests", "Running SEV and SEV-ES guests (NaN: unknown)",
	       known(st->running_sev_guests), NULL);
	sample(e, "private_bytes", "Bytes that may hold TDX private memory (NaN: not computed)",
	       st->private_ok ? (double)rangeset_bytes(&st->private_ranges) : NAN, NULL);
	sample(e, "clear_estimate_seconds", "How long the purgatory's clear takes (0: no clear)",
	       st->clear_estimate_s < 0 ? 0 : (double)st->clear_estimate_s, NULL);
	sample(e, "clear_cpus", "CPUs that take a share of the clear", st->clear_cpus, NULL);
	if (after)      /* TDX initialized: what it is after this kexec */
		state_set(e, "tdx_after_kexec", "TDX after this kexec (1 for the current state)", "state",
			  afters, after);
	sample(e, "warnings", "Warnings --tdx-status shows", st->nwarnings, NULL);
	if (st->loaded)
		image_metrics(e, st->loaded);
	if (in->last)
		last_clear_metrics(e, in->last);
}

int tdx_metrics_write(const struct tdx_metrics_input *in, FILE *out)
{
	struct emitter e = { .out = out };

	metrics_list(&e, in);
	return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}
