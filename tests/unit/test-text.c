/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared text helpers: the number reader and the command-line editor. */
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>
#include "text.h"

static void test_parse_u64(void **state)
{
	static const struct {
		const char *s;
		unsigned base;
		int r;
		uint64_t v;
		size_t used;
	} cases[] = {
		{ "0", 10, 0, 0, 1 },
		{ "424\n", 10, 0, 424, 3 },
		{ "18446744073709551615", 10, 0, UINT64_MAX, 20 },
		{ "18446744073709551616", 10, -ERANGE, 0, 0 },
		{ "17fc1e9e8 ", 16, 0, 0x17fc1e9e8, 9 },
		{ "0x1000-", 16, 0, 0x1000, 6 },
		{ "0XfF", 16, 0, 0xff, 4 },
		{ "0x", 16, 0, 0, 1 },           /* "0", then an 'x' for the caller */
		{ "ffffffffffffffff", 16, 0, UINT64_MAX, 16 },
		{ "10000000000000000", 16, -ERANGE, 0, 0 },
		{ "ab", 10, -EINVAL, 0, 0 },
		{ "", 16, -EINVAL, 0, 0 },
		{ "-1", 10, -EINVAL, 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *p = cases[i].s;
		uint64_t v = 7;

		assert_int_equal(text_parse_u64(&p, cases[i].base, &v), cases[i].r);
		assert_int_equal(v, cases[i].r ? 7 : cases[i].v);
		assert_int_equal(p - cases[i].s, cases[i].used);
	}
}

static void test_parse_u64_all(void **state)
{
	uint64_t v;

	assert_int_equal(text_parse_u64_all("0x40000000", 16, &v), 0);
	assert_int_equal(v, 0x40000000);
	assert_int_equal(text_parse_u64_all("12x", 10, &v), -EINVAL);
	assert_int_equal(text_parse_u64_all("12 ", 10, &v), -EINVAL);
	assert_int_equal(text_parse_u64_all("", 10, &v), -EINVAL);
	assert_true(text_only_space(" \t\n"));
	assert_true(text_only_space(""));
	assert_false(text_only_space(" x"));
}

static void test_word_len(void **state)
{
	assert_int_equal(text_word_len("root=/dev/sda ro"), 13);
	assert_int_equal(text_word_len("dyndbg=\"file a.c +p\" quiet"), 20);
	assert_int_equal(text_word_len("a=\"unterminated quote"), 21);
	assert_int_equal(text_word_len(" x"), 0);
	assert_int_equal(text_word_len(""), 0);
}

static void test_cmdline_edit(void **state)
{
	static const char *const boot[] = { "BOOT_IMAGE=", "crashkernel=", NULL };
	static const struct {
		const char *line, *insert, *want;
	} cases[] = {
		{ "BOOT_IMAGE=/vmlinuz root=/dev/vda crashkernel=256M quiet\n", NULL,
		  "root=/dev/vda quiet" },
		{ "  a\t\tb  ", NULL, "a b" },
		{ "", NULL, "" },
		{ "", "x=1", "x=1" },
		{ "a -- crashkernel=1 b", "x=1", "a x=1 -- crashkernel=1 b" },
		{ "opt=\"BOOT_IMAGE=1 crashkernel=2\" crashkernel=3", "x=1",
		  "opt=\"BOOT_IMAGE=1 crashkernel=2\" x=1" },
		{ "crashkernelx=1 BOOT_IMAGE", NULL, "crashkernelx=1 BOOT_IMAGE" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = NULL;

		assert_int_equal(text_cmdline_edit(cases[i].line, boot, cases[i].insert, &s), 0);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

/* The kernel's own word split: quotes removed, a bare "--" ends the kernel's part. */
static void test_cmdline_next(void **state)
{
	static const char line[] = "  ro quiet\tdyndbg=\"file x.c +p\" reserve_mem=2M:4096:oops\n"
				   "console=ttyS1,115200 -- console=ttyS0 init.x=1";
	static const char *const want[] = { "ro", "quiet", "dyndbg=file x.c +p",
					    "reserve_mem=2M:4096:oops", "console=ttyS1,115200" };
	char w[64], small[6];
	size_t pos = 0, n = 0;

	while (text_cmdline_next(line, &pos, w, sizeof(w))) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_string_equal(w, want[n++]);
	}
	assert_int_equal(n, 5);
	pos = 0;
	assert_true(text_cmdline_next("abcdefgh", &pos, small, sizeof(small)));
	assert_string_equal(small, "abcde");
	assert_int_equal(pos, 8);
	pos = 0;
	assert_false(text_cmdline_next(" \n", &pos, w, sizeof(w)));
}

static void test_yes_no(void **state)
{
	assert_string_equal(yes_no(true), "yes");
	assert_string_equal(yes_no(false), "no");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u64_all),
		cmocka_unit_test(test_word_len),
		cmocka_unit_test(test_cmdline_edit),
		cmocka_unit_test(test_cmdline_next),
		cmocka_unit_test(test_yes_no),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
