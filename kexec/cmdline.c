/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --reuse-cmdline: the running kernel's command line, edited for the next one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "cmdline.h"
#include "text.h"

/* The running kernel's command line without BOOT_IMAGE= (and crashkernel= for -p); NULL: unread. */
static char *running_cmdline(const struct sysroot *sr, struct kexec_log *log, bool crash)
{
	const char *const drop[] = { "BOOT_IMAGE=", crash ? "crashkernel=" : NULL, NULL };
	char *buf, *text, *out = NULL;
	size_t len;

	if (sysroot_read(sr, "proc/cmdline", 65536, &buf, &len) < 0)
		return NULL;
	if (text_dup(buf, len, "/proc/cmdline", log, &text) == 0)
		text_cmdline_edit(text, drop, NULL, &out);
	free(buf);
	free(text);
	return out;
}

int cmdline_reuse(const struct sysroot *sr, struct kexec_log *log, bool crash, const char *append,
		  char **out)
{
	char *base = running_cmdline(sr, log, crash);

	*out = NULL;
	if (!base)
		return log_errno(log, -EIO, "/proc/cmdline: cannot read it for --reuse-cmdline");
	if (!append) {
		*out = base;
		return 0;
	}
	if (asprintf(out, "%s %s", base, append) < 0)
		*out = NULL;
	free(base);
	return *out ? 0 : -ENOMEM;
}
