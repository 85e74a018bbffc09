/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What main() dispatches to, one function per action: load (-l, -p,
 * the default), unload (-u), the boot that follows (-e, -f, the default's
 * shutdown), -S, --print-ckr-size and --tdx-status.  Each returns 0 or
 * -errno after logging; main() alone turns that into an exit code.
 */
#ifndef KEXEC_LIFECYCLE_H
#define KEXEC_LIFECYCLE_H

#include <stdbool.h>
#include "conffile.h"
#include "ctx.h"
#include "options.h"
#include "record.h"

/* Is an image of this kind loaded?  1 yes, 0 no, -errno unknown (logged: -S). */
int lifecycle_loaded(struct kexec_ctx *ctx, bool crash);
int lifecycle_loaded_logged(struct kexec_ctx *ctx, bool crash);

/*
 * The load: memory plan, TDX gate, CPU plan, command line, system call
 * (syscall_choose()), then the record of what the image does between the
 * kernels, which is also copied to *rec for a following -e.  TDX_REFUSED
 * for our own refusals, another -errno for the kernel's.
 */
int lifecycle_load(struct kexec_ctx *ctx, const struct kexec_options *o, struct kexec_record *rec);

/* -u: the unload, then its record. */
int lifecycle_unload(struct kexec_ctx *ctx, const struct kexec_options *o);

/*
 * What follows a load (or -e alone): the checks of -e (something loaded,
 * and doing what is needed now: just_loaded, or the record), then
 * shutdown -r now, or sync, interfaces down and reboot into the new
 * kernel.  0 when there is nothing to do; it only returns on failure
 * otherwise.
 */
int lifecycle_boot(struct kexec_ctx *ctx, const struct kexec_options *o,
		   const struct kexec_record *just_loaded);

/* --print-ckr-size: the bytes of /proc/iomem's "Crash kernel" ranges on stdout. */
int lifecycle_print_crash_size(struct kexec_ctx *ctx);

/* --tdx-status [--json] on stdout, under the policy chosen and where it came from. */
/* The facts syscall_choose() takes, for a load of `action` under o (syscall.h). */
void lifecycle_syscall_facts(const struct kexec_options *o, const struct tdx_status *st,
			     unsigned action, struct syscall_facts *f);

int lifecycle_tdx_status(struct kexec_ctx *ctx, const struct kexec_options *o,
			 const struct policy_choice *policy);

#endif
