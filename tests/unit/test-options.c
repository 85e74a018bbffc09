/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "options.h"

#define ARGV(...) ((const char *[]){ "kexec", __VA_ARGS__, NULL })

static int parse(const char **argv, struct kexec_options *o, struct kexec_log *log)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return options_parse(argc, (char **)argv, o, log);
}

/* Which kexec-tools do_* flags each action sets. */
static void test_actions(void **state)
{
	const struct {
		const char **argv;
		bool load, exec, shutdown, sync, ifdown, unload, status, crash;
	} cases[] = {
		{ ARGV("vmlinuz"),                    1, 0, 1, 1, 0, 0, 0, 0 },
		{ ARGV("-l", "vmlinuz"),              1, 0, 0, 1, 0, 0, 0, 0 },
		{ ARGV("-e"),                         0, 1, 0, 1, 1, 0, 0, 0 },
		{ ARGV("-e", "-x", "-y"),             0, 1, 0, 0, 0, 0, 0, 0 },
		{ ARGV("-f", "vmlinuz"),              1, 1, 0, 1, 1, 0, 0, 0 },
		{ ARGV("-p", "vmlinuz"),              1, 0, 0, 0, 0, 0, 0, 1 },
		{ ARGV("-u"),                         0, 0, 0, 0, 0, 1, 0, 0 },
		{ ARGV("-p", "-u"),                   0, 0, 0, 0, 0, 1, 0, 1 },
		{ ARGV("-S"),                         0, 0, 0, 0, 0, 0, 1, 0 },
		{ ARGV("-l", "-S"),                   0, 0, 0, 0, 0, 0, 1, 0 },
		{ ARGV("--load-panic", "--unload"),   0, 0, 0, 0, 0, 1, 0, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kexec_options o;
		struct kexec_log log = { 0 };

		assert_int_equal(parse(cases[i].argv, &o, &log), 0);
		assert_int_equal(o.do_load, cases[i].load);
		assert_int_equal(o.do_exec, cases[i].exec);
		assert_int_equal(o.do_shutdown, cases[i].shutdown);
		assert_int_equal(o.do_sync, cases[i].sync);
		assert_int_equal(o.do_ifdown, cases[i].ifdown);
		assert_int_equal(o.do_unload, cases[i].unload);
		assert_int_equal(o.do_status, cases[i].status);
		assert_int_equal(o.crash, cases[i].crash);
	}
}

/* systemd: kexec --load KERNEL --append=... --initrd=...; kdump-tools and kdumpctl lines */
static void test_kernel_anywhere_and_values(void **state)
{
	struct kexec_options o;
	struct kexec_log log = { 0 };

	assert_int_equal(parse(ARGV("--load", "/boot/vmlinuz", "--append=root=/dev/sda1 ro",
				    "--initrd=/boot/initrd.img"), &o, &log), 0);
	assert_string_equal(o.kernel, "/boot/vmlinuz");
	assert_string_equal(o.append, "root=/dev/sda1 ro");
	assert_string_equal(o.initrd, "/boot/initrd.img");
	assert_int_equal(o.syscall, SYSCALL_DEFAULT);

	assert_int_equal(parse(ARGV("-s", "-p", "--command-line=irqpoll nr_cpus=1", "--ramdisk=/i",
				    "/k"), &o, &log), 0);
	assert_true(o.crash);
	assert_int_equal(o.syscall, SYSCALL_FILE);
	assert_string_equal(o.append, "irqpoll nr_cpus=1");
	assert_string_equal(o.initrd, "/i");

	assert_int_equal(parse(ARGV("-l", "k", "--mem-min=0x1000000", "--mem-max=1073741824",
				    "--tdx=clear", "--tdx-force", "-a", "--reuse-cmdline", "-i", "-d"),
			       &o, &log), 0);
	assert_int_equal(o.mem_min, 0x1000000);
	assert_int_equal(o.mem_max, 0x40000000);
	assert_int_equal(o.tdx_policy, TDX_POLICY_CLEAR);
	assert_true(o.tdx_force && o.reuse_cmdline && o.no_checks && o.debug);
	assert_int_equal(o.syscall, SYSCALL_AUTO);
	/* -f keeps its kexec-tools meaning and is no TDX override */
	assert_int_equal(parse(ARGV("-f", "k"), &o, &log), 0);
	assert_false(o.tdx_force);
}

static void test_errors(void **state)
{
	const struct {
		const char **argv;
		int err;
		const char *msg;
	} cases[] = {
		{ ARGV("--bogus"), -EINVAL, "unknown option --bogus" },
		{ ARGV("-Z"), -EINVAL, "unknown option -Z" },
		{ ARGV("-l"), -ENOENT, "No kernel specified" },
		{ ARGV("-l", "k", "extra"), -EINVAL, "unexpected argument 'extra' after the kernel k" },
		{ ARGV("-l", "k", "--mem-min=12q"), -EINVAL, "Bad option value in --mem-min=12q" },
		{ ARGV("-l", "k", "--mem-min=0x2000", "--mem-max=0x1000"), -EINVAL,
		  "--mem-min=0x2000 is not below --mem-max=0x1000" },
		{ ARGV("-l", "k", "--tdx=maybe"), -EINVAL,
		  "--tdx=maybe: unknown policy (auto, clear, flush, refuse or off)" },
		{ ARGV("--json"), -EINVAL, "--json goes with --tdx-status or --tdx-report" },
		{ ARGV("-l", "k", "--real-mode"), -EOPNOTSUPP, "--real-mode is not supported by this kexec" },
		{ ARGV("-l", "k", "--initrd"), -EINVAL, "option --initrd needs a value" },
		/* getopt would take the next option as the value */
		{ ARGV("--tdx", "--tdx-status"), -EINVAL, "option --tdx needs a value (--tdx-status is an option)" },
		{ ARGV("--tdx-status", "--tdx"), -EINVAL, "option --tdx needs a value" },
		{ ARGV("--sysroot", "--tdx-status"), -EINVAL,
		  "option --sysroot needs a value (--tdx-status is an option)" },
		{ ARGV("-l", "k", "--tdx-cpus", "-d"), -EINVAL, "option --tdx-cpus needs a value (-d is an option)" },
		/* our own actions go alone */
		{ ARGV("--tdx-status", "--tdx-report"), -EINVAL, "--tdx-status and --tdx-report are two actions: give one" },
		{ ARGV("-l", "k", "--tdx-status"), -EINVAL, "-l and --tdx-status are two actions: give one" },
		{ ARGV("--tdx-report", "-S"), -EINVAL, "--tdx-report and -S are two actions: give one" },
		/* inside a cluster of short options the action is named alone */
		{ ARGV("--tdx-report", "-dp", "k"), -EINVAL, "--tdx-report and -p are two actions: give one" },
		{ ARGV("--tdx-status", "--print-ckr-size"), -EINVAL,
		  "--tdx-status and --print-ckr-size are two actions: give one" },
		/* kexec-tools 2.0.32 options this kexec does not do: one line, never "unknown option" */
		{ ARGV("-l", "k", "--reuseinitrd"), -EOPNOTSUPP, "--reuseinitrd is not supported by this kexec" },
		{ ARGV("-l", "k", "--noefi"), -EOPNOTSUPP, "--noefi is not supported by this kexec" },
		{ ARGV("-l", "k", "--reuse-video-type"), -EOPNOTSUPP,
		  "--reuse-video-type is not supported by this kexec" },
		{ ARGV("--load-preserve-context", "k"), -EOPNOTSUPP,
		  "--load-preserve-context is not supported by this kexec" },
		{ ARGV("--exec-live-update"), -EOPNOTSUPP, "--exec-live-update is not supported by this kexec" },
		{ ARGV("-l", "k", "--dtb=x.dtb"), -EOPNOTSUPP, "--dtb is not supported by this kexec" },
		{ ARGV("-l", "k", "--module", "m"), -EOPNOTSUPP, "--module is not supported by this kexec" },
		/* kexec-tools never had it (it is --reuseinitrd) */
		{ ARGV("-l", "k", "--reuse-initrd"), -EINVAL, "unknown option --reuse-initrd" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kexec_options o;
		struct kexec_log log = { 0 };

		assert_int_equal(parse(cases[i].argv, &o, &log), cases[i].err);
		assert_string_equal(log.last, cases[i].msg);
	}
}

static void test_status_and_info_need_no_kernel(void **state)
{
	struct kexec_options o;
	struct kexec_log log = { 0 };

	assert_int_equal(parse(ARGV("--tdx-status", "--json", "--sysroot=/tmp/x"), &o, &log), 0);
	assert_true(o.tdx_status && o.json);
	assert_string_equal(o.sysroot, "/tmp/x");
	assert_int_equal(parse(ARGV("--tdx-report"), &o, &log), 0);
	assert_int_equal(parse(ARGV("-h"), &o, &log), 0);
	assert_true(o.help);
	assert_int_equal(parse(ARGV("--console-serial", "-S"), &o, &log), 0);
}

/* kexec-tools 2.0.32 (kexec/kexec.c main()): an action overrides the one before, -h/-v act at once. */
static void test_kexec_tools_order(void **state)
{
	struct kexec_options o;
	struct kexec_log log = { 0 };

	/* -l -u unloads; -u -l unloads, then loads */
	assert_int_equal(parse(ARGV("-l", "-u"), &o, &log), 0);
	assert_true(o.do_unload && !o.do_load);
	assert_int_equal(parse(ARGV("-u", "-l", "k"), &o, &log), 0);
	assert_true(o.do_unload && o.do_load);
	/* -l -e execs; -e -l loads */
	assert_int_equal(parse(ARGV("-l", "k", "-e"), &o, &log), 0);
	assert_true(o.do_exec && !o.do_load);
	assert_int_equal(parse(ARGV("-e", "-l", "k"), &o, &log), 0);
	assert_true(!o.do_exec && o.do_load);
	/* -h and -v end the parse: what follows is not looked at */
	assert_int_equal(parse(ARGV("-h", "--bogus"), &o, &log), 0);
	assert_true(o.help);
	assert_int_equal(parse(ARGV("-v", "-l"), &o, &log), 0);
	assert_true(o.version);
	assert_int_equal(parse(ARGV("--bogus", "-h"), &o, &log), -EINVAL);
	/* the same action twice is one action */
	assert_int_equal(parse(ARGV("--tdx-status", "--tdx-status"), &o, &log), 0);
	/* --tdx=VALUE and --tdx VALUE */
	assert_int_equal(parse(ARGV("--tdx", "clear", "-l", "k"), &o, &log), 0);
	assert_int_equal(o.tdx_policy, TDX_POLICY_CLEAR);
	/* --no-cma (kexec-tools' git tree, KEXEC_FILE_NO_CMA) and --hotplug are taken */
	assert_int_equal(parse(ARGV("-p", "k", "--no-cma", "--hotplug"), &o, &log), 0);
	assert_true(o.no_cma && o.hotplug);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_kernel_anywhere_and_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_status_and_info_need_no_kernel),
		cmocka_unit_test(test_kexec_tools_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
