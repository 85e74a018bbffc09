/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How long the purgatory's clear takes, and the hardware watchdogs that
 * could reset the host in the middle of it (a silent cold boot).
 *
 * The estimate is deliberately pessimistic.  Every CPU that takes a share
 * of the clear (kexec/cpus.c: the online CPUs with an APIC id, at most
 * KTDX_MAX_CLEAR_CPUS and --tdx-cpus; the purgatory splits the ranges
 * among them, purgatory/smp.c) writes at TDX_CLEAR_RATE_PER_CPU, 10 GB/s
 * (10^9 bytes): one CPU doing MOVDIR64B or non-temporal full-line stores
 * writes 10-20 GB/s on Sapphire/Emerald/Granite Rapids
 * (tests/bench/bench-clear measures this machine).  All the CPUs of one
 * package together write at most TDX_CLEAR_RATE_PER_PACKAGE, 150 GB/s:
 * the peak of the smallest memory system of these parts, 8 channels of
 * DDR5-4800 x 8 bytes = 307.2 GB/s per package (Intel's product
 * specifications, ark.intel.com, for 4th Gen Xeon Scalable "Sapphire
 * Rapids": 8 memory channels, DDR5-4800), halved as an allowance for
 * write turnaround and refresh, not a measured figure.  A lower rate
 * makes a longer estimate, so a watchdog that is close is flagged rather
 * than missed.  The rate this host reached at its last kexec
 * (tdx_status_opts.measured_clear_bps) replaces the model when known.
 *
 * Which watchdogs survive into the purgatory: watchdog-core devices whose
 * driver asked for watchdog_stop_on_reboot() are stopped by the reboot
 * notifier that kernel_kexec() runs (drivers/watchdog/watchdog_core.c,
 * watchdog_reboot_notifier), except a nowayout one, which keeps running;
 * an inactive device is not running.  ipmi_watchdog is no watchdog-core
 * device (a misc device, no /sys/class/watchdog entry): its reboot
 * notifier (drivers/char/ipmi/ipmi_watchdog.c, wdog_reboot_handler)
 * re-arms a running IPMI watchdog with max(timeout, 120) seconds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <kexec-tdx/purgatory-abi.h>
#include "tdx.h"
#include "text.h"

uint64_t tdx_clear_rate(unsigned cpus, unsigned packages, uint64_t measured_bps)
{
	uint64_t by_cpu, by_pkg;

	if (measured_bps)
		return measured_bps;
	cpus = cpus ? cpus : 1;
	packages = packages ? packages : 1;
	by_cpu = (uint64_t)cpus * TDX_CLEAR_RATE_PER_CPU;
	by_pkg = (uint64_t)packages * TDX_CLEAR_RATE_PER_PACKAGE;
	return by_cpu < by_pkg ? by_cpu : by_pkg;
}

long tdx_clear_estimate_s(uint64_t bytes, uint64_t rate)
{
	if (!rate)
		return -1;
	return (long)(bytes / rate + (bytes % rate ? 1 : 0));
}

unsigned tdx_clear_cpus(const struct tdx_cpuinfo *ci, unsigned max_clear, unsigned *packages)
{
	unsigned cpus = ci && ci->ncpus && ci->napicid == ci->ncpus ? ci->napicid : 1, n = 0;
	uint32_t seen[KTDX_MAX_CLEAR_CPUS];

	if (cpus > KTDX_MAX_CLEAR_CPUS)
		cpus = KTDX_MAX_CLEAR_CPUS;
	if (max_clear && max_clear < cpus)
		cpus = max_clear;
	/* the purgatory gives shares to the first CPUs of the list */
	if (ci && ci->nphysid >= cpus && ci->nphysid == ci->ncpus) {
		for (unsigned i = 0; i < cpus; i++) {
			unsigned k = 0;

			while (k < n && seen[k] != ci->physid[i])
				k++;
			if (k == n)
				seen[n++] = ci->physid[i];
		}
	}
	*packages = n ? n : 1;
	return cpus;
}

void tdx_duration_text(long s, char *buf, size_t size)
{
	if (s < 1)
		snprintf(buf, size, "under 1 s");
	else if (s < 90)
		snprintf(buf, size, "about %ld s", s);
	else if (s < 90 * 60)
		snprintf(buf, size, "about %ld min", (s + 30) / 60);
	else
		snprintf(buf, size, "about %ld h %ld min", s / 3600, (s % 3600 + 30) / 60);
}

/* Trailing newline and blanks off; the value must be printable ASCII (JSON, terminal). */
static int value_trim(const char *buf, size_t len, size_t *out_len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return -EINVAL;
	*out_len = len;
	return 0;
}

/* At most 9 decimal digits (buf need not be NUL-terminated). */
static int number_parse(const char *buf, size_t len, long *out)
{
	char digits[10];
	uint64_t v;

	if (!len || len >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, buf, len);
	digits[len] = '\0';
	if (text_parse_u64_all(digits, 10, &v) < 0)
		return -EINVAL;
	*out = (long)v;
	return 0;
}

int tdx_watchdog_attr_parse(struct tdx_watchdog *w, const char *attr, const char *buf, size_t len,
			    struct kexec_log *log, const char *where)
{
	size_t n;
	long v;

	if (value_trim(buf, len, &n) < 0)
		return log_errno(log, -EINVAL, "%s: not printable text", where);
	if (!strcmp(attr, "identity")) {
		if (!n || n >= sizeof(w->identity))
			return log_errno(log, -EINVAL, "%s: identity of %zu characters", where, n);
		memcpy(w->identity, buf, n);
		w->identity[n] = '\0';
	} else if (!strcmp(attr, "timeout")) {
		if (number_parse(buf, n, &v) < 0)
			return log_errno(log, -EINVAL, "%s: timeout is not a number of seconds", where);
		w->timeout_s = v;
	} else if (!strcmp(attr, "state")) {
		if ((n == 6 && !memcmp(buf, "active", 6)) || (n == 8 && !memcmp(buf, "inactive", 8))) {
			memcpy(w->state, buf, n);
			w->state[n] = '\0';
		} else {
			return log_errno(log, -EINVAL, "%s: state is not \"active\" or \"inactive\"", where);
		}
	} else if (!strcmp(attr, "nowayout")) {
		/* watchdog core prints 0/1; a bool module parameter Y/N */
		if (n == 1 && (buf[0] == '1' || buf[0] == 'Y' || buf[0] == 'y'))
			w->nowayout = TDX_YES;
		else if (n == 1 && (buf[0] == '0' || buf[0] == 'N' || buf[0] == 'n'))
			w->nowayout = TDX_NO;
		else
			return log_errno(log, -EINVAL, "%s: nowayout is not 0 or 1", where);
	} else {
		return log_errno(log, -EINVAL, "%s: unknown watchdog attribute %s", where, attr);
	}
	return 0;
}

long tdx_watchdog_fires_after(const struct tdx_watchdog *w)
{
	if (w->ipmi)
		return w->timeout_s > TDX_IPMI_REBOOT_TIMEOUT ? w->timeout_s : TDX_IPMI_REBOOT_TIMEOUT;
	if (strcmp(w->state, "active") || w->nowayout != TDX_YES)
		return -1;      /* stopped at kexec, or never started */
	return w->timeout_s;    /* -1 when unknown: fires at any time */
}

bool tdx_watchdog_outlasted(const struct tdx_watchdog *w, long estimate_s)
{
	long t;

	if (estimate_s < 0)
		return false;
	t = tdx_watchdog_fires_after(w);
	if (w->ipmi)
		return t < estimate_s;
	if (strcmp(w->state, "active") || w->nowayout != TDX_YES)
		return false;
	return t < 0 || t < estimate_s;
}

static void read_attr(const struct sysroot *sr, struct kexec_log *log, const char *dir,
		      const char *file, const char *attr, struct tdx_watchdog *w, struct tdx_status *st)
{
	char rel[256], path[4096], *buf;
	size_t len;

	snprintf(rel, sizeof(rel), "%s/%s", dir, file);
	if (sysroot_read(sr, rel, 4096, &buf, &len) < 0)
		return;         /* older kernels lack some attributes: unknown */
	sysroot_path(sr, rel, path, sizeof(path));
	if (tdx_watchdog_attr_parse(w, attr, buf, len, log, path) < 0) {
		log_warn(log, "%s: unusable (see above); taken as unknown", path);
		tdx_warn(st, "%s: unusable; the watchdog's %s is taken as unknown", path, attr);
	}
	free(buf);
}

static struct tdx_watchdog *watchdog_add(struct tdx_status *st, struct kexec_log *log,
					 const char *name)
{
	struct tdx_watchdog *w;

	if (st->nwatchdogs == TDX_MAX_WATCHDOGS) {
		log_warn(log, "more than %d watchdogs; %s and later ones are not checked",
			 TDX_MAX_WATCHDOGS, name);
		tdx_warn(st, "more than %d watchdogs; %s and later ones are not checked",
			 TDX_MAX_WATCHDOGS, name);
		return NULL;
	}
	w = &st->watchdogs[st->nwatchdogs++];
	*w = (struct tdx_watchdog){ .timeout_s = -1, .nowayout = TDX_UNKNOWN };
	snprintf(w->name, sizeof(w->name), "%s", name);
	return w;
}

/* The N of "watchdogN"; 0 when no digits follow, the largest when they overflow. */
static uint64_t watchdog_index(const struct tdx_watchdog *w)
{
	const char *p = w->name + 8;
	uint64_t v = 0;

	if (text_parse_u64(&p, 10, &v) == -ERANGE)
		return UINT64_MAX;
	return v;
}

/* watchdog2 before watchdog10 */
static int watchdog_cmp(const void *a, const void *b)
{
	uint64_t x = watchdog_index(a), y = watchdog_index(b);

	return x < y ? -1 : x > y;
}

void tdx_watchdogs_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	char **names = NULL, dir[128];
	size_t n = 0;
	struct tdx_watchdog *w;

	st->nwatchdogs = 0;
	if (sysroot_list(sr, "sys/class/watchdog", &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (strncmp(names[i], "watchdog", 8) || strlen(names[i]) >= 32)
				continue;
			if (!(w = watchdog_add(st, log, names[i])))
				break;
			snprintf(dir, sizeof(dir), "sys/class/watchdog/%s", names[i]);
			read_attr(sr, log, dir, "identity", "identity", w, st);
			read_attr(sr, log, dir, "timeout", "timeout", w, st);
			read_attr(sr, log, dir, "state", "state", w, st);
			read_attr(sr, log, dir, "nowayout", "nowayout", w, st);
		}
		sysroot_names_free(names, n);
		qsort(st->watchdogs, st->nwatchdogs, sizeof(st->watchdogs[0]), watchdog_cmp);
	}
	if (sysroot_exists(sr, "sys/module/ipmi_watchdog") && (w = watchdog_add(st, log, "ipmi_watchdog"))) {
		w->ipmi = true;
		snprintf(w->identity, sizeof(w->identity), "IPMI");
		read_attr(sr, log, "sys/module/ipmi_watchdog/parameters", "timeout", "timeout", w, st);
		read_attr(sr, log, "sys/module/ipmi_watchdog/parameters", "nowayout", "nowayout", w, st);
	}
}

void tdx_warn(struct tdx_status *st, const char *fmt, ...)
{
	va_list ap;

	if (st->nwarnings > TDX_MAX_WARNINGS)
		return;
	if (st->nwarnings == TDX_MAX_WARNINGS) {
		snprintf(st->warnings[TDX_MAX_WARNINGS - 1], sizeof(st->warnings[0]),
			 "more than %d warnings; the later ones are not shown", TDX_MAX_WARNINGS - 1);
		st->nwarnings++;        /* stays above the limit: nothing more is added */
		return;
	}
	va_start(ap, fmt);
	vsnprintf(st->warnings[st->nwarnings++], sizeof(st->warnings[0]), fmt, ap);
	va_end(ap);
}

/* How an operator gets out of a watchdog reset, without steering to a weaker action on a guess. */
static void way_out_text(const struct tdx_status *st, char *buf, size_t size)
{
	if (st->kernel.disables_tdx_module == TDX_YES && st->module_sys_disable == TDX_YES)
		snprintf(buf, size, "or use --tdx=flush (this kernel resets TDX memory itself at kexec, "
			 "and TDX module %s supports TDH.SYS.DISABLE: %s)", st->module_version,
			 st->module_sys_disable_source);
	else
		snprintf(buf, size, "or do a cold reboot instead of kexec");
}

static void watchdog_warning(struct tdx_status *st, const struct tdx_watchdog *w, long est,
			     const char *dur, const char *way_out)
{
	if (w->ipmi)
		tdx_warn(st, "ipmi_watchdog: a running IPMI watchdog re-arms itself with %ld s at "
			 "reboot, but the clear takes %s (%ld s) and the host would be reset in the "
			 "middle of it; raise its timeout (ipmi_watchdog timeout=, or in the BMC) above "
			 "%ld s, %s", tdx_watchdog_fires_after(w), dur, est, est, way_out);
	else if (w->timeout_s < 0)
		tdx_warn(st, "%s (%s) is active and nowayout (kexec does not stop it) with an unknown "
			 "timeout, and the clear takes %s (%ld s); make sure its timeout is above %ld s, %s",
			 w->name, w->identity[0] ? w->identity : "?", dur, est, est, way_out);
	else
		tdx_warn(st, "%s (%s) is active and nowayout (kexec does not stop it) with a %ld s "
			 "timeout, but the clear takes %s (%ld s) and the host would be reset in the "
			 "middle of it; raise its timeout above %ld s, %s", w->name,
			 w->identity[0] ? w->identity : "?", w->timeout_s, dur, est, est, way_out);
}

void tdx_clear_assess(struct tdx_status *st, unsigned max_clear, uint64_t measured_bps)
{
	char dur[32], way_out[256];
	long est;

	st->clear_cpus = tdx_clear_cpus(st->cpuinfo_ok ? &st->cpu : NULL, max_clear,
					&st->clear_packages);
	st->clear_rate_bps = tdx_clear_rate(st->clear_cpus, st->clear_packages, measured_bps);
	st->clear_rate_measured = measured_bps != 0;
	st->clear_estimate_s = -1;
	if (st->action != KTDX_ACTION_CLEAR)
		return;
	est = st->clear_estimate_s = tdx_clear_estimate_s(rangeset_bytes(&st->private_ranges),
							   st->clear_rate_bps);
	tdx_duration_text(est, dur, sizeof(dur));
	way_out_text(st, way_out, sizeof(way_out));
	for (unsigned i = 0; i < st->nwatchdogs; i++)
		if (tdx_watchdog_outlasted(&st->watchdogs[i], est))
			watchdog_warning(st, &st->watchdogs[i], est, dur, way_out);
}
