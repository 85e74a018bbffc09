/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/kexec-tdx.conf: config_parse over text, config_read and the policy precedence over trees. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "conffile.h"
#include "tree.h"

#define NOT_SET (-1)

/* issue 20 item 8: the operator's statement about TDH.SYS.DISABLE */
static void test_sys_disable_key(void **state)
{
	static const struct {
		const char *text;
		int r, want;
		unsigned line;
		const char *last;
	} cases[] = {
		{ "", 0, TDX_UNKNOWN, 0, "" },
		{ "tdx_sys_disable_supported = yes\n", 0, TDX_YES, 1, "" },
		{ "tdx=clear\ntdx_sys_disable_supported=\"no\"\n", 0, TDX_NO, 2, "" },
		{ "tdx_sys_disable_supported=Yes\n", -EINVAL, 0, 0,
		  "test.conf:1: tdx_sys_disable_supported=Yes: not yes or no" },
		{ "tdx_sys_disable_supported=\n", -EINVAL, 0, 0,
		  "test.conf:1: tdx_sys_disable_supported=: not yes or no" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kexec_log log = { 0 };
		struct kexec_config c;
		int r = config_parse(cases[i].text, strlen(cases[i].text), "test.conf", &c, &log);

		print_message("case %zu\n", i);
		assert_int_equal(r, cases[i].r);
		assert_string_equal(log.last, cases[i].last);
		if (r == 0) {
			assert_int_equal(c.sys_disable, cases[i].want);
			assert_int_equal(c.sys_disable_line, cases[i].line);
		}
	}
}

static void test_parse_table(void **state)
{
	static const struct {
		const char *text;
		size_t len;             /* 0: strlen(text) */
		int r;
		int policy;             /* enum tdx_policy, or NOT_SET */
		unsigned line;
		const char *last;       /* log.last: the error, or the warning */
	} cases[] = {
		{ "", 0, 0, NOT_SET, 0, "" },
		{ "# kexec-tdx.conf\n\n   \n\t# indented comment\n", 0, 0, NOT_SET, 0, "" },
		{ "tdx=flush\n", 0, 0, TDX_POLICY_FLUSH, 1, "" },
		{ "  tdx =\tclear  \n", 0, 0, TDX_POLICY_CLEAR, 1, "" },
		{ "# policy\n\ntdx=\"refuse\"\n", 0, 0, TDX_POLICY_REFUSE, 3, "" },
		{ "tdx='off'", 0, 0, TDX_POLICY_OFF, 1, "" },
		{ "tdx=auto\r\n", 0, 0, TDX_POLICY_AUTO, 1, "" },
		{ "tdx=clear\ntdx=flush\n", 0, 0, TDX_POLICY_FLUSH, 2, "" },
		{ "foo=bar\ntdx=flush\n", 0, 0, TDX_POLICY_FLUSH, 2,
		  "test.conf:1: unknown key \"foo\", ignored" },
		{ "tdx=clear\ntdx-cpus=4\n", 0, 0, TDX_POLICY_CLEAR, 1,
		  "test.conf:2: unknown key \"tdx-cpus\", ignored" },
		{ "future_key=\n", 0, 0, NOT_SET, 0, "test.conf:1: unknown key \"future_key\", ignored" },
		/* malformed: the error names the file and the line */
		{ "tdx=bogus\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:1: tdx=bogus: unknown policy (auto, clear, flush, refuse or off)" },
		{ "tdx=clear # comment\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:1: tdx=clear # comment: unknown policy (auto, clear, flush, refuse or off)" },
		{ "tdx=CLEAR\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:1: tdx=CLEAR: unknown policy (auto, clear, flush, refuse or off)" },
		{ "tdx=a-policy-name-much-longer-than-any\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:1: tdx=a-policy-name-much-longer-than-any: unknown policy (auto, clear, "
		  "flush, refuse or off)" },
		{ "\n# two blank lines first\ntdx\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:3: expected \"key = value\"" },
		{ "tdx: clear\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: expected \"key = value\"" },
		{ "TDX=clear\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: expected \"key = value\"" },
		{ "=clear\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:1: no key before '=' (keys are lower-case letters, digits, '-' and '_')" },
		{ "tdx=\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: tdx= has no value" },
		{ "tdx=\"\"\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: tdx= has no value" },
		{ "tdx=\"clear\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: unterminated \" quote" },
		{ "tdx='clear\"\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: unterminated ' quote" },
		{ "tdx=\"\n", 0, -EINVAL, NOT_SET, 0, "test.conf:1: unterminated \" quote" },
		{ "tdx=clear\nnot a line\ntdx=flush\n", 0, -EINVAL, NOT_SET, 0,
		  "test.conf:2: expected \"key = value\"" },
		{ "tdx=flush\ntdx=cl\0ear\n", 22, -EINVAL, NOT_SET, 0,
		  "test.conf:2: NUL byte (not a text file)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kexec_log log = { 0 };
		struct kexec_config c = { .tdx_set = true, .tdx = TDX_POLICY_OFF, .tdx_line = 99 };
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int r = config_parse(cases[i].text, len, "test.conf", &c, &log);

		if (r != cases[i].r || strcmp(log.last, cases[i].last))
			fail_msg("case %zu: r=%d (want %d), message \"%s\" (want \"%s\")", i, r, cases[i].r,
				 log.last, cases[i].last);
		if (r < 0) {
			/* *out untouched on error */
			assert_true(c.tdx_set);
			assert_int_equal(c.tdx, TDX_POLICY_OFF);
			assert_int_equal(c.tdx_line, 99);
			continue;
		}
		if (cases[i].policy == NOT_SET) {
			assert_false(c.tdx_set);
			assert_int_equal(c.tdx, TDX_POLICY_AUTO);
			assert_int_equal(c.tdx_line, 0);
		} else {
			if (!c.tdx_set || (int)c.tdx != cases[i].policy || c.tdx_line != cases[i].line)
				fail_msg("case %zu: set %d policy %s line %u", i, c.tdx_set,
					 tdx_policy_name(c.tdx), c.tdx_line);
		}
	}
}

/* Precedence: --tdx, then KEXEC_TDX_POLICY, then the file, then auto (DESIGN.md). */
static void test_choose_policy(void **state)
{
	char root[] = "/tmp/kt-config-XXXXXX", where[600], want[700];
	static const struct {
		const char *file;       /* etc/kexec-tdx.conf, NULL: absent */
		bool cmdline_set;
		enum tdx_policy cmdline;
		const char *env;
		int r;
		enum tdx_policy policy;
		const char *source;
		const char *last;       /* a leading ':' stands for "the file's path:" */
	} cases[] = {
		{ NULL, false, 0, NULL, 0, TDX_POLICY_AUTO, "default", "" },
		{ NULL, false, 0, "", 0, TDX_POLICY_AUTO, "default", "" },
		{ "# nothing\n", false, 0, NULL, 0, TDX_POLICY_AUTO, "default", "" },
		{ "# policy\n\ntdx = flush\n", false, 0, NULL, 0, TDX_POLICY_FLUSH,
		  "/etc/kexec-tdx.conf:3", "" },
		{ "tdx=flush\n", false, 0, "refuse", 0, TDX_POLICY_REFUSE, "KEXEC_TDX_POLICY", "" },
		{ "tdx=flush\n", true, TDX_POLICY_CLEAR, "refuse", 0, TDX_POLICY_CLEAR, "--tdx", "" },
		{ NULL, true, TDX_POLICY_OFF, NULL, 0, TDX_POLICY_OFF, "--tdx", "" },
		{ NULL, false, 0, "sometimes", -EINVAL, 0, NULL,
		  "KEXEC_TDX_POLICY=sometimes: unknown policy (auto, clear, flush, refuse or off)" },
		/* a broken file is an error even when --tdx or the environment decides */
		{ "tdx=flush\ntdx=maybe\n", true, TDX_POLICY_CLEAR, NULL, -EINVAL, 0, NULL,
		  ":2: tdx=maybe: unknown policy (auto, clear, flush, refuse or off)" },
		{ "tdx\n", false, 0, "clear", -EINVAL, 0, NULL, ":1: expected \"key = value\"" },
		{ "colour=blue\ntdx=off\n", false, 0, NULL, 0, TDX_POLICY_OFF, "/etc/kexec-tdx.conf:2",
		  ":1: unknown key \"colour\", ignored" },
	};

	assert_non_null(mkdtemp(root));
	snprintf(where, sizeof(where), "%s/etc/kexec-tdx.conf", root);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sysroot *sr;
		struct kexec_log log = { 0 };
		struct policy_choice pc = { .policy = TDX_POLICY_OFF, .source = "untouched" };
		int r;

		unlink(where);
		if (cases[i].file)
			tree_put(root, "etc/kexec-tdx.conf", cases[i].file);
		assert_int_equal(sysroot_open(root, &sr), 0);
		r = config_choose_policy(sr, &log, cases[i].cmdline_set, cases[i].cmdline, cases[i].env, &pc);
		sysroot_free(sr);
		snprintf(want, sizeof(want), "%s%s", cases[i].last[0] == ':' ? where : "", cases[i].last);
		if (r != cases[i].r || strcmp(log.last, want))
			fail_msg("case %zu: r=%d (want %d), message \"%s\" (want \"%s\")", i, r, cases[i].r,
				 log.last, want);
		if (r < 0)
			continue;
		assert_int_equal(pc.policy, cases[i].policy);
		assert_string_equal(pc.source, cases[i].source);
	}
	tree_rm(root);
}

/* An unreadable or oversized file is an error naming it; a directory too. */
static void test_read_errors(void **state)
{
	char root[] = "/tmp/kt-config-XXXXXX", path[600], want[700];
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct kexec_config c;
	char *big = malloc(70000);

	assert_non_null(big);
	assert_non_null(mkdtemp(root));
	memset(big, '#', 70000);
	tree_put_bytes(root, "etc/kexec-tdx.conf", big, 70000);
	free(big);
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(config_read(sr, &log, &c), -EFBIG);
	snprintf(want, sizeof(want), "%s/etc/kexec-tdx.conf: larger than 64 KiB, not a configuration file",
		 root);
	assert_string_equal(log.last, want);

	snprintf(path, sizeof(path), "%s/etc/kexec-tdx.conf", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(config_read(sr, &log, &c), -EISDIR);
	snprintf(want, sizeof(want), "%s/etc/kexec-tdx.conf: Is a directory", root);
	assert_string_equal(log.last, want);
	sysroot_free(sr);
	tree_rm(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_sys_disable_key),
		cmocka_unit_test(test_choose_policy),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
