/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel lockdown (the LSM): which mode runs, read from
 * sys/kernel/security/lockdown.  Not a TDX fact: it decides which
 * system call may load (syscall.h, syscall_choose()); --tdx-status
 * reports it.
 */
#ifndef KEXEC_LOCKDOWN_H
#define KEXEC_LOCKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include "log.h"
#include "sysroot.h"

/* "none", "integrity", "confidentiality": the longest mode plus its NUL fits */
#define LOCKDOWN_MODE_SIZE 16

/*
 * "[none] integrity confidentiality" -> "none" in out[size].  0, or
 * -EINVAL after logging one line that names `where`.
 */
int lockdown_parse(const char *buf, size_t len, char *out, size_t size,
		   struct kexec_log *log, const char *where);

/*
 * The running mode into out[size]; "" when unknown (no lockdown LSM,
 * securityfs not mounted, or a file that does not parse: then one line
 * is logged).
 */
void lockdown_read(const struct sysroot *sr, struct kexec_log *log, char *out, size_t size);

/* Does this mode forbid kexec_load?  Any mode but "none"; "" (unknown) does not. */
bool lockdown_forbids_kexec_load(const char *mode);

#endif
