/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kexec tells the operator outside --tdx-status: one system-log line
 * (syslog(3); the journal picks it up) for each load, refusal and exec,
 * with the decision and the action; and the line printed just before the
 * jump, which says what happens next and how long it takes.  The lines
 * are made by pure functions; announce_syslog() sends one.
 */
#ifndef KEXEC_ANNOUNCE_H
#define KEXEC_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>
#include "sysroot.h"
#include "tdx/tdx.h"

/* Under --sysroot the line is appended here instead (the tests' sink). */
#define ANNOUNCE_SINK   "run/kexec-tdx/syslog"

struct announce_event {
	const char *what;               /* "load", "crash load", "exec", "load refused", "exec refused" */
	enum tdx_decision decision;
	const char *action;             /* "none", "flush", "clear", "refuse" */
	const char *kernel;             /* NULL: not known here */
	const char *why;                /* the reason or the refusal line; NULL for none */
};

/* "load: decision clear, action clear, kernel /boot/vmlinuz-6.12.0 (...)" */
void announce_syslog_line(const struct announce_event *ev, char *buf, size_t size);
/*
 * The line to syslog(3) (ident "kexec", LOG_DAEMON; LOG_WARNING for a
 * refusal, LOG_NOTICE otherwise) on the real root; under a sysroot,
 * appended to ANNOUNCE_SINK there.  Never fails the caller.
 */
void announce_syslog(const struct sysroot *sr, const struct announce_event *ev);

/*
 * The line before the jump.  action: KTDX_ACTION_*; bytes: what a clear
 * clears; cpus: CPUs that flush and clear (0 unknown); estimate_s: the
 * clear's duration (tdx_clear_estimate_s()).  "WBINVD and clear of 4.0
 * TiB on 64 CPUs, about 20 s; the console is quiet until the new kernel
 * prints".
 */
void announce_jump_line(unsigned action, uint64_t bytes, unsigned cpus, long estimate_s, char *buf,
			size_t size);
/*
 * The line on the console before the jump: on the host also to
 * /dev/kmsg (at KERN_CRIT, as the kernel's own "Starting new kernel" is
 * loud: a quiet console shows it, and the UART prints it before the
 * kexec), after the caller printed it on stderr and it drained
 * (tcdrain: a serial console would lose what is still buffered).
 */
void announce_console(const struct sysroot *sr, const char *line);

#endif
