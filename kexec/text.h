/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text buffers for the line parsers. */
#ifndef KEXEC_TEXT_H
#define KEXEC_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "log.h"

/*
 * *out = a NUL-terminated copy of the len bytes at buf, for the caller to
 * free.  -EINVAL, logged as "<where>: contains a NUL byte", when the text
 * holds one (a line parser would silently stop there); -ENOMEM.
 */
int text_dup(const char *buf, size_t len, const char *where, struct kexec_log *log, char **out);

/* "2.0 TiB", "255.4 GiB", "4.0 KiB", "512 bytes": binary units, one decimal. */
void text_size(uint64_t bytes, char *buf, size_t size);
/*
 * Replace every byte of s that is not part of a valid UTF-8 sequence with
 * '?', in place, so that JSON output stays valid UTF-8 whatever a CPU
 * model name or a file said.  Returns the number of bytes replaced.
 */
size_t text_utf8_sanitize(char *s);

/* The value of a hex digit, -1 for anything else. */
static inline int text_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
