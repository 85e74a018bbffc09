/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel lockdown (kexec/lockdown.c): the parser over the file's text
 * with exact messages, the read through a throw-away sysroot (absent,
 * malformed, each mode), and which modes forbid kexec_load.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lockdown.h"
#include "text.h"
#include "tree.h"

static void test_parse(void **state)
{
	static const struct {
		const char *text;
		int r;
		const char *want;       /* or the message */
	} cases[] = {
		{ "[none] integrity confidentiality\n", 0, "none" },
		{ "none [integrity] confidentiality\n", 0, "integrity" },
		{ "none integrity [confidentiality]\n", 0, "confidentiality" },
		{ "", -EINVAL, "l: no [selected] mode" },
		{ "none integrity confidentiality\n", -EINVAL, "l: no [selected] mode" },
		{ "[none integrity\n", -EINVAL, "l: '[' without ']'" },
		{ "[] none\n", -EINVAL, "l: mode of 0 characters" },
		{ "[averyveryverylongmodename]\n", -EINVAL, "l: mode of 25 characters" },
		{ "[No ne]\n", -EINVAL, "l: mode is not a word" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		char out[LOCKDOWN_MODE_SIZE] = "";

		assert_int_equal(lockdown_parse(cases[i].text, strlen(cases[i].text), out, sizeof(out),
						&log, "l"), cases[i].r);
		if (cases[i].r == 0)
			assert_string_equal(out, cases[i].want);
		else
			assert_string_equal(log.last, cases[i].want);
	}
}

/* Not NUL-terminated: the parser stays within len. */
static void test_parse_len(void **state)
{
	struct kexec_log log = { 0 };
	char out[LOCKDOWN_MODE_SIZE] = "";

	assert_int_equal(lockdown_parse("[none] [x]", 5, out, sizeof(out), &log, "l"), -EINVAL);
	assert_string_equal(log.last, "l: '[' without ']'");
	assert_int_equal(lockdown_parse("[none] [x]", 6, out, sizeof(out), &log, "l"), 0);
	assert_string_equal(out, "none");
}

static void test_read(void **state)
{
	static const struct {
		const char *text;       /* NULL: no file */
		const char *want;
		const char *said;       /* the message, after the root */
	} cases[] = {
		{ NULL, "", "" },
		{ "[none] integrity confidentiality\n", "none", "" },
		{ "none [integrity] confidentiality\n", "integrity", "" },
		{ "none integrity [confidentiality]\n", "confidentiality", "" },
		{ "garbage\n", "", "/sys/kernel/security/lockdown: no [selected] mode" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char root[64], out[LOCKDOWN_MODE_SIZE] = "stale", said[256] = "";
		struct kexec_log log = { 0 };
		struct sysroot *sr;

		snprintf(root, sizeof(root), "/tmp/kt-lockdown-XXXXXX");
		assert_non_null(mkdtemp(root));
		tree_put(root, "proc/cmdline", "x\n");
		if (cases[i].text)
			tree_put(root, "sys/kernel/security/lockdown", cases[i].text);
		assert_int_equal(sysroot_open(root, &sr), 0);
		lockdown_read(sr, &log, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
		if (cases[i].said[0])
			snprintf(said, sizeof(said), "%s%s", root, cases[i].said);
		assert_string_equal(log.last, said);
		sysroot_free(sr);
		tree_rm(root);
	}
}

static void test_forbids(void **state)
{
	assert_false(lockdown_forbids_kexec_load(""));
	assert_false(lockdown_forbids_kexec_load("none"));
	assert_true(lockdown_forbids_kexec_load("integrity"));
	assert_true(lockdown_forbids_kexec_load("confidentiality"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_len),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_forbids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
