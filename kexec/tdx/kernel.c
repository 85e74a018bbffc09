/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the running kernel itself does at kexec, probed by symbol names
 * in /proc/kallsyms (never from a version string: vendors backport), and
 * which TDX module version runs.  DESIGN.md "Kernel landscape".
 *
 *   tdx_sys_disable                 x86_tdx_for_7.2: kexec and kdump call
 *                                   TDH.SYS.DISABLE, which resets all TDX
 *                                   memory if the TDX module supports it
 *   tdx_cpu_flush_cache_for_kexec   x86_tdx_for_6.18 (6.18 - 7.1): WBINVD on
 *   tdx_cpu_flush_cache             every CPU that ran a SEAMCALL
 *
 * 6.18 - 7.1 also refuse every kexec and kdump load on tdx_pw_mce CPUs in
 * machine_kexec_prepare() (EOPNOTSUPP, "kexec: Not allowed on platform
 * with tdx_pw_mce bug"); 7.2 dropped that check when it added
 * tdx_sys_disable(), so "flush symbol without tdx_sys_disable" is the
 * refusing kernel.  The names are in /proc/kallsyms for root whatever
 * kptr_restrict says (only the addresses are zeroed).
 *
 * The module version: "virt/tdx: Module version: 1.5.16" in the log
 * (TDX_VERSION_FMT "%u.%u.%02u", 7.1+) or the faux device attribute
 * /sys/devices/faux/tdx_host/version (same format and a newline).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tdx.h"
#include "text.h"

static const struct {
	const char *name;
	size_t off;
} kallsyms_names[] = {
	{ "tdx_sys_disable", offsetof(struct tdx_kallsyms, sys_disable) },
	{ "tdx_cpu_flush_cache_for_kexec", offsetof(struct tdx_kallsyms, flush_cache_for_kexec) },
	{ "tdx_cpu_flush_cache", offsetof(struct tdx_kallsyms, flush_cache) },
};

/*
 * One line "ADDRESS TYPE NAME[\t[MODULE]]": the name, or NULL when the
 * line does not have that shape.  *nlen gets the name's length.
 */
static const char *kallsyms_name(const char *line, size_t len, size_t *nlen)
{
	size_t i = 0, start;

	while (i < len && text_hexval(line[i]) >= 0)
		i++;
	if (i == 0 || i > 16 || i + 3 > len || line[i] != ' ' || line[i + 1] == ' ' ||
	    line[i + 2] != ' ')
		return NULL;
	start = i + 3;
	for (i = start; i < len && line[i] != '\t' && line[i] != ' '; i++)
		;
	if (i == start)
		return NULL;
	*nlen = i - start;
	return line + start;
}

int tdx_kallsyms_parse(const char *buf, size_t len, struct tdx_kallsyms *out,
		       struct kexec_log *log, const char *where)
{
	struct tdx_kallsyms k = { 0 };
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;

	*out = k;
	for (; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - p), nlen;
		const char *name;

		if (n && p[n - 1] == '\r')
			n--;
		if (!n) {
			p = next;
			continue;
		}
		name = kallsyms_name(p, n, &nlen);
		if (!name) {
			if (!k.bad_lines++)
				log_debug(log, "%s: line %u is not \"ADDRESS TYPE NAME\"; skipped", where,
					  lineno + 1);
		} else {
			k.symbols++;
			for (size_t i = 0; i < ARRAY_SIZE(kallsyms_names); i++)
				if (strlen(kallsyms_names[i].name) == nlen &&
				    !memcmp(kallsyms_names[i].name, name, nlen))
					*(bool *)((char *)&k + kallsyms_names[i].off) = true;
		}
		p = next;
	}
	if (!k.symbols)
		return log_errno(log, -ENODATA, "%s: no symbol line (\"ADDRESS TYPE NAME\") in %zu bytes",
				 where, len);
	if (k.bad_lines)
		log_warn(log, "%s: %u of %u lines are not \"ADDRESS TYPE NAME\"; skipped", where,
			 k.bad_lines, lineno);
	*out = k;
	return 0;
}

void tdx_kernel_from_kallsyms(const struct tdx_kallsyms *k, bool log_refusal_seen,
			      struct tdx_kernel *out)
{
	if (!k) {
		out->disables_tdx_module = out->flushes_all_cpus = TDX_UNKNOWN;
		out->refuses_kexec_on_erratum = log_refusal_seen ? TDX_YES : TDX_UNKNOWN;
		return;
	}
	out->disables_tdx_module = k->sys_disable ? TDX_YES : TDX_NO;
	out->flushes_all_cpus = k->flush_cache_for_kexec || k->flush_cache ? TDX_YES : TDX_NO;
	out->refuses_kexec_on_erratum = log_refusal_seen ||
		(out->flushes_all_cpus == TDX_YES && out->disables_tdx_module == TDX_NO) ? TDX_YES : TDX_NO;
}

/*
 * "MAJOR.MINOR.UPDATE" (more dot-separated numbers accepted, as the
 * 2023 series printed five fields) at s, up to the first character
 * that is neither a digit nor a dot.  Copied to out; false when it is
 * not such a version or does not fit.
 */
static bool version_take(const char *s, size_t max, char *out, size_t size)
{
	size_t n = 0, dots = 0;

	while (n < max && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')) {
		if (s[n] == '.' && (n == 0 || s[n - 1] == '.'))
			return false;
		dots += s[n] == '.';
		n++;
	}
	if (!n || s[n - 1] == '.' || dots < 2 || n >= size)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool tdx_module_version_parse(const char *msg, char *out, size_t size)
{
	static const char *const keys[] = { "Module version: ", "module version: " };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *p = strstr(msg, keys[i]);

		if (p && version_take(p + strlen(keys[i]), strlen(p + strlen(keys[i])), out, size))
			return true;
	}
	return false;
}

int tdx_version_file_parse(const char *buf, size_t len, char *out, size_t size,
			   struct kexec_log *log, const char *where)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (!version_take(buf, len, out, size) || strlen(out) != len) {
		out[0] = '\0';
		return log_errno(log, -EINVAL, "%s: not a TDX module version (\"MAJOR.MINOR.UPDATE\")",
				 where);
	}
	return 0;
}

/*
 * Read /proc/kallsyms and the faux device's version; st->kmsg.kernel_refuses_kexec
 * and st->module_version (from the log) must be set already.
 */
void tdx_kernel_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	char path[4096], *buf;
	size_t len;
	struct tdx_kallsyms k;
	int r;

	sysroot_path(sr, "proc/kallsyms", path, sizeof(path));
	r = sysroot_read(sr, "proc/kallsyms", 0, &buf, &len);
	if (r < 0) {
		log_debug(log, "%s: %s; what the kernel does at kexec is unknown", path, strerror(-r));
		tdx_kernel_from_kallsyms(NULL, st->kmsg.kernel_refuses_kexec, &st->kernel);
	} else {
		r = tdx_kallsyms_parse(buf, len, &k, log, path);
		free(buf);
		tdx_kernel_from_kallsyms(r < 0 ? NULL : &k, st->kmsg.kernel_refuses_kexec, &st->kernel);
	}

	/* the log line wins (it was there at boot); the faux device says the same later */
	if (st->module_version[0])
		return;
	sysroot_path(sr, "sys/devices/faux/tdx_host/version", path, sizeof(path));
	if (sysroot_read(sr, "sys/devices/faux/tdx_host/version", 4096, &buf, &len) < 0)
		return;
	if (tdx_version_file_parse(buf, len, st->module_version, sizeof(st->module_version), log,
				   path) < 0)
		log_warn(log, "%s: unusable (see above); TDX module version unknown", path);
	else
		snprintf(st->module_version_source, sizeof(st->module_version_source), "%s",
			 "/sys/devices/faux/tdx_host/version");
	free(buf);
}
