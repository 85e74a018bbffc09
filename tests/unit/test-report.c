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

/* A report as the purgatory leaves it: the header and its CPU entries. */
struct record {
	struct ktdx_report h;
	struct ktdx_report_cpu c[4];
};

static struct record sample(void)
{
	struct record rec;
	struct ktdx_report r;

	memset(&rec, 0, sizeof(rec));
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
	r.nr_cpus = 4;
	r.cpus_used = 3;
	r.apic_mode = KTDX_APIC_X2APIC;
	r.size = KTDX_REPORT_SIZE(4);
	rec.h = r;
	rec.c[0] = (struct ktdx_report_cpu){ 0, KTDX_CPU_BOOT, 0x30000000, 1000 };
	rec.c[1] = (struct ktdx_report_cpu){ 2, KTDX_CPU_CLEARED, 0x20000000, 900 };
	rec.c[2] = (struct ktdx_report_cpu){ 4, KTDX_CPU_LATE, 0x2fe00000, 800 };
	rec.c[3] = (struct ktdx_report_cpu){ 6, KTDX_CPU_NO_START, 0, 0 };
	return rec;
}

static const uint8_t rng_seed[32] = { 1, 2, 3 };

/* Decode with a report at setup_data/1 behind an unrelated entry. */
static int decode_one(const void *data, size_t len, struct fixture *fx, struct tdx_report *out)
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
	struct record r = sample();
	static struct tdx_report got;
	struct fixture fx;

	_Static_assert(sizeof(struct record) == KTDX_REPORT_SIZE(4), "no padding");
	assert_int_equal(decode_one(&r, sizeof(r), &fx, &got), 0);
	assert_memory_equal(&got.h, &r.h, sizeof(r.h));
	assert_memory_equal(got.cpu, r.c, sizeof(r.c));

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(tdx_report_print(fx.sr, &fx.log, f, false), 0);
	fclose(f);
	/* the summary line first; no kernel log here, so no TSC rate */
	assert_true(!strncmp(text, "kexec cleared 2.0 GiB on 3 CPUs (time unknown: no TSC rate in the log), "
			     "verified\nkexec-tdx purgatory report", 100));
	assert_non_null(strstr(text, "action:          clear\n"));
	assert_non_null(strstr(text, "method:          movdir64b\n"));
	assert_non_null(strstr(text, "verify:          ok\n"));
	assert_non_null(strstr(text, "bytes cleared:   2145386496 (2046.0 MiB)\n"));
	assert_non_null(strstr(text, "verify 111, flush 222, clear 333"));
	assert_non_null(strstr(text, "SHA-256 path:    sha-ni\n"));
	assert_non_null(strstr(text, "page tables:     own, 4-level, 24576 bytes of tables\n"));
	assert_non_null(strstr(text, "CPUs used:       3 of 4, started through x2apic\n"));
	assert_non_null(strstr(text, "    APIC id 0      boot         805306368 bytes in 1000 cycles\n"));
	assert_non_null(strstr(text, "    APIC id 4      late         803209216 bytes in 800 cycles"
				     " (the boot CPU took over its share)\n"));
	assert_non_null(strstr(text, "    APIC id 6      no-start     0 bytes in 0 cycles"
				     " (the boot CPU took over its share)\n"));
	free(text);

	f = open_memstream(&text, &len);
	assert_int_equal(tdx_report_print(fx.sr, &fx.log, f, true), 0);
	fclose(f);
	struct json_object *o = json_tokener_parse(text), *v;

	assert_non_null(o);
	static const struct { const char *key, *want; } strings[] = {
		{ "action", "clear" }, { "method", "movdir64b" }, { "verify", "ok" },
		{ "apic_mode", "x2apic" },
		{ "sha256", "sha-ni" },
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		assert_true(json_object_object_get_ex(o, strings[i].key, &v));
		assert_string_equal(json_object_get_string(v), strings[i].want);
	}
	static const struct { const char *key; int64_t want; } ints[] = {
		{ "schema_version", 1 }, { "record_version", 3 }, { "cpus_used", 3 }, { "nr_ranges", 3 }, { "bytes_cleared", 0x7fe00000 },
		{ "tsc_verify", 111 }, { "tsc_flush", 222 }, { "tsc_clear", 333 },
		{ "paging", 4 }, { "pgtable_bytes", 0x6000 },
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		assert_true(json_object_object_get_ex(o, ints[i].key, &v));
		assert_true(json_object_is_type(v, json_type_int));
		assert_int_equal(json_object_get_int64(v), ints[i].want);
	}
	/* unknown without the TSC rate: null, never 0 */
	assert_true(json_object_object_get_ex(o, "clear_seconds", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "tsc_khz", &v));
	assert_null(v);
	static const int64_t per_cpu[] = { 0x30000000, 0x20000000, 0x2fe00000, 0 };
	assert_true(json_object_object_get_ex(o, "per_cpu_bytes", &v));
	assert_int_equal(json_object_array_length(v), 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(json_object_get_int64(json_object_array_get_idx(v, i)), per_cpu[i]);
	assert_true(json_object_object_get_ex(o, "cpus_fallback", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_int_equal(json_object_get_int64(json_object_array_get_idx(v, 0)), 4);
	assert_int_equal(json_object_get_int64(json_object_array_get_idx(v, 1)), 6);
	assert_true(json_object_object_get_ex(o, "cpus", &v));
	assert_int_equal(json_object_array_length(v), 4);
	{
		struct json_object *c = json_object_array_get_idx(v, 1), *field;

		assert_true(json_object_object_get_ex(c, "apic_id", &field));
		assert_int_equal(json_object_get_int64(field), 2);
		assert_true(json_object_object_get_ex(c, "status", &field));
		assert_string_equal(json_object_get_string(field), "cleared");
		assert_true(json_object_object_get_ex(c, "tsc_clear", &field));
		assert_int_equal(json_object_get_int64(field), 900);
	}
	/* issue 21 item 2: the head, and one warning per CPU whose share the boot CPU took */
	assert_true(json_object_object_get_ex(o, "decision", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "reason", &v));
	assert_string_equal(json_object_get_string(v), "the purgatory flushed and cleared 2046.0 MiB in "
			    "3 ranges on 3 CPUs; segments verified");
	assert_true(json_object_object_get_ex(o, "warnings", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)),
			    "the CPU with APIC id 4 did not take its share (late); the boot CPU "
			    "cleared it");
	{
		static const char *const head[] = { "schema_version", "decision", "action", "reason",
						    "warnings" };
		size_t i = 0;

		json_object_object_foreach(o, key, val) {
			(void)val;
			if (i < 5)
				assert_string_equal(key, head[i]);
			i++;
		}
	}
	assert_false(json_object_object_get_ex(o, "version", &v));
	assert_false(json_object_object_get_ex(o, "movdir64b", &v));     /* version 1's CPUID bits */
	assert_false(json_object_object_get_ex(o, "sha_ni", &v));
	json_object_put(o);
	free(text);
	fixture_free(&fx);
}

/* The plain path's record: no own tables, verified in C. */
static void test_plain(void **state)
{
	struct ktdx_report r;
	static struct tdx_report got;
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
	assert_non_null(strstr(text, "CPUs used:       0 of 0, started through nothing\n"));
	free(text);
	fixture_free(&fx);
}

/* Every method and action name, and a flush-only record. */
static void test_names(void **state)
{
	static const struct { uint32_t v; const char *action, *method; } names[] = {
		{ 0, "none", "none" }, { 1, "flush", "wbinvd" }, { 2, "clear", "nt-store" },
		{ 3, NULL, "movdir64b" }, { 4, NULL, "nt-store-avx" }, { 5, NULL, NULL },
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
	{ "wrong magic", offsetof(struct record, h. magic), 0x1122334455667788ull, 8, 0, -EINVAL,
	  "setup_data/1/data: magic 0x1122334455667788, expected 0x5452504552584454" },
	{ "wrong version", offsetof(struct record, h. version), 1, 4, 0, -EINVAL,
	  "setup_data/1/data: version 1, this kexec reads version 3" },
	{ "size too small", offsetof(struct record, h. size), 64, 4, 0, -EINVAL,
	  "setup_data/1/data: size 64, a version 3 report is 104 bytes" },
	{ "truncated", 0, 0, 0, 60, -EINVAL,
	  "setup_data/1/data: truncated: 60 bytes, the report's size field says 200" },
	{ "cpu entries cut", offsetof(struct record, h.size), 104 + 24 * 3, 4, 104 + 24 * 3, -EINVAL,
	  "setup_data/1/data: size 176 has no room for nr_cpus 4 (200 bytes)" },
	{ "too many cpus", offsetof(struct record, h.nr_cpus), 1025, 4, 0, -EINVAL,
	  "setup_data/1/data: nr_cpus 1025, at most 1024" },
	{ "bad cpu status", offsetof(struct record, c[3].status), 7, 4, 0, -EINVAL,
	  "setup_data/1/data: cpus[3].status 7 is not defined" },
	{ "bytes do not add up", offsetof(struct record, c[1].bytes), 0x20001000, 8, 0, -EINVAL,
	  "setup_data/1/data: cpus[].bytes add up to 2145390592, bytes_cleared is 2145386496" },
	{ "bad apic_mode", offsetof(struct record, h.apic_mode), 3, 4, 0, -EINVAL,
	  "setup_data/1/data: apic_mode 3 is not defined" },
	{ "cpus_used too small", offsetof(struct record, h.cpus_used), 2, 4, 0, -EINVAL,
	  "setup_data/1/data: cpus_used 2 with 4 CPU entries, 3 of them with bytes" },
	{ "cpus_used too large", offsetof(struct record, h.cpus_used), 5, 4, 0, -EINVAL,
	  "setup_data/1/data: cpus_used 5 with 4 CPU entries, 3 of them with bytes" },
	{ "header cut", 0, 0, 0, 10, -EINVAL,
	  "setup_data/1/data: 10 bytes, too short for a report header (16)" },
	{ "bad action", offsetof(struct record, h. action), 7, 4, 0, -EINVAL,
	  "setup_data/1/data: action 7 is not defined" },
	{ "bad method", offsetof(struct record, h. method), 9, 4, 0, -EINVAL,
	  "setup_data/1/data: method 9 is not defined" },
	{ "bad verify", offsetof(struct record, h. verify), 2, 4, 0, -EINVAL,
	  "setup_data/1/data: verify 2 is not defined" },
	{ "bad sha256_path", offsetof(struct record, h. sha256_path), 4, 4, 0, -EINVAL,
	  "setup_data/1/data: sha256_path 4 is not defined" },
	{ "bad paging", offsetof(struct record, h. paging), 3, 4, 0, -EINVAL,
	  "setup_data/1/data: paging 3 is not 0, 4 or 5" },
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct record r = sample();
		static struct tdx_report got;
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
	static struct tdx_report got;
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
	static struct tdx_report got;
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

/* The type as ksysfs prints it ("0x%x") or in decimal; anything else is skipped. */
static void test_type_forms(void **state)
{
	struct record r = sample();
	struct entry e[] = {
		{ "0x154445852\n", rng_seed, 8 },              /* more than 32 bits */
		{ "0x54445852x\n", rng_seed, 8 },
		{ "0x\n", rng_seed, 8 },
		{ "+0x54445852\n", rng_seed, 8 },
		{ "", rng_seed, 8 },
		{ "1413765202 \n", &r, sizeof(r) },
	};
	static struct tdx_report got;
	struct fixture fx;

	fixture_make(&fx, e, 6);
	assert_int_equal(tdx_report_read(fx.sr, &fx.log, &got), 0);
	assert_int_equal(got.h.nr_ranges, 3);
	fixture_free(&fx);
}

/* A larger (future) size is fine as long as the data holds it. */
static void test_longer(void **state)
{
	uint8_t buf[sizeof(struct record) + 16] = { 0 };
	struct record r = sample();
	static struct tdx_report got;
	struct fixture fx;

	r.h.size = sizeof(buf);
	memcpy(buf, &r, sizeof(r));
	buf[sizeof(r)] = 0xee;
	assert_int_equal(decode_one(buf, sizeof(buf), &fx, &got), 0);
	assert_int_equal(got.h.nr_ranges, 3);
	assert_int_equal(got.cpu[3].apic_id, 6);
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
		cmocka_unit_test(test_type_forms),
		cmocka_unit_test(test_longer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
