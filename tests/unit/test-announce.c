/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec/announce.c: the system-log line of a load, refusal and exec, the
 * sink that takes it under a sysroot, and the line before the jump;
 * exact text.
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
#include <kexec-tdx/purgatory-abi.h>
#include "announce.h"
#include "tree.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_syslog_line(void **state)
{
	static const struct {
		struct announce_event ev;
		const char *want;
	} cases[] = {
		{ { "load", TDX_DECISION_CLEAR, "clear", "/boot/vmlinuz-6.12.0", "TDX module initialized" },
		  "load: decision clear, action clear, kernel /boot/vmlinuz-6.12.0 (TDX module initialized)" },
		{ { "crash load", TDX_DECISION_CLEAR, "flush", "/boot/vmlinuz", NULL },
		  "crash load: decision clear, action flush, kernel /boot/vmlinuz" },
		{ { "load refused", TDX_DECISION_REFUSE, "refuse", "/boot/vmlinuz", "kexec: 2 TDs running" },
		  "load refused: decision refuse, action refuse, kernel /boot/vmlinuz (kexec: 2 TDs running)" },
		{ { "exec", TDX_DECISION_PLAIN, "none", "", "" }, "exec: decision plain, action none" },
	};
	char buf[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		announce_syslog_line(&cases[i].ev, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	/* a long reason is cut, never overflows */
	char why[900];

	memset(why, 'x', sizeof(why) - 1);
	why[sizeof(why) - 1] = '\0';
	announce_syslog_line(&(struct announce_event){ "exec", TDX_DECISION_FLUSH, "flush", NULL, why },
			     buf, 64);
	assert_int_equal(strlen(buf), 63);
}

static void test_sink(void **state)
{
	char root[] = "/tmp/kt-announce-XXXXXX", cmd[64], *text;
	struct sysroot *sr;
	size_t len;

	assert_non_null(mkdtemp(root));
	assert_int_equal(sysroot_open(root, &sr), 0);
	announce_syslog(sr, &(struct announce_event){ "load", TDX_DECISION_FLUSH, "flush", "/k", NULL });
	announce_syslog(sr, &(struct announce_event){ "exec", TDX_DECISION_FLUSH, "flush", "/k", NULL });
	assert_int_equal(sysroot_read(sr, ANNOUNCE_SINK, 0, &text, &len), 0);
	assert_string_equal(text, "load: decision flush, action flush, kernel /k\n"
				  "exec: decision flush, action flush, kernel /k\n");
	free(text);
	sysroot_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static void test_jump_line(void **state)
{
	static const struct {
		unsigned action;
		uint64_t bytes;
		unsigned cpus;
		long est;
		const char *want;
	} cases[] = {
		{ KTDX_ACTION_CLEAR, 4ull << 40, 64, 20,
		  "WBINVD and clear of 4.0 TiB on 64 CPUs, about 20 s; "
		  "the console is quiet until the new kernel prints" },
		{ KTDX_ACTION_CLEAR, 255ull << 30, 1, 240,
		  "WBINVD and clear of 255.0 GiB on 1 CPU, about 4 min; "
		  "the console is quiet until the new kernel prints" },
		{ KTDX_ACTION_CLEAR, 1ull << 30, 0, 0,
		  "WBINVD and clear of 1.0 GiB, under 1 s; the console is quiet until the new kernel prints" },
		{ KTDX_ACTION_FLUSH, 0, 8, 0,
		  "WBINVD on 8 CPUs, under 1 s; the console is quiet until the new kernel prints" },
		{ KTDX_ACTION_NONE, 0, 8, 0,
		  "booting the new kernel (no flush or clear); the console is quiet until the new kernel prints" },
	};
	char buf[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		announce_jump_line(cases[i].action, cases[i].bytes, cases[i].cpus, cases[i].est, buf,
				   sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syslog_line),
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_jump_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
