/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Gathers what the running system says about TDX (and SEV) through the
 * sysroot, hands it to the pure parsers, and decides.  A file that is
 * missing or broken makes its facts "unknown" (a warning), never the
 * whole detection fail: --tdx-status must still say what it knows.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <libkmod.h>
#include "kho.h"
#include "lockdown.h"
#include "memmap.h"
#include "tdx.h"

static bool param_true(const char *v)
{
	return !strcmp(v, "Y") || !strcmp(v, "y") || !strcmp(v, "1");
}

static void kmod_log_debug(void *data, int priority, const char *file, int line, const char *fn,
			   const char *format, va_list args)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), format, args);
	log_debug(data, "libkmod: %s", msg);
}

/*
 * The module's init state: "live", "builtin", "coming", "going", or ""
 * when it is not loaded.  On the host libkmod answers; libkmod cannot be
 * pointed at a fixture tree, so there sys/module/NAME is read directly
 * (the same files libkmod reads: initstate, or the directory alone for a
 * built-in module).
 */
static void module_state(const struct sysroot *sr, struct kexec_log *log, const char *name,
			 char *state, size_t size)
{
	char rel[128];

	state[0] = '\0';
	if (sysroot_is_host(sr)) {
		struct kmod_ctx *ctx = kmod_new(NULL, NULL);
		struct kmod_module *mod = NULL;

		if (ctx) {
			kmod_set_log_fn(ctx, kmod_log_debug, log);
			if (kmod_module_new_from_name(ctx, name, &mod) == 0) {
				int s = kmod_module_get_initstate(mod);

				if (s >= 0 && kmod_module_initstate_str(s))
					snprintf(state, size, "%s", kmod_module_initstate_str(s));
				kmod_module_unref(mod);
			}
			kmod_unref(ctx);
			return;
		}
		log_debug(log, "libkmod: no context, reading /sys/module/%s", name);
	}
	snprintf(rel, sizeof(rel), "sys/module/%s/initstate", name);
	if (sysroot_read_small(sr, rel, state, size) == 0)
		return;
	snprintf(rel, sizeof(rel), "sys/module/%s", name);
	if (sysroot_exists(sr, rel))
		snprintf(state, size, "builtin");
}

static bool state_loaded(const char *state)
{
	return !strcmp(state, "live") || !strcmp(state, "builtin");
}

static void detect_cpu(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	char path[4096], *buf;
	size_t len;
	int r;

	sysroot_path(sr, "proc/cpuinfo", path, sizeof(path));
	r = sysroot_read(sr, "proc/cpuinfo", 0, &buf, &len);
	if (r < 0) {
		snprintf(st->cpuinfo_why, sizeof(st->cpuinfo_why), "%.440s: %s", path, strerror(-r));
		log_warn(log, "%s; CPU flags unknown", st->cpuinfo_why);
		tdx_warn(st, "%s: the CPU flags are unknown", st->cpuinfo_why);
		return;
	}
	r = tdx_cpuinfo_parse(buf, len, &st->cpu, log, path);
	free(buf);
	if (r < 0) {
		snprintf(st->cpuinfo_why, sizeof(st->cpuinfo_why), "%.500s", log ? log->last : path);
		log_warn(log, "%s: unusable (see above); CPU flags unknown", path);
		tdx_warn(st, "%s: the CPU flags are unknown", st->cpuinfo_why);
		return;
	}
	st->cpuinfo_ok = true;
}

static int detect_kmsg(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	char path[4096], *buf;
	size_t len;
	enum kmsg_source src;
	const struct tdx_kmsg *k = &st->kmsg;
	int r;

	r = sysroot_read_kmsg(sr, &buf, &len, &src);
	if (r < 0) {
		log_warn(log, "kernel log: cannot read it (%s); TDX log lines unknown", strerror(-r));
		tdx_warn(st, "the kernel log cannot be read (%s): what it would say is unknown",
			 strerror(-r));
		return 0;
	}
	st->kmsg_source = kmsg_source_name(src);
	if (src == KMSG_SOURCE_FILE)
		sysroot_path(sr, "dev/kmsg", path, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s", kmsg_source_name(src));
	r = tdx_kmsg_parse(buf, len, &st->kmsg, log, path);
	free(buf);
	if (r < 0)
		return r;       /* -ENOMEM: a malformed record is skipped, never fatal */
	if (k->bad_records) {
		log_warn(log, "%s: %u malformed record%s skipped (the first at line %u)", path,
			 k->bad_records, k->bad_records == 1 ? "" : "s", k->first_bad_line);
		tdx_warn(st, "%s: %u malformed record%s skipped (the first at line %u)", path,
			 k->bad_records, k->bad_records == 1 ? "" : "s", k->first_bad_line);
	}
	if (k->module_initialized) {
		st->module_initialized = true;
		snprintf(st->module_evidence, sizeof(st->module_evidence), "%s", k->module_line);
	}
	if (k->module_version[0]) {
		memcpy(st->module_version, k->module_version, sizeof(st->module_version));
		snprintf(st->module_version_source, sizeof(st->module_version_source), "kernel log");
	}
	return 0;
}

static void detect_kvm(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	char v[16];

	module_state(sr, log, "kvm_intel", st->kvm_intel_state, sizeof(st->kvm_intel_state));
	st->kvm_intel_loaded = state_loaded(st->kvm_intel_state);
	if (st->kvm_intel_loaded && sysroot_read_small(sr, "sys/module/kvm_intel/parameters/tdx", v, sizeof(v)) == 0)
		st->kvm_intel_tdx = param_true(v);
	module_state(sr, log, "kvm_amd", st->kvm_amd_state, sizeof(st->kvm_amd_state));
	st->kvm_amd_loaded = state_loaded(st->kvm_amd_state);
	if (st->kvm_amd_loaded && sysroot_read_small(sr, "sys/module/kvm_amd/parameters/sev_snp", v, sizeof(v)) == 0)
		st->kvm_amd_sev_snp = param_true(v);
	st->tdx_host_sysfs = sysroot_exists(sr, "sys/devices/faux/tdx_host");
}

/* The plan's sets, and the CMR lines checked against them. */
static int detect_memory(const struct mem_plan *plan, struct kexec_log *log, struct tdx_status *st)
{
	struct rangeset gap = RANGESET_INIT;
	int r;

	if ((r = rangeset_copy(&st->crash, &plan->crash)) < 0 ||
	    (r = rangeset_copy(&st->private_ranges, &plan->private_ranges)) < 0)
		goto out;
	st->private_ok = plan->private_ok;
	snprintf(st->private_why, sizeof(st->private_why), "%s", plan->private_why);
	memcpy(st->kept, plan->kept, sizeof(st->kept));
	st->nkept = plan->nkept;
	/* a reserve_mem= region a clear would wipe: said, never silent (DESIGN.md) */
	if (plan->pstore_warning[0])
		tdx_warn(st, "%s", plan->pstore_warning);
	st->cmr_covers_ram = -1;
	if (st->kmsg.cmr.n && plan->system_ram.n) {
		if ((r = tdx_cmr_uncovered(&st->kmsg.cmr, &plan->system_ram, &gap)) < 0)
			goto out;
		st->cmr_uncovered_bytes = rangeset_bytes(&gap);
		st->cmr_covers_ram = !gap.n;
		if (gap.n) {
			log_warn(log, "the kernel log's CMR lines leave %zu range%s of System RAM "
				 "(0x%llx bytes, the first [0x%llx, 0x%llx)) uncovered: the log may have "
				 "lost CMR lines; they are cleared all the same", gap.n,
				 gap.n == 1 ? "" : "s", (unsigned long long)st->cmr_uncovered_bytes,
				 (unsigned long long)gap.v[0].start, (unsigned long long)gap.v[0].end);
			tdx_warn(st, "the kernel log's CMR lines leave %zu range%s of System RAM "
				 "(0x%llx bytes, the first [0x%llx, 0x%llx)) uncovered: the log may have "
				 "lost CMR lines; they are cleared all the same", gap.n,
				 gap.n == 1 ? "" : "s", (unsigned long long)st->cmr_uncovered_bytes,
				 (unsigned long long)gap.v[0].start, (unsigned long long)gap.v[0].end);
		}
	}
out:
	rangeset_free(&gap);
	return r;
}

static void detect_guests(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	int r = tdx_misc_read(sr, log, &st->misc, &st->misc_capacity, &st->misc_found);

	if (r < 0) {
		tdx_warn(st, "the misc cgroup is unusable (%s): running guests unknown",
			 log && log->last[0] ? log->last : "see the log");
		log_warn(log, "misc cgroup unusable (see above); running guests unknown");
		st->misc_found = false;
		st->misc = (struct tdx_misc){ -1, -1, -1 };
	}
	if (!st->misc_found)
		return;
	st->running_tds = (long)st->misc.tdx;
	st->running_sev_guests = (long)(st->misc.sev + st->misc.sev_es);
}

int tdx_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st)
{
	struct mem_plan plan;
	int r = mem_plan_read(sr, log, &plan);

	if (r == 0)
		r = tdx_detect_plan(sr, log, &plan, st);
	mem_plan_free(&plan);
	return r;
}

int tdx_detect_plan(const struct sysroot *sr, struct kexec_log *log, const struct mem_plan *plan,
		    struct tdx_status *st)
{
	int r;

	*st = (struct tdx_status){ 0 };
	st->running_tds = st->running_sev_guests = -1;
	st->misc = st->misc_capacity = (struct tdx_misc){ -1, -1, -1 };
	st->clear_estimate_s = -1;
	st->update.remaining_updates = -1;

	detect_cpu(sr, log, st);
	if ((r = detect_kmsg(sr, log, st)) < 0)
		goto fail;
	st->tdx_guest = st->cpu.tdx_guest || st->kmsg.tdx_guest;
	detect_kvm(sr, log, st);
	tdx_kernel_detect(sr, log, st);
	tdx_update_detect(sr, log, st);
	tdx_watchdogs_detect(sr, log, st);
	lockdown_read(sr, log, st->lockdown, sizeof(st->lockdown));
	kho_read(sr, log, &st->kho);
	detect_guests(sr, log, st);
	if ((r = detect_memory(plan, log, st)) < 0)
		goto fail;

	/* "Module initialized" (DESIGN.md): the log first, then KVM, then sysfs */
	if (!st->module_initialized && st->kvm_intel_loaded && st->kvm_intel_tdx) {
		st->module_initialized = true;
		snprintf(st->module_evidence, sizeof(st->module_evidence), "kvm_intel.tdx=Y");
	}
	if (!st->module_initialized && st->tdx_host_sysfs) {
		st->module_initialized = true;
		snprintf(st->module_evidence, sizeof(st->module_evidence), "/sys/devices/faux/tdx_host");
	}
	st->nwarnings_detected = st->nwarnings;
	tdx_status_settle(st, &(struct tdx_status_opts){ .sys_disable_stated = TDX_UNKNOWN });
	return 0;
fail:
	tdx_status_free(st);
	return r;
}
