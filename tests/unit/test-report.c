/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec --tdx-report: decode the purgatory's record from a setup_data
 * tree built here (sys/kernel/boot_params/setup_data/N/{type,data}), the
 * record itself made by the purgatory's own report_init().
 */
#include <errno.h>
#include <ftw.h>
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
#include <json-c/json.h>
#include "purgatory.h"
#include "sysroot.h"
#include "tdx/report.h"

#define SD "sys/kernel/boot_params/setup_data"

struct entry {
	const char *type;       /* as the kernel prints it */
	const void *data;
	size_t len;
};

struct fixture {
	char root[64];
	struct sysroot *sr;
	struct kexec_log log;
};

static void mkdirs(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* n < 0: no setup_data directory at all. */
static void fixture_make(struct fixture *fx, const struct entry *e, int n)
{
	char rel[256];

	memset(fx, 0, sizeof(*fx));
	strcpy(fx->root, "/tmp/kt-report-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	mkdirs(fx->root, "sys/kernel/boot_params");
	if (n >= 0)
		mkdirs(fx->root, SD);
	for (int i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), SD "/%d", i);
		mkdirs(fx->root, rel);
		snprintf(rel, sizeof(rel), SD "/%d/type", i);
		put(fx->root, rel, e[i].type, strlen(e[i].type));
		snprintf(rel, sizeof(rel), SD "/%d/data", i);
		put(fx->root, rel, e[i].data, e[i].len);
	}
	assert_int_equal(sysroot_open(fx->root, &fx->sr), 0);
	fx->log.out = NULL;     /* keep the test output clean; the text is in log.last */
	fx->log.level = LOG_DEBUG;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void fixture_free(struct fixture *fx)
{
	sysroot_free(fx->sr);
	nftw(fx->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct ktdx_report sample(void)
{
	struct ktdx_report r;

	report_init(&r);
	r.action = KTDX_ACTION_CLEAR;
	r.method = KTDX_METHOD_MOVDIR64B;
	r.verify = KTDX_VERIFY_OK;
	r.nr_ranges = 3;
	r.bytes_cleared = 0x7fe00000;
	r.tsc_verify = 111;
	r.tsc_flush = 222;
	r.tsc_clear = 333;
	r.sha256_path = KTDX_SHA_PATH_NI;
	r.paging = 4;
	r.pgtable_bytes = 0x6000;
	return r;
}

static const uint8_t rng_seed[32] = { 1, 2, 3 };

/* Decode with a report at setup_data/1 behind an unrelated entry. */
static int decode_one(const void *data, size_t len, struct fixture *fx, struct ktdx_report *out)
{
	struct entry e[] = {
		{ "0x9\n", rng_seed, sizeof(rng_seed) },        /* SETUP_RNG_SEED */
		{ "0x54445852\n", data, len },
	};

	fixture_make(fx, e, 2);
	return tdx_report_read(fx->sr, &fx->log, out);
}

static void test_good(void **state)
{
	struct ktdx_report r = sample(), got;
	struct fixture fx;

	assert_int_equal(decode_one(&r, sizeof(r), &fx, &got), 0);
	assert_memory_equal(&got, &r, sizeof(r));

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(tdx_report_print(fx.sr, &fx.log, f, false), 0);
	fclose(f);
	assert_non_null(strstr(text, "action:          clear\n"));
	assert_non_null(strstr(text, "method:          movdir64b\n"));
	assert_non_null(strstr(text, "verify:          ok\n"));
	assert_non_null(strstr(text, "bytes cleared:   2145386496 (2046.0 MiB)\n"));
	assert_non_null(strstr(text, "verify 111, flush 222, clear 333"));
	assert_non_null(strstr(text, "SHA-256 path:    sha-ni\n"));
	assert_non_null(strstr(text, "page tables:     own, 4-level, 24576 bytes of tables\n"));
	free(text);

	f = open_memstream(&text, &len);
	assert_int_equal(tdx_report_print(fx.sr, &fx.log, f, true), 0);
	fclose(f);
	struct json_object *o = json_tokener_parse(text), *v;

	assert_non_null(o);
	static const struct { const char *key, *want; } strings[] = {
		{ "action", "clear" }, { "method", "movdir64b" }, { "verify", "ok" },
		{ "sha256", "sha-ni" },
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		assert_true(json_object_object_get_ex(o, strings[i].key, &v));
		assert_string_equal(json_object_get_string(v), strings[i].want);
	}
	static const struct { const char *key; int64_t want; } ints[] = {
		{ "version", 2 }, { "nr_ranges", 3 }, { "bytes_cleared", 0x7fe00000 },
		{ "tsc_verify", 111 }, { "tsc_flush", 222 }, { "tsc_clear", 333 },
		{ "paging", 4 }, { "pgtable_bytes", 0x6000 },
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		assert_true(json_object_object_get_ex(o, ints[i].key, &v));
		assert_true(json_object_is_type(v, json_type_int));
		assert_int_equal(json_object_get_int64(v), ints[i].want);
	}
	assert_false(json_object_object_get_ex(o, "movdir64b", &v));     /* version 1's CPUID bits */
	assert_false(json_object_object_get_ex(o, "sha_ni", &v));
	json_object_put(o);
	free(text);
	fixture_free(&fx);
}

/* The plain path's record: no own tables, verified in C. */
static void test_plain(void **state)
{
	struct ktdx_report r, got;
	struct fixture fx;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	report_init(&r);
	r.action = KTDX_ACTION_NONE;
	r.method = KTDX_METHOD_NONE;
	r.verify = KTDX_VERIFY_OK;
	r.sha256_path = KTDX_SHA_PATH_C;
	assert_int_equal(decode_one(&r, sizeof(r), &fx, &got), 0);
	f = open_memstream(&text, &len);
	assert_int_equal(tdx_report_write(&got, f, false), 0);
	fclose(f);
	assert_non_null(strstr(text, "SHA-256 path:    c\n"));
	assert_non_null(strstr(text, "page tables:     the old kernel's identity map\n"));
	free(text);
	fixture_free(&fx);
}

/* Every method and action name, and a flush-only record. */
static void test_names(void **state)
{
	static const struct { uint32_t v; const char *action, *method; } names[] = {
		{ 0, "none", "none" }, { 1, "flush", "wbinvd" }, { 2, "clear", "nt-store" },
		{ 3, NULL, "movdir64b" }, { 4, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *a = tdx_report_action_name(names[i].v), *m = tdx_report_method_name(names[i].v);

		if (names[i].action)
			assert_string_equal(a, names[i].action);
		else
			assert_null(a);
		if (names[i].method)
			assert_string_equal(m, names[i].method);
		else
			assert_null(m);
	}
}

struct bad_case {
	const char *name;
	size_t offset;          /* field to overwrite */
	uint64_t value;
	size_t width;
	size_t len;             /* bytes of data, 0 = the whole record */
	int err;
	const char *msg;        /* expected in log.last */
};

static const struct bad_case bad[] = {
	{ "wrong magic", offsetof(struct ktdx_report, magic), 0x1122334455667788ull, 8, 0, -EINVAL,
	  "setup_data/1/data: magic 0x1122334455667788, expected 0x5452504552584454" },
	{ "wrong version", offsetof(struct ktdx_report, version), 1, 4, 0, -EINVAL,
	  "setup_data/1/data: version 1, this kexec reads version 2" },
	{ "size too small", offsetof(struct ktdx_report, size), 64, 4, 0, -EINVAL,
	  "setup_data/1/data: size 64, a version 2 report is 104 bytes" },
	{ "truncated", 0, 0, 0, 60, -EINVAL,
	  "setup_data/1/data: truncated: 60 bytes, the report's size field says 104" },
	{ "header cut", 0, 0, 0, 10, -EINVAL,
	  "setup_data/1/data: 10 bytes, too short for a report header (16)" },
	{ "bad action", offsetof(struct ktdx_report, action), 7, 4, 0, -EINVAL,
	  "setup_data/1/data: action 7 is not defined" },
	{ "bad method", offsetof(struct ktdx_report, method), 9, 4, 0, -EINVAL,
	  "setup_data/1/data: method 9 is not defined" },
	{ "bad verify", offsetof(struct ktdx_report, verify), 2, 4, 0, -EINVAL,
	  "setup_data/1/data: verify 2 is not defined" },
	{ "bad sha256_path", offsetof(struct ktdx_report, sha256_path), 4, 4, 0, -EINVAL,
	  "setup_data/1/data: sha256_path 4 is not defined" },
	{ "bad paging", offsetof(struct ktdx_report, paging), 3, 4, 0, -EINVAL,
	  "setup_data/1/data: paging 3 is not 0, 4 or 5" },
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ktdx_report r = sample(), got;
		struct fixture fx;

		memcpy((uint8_t *)&r + bad[i].offset, &bad[i].value, bad[i].width);
		assert_int_equal(decode_one(&r, bad[i].len ? bad[i].len : sizeof(r), &fx, &got),
				 bad[i].err);
		if (!strstr(fx.log.last, bad[i].msg))
			fail_msg("%s: message \"%s\", expected \"%s\"", bad[i].name, fx.log.last,
				 bad[i].msg);
		assert_non_null(strstr(fx.log.last, fx.root));  /* the full path is named */
		fixture_free(&fx);
	}
}

static void test_empty_slot(void **state)
{
	uint8_t zero[sizeof(struct ktdx_report)] = { 0 };
	struct ktdx_report got;
	struct fixture fx;

	assert_int_equal(decode_one(zero, sizeof(zero), &fx, &got), -ENOENT);
	assert_non_null(strstr(fx.log.last, "the report slot is empty"));
	fixture_free(&fx);
}

static void test_none(void **state)
{
	struct entry e[] = {
		{ "0x9\n", rng_seed, sizeof(rng_seed) },
		{ "0x4\n", rng_seed, 8 },                       /* SETUP_EFI */
		{ "garbage\n", rng_seed, 8 },                   /* skipped, not fatal */
	};
	struct ktdx_report got;
	struct fixture fx;

	fixture_make(&fx, e, 3);
	assert_int_equal(tdx_report_read(fx.sr, &fx.log, &got), -ENOENT);
	assert_non_null(strstr(fx.log.last, "no kexec-tdx report: no setup_data entry of type 0x54445852"));
	fixture_free(&fx);

	fixture_make(&fx, NULL, -1);
	assert_int_equal(tdx_report_print(fx.sr, &fx.log, stdout, false), -ENOENT);
	assert_non_null(strstr(fx.log.last, "setup_data does not exist"));
	fixture_free(&fx);
}

/* A larger (future) size is fine as long as the data holds it. */
static void test_longer(void **state)
{
	uint8_t buf[sizeof(struct ktdx_report) + 16] = { 0 };
	struct ktdx_report r = sample(), got;
	struct fixture fx;

	r.size = sizeof(buf);
	memcpy(buf, &r, sizeof(r));
	buf[sizeof(r)] = 0xee;
	assert_int_equal(decode_one(buf, sizeof(buf), &fx, &got), 0);
	assert_int_equal(got.nr_ranges, 3);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_empty_slot),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_longer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
