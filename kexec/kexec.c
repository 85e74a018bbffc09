/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-tdx: main() parses the options once, builds the context and
 * dispatches.  Only main() decides the exit code.
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
#include "conffile.h"
#include "ctx.h"
#include "cpus.h"
#include "load.h"
#include "memmap.h"
#include "options.h"
#include "record.h"
#include "syscall.h"
#include "text.h"
#include "tdx/report.h"
#include "tdx/tdx.h"

/* Is an image of this kind loaded?  1 yes, 0 no, -errno unknown. */
static int kexec_loaded(struct kexec_ctx *ctx, bool crash)
{
	char *buf;
	size_t len;
	int r = sysroot_read(ctx->sr, crash ? "sys/kernel/kexec_crash_loaded" : "sys/kernel/kexec_loaded",
			     64, &buf, &len);

	if (r < 0)
		return r;
	r = buf[0] == '1';
	free(buf);
	return r;
}

/* The running kernel's command line without BOOT_IMAGE= (and crashkernel= for -p). */
static char *reuse_cmdline(struct kexec_ctx *ctx, bool crash)
{
	const char *const drop[] = { "BOOT_IMAGE=", crash ? "crashkernel=" : NULL, NULL };
	char *buf, *text, *out = NULL;
	size_t len;

	if (sysroot_read(ctx->sr, "proc/cmdline", 65536, &buf, &len) < 0)
		return NULL;
	if (text_dup(buf, len, "/proc/cmdline", &ctx->log, &text) == 0)
		text_cmdline_edit(text, drop, NULL, &out);
	free(buf);
	free(text);
	return out;
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

static int print_crash_size(struct kexec_ctx *ctx)
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
 * The TDX part of a load or an exec: detect, apply the policy.  Fills
 * *action; -EPERM when refused (one line logged).
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

static int do_load(struct kexec_ctx *ctx, const struct kexec_options *o, struct kexec_record *rec)
{
	struct tdx_status st = { 0 };
	struct tdx_cpuinfo cpu;
	struct cpus_plan cpus;
	struct mem_plan mp = { 0 };
	struct load_request req = {
		.kernel = o->kernel, .initrd = o->initrd, .type = o->type, .crash = o->crash,
		.no_checks = o->no_checks, .serial_debug = o->console_serial,
		.mem_min = o->mem_min, .mem_max = o->mem_max, .mem = &mp,
	};
	char *cmdline = NULL;
	enum kexec_syscall_choice sc = o->syscall;
	bool file_syscall = false;
	int r;

	/* one read of the firmware map and /proc/iomem for detection and load */
	if ((r = mem_plan_read(ctx->sr, &ctx->log, &mp)) < 0 ||
	    (r = tdx_gate(ctx, o, &mp, &st, &req.action)) < 0)
		goto out;
	req.private_ranges = &st.private_ranges;
	/* the purgatory's SHA-256 and clear paths; unreadable: the portable ones */
	if (req.action != KTDX_ACTION_NONE && tdx_cpuinfo_read(ctx->sr, &ctx->log, &cpu) == 0)
		req.cpu = &cpu;
	/* the other CPUs: each flushes, and clears a share (DESIGN.md "Purgatory", step 4) */
	if (req.action != KTDX_ACTION_NONE) {
		if ((r = cpus_plan_build(req.cpu, st.kmsg.tsc_khz, o->tdx_cpus, o->tdx_debug_apic_ids,
					 &cpus, &ctx->log)) < 0)
			goto out;
		req.cpus = &cpus;
	}
	if (o->reuse_cmdline) {
		char *base = reuse_cmdline(ctx, o->crash);

		if (!base) {
			r = log_errno(&ctx->log, -EIO, "/proc/cmdline: cannot read it for --reuse-cmdline");
			goto out;
		}
		if (o->append && asprintf(&cmdline, "%s %s", base, o->append) < 0)
			cmdline = NULL;
		else if (!o->append)
			cmdline = base, base = NULL;
		free(base);
		if (!cmdline) {
			r = -ENOMEM;
			goto out;
		}
		req.cmdline = cmdline;
	} else {
		req.cmdline = o->append;
	}

	/*
	 * Lockdown (integrity or confidentiality) forbids kexec_load; only
	 * kexec_file_load with a signed kernel is left.  Without an explicit
	 * -c, go that way, unless a clear is called for: only our purgatory
	 * clears, so that is refused here with the reason (--tdx-force
	 * overrides, through the -s check below).
	 */
	if (st.lockdown[0] && strcmp(st.lockdown, "none") &&
	    (sc == SYSCALL_DEFAULT || sc == SYSCALL_AUTO)) {
		if (req.action == KTDX_ACTION_CLEAR && !o->crash && !o->tdx_force) {
			r = log_errno(&ctx->log, TDX_REFUSED,
				      "kernel lockdown (%s) forbids kexec_load, and only this tool's purgatory, "
				      "loaded with kexec_load, can clear TDX private memory (%s). Do a cold "
				      "reboot, or add --tdx-force to load with kexec_file_load without the clear.",
				      st.lockdown, o->tdx_policy == TDX_POLICY_CLEAR ? "--tdx=clear" : st.reason);
			goto out;
		}
		log_info(&ctx->log, "kernel lockdown (%s) forbids kexec_load: loading with kexec_file_load",
			 st.lockdown);
		sc = SYSCALL_FILE;
	}
	if (sc == SYSCALL_FILE && req.action != KTDX_ACTION_NONE && !o->crash) {
		const char *why = o->tdx_policy == TDX_POLICY_CLEAR ? "--tdx=clear" :
				  o->tdx_policy == TDX_POLICY_FLUSH ? "--tdx=flush" : st.reason;

		if (req.action == KTDX_ACTION_CLEAR && !o->tdx_force) {
			r = log_errno(&ctx->log, TDX_REFUSED,
				      "-s (kexec_file_load) runs the kernel's own purgatory, which cannot clear "
				      "TDX private memory, and a clear is called for (%s). Leave out -s, or "
				      "add --tdx-force to load without the clear.", why);
			goto out;
		}
		if (req.action == KTDX_ACTION_CLEAR)
			log_warn(&ctx->log, "*** --tdx-force: loading with -s although a clear is called for "
				 "(%s): memory that may hold TDX private data will NOT be cleared ***", why);
		else
			log_warn(&ctx->log, "-s: the kernel's purgatory does not do the WBINVD asked for (%s)",
				 why);
	}
	if (sc == SYSCALL_AUTO && req.action != KTDX_ACTION_NONE)
		sc = SYSCALL_LOAD;      /* only our purgatory flushes and clears */
	if (sc == SYSCALL_FILE || sc == SYSCALL_AUTO) {
		r = load_with_file_syscall(ctx, &req);
		if (sc == SYSCALL_FILE || !(r == -ENOSYS || r == -EINVAL || r == -ENOEXEC || r == -ENOTSUP)) {
			file_syscall = true;
			goto done;
		}
		log_info(&ctx->log, "kexec_file_load failed, falling back to kexec_load");
	}
	r = load_with_purgatory(ctx, &req);
done:
	if (r == 0)
		record_load(ctx, o, &st, req.action, file_syscall, rec);
out:
	free(cmdline);
	tdx_status_free(&st);
	mem_plan_free(&mp);
	return r;
}

static int do_unload(struct kexec_ctx *ctx, const struct kexec_options *o)
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

/* -u: the unload, then its record (a record left behind would describe the next image) */
static int do_unload_and_record(struct kexec_ctx *ctx, const struct kexec_options *o)
{
	int r = do_unload(ctx, o);

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
out:
	tdx_status_free(&st);
	mem_plan_free(&mp);
	return r;
}

int main(int argc, char **argv)
{
	struct kexec_ctx ctx = { .log = { .out = stderr, .level = LOG_INFO } };
	struct kexec_options o;
	struct kexec_record loaded_now;
	int r, ret = 0;

	if (options_parse(argc, argv, &o, &ctx.log) < 0) {
		fputs("Try 'kexec --help' for more information.\n", stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("%s %s (kexec-tools compatible kexec for x86_64 with TDX support)\n",
		       PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (o.debug)
		ctx.log.level = LOG_DEBUG;
	ctx.opts = &o;
	r = sysroot_open(o.sysroot, &ctx.sr);
	if (r < 0) {
		log_errno(&ctx.log, r, "--sysroot=%s: %s", o.sysroot, strerror(-r));
		return EXIT_FAIL;
	}
	/*
	 * The policy: --tdx, KEXEC_TDX_POLICY, /etc/kexec-tdx.conf, auto.  A
	 * broken file stops every run that applies a policy, before any load.
	 */
	struct policy_choice policy = { .policy = o.tdx_policy, .source = "default" };

	if ((o.tdx_status || ((o.do_load || o.do_exec) && !o.tdx_report && !o.print_ckr_size)) &&
	    config_choose_policy(ctx.sr, &ctx.log, o.tdx_policy_given, o.tdx_policy,
				 getenv("KEXEC_TDX_POLICY"), &policy) < 0) {
		ret = EXIT_FAIL;
		goto out;
	}
	o.tdx_policy = policy.policy;

	if (o.tdx_status) {
		struct tdx_status st = { 0 };
		struct record_loaded loaded;

		r = tdx_detect(ctx.sr, &ctx.log, &st);
		st.policy = policy.policy;
		snprintf(st.policy_source, sizeof(st.policy_source), "%s", policy.source);
		if (r == 0) {
			record_loaded_read(ctx.sr, &ctx.log, &st, o.tdx_policy, kexec_loaded(&ctx, false),
					   kexec_loaded(&ctx, true), &loaded);
			st.loaded = &loaded;
			r = tdx_status_print(&st, stdout, o.json);
		}
		tdx_status_free(&st);
		ret = r < 0 ? EXIT_FAIL : 0;
		goto out;
	}
	if (o.tdx_report) {
		ret = tdx_report_print(ctx.sr, &ctx.log, stdout, o.json) < 0 ? EXIT_FAIL : 0;
		goto out;
	}
	if (o.print_ckr_size) {
		ret = print_crash_size(&ctx) < 0 ? EXIT_FAIL : 0;
		goto out;
	}
	if (o.do_status) {
		/*
		 * As kexec-tools: the crash image unless -l was given; exit 1 when
		 * loaded, 0 when not.  A file that cannot be read is neither: 255.
		 */
		const char *f = o.opt_load ? "sys/kernel/kexec_loaded" : "sys/kernel/kexec_crash_loaded";
		char path[4096];

		r = kexec_loaded(&ctx, !o.opt_load);
		if (r < 0)
			log_errno(&ctx.log, r, "%s: %s", sysroot_path(ctx.sr, f, path, sizeof(path)),
				  strerror(-r));
		ret = r < 0 ? EXIT_LOAD_FAIL : r > 0 ? 1 : 0;
		goto out;
	}
	if (o.do_unload && do_unload_and_record(&ctx, &o) < 0) {
		ret = EXIT_LOAD_FAIL;
		goto out;
	}
	if (o.do_load) {
		r = do_load(&ctx, &o, &loaded_now);
		if (r < 0) {
			/* our own refusals exit 1; the kernel's errors (EPERM too) 255, as --help says */
			ret = r == TDX_REFUSED ? EXIT_FAIL : EXIT_LOAD_FAIL;
			goto out;
		}
	}
	if ((o.do_shutdown || o.do_exec) && kexec_loaded(&ctx, false) != 1) {
		log_errno(&ctx.log, -ENOENT, "Nothing has been loaded!");
		ret = EXIT_FAIL;
		goto out;
	}
	if (o.do_exec && exec_gate(&ctx, &o, o.do_load ? &loaded_now : NULL) < 0) {
		ret = EXIT_FAIL;
		goto out;
	}
	if (o.do_shutdown) {
		execl("/sbin/shutdown", "shutdown", "-r", "now", (char *)NULL);
		log_errno(&ctx.log, -errno, "/sbin/shutdown: %s", strerror(errno));
		ret = EXIT_FAIL;
		goto out;
	}
	if (o.do_sync)
		sync();
	if (o.do_ifdown)
		interfaces_down(&ctx);
	if (o.do_exec) {
		r = sys_reboot_kexec();
		/* only returns on failure */
		load_explain_errno(&ctx, r, "reboot(LINUX_REBOOT_CMD_KEXEC)");
		ret = EXIT_FAIL;
	}
out:
	sysroot_free(ctx.sr);
	return ret;
}
