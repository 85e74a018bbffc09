/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text buffers for the line parsers. */
#ifndef KEXEC_TEXT_H
#define KEXEC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "log.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

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

/*
 * The unsigned number at *p in base 10 or 16 (16 takes an optional 0x),
 * at most 64 bits; *p is left just past its last digit.  -EINVAL when no
 * digit is there, -ERANGE when it needs more than 64 bits (*p, *v as they
 * were).  The one number reader of the line parsers: callers decide what
 * may follow the digits.
 */
int text_parse_u64(const char **p, unsigned base, uint64_t *v);
/* text_parse_u64() that must consume s whole: "" and "12x" are -EINVAL. */
int text_parse_u64_all(const char *s, unsigned base, uint64_t *v);
/* Only blanks (space, tab, newline) up to the end of s. */
bool text_only_space(const char *s);

/* Length of the command-line word at s: up to a blank outside double quotes. */
size_t text_word_len(const char *s);
/*
 * The next parameter of the kernel command line s at s + *pos, into w (at
 * most size - 1 bytes, double quotes removed, as the kernel's next_arg());
 * false at the end, and at a bare "--" (what follows is init's, not the
 * kernel's).
 */
bool text_cmdline_next(const char *s, size_t *pos, char *w, size_t size);
/*
 * *out = the kernel command line `line` without the words that begin with
 * one of `drop` (a NULL-terminated list, e.g. "crashkernel="), words split
 * as the kernel splits them (a quoted value stays one word), joined by one
 * space.  Words after "--" go to init and are kept as they are.  When
 * `insert` is not NULL it is added as a word of its own at the end of the
 * kernel's part, before "--".  malloc'd; -ENOMEM.
 */
int text_cmdline_edit(const char *line, const char *const *drop, const char *insert, char **out);

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
