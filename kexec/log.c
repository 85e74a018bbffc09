/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

static void log_vemit(struct kexec_log *log, int level, const char *fmt, va_list ap)
{
	va_list copy;

	if (!log)
		return;
	if (level <= LOG_WARN) {
		va_copy(copy, ap);
		vsnprintf(log->last, sizeof(log->last), fmt, copy);
		va_end(copy);
	}
	if (!log->out || log->level < level)
		return;
	fputs(level == LOG_WARN ? "kexec: warning: " : level == LOG_ERR ? "kexec: " : "", log->out);
	vfprintf(log->out, fmt, ap);
	fputc('\n', log->out);
}

int log_errno(struct kexec_log *log, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(log, LOG_ERR, fmt, ap);
	va_end(ap);
	return err;
}

#define LOG_FN(name, level)                                     \
	void name(struct kexec_log *log, const char *fmt, ...)  \
	{                                                       \
		va_list ap;                                     \
		va_start(ap, fmt);                              \
		log_vemit(log, level, fmt, ap);                 \
		va_end(ap);                                     \
	}
LOG_FN(log_warn, LOG_WARN)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)
