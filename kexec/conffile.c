/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/kexec-tdx.conf: parser, reader, and the policy precedence of DESIGN.md. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conffile.h"

/* A config file is a few lines; anything near this size is not one. */
#define CONFIG_MAX (64 * 1024)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* tdx_sys_disable_supported = yes|no */
static int sys_disable_value(const char *val, const char *end, const char *where, unsigned line,
			     struct kexec_config *out, struct kexec_log *log)
{
	size_t n = (size_t)(end - val);

	if (n == 3 && !memcmp(val, "yes", 3))
		out->sys_disable = TDX_YES;
	else if (n == 2 && !memcmp(val, "no", 2))
		out->sys_disable = TDX_NO;
	else
		return log_errno(log, -EINVAL, "%s:%u: tdx_sys_disable_supported=%.*s: not yes or no",
				 where, line, (int)n, val);
	out->sys_disable_line = line;
	return 0;
}

/* One line [p, end) without its newline.  0, or -EINVAL logged. */
static int parse_line(const char *p, const char *end, const char *where, unsigned line,
		      struct kexec_config *out, struct kexec_log *log)
{
	const char *key, *key_end, *val, *val_end;
	char value[32];

	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end || *p == '#')
		return 0;
	key = p;
	while (p < end && is_key_char(*p))
		p++;
	key_end = p;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p != '=')
		return log_errno(log, -EINVAL, "%s:%u: expected \"key = value\"", where, line);
	if (key_end == key)
		return log_errno(log, -EINVAL, "%s:%u: no key before '=' (keys are lower-case letters, "
				 "digits, '-' and '_')", where, line);
	for (p++; p < end && is_blank(*p); p++)
		;
	val = p;
	val_end = end;
	if (val < val_end && (*val == '"' || *val == '\'')) {
		if (val_end - val < 2 || val_end[-1] != *val)
			return log_errno(log, -EINVAL, "%s:%u: unterminated %c quote", where, line, *val);
		val++;
		val_end--;
	}
	if ((size_t)(key_end - key) == 3 && !memcmp(key, "tdx", 3)) {
		size_t n = (size_t)(val_end - val);

		if (n == 0)
			return log_errno(log, -EINVAL, "%s:%u: tdx= has no value", where, line);
		if (n < sizeof(value)) {
			memcpy(value, val, n);
			value[n] = '\0';
		}
		if (n >= sizeof(value) || tdx_policy_from_name(value, &out->tdx) < 0)
			return log_errno(log, -EINVAL, "%s:%u: tdx=%.*s: unknown policy (auto, clear, "
					 "flush, refuse or off)", where, line, (int)n, val);
		out->tdx_set = true;
		out->tdx_line = line;
		return 0;
	}
	if ((size_t)(key_end - key) == 25 && !memcmp(key, "tdx_sys_disable_supported", 25))
		return sys_disable_value(val, val_end, where, line, out, log);
	log_warn(log, "%s:%u: unknown key \"%.*s\", ignored", where, line, (int)(key_end - key), key);
	return 0;
}

int config_parse(const char *buf, size_t len, const char *where, struct kexec_config *out,
		 struct kexec_log *log)
{
	struct kexec_config c = { .tdx = TDX_POLICY_AUTO, .sys_disable = TDX_UNKNOWN };
	const char *p = buf, *end = buf + len;
	unsigned line = 0;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		line++;
		if (memchr(p, '\0', (size_t)(eol - p)))
			return log_errno(log, -EINVAL, "%s:%u: NUL byte (not a text file)", where, line);
		if ((r = parse_line(p, eol, where, line, &c, log)) < 0)
			return r;
		p = nl ? nl + 1 : end;
	}
	*out = c;
	return 0;
}

int config_read(const struct sysroot *sr, struct kexec_log *log, struct kexec_config *out)
{
	char where[PATH_MAX], *buf;
	size_t len;
	int r;

	sysroot_path(sr, CONFIG_PATH, where, sizeof(where));
	r = sysroot_read(sr, CONFIG_PATH, CONFIG_MAX, &buf, &len);
	if (r == -ENOENT) {
		*out = (struct kexec_config){ .tdx = TDX_POLICY_AUTO, .sys_disable = TDX_UNKNOWN };
		return 0;
	}
	if (r < 0)
		return log_errno(log, r, "%s: %s", where,
				 r == -EFBIG ? "larger than 64 KiB, not a configuration file" : strerror(-r));
	r = config_parse(buf, len, where, out, log);
	free(buf);
	return r;
}

int config_choose_policy(const struct sysroot *sr, struct kexec_log *log, bool cmdline_set,
			 enum tdx_policy cmdline, const char *env, struct policy_choice *out)
{
	struct kexec_config c;
	int r = config_read(sr, log, &c);

	if (r < 0)
		return r;
	out->sys_disable = c.sys_disable;
	out->sys_disable_where[0] = '\0';
	if (c.sys_disable != TDX_UNKNOWN)
		snprintf(out->sys_disable_where, sizeof(out->sys_disable_where), "/%s:%u", CONFIG_PATH,
			 c.sys_disable_line);
	if (cmdline_set) {
		out->policy = cmdline;
		snprintf(out->source, sizeof(out->source), "--tdx");
	} else if (env && *env) {
		if (tdx_policy_from_name(env, &out->policy) < 0)
			return log_errno(log, -EINVAL, "KEXEC_TDX_POLICY=%s: unknown policy (auto, clear, "
					 "flush, refuse or off)", env);
		snprintf(out->source, sizeof(out->source), "KEXEC_TDX_POLICY");
	} else if (c.tdx_set) {
		out->policy = c.tdx;
		snprintf(out->source, sizeof(out->source), "/%s:%u", CONFIG_PATH, c.tdx_line);
	} else {
		out->policy = TDX_POLICY_AUTO;
		snprintf(out->source, sizeof(out->source), "default");
	}
	return 0;
}
