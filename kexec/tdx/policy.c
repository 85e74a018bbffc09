/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision (DESIGN.md "Decision for auto", first match wins) and what
 * a load does under --tdx=POLICY and --tdx-force.
 */
#include <errno.h>
#include <string.h>
#include <kexec-tdx/purgatory-abi.h>
#include "tdx.h"
#include "text.h"
#include "../log.h"

static const char *const decision_names[] = {
	[TDX_DECISION_PLAIN] = "plain",
	[TDX_DECISION_FLUSH] = "flush",
	[TDX_DECISION_CLEAR] = "clear",
	[TDX_DECISION_REFUSE] = "refuse",
};

static const char *const policy_names[] = {
	[TDX_POLICY_AUTO] = "auto",
	[TDX_POLICY_CLEAR] = "clear",
	[TDX_POLICY_FLUSH] = "flush",
	[TDX_POLICY_REFUSE] = "refuse",
	[TDX_POLICY_OFF] = "off",
};


const char *tdx_decision_name(enum tdx_decision d)
{
	return (unsigned)d < ARRAY_SIZE(decision_names) ? decision_names[d] : "?";
}

const char *tdx_policy_name(enum tdx_policy p)
{
	return (unsigned)p < ARRAY_SIZE(policy_names) ? policy_names[p] : "?";
}

int tdx_policy_from_name(const char *name, enum tdx_policy *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_names); i++)
		if (name && !strcmp(name, policy_names[i])) {
			*out = (enum tdx_policy)i;
			return 0;
		}
	return -EINVAL;
}

/* "2 TDs running (misc cgroup tdx=2) and 1 SEV guest running (misc cgroup sev=0, sev_es=1)" */
static void guests_sentence(const struct tdx_status *st, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (st->running_tds > 0)
		n = (size_t)snprintf(buf, size, "%ld TD%s running (misc cgroup tdx=%ld)", st->running_tds,
				     st->running_tds == 1 ? "" : "s", st->running_tds);
	if (st->running_sev_guests > 0 && n < size)
		snprintf(buf + n, size - n, "%s%ld SEV guest%s running (misc cgroup sev=%lld, sev_es=%lld)",
			 n ? " and " : "", st->running_sev_guests, st->running_sev_guests == 1 ? "" : "s",
			 st->misc.sev > 0 ? st->misc.sev : 0, st->misc.sev_es > 0 ? st->misc.sev_es : 0);
}

static bool tds_unknown(const struct tdx_status *st)
{
	return !st->tdx_guest && st->module_initialized && st->running_tds < 0;
}

static const char *evidence(const struct tdx_status *st)
{
	return st->module_evidence[0] ? st->module_evidence : "no evidence recorded";
}

bool tdx_kernel_refuses(const struct tdx_status *st)
{
	return st->kmsg.kexec_refusal_logged ||
	       (st->cpu.pw_mce && st->kernel.refuses_kexec_on_erratum == TDX_YES);
}

/* The kernel's own refusal on tdx_pw_mce (6.18-7.1): what says so, and the ways out. */
static void kernel_refusal_sentence(const struct tdx_status *st, char *buf, size_t size)
{
	snprintf(buf, size, "this kernel refuses every kexec and kdump load on a CPU with the tdx_pw_mce "
		 "erratum (%s), so the syscall would fail with EOPNOTSUPP; do a cold reboot, or boot a "
		 "kernel that disables the TDX module at kexec (tdx_sys_disable, mainline 7.2+)",
		 st->kmsg.kexec_refusal_logged ? "its log says \"kexec: Not allowed on platform with "
		 "tdx_pw_mce bug\"" : "/proc/kallsyms has the 6.18-7.1 kexec cache flush "
		 "without tdx_sys_disable");
}

/*
 * On a 7.2-style kernel: what its own TDH.SYS.DISABLE means for the clear.
 * --tdx=flush is named only when the module is known to support it
 * (kernel.c's table or the operator's statement); never on a guess.
 */
static void kernel_resets_sentence(const struct tdx_status *st, char *buf, size_t size)
{
	const char *ver = st->module_version[0] ? st->module_version : "(version unknown)";

	buf[0] = '\0';
	if (st->kernel.disables_tdx_module != TDX_YES)
		return;
	if (st->kmsg.tdh_sys_disable_failed)
		snprintf(buf, size, "; the kernel also disables the TDX module at kexec "
			 "(tdx_sys_disable), but the log says TDH.SYS.DISABLE failed: TDX module %s "
			 "does not support it, so the clear is needed", ver);
	else if (st->module_sys_disable == TDX_YES)
		snprintf(buf, size, "; the kernel also resets TDX memory at kexec (tdx_sys_disable) and "
			 "TDX module %s supports TDH.SYS.DISABLE (%s): --tdx=flush may skip the clear",
			 ver, st->module_sys_disable_source);
	else
		snprintf(buf, size, "; the kernel also disables the TDX module at kexec "
			 "(tdx_sys_disable), but whether TDX module %s supports TDH.SYS.DISABLE is not "
			 "known, so the clear stays", ver);
}

/* "a TDX module update is in progress (/sys/class/firmware/tdx_module/status: programming)" */
static void update_sentence(const struct tdx_status *st, char *buf, size_t size)
{
	snprintf(buf, size, "a TDX module update is in progress "
		 "(/sys/class/firmware/tdx_module/status: %s); a kexec now would interrupt it",
		 st->update.upload_status);
}

static bool in_guest(const struct tdx_status *st)
{
	return st->tdx_guest || st->kmsg.sev_guest;
}

/* The DESIGN.md table, without the fail-closed rule after it. */
static enum tdx_decision decide_table(const struct tdx_status *st, bool count_guests,
				      char *reason, size_t size)
{
	size_t n;

	if (st->tdx_guest) {
		snprintf(reason, size, "TDX guest (tdx_guest in the cpuinfo flags, or the kernel log): "
			 "kexec inside a TD needs nothing from this tool");
		return TDX_DECISION_PLAIN;
	}
	if (st->kmsg.sev_guest) {
		snprintf(reason, size, "AMD SEV guest (the kernel log's memory encryption features): "
			 "kexec inside the guest needs nothing from this tool");
		return TDX_DECISION_PLAIN;
	}
	if (count_guests && (st->running_tds > 0 || st->running_sev_guests > 0)) {
		guests_sentence(st, reason, size);
		return TDX_DECISION_REFUSE;
	}
	if (count_guests && st->update.in_progress) {
		update_sentence(st, reason, size);
		return TDX_DECISION_REFUSE;
	}
	/* DESIGN.md: the kernel itself would refuse (EOPNOTSUPP), whatever else holds */
	if (tdx_kernel_refuses(st)) {
		kernel_refusal_sentence(st, reason, size);
		return TDX_DECISION_REFUSE;
	}
	/*
	 * DESIGN.md: an unknown TD count on a host whose module is initialized
	 * is a reason to refuse unless --tdx-force.  It is part of the guest
	 * row, so that --tdx-status says what kexec -l would do.
	 */
	if (count_guests && tds_unknown(st)) {
		snprintf(reason, size, "the number of running TDs is unknown (no misc cgroup "
			 "misc.current) and the TDX module is initialized (%s)", evidence(st));
		return TDX_DECISION_REFUSE;
	}
	/* fail closed: unreadable CPU flags are no proof that this is not a TDX host */
	if (!st->cpuinfo_ok && !st->module_initialized) {
		snprintf(reason, size, "cannot tell whether this is a TDX host: %s",
			 st->cpuinfo_why[0] ? st->cpuinfo_why : "/proc/cpuinfo unusable");
		return TDX_DECISION_REFUSE;
	}
	if (!st->cpu.tdx_host_platform && !st->module_initialized) {
		n = (size_t)snprintf(reason, size,
				     "no tdx_host_platform flag and no sign of an initialized TDX module");
		if ((st->cpu.sev || st->cpu.sev_es || st->cpu.sev_snp) && n < size)
			snprintf(reason + n, size - n, "; AMD SEV%s host with %s SEV guests running",
				 st->cpu.sev_snp ? "-SNP" : "",
				 st->running_sev_guests < 0 ? "an unknown number of" : "no");
		return TDX_DECISION_PLAIN;
	}
	if (st->module_initialized && (st->cpu.pw_mce || !st->cpuinfo_ok)) {
		char resets[320];

		kernel_resets_sentence(st, resets, sizeof(resets));
		snprintf(reason, size, "TDX module initialized (%s) and %s: WBINVD and clear%s",
			 evidence(st), st->cpuinfo_ok ? "tdx_pw_mce erratum" :
			 "the CPU flags unknown, so the tdx_pw_mce erratum is assumed", resets);
		return TDX_DECISION_CLEAR;
	}
	if (st->module_initialized) {
		snprintf(reason, size, "TDX module initialized (%s), no tdx_pw_mce erratum: WBINVD",
			 evidence(st));
		return TDX_DECISION_FLUSH;
	}
	snprintf(reason, size, "TDX host platform (tdx_host_platform flag)%s, TDX module not "
		 "initialized: WBINVD", st->cpu.pw_mce ? " with the tdx_pw_mce erratum" : "");
	return TDX_DECISION_FLUSH;
}

/* "a clear is needed (WHY) but ..." when the ranges to clear are unknown. */
static void ranges_refusal(const struct tdx_status *st, const char *why, char *reason, size_t size)
{
	char copy[512];

	snprintf(copy, sizeof(copy), "%s", why);
	snprintf(reason, size, "a clear is needed (%s), but the memory to clear cannot be computed "
		 "(%s)", copy, st->private_why[0] ? st->private_why : "no private ranges");
}

enum tdx_decision tdx_decide(const struct tdx_status *st, bool count_guests,
			     char *reason, size_t size)
{
	char scratch[512];
	enum tdx_decision d;

	if (!reason) {
		reason = scratch;
		size = sizeof(scratch);
	}
	d = decide_table(st, count_guests, reason, size);
	/* DESIGN.md: never a clear of nothing */
	if (d == TDX_DECISION_CLEAR && !st->private_ok) {
		ranges_refusal(st, reason, reason, size);
		return TDX_DECISION_REFUSE;
	}
	return d;
}

static unsigned action_of(enum tdx_decision d)
{
	switch (d) {
	case TDX_DECISION_CLEAR: return KTDX_ACTION_CLEAR;
	case TDX_DECISION_FLUSH: return KTDX_ACTION_FLUSH;
	default: return KTDX_ACTION_NONE;
	}
}

/* The guest refusal (DESIGN.md: under every policy); 0 when no guest stands in the way. */
static int guests_check(const struct tdx_status *st, bool force, bool crash, struct kexec_log *log)
{
	char why[512];
	bool running = !in_guest(st) && (st->running_tds > 0 || st->running_sev_guests > 0);

	/*
	 * A crash kernel load destroys nothing (the panic does, with or
	 * without it), so -p is not refused: refusing would only leave the
	 * host without kdump.
	 */
	if (running) {
		const char *who = st->running_tds > 0 ? "TDs" : "guests";

		guests_sentence(st, why, sizeof(why));
		if (crash)
			log_info(log, "loading a crash kernel although %s", why);
		else if (!force)
			return log_errno(log, TDX_REFUSED, "refusing to kexec: %s, and kexec destroys them "
					 "without warning; shut the %s down, or use --tdx-force to "
					 "kexec anyway (they will be destroyed)", why, who);
		else
			log_warn(log, "*** --tdx-force: going on although %s; the kexec will DESTROY "
				 "them ***", why);
	} else if (tds_unknown(st) && !st->kmsg.sev_guest) {
		if (crash)
			log_info(log, "loading a crash kernel although the number of running TDs is "
				 "unknown");
		else if (!force)
			return log_errno(log, TDX_REFUSED, "refusing to kexec: the number of running TDs is "
					 "unknown (no misc cgroup misc.current under /sys/fs/cgroup) and "
					 "the TDX module is initialized (%s); shut the TDs down, or use "
					 "--tdx-force to kexec anyway (they will be destroyed)",
					 evidence(st));
		else
			log_warn(log, "*** --tdx-force: going on although the number of running TDs is "
				 "unknown; any running TD will be DESTROYED ***");
	}
	return 0;
}

/* What the decision asks of a load: its action, or for a refusal the flush the table allows. */
static unsigned fallback_action(enum tdx_decision base, enum tdx_decision table)
{
	if (base != TDX_DECISION_REFUSE)
		return action_of(base);
	/* refused for want of facts (the CPU flags, the memory to clear) */
	return table == TDX_DECISION_CLEAR ? KTDX_ACTION_FLUSH : KTDX_ACTION_NONE;
}

/*
 * The refusals no policy lifts: the kernel's own (--tdx-force cannot
 * change what the kernel does), running guests, WBINVD in a guest.
 */
static int refusals_check(const struct tdx_status *st, enum tdx_policy policy, bool force,
			  bool crash, struct kexec_log *log)
{
	char why[512];
	int r;

	/* machine_kexec_prepare refuses kexec_load and kexec_file_load, kdump too */
	if (tdx_kernel_refuses(st)) {
		kernel_refusal_sentence(st, why, sizeof(why));
		return log_errno(log, TDX_REFUSED, "refusing to %s: %s%s",
				 crash ? "load a crash kernel" : "kexec", why,
				 force ? " (--tdx-force cannot help: the kernel itself refuses)" : "");
	}
	if ((r = guests_check(st, force, crash, log)) < 0)
		return r;
	if (st->update.in_progress && !in_guest(st)) {
		update_sentence(st, why, sizeof(why));
		if (crash)
			log_info(log, "loading a crash kernel although %s", why);
		else if (!force)
			return log_errno(log, TDX_REFUSED, "refusing to kexec: %s; wait until the update "
					 "ends (status idle), or use --tdx-force to kexec anyway", why);
		else
			log_warn(log, "*** --tdx-force: going on although %s ***", why);
	}
	/* WBINVD raises #VE in a TD and #VC in a SEV-ES/SNP guest: the purgatory would die */
	if (in_guest(st) && (policy == TDX_POLICY_CLEAR || policy == TDX_POLICY_FLUSH))
		return log_errno(log, TDX_REFUSED, "refusing to kexec (--tdx=%s): this is a%s guest, "
				 "where WBINVD and the purgatory's own page tables fault; use --tdx=auto "
				 "or --tdx=off",
				 tdx_policy_name(policy), st->tdx_guest ? " TDX" : "n AMD SEV");
	return 0;
}

/* --tdx=auto: the decision; a refusal for want of facts yields to -p and --tdx-force. */
static int apply_auto(enum tdx_decision base, const char *base_why, unsigned fallback,
		      bool force, bool crash, struct kexec_log *log, unsigned *act)
{
	*act = fallback;
	if (base != TDX_DECISION_REFUSE)
		return 0;
	if (crash) {            /* a crash kernel never clears, so it needs no ranges */
		log_info(log, "loading a crash kernel although %s", base_why);
		return 0;
	}
	if (!force)
		return log_errno(log, TDX_REFUSED, "refusing to kexec: %s; do a cold reboot, or use "
				 "--tdx-force to kexec %s", base_why, fallback == KTDX_ACTION_FLUSH ?
				 "with WBINVD but without the clear" : "without WBINVD or clear");
	log_warn(log, "*** --tdx-force: going on although %s; memory that may hold TDX private data "
		 "will NOT be cleared ***", base_why);
	return 0;
}

/* --tdx=clear: a clear needs its memory; forced without it, WBINVD only. */
static int apply_clear(const struct tdx_status *st, bool force, bool crash, struct kexec_log *log,
		       unsigned *act)
{
	*act = KTDX_ACTION_CLEAR;
	if (st->private_ok || crash)    /* -p: made a flush by crash_action() */
		return 0;
	if (!force)
		return log_errno(log, TDX_REFUSED, "refusing to kexec (--tdx=clear): the memory to "
				 "clear cannot be computed (%s); do a cold reboot, or use --tdx-force to "
				 "kexec with WBINVD only", st->private_why);
	log_warn(log, "*** --tdx-force: --tdx=clear without the memory to clear (%s): WBINVD only, "
		 "NOTHING will be cleared ***", st->private_why);
	*act = KTDX_ACTION_FLUSH;
	return 0;
}

/* --tdx=refuse: only where nothing is to be done, unless forced. */
static int apply_refuse(enum tdx_decision base, const char *base_why, unsigned fallback,
			bool force, struct kexec_log *log, unsigned *act)
{
	if (base != TDX_DECISION_PLAIN) {
		if (!force)
			return log_errno(log, TDX_REFUSED, "refusing to kexec (--tdx=refuse): the decision "
					 "is %s (%s); do a cold reboot, or use --tdx-force to kexec anyway",
					 tdx_decision_name(base), base_why);
		log_warn(log, "*** --tdx-force: overriding --tdx=refuse (decision %s: %s) ***",
			 tdx_decision_name(base), base_why);
	}
	*act = fallback;
	return 0;
}

/*
 * DESIGN.md: the old kernel's memory is the dump, so a crash kernel (-p)
 * never clears; it flushes where a kexec would clear.  The one place
 * this rule lives.
 */
static unsigned crash_action(unsigned act, struct kexec_log *log)
{
	if (act != KTDX_ACTION_CLEAR)
		return act;
	log_info(log, "crash kernel (-p): WBINVD only, never a clear (the old memory is the dump)");
	return KTDX_ACTION_FLUSH;
}

int tdx_policy_apply(const struct tdx_status *st, enum tdx_policy policy, bool force,
		     bool crash, struct kexec_log *log, unsigned *action)
{
	char base_why[512], table_why[512];
	enum tdx_decision base = tdx_decide(st, false, base_why, sizeof(base_why));
	/* what the table alone says: CLEAR where only the ranges are missing */
	enum tdx_decision table = decide_table(st, false, table_why, sizeof(table_why));
	unsigned fallback = fallback_action(base, table), act = KTDX_ACTION_NONE;
	int r;

	if ((unsigned)policy >= ARRAY_SIZE(policy_names))
		return log_errno(log, -EINVAL, "--tdx: unknown policy %d", (int)policy);
	if ((r = refusals_check(st, policy, force, crash, log)) < 0)
		return r;
	switch (policy) {
	case TDX_POLICY_AUTO:
		r = apply_auto(base, base_why, fallback, force, crash, log, &act);
		break;
	case TDX_POLICY_CLEAR:
		r = apply_clear(st, force, crash, log, &act);
		break;
	case TDX_POLICY_FLUSH:
		act = KTDX_ACTION_FLUSH;
		break;
	case TDX_POLICY_OFF:
		act = KTDX_ACTION_NONE;
		break;
	case TDX_POLICY_REFUSE:
	default:
		r = apply_refuse(base, base_why, fallback, force, log, &act);
		break;
	}
	if (r < 0)
		return r;
	*action = crash ? crash_action(act, log) : act;
	return 0;
}

const char *tdx_action_name(int action)
{
	switch (action) {
	case KTDX_ACTION_NONE: return "none";
	case KTDX_ACTION_FLUSH: return "flush";
	case KTDX_ACTION_CLEAR: return "clear";
	default: return "refuse";
	}
}

/* Whether the TDX module supports TDH.SYS.DISABLE: the log, the table, the operator. */
static void sys_disable_settle(struct tdx_status *st, const struct tdx_status_opts *o)
{
	int known = tdx_module_sys_disable_known(st->module_version);

	st->module_sys_disable = TDX_UNKNOWN;
	st->module_sys_disable_source[0] = '\0';
	if (st->kmsg.tdh_sys_disable_failed) {
		st->module_sys_disable = TDX_NO;
		snprintf(st->module_sys_disable_source, sizeof(st->module_sys_disable_source),
			 "the kernel log: TDH.SYS.DISABLE failed");
	} else if (known != TDX_UNKNOWN) {
		st->module_sys_disable = known;
		snprintf(st->module_sys_disable_source, sizeof(st->module_sys_disable_source),
			 "the version table of kexec-tdx");
	} else if (o->sys_disable_stated != TDX_UNKNOWN) {
		st->module_sys_disable = o->sys_disable_stated;
		snprintf(st->module_sys_disable_source, sizeof(st->module_sys_disable_source),
			 "the operator: %.80s", o->sys_disable_where ? o->sys_disable_where :
			 "/etc/kexec-tdx.conf");
	}
}

/* st->action: what a load (and -e) does under the policy in force. */
/*
 * The load's package rule (cpus.c), said before the load: a flush or a
 * clear needs a CPU of every package to run WBINVD in the purgatory,
 * unless the running kernel flushes every CPU itself.
 */
static void package_rule_settle(struct tdx_status *st)
{
	char why[160];

	if ((st->action != KTDX_ACTION_FLUSH && st->action != KTDX_ACTION_CLEAR) ||
	    st->kernel.flushes_all_cpus == TDX_YES ||
	    !tdx_cpuinfo_packages_unknown(st->cpuinfo_ok ? &st->cpu : NULL, why, sizeof(why)))
		return;
	if (st->force) {
		tdx_warn(st, "--tdx-force: %s: a package no CPU of which flushed may write dirty private "
			 "cache lines over the new kernel's memory", why);
		return;
	}
	st->action = TDX_ACTION_REFUSE;
	snprintf(st->action_why, sizeof(st->action_why), "%s: the purgatory cannot make a CPU of every "
		 "package flush its caches, and the running kernel does not flush every CPU itself; "
		 "kexec -l refuses (--tdx-force overrides)", why);
}

static void action_settle(struct tdx_status *st)
{
	struct kexec_log quiet = { .out = NULL };
	unsigned act = KTDX_ACTION_NONE;

	st->action_why[0] = '\0';
	if (tdx_policy_apply(st, st->policy, st->force, false, &quiet, &act) < 0) {
		st->action = TDX_ACTION_REFUSE;
		snprintf(st->action_why, sizeof(st->action_why), "%s", quiet.last);
	} else {
		st->action = (int)act;
	}
	package_rule_settle(st);
}

void tdx_status_settle(struct tdx_status *st, const struct tdx_status_opts *o)
{
	st->nwarnings = st->nwarnings_detected;
	st->policy = o->policy;
	snprintf(st->policy_source, sizeof(st->policy_source), "%s",
		 o->policy_source && *o->policy_source ? o->policy_source : "default");
	st->force = o->force;
	sys_disable_settle(st, o);
	st->decision = tdx_decide(st, true, st->reason, sizeof(st->reason));
	action_settle(st);
	tdx_clear_assess(st, o->max_clear_cpus, o->measured_clear_bps);
	if (st->action == KTDX_ACTION_FLUSH && st->decision == TDX_DECISION_CLEAR)
		tdx_warn(st, "--tdx=%s: the clear that the tdx_pw_mce erratum needs is skipped%s",
			 tdx_policy_name(st->policy), st->module_sys_disable == TDX_YES ?
			 " (the kernel's TDH.SYS.DISABLE resets TDX memory instead)" :
			 "; a partial write to memory a TD used can raise a machine check in the new "
			 "kernel");
	if (st->action == KTDX_ACTION_NONE && st->decision != TDX_DECISION_PLAIN &&
	    st->decision != TDX_DECISION_REFUSE)
		tdx_warn(st, "--tdx=off: this host needs a %s (%s), which kexec will not do",
			 tdx_decision_name(st->decision), st->reason);
}

int tdx_status_check_code(const struct tdx_status *st)
{
	if (st->action != TDX_ACTION_REFUSE)
		return 0;
	/* refused on facts: guests, an update, the kernel itself, --tdx=refuse */
	if (st->running_tds > 0 || st->running_sev_guests > 0 || st->update.in_progress ||
	    tdx_kernel_refuses(st) || st->policy == TDX_POLICY_REFUSE)
		return 1;
	/* refused for want of them: the CPU flags, the TD count, the memory to clear */
	if (!st->cpuinfo_ok || tds_unknown(st) || !st->private_ok)
		return 2;
	return 1;
}
