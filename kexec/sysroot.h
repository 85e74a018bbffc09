/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every read of /proc, /sys and /dev goes through here, so that a test
 * can point the whole program at a fixture tree (--sysroot=DIR or
 * KEXEC_SYSROOT).  Paths are given relative to the root ("proc/cpuinfo");
 * a leading '/' is accepted and ignored.
 */
#ifndef KEXEC_SYSROOT_H
#define KEXEC_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

struct sysroot;

/* dir NULL or "" or "/" means the real root.  -errno if dir is unusable. */
int sysroot_open(const char *dir, struct sysroot **out);
void sysroot_free(struct sysroot *sr);
/* The directory as given ("/" for the real root). */
const char *sysroot_dir(const struct sysroot *sr);
bool sysroot_is_host(const struct sysroot *sr);
/* "DIR/rel" for messages, in buf. */
const char *sysroot_path(const struct sysroot *sr, const char *rel, char *buf, size_t size);

/*
 * Read a whole file; *buf is NUL-terminated and malloc'd, *len excludes
 * the NUL.  Files in /proc and /sys report size 0, so this reads until
 * EOF.  At most max bytes (0 = 64 MiB) are read; a larger file is -EFBIG.
 */
int sysroot_read(const struct sysroot *sr, const char *rel, size_t max, char **buf, size_t *len);
/*
 * A small file (a sysfs attribute, a boot id: at most 4 KiB) as one string
 * in out, trailing blanks and newlines removed.  -errno of the read;
 * -EINVAL when it holds a NUL byte; -EOVERFLOW when it does not fit in
 * size (out is then "").
 */
int sysroot_read_small(const struct sysroot *sr, const char *rel, char *out, size_t size);
bool sysroot_exists(const struct sysroot *sr, const char *rel);

/*
 * The kexec attributes of sysfs: Linux 7.x puts them in /sys/kernel/kexec/
 * ("loaded", "crash_loaded", "crash_size", "crash_elfcorehdr_size",
 * "crash_cma_ranges"; kernel/kexec_core.c) and keeps the old names
 * (/sys/kernel/kexec_loaded, kexec_crash_loaded, kexec_crash_size,
 * crash_elfcorehdr_size, kexec_crash_cma_ranges) as deprecated links.
 * sysroot_read_small() of the new file, else of the old one.  *rel (may
 * be NULL) gets the path read, or the new one when neither exists
 * (-ENOENT).  -EINVAL for a name not in the list.
 */
int sysroot_read_kexec_attr(const struct sysroot *sr, const char *name, char *out, size_t size,
			    const char **rel);
/* Open for reading; returns an fd or -errno. */
int sysroot_open_file(const struct sysroot *sr, const char *rel, int flags);
/*
 * Names in a directory, without "." and "..", sorted with numbers in
 * numeric order ("2" before "10").  Free with sysroot_names_free().
 */
int sysroot_list(const struct sysroot *sr, const char *rel, char ***names, size_t *n);
void sysroot_names_free(char **names, size_t n);

/*
 * Write a whole file atomically: a temporary file in the same directory,
 * fsync, rename over rel.  Missing parent directories are created with
 * mode 0755; the file gets `mode` whatever the umask.  -errno.
 */
int sysroot_write_atomic(const struct sysroot *sr, const char *rel, const void *data, size_t len,
			 unsigned mode);
/* Remove a file; a file that is not there is no error.  -errno. */
int sysroot_unlink(const struct sysroot *sr, const char *rel);

enum kmsg_source { KMSG_SOURCE_DEV_KMSG, KMSG_SOURCE_KLOGCTL, KMSG_SOURCE_FILE };
const char *kmsg_source_name(enum kmsg_source src);
/*
 * The kernel log as /dev/kmsg records, one per line
 * ("prio,seq,usec,flags;message").  On the host /dev/kmsg is read without
 * blocking; when it cannot be read, klogctl() is used and its lines are
 * converted to the same form.  In a sysroot, DIR/dev/kmsg is a plain file.
 */
int sysroot_read_kmsg(const struct sysroot *sr, char **buf, size_t *len, enum kmsg_source *src);

#endif
