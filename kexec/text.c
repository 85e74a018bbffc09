// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

int text_dup(const char *buf, size_t len, const char *where, struct kexec_log *log, char **out)
{
	char *copy;

	*out = NULL;
	if (memchr(buf, '\0', len))
		return log_errno(log, -EINVAL, "%s: contains a NUL byte", where);
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	*out = copy;
	return 0;
}

void text_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	unsigned u = 0;

	if (bytes < 1024) {
		snprintf(buf, size, "%u byte%s", (unsigned)bytes, bytes == 1 ? "" : "s");
		return;
	}
	v /= 1024;
	while (v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, units[u]);
}
