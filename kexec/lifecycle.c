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
#include "announce.h"
#include "cmdline.h"
#include "cpus.h"
#include "lifecycle.h"
#include "load.h"
#include "memmap.h"
#include "syscall.h"
#include "tdx/lastclear.h"
#include "tdx/metrics.h"
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

/* What the jump does, for its line and the system log (exec_gate()). */
struct jump_facts {
	enum tdx_decision decision;
	unsigned action;                /* the loaded image's (KTDX_ACTION_*) */
	uint64_t bytes;                 /* what a clear clears */
	unsigned cpus;                  /* CPUs that flush and clear, 0 unknown */
	uint64_t rate_bps;              /* the clear's rate, as the status estimates it */
	char kernel[4096];              /* "" unknown (no record) */
};

/* The last kexec's measured clear rate on this host (last-report.json), 0 when none. */
static uint64_t measured_rate(const struct tdx_last_clear *last)
{
	double r = last ? tdx_last_clear_rate(last) : 0;

	return r > 0 ? (uint64_t)r : 0;
}

/*
 * have: the loaded image's record; without one (another tool loaded it)
 * it does nothing.  The CPUs and the rate are the status's own
 * (tdx_clear_cpus(), tdx_clear_rate()), so the line and --tdx-status agree.
 */
static void jump_facts_fill(const struct kexec_options *o, const struct tdx_status *st,
			    const struct kexec_record *have, const struct tdx_last_clear *last,
			    struct jump_facts *j)
{
	unsigned packages = 1;

	*j = (struct jump_facts){
		.decision = st->decision, .action = have ? have->action : KTDX_ACTION_NONE,
		.bytes = rangeset_bytes(&st->private_ranges),
	};
	if (st->cpuinfo_ok)
		j->cpus = tdx_clear_cpus(&st->cpu, o->tdx_cpus, &packages);
	j->rate_bps = tdx_clear_rate(j->cpus ? j->cpus : 1, packages, measured_rate(last));
	if (have)
		snprintf(j->kernel, sizeof(j->kernel), "%s", have->kernel);
}

static void jump_line(const struct jump_facts *j, char *buf, size_t size)
{
	announce_jump_line(j->action, j->bytes, j->cpus, tdx_clear_estimate_s(j->bytes, j->rate_bps),
			   buf, size);
}

/*
 * --format=oneline: the line -e would print before the jump, or why -e
 * would not jump (the guard prints it as the last line before reboot(2)).
 */
static int status_oneline(const struct kexec_options *o, const struct tdx_status *st,
			  const struct tdx_last_clear *last)
{
	const struct record_image *img = &st->loaded->kexec;
	struct jump_facts *j = calloc(1, sizeof(*j));
	char line[256];

	if (!j)
		return -ENOMEM;
	if (st->decision == TDX_DECISION_REFUSE) {
		printf("kexec is refused: %s\n", st->reason);
	} else if (img->loaded == 0) {
		printf("no kexec image is loaded\n");
	} else if (img->loaded < 0 && img->recorded <= 0) {
		printf("unknown whether a kexec image is loaded (/sys/kernel/kexec_loaded unreadable)\n");
	} else if (img->verdict != RECORD_OK) {
		printf("%s\n", img->message);
	} else {
		jump_facts_fill(o, st, img->recorded > 0 ? &img->rec : NULL, last, j);
		jump_line(j, line, sizeof(line));
		printf("%s\n", line);
	}
	free(j);
	return fflush(stdout) == EOF ? -EIO : 0;
}

/* --format=prometheus; last: the last kexec's clear, NULL when none is kept. */
static int status_metrics(const struct tdx_status *st, const struct tdx_last_clear *last)
{
	const struct tdx_metrics_input in = {
		.st = st, .version = PACKAGE_VERSION, .action = tdx_action_name(st->action),
		.last = last,
	};

	return tdx_metrics_write(&in, stdout);
}

/*
 * For --tdx-status: the system call a plain `kexec -l` (no -s/-c/-a, no
 * --tdx-force) uses now, in st->syscall (NULL: it is refused), and the
 * KHO warning when that loses live-update state (after
 * tdx_status_settle(), which resets the warnings to the detected ones).
 */
static void plain_load_syscall(struct tdx_status *st, enum tdx_policy policy)
{
	const struct kexec_options plain = { .syscall = SYSCALL_DEFAULT, .tdx_policy = policy };
	struct kexec_log quiet = { .out = NULL };
	struct syscall_facts f;
	enum kexec_syscall_choice sc;
	char warning[512];
	unsigned action;

	st->syscall = NULL;
	if (tdx_policy_apply(st, policy, false, false, &quiet, &action) < 0)
		return;
	lifecycle_syscall_facts(&plain, st, action, &f);
	if (syscall_choose(&f, &sc, &quiet) < 0)
		return;
	st->syscall = sc == SYSCALL_LOAD ? "kexec_load" : "kexec_file_load";
	if (syscall_kho_warning(&f, sc, warning, sizeof(warning)))
		tdx_warn(st, "%s", warning);
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
	};
	struct tdx_last_clear last;
	bool have_last = tdx_last_clear_read(ctx->sr, &ctx->log, &last) > 0;
	int r = tdx_detect(ctx->sr, &ctx->log, &st);

	if (r == 0) {
		/* this host's own rate, measured at its last kexec, beats the model */
		so.measured_clear_bps = measured_rate(have_last ? &last : NULL);
		tdx_status_settle(&st, &so);
		plain_load_syscall(&st, st.policy);
		record_loaded_read(ctx->sr, &ctx->log, &st, o->tdx_policy, lifecycle_loaded(ctx, false),
				   lifecycle_loaded(ctx, true), &loaded);
		st.loaded = &loaded;
		if (o->check)       /* a loaded image that -e would refuse: refused too */
			r = tdx_status_check_code(&st) ?: (loaded.kexec.loaded > 0 &&
							  loaded.kexec.verdict != RECORD_OK);
		else if (o->prometheus)
			r = status_metrics(&st, have_last ? &last : NULL);
		else if (o->oneline)
			r = status_oneline(o, &st, have_last ? &last : NULL);
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

/* The option given that only our loader does (syscall.h), or NULL. */
static const char *own_loader_option(const struct kexec_options *o)
{
	/* --type: only our loader checks the format (kexec_file_load takes what the kernel takes) */
	return o->console_serial ? "--console-serial" : o->mem_min ? "--mem-min" :
	       o->mem_max ? "--mem-max" : o->type ? "--type" : NULL;
}

void lifecycle_syscall_facts(const struct kexec_options *o, const struct tdx_status *st,
			     unsigned action, struct syscall_facts *f)
{
	*f = (struct syscall_facts){
		.asked = o->syscall, .lockdown = st->lockdown, .action = action,
		.policy = o->tdx_policy, .reason = st->reason, .crash = o->crash, .force = o->tdx_force,
		.kernel_flushes = st->kernel.flushes_all_cpus == TDX_YES,
		.own_loader = own_loader_option(o), .kho = &st->kho,
	};
}

/* The system call syscall_choose() picks; *file_syscall: the kernel's purgatory runs. */
static int load_syscall(struct kexec_ctx *ctx, const struct kexec_options *o,
			const struct tdx_status *st, struct load_request *req, bool *file_syscall)
{
	struct syscall_facts facts;
	enum kexec_syscall_choice sc;
	int r;

	lifecycle_syscall_facts(o, st, req->action, &facts);
	if ((r = syscall_choose(&facts, &sc, &ctx->log)) < 0)
		return r;
	if (sc == SYSCALL_FILE || sc == SYSCALL_AUTO) {
		if ((r = load_file_precheck(ctx, req)) < 0)
			return r;
		req->file_fallback = sc == SYSCALL_AUTO;
		r = load_with_file_syscall(ctx, req);
		if (sc == SYSCALL_FILE || !syscall_file_fallback(r)) {
			*file_syscall = true;
			return r;
		}
		/* kexec-tools falls back without a word; KHO state is lost here: say so */
		if (st->kho.active)
			log_warn(&ctx->log, "kexec_file_load refused the image (%s); falling back to "
				 "kexec_load, which drops what Kexec HandOver / live update hands over (%s)",
				 strerror(-r), st->kho.evidence);
		else
			log_debug(&ctx->log, "kexec_file_load: %s; falling back to kexec_load", strerror(-r));
	}
	/* kexec-tools passes KEXEC_UPDATE_ELFCOREHDR there; our elfcorehdr has no room to grow */
	if (o->hotplug && o->crash)
		log_warn(&ctx->log, "--hotplug: loaded with kexec_load, the kernel does not update this "
			 "crash kernel on CPU or memory hotplug; reload it after one");
	return load_with_purgatory(ctx, req);
}

/* The system-log line of a load or of its refusal (not of the kernel's errors: they say so). */
static void load_announce(struct kexec_ctx *ctx, const struct kexec_options *o,
			  const struct tdx_status *st, int r, unsigned action)
{
	struct announce_event ev = {
		.what = o->crash ? "crash load" : "load", .decision = st->decision,
		.action = record_action_name(action), .kernel = o->kernel, .why = st->reason,
	};

	if (r == TDX_REFUSED) {
		ev.what = o->crash ? "crash load refused" : "load refused";
		ev.action = "refuse";
		ev.why = ctx->log.last;
	} else if (r < 0) {
		return;
	}
	announce_syslog(ctx->sr, &ev);
}

int lifecycle_load(struct kexec_ctx *ctx, const struct kexec_options *o, struct kexec_record *rec)
{
	struct tdx_status st = { 0 };
	struct cpus_plan cpus;
	struct mem_plan mp = { 0 };
	struct load_request req = {
		.kernel = o->kernel, .initrd = o->initrd, .type = o->type, .crash = o->crash,
		.no_checks = o->no_checks, .serial_debug = o->console_serial,
		.mem_min = o->mem_min, .mem_max = o->mem_max, .mem = &mp, .no_cma = o->no_cma,
		.file_debug = o->debug,
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
	load_announce(ctx, o, &st, r, file_syscall ? KTDX_ACTION_NONE : req.action);
	free(cmdline);
	tdx_status_free(&st);
	mem_plan_free(&mp);
	return r;
}

/* As kexec-tools 2.0.32: kexec_file_load first unless -c, kexec_load where it is missing. */
static int unload(struct kexec_ctx *ctx, const struct kexec_options *o)
{
	int r;

	if (o->syscall != SYSCALL_LOAD) {
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
		     const struct kexec_record *just_loaded, struct jump_facts *jump)
{
	struct tdx_status st = { 0 };
	struct mem_plan mp = { 0 };
	struct kexec_record rec;
	const struct kexec_record *have = just_loaded;
	struct plan_digest now;
	struct tdx_last_clear last;
	struct kexec_log quiet = { 0 };
	bool have_last;
	char why[512];
	unsigned needed = KTDX_ACTION_NONE;
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
	/* a missing or unreadable last report only costs the estimate its measured rate */
	have_last = tdx_last_clear_read(ctx->sr, &quiet, &last) > 0;
	jump_facts_fill(o, &st, have, have_last ? &last : NULL, jump);
out:
	if (r == TDX_REFUSED)
		announce_syslog(ctx->sr, &(struct announce_event){
			.what = "exec refused", .decision = st.decision, .action = "refuse",
			.why = ctx->log.last });
	tdx_status_free(&st);
	mem_plan_free(&mp);
	return r;
}

/*
 * The last words before the jump: the system-log line, and on the
 * terminal what happens next and how long it takes (DESIGN.md: the
 * console is quiet through the clear); the estimate prefers this host's
 * rate measured at its last kexec (last-report.json), as --tdx-status does.
 */
static void jump_announce(struct kexec_ctx *ctx, const struct jump_facts *j)
{
	char line[256];

	announce_syslog(ctx->sr, &(struct announce_event){
		.what = "exec", .decision = j->decision, .action = record_action_name(j->action),
		.kernel = j->kernel });
	jump_line(j, line, sizeof(line));
	log_info(&ctx->log, "kexec: %s", line);
	announce_console(ctx->sr, line);
}

int lifecycle_boot(struct kexec_ctx *ctx, const struct kexec_options *o,
		   const struct kexec_record *just_loaded)
{
	struct jump_facts jump;
	int r;

	if ((o->do_shutdown || o->do_exec) && lifecycle_loaded(ctx, false) != 1)
		return log_errno(&ctx->log, -ENOENT, "Nothing has been loaded!");
	if (o->do_exec && (r = exec_gate(ctx, o, just_loaded, &jump)) < 0)
		return r;
	if (o->do_shutdown) {
		execl("/sbin/shutdown", "shutdown", "-r", "now", (char *)NULL);
		r = -errno;
		log_errno(&ctx->log, r, "/sbin/shutdown: %s", strerror(-r));
		return r < 0 ? r : -EIO;
	}
	/* before the network goes down: an operator on ssh sees it too */
	if (o->do_exec)
		jump_announce(ctx, &jump);
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
