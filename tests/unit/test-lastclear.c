/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last kexec's clear (kexec/tdx/lastclear.c): the boot service's log
 * line from a report, last-report.json parsed and read back through a
 * throw-away sysroot, the measured rate; exact values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "tdx/lastclear.h"
#include "tree.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define GiB (1ull << 30)

static void test_line(void **state)
{
	static const struct {
		struct tdx_last_clear c;
		const char *want;
	} cases[] = {
		{ { "clear", 512 * GiB, 32, 3.1, true },
		  "kexec cleared 512.0 GiB on 32 CPUs in 3.1 s (177 GB/s), verified" },
		{ { "clear", 2 * GiB, 1, 0.4, false },
		  "kexec cleared 2.0 GiB on 1 CPU in 0.4 s (5.4 GB/s), not verified" },
		/* too small for a rate */
		{ { "clear", 64ull << 20, 2, 0.004, true },
		  "kexec cleared 64.0 MiB on 2 CPUs in 0.0 s, verified" },
		{ { "clear", 4 * GiB, 4, -1, true },
		  "kexec cleared 4.0 GiB on 4 CPUs (time unknown: no TSC rate in the log), verified" },
		{ { "flush", 0, 64, 0, true }, "kexec flushed the caches (WBINVD) on 64 CPUs, verified" },
		{ { "none", 0, 0, -1, true }, "kexec booted this kernel without a flush or clear, verified" },
	};
	char buf[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tdx_last_clear_line(&cases[i].c, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_from_report(void **state)
{
	struct tdx_report *r = calloc(1, sizeof(*r));
	struct tdx_last_clear c;

	r->h.action = KTDX_ACTION_CLEAR;
	r->h.verify = KTDX_VERIFY_OK;
	r->h.bytes_cleared = 8 * GiB;
	r->h.cpus_used = 4;
	r->h.tsc_clear = 3000000000ull;         /* 1.5 s at 2 GHz */
	tdx_last_clear_from_report(r, 2000000, &c);
	assert_string_equal(c.action, "clear");
	assert_true(c.bytes == 8 * GiB);
	assert_int_equal(c.cpus, 4);
	assert_true(c.seconds == 1.5);
	assert_true(c.verified);
	assert_true(tdx_last_clear_rate(&c) == (double)(8 * GiB) / 1.5);
	tdx_last_clear_from_report(r, 0, &c);
	assert_true(c.seconds == -1.0);
	assert_true(tdx_last_clear_rate(&c) == 0);
	free(r);
}

static void test_parse(void **state)
{
	static const struct {
		const char *json;
		int want;
		const char *last;
	} cases[] = {
		{ "{\"action\":\"clear\",\"bytes_cleared\":1073741824,\"cpus_used\":2,\"verify\":\"ok\","
		  "\"clear_seconds\":0.5}", 0, "" },
		{ "{\"action\":\"clear\",\"bytes_cleared\":1073741824,\"cpus_used\":2,\"verify\":\"ok\","
		  "\"clear_seconds\":null}", 0, "" },
		{ "{\"action\":\"wipe\",\"bytes_cleared\":1,\"cpus_used\":2,\"verify\":\"ok\"}", -EINVAL,
		  "f: \"action\" missing or invalid" },
		{ "{\"action\":\"clear\",\"bytes_cleared\":-1,\"cpus_used\":2,\"verify\":\"ok\"}", -EINVAL,
		  "f: \"bytes_cleared\" missing or invalid" },
		{ "{\"action\":\"clear\",\"bytes_cleared\":1,\"cpus_used\":2,\"verify\":\"maybe\"}", -EINVAL,
		  "f: \"verify\" missing or invalid" },
		{ "{\"action\":\"clear\",\"bytes_cleared\":1,\"cpus_used\":2,\"verify\":\"ok\","
		  "\"clear_seconds\":\"3\"}", -EINVAL, "f: \"clear_seconds\" missing or invalid" },
		{ "[1]", -EINVAL, "f: not a JSON object" },
		{ "{\"action\":", -EINVAL, "f: not a JSON object" },
	};
	struct tdx_last_clear c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };

		assert_int_equal(tdx_last_clear_parse(cases[i].json, strlen(cases[i].json), &c, &log, "f"),
				 cases[i].want);
		assert_string_equal(log.last, cases[i].last);
	}
	tdx_last_clear_parse(cases[0].json, strlen(cases[0].json), &c, NULL, "f");
	assert_true(c.seconds == 0.5);
	assert_int_equal(c.cpus, 2);
}

static void test_read(void **state)
{
	char root[] = "/tmp/kt-lastclear-XXXXXX", cmd[64];
	struct kexec_log log = { 0 };
	struct tdx_last_clear c;
	struct sysroot *sr;

	assert_non_null(mkdtemp(root));
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(tdx_last_clear_read(sr, &log, &c), 0);         /* none yet */
	tree_put(root, TDX_LAST_REPORT, "{\"action\":\"clear\",\"bytes_cleared\":549755813888,"
		 "\"cpus_used\":32,\"verify\":\"ok\",\"clear_seconds\":3.1}\n");
	assert_int_equal(tdx_last_clear_read(sr, &log, &c), 1);
	assert_true(c.bytes == 512 * GiB && c.cpus == 32 && c.seconds == 3.1 && c.verified);
	tree_put(root, TDX_LAST_REPORT, "garbage");
	assert_int_equal(tdx_last_clear_read(sr, &log, &c), -EINVAL);
	assert_non_null(strstr(log.last, "var/lib/kexec-tdx/last-report.json: not a JSON object"));
	sysroot_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_from_report),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
