/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel lockdown: the parser over the file's text, and the one read of it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lockdown.h"

#define LOCKDOWN_FILE "sys/kernel/security/lockdown"

int lockdown_parse(const char *buf, size_t len, char *out, size_t size,
		   struct kexec_log *log, const char *where)
{
	const char *open = memchr(buf, '[', len), *close;
	size_t n;

	if (!open)
		return log_errno(log, -EINVAL, "%s: no [selected] mode", where);
	close = memchr(open, ']', len - (size_t)(open - buf));
	if (!close)
		return log_errno(log, -EINVAL, "%s: '[' without ']'", where);
	n = (size_t)(close - open - 1);
	if (!n || n >= size)
		return log_errno(log, -EINVAL, "%s: mode of %zu characters", where, n);
	for (size_t i = 0; i < n; i++)
		if (!((open[1 + i] >= 'a' && open[1 + i] <= 'z') || open[1 + i] == '_'))
			return log_errno(log, -EINVAL, "%s: mode is not a word", where);
	memcpy(out, open + 1, n);
	out[n] = '\0';
	return 0;
}

void lockdown_read(const struct sysroot *sr, struct kexec_log *log, char *out, size_t size)
{
	char path[4096], *buf;
	size_t len;

	if (size)
		out[0] = '\0';
	if (sysroot_read(sr, LOCKDOWN_FILE, 4096, &buf, &len) < 0)
		return;         /* no LSM lockdown, or securityfs not mounted: unknown */
	sysroot_path(sr, LOCKDOWN_FILE, path, sizeof(path));
	if (lockdown_parse(buf, len, out, size, log, path) < 0)
		out[0] = '\0';
	free(buf);
}

bool lockdown_forbids_kexec_load(const char *mode)
{
	return mode[0] && strcmp(mode, "none") != 0;
}
