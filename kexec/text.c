// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdint.h>
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

/* Length of the valid UTF-8 sequence at s (1-4), 0 when it is not one (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;       /* overlong, a surrogate, or beyond Unicode */
	return n;
}

size_t text_utf8_sanitize(char *s)
{
	size_t fixed = 0;

	for (unsigned char *p = (unsigned char *)s; *p;) {
		size_t n = utf8_seq_len(p);

		if (n) {
			p += n;
			continue;
		}
		*p++ = '?';
		fixed++;
	}
	return fixed;
}
