/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The three system calls, behind one thin shim (STYLE.md 9). All return
 * 0 or -errno.  And the choice between kexec_load and kexec_file_load: a
 * pure function of the facts (-s/-c/-a, kernel lockdown, what TDX asks).
 */
#ifndef KEXEC_SYSCALL_H
#define KEXEC_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kexec.h>
#include "kho.h"
#include "log.h"
#include "segments.h"
#include "tdx/tdx.h"

enum kexec_syscall_choice {
	SYSCALL_DEFAULT,        /* none of -s/-c/-a: as -a where our purgatory is not needed */
	SYSCALL_LOAD,           /* -c */
	SYSCALL_FILE,           /* -s */
	SYSCALL_AUTO,           /* -a: file load first, kexec_load as fallback */
};

/*
 * kexec_file_load: do not place the image in CMA (include/uapi/linux/kexec.h,
 * "kexec: enable CMA based contiguous allocation"); kexec-tools' --no-cma.
 * An older kernel rejects the unknown flag with EINVAL.
 */
#ifndef KEXEC_FILE_NO_CMA
#define KEXEC_FILE_NO_CMA 0x00000010
#endif

/*
 * kexec_file_load: the kernel logs the steps of the load (6.7+, "kexec_file:
 * add kexec_file flag to control debug printing"); kexec-tools sets it with
 * -d.  An older kernel rejects the unknown flag with EINVAL.
 */
#ifndef KEXEC_FILE_DEBUG
#define KEXEC_FILE_DEBUG 0x00000008
#endif

int sys_kexec_load(uint64_t entry, const struct segments *segs, unsigned long flags);

int sys_kexec_unload(unsigned long flags);
int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
int sys_reboot_kexec(void);

/* What the choice of a load's system call depends on. */
struct syscall_facts {
	enum kexec_syscall_choice asked;        /* -s, -c, -a, or SYSCALL_DEFAULT */
	const char *lockdown;                   /* lockdown.h mode, "" unknown */
	unsigned action;                        /* KTDX_ACTION_*: what TDX calls for */
	enum tdx_policy policy;                 /* the policy in force (names the reason) */
	const char *reason;                     /* the TDX decision's reason */
	bool crash;                             /* -p */
	bool force;                             /* --tdx-force */
	bool kernel_flushes;                    /* the kernel flushes every CPU at kexec itself */
	const char *own_loader;                 /* an option only our loader does, or NULL */
	const struct kho_state *kho;            /* KHO / live update (kho.h); NULL: off */
};

/*
 * Which system call loads: SYSCALL_LOAD, SYSCALL_FILE or SYSCALL_AUTO
 * (kexec_file_load, then kexec_load where syscall_file_fallback() says
 * so) in *out; never SYSCALL_DEFAULT.  Without -s/-c/-a the choice is
 * kexec-tools' since 2.0.27 (29fe506, "make -a the default"):
 * SYSCALL_AUTO, unless our purgatory is needed (syscall_needs_purgatory()),
 * then SYSCALL_LOAD; -a likewise.  Lockdown (any mode but "none") forbids
 * kexec_load: without -c, kexec_file_load is chosen, unless a clear is
 * called for, which only our purgatory does (loaded with kexec_load).
 * -s where TDX asks for a clear is refused, and where it asks for a flush
 * (but for -p) warns.  --tdx-force turns the refusals into warnings.
 * When KHO / live update is on and the choice is kexec_load, the line of
 * syscall_kho_warning() is logged as a warning.  Returns 0, or
 * TDX_REFUSED after logging one line that says why and what to do.
 */
int syscall_choose(const struct syscall_facts *f, enum kexec_syscall_choice *out,
		   struct kexec_log *log);

/*
 * Does this load need our purgatory (so kexec_load)?  A clear; a flush
 * the running kernel does not do on every CPU itself; an option only our
 * loader does (--console-serial, --mem-min, --mem-max, --type).
 */
bool syscall_needs_purgatory(const struct syscall_facts *f);

/*
 * After kexec_file_load failed with r under -a or the default: try
 * kexec_load?  As kexec-tools 2.0.32: on ENOSYS, EINVAL, ENOEXEC and
 * ENOTSUP (= EOPNOTSUPP); never on EPERM or EKEYREJECTED (real answers).
 */
bool syscall_file_fallback(int r);

/*
 * The line that says KHO / live update state is lost because the load
 * uses kexec_load (sc, as syscall_choose() chose it), why, and the ways
 * out, into buf.  false (buf "") when nothing is lost: KHO is off, or
 * the load uses kexec_file_load.  --tdx-status lists it in warnings.
 */
bool syscall_kho_warning(const struct syscall_facts *f, enum kexec_syscall_choice sc,
			 char *buf, size_t size);

#endif
