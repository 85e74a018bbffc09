/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --reuse-cmdline: the running kernel's command line, edited for the next
 * one; and its serial console, where the purgatory prints a clear's progress.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* One "console=" value: its legacy I/O port, 0 if it is not one. */
static uint16_t console_port(const char *v, size_t n)
{
	static const uint16_t legacy[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	unsigned long long io;
	char *end;

	if (n == 5 && !strncmp(v, "ttyS", 4) && v[4] >= '0' && v[4] <= '3')
		return legacy[v[4] - '0'];
	if (n > 5 && !strncmp(v, "ttyS", 4) && v[5] == ',' && v[4] >= '0' && v[4] <= '3')
		return legacy[v[4] - '0'];
	if (!strncmp(v, "uart,io,", 8))
		v += 8;
	else if (!strncmp(v, "uart8250,io,", 12))
		v += 12;
	else
		return 0;
	errno = 0;
	io = strtoull(v, &end, 0);
	return errno || end == v || io == 0 || io > 0xfff8 || (*end && *end != ',' && *end != ' ') ?
	       0 : (uint16_t)io;
}

uint16_t cmdline_serial_port(const char *cmdline)
{
	uint16_t port = 0, p;
	size_t pos = 0;
	char w[256];

	while (text_cmdline_next(cmdline, &pos, w, sizeof(w)))
		if (!strncmp(w, "console=", 8) && (p = console_port(w + 8, strlen(w + 8))))
			port = p;
	return port;
}
