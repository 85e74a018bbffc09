/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages.  Every module reports through a `struct kexec_log` it is
 * handed (no global state): errors are returned as -errno by the caller
 * of log_errno(), which prints one line and keeps it in `last` so that
 * tests can assert the exact text.
 */
#ifndef KEXEC_LOG_H
#define KEXEC_LOG_H

#include <stdio.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

struct kexec_log {
	FILE *out;              /* NULL: print nothing */
	int level;              /* highest level printed */
	char last[512];         /* the last error or warning, for tests */
};

/* Print "kexec: <message>" at LOG_ERR and return err (a negative errno). */
int log_errno(struct kexec_log *log, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_warn(struct kexec_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_info(struct kexec_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_debug(struct kexec_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int log_enabled(const struct kexec_log *log, int level)
{
	return log && log->out && log->level >= level;
}

#endif
