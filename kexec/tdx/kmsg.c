/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log as /dev/kmsg records (Documentation/ABI/testing/dev-kmsg):
 * "prio,seq,usec,flags[,...];message".  Pure functions over buffers.
 *
 * Messages recognised (arch/x86/virt/vmx/tdx/tdx.c prints with the prefix
 * "virt/tdx: "; older host series used "tdx: " and "TDX-Module initialized"):
 *   virt/tdx: module initialized
 *   TDX-Module initialized                      (any prefix)
 *   virt/tdx: 4096 KB allocated for PAMT
 *   virt/tdx: CMR: [0x100000, 0x80000000)       (end exclusive; older
 *                                                spacings and "CMR[0]:" too)
 *   ... TDH.SYS.DISABLE failed ...              (the 2026 kexec series)
 *   kexec: Not allowed on platform with tdx_pw_mce bug   (6.18+)
 *   virt/tdx: Module version: 1.5.16            (7.1+; kernel.c parses it)
 *   Memory Encryption Features active: AMD SEV SEV-ES    (a SEV guest;
 *   Memory Encryption Features active: Intel TDX          a TD guest;
 *                       "AMD SME" alone is host memory encryption)
 *   tsc: Refined TSC clocksource calibration: 2903.998 MHz  (the TSC rate
 *   tsc: Detected 2903.998 MHz TSC / processor               for the purgatory)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tdx.h"
#include "text.h"

void tdx_kmsg_free(struct tdx_kmsg *k)
{
	rangeset_free(&k->cmr);
	*k = (struct tdx_kmsg){ 0 };
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "prio,seq,usec,flags[,more]": the first three decimal, four fields at least. */
static bool header_valid(const char *h, size_t n)
{
	size_t field = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && h[i] != ',')
			continue;
		if (field < 3 && !all_digits(h + start, i - start))
			return false;
		field++;
		start = i + 1;
	}
	return field >= 4;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A broken CMR record is skipped and counted, not an error: say why at debug level. */
#define cmr_bad(log, err, ...)  (log_debug(log, __VA_ARGS__), (err))

/*
 * A CMR line at p ("CMR..." found in a message).  Returns 1 and fills
 * [*s, *e) when it is one, 0 when the text is something else, -errno
 * (logged) when it has the CMR shape but its numbers are broken.
 */
static int cmr_parse(const char *p, uint64_t *s, uint64_t *e, unsigned lineno,
		     struct kexec_log *log, const char *where)
{
	int r;

	p += 3;
	if (*p == '[') {                        /* "CMR[0]:" */
		const char *q = p + 1;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q == p + 1 || *q != ']')
			return 0;
		p = q + 1;
	} else {
		while (*p >= '0' && *p <= '9')  /* "CMR0:" */
			p++;
	}
	p = skip_spaces(p);
	if (*p != ':')
		return 0;
	p = skip_spaces(p + 1);
	if (*p != '[')
		return 0;                       /* some other CMR message */
	p = skip_spaces(p + 1);
	if ((r = text_parse_u64(&p, 16, s)) < 0)
		goto bad;
	p = skip_spaces(p);
	if (*p != ',') {
		r = -EINVAL;
		goto bad;
	}
	p = skip_spaces(p + 1);
	if ((r = text_parse_u64(&p, 16, e)) < 0)
		goto bad;
	p = skip_spaces(p);
	if (*p != ')')
		return cmr_bad(log, -EINVAL, "%s: line %u: CMR range does not end in ')'", where, lineno);
	if (*e < *s)
		return cmr_bad(log, -EINVAL, "%s: line %u: CMR end 0x%llx is below its start 0x%llx",
				 where, lineno, (unsigned long long)*e, (unsigned long long)*s);
	return 1;
bad:
	if (r == -ERANGE)
		return cmr_bad(log, -ERANGE, "%s: line %u: CMR address does not fit in 64 bits",
				 where, lineno);
	return cmr_bad(log, -EINVAL, "%s: line %u: CMR is not \"[0x<start>, 0x<end>)\" in hex",
			 where, lineno);
}

/* "N KB allocated for PAMT": N (at most 19 digits), or 0 when the text before is no number. */
static uint64_t pamt_kb(const char *msg, const char *hit)
{
	const char *d = hit;
	uint64_t v;

	while (d > msg && d[-1] >= '0' && d[-1] <= '9')
		d--;
	if (d == hit || hit - d > 19 || text_parse_u64(&d, 10, &v) < 0)
		return 0;
	return v;
}

/*
 * "2903.998 MHz" at p: the rate in kHz (arch/x86/kernel/tsc.c prints
 * "%lu.%03lu MHz"), 0 if it is not that: below 10^8 MHz, at most three
 * decimals.
 */
static uint64_t mhz_to_khz(const char *p)
{
	uint64_t mhz, frac = 0;
	const char *f;

	if (text_parse_u64(&p, 10, &mhz) < 0 || mhz >= 100000000)
		return 0;
	if (*p == '.') {
		f = ++p;
		if (text_parse_u64(&p, 10, &frac) == -ERANGE || p - f > 3)
			return 0;
		for (ptrdiff_t digits = p - f; digits < 3; digits++)
			frac *= 10;
	}
	if (strncmp(p, " MHz", 4))
		return 0;
	return mhz * 1000 + frac;
}

/* Which lines said "initialized"; the strongest is reported. */
struct init_seen {
	bool module_initialized;        /* virt/tdx: module initialized */
	bool tdx_module_initialized;    /* TDX-Module initialized */
	bool tsc_refined;               /* the calibrated TSC rate was seen */
};

/* A word "SEV", "SEV-ES" or "SEV-SNP" in the feature list ("SME" is the host's). */
static bool has_sev_word(const char *p)
{
	for (; (p = strstr(p, "SEV")); p += 3)
		if ((p[-1] == ' ') && (p[3] == '\0' || p[3] == ' ' || p[3] == '-'))
			return true;
	return false;
}

static int message_scan(const char *msg, unsigned lineno, struct tdx_kmsg *k, struct init_seen *seen,
			struct kexec_log *log, const char *where)
{
	const char *p;
	int r;

	if (strstr(msg, "virt/tdx: module initialized"))
		seen->module_initialized = true;
	else if (strstr(msg, "TDX-Module initialized"))
		seen->tdx_module_initialized = true;
	if ((p = strstr(msg, " KB allocated for PAMT"))) {
		uint64_t kb = pamt_kb(msg, p);

		if (kb)
			k->pamt_kb = kb;
	}
	for (p = msg; (p = strstr(p, "CMR")); p += 3) {
		uint64_t s, e;

		if (p != msg && p[-1] != ' ')
			continue;
		r = cmr_parse(p, &s, &e, lineno, log, where);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if ((r = rangeset_add(&k->cmr, s, e)) < 0)
			return r;
		break;
	}
	if ((p = strstr(msg, "tsc: Refined TSC clocksource calibration: "))) {
		uint64_t khz = mhz_to_khz(p + strlen("tsc: Refined TSC clocksource calibration: "));

		if (khz) {
			k->tsc_khz = khz;
			seen->tsc_refined = true;
		}
	} else if ((p = strstr(msg, "tsc: Detected ")) && !seen->tsc_refined) {
		uint64_t khz = mhz_to_khz(p + strlen("tsc: Detected "));

		if (khz && (strstr(p, " MHz TSC") || (strstr(p, " MHz processor") && !k->tsc_khz)))
			k->tsc_khz = khz;
	}
	if (strstr(msg, "TDH.SYS.DISABLE failed"))
		k->tdh_sys_disable_failed = true;
	if (strstr(msg, "kexec: Not allowed on platform with tdx_pw_mce bug"))
		k->kexec_refusal_logged = true;
	tdx_module_version_parse(msg, k->module_version, sizeof(k->module_version));
	/* arch/x86/mm/mem_encrypt.c prints the features as one record: " AMD", " SEV", ... */
	if ((p = strstr(msg, "Memory Encryption Features active:"))) {
		p += strlen("Memory Encryption Features active:");
		if (strstr(p, " Intel TDX"))
			k->tdx_guest = true;
		if (strstr(p, " AMD") && has_sev_word(p))
			k->sev_guest = true;
	}
	return 0;
}

static void bad_record(struct tdx_kmsg *k, unsigned lineno)
{
	if (!k->bad_records++)
		k->first_bad_line = lineno;
}

int tdx_kmsg_parse(const char *buf, size_t len, struct tdx_kmsg *out,
		   struct kexec_log *log, const char *where)
{
	struct tdx_kmsg k = { 0 };
	struct init_seen seen = { 0 };
	unsigned lineno = 0;
	char *copy, *line, *next;
	int r = 0;

	*out = (struct tdx_kmsg){ 0 };
	/* not text_dup(): a NUL byte costs its own record only */
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (line = copy; line < copy + len; line = next) {
		char *semi, *nl = memchr(line, '\n', (size_t)(copy + len - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(copy + len - line);

		lineno++;
		next = line + n + 1;
		line[n] = '\0';
		if (memchr(line, '\0', n)) {
			bad_record(&k, lineno);
			continue;
		}
		if (line[0] == ' ' || line[strspn(line, " \t\r")] == '\0')
			continue;       /* " KEY=value" continuation, or blank */
		semi = strchr(line, ';');
		if (!semi || !header_valid(line, (size_t)(semi - line))) {
			bad_record(&k, lineno);
			continue;
		}
		r = message_scan(semi + 1, lineno, &k, &seen, log, where);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {            /* a broken CMR range: logged at debug level below */
			bad_record(&k, lineno);
			continue;
		}
		k.records++;
	}
	r = 0;
	if (k.bad_records)
		log_debug(log, "%s: %u malformed record%s skipped, the first at line %u", where,
			  k.bad_records, k.bad_records == 1 ? "" : "s", k.first_bad_line);
	k.module_initialized = seen.module_initialized || seen.tdx_module_initialized || k.pamt_kb ||
			       k.module_version[0];
	if (seen.module_initialized)
		snprintf(k.module_line, sizeof(k.module_line), "virt/tdx: module initialized");
	else if (seen.tdx_module_initialized)
		snprintf(k.module_line, sizeof(k.module_line), "TDX-Module initialized");
	else if (k.pamt_kb)     /* PAMT is allocated while initializing; the success line may be gone */
		snprintf(k.module_line, sizeof(k.module_line), "virt/tdx: %llu KB allocated for PAMT",
			 (unsigned long long)k.pamt_kb);
	else if (k.module_version[0])   /* 7.1 prints it while initializing the module at boot */
		snprintf(k.module_line, sizeof(k.module_line), "virt/tdx: Module version: %s",
			 k.module_version);
	rangeset_normalize(&k.cmr);
	*out = k;
	k = (struct tdx_kmsg){ 0 };
out:
	tdx_kmsg_free(&k);
	free(copy);
	return r;
}
