/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/cpuinfo, as printed by arch/x86/kernel/cpu/proc.c: blocks of
 * "key<TAB>: value" lines, one block per CPU, starting with "processor".
 * A pure function over a buffer, so that tests and the fuzzer feed it
 * directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tdx.h"
#include "text.h"

struct cpu_ids {
	char vendor[16];
	unsigned family, model;
	bool has_vendor, has_family, has_model;
};

static char *trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/*
 * Decimal without sign, no more than UINT_MAX.  -ERANGE as soon as the
 * leading digits pass UINT_MAX, whatever follows them; -EINVAL for
 * anything else that is not all digits.
 */
static int parse_uint(const char *s, unsigned *out)
{
	uint64_t v;
	int r = text_parse_u64(&s, 10, &v);

	if (r == -ERANGE || (r == 0 && v > UINT32_MAX))
		return -ERANGE;
	if (r < 0 || *s)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Is `word` one of the space-separated words of `list`? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
			return true;
	return false;
}

static void flags_apply(const char *flags, struct tdx_cpuinfo *ci)
{
	ci->movdir64b = has_word(flags, "movdir64b");
	ci->sha_ni = has_word(flags, "sha_ni");
	ci->pdpe1gb = has_word(flags, "pdpe1gb");
	ci->tdx_host_platform = has_word(flags, "tdx_host_platform");
	ci->tdx_guest = has_word(flags, "tdx_guest");
	ci->sev = has_word(flags, "sev");
	ci->sev_es = has_word(flags, "sev_es");
	ci->sev_snp = has_word(flags, "sev_snp");
	ci->ssse3 = has_word(flags, "ssse3");
	ci->sse4_1 = has_word(flags, "sse4_1");
	ci->bmi2 = has_word(flags, "bmi2");
	ci->avx = has_word(flags, "avx");
	ci->xsave = has_word(flags, "xsave");
}

static int number_field(const char *key, const char *value, unsigned *out, unsigned lineno,
			struct kexec_log *log, const char *where)
{
	int r = parse_uint(value, out);

	if (r == -ERANGE)
		return log_errno(log, -ERANGE, "%s: line %u: %s \"%.32s\" is too large", where, lineno,
				 key, value);
	if (r < 0)
		return log_errno(log, -EINVAL, "%s: line %u: %s \"%.32s\" is not a decimal number",
				 where, lineno, key, value);
	return 0;
}

/* A CPU other than CPU0 must be the same kind of CPU (checked as each line is read). */
static int ids_check(const struct cpu_ids *cpu0, const struct cpu_ids *cur, unsigned cpu,
		     unsigned lineno, struct kexec_log *log, const char *where)
{
	if (cur->has_vendor && strcmp(cur->vendor, cpu0->vendor))
		return log_errno(log, -EINVAL,
				 "%s: line %u: processor %u has vendor_id %s, processor 0 has %s",
				 where, lineno, cpu, cur->vendor, cpu0->has_vendor ? cpu0->vendor : "none");
	if (cur->has_family && cur->family != cpu0->family)
		return log_errno(log, -EINVAL,
				 "%s: line %u: processor %u has cpu family %u, processor 0 has %u",
				 where, lineno, cpu, cur->family, cpu0->family);
	if (cur->has_model && cur->model != cpu0->model)
		return log_errno(log, -EINVAL,
				 "%s: line %u: processor %u has model %u, processor 0 has %u",
				 where, lineno, cpu, cur->model, cpu0->model);
	return 0;
}

/* Where the parse is: the CPUs seen so far and the line being read. */
struct cpuinfo_parse {
	struct tdx_cpuinfo ci;
	struct cpu_ids cpu0, other, *cur;
	unsigned cpu, lineno;
	struct kexec_log *log;
	const char *where;
};

/* "processor : N" opens a block; blocks after the first are checked against CPU0. */
static int processor_line(struct cpuinfo_parse *ps, const char *key, const char *value)
{
	int r = number_field(key, value, &ps->cpu, ps->lineno, ps->log, ps->where);

	if (r < 0)
		return r;
	ps->ci.ncpus++;
	if (ps->ci.ncpus > 1) {
		ps->other = (struct cpu_ids){ 0 };
		ps->cur = &ps->other;
	}
	return 0;
}

/* The identity of every block: vendor_id, cpu family, model. */
static int ids_line(struct cpuinfo_parse *ps, const char *key, const char *value)
{
	struct cpu_ids *cur = ps->cur;
	int r;

	if (!strcmp(key, "vendor_id")) {
		if (strlen(value) >= sizeof(cur->vendor))
			return log_errno(ps->log, -EINVAL, "%s: line %u: vendor_id \"%.40s\" is too long",
					 ps->where, ps->lineno, value);
		strcpy(cur->vendor, value);
		cur->has_vendor = true;
	} else if (!strcmp(key, "cpu family")) {
		if ((r = number_field(key, value, &cur->family, ps->lineno, ps->log, ps->where)) < 0)
			return r;
		cur->has_family = true;
	} else if (!strcmp(key, "model")) {
		if ((r = number_field(key, value, &cur->model, ps->lineno, ps->log, ps->where)) < 0)
			return r;
		cur->has_model = true;
	}
	return 0;
}

/* What only CPU0's block says: stepping, model name, flags, bugs. */
static int cpu0_line(struct cpuinfo_parse *ps, const char *key, const char *value)
{
	struct tdx_cpuinfo *ci = &ps->ci;

	if (!strcmp(key, "stepping")) {
		/* the kernel prints "unknown" when it has no stepping */
		if (strcmp(value, "unknown"))
			return number_field(key, value, &ci->stepping, ps->lineno, ps->log, ps->where);
	} else if (!strcmp(key, "model name")) {
		snprintf(ci->model_name, sizeof(ci->model_name), "%s", value);
	} else if (!strcmp(key, "flags")) {
		flags_apply(value, ci);
	} else if (!strcmp(key, "bugs")) {
		ci->pw_mce = has_word(value, "tdx_pw_mce");
	}
	return 0;
}

/*
 * A per-CPU number ("apicid", "physical id") in *id: one per block, in
 * order, into list[*n]; a block without one stops the list (*n < ncpus).
 */
static int per_cpu_line(struct cpuinfo_parse *ps, const char *key, const char *value,
			uint32_t *list, unsigned *n, unsigned *id)
{
	int r = number_field(key, value, id, ps->lineno, ps->log, ps->where);

	if (r < 0)
		return r;
	if (*n == ps->ci.ncpus - 1 && *n < TDX_MAX_APICIDS)
		list[(*n)++] = *id;
	return 0;
}

/* "apicid : N"; that of "processor : 0", wherever its block comes, is Linux's boot CPU's. */
static int apicid_line(struct cpuinfo_parse *ps, const char *key, const char *value)
{
	struct tdx_cpuinfo *ci = &ps->ci;
	unsigned id;
	int r = per_cpu_line(ps, key, value, ci->apicid, &ci->napicid, &id);

	if (r == 0 && ps->cpu == 0 && !ci->boot_apicid_known) {
		ci->boot_apicid = id;
		ci->boot_apicid_known = true;
	}
	return r;
}

/* "physical id : N": the package, as apicid. */
static int physid_line(struct cpuinfo_parse *ps, const char *key, const char *value)
{
	unsigned id;

	return per_cpu_line(ps, key, value, ps->ci.physid, &ps->ci.nphysid, &id);
}

/* One "key : value" line (line is modified). */
static int cpuinfo_line(struct cpuinfo_parse *ps, char *line)
{
	char *colon = strchr(line, ':'), *key, *value;
	int r;

	if (!colon)
		return log_errno(ps->log, -EINVAL, "%s: line %u: no ':' in \"%.40s\"", ps->where,
				 ps->lineno, line);
	*colon = '\0';
	key = trim(line);
	value = trim(colon + 1);
	if (!strcmp(key, "processor"))
		return processor_line(ps, key, value);
	if (!ps->ci.ncpus)
		return log_errno(ps->log, -EINVAL, "%s: line %u: \"%.40s\" before the first "
				 "\"processor\" line", ps->where, ps->lineno, key);
	if ((r = ids_line(ps, key, value)) < 0 ||
	    (ps->ci.ncpus == 1 && (r = cpu0_line(ps, key, value)) < 0) ||
	    (!strcmp(key, "apicid") && (r = apicid_line(ps, key, value)) < 0) ||
	    (!strcmp(key, "physical id") && (r = physid_line(ps, key, value)) < 0))
		return r;
	if (ps->cur != &ps->cpu0)
		return ids_check(&ps->cpu0, ps->cur, ps->cpu, ps->lineno, ps->log, ps->where);
	return 0;
}

int tdx_cpuinfo_parse(const char *buf, size_t len, struct tdx_cpuinfo *out,
		      struct kexec_log *log, const char *where)
{
	struct cpuinfo_parse *ps;
	char *copy, *line, *next;
	int r = 0;

	if ((r = text_dup(buf, len, where, log, &copy)) < 0)
		return r;
	/* a struct tdx_cpuinfo is 4 KiB of APIC ids: not on the stack twice */
	if (!(ps = calloc(1, sizeof(*ps)))) {
		free(copy);
		return -ENOMEM;
	}
	ps->cur = &ps->cpu0;
	ps->log = log;
	ps->where = where;
	for (line = copy; line && *line && r == 0; line = next) {
		ps->lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[strspn(line, " \t\r")] != '\0')     /* blank: between blocks */
			r = cpuinfo_line(ps, line);
	}
	if (r == 0 && !ps->ci.ncpus)
		r = log_errno(log, -EINVAL, "%s: no \"processor\" line", where);
	if (r == 0) {
		memcpy(ps->ci.vendor, ps->cpu0.vendor, sizeof(ps->ci.vendor));
		/* names go into JSON: keep them valid UTF-8 (a truncation may split a character) */
		text_utf8_sanitize(ps->ci.vendor);
		text_utf8_sanitize(ps->ci.model_name);
		ps->ci.family = ps->cpu0.family;
		ps->ci.model = ps->cpu0.model;
		*out = ps->ci;
	}
	free(ps);
	free(copy);
	return r;
}

int tdx_cpuinfo_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_cpuinfo *out)
{
	char path[4096], *buf = NULL;
	size_t len;
	int r;

	sysroot_path(sr, "proc/cpuinfo", path, sizeof(path));
	r = sysroot_read(sr, "proc/cpuinfo", 0, &buf, &len);
	if (r < 0) {
		log_warn(log, "%s: %s", path, strerror(-r));
		return r;
	}
	r = tdx_cpuinfo_parse(buf, len, out, log, path);
	free(buf);
	return r;
}

const char *tdx_cpuinfo_packages_unknown(const struct tdx_cpuinfo *ci, char *buf, size_t size)
{
	if (!ci)
		snprintf(buf, size, "/proc/cpuinfo could not be read: the CPUs and their packages are "
			 "unknown");
	else if (ci->ncpus <= 1)
		return NULL;
	else if (ci->ncpus > TDX_MAX_APICIDS)
		snprintf(buf, size, "/proc/cpuinfo: %u CPUs, more than the %d the purgatory can start",
			 ci->ncpus, TDX_MAX_APICIDS);
	else if (ci->napicid < ci->ncpus)
		snprintf(buf, size, "/proc/cpuinfo: %u of %u CPUs have an \"apicid\"", ci->napicid,
			 ci->ncpus);
	else if (ci->nphysid < ci->ncpus)
		snprintf(buf, size, "/proc/cpuinfo: %u of %u CPUs have a \"physical id\" (their package)",
			 ci->nphysid, ci->ncpus);
	else
		return NULL;
	return buf;
}
