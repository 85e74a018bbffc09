/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KHO / live update (kexec/kho.c): kho= and liveupdate= as the kernel
 * reads them, and what the probes under the sysroot make of them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "kho.h"
#include "sysroot.h"
#include "text.h"
#include "tree.h"

static void test_cmdline(void **state)
{
	const struct {
		const char *line;
		int kho, liveupdate;
	} cases[] = {
		{ "ro quiet", -1, -1 },
		{ "ro kho=on liveupdate=on\n", 1, 1 },
		{ "kho=1 liveupdate=Y", 1, 1 },
		{ "kho=y liveupdate=true", 1, 1 },
		{ "kho=off liveupdate=0", 0, 0 },
		{ "kho=N liveupdate=false", 0, 0 },
		/* the last valid one wins; a value kstrtobool() rejects changes nothing */
		{ "kho=on kho=off", 0, -1 },
		{ "kho=off kho=on", 1, -1 },
		{ "kho=on kho=maybe", 1, -1 },
		{ "kho=o kho", -1, -1 },
		{ "kho=\"on\"", 1, -1 },
		/* longer names are other parameters */
		{ "kho_scratch=30% nokho=on kho.x=1 liveupdate_x=1", -1, -1 },
		/* a quoted value with a space is one word */
		{ "foo=\"a kho=on\" liveupdate=on", -1, 1 },
		/* after " -- " the words are init's */
		{ "ro -- kho=on", -1, -1 },
		{ "", -1, -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kho_state k = { .cmdline_kho = 7, .cmdline_liveupdate = 7 };

		kho_parse_cmdline(cases[i].line, strlen(cases[i].line), &k);
		if (k.cmdline_kho != cases[i].kho || k.cmdline_liveupdate != cases[i].liveupdate)
			fail_msg("case %zu \"%s\": kho %d liveupdate %d", i, cases[i].line, k.cmdline_kho,
				 k.cmdline_liveupdate);
	}
}

/*
 * kho_read() over a tree made for it: /proc/cmdline (none when NULL) and
 * FILE with TEXT (none when NULL), which makes a probe's folder exist.
 */
static void read_tree(const char *cmdline, const char *file, const char *text, struct kho_state *k)
{
	char root[64];
	struct kexec_log log = { 0 };
	struct sysroot *sr;

	snprintf(root, sizeof(root), "/tmp/kt-kho-XXXXXX");
	assert_non_null(mkdtemp(root));
	if (cmdline)
		tree_put(root, "proc/cmdline", cmdline);
	if (file)
		tree_put(root, file, text);
	assert_int_equal(sysroot_open(root, &sr), 0);
	kho_read(sr, &log, k);
	sysroot_free(sr);
	tree_rm(root);
}

/* What the probes say: the misc device and the debugfs folder count, liveupdate=on alone does not. */
static void test_read(void **state)
{
	const struct {
		const char *cmdline;
		const char *file;       /* a file that makes a probe's folder exist, or NULL */
		bool active;
		const char *evidence;
	} cases[] = {
		{ "ro\n", NULL, false, "" },
		{ "ro kho=on\n", NULL, true, "kho=on" },
		/* LUO turns itself off without KHO: the command line alone is no hand-over */
		{ "ro liveupdate=on\n", NULL, false, "" },
		{ "ro kho=on liveupdate=on\n", "sys/class/misc/liveupdate/dev", true,
		  "kho=on, liveupdate=on, /sys/class/misc/liveupdate" },
		/* on by the kernel's build default: only the probes show it */
		{ "ro\n", "sys/class/misc/liveupdate/dev", true, "/sys/class/misc/liveupdate" },
		{ "ro\n", "sys/kernel/debug/kho/out/fdt", true, "/sys/kernel/debug/kho" },
		{ "kho=off\n", NULL, false, "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kho_state k;

		read_tree(cases[i].cmdline, cases[i].file, "10:258\n", &k);
		assert_int_equal(k.active, cases[i].active);
		assert_string_equal(k.evidence, cases[i].evidence);
	}
}

/* Without /proc/cmdline: off, unless a probe says otherwise. */
static void test_no_cmdline(void **state)
{
	struct kho_state k;

	read_tree(NULL, "sys/kernel/debug/kho/out/fdt", "", &k);
	assert_int_equal(k.cmdline_kho, -1);
	assert_true(k.active);
	assert_string_equal(k.evidence, "/sys/kernel/debug/kho");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_no_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
