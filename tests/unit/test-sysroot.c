/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "sysroot.h"

static char root[] = "/tmp/kt-sysroot-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[512];

	if (!mkdtemp(root))
		return -1;
	const char *dirs[] = { "proc", "dev", "sys", "sys/firmware", "sys/firmware/memmap",
			       "sys/firmware/memmap/0", "sys/firmware/memmap/2",
			       "sys/firmware/memmap/10" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		mkdir(path, 0755);
	}
	put("proc/cpuinfo", "processor\t: 0\n");
	put("dev/kmsg", "6,1,100,-;virt/tdx: module initialized\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_read_relative_and_absolute(void **state)
{
	struct sysroot *sr;
	char *buf;
	size_t len;

	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_false(sysroot_is_host(sr));
	assert_int_equal(sysroot_read(sr, "/proc/cpuinfo", 0, &buf, &len), 0);
	assert_int_equal(len, 14);
	assert_string_equal(buf, "processor\t: 0\n");
	free(buf);
	assert_int_equal(sysroot_read(sr, "proc/missing", 0, &buf, &len), -ENOENT);
	assert_true(sysroot_exists(sr, "sys/firmware"));
	assert_false(sysroot_exists(sr, "sys/module/kvm_intel"));
	sysroot_free(sr);
}

static void test_read_limit(void **state)
{
	struct sysroot *sr;
	char *buf = NULL;
	size_t len;

	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(sysroot_read(sr, "proc/cpuinfo", 8, &buf, &len), -EFBIG);
	assert_null(buf);
	sysroot_free(sr);
}

static void test_read_small(void **state)
{
	struct sysroot *sr;
	char v[8] = "x";

	put("sys/y", "Y\n");
	put("sys/long", "initialized\n");
	put("sys/blank", " \n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(sysroot_read_small(sr, "sys/y", v, sizeof(v)), 0);
	assert_string_equal(v, "Y");
	assert_int_equal(sysroot_read_small(sr, "sys/long", v, sizeof(v)), -EOVERFLOW);
	assert_string_equal(v, "");
	assert_int_equal(sysroot_read_small(sr, "sys/blank", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(sysroot_read_small(sr, "sys/none", v, sizeof(v)), -ENOENT);
	sysroot_free(sr);
}

/* Linux 7.x: sys/kernel/kexec/NAME first, the deprecated sys/kernel/kexec_NAME after it. */
static void test_kexec_attr(void **state)
{
	struct sysroot *sr;
	const char *rel = NULL;
	char path[512], v[16];

	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel/kexec", root);
	mkdir(path, 0755);
	put("sys/kernel/kexec/crash_loaded", "1\n");
	put("sys/kernel/kexec_loaded", "1\n");
	put("sys/kernel/kexec_crash_size", "268435456\n");
	put("sys/kernel/kexec/crash_size", "134217728\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	/* only the new file */
	assert_int_equal(sysroot_read_kexec_attr(sr, "crash_loaded", v, sizeof(v), &rel), 0);
	assert_string_equal(v, "1");
	assert_string_equal(rel, "sys/kernel/kexec/crash_loaded");
	/* only the old one */
	assert_int_equal(sysroot_read_kexec_attr(sr, "loaded", v, sizeof(v), &rel), 0);
	assert_string_equal(v, "1");
	assert_string_equal(rel, "sys/kernel/kexec_loaded");
	/* both: the new one wins */
	assert_int_equal(sysroot_read_kexec_attr(sr, "crash_size", v, sizeof(v), NULL), 0);
	assert_string_equal(v, "134217728");
	/* neither: the new path is named */
	assert_int_equal(sysroot_read_kexec_attr(sr, "crash_elfcorehdr_size", v, sizeof(v), &rel),
			 -ENOENT);
	assert_string_equal(rel, "sys/kernel/kexec/crash_elfcorehdr_size");
	assert_int_equal(sysroot_read_kexec_attr(sr, "kexec_loaded", v, sizeof(v), NULL), -EINVAL);
	sysroot_free(sr);
}

static void test_list_numeric_order(void **state)
{
	struct sysroot *sr;
	char **names;
	size_t n;

	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(sysroot_list(sr, "sys/firmware/memmap", &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "0");
	assert_string_equal(names[1], "2");
	assert_string_equal(names[2], "10");
	sysroot_names_free(names, n);
	sysroot_free(sr);
}

static void test_kmsg_from_file(void **state)
{
	struct sysroot *sr;
	enum kmsg_source src;
	char *buf;
	size_t len;

	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(sysroot_read_kmsg(sr, &buf, &len, &src), 0);
	assert_int_equal(src, KMSG_SOURCE_FILE);
	assert_string_equal(buf, "6,1,100,-;virt/tdx: module initialized\n");
	free(buf);
	sysroot_free(sr);
}

static void test_unusable_root(void **state)
{
	struct sysroot *sr;

	assert_int_equal(sysroot_open("/nonexistent/kt-root", &sr), -ENOENT);
	assert_int_equal(sysroot_open("/etc/hostname", &sr), -ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_relative_and_absolute),
		cmocka_unit_test(test_read_limit),
		cmocka_unit_test(test_read_small),
		cmocka_unit_test(test_list_numeric_order),
		cmocka_unit_test(test_kexec_attr),
		cmocka_unit_test(test_kmsg_from_file),
		cmocka_unit_test(test_unusable_root),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
