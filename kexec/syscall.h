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
#include "log.h"
#include "segments.h"
#include "tdx/tdx.h"

enum kexec_syscall_choice {
	SYSCALL_DEFAULT,        /* kexec_load with our purgatory (as kexec-tools' default) */
	SYSCALL_LOAD,           /* -c */
	SYSCALL_FILE,           /* -s */
	SYSCALL_AUTO,           /* -a: file load first, kexec_load as fallback */
};

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
};

/*
 * Which system call loads: SYSCALL_LOAD, SYSCALL_FILE or SYSCALL_AUTO
 * (kexec_file_load, then kexec_load where syscall_file_fallback() says
 * so) in *out; never SYSCALL_DEFAULT.  Lockdown (any mode but "none")
 * forbids kexec_load: without -c, kexec_file_load is chosen, unless a
 * clear is called for, which only our purgatory does (loaded with
 * kexec_load).  -s where TDX asks for a clear is refused, and where it
 * asks for a flush (but for -p) warns.  --tdx-force turns the refusals
 * into warnings.  Returns 0, or TDX_REFUSED after logging one line that
 * says why and what to do.
 */
int syscall_choose(const struct syscall_facts *f, enum kexec_syscall_choice *out,
		   struct kexec_log *log);

/* After kexec_file_load failed with r under -a: try kexec_load? */
bool syscall_file_fallback(int r);

#endif
