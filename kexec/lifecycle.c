/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The actions main() dispatches to: load, unload, the boot after a load,
 * -S, --print-ckr-size, --tdx-status.  The pieces they call own the
 * facts (memmap.c, tdx/, cpus.c, cmdline.c, syscall.c, load.c,
 * record.c); here they are put in order.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kexec.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <kexec-tdx/purgatory-abi.h>
#include "cmdline.h"
#include "cpus.h"
#include "lifecycle.h"
#include "load.h"
#include "memmap.h"
#include "syscall.h"
#include "tdx/tdx.h"

/* sys/kernel/kexec/{loaded,crash_loaded}, else the old kexec_*loaded; *rel: the file read. */
static int loaded_read(struct kexec_ctx *ctx, bool crash, const char **rel)
{
	char v[16];
	int r = sysroot_read_kexec_attr(ctx->sr, crash ? "crash_loaded" : "loaded", v, sizeof(v), rel);

	return r < 0 ? r : v[0] == '1';
}

int lifecycle_loaded(struct kexec_ctx *ctx, bool crash)
{
	return loaded_read(ctx, crash, NULL);
}

int lifecycle_loaded_logged(struct kexec_ctx *ctx, bool crash)
{
	char path[4096];
	const char *rel = NULL;
	int r = loaded_read(ctx, crash, &rel);

	if (r == -ENOENT)
		log_errno(&ctx->log, r, "%s (and the older %s): %s",
			  sysroot_path(ctx->sr, rel, path, sizeof(path)),
			  crash ? "kexec_crash_loaded" : "kexec_loaded", strerror(-r));
	else if (r < 0)
		log_errno(&ctx->log, r, "%s: %s", sysroot_path(ctx->sr, rel, path, sizeof(path)),
			  strerror(-r));
	return r;
}

/* Bring network interfaces down before --exec (kexec-tools does; -x skips). */
static void interfaces_down(struct kexec_ctx *ctx)
{
	struct if_nameindex *ifs = if_nameindex();
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	for (struct if_nameindex *i = ifs; fd >= 0 && i && i->if_index; i++) {
		struct ifreq ifr = { 0 };

		strncpy(ifr.ifr_name, i->if_name, IFNAMSIZ - 1);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags & IFF_LOOPBACK) ||
		    !(ifr.ifr_flags & IFF_UP))
			continue;
		ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			log_debug(&ctx->log, "%s: cannot bring it down: %s", i->if_name, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	if (ifs)
		if_freenameindex(ifs);
}

int lifecycle_print_crash_size(struct kexec_ctx *ctx)
{
	struct iomem io = { 0 };
	struct rangeset crash = RANGESET_INIT;
	int r = iomem_read(ctx->sr, &ctx->log, &io);

	if (r == 0)
		r = iomem_collect(&io, "Crash kernel", &crash);
	if (r == 0)
		printf("%" PRIu64 "\n", rangeset_bytes(&crash));
	iomem_free(&io);
	rangeset_free(&crash);
	return r;
}

/*
 * --tdx-status: detect, settle under the invocation's policy, read what is
 * loaded, print.  With --check nothing is printed and the result is the
 * exit code (tdx_status_check_code; 2 when detection itself failed).
 */
int lifecycle_tdx_status(struct kexec_ctx *ctx, const struct kexec_options *o,
			 const struct policy_choice *policy)
{
	struct tdx_status st = { 0 };
	struct record_loaded loaded;
	struct tdx_status_opts so = {
		.policy = policy->policy, .policy_source = policy->source, .force = o->tdx_force,
		.max_clear_cpus = o->tdx_cpus, .sys_disable_stated = policy->sys_disable,
		.sys_disable_where = policy->sys_disable_where,
		.measured_clear_bps = 0,        /* the last kexec's rate: not kept yet */
	};
	int r = tdx_detect(ctx->sr, &ctx->log, &st);

	if (r == 0) {
		tdx_status_settle(&st, &so);
		record_loaded_read(ctx->sr, &ctx->log, &st, o->tdx_policy, lifecycle_loaded(ctx, false),
				   lifecycle_loaded(ctx, true), &loaded);
		st.loaded = &loaded;
		if (o->check)       /* a loaded image that -e would refuse: refused too */
			r = tdx_status_check_code(&st) ?: (loaded.kexec.loaded > 0 &&
							  loaded.kexec.verdict != RECORD_OK);
		else
			r = tdx_status_print(&st, stdout, o->json, o->debug || o->verbose);
	} else if (o->check) {
		r = 2;
	}
	tdx_status_free(&st);
	return r;
}

/*
 * The TDX part of a load or an exec: detect, apply the policy.  Fills
 * *action; TDX_REFUSED when refused (one line logged).
 */
static int tdx_gate(struct kexec_ctx *ctx, const struct kexec_options *o, const struct mem_plan *mp,
		    struct tdx_status *st, unsigned *action)
{
	int r = tdx_detect_plan(ctx->sr, &ctx->log, mp, st);

	if (r < 0)
		return r;
	return tdx_policy_apply(st, o->tdx_policy, o->tdx_force, o->crash, &ctx->log, action);
}

/*
 * After a successful load: what it does between the kernels goes to
 * /run/kexec-tdx/loaded.json (crash.json), for -e, the guard and
 * --tdx-status.  A record that cannot be written is a warning: the image
 * is loaded, and -e then refuses it where a flush or clear is needed.
 */
static void record_load(struct kexec_ctx *ctx, const struct kexec_options *o,
			const struct tdx_status *st, unsigned action, bool file_syscall,
			struct kexec_record *rec)
{
	char *real;

	*rec = (struct kexec_record){
		.action = file_syscall ? KTDX_ACTION_NONE : action, .needed = action,
		.decision = st->decision, .policy = o->tdx_policy, .file_syscall = file_syscall,
		.time = (int64_t)time(NULL),
	};
	snprintf(rec->reason, sizeof(rec->reason), "%s", st->reason);
	/* what -e checks again: the private ranges and CPUs this load's purgatory got */
	plan_digest_of_status(st, &rec->plan);
	real = realpath(o->kernel, NULL);
	snprintf(rec->kernel, sizeof(rec->kernel), "%s", real ? real : o->kernel);
	free(real);
	if (o->initrd) {
		real = realpath(o->initrd, NULL);
		snprintf(rec->initrd, sizeof(rec->initrd), "%s", real ? real : o->initrd);
		free(real);
	}
	if (record_boot_id(ctx->sr, rec->boot_id, sizeof(rec->boot_id)) < 0)
		log_warn(&ctx->log, "/proc/sys/kernel/random/boot_id: unreadable; the record of this "
			 "load will count as stale");
	if (record_write(ctx->sr, &ctx->log, o->crash, rec) < 0 && !o->crash)
		log_warn(&ctx->log, "without the record, kexec -e refuses this image when a flush or "
			 "clear is needed");
}

/*
 * The TDX gate, then what the purgatory needs for the action it calls
 * for: the CPU's features (the SHA-256 and clear paths; unreadable: the
 * portable ones) and the other CPUs, each of which flushes and clears a
 * share (DESIGN.md "Purgatory", step 3).
 */
static int load_prepare_tdx(struct kexec_ctx *ctx, const struct kexec_options *o,
			    const struct mem_plan *mp, struct tdx_status *st, struct cpus_plan *cpus,
			    struct load_request *req)
{
	struct cpus_rules rules;
	int r = tdx_gate(ctx, o, mp, st, &req->action);

	if (r < 0)
		return r;
	req->private_ranges = &st->private_ranges;
	if (req->action == KTDX_ACTION_NONE)
		return 0;
	if (req->action == KTDX_ACTION_CLEAR && mp->pstore_warning[0])
		log_warn(&ctx->log, "%s", mp->pstore_warning);
	/* the CPU facts of detection: /proc/cpuinfo is read once */
	if (st->cpuinfo_ok)
		req->cpu = &st->cpu;
	rules = (struct cpus_rules){ .flushes_all_cpus = st->kernel.flushes_all_cpus,
				     .force = o->tdx_force, .crash = o->crash };
	if ((r = cpus_plan_build(req->cpu, st->kmsg.tsc_khz, o->tdx_cpus, o->tdx_debug_apic_ids,
				 &rules, cpus, &ctx->log)) < 0)
		return r;
	req->cpus = cpus;
	return 0;
}

/* The system call syscall_choose() picks; *file_syscall: the kernel's purgatory runs. */
static int load_syscall(struct kexec_ctx *ctx, const struct kexec_options *o,
			const struct tdx_status *st, const struct load_request *req, bool *file_syscall)
{
	const struct syscall_facts facts = {
		.asked = o->syscall, .lockdown = st->lockdown, .action = req->action,
		.policy = o->tdx_policy, .reason = st->reason, .crash = o->crash, .force = o->tdx_force,
	};
	enum kexec_syscall_choice sc;
	int r = syscall_choose(&facts, &sc, &ctx->log);

	if (r < 0)
		return r;
	if (sc == SYSCALL_FILE || sc == SYSCALL_AUTO) {
		r = load_with_file_syscall(ctx, req);
		if (sc == SYSCALL_FILE || !syscall_file_fallback(r)) {
			*file_syscall = true;
			return r;
		}
		log_info(&ctx->log, "kexec_file_load failed, falling back to kexec_load");
	}
	return load_with_purgatory(ctx, req);
}

int lifecycle_load(struct kexec_ctx *ctx, const struct kexec_options *o, struct kexec_record *rec)
{
	struct tdx_status st = { 0 };
	struct cpus_plan cpus;
	struct mem_plan mp = { 0 };
	struct load_request req = {
		.kernel = o->kernel, .initrd = o->initrd, .type = o->type, .crash = o->crash,
		.no_checks = o->no_checks, .serial_debug = o->console_serial,
		.mem_min = o->mem_min, .mem_max = o->mem_max, .mem = &mp,
	};
	char *cmdline = NULL;
	bool file_syscall = false;
	int r;

	/* one read of the firmware map and /proc/iomem for detection and load */
	if ((r = mem_plan_read(ctx->sr, &ctx->log, &mp)) < 0 ||
	    (r = load_prepare_tdx(ctx, o, &mp, &st, &cpus, &req)) < 0)
		goto out;
	if (o->reuse_cmdline &&
	    (r = cmdline_reuse(ctx->sr, &ctx->log, o->crash, o->append, &cmdline)) < 0)
		goto out;
	req.cmdline = o->reuse_cmdline ? cmdline : o->append;
	r = load_syscall(ctx, o, &st, &req, &file_syscall);
	if (r == 0)
		record_load(ctx, o, &st, req.action, file_syscall, rec);
out:
	free(cmdline);
	tdx_status_free(&st);
	mem_plan_free(&mp);
	return r;
}

static int unload(struct kexec_ctx *ctx, const struct kexec_options *o)
{
	int r;

	if (o->syscall == SYSCALL_FILE || o->syscall == SYSCALL_AUTO) {
		r = sys_kexec_file_load(-1, -1, NULL, KEXEC_FILE_UNLOAD | (o->crash ? KEXEC_FILE_ON_CRASH : 0));
		if (r != -ENOSYS || o->syscall == SYSCALL_FILE)
			return r < 0 ? load_explain_errno(ctx, r, "kexec_file_load (unload)") : 0;
	}
	r = sys_kexec_unload(o->crash ? KEXEC_ON_CRASH : 0);
	return r < 0 ? load_explain_errno(ctx, r, "kexec_load (unload)") : 0;
}

/* The unload, then its record (a record left behind would describe the next image). */
int lifecycle_unload(struct kexec_ctx *ctx, const struct kexec_options *o)
{
	int r = unload(ctx, o);

	if (r == 0)
		r = record_remove(ctx->sr, &ctx->log, o->crash);
	return r;
}

/*
 * Before --exec: the guest check applies whatever was loaded (DESIGN.md),
 * and the loaded image must do what is needed now, under this
 * invocation's policy: its record (for -f, the load just made) says what
 * it does.  No record, a stale or a malformed one, counts as none.
 */
static int exec_gate(struct kexec_ctx *ctx, const struct kexec_options *o,
		     const struct kexec_record *just_loaded)
{
	struct tdx_status st = { 0 };
	struct mem_plan mp = { 0 };
	struct kexec_record rec;
	const struct kexec_record *have = just_loaded;
	struct plan_digest now;
	char why[512];
	unsigned needed;
	int r = mem_plan_read(ctx->sr, &ctx->log, &mp);

	if (r == 0)
		r = tdx_gate(ctx, o, &mp, &st, &needed);
	if (r < 0)
		goto out;
	if (!have && record_read(ctx->sr, &ctx->log, false, &rec) > 0)
		have = &rec;
	record_needed_now(&st, o->tdx_policy, why, sizeof(why));
	r = record_exec_check(have, needed, why, o->tdx_force, &ctx->log);
	if (r == 0 && have) {
		/* the memory and CPUs fixed at -l must still be the host's */
		plan_digest_of_status(&st, &now);
		r = record_plan_check(have, &now, o->tdx_force, &ctx->log);
	}
out:
	tdx_status_free(&st);
	mem_plan_free(&mp);
	return r;
}

int lifecycle_boot(struct kexec_ctx *ctx, const struct kexec_options *o,
		   const struct kexec_record *just_loaded)
{
	int r;

	if ((o->do_shutdown || o->do_exec) && lifecycle_loaded(ctx, false) != 1)
		return log_errno(&ctx->log, -ENOENT, "Nothing has been loaded!");
	if (o->do_exec && (r = exec_gate(ctx, o, just_loaded)) < 0)
		return r;
	if (o->do_shutdown) {
		execl("/sbin/shutdown", "shutdown", "-r", "now", (char *)NULL);
		r = -errno;
		log_errno(&ctx->log, r, "/sbin/shutdown: %s", strerror(-r));
		return r < 0 ? r : -EIO;
	}
	if (o->do_sync)
		sync();
	if (o->do_ifdown)
		interfaces_down(ctx);
	if (!o->do_exec)
		return 0;
	r = sys_reboot_kexec();
	/* only returns on failure */
	load_explain_errno(ctx, r, "reboot(LINUX_REBOOT_CMD_KEXEC)");
	return r < 0 ? r : -EIO;
}
