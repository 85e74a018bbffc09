// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
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
