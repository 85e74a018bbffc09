/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throw-away directory trees for the sysroot tests: a file and its parent
 * directories in one call.  Include after <cmocka.h>.
 */
#ifndef TESTS_UNIT_TREE_H
#define TESTS_UNIT_TREE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static inline void tree_put_bytes(const char *root, const char *rel, const void *data, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline void tree_put(const char *root, const char *rel, const char *text)
{
	tree_put_bytes(root, rel, text, strlen(text));
}

/* One /sys/firmware/memmap/N entry: its start, end and type files. */
static inline void tree_memmap_entry(const char *root, unsigned n, const char *start, const char *end,
				     const char *type)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/firmware/memmap/%u/start", n);
	tree_put(root, rel, start);
	snprintf(rel, sizeof(rel), "sys/firmware/memmap/%u/end", n);
	tree_put(root, rel, end);
	snprintf(rel, sizeof(rel), "sys/firmware/memmap/%u/type", n);
	tree_put(root, rel, type);
}

/* rm -rf root */
static inline void tree_rm(const char *root)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

#endif
