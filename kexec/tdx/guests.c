/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running confidential guests, from the misc cgroup controller
 * (Documentation/admin-guide/cgroup-v2.rst, "Misc"): KVM charges one
 * `tdx` unit per TD (a private KeyID) and one `sev` or `sev_es` unit per
 * SEV / SEV-ES / SEV-SNP guest (an ASID).  misc.current and misc.capacity
 * are flat-keyed files ("tdx 2\n"); the kernel shows a key only when its
 * capacity or usage is non-zero, so a key absent from a file that exists
 * means 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tdx.h"

#define CGROUP_ROOT     "sys/fs/cgroup"
#define CGROUP_DEPTH    32      /* enough for any real hierarchy, stops loops */

int tdx_misc_parse(const char *buf, size_t len, struct tdx_misc *out,
		   struct kexec_log *log, const char *where)
{
	struct tdx_misc m = { -1, -1, -1 };
	unsigned lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos, k = 0, v;
		unsigned long long val = 0;
		long long *slot = NULL;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (!n)
			continue;
		while (k < n && line[k] != ' ' && line[k] != '\t')
			k++;
		v = k;
		while (v < n && (line[v] == ' ' || line[v] == '\t'))
			v++;
		if (!k || v == k || v == n)
			return log_errno(log, -EINVAL, "%s: line %u: not \"key value\"", where, lineno);
		for (size_t i = v; i < n; i++) {
			if (line[i] < '0' || line[i] > '9')
				return log_errno(log, -EINVAL, "%s: line %u: %.*s: \"%.*s\" is not a decimal number",
						 where, lineno, (int)(k > 32 ? 32 : k), line,
						 (int)(n - v > 32 ? 32 : n - v), line + v);
			unsigned d = (unsigned)(line[i] - '0');

			if (val > ((unsigned long long)__LONG_LONG_MAX__ - d) / 10)
				return log_errno(log, -ERANGE, "%s: line %u: %.*s: value too large", where,
						 lineno, (int)(k > 32 ? 32 : k), line);
			val = val * 10 + d;
		}
		if (k == 3 && !memcmp(line, "tdx", 3))
			slot = &m.tdx;
		else if (k == 3 && !memcmp(line, "sev", 3))
			slot = &m.sev;
		else if (k == 6 && !memcmp(line, "sev_es", 6))
			slot = &m.sev_es;
		if (slot)
			*slot = (long long)val;
	}
	*out = m;
	return 0;
}

/* Read and parse one misc file; absent keys count 0. */
static int misc_file(const struct sysroot *sr, const char *rel, struct tdx_misc *m,
		     struct kexec_log *log)
{
	char path[4096], *buf;
	size_t len;
	int r;

	sysroot_path(sr, rel, path, sizeof(path));
	r = sysroot_read(sr, rel, 65536, &buf, &len);
	if (r < 0)
		return log_errno(log, r, "%s: %s", path, strerror(-r));
	r = tdx_misc_parse(buf, len, m, log, path);
	free(buf);
	if (r < 0)
		return r;
	if (m->tdx < 0)
		m->tdx = 0;
	if (m->sev < 0)
		m->sev = 0;
	if (m->sev_es < 0)
		m->sev_es = 0;
	return 0;
}

static void misc_add(struct tdx_misc *sum, const struct tdx_misc *m)
{
	if (__builtin_add_overflow(sum->tdx, m->tdx, &sum->tdx))
		sum->tdx = __LONG_LONG_MAX__;
	if (__builtin_add_overflow(sum->sev, m->sev, &sum->sev))
		sum->sev = __LONG_LONG_MAX__;
	if (__builtin_add_overflow(sum->sev_es, m->sev_es, &sum->sev_es))
		sum->sev_es = __LONG_LONG_MAX__;
}

/*
 * Below `dir` (which has no misc.current itself), add the misc.current
 * of every topmost cgroup that has one.
 */
static int misc_walk(const struct sysroot *sr, const char *dir, unsigned depth,
		     struct tdx_misc *sum, bool *found, struct kexec_log *log)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	if (depth > CGROUP_DEPTH)
		return 0;
	r = sysroot_list(sr, dir, &names, &n);
	if (r < 0)
		return r == -ENOTDIR || r == -ENOENT || r == -EACCES ? 0 : r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		char sub[4096], file[4200];
		struct tdx_misc m;

		if (!strncmp(names[i], "misc.", 5))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]) >= sizeof(sub))
			continue;       /* deeper than any real cgroup path */
		snprintf(file, sizeof(file), "%s/misc.current", sub);
		if (sysroot_exists(sr, file)) {
			r = misc_file(sr, file, &m, log);
			if (r == 0) {
				misc_add(sum, &m);
				*found = true;
			}
		} else {
			r = misc_walk(sr, sub, depth + 1, sum, found, log);
		}
	}
	sysroot_names_free(names, n);
	return r;
}

int tdx_misc_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_misc *current,
		  struct tdx_misc *capacity, bool *found)
{
	struct tdx_misc sum = { 0, 0, 0 };
	int r;

	*current = *capacity = (struct tdx_misc){ -1, -1, -1 };
	*found = false;
	if (sysroot_exists(sr, CGROUP_ROOT "/misc.capacity") &&
	    (r = misc_file(sr, CGROUP_ROOT "/misc.capacity", capacity, log)) < 0)
		return r;
	if (sysroot_exists(sr, CGROUP_ROOT "/misc.current")) {
		/* the root's usage includes every child's (charges go up the tree) */
		if ((r = misc_file(sr, CGROUP_ROOT "/misc.current", current, log)) < 0)
			return r;
		*found = true;
		return 0;
	}
	r = misc_walk(sr, CGROUP_ROOT, 0, &sum, found, log);
	if (r < 0)
		return r;
	if (*found)
		*current = sum;
	return 0;
}
