/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <kexec-tdx/purgatory-abi.h>
#include <stdio.h>
#include "lockdown.h"
#include "syscall.h"

int sys_kexec_load(uint64_t entry, const struct segments *segs, unsigned long flags)
{
	struct kexec_segment ks[KEXEC_MAX_SEGMENTS];

	for (size_t i = 0; i < segs->n; i++)
		ks[i] = (struct kexec_segment){
			.buf = segs->v[i].buf, .bufsz = segs->v[i].buf ? segs->v[i].bufsz : 0,
			.mem = (const void *)(uintptr_t)segs->v[i].mem, .memsz = segs->v[i].memsz,
		};
	if (syscall(SYS_kexec_load, (unsigned long)entry, (unsigned long)segs->n, ks,
		    flags | KEXEC_ARCH_X86_64) < 0)
		return -errno;
	return 0;
}

int sys_kexec_unload(unsigned long flags)
{
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL, flags | KEXEC_ARCH_X86_64) < 0)
		return -errno;
	return 0;
}

int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	unsigned long len = cmdline ? strlen(cmdline) + 1 : 0;

	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, cmdline, flags) < 0)
		return -errno;
	return 0;
}

int sys_reboot_kexec(void)
{
	if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_KEXEC, NULL) < 0)
		return -errno;
	return 0;
}

/* Lockdown forbids kexec_load: under -a or the default, go kexec_file_load unless a clear is needed. */
static int choose_under_lockdown(const struct syscall_facts *f, enum kexec_syscall_choice *sc,
				 struct kexec_log *log)
{
	if (!lockdown_forbids_kexec_load(f->lockdown) || (*sc != SYSCALL_DEFAULT && *sc != SYSCALL_AUTO))
		return 0;
	if (f->action == KTDX_ACTION_CLEAR && !f->force)
		return log_errno(log, TDX_REFUSED,
				 "kernel lockdown (%s) forbids kexec_load, and only this tool's purgatory, "
				 "loaded with kexec_load, can clear TDX private memory (%s). Do a cold "
				 "reboot, or add --tdx-force to load with kexec_file_load without the clear.",
				 f->lockdown, f->policy == TDX_POLICY_CLEAR ? "--tdx=clear" : f->reason);
	log_info(log, "kernel lockdown (%s) forbids kexec_load: loading with kexec_file_load",
		 f->lockdown);
	*sc = SYSCALL_FILE;
	return 0;
}

/* kexec_file_load runs the kernel's purgatory: no flush, no clear (refused without --tdx-force). */
static int check_file_syscall(const struct syscall_facts *f, struct kexec_log *log)
{
	const char *why = f->policy == TDX_POLICY_CLEAR ? "--tdx=clear" :
			  f->policy == TDX_POLICY_FLUSH ? "--tdx=flush" : f->reason;

	if (f->action == KTDX_ACTION_NONE || f->crash ||
	    (f->action == KTDX_ACTION_FLUSH && f->kernel_flushes))
		return 0;

	if (f->action == KTDX_ACTION_CLEAR && !f->force)
		return log_errno(log, TDX_REFUSED,
				 "-s (kexec_file_load) runs the kernel's own purgatory, which cannot clear "
				 "TDX private memory, and a clear is called for (%s). Leave out -s, or "
				 "add --tdx-force to load without the clear.", why);
	if (f->action == KTDX_ACTION_CLEAR)
		log_warn(log, "*** --tdx-force: loading with -s although a clear is called for "
			 "(%s): memory that may hold TDX private data will NOT be cleared ***", why);
	else
		log_warn(log, "-s: the kernel's purgatory does not do the WBINVD asked for (%s)", why);
	return 0;
}

bool syscall_needs_purgatory(const struct syscall_facts *f)
{
	return f->action == KTDX_ACTION_CLEAR || f->own_loader ||
	       (f->action == KTDX_ACTION_FLUSH && !f->kernel_flushes);
}

int syscall_choose(const struct syscall_facts *f, enum kexec_syscall_choice *out,
		   struct kexec_log *log)
{
	enum kexec_syscall_choice sc = f->asked;
	char kho[1024];
	int r;

	if ((r = choose_under_lockdown(f, &sc, log)) < 0)
		return r;
	if (sc == SYSCALL_FILE && (r = check_file_syscall(f, log)) < 0)
		return r;
	/* kexec-tools >= 2.0.27: -a is the default; only our purgatory flushes and clears */
	if (sc == SYSCALL_DEFAULT || sc == SYSCALL_AUTO)
		sc = syscall_needs_purgatory(f) ? SYSCALL_LOAD : SYSCALL_AUTO;
	if (syscall_kho_warning(f, sc, kho, sizeof(kho)))
		log_warn(log, "%s", kho);
	*out = sc;
	return 0;
}

bool syscall_file_fallback(int r)
{
	/* ENOTSUP and EOPNOTSUPP are one value on Linux */
	return r == -ENOSYS || r == -EINVAL || r == -ENOEXEC || r == -ENOTSUP;
}

/* Why this load goes through kexec_load, and the ways out; short: the line must fit a status warning. */
static void kho_why(const struct syscall_facts *f, const char **why, const char **what,
		    const char **ways)
{
	*what = "";
	if (f->asked == SYSCALL_LOAD) {
		*why = "-c asks for it";
		*ways = "leave out -c";
	} else if (f->action == KTDX_ACTION_CLEAR) {
		*why = "only this tool's purgatory clears TDX private memory";
		*ways = "none that also clears; save that state another way first, or do a cold "
			"reboot (it loses the state too)";
	} else if (f->action == KTDX_ACTION_FLUSH && !f->kernel_flushes) {
		*why = "the running kernel does not flush every CPU at kexec itself";
		*ways = "kexec from a kernel that does (tdx_cpu_flush_cache, 6.18+), or a cold reboot";
	} else {
		*why = "only this tool's loader does ";
		*what = f->own_loader ? f->own_loader : "?";
		*ways = "leave that option out";
	}
}

bool syscall_kho_warning(const struct syscall_facts *f, enum kexec_syscall_choice sc,
			 char *buf, size_t size)
{
	const char *why, *what, *ways;

	if (size)
		buf[0] = '\0';
	if (!f->kho || !f->kho->active || sc != SYSCALL_LOAD)
		return false;
	kho_why(f, &why, &what, &ways);
	snprintf(buf, size, "KHO / live update is on (%s), but this load uses kexec_load (%s%s), "
		 "which does not pass on what KHO hands over: preserved memfds and systemd's fd "
		 "stores are LOST in the new kernel. Ways out: %s.", f->kho->evidence, why, what, ways);
	return true;
}
