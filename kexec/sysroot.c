/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sysroot.h"

struct sysroot {
	int dirfd;
	bool host;
	char *dir;
};

int sysroot_open(const char *dir, struct sysroot **out)
{
	struct sysroot *sr;
	struct stat st;

	if (!dir || !*dir)
		dir = "/";
	sr = calloc(1, sizeof(*sr));
	if (!sr)
		return -ENOMEM;
	sr->dir = strdup(dir);
	sr->host = strcmp(dir, "/") == 0;
	sr->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!sr->dir || sr->dirfd < 0 || fstat(sr->dirfd, &st) < 0) {
		int err = sr->dir ? -errno : -ENOMEM;

		sysroot_free(sr);
		return err;
	}
	*out = sr;
	return 0;
}

void sysroot_free(struct sysroot *sr)
{
	if (!sr)
		return;
	if (sr->dirfd >= 0)
		close(sr->dirfd);
	free(sr->dir);
	free(sr);
}

const char *sysroot_dir(const struct sysroot *sr)
{
	return sr->dir;
}

bool sysroot_is_host(const struct sysroot *sr)
{
	return sr->host;
}

static const char *rel_of(const char *rel)
{
	while (*rel == '/')
		rel++;
	return *rel ? rel : ".";
}

const char *sysroot_path(const struct sysroot *sr, const char *rel, char *buf, size_t size)
{
	if (sr->host)
		snprintf(buf, size, "/%s", rel_of(rel));
	else
		snprintf(buf, size, "%s/%s", sr->dir, rel_of(rel));
	return buf;
}

int sysroot_open_file(const struct sysroot *sr, const char *rel, int flags)
{
	int fd = openat(sr->dirfd, rel_of(rel), flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

bool sysroot_exists(const struct sysroot *sr, const char *rel)
{
	return faccessat(sr->dirfd, rel_of(rel), F_OK, 0) == 0;
}

static int read_fd(int fd, size_t max, char **buf, size_t *len)
{
	size_t cap = max < 4096 ? max : 4096, n = 0;
	char *p = malloc(cap + 1);

	if (!p)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			char *q;

			if (cap >= max) {
				/* full: anything more means the file is too large */
				char probe;
				ssize_t r = read(fd, &probe, 1);

				if (r == 0)
					break;
				free(p);
				return r < 0 ? -errno : -EFBIG;
			}
			cap = cap * 2 > max ? max : cap * 2;
			q = realloc(p, cap + 1);
			if (!q) {
				free(p);
				return -ENOMEM;
			}
			p = q;
		}
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int err = -errno;
			free(p);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int sysroot_read(const struct sysroot *sr, const char *rel, size_t max, char **buf, size_t *len)
{
	int fd = sysroot_open_file(sr, rel, O_RDONLY);
	int r;

	if (fd < 0)
		return fd;
	r = read_fd(fd, max ? max : 64u << 20, buf, len);
	close(fd);
	return r;
}

int sysroot_read_small(const struct sysroot *sr, const char *rel, char *out, size_t size)
{
	char *buf;
	size_t len;
	int r = sysroot_read(sr, rel, 4096, &buf, &len);

	if (r < 0)
		return r;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	r = strlen(buf) != len ? -EINVAL : len >= size ? -EOVERFLOW : 0;
	if (size)
		memcpy(out, r == 0 ? buf : "", r == 0 ? len + 1 : 1);
	free(buf);
	return r;
}

static const struct {
	const char *name;       /* under sys/kernel/kexec (Linux 7.x) */
	const char *now;        /* the path read first */
	const char *old;        /* the deprecated path under sys/kernel */
} kexec_attrs[] = {
	{ "loaded", "sys/kernel/kexec/loaded", "sys/kernel/kexec_loaded" },
	{ "crash_loaded", "sys/kernel/kexec/crash_loaded", "sys/kernel/kexec_crash_loaded" },
	{ "crash_size", "sys/kernel/kexec/crash_size", "sys/kernel/kexec_crash_size" },
	{ "crash_elfcorehdr_size", "sys/kernel/kexec/crash_elfcorehdr_size",
	  "sys/kernel/crash_elfcorehdr_size" },
	{ "crash_cma_ranges", "sys/kernel/kexec/crash_cma_ranges", "sys/kernel/kexec_crash_cma_ranges" },
};

int sysroot_read_kexec_attr(const struct sysroot *sr, const char *name, char *out, size_t size,
			    const char **rel)
{
	for (size_t i = 0; i < sizeof(kexec_attrs) / sizeof(kexec_attrs[0]); i++) {
		int r;

		if (strcmp(name, kexec_attrs[i].name))
			continue;
		if (rel)
			*rel = kexec_attrs[i].now;
		r = sysroot_read_small(sr, kexec_attrs[i].now, out, size);
		if (r != -ENOENT)
			return r;
		r = sysroot_read_small(sr, kexec_attrs[i].old, out, size);
		if (r != -ENOENT && rel)
			*rel = kexec_attrs[i].old;
		return r;
	}
	return -EINVAL;
}

/* mkdir -p of rel's parent directories, relative to the root. */
static int mkdir_parents(const struct sysroot *sr, const char *rel)
{
	char dir[4096];
	size_t n = strlen(rel);

	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, n + 1);
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(sr->dirfd, dir, 0755) == 0)
			fchmodat(sr->dirfd, dir, 0755, 0);     /* whatever the umask */
		else if (errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sysroot_write_atomic(const struct sysroot *sr, const char *rel, const void *data, size_t len,
			 unsigned mode)
{
	char tmp[4096];
	int fd, r;

	rel = rel_of(rel);
	if ((r = mkdir_parents(sr, rel)) < 0)
		return r;
	/* the same directory, so that rename() replaces the file in one step */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", rel, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlinkat(sr->dirfd, tmp, 0);
	fd = openat(sr->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(sr->dirfd, tmp, sr->dirfd, rel) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(sr->dirfd, tmp, 0);
	return r;
}

int sysroot_unlink(const struct sysroot *sr, const char *rel)
{
	if (unlinkat(sr->dirfd, rel_of(rel), 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
		unsigned long long u = strtoull(x, NULL, 10), v = strtoull(y, NULL, 10);

		if (u != v)
			return u < v ? -1 : 1;
	}
	return strcmp(x, y);
}

void sysroot_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int sysroot_list(const struct sysroot *sr, const char *rel, char ***names, size_t *n)
{
	int fd = sysroot_open_file(sr, rel, O_RDONLY | O_DIRECTORY);
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cnt == cap) {
			char **q = reallocarray(v, cap = cap ? cap * 2 : 32, sizeof(*v));

			if (!q)
				goto nomem;
			v = q;
		}
		if (!(v[cnt] = strdup(de->d_name)))
			goto nomem;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), name_cmp);
	*names = v;
	*n = cnt;
	return 0;
nomem:
	closedir(d);
	sysroot_names_free(v, cnt);
	return -ENOMEM;
}

const char *kmsg_source_name(enum kmsg_source src)
{
	switch (src) {
	case KMSG_SOURCE_DEV_KMSG: return "/dev/kmsg";
	case KMSG_SOURCE_KLOGCTL: return "klogctl";
	case KMSG_SOURCE_FILE: return "dev/kmsg (file)";
	}
	return "?";
}

/* Append one record to a growing buffer. */
static int buf_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 65536;
		char *q;

		while (*len + n + 1 > c)
			c *= 2;
		q = realloc(*buf, c);
		if (!q)
			return -ENOMEM;
		*buf = q;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

static int kmsg_read_dev(const struct sysroot *sr, char **out, size_t *outlen)
{
	int fd = sysroot_open_file(sr, "dev/kmsg", O_RDONLY | O_NONBLOCK);
	char rec[8192], *buf = NULL;
	size_t len = 0, cap = 0;
	int r = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec));

		if (n < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;       /* EPIPE: record overwritten, go on */
			if (errno == EAGAIN)
				break;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		/* A record is "header;message\n" followed by "\n KEY=value" lines: keep line one. */
		char *nl = memchr(rec, '\n', (size_t)n);
		size_t keep = nl ? (size_t)(nl - rec) + 1 : (size_t)n;
		if ((r = buf_append(&buf, &len, &cap, rec, keep)) < 0)
			break;
		if (!nl && (r = buf_append(&buf, &len, &cap, "\n", 1)) < 0)
			break;
	}
	close(fd);
	if (r < 0 || !buf) {
		free(buf);
		return r < 0 ? r : -ENODATA;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* "<6>[    1.000000] text" lines from klogctl become "6,0,0,-;text". */
static int kmsg_read_klogctl(char **out, size_t *outlen)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *raw, *buf = NULL;
	size_t len = 0, cap = 0;
	int n, r = 0;

	if (size <= 0)
		return size < 0 ? -errno : -ENODATA;
	raw = malloc((size_t)size + 1);
	if (!raw)
		return -ENOMEM;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, raw, size);
	if (n < 0) {
		r = -errno;
		free(raw);
		return r;
	}
	raw[n] = '\0';
	for (char *line = raw, *next; line && *line; line = next) {
		char head[32];
		int prio = 6;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '<') {
			prio = atoi(line + 1);
			char *gt = strchr(line, '>');
			line = gt ? gt + 1 : line;
		}
		if (line[0] == '[') {
			char *rb = strchr(line, ']');
			line = rb ? rb + 1 : line;
			if (*line == ' ')
				line++;
		}
		snprintf(head, sizeof(head), "%d,0,0,-;", prio);
		if ((r = buf_append(&buf, &len, &cap, head, strlen(head))) < 0 ||
		    (r = buf_append(&buf, &len, &cap, line, strlen(line))) < 0 ||
		    (r = buf_append(&buf, &len, &cap, "\n", 1)) < 0)
			break;
	}
	free(raw);
	if (r < 0 || !buf) {
		free(buf);
		return r < 0 ? r : -ENODATA;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int sysroot_read_kmsg(const struct sysroot *sr, char **buf, size_t *len, enum kmsg_source *src)
{
	int r;

	if (!sr->host) {
		*src = KMSG_SOURCE_FILE;
		return sysroot_read(sr, "dev/kmsg", 0, buf, len);
	}
	r = kmsg_read_dev(sr, buf, len);
	if (r == 0) {
		*src = KMSG_SOURCE_DEV_KMSG;
		return 0;
	}
	*src = KMSG_SOURCE_KLOGCTL;
	return kmsg_read_klogctl(buf, len);
}
