// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
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
	while (v >= 1023.95 && u + 1 < ARRAY_SIZE(units)) {
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

int text_parse_u64(const char **p, unsigned base, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	size_t n = 0;

	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && text_hexval(s[2]) >= 0)
		s += 2;
	for (;; s++, n++) {
		int d = text_hexval(*s);

		if (d < 0 || (unsigned)d >= base)
			break;
		if (__builtin_mul_overflow(x, base, &x) || __builtin_add_overflow(x, (unsigned)d, &x))
			return -ERANGE;
	}
	if (!n)
		return -EINVAL;
	*p = s;
	*v = x;
	return 0;
}

int text_parse_u64_all(const char *s, unsigned base, uint64_t *v)
{
	int r = text_parse_u64(&s, base, v);

	return r < 0 ? r : *s ? -EINVAL : 0;
}

bool text_only_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return !*s;
}

size_t text_word_len(const char *s)
{
	bool quoted = false;
	size_t n = 0;

	for (; s[n] && (quoted || !isspace((unsigned char)s[n])); n++)
		if (s[n] == '"')
			quoted = !quoted;
	return n;
}

bool text_cmdline_next(const char *s, size_t *pos, char *w, size_t size)
{
	size_t i = *pos, n = 0;
	bool quoted = false;

	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
		i++;
	if (!s[i])
		return false;
	for (; s[i] && (quoted || (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')); i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (n + 1 < size)
			w[n++] = s[i];
	}
	w[n] = '\0';
	*pos = i;
	return strcmp(w, "--") != 0;
}

static bool word_dropped(const char *w, size_t n, const char *const *drop)
{
	for (; drop && *drop; drop++) {
		size_t k = strlen(*drop);

		if (n >= k && !memcmp(w, *drop, k))
			return true;
	}
	return false;
}

static void append_word(char *s, size_t *n, const char *w, size_t len)
{
	if (*n)
		s[(*n)++] = ' ';
	memcpy(s + *n, w, len);
	*n += len;
}

int text_cmdline_edit(const char *line, const char *const *drop, const char *insert, char **out)
{
	size_t n = 0, ilen = insert ? strlen(insert) : 0;
	bool init_part = false;
	char *s;

	if (!line)
		line = "";
	s = malloc(strlen(line) + ilen + 3);
	if (!s)
		return -ENOMEM;
	for (const char *p = line;;) {
		size_t wl;

		while (isspace((unsigned char)*p))
			p++;
		wl = text_word_len(p);
		if (!init_part && (!wl || (wl == 2 && !memcmp(p, "--", 2)))) {
			if (insert)
				append_word(s, &n, insert, ilen);
			init_part = true;
		}
		if (!wl)
			break;
		if (init_part || !word_dropped(p, wl, drop))
			append_word(s, &n, p, wl);
		p += wl;
	}
	s[n] = '\0';
	*out = s;
	return 0;
}
