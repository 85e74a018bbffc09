/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Issue 12: what the running kernel does at kexec (kernel.c), the clear
 * estimate and the watchdog rule (watchdog.c), and what the decision and
 * the policy make of them (policy.c).
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
#include <kexec-tdx/purgatory-abi.h>
#include "tree.h"
#include "tdx/tdx.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TiB (1ULL << 40)

/* ---- /proc/kallsyms ------------------------------------------------------ */

static const struct kallsyms_case {
	const char *name;
	const char *text;
	int ret;
	bool sys_disable, flush_for_kexec, flush;
	unsigned symbols, bad;
} kallsyms_cases[] = {
	{ "6.18-7.1", "ffffffffa3000000 T _stext\n"
		      "ffffffffa30ba3c0 T machine_kexec_prepare\n"
		      "ffffffffa30f2a30 T tdx_cpu_flush_cache_for_kexec\n"
		      "ffffffffc0f3a3c0 t tdx_bringup\t[kvm_intel]\n",
	  0, false, true, false, 4, 0 },
	{ "7.2", "ffffffff8c0f2220 T tdx_sys_disable\n"
		 "ffffffff8c0f2a30 T tdx_cpu_flush_cache\n"
		 "ffffffff8c0f21a0 t tdx_shutdown\n",
	  0, true, false, true, 3, 0 },
	{ "kptr_restrict zeros", "0000000000000000 T tdx_sys_disable\n"
				 "0000000000000000 T tdx_cpu_flush_cache\n",
	  0, true, false, true, 2, 0 },
	{ "module suffix", "ffffffffc0f31000 t tdx_sys_disable\t[tdx_host]\n", 0, true, false, false, 1, 0 },
	{ "near misses", "ffffffff81000000 t tdx_sys_disable.cold\n"
			 "ffffffff81000010 t __tdx_sys_disable\n"
			 "ffffffff81000020 T tdx_cpu_flush_cache_for_kexec_prepare\n"
			 "ffffffff81000030 T tdx_cpu_flush\n"
			 "ffffffff81000040 T tdx_sys_disabled\n",
	  0, false, false, false, 5, 0 },
	{ "CRLF, no last newline", "ffffffff81000000 T tdx_cpu_flush_cache\r\n"
				   "ffffffff81000010 T tdx_sys_disable", 0, true, false, true, 2, 0 },
	{ "bad lines skipped", "garbage\n"
			       "ffffffff81000000 T\n"
			       "ffffffff81000000  T two_spaces\n"
			       "\n"
			       "ffffffff81000010 T tdx_sys_disable\n"
			       "ffffffffffffffff0 T seventeen_digits\n",
	  0, true, false, false, 1, 4 },
	{ "empty", "", -ENODATA, false, false, false, 0, 0 },
	{ "no symbol line", "Permission denied\n", -ENODATA, false, false, false, 0, 0 },
};

static void test_kallsyms_parse(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(kallsyms_cases); i++) {
		const struct kallsyms_case *c = &kallsyms_cases[i];
		struct tdx_kallsyms k;
		struct kexec_log log = { 0 };
		int r = tdx_kallsyms_parse(c->text, strlen(c->text), &k, &log, "kallsyms");

		print_message("case %s\n", c->name);
		assert_int_equal(r, c->ret);
		assert_int_equal(k.sys_disable, c->sys_disable);
		assert_int_equal(k.flush_cache_for_kexec, c->flush_for_kexec);
		assert_int_equal(k.flush_cache, c->flush);
		if (r == 0) {
			assert_int_equal(k.symbols, c->symbols);
			assert_int_equal(k.bad_lines, c->bad);
		} else {
			char want[128];

			snprintf(want, sizeof(want), "kallsyms: no symbol line (\"ADDRESS TYPE NAME\") in "
				 "%zu bytes", strlen(c->text));
			assert_string_equal(log.last, want);
		}
	}
}

static void test_kernel_from_kallsyms(void **state)
{
	static const struct {
		bool have;
		struct tdx_kallsyms k;
		bool log_line;
		struct tdx_kernel want;
	} cases[] = {
		{ false, { 0 }, false, { TDX_UNKNOWN, TDX_UNKNOWN, TDX_UNKNOWN } },
		{ false, { 0 }, true, { TDX_UNKNOWN, TDX_UNKNOWN, TDX_YES } },
		{ true, { .flush_cache_for_kexec = true }, false, { TDX_NO, TDX_YES, TDX_YES } },
		{ true, { .flush_cache = true }, false, { TDX_NO, TDX_YES, TDX_YES } },
		{ true, { .sys_disable = true, .flush_cache = true }, false, { TDX_YES, TDX_YES, TDX_NO } },
		{ true, { .sys_disable = true }, false, { TDX_YES, TDX_NO, TDX_NO } },
		{ true, { 0 }, false, { TDX_NO, TDX_NO, TDX_NO } },
		{ true, { 0 }, true, { TDX_NO, TDX_NO, TDX_YES } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_kernel got;

		tdx_kernel_from_kallsyms(cases[i].have ? &cases[i].k : NULL, cases[i].log_line, &got);
		assert_int_equal(got.disables_tdx_module, cases[i].want.disables_tdx_module);
		assert_int_equal(got.flushes_all_cpus, cases[i].want.flushes_all_cpus);
		assert_int_equal(got.refuses_kexec_on_erratum, cases[i].want.refuses_kexec_on_erratum);
	}
}

/* ---- module version ------------------------------------------------------ */

static void test_module_version_parse(void **state)
{
	static const struct {
		const char *msg;
		const char *want;       /* NULL: not found */
	} cases[] = {
		{ "virt/tdx: Module version: 1.5.16", "1.5.16" },
		{ "virt/tdx: Module version: 2.0.08\n", "2.0.08" },
		{ "virt/tdx: TDX-Module version: 1.5.06", "1.5.06" },
		{ "virt/tdx: module version: 1.5.00.00.0481 (build_date 20230323).", "1.5.00.00.0481" },
		{ "virt/tdx: Module version: 1.5.00.00.0481, build_date: 20230323", "1.5.00.00.0481" },
		{ "virt/tdx: Module version: 1.5", NULL },
		{ "virt/tdx: Module version: 1..5.3", NULL },
		{ "virt/tdx: Module version: .1.5.3", NULL },
		{ "virt/tdx: Module version: 1.5.3.", NULL },
		{ "virt/tdx: Module version: x", NULL },
		{ "virt/tdx: Module version: 11111111111111111111.2222222222.3333333333", NULL },
		{ "virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5", NULL },
		{ "virt/tdx: module initialized", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[32] = "unchanged";
		bool found = tdx_module_version_parse(cases[i].msg, out, sizeof(out));

		print_message("%s\n", cases[i].msg);
		assert_int_equal(found, cases[i].want != NULL);
		if (cases[i].want)
			assert_string_equal(out, cases[i].want);
	}
}

static void test_version_file_parse(void **state)
{
	static const struct {
		const char *text;
		const char *want;       /* NULL: -EINVAL */
	} cases[] = {
		{ "1.5.16\n", "1.5.16" },
		{ "1.5.16", "1.5.16" },
		{ "2.0.08 \n", "2.0.08" },
		{ "", NULL },
		{ "\n", NULL },
		{ "v1.5.16\n", NULL },
		{ "1.5\n", NULL },
		{ "1.5.16\nextra\n", NULL },
		{ "1.5.16 beta\n", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[32];
		struct kexec_log log = { 0 };
		int r = tdx_version_file_parse(cases[i].text, strlen(cases[i].text), out, sizeof(out),
					       &log, "version");

		if (cases[i].want) {
			assert_int_equal(r, 0);
			assert_string_equal(out, cases[i].want);
		} else {
			assert_int_equal(r, -EINVAL);
			assert_string_equal(out, "");
			assert_string_equal(log.last, "version: not a TDX module version (\"MAJOR.MINOR.UPDATE\")");
		}
	}
}

/* The log line makes the version known and the module initialized (7.1). */
static void test_kmsg_module_version(void **state)
{
	static const char only_version[] = "6,96,1402211,-;virt/tdx: Module version: 1.5.16\n";
	static const char both[] = "6,96,1402211,-;virt/tdx: Module version: 1.5.16\n"
				   "6,98,1455739,-;virt/tdx: TDX-Module initialized\n";
	struct tdx_kmsg k;

	assert_int_equal(tdx_kmsg_parse(only_version, strlen(only_version), &k, NULL, "kmsg"), 0);
	assert_string_equal(k.module_version, "1.5.16");
	assert_true(k.module_initialized);
	assert_string_equal(k.module_line, "virt/tdx: Module version: 1.5.16");
	tdx_kmsg_free(&k);
	assert_int_equal(tdx_kmsg_parse(both, strlen(both), &k, NULL, "kmsg"), 0);
	assert_string_equal(k.module_version, "1.5.16");
	assert_string_equal(k.module_line, "TDX-Module initialized");
	tdx_kmsg_free(&k);
}

/* ---- watchdogs and the estimate ------------------------------------------ */

static void test_watchdog_attr_parse(void **state)
{
	static const struct {
		const char *attr, *text;
		int ret;
		const char *identity, *st;
		long timeout;
		int nowayout;
		const char *err;
	} cases[] = {
		{ "identity", "iTCO_wdt\n", 0, "iTCO_wdt", "", -1, TDX_UNKNOWN, NULL },
		{ "identity", "Software Watchdog\n", 0, "Software Watchdog", "", -1, TDX_UNKNOWN, NULL },
		{ "identity", "\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: identity of 0 characters" },
		{ "identity", "bad\x1b[0m\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: not printable text" },
		{ "timeout", "30\n", 0, "", "", 30, TDX_UNKNOWN, NULL },
		{ "timeout", "0\n", 0, "", "", 0, TDX_UNKNOWN, NULL },
		{ "timeout", "-1\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: timeout is not a number of seconds" },
		{ "timeout", "1234567890\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: timeout is not a number of seconds" },
		{ "timeout", "", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: timeout is not a number of seconds" },
		{ "state", "active\n", 0, "", "active", -1, TDX_UNKNOWN, NULL },
		{ "state", "inactive\n", 0, "", "inactive", -1, TDX_UNKNOWN, NULL },
		{ "state", "running\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: state is not \"active\" or \"inactive\"" },
		{ "nowayout", "1\n", 0, "", "", -1, TDX_YES, NULL },
		{ "nowayout", "0\n", 0, "", "", -1, TDX_NO, NULL },
		{ "nowayout", "Y\n", 0, "", "", -1, TDX_YES, NULL },
		{ "nowayout", "N\n", 0, "", "", -1, TDX_NO, NULL },
		{ "nowayout", "2\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: nowayout is not 0 or 1" },
		{ "pretimeout", "0\n", -EINVAL, "", "", -1, TDX_UNKNOWN, "w: unknown watchdog attribute pretimeout" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_watchdog w = { .timeout_s = -1, .nowayout = TDX_UNKNOWN };
		struct kexec_log log = { 0 };

		print_message("%s=%s", cases[i].attr, cases[i].text);
		assert_int_equal(tdx_watchdog_attr_parse(&w, cases[i].attr, cases[i].text,
							 strlen(cases[i].text), &log, "w"), cases[i].ret);
		assert_string_equal(w.identity, cases[i].identity);
		assert_string_equal(w.state, cases[i].st);
		assert_int_equal(w.timeout_s, cases[i].timeout);
		assert_int_equal(w.nowayout, cases[i].nowayout);
		if (cases[i].err)
			assert_string_equal(log.last, cases[i].err);
	}
}

static void test_clear_estimate(void **state)
{
	static const struct {
		uint64_t bytes;
		unsigned cpus, packages;
		uint64_t measured;
		long want;
	} cases[] = {
		{ 0, 1, 1, 0, 0 },
		{ 1, 1, 1, 0, 1 },
		{ 10000000000ull, 1, 1, 0, 1 },
		{ 10000000001ull, 1, 1, 0, 2 },
		{ 274265473024ull, 2, 1, 0, 14 },        /* emr-7.2-faux: 2 CPUs at 10 GB/s */
		{ 2194384293888ull, 1, 1, 0, 220 },      /* one CPU: about 4 min */
		/* issue 20 item 7: 4 TiB, 128 CPUs (64 clear), 2 packages: 300 GB/s, not 7 min */
		{ 4 * TiB, 64, 2, 0, 15 },
		{ 4 * TiB, 64, 1, 0, 30 },               /* 640 GB/s of CPUs, 150 GB/s of memory */
		{ 4 * TiB, 0, 0, 0, 440 },               /* 0 CPUs counts as 1 */
		{ 4 * TiB, 15, 1, 0, 30 },               /* exactly at the package cap */
		{ 4 * TiB, 14, 1, 0, 32 },
		{ 4 * TiB, 64, 2, 165000000000ull, 27 }, /* the measured rate wins */
		{ UINT64_MAX, 1, 1, 0, 1844674408 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t rate = tdx_clear_rate(cases[i].cpus, cases[i].packages, cases[i].measured);

		print_message("case %zu\n", i);
		assert_int_equal(tdx_clear_estimate_s(cases[i].bytes, rate), cases[i].want);
	}
	assert_int_equal(tdx_clear_estimate_s(1, 0), -1);
}

/* The CPUs that clear: online with an APIC id, at most 64 and --tdx-cpus; their packages. */
static void test_clear_cpus(void **state)
{
	struct tdx_cpuinfo *ci = calloc(1, sizeof(*ci));
	unsigned pk;

	assert_non_null(ci);
	assert_int_equal(tdx_clear_cpus(NULL, 0, &pk), 1);
	assert_int_equal(pk, 1);
	/* 128 CPUs, two packages, enumerated package 0 first (as Linux lists them) */
	ci->ncpus = ci->napicid = ci->nphysid = 128;
	for (unsigned i = 0; i < 128; i++) {
		ci->apicid[i] = i;
		ci->physid[i] = i < 64 ? 0 : 1;
	}
	assert_int_equal(tdx_clear_cpus(ci, 0, &pk), KTDX_MAX_CLEAR_CPUS);
	assert_int_equal(pk, 1);                 /* the first 64 are all in package 0 */
	assert_int_equal(tdx_clear_cpus(ci, 8, &pk), 8);
	/* interleaved enumeration: both packages clear */
	for (unsigned i = 0; i < 128; i++)
		ci->physid[i] = i % 2;
	assert_int_equal(tdx_clear_cpus(ci, 0, &pk), 64);
	assert_int_equal(pk, 2);
	/* a CPU without an apicid: the boot CPU alone (kexec/cpus.c) */
	ci->napicid = 127;
	assert_int_equal(tdx_clear_cpus(ci, 0, &pk), 1);
	free(ci);
}

static void test_duration_text(void **state)
{
	static const struct {
		long s;
		const char *want;
	} cases[] = {
		{ 0, "under 1 s" }, { 1, "about 1 s" }, { 28, "about 28 s" }, { 89, "about 89 s" },
		{ 90, "about 2 min" }, { 220, "about 4 min" }, { 440, "about 7 min" },
		{ 5399, "about 90 min" }, { 5400, "about 1 h 30 min" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[32];

		tdx_duration_text(cases[i].s, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_watchdog_rule(void **state)
{
	static const struct {
		bool ipmi;
		long timeout;
		const char *st;
		int nowayout;
		long estimate;
		long fires;
		bool outlasted;
	} cases[] = {
		/* watchdog core: only an active nowayout device survives the reboot notifier */
		{ false, 30, "active", TDX_YES, 220, 30, true },
		{ false, 30, "active", TDX_YES, 30, 30, false },        /* not shorter */
		{ false, 30, "active", TDX_YES, 29, 30, false },
		{ false, 30, "active", TDX_NO, 220, -1, false },
		{ false, 30, "active", TDX_UNKNOWN, 220, -1, false },
		{ false, 30, "inactive", TDX_YES, 220, -1, false },
		{ false, 30, "", TDX_YES, 220, -1, false },
		{ false, -1, "active", TDX_YES, 220, -1, true },        /* unknown timeout: flagged */
		{ false, 30, "active", TDX_YES, -1, 30, false },        /* nothing cleared */
		/* IPMI: re-armed with max(timeout, 120) */
		{ true, 10, "", TDX_NO, 220, 120, true },
		{ true, 10, "", TDX_NO, 120, 120, false },
		{ true, 10, "", TDX_NO, 28, 120, false },
		{ true, 300, "", TDX_NO, 220, 300, false },
		{ true, -1, "", TDX_UNKNOWN, 121, 120, true },
		{ true, 10, "", TDX_NO, -1, 120, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_watchdog w = { .ipmi = cases[i].ipmi, .timeout_s = cases[i].timeout,
					  .nowayout = cases[i].nowayout };

		snprintf(w.state, sizeof(w.state), "%s", cases[i].st);
		print_message("case %zu\n", i);
		assert_int_equal(tdx_watchdog_fires_after(&w), cases[i].fires);
		assert_int_equal(tdx_watchdog_outlasted(&w, cases[i].estimate), cases[i].outlasted);
	}
}

/* A 2 TiB erratum host, decided "clear", with the given watchdogs; one clearing CPU. */
static void big_host(struct tdx_status *st, bool kernel_disables)
{
	*st = (struct tdx_status){ 0 };
	st->decision = TDX_DECISION_CLEAR;
	st->action = KTDX_ACTION_CLEAR;
	st->module_sys_disable = TDX_UNKNOWN;
	snprintf(st->module_version, sizeof(st->module_version), "1.5.16");
	st->kernel = (struct tdx_kernel){ kernel_disables ? TDX_YES : TDX_NO, TDX_YES, TDX_NO };
	assert_int_equal(rangeset_add(&st->private_ranges, 0x100000, 0x100000 + 2 * TiB), 0);
}

static void test_clear_assess(void **state)
{
	struct tdx_status st;

	/* issue 20 item 8: a 7.2 kernel, module support unknown: no --tdx=flush on a guess */
	big_host(&st, true);
	st.watchdogs[0] = (struct tdx_watchdog){ "watchdog0", "iTCO_wdt", 30, "active", TDX_YES, false };
	st.watchdogs[1] = (struct tdx_watchdog){ "watchdog1", "iTCO_wdt", 30, "active", TDX_NO, false };
	st.watchdogs[2] = (struct tdx_watchdog){ "ipmi_watchdog", "IPMI", 10, "", TDX_NO, true };
	st.watchdogs[3] = (struct tdx_watchdog){ "watchdog2", "softdog", 600, "active", TDX_YES, false };
	st.nwatchdogs = 4;
	tdx_clear_assess(&st, 0, 0);
	assert_int_equal(st.clear_cpus, 1);
	assert_int_equal(st.clear_estimate_s, 220);
	assert_int_equal(st.nwarnings, 2);
	assert_string_equal(st.warnings[0],
		"watchdog0 (iTCO_wdt) is active and nowayout (kexec does not stop it) with a 30 s timeout, "
		"but the clear takes about 4 min (220 s) and the host would be reset in the middle of it; "
		"raise its timeout above 220 s, or do a cold reboot instead of kexec");
	assert_string_equal(st.warnings[1],
		"ipmi_watchdog: a running IPMI watchdog re-arms itself with 120 s at reboot, but the clear "
		"takes about 4 min (220 s) and the host would be reset in the middle of it; raise its timeout "
		"(ipmi_watchdog timeout=, or in the BMC) above 220 s, or do a cold reboot instead of kexec");
	tdx_status_free(&st);

	/* the operator stated the module supports TDH.SYS.DISABLE: --tdx=flush is offered */
	big_host(&st, true);
	st.module_sys_disable = TDX_YES;
	snprintf(st.module_sys_disable_source, sizeof(st.module_sys_disable_source),
		 "the operator: /etc/kexec-tdx.conf:2");
	st.watchdogs[0] = (struct tdx_watchdog){ "watchdog0", "iTCO_wdt", 30, "active", TDX_YES, false };
	st.nwatchdogs = 1;
	tdx_clear_assess(&st, 0, 0);
	assert_int_equal(st.nwarnings, 1);
	assert_non_null(strstr(st.warnings[0], "raise its timeout above 220 s, or use --tdx=flush (this "
				"kernel resets TDX memory itself at kexec, and TDX module 1.5.16 supports "
				"TDH.SYS.DISABLE: the operator: /etc/kexec-tdx.conf:2)"));
	tdx_status_free(&st);

	/* stated, but the kernel does not disable the module: a cold reboot */
	big_host(&st, false);
	st.module_sys_disable = TDX_YES;
	st.watchdogs[0] = (struct tdx_watchdog){ "watchdog0", "iTCO_wdt", 30, "active", TDX_YES, false };
	st.nwatchdogs = 1;
	tdx_clear_assess(&st, 0, 0);
	assert_int_equal(st.nwarnings, 1);
	assert_non_null(strstr(st.warnings[0], "raise its timeout above 220 s, or do a cold reboot instead "
				"of kexec"));
	tdx_status_free(&st);

	/* nothing cleared: no estimate, no warning */
	big_host(&st, true);
	st.action = KTDX_ACTION_FLUSH;
	st.watchdogs[0] = (struct tdx_watchdog){ "watchdog0", "iTCO_wdt", 30, "active", TDX_YES, false };
	st.nwatchdogs = 1;
	tdx_clear_assess(&st, 0, 0);
	assert_int_equal(st.clear_estimate_s, -1);
	assert_int_equal(st.nwarnings, 0);
	tdx_status_free(&st);
}

/* One list of warnings: in order, capped, the last slot saying so. */
static void test_warn(void **state)
{
	struct tdx_status *st = calloc(1, sizeof(*st));

	assert_non_null(st);
	tdx_warn(st, "first %d", 1);
	assert_int_equal(st->nwarnings, 1);
	assert_string_equal(st->warnings[0], "first 1");
	for (int i = 0; i < 30; i++)
		tdx_warn(st, "more %d", i);
	assert_int_equal(st->nwarnings, TDX_MAX_WARNINGS + 1);
	assert_string_equal(st->warnings[TDX_MAX_WARNINGS - 2], "more 13");
	assert_string_equal(st->warnings[TDX_MAX_WARNINGS - 1],
			    "more than 15 warnings; the later ones are not shown");
	free(st);
}

/* issue 20 item 4 */
static void test_after_kexec(void **state)
{
	struct tdx_status st = { 0 };

	assert_null(tdx_after_kexec(&st));
	st.module_initialized = true;
	st.kernel.disables_tdx_module = TDX_YES;
	assert_string_equal(tdx_after_kexec(&st), "available");
	st.kmsg.tdh_sys_disable_failed = true;
	assert_string_equal(tdx_after_kexec(&st), "until_cold_boot");
	st.kmsg.tdh_sys_disable_failed = false;
	st.kernel.disables_tdx_module = TDX_NO;
	assert_string_equal(tdx_after_kexec(&st), "until_cold_boot");
	st.kernel.disables_tdx_module = TDX_UNKNOWN;
	assert_string_equal(tdx_after_kexec(&st), "unknown");
}

/* issue 20 item 5: the firmware upload's status values (sysfs_upload.c) */
static void test_upload_status(void **state)
{
	static const char *const good[] = { "idle", "receiving", "preparing", "transferring",
					    "programming" };
	struct kexec_log log = { 0 };
	char out[16];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%s\n", good[i]);
		assert_int_equal(tdx_upload_status_parse(buf, strlen(buf), out, sizeof(out), &log, "s"), 0);
		assert_string_equal(out, good[i]);
	}
	assert_int_equal(tdx_upload_status_parse("busy\n", 5, out, sizeof(out), &log, "s"), -EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(tdx_module_sys_disable_known("1.5.16"), TDX_UNKNOWN);
	assert_int_equal(tdx_module_sys_disable_known(""), TDX_UNKNOWN);
}

/* ---- sysroot reads ------------------------------------------------------- */

static void test_watchdogs_detect(void **state)
{
	char root[] = "/tmp/kt-kernel-XXXXXX";
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct tdx_status st = { 0 };

	assert_non_null(mkdtemp(root));
	tree_put(root, "sys/class/watchdog/watchdog0/identity", "iTCO_wdt\n");
	tree_put(root, "sys/class/watchdog/watchdog0/timeout", "30\n");
	tree_put(root, "sys/class/watchdog/watchdog0/state", "active\n");
	tree_put(root, "sys/class/watchdog/watchdog0/nowayout", "1\n");
	tree_put(root, "sys/class/watchdog/watchdog10/identity", "softdog\n");
	tree_put(root, "sys/class/watchdog/watchdog10/timeout", "oops\n");      /* unusable: unknown */
	tree_put(root, "sys/class/watchdog/watchdog2/identity", "Software Watchdog\n");
	tree_put(root, "sys/class/watchdog/watchdog2/state", "inactive\n");
	tree_put(root, "sys/class/watchdog/other/identity", "ignored\n");
	tree_put(root, "sys/module/ipmi_watchdog/parameters/timeout", "10\n");
	tree_put(root, "sys/module/ipmi_watchdog/parameters/nowayout", "N\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	tdx_watchdogs_detect(sr, &log, &st);
	sysroot_free(sr);

	assert_int_equal(st.nwatchdogs, 4);
	assert_string_equal(st.watchdogs[0].name, "watchdog0");
	assert_string_equal(st.watchdogs[0].identity, "iTCO_wdt");
	assert_int_equal(st.watchdogs[0].timeout_s, 30);
	assert_string_equal(st.watchdogs[0].state, "active");
	assert_int_equal(st.watchdogs[0].nowayout, TDX_YES);
	assert_false(st.watchdogs[0].ipmi);
	assert_string_equal(st.watchdogs[1].name, "watchdog2");       /* numeric order */
	assert_string_equal(st.watchdogs[1].identity, "Software Watchdog");
	assert_int_equal(st.watchdogs[1].timeout_s, -1);
	assert_string_equal(st.watchdogs[1].state, "inactive");
	assert_int_equal(st.watchdogs[1].nowayout, TDX_UNKNOWN);
	assert_string_equal(st.watchdogs[2].name, "watchdog10");
	assert_int_equal(st.watchdogs[2].timeout_s, -1);
	assert_string_equal(st.watchdogs[3].name, "ipmi_watchdog");
	assert_string_equal(st.watchdogs[3].identity, "IPMI");
	assert_int_equal(st.watchdogs[3].timeout_s, 10);
	assert_int_equal(st.watchdogs[3].nowayout, TDX_NO);
	assert_true(st.watchdogs[3].ipmi);
	tree_rm(root);
}

static void test_kernel_detect(void **state)
{
	char root[] = "/tmp/kt-kernel-XXXXXX";
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct tdx_status st = { 0 };

	assert_non_null(mkdtemp(root));
	assert_int_equal(sysroot_open(root, &sr), 0);
	/* nothing there: unknown */
	tdx_kernel_detect(sr, &log, &st);
	assert_int_equal(st.kernel.disables_tdx_module, TDX_UNKNOWN);
	assert_int_equal(st.kernel.refuses_kexec_on_erratum, TDX_UNKNOWN);
	assert_string_equal(st.module_version, "");
	/* 7.2 names, the faux device's version */
	tree_put(root, "proc/kallsyms", "ffffffff8c0f2220 T tdx_sys_disable\nffffffff8c0f2a30 T tdx_cpu_flush_cache\n");
	tree_put(root, "sys/devices/faux/tdx_host/version", "1.5.16\n");
	tdx_kernel_detect(sr, &log, &st);
	assert_int_equal(st.kernel.disables_tdx_module, TDX_YES);
	assert_int_equal(st.kernel.flushes_all_cpus, TDX_YES);
	assert_int_equal(st.kernel.refuses_kexec_on_erratum, TDX_NO);
	assert_string_equal(st.module_version, "1.5.16");
	assert_string_equal(st.module_version_source, "/sys/devices/faux/tdx_host/version");
	/* the log's version wins; the refusal line makes the kernel a refuser */
	snprintf(st.module_version, sizeof(st.module_version), "1.5.06");
	st.kmsg.kexec_refusal_logged = true;
	tdx_kernel_detect(sr, &log, &st);
	assert_string_equal(st.module_version, "1.5.06");
	assert_int_equal(st.kernel.refuses_kexec_on_erratum, TDX_YES);
	sysroot_free(sr);
	tree_rm(root);
}

/* ---- decision and policy ------------------------------------------------- */

/* An idle Emerald Rapids host with the erratum, module initialized. */
static struct tdx_status emr(struct tdx_kernel k, bool log_line)
{
	struct tdx_status st = { 0 };

	st.cpu.tdx_host_platform = st.cpu.pw_mce = st.module_initialized = true;
	snprintf(st.module_evidence, sizeof(st.module_evidence), "TDX-Module initialized");
	st.misc_found = true;
	st.cpuinfo_ok = st.private_ok = true;
	st.kernel = k;
	st.kmsg.kexec_refusal_logged = log_line;
	return st;
}

static const char refusal_kallsyms[] =
	"this kernel refuses every kexec and kdump load on a CPU with the tdx_pw_mce erratum "
	"(/proc/kallsyms has the 6.18-7.1 kexec cache flush without tdx_sys_disable), so the syscall "
	"would fail with EOPNOTSUPP; do a cold reboot, or boot a kernel that disables the TDX module "
	"at kexec (tdx_sys_disable, mainline 7.2+)";

static void test_decide_kernel(void **state)
{
	static const struct tdx_kernel k618 = { TDX_NO, TDX_YES, TDX_YES };
	static const struct tdx_kernel k72 = { TDX_YES, TDX_YES, TDX_NO };
	static const struct tdx_kernel none = { TDX_NO, TDX_NO, TDX_NO };
	static const struct tdx_kernel unknown = { TDX_UNKNOWN, TDX_UNKNOWN, TDX_UNKNOWN };
	char reason[512];
	struct tdx_status st;

	st = emr(k618, false);
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_REFUSE);
	assert_string_equal(reason, refusal_kallsyms);
	assert_int_equal(tdx_decide(&st, false, NULL, 0), TDX_DECISION_REFUSE);   /* --tdx-force too */

	st = emr(unknown, true);
	st.kernel.refuses_kexec_on_erratum = TDX_YES;
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_REFUSE);
	assert_non_null(strstr(reason, "(its log says \"kexec: Not allowed on platform with tdx_pw_mce bug\")"));

	/* running TDs are named first (first match wins) */
	st = emr(k618, false);
	st.running_tds = st.misc.tdx = 2;
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_REFUSE);
	assert_string_equal(reason, "2 TDs running (misc cgroup tdx=2)");

	/* the same kernel on Granite Rapids (no erratum) refuses nothing */
	st = emr(k618, false);
	st.cpu.pw_mce = false;
	assert_int_equal(tdx_decide(&st, true, NULL, 0), TDX_DECISION_FLUSH);

	/* 7.2: the clear stays, and the reason says why and for how long */
	st = emr(k72, false);
	snprintf(st.module_version, sizeof(st.module_version), "1.5.16");
	assert_int_equal(rangeset_add(&st.private_ranges, 0x100000, 0x100000 + 2 * TiB), 0);
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_CLEAR);
	assert_string_equal(reason, "TDX module initialized (TDX-Module initialized) and tdx_pw_mce erratum: "
			    "WBINVD and clear; the kernel also disables the TDX module at kexec "
			    "(tdx_sys_disable), but whether TDX module 1.5.16 supports TDH.SYS.DISABLE is not "
			    "known, so the clear stays");
	/* issue 20 item 8: --tdx=flush only on a known "yes" */
	st.module_sys_disable = TDX_YES;
	snprintf(st.module_sys_disable_source, sizeof(st.module_sys_disable_source), "the operator: x:1");
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_CLEAR);
	assert_non_null(strstr(reason, "; the kernel also resets TDX memory at kexec (tdx_sys_disable) and "
			       "TDX module 1.5.16 supports TDH.SYS.DISABLE (the operator: x:1): --tdx=flush "
			       "may skip the clear"));
	st.module_sys_disable = TDX_UNKNOWN;
	/* issue 20 item 5: an update in progress refuses first */
	st.update.in_progress = true;
	snprintf(st.update.upload_status, sizeof(st.update.upload_status), "programming");
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_REFUSE);
	assert_string_equal(reason, "a TDX module update is in progress "
			    "(/sys/class/firmware/tdx_module/status: programming); a kexec now would "
			    "interrupt it");
	st.update.in_progress = false;
	tdx_status_free(&st);

	/* a vendor kernel with neither symbol, and no kallsyms at all: clear, nothing said */
	st = emr(none, false);
	assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), TDX_DECISION_CLEAR);
	assert_string_equal(reason, "TDX module initialized (TDX-Module initialized) and tdx_pw_mce erratum: "
			    "WBINVD and clear");
	st = emr(unknown, false);
	assert_int_equal(tdx_decide(&st, true, NULL, 0), TDX_DECISION_CLEAR);
}

static void test_policy_kernel_refusal(void **state)
{
	static const struct tdx_kernel k618 = { TDX_NO, TDX_YES, TDX_YES };
	static const enum tdx_policy policies[] = { TDX_POLICY_AUTO, TDX_POLICY_CLEAR, TDX_POLICY_FLUSH,
						    TDX_POLICY_REFUSE, TDX_POLICY_OFF };
	struct tdx_status st = emr(k618, false);
	char want[1024];

	/* every policy, -l and -p, with and without --tdx-force: refused, nothing loaded */
	for (size_t p = 0; p < ARRAY_SIZE(policies); p++)
		for (int crash = 0; crash < 2; crash++)
			for (int force = 0; force < 2; force++) {
				struct kexec_log log = { 0 };
				unsigned action = 99;

				assert_int_equal(tdx_policy_apply(&st, policies[p], force, crash, &log, &action),
						 TDX_REFUSED);
				assert_int_equal(action, 99);
				snprintf(want, sizeof(want), "refusing to %s: %s%s",
					 crash ? "load a crash kernel" : "kexec", refusal_kallsyms,
					 force ? " (--tdx-force cannot help: the kernel itself refuses)" : "");
				assert_string_equal(log.last, want);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_parse),
		cmocka_unit_test(test_kernel_from_kallsyms),
		cmocka_unit_test(test_module_version_parse),
		cmocka_unit_test(test_version_file_parse),
		cmocka_unit_test(test_kmsg_module_version),
		cmocka_unit_test(test_watchdog_attr_parse),
		cmocka_unit_test(test_clear_estimate),
		cmocka_unit_test(test_clear_cpus),
		cmocka_unit_test(test_warn),
		cmocka_unit_test(test_after_kexec),
		cmocka_unit_test(test_upload_status),
		cmocka_unit_test(test_duration_text),
		cmocka_unit_test(test_watchdog_rule),
		cmocka_unit_test(test_clear_assess),
		cmocka_unit_test(test_watchdogs_detect),
		cmocka_unit_test(test_kernel_detect),
		cmocka_unit_test(test_decide_kernel),
		cmocka_unit_test(test_policy_kernel_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
