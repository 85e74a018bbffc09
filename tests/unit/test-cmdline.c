/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --reuse-cmdline (kexec/cmdline.c) over throw-away sysroot trees: what
 * is dropped (BOOT_IMAGE=, and crashkernel= for -p, quotes honoured),
 * what --append adds, and an unreadable or malformed proc/cmdline.
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
#include "cmdline.h"
#include "text.h"
#include "tree.h"

struct fx {
	char root[64];
	struct sysroot *sr;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/kt-cmdline-XXXXXX");
	if (!mkdtemp(f->root) || sysroot_open(f->root, &f->sr) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sysroot_free(f->sr);
	tree_rm(f->root);
	free(f);
	return 0;
}

static void test_reuse(void **state)
{
	static const struct {
		const char *running;
		bool crash;
		const char *append;
		const char *want;
	} cases[] = {
		{ "BOOT_IMAGE=/vmlinuz-6.8 root=/dev/sda1 ro quiet\n", false, NULL,
		  "root=/dev/sda1 ro quiet" },
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=512M quiet\n", false, NULL,
		  "root=/dev/sda1 crashkernel=512M quiet" },
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=512M quiet\n", true, NULL,
		  "root=/dev/sda1 quiet" },
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=512M quiet\n", true, "irqpoll nr_cpus=1",
		  "root=/dev/sda1 quiet irqpoll nr_cpus=1" },
		{ "root=/dev/sda1 crashkernel=\"1G-4G:192M,4G-:512M\" ro\n", true, NULL,
		  "root=/dev/sda1 ro" },
		{ "root=/dev/sda1 dyndbg=\"file x.c +p crashkernel=1\" ro\n", true, NULL,
		  "root=/dev/sda1 dyndbg=\"file x.c +p crashkernel=1\" ro" },
		/* init's words after "--" are kept; --append goes at the very end (as kexec-tools) */
		{ "root=/dev/sda1 ro -- crashkernel=1 BOOT_IMAGE=x\n", true, "extra",
		  "root=/dev/sda1 ro -- crashkernel=1 BOOT_IMAGE=x extra" },
		{ "root=/dev/sda1\n", false, "", "root=/dev/sda1 " },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		char *out = (char *)"untouched";

		tree_put(f->root, "proc/cmdline", cases[i].running);
		assert_int_equal(cmdline_reuse(f->sr, &log, cases[i].crash, cases[i].append, &out), 0);
		if (strcmp(out, cases[i].want))
			fail_msg("case %zu: \"%s\", want \"%s\"", i, out, cases[i].want);
		free(out);
	}
}

static void test_unreadable(void **state)
{
	struct fx *f = *state;
	struct kexec_log log = { 0 };
	char *out = (char *)"untouched";

	assert_int_equal(cmdline_reuse(f->sr, &log, false, "x", &out), -EIO);
	assert_null(out);
	assert_string_equal(log.last, "/proc/cmdline: cannot read it for --reuse-cmdline");
}

/* A NUL byte: said, then the same refusal as an unreadable file. */
static void test_nul_byte(void **state)
{
	struct fx *f = *state;
	struct kexec_log log = { 0 };
	char *out = NULL;
	char *text = NULL;
	size_t len = 0;

	tree_put_bytes(f->root, "proc/cmdline", "root=/dev/sda1\0x\n", 17);
	log.out = open_memstream(&text, &len);
	assert_int_equal(cmdline_reuse(f->sr, &log, false, NULL, &out), -EIO);
	fclose(log.out);
	assert_null(out);
	assert_string_equal(text, "kexec: /proc/cmdline: contains a NUL byte\n"
			    "kexec: /proc/cmdline: cannot read it for --reuse-cmdline\n");
	free(text);
}

/* The running kernel's serial console: where a clear prints its progress. */
static void test_serial_port(void **state)
{
	static const struct { const char *cmdline; uint16_t port; } cases[] = {
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 console=ttyS0,115200n8", 0x3f8 },
		{ "console=ttyS1", 0x2f8 },
		{ "console=ttyS0,115200 console=tty0", 0x3f8 },         /* the last serial one */
		{ "console=tty0 console=ttyS3,9600 quiet", 0x2e8 },
		{ "console=ttyS0 console=ttyS2", 0x3e8 },
		{ "console=uart8250,io,0x2f8,115200n8", 0x2f8 },
		{ "console=uart,io,0x3f8", 0x3f8 },
		{ "console=ttyS4,115200", 0 },                          /* a PCI UART: unknown port */
		{ "console=uart,mmio,0xfe030000", 0 },
		{ "console=ttyS10", 0 },
		{ "console=tty0 quiet", 0 },
		{ "xconsole=ttyS0 earlycon=ttyS0", 0 },
		{ "console=ttyS1 -- console=ttyS0", 0x2f8 },            /* after --: init's */
		{ "\"console=ttyS2\"", 0x3e8 },                          /* quotes, as next_arg() */
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cmdline_serial_port(cases[i].cmdline) != cases[i].port)
			fail_msg("\"%s\": port 0x%x, expected 0x%x", cases[i].cmdline,
				 cmdline_serial_port(cases[i].cmdline), cases[i].port);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
		cmocka_unit_test(test_serial_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
