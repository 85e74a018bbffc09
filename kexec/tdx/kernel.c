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
 * Read /proc/kallsyms and the faux device's version; st->kmsg.kexec_refusal_logged
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
		tdx_kernel_from_kallsyms(NULL, st->kmsg.kexec_refusal_logged, &st->kernel);
	} else {
		r = tdx_kallsyms_parse(buf, len, &k, log, path);
		free(buf);
		tdx_kernel_from_kallsyms(r < 0 ? NULL : &k, st->kmsg.kexec_refusal_logged, &st->kernel);
	}

	/* the log line wins (it was there at boot); the faux device says the same later */
	if (st->module_version[0])
		return;
	sysroot_path(sr, "sys/devices/faux/tdx_host/version", path, sizeof(path));
	if (sysroot_read(sr, "sys/devices/faux/tdx_host/version", 4096, &buf, &len) < 0)
		return;
	if (tdx_version_file_parse(buf, len, st->module_version, sizeof(st->module_version), log,
				   path) < 0)
		log_warn(log, "%s: unusable (see above); TDX module version unknown", path),
		tdx_warn(st, "%s: not a TDX module version; the version is unknown", path);
	else
		snprintf(st->module_version_source, sizeof(st->module_version_source), "%s",
			 "/sys/devices/faux/tdx_host/version");
	free(buf);
}

/*
 * TDX module versions known to implement TDH.SYS.DISABLE.  An entry needs
 * a public source (a release note of Intel's tdx-module repository or the
 * TDX module ABI specification naming the version), cited beside it.  As
 * of this writing no such public statement names a version, so the table
 * is empty: every version is "unknown" and --tdx=flush is offered only on
 * the operator's word (tdx_sys_disable_supported=yes in
 * /etc/kexec-tdx.conf, kexec-tdx.conf(5)).  A failed TDH.SYS.DISABLE in
 * the log is a "no" whatever the table says (tdx_status_settle).
 */
static const struct {
	const char *version;
	int sys_disable;                /* TDX_YES or TDX_NO */
} sys_disable_table[] = {
	{ NULL, TDX_UNKNOWN },          /* no public source yet: see above */
};

int tdx_module_sys_disable_known(const char *version)
{
	if (!version || !*version)
		return TDX_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(sys_disable_table); i++)
		if (sys_disable_table[i].version && !strcmp(sys_disable_table[i].version, version))
			return sys_disable_table[i].sys_disable;
	return TDX_UNKNOWN;
}

static const char *const upload_states[] = {
	"idle", "receiving", "preparing", "transferring", "programming",
};

int tdx_upload_status_parse(const char *buf, size_t len, char *out, size_t size,
			    struct kexec_log *log, const char *where)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < ARRAY_SIZE(upload_states); i++)
		if (strlen(upload_states[i]) == len && !memcmp(upload_states[i], buf, len) &&
		    len < size) {
			memcpy(out, buf, len);
			out[len] = '\0';
			return 0;
		}
	out[0] = '\0';
	return log_errno(log, -EINVAL, "%s: not a firmware upload status (idle, receiving, preparing, "
			 "transferring, programming)", where);
}

/*
 * The faux device's seamldr_version and num_remaining_updates, and the
 * firmware upload's status.  An unreadable or unknown status is taken as
 * an update in progress: a kexec in the middle of one is refused, and
 * missing evidence never weakens the decision.
 */
void tdx_update_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	struct tdx_module_update *u = &st->update;
	char path[4096], v[32], *buf;
	size_t len;
	uint64_t n;
	int r;

	*u = (struct tdx_module_update){ .remaining_updates = -1 };
	sysroot_path(sr, "sys/devices/faux/tdx_host/seamldr_version", path, sizeof(path));
	if (sysroot_read(sr, "sys/devices/faux/tdx_host/seamldr_version", 4096, &buf, &len) == 0) {
		if (tdx_version_file_parse(buf, len, u->seamldr_version, sizeof(u->seamldr_version), log,
					   path) < 0)
			log_warn(log, "%s: unusable (see above); SEAM loader version unknown", path),
			tdx_warn(st, "%s: not a version; the SEAM loader version is unknown", path);
		free(buf);
	}
	if (sysroot_read_small(sr, "sys/devices/faux/tdx_host/num_remaining_updates", v, sizeof(v)) == 0 &&
	    text_parse_u64_all(v, 10, &n) == 0 && n < 1000000)
		u->remaining_updates = (long)n;
	if (!sysroot_exists(sr, "sys/class/firmware/tdx_module"))
		return;
	sysroot_path(sr, "sys/class/firmware/tdx_module/status", path, sizeof(path));
	r = sysroot_read(sr, "sys/class/firmware/tdx_module/status", 4096, &buf, &len);
	if (r == 0) {
		r = tdx_upload_status_parse(buf, len, u->upload_status, sizeof(u->upload_status), log, path);
		free(buf);
	} else {
		log_warn(log, "%s: %s", path, strerror(-r));
	}
	if (r < 0) {
		snprintf(u->upload_status, sizeof(u->upload_status), "unknown");
		tdx_warn(st, "%s is unreadable; a TDX module update is taken to be in progress", path);
	}
	u->in_progress = strcmp(u->upload_status, "idle") != 0;
}

const char *tdx_after_kexec(const struct tdx_status *st)
{
	if (!st->module_initialized || st->tdx_guest)
		return NULL;
	/* the module refused TDH.SYS.DISABLE once: it will again */
	if (st->kernel.disables_tdx_module == TDX_YES && !st->kmsg.tdh_sys_disable_failed)
		return "available";
	if (st->kernel.disables_tdx_module == TDX_NO || st->kmsg.tdh_sys_disable_failed)
		return "until_cold_boot";
	return "unknown";
}
