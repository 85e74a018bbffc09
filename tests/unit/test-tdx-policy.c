/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The decision table (DESIGN.md "Decision for auto") and tdx_policy_apply. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include "tdx/tdx.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum scenario {
	SC_PLAIN,               /* Xeon without TDX */
	SC_FLUSH_PLATFORM,      /* tdx_host_platform, module never initialized */
	SC_FLUSH_INIT,          /* module initialized, no erratum (Granite Rapids) */
	SC_CLEAR,               /* module initialized + tdx_pw_mce (Sapphire/Emerald Rapids) */
	SC_CLEAR_NOFLAG,        /* initialized (kvm_intel.tdx=Y) on a kernel without the flag */
	SC_TDS,                 /* SC_CLEAR with 2 TDs running */
	SC_ONE_TD,              /* SC_FLUSH_INIT with 1 TD running */
	SC_SEV,                 /* AMD SEV-SNP host, 3 SEV guests */
	SC_SEV_IDLE,            /* AMD SEV-SNP host, none */
	SC_BOTH,                /* 1 TD and 1 SEV guest (synthetic) */
	SC_UNKNOWN,             /* SC_CLEAR without misc cgroup files */
	SC_UNKNOWN_PLATFORM,    /* platform flag, not initialized, no misc files */
	SC_GUEST,               /* inside a TD (misc counts ignored) */
	SC_SEV_GUEST,           /* inside a SEV-SNP guest (the log says so) */
	SC_NO_RANGES,           /* SC_CLEAR, but the memory to clear is unknown */
	SC_NO_CPUINFO,          /* /proc/cpuinfo unreadable, nothing else known */
	SC_NO_CPUINFO_INIT,     /* /proc/cpuinfo unreadable, module initialized */
};

static struct tdx_status make(enum scenario sc)
{
	struct tdx_status st = { 0 };

	st.running_tds = 0;
	st.running_sev_guests = 0;
	st.misc_found = true;
	st.misc = (struct tdx_misc){ 0, 0, 0 };
	st.cpuinfo_ok = true;
	st.private_ok = true;
	snprintf(st.cpu.vendor, sizeof(st.cpu.vendor), "GenuineIntel");
	switch (sc) {
	case SC_PLAIN:
		break;
	case SC_FLUSH_PLATFORM:
		st.cpu.tdx_host_platform = true;
		st.cpu.pw_mce = true;
		break;
	case SC_ONE_TD:
		st.running_tds = st.misc.tdx = 1;
		/* fall through */
	case SC_FLUSH_INIT:
		st.cpu.tdx_host_platform = true;
		st.module_initialized = true;
		snprintf(st.module_evidence, sizeof(st.module_evidence), "virt/tdx: module initialized");
		break;
	case SC_UNKNOWN:
		st.running_tds = st.running_sev_guests = -1;
		st.misc_found = false;
		st.misc = (struct tdx_misc){ -1, -1, -1 };
		/* fall through */
	case SC_TDS:
		if (sc == SC_TDS)
			st.running_tds = st.misc.tdx = 2;
		/* fall through */
	case SC_CLEAR:
		st.cpu.tdx_host_platform = true;
		st.cpu.pw_mce = true;
		st.module_initialized = true;
		snprintf(st.module_evidence, sizeof(st.module_evidence), "virt/tdx: module initialized");
		break;
	case SC_CLEAR_NOFLAG:
		st.cpu.pw_mce = true;
		st.module_initialized = true;
		snprintf(st.module_evidence, sizeof(st.module_evidence), "kvm_intel.tdx=Y");
		break;
	case SC_SEV:
		st.misc = (struct tdx_misc){ 0, 1, 2 };
		st.running_sev_guests = 3;
		/* fall through */
	case SC_SEV_IDLE:
		snprintf(st.cpu.vendor, sizeof(st.cpu.vendor), "AuthenticAMD");
		st.cpu.sev = st.cpu.sev_es = st.cpu.sev_snp = true;
		break;
	case SC_BOTH:
		st.cpu.tdx_host_platform = true;
		st.module_initialized = true;
		snprintf(st.module_evidence, sizeof(st.module_evidence), "virt/tdx: module initialized");
		st.misc = (struct tdx_misc){ 1, 0, 1 };
		st.running_tds = 1;
		st.running_sev_guests = 1;
		break;
	case SC_UNKNOWN_PLATFORM:
		st.cpu.tdx_host_platform = true;
		st.running_tds = st.running_sev_guests = -1;
		st.misc_found = false;
		st.misc = (struct tdx_misc){ -1, -1, -1 };
		break;
	case SC_GUEST:
		st.tdx_guest = true;
		st.running_tds = st.misc.tdx = 3;
		break;
	case SC_SEV_GUEST:
		snprintf(st.cpu.vendor, sizeof(st.cpu.vendor), "AuthenticAMD");
		st.kmsg.sev_guest = true;
		break;
	case SC_NO_RANGES:
		st.cpu.tdx_host_platform = st.cpu.pw_mce = st.module_initialized = true;
		snprintf(st.module_evidence, sizeof(st.module_evidence), "virt/tdx: module initialized");
		st.private_ok = false;
		snprintf(st.private_why, sizeof(st.private_why),
			 "/sys/firmware/memmap/3/end: No such file or directory");
		break;
	case SC_NO_CPUINFO_INIT:
		st.module_initialized = true;
		snprintf(st.module_evidence, sizeof(st.module_evidence), "virt/tdx: module initialized");
		/* fall through */
	case SC_NO_CPUINFO:
		st.cpu.vendor[0] = '\0';
		st.cpuinfo_ok = false;
		snprintf(st.cpuinfo_why, sizeof(st.cpuinfo_why), "/proc/cpuinfo: Permission denied");
		break;
	}
	return st;
}

static void test_names(void **state)
{
	static const struct {
		const char *name;
		int r;
		enum tdx_policy p;
	} cases[] = {
		{ "auto", 0, TDX_POLICY_AUTO }, { "clear", 0, TDX_POLICY_CLEAR },
		{ "flush", 0, TDX_POLICY_FLUSH }, { "refuse", 0, TDX_POLICY_REFUSE },
		{ "off", 0, TDX_POLICY_OFF }, { "Auto", -EINVAL, 0 }, { "", -EINVAL, 0 },
		{ "on", -EINVAL, 0 }, { NULL, -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum tdx_policy p = TDX_POLICY_OFF;

		assert_int_equal(tdx_policy_from_name(cases[i].name, &p), cases[i].r);
		if (cases[i].r == 0) {
			assert_int_equal(p, cases[i].p);
			assert_string_equal(tdx_policy_name(p), cases[i].name);
		}
	}
	assert_string_equal(tdx_decision_name(TDX_DECISION_PLAIN), "plain");
	assert_string_equal(tdx_decision_name(TDX_DECISION_FLUSH), "flush");
	assert_string_equal(tdx_decision_name(TDX_DECISION_CLEAR), "clear");
	assert_string_equal(tdx_decision_name(TDX_DECISION_REFUSE), "refuse");
	assert_string_equal(tdx_decision_name((enum tdx_decision)42), "?");
}

static void test_decision_table(void **state)
{
	static const struct {
		enum scenario sc;
		enum tdx_decision d;
		const char *reason;
	} cases[] = {
		{ SC_GUEST, TDX_DECISION_PLAIN,
		  "TDX guest (tdx_guest in the cpuinfo flags, or the kernel log): kexec inside a TD needs "
		  "nothing from this tool" },
		{ SC_SEV_GUEST, TDX_DECISION_PLAIN,
		  "AMD SEV guest (the kernel log's memory encryption features): kexec inside the guest "
		  "needs nothing from this tool" },
		/* fail closed: never a clear of nothing, never "plain" for want of the CPU flags */
		{ SC_NO_RANGES, TDX_DECISION_REFUSE,
		  "a clear is needed (TDX module initialized (virt/tdx: module initialized) and tdx_pw_mce "
		  "erratum: WBINVD and clear), but the memory to clear cannot be computed "
		  "(/sys/firmware/memmap/3/end: No such file or directory)" },
		{ SC_NO_CPUINFO, TDX_DECISION_REFUSE,
		  "cannot tell whether this is a TDX host: /proc/cpuinfo: Permission denied" },
		{ SC_NO_CPUINFO_INIT, TDX_DECISION_CLEAR,
		  "TDX module initialized (virt/tdx: module initialized) and the CPU flags unknown, so the "
		  "tdx_pw_mce erratum is assumed: WBINVD and clear" },
		{ SC_TDS, TDX_DECISION_REFUSE, "2 TDs running (misc cgroup tdx=2)" },
		{ SC_ONE_TD, TDX_DECISION_REFUSE, "1 TD running (misc cgroup tdx=1)" },
		{ SC_SEV, TDX_DECISION_REFUSE, "3 SEV guests running (misc cgroup sev=1, sev_es=2)" },
		{ SC_BOTH, TDX_DECISION_REFUSE,
		  "1 TD running (misc cgroup tdx=1) and 1 SEV guest running (misc cgroup sev=0, sev_es=1)" },
		{ SC_PLAIN, TDX_DECISION_PLAIN,
		  "no tdx_host_platform flag and no sign of an initialized TDX module" },
		{ SC_SEV_IDLE, TDX_DECISION_PLAIN,
		  "no tdx_host_platform flag and no sign of an initialized TDX module; AMD SEV-SNP host "
		  "with no SEV guests running" },
		{ SC_CLEAR, TDX_DECISION_CLEAR,
		  "TDX module initialized (virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear" },
		{ SC_CLEAR_NOFLAG, TDX_DECISION_CLEAR,
		  "TDX module initialized (kvm_intel.tdx=Y) and tdx_pw_mce erratum: WBINVD and clear" },
		{ SC_UNKNOWN, TDX_DECISION_REFUSE,
		  "the number of running TDs is unknown (no misc cgroup misc.current) and the TDX module "
		  "is initialized (virt/tdx: module initialized)" },
		{ SC_FLUSH_INIT, TDX_DECISION_FLUSH,
		  "TDX module initialized (virt/tdx: module initialized), no tdx_pw_mce erratum: WBINVD" },
		{ SC_FLUSH_PLATFORM, TDX_DECISION_FLUSH,
		  "TDX host platform (tdx_host_platform flag) with the tdx_pw_mce erratum, TDX module not "
		  "initialized: WBINVD" },
		{ SC_UNKNOWN_PLATFORM, TDX_DECISION_FLUSH,
		  "TDX host platform (tdx_host_platform flag), TDX module not initialized: WBINVD" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(cases[i].sc);
		char reason[512];

		assert_int_equal(tdx_decide(&st, true, reason, sizeof(reason)), cases[i].d);
		assert_string_equal(reason, cases[i].reason);
		assert_int_equal(tdx_decide(&st, true, NULL, 0), cases[i].d);
	}
}

/* With the guest row skipped: what a forced kexec does. */
static void test_decision_without_guests(void **state)
{
	static const struct {
		enum scenario sc;
		enum tdx_decision d;
	} cases[] = {
		{ SC_TDS, TDX_DECISION_CLEAR }, { SC_ONE_TD, TDX_DECISION_FLUSH },
		{ SC_SEV, TDX_DECISION_PLAIN }, { SC_BOTH, TDX_DECISION_FLUSH },
		{ SC_GUEST, TDX_DECISION_PLAIN }, { SC_CLEAR, TDX_DECISION_CLEAR },
		{ SC_UNKNOWN, TDX_DECISION_CLEAR }, { SC_UNKNOWN_PLATFORM, TDX_DECISION_FLUSH },
		{ SC_NO_RANGES, TDX_DECISION_REFUSE }, { SC_NO_CPUINFO, TDX_DECISION_REFUSE },
		{ SC_SEV_GUEST, TDX_DECISION_PLAIN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(cases[i].sc);

		assert_int_equal(tdx_decide(&st, false, NULL, 0), cases[i].d);
	}
}

/*
 * Every scenario x policy; the four outcomes are for (force, crash) =
 * (no, no) (yes, no) (no, yes) (yes, yes): N none, F flush, C clear,
 * X refused with TDX_REFUSED.
 */
static void test_policy_matrix(void **state)
{
	static const struct {
		enum scenario sc;
		enum tdx_policy p;
		const char out[5];
	} cases[] = {
		{ SC_PLAIN, TDX_POLICY_AUTO, "NNNN" },
		{ SC_PLAIN, TDX_POLICY_CLEAR, "CCFF" },
		{ SC_PLAIN, TDX_POLICY_FLUSH, "FFFF" },
		{ SC_PLAIN, TDX_POLICY_REFUSE, "NNNN" },
		{ SC_PLAIN, TDX_POLICY_OFF, "NNNN" },
		{ SC_FLUSH_PLATFORM, TDX_POLICY_AUTO, "FFFF" },
		{ SC_FLUSH_PLATFORM, TDX_POLICY_CLEAR, "CCFF" },
		{ SC_FLUSH_PLATFORM, TDX_POLICY_FLUSH, "FFFF" },
		{ SC_FLUSH_PLATFORM, TDX_POLICY_REFUSE, "XFXF" },
		{ SC_FLUSH_PLATFORM, TDX_POLICY_OFF, "NNNN" },
		{ SC_FLUSH_INIT, TDX_POLICY_AUTO, "FFFF" },
		{ SC_FLUSH_INIT, TDX_POLICY_REFUSE, "XFXF" },
		{ SC_CLEAR, TDX_POLICY_AUTO, "CCFF" },
		{ SC_CLEAR, TDX_POLICY_CLEAR, "CCFF" },
		{ SC_CLEAR, TDX_POLICY_FLUSH, "FFFF" },
		{ SC_CLEAR, TDX_POLICY_REFUSE, "XCXF" },
		{ SC_CLEAR, TDX_POLICY_OFF, "NNNN" },
		{ SC_CLEAR_NOFLAG, TDX_POLICY_AUTO, "CCFF" },
		/* guests running: refused under every policy unless forced; -p is not refused */
		{ SC_TDS, TDX_POLICY_AUTO, "XCFF" },
		{ SC_TDS, TDX_POLICY_CLEAR, "XCFF" },
		{ SC_TDS, TDX_POLICY_FLUSH, "XFFF" },
		{ SC_TDS, TDX_POLICY_REFUSE, "XCXF" },
		{ SC_TDS, TDX_POLICY_OFF, "XNNN" },
		{ SC_ONE_TD, TDX_POLICY_AUTO, "XFFF" },
		{ SC_SEV, TDX_POLICY_AUTO, "XNNN" },
		{ SC_SEV, TDX_POLICY_CLEAR, "XCFF" },
		{ SC_SEV, TDX_POLICY_FLUSH, "XFFF" },
		{ SC_SEV, TDX_POLICY_REFUSE, "XNNN" },
		{ SC_SEV, TDX_POLICY_OFF, "XNNN" },
		{ SC_SEV_IDLE, TDX_POLICY_AUTO, "NNNN" },
		{ SC_SEV_IDLE, TDX_POLICY_REFUSE, "NNNN" },
		{ SC_BOTH, TDX_POLICY_AUTO, "XFFF" },
		{ SC_BOTH, TDX_POLICY_OFF, "XNNN" },
		/* unknown TD count on an initialized TDX host: refused unless forced */
		{ SC_UNKNOWN, TDX_POLICY_AUTO, "XCFF" },
		{ SC_UNKNOWN, TDX_POLICY_CLEAR, "XCFF" },
		{ SC_UNKNOWN, TDX_POLICY_FLUSH, "XFFF" },
		{ SC_UNKNOWN, TDX_POLICY_REFUSE, "XCXF" },
		{ SC_UNKNOWN, TDX_POLICY_OFF, "XNNN" },
		/* unknown, but the module was never initialized: nothing to destroy */
		{ SC_UNKNOWN_PLATFORM, TDX_POLICY_AUTO, "FFFF" },
		{ SC_UNKNOWN_PLATFORM, TDX_POLICY_OFF, "NNNN" },
		/* in a guest WBINVD faults: flush and clear refused, even forced */
		{ SC_GUEST, TDX_POLICY_AUTO, "NNNN" },
		{ SC_GUEST, TDX_POLICY_CLEAR, "XXXX" },
		{ SC_GUEST, TDX_POLICY_FLUSH, "XXXX" },
		{ SC_GUEST, TDX_POLICY_REFUSE, "NNNN" },
		{ SC_GUEST, TDX_POLICY_OFF, "NNNN" },
		{ SC_SEV_GUEST, TDX_POLICY_AUTO, "NNNN" },
		{ SC_SEV_GUEST, TDX_POLICY_CLEAR, "XXXX" },
		{ SC_SEV_GUEST, TDX_POLICY_FLUSH, "XXXX" },
		{ SC_SEV_GUEST, TDX_POLICY_OFF, "NNNN" },
		/* a clear without its memory: refused, forced it flushes; -p needs no ranges */
		{ SC_NO_RANGES, TDX_POLICY_AUTO, "XFFF" },
		{ SC_NO_RANGES, TDX_POLICY_CLEAR, "XFFF" },
		{ SC_NO_RANGES, TDX_POLICY_FLUSH, "FFFF" },
		{ SC_NO_RANGES, TDX_POLICY_REFUSE, "XFXF" },
		{ SC_NO_RANGES, TDX_POLICY_OFF, "NNNN" },
		/* CPU flags unknown: refused; with an initialized module, a clear */
		{ SC_NO_CPUINFO, TDX_POLICY_AUTO, "XNNN" },
		{ SC_NO_CPUINFO, TDX_POLICY_FLUSH, "FFFF" },
		{ SC_NO_CPUINFO, TDX_POLICY_OFF, "NNNN" },
		{ SC_NO_CPUINFO_INIT, TDX_POLICY_AUTO, "CCFF" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(cases[i].sc);

		for (int k = 0; k < 4; k++) {
			bool force = k & 1, crash = k & 2;
			struct kexec_log log = { 0 };
			unsigned action = 0xdead;
			int r = tdx_policy_apply(&st, cases[i].p, force, crash, &log, &action);
			char want = cases[i].out[k];

			if (want == 'X') {
				if (r != TDX_REFUSED)
					fail_msg("case %zu (scenario %d, policy %s, force %d, crash %d): r=%d",
						 i, cases[i].sc, tdx_policy_name(cases[i].p), force, crash, r);
				assert_int_equal(action, 0xdead);
				assert_non_null(strstr(log.last, "refusing to kexec"));
				continue;
			}
			if (r != 0)
				fail_msg("case %zu (scenario %d, policy %s, force %d, crash %d): r=%d: %s",
					 i, cases[i].sc, tdx_policy_name(cases[i].p), force, crash, r, log.last);
			assert_int_equal(action, want == 'N' ? KTDX_ACTION_NONE :
						 want == 'F' ? KTDX_ACTION_FLUSH : KTDX_ACTION_CLEAR);
		}
	}
}

static void test_policy_messages(void **state)
{
	static const struct {
		enum scenario sc;
		enum tdx_policy p;
		bool force;
		int r;
		const char *last;       /* the error, or the warning a forced kexec leaves */
	} cases[] = {
		{ SC_TDS, TDX_POLICY_AUTO, false, TDX_REFUSED,
		  "refusing to kexec: 2 TDs running (misc cgroup tdx=2), and kexec destroys them without "
		  "warning; shut the TDs down, or use --tdx-force to kexec anyway (they will be destroyed)" },
		{ SC_TDS, TDX_POLICY_OFF, true, 0,
		  "*** --tdx-force: going on although 2 TDs running (misc cgroup tdx=2); the kexec will "
		  "DESTROY them ***" },
		{ SC_SEV, TDX_POLICY_AUTO, false, TDX_REFUSED,
		  "refusing to kexec: 3 SEV guests running (misc cgroup sev=1, sev_es=2), and kexec "
		  "destroys them without warning; shut the guests down, or use --tdx-force to kexec anyway "
		  "(they will be destroyed)" },
		{ SC_UNKNOWN, TDX_POLICY_AUTO, false, TDX_REFUSED,
		  "refusing to kexec: the number of running TDs is unknown (no misc cgroup misc.current "
		  "under /sys/fs/cgroup) and the TDX module is initialized (virt/tdx: module initialized); "
		  "shut the TDs down, or use --tdx-force to kexec anyway (they will be destroyed)" },
		{ SC_UNKNOWN, TDX_POLICY_AUTO, true, 0,
		  "*** --tdx-force: going on although the number of running TDs is unknown; any running "
		  "TD will be DESTROYED ***" },
		{ SC_CLEAR, TDX_POLICY_REFUSE, false, TDX_REFUSED,
		  "refusing to kexec (--tdx=refuse): the decision is clear (TDX module initialized "
		  "(virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear); do a cold "
		  "reboot, or use --tdx-force to kexec anyway" },
		{ SC_CLEAR, TDX_POLICY_REFUSE, true, 0,
		  "*** --tdx-force: overriding --tdx=refuse (decision clear: TDX module initialized "
		  "(virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear) ***" },
		{ SC_CLEAR, TDX_POLICY_AUTO, false, 0, "" },
		{ SC_NO_RANGES, TDX_POLICY_AUTO, false, TDX_REFUSED,
		  "refusing to kexec: a clear is needed (TDX module initialized (virt/tdx: module "
		  "initialized) and tdx_pw_mce erratum: WBINVD and clear), but the memory to clear cannot "
		  "be computed (/sys/firmware/memmap/3/end: No such file or directory); do a cold reboot, "
		  "or use --tdx-force to kexec with WBINVD but without the clear" },
		{ SC_NO_RANGES, TDX_POLICY_CLEAR, false, TDX_REFUSED,
		  "refusing to kexec (--tdx=clear): the memory to clear cannot be computed "
		  "(/sys/firmware/memmap/3/end: No such file or directory); do a cold reboot, or use "
		  "--tdx-force to kexec with WBINVD only" },
		{ SC_NO_CPUINFO, TDX_POLICY_AUTO, false, TDX_REFUSED,
		  "refusing to kexec: cannot tell whether this is a TDX host: /proc/cpuinfo: Permission "
		  "denied; do a cold reboot, or use --tdx-force to kexec without WBINVD or clear" },
		{ SC_GUEST, TDX_POLICY_FLUSH, true, TDX_REFUSED,
		  "refusing to kexec (--tdx=flush): this is a TDX guest, where WBINVD and the purgatory's "
		  "own page tables fault; use --tdx=auto or --tdx=off" },
		{ SC_SEV_GUEST, TDX_POLICY_CLEAR, false, TDX_REFUSED,
		  "refusing to kexec (--tdx=clear): this is an AMD SEV guest, where WBINVD and the "
		  "purgatory's own page tables fault; use --tdx=auto or --tdx=off" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(cases[i].sc);
		struct kexec_log log = { 0 };
		unsigned action;

		assert_int_equal(tdx_policy_apply(&st, cases[i].p, cases[i].force, false, &log, &action),
				 cases[i].r);
		assert_string_equal(log.last, cases[i].last);
	}
}

/*
 * DESIGN.md: the old kernel's memory is the dump, so a crash kernel (-p)
 * never clears, whatever the policy or the decision: tdx_policy_apply()
 * itself gives a flush (the loader no longer demotes anything).
 */
static void test_crash_never_clears(void **state)
{
	static const struct {
		enum scenario sc;
		enum tdx_policy p;
		bool force;
		const char *last;
	} cases[] = {
		{ SC_CLEAR, TDX_POLICY_CLEAR, false,
		  "crash kernel (-p): WBINVD only, never a clear (the old memory is the dump)" },
		{ SC_CLEAR, TDX_POLICY_AUTO, false,
		  "crash kernel (-p): WBINVD only, never a clear (the old memory is the dump)" },
		{ SC_PLAIN, TDX_POLICY_CLEAR, true,
		  "crash kernel (-p): WBINVD only, never a clear (the old memory is the dump)" },
		{ SC_TDS, TDX_POLICY_CLEAR, false,
		  "crash kernel (-p): WBINVD only, never a clear (the old memory is the dump)" },
		/* no ranges: -p needs none; the flush the table allows, said once */
		{ SC_NO_RANGES, TDX_POLICY_CLEAR, false,
		  "crash kernel (-p): WBINVD only, never a clear (the old memory is the dump)" },
		{ SC_NO_RANGES, TDX_POLICY_AUTO, false,
		  "loading a crash kernel although a clear is needed (TDX module initialized (virt/tdx: "
		  "module initialized) and tdx_pw_mce erratum: WBINVD and clear), but the memory to "
		  "clear cannot be computed (/sys/firmware/memmap/3/end: No such file or directory)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(cases[i].sc);
		struct kexec_log log = { .level = LOG_INFO };
		unsigned action = 0xdead;
		char *out = NULL;
		size_t len = 0;

		assert_non_null(log.out = open_memstream(&out, &len));
		assert_int_equal(tdx_policy_apply(&st, cases[i].p, cases[i].force, true, &log, &action), 0);
		fclose(log.out);
		assert_int_equal(action, KTDX_ACTION_FLUSH);
		if (!strstr(out, cases[i].last))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, out, cases[i].last);
		assert_string_equal(log.last, "");      /* no error, no warning */
		free(out);
	}
}

/* The same on a captured host whose decision is clear (tests/fixtures/spr-tdx-erratum-idle). */
static void test_crash_never_clears_fixture(void **state)
{
	static const enum tdx_policy policies[] = { TDX_POLICY_AUTO, TDX_POLICY_CLEAR };
	const char *top = getenv("abs_top_srcdir");
	char dir[4096];
	struct kexec_log log = { 0 };
	struct sysroot *sr;
	struct tdx_status st;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/spr-tdx-erratum-idle", top ? top : "..");
	assert_int_equal(sysroot_open(dir, &sr), 0);
	assert_int_equal(tdx_detect(sr, &log, &st), 0);
	assert_int_equal(st.decision, TDX_DECISION_CLEAR);
	for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
		unsigned action = 0xdead;

		assert_int_equal(tdx_policy_apply(&st, policies[i], false, false, &log, &action), 0);
		assert_int_equal(action, KTDX_ACTION_CLEAR);
		action = 0xdead;
		assert_int_equal(tdx_policy_apply(&st, policies[i], false, true, &log, &action), 0);
		assert_int_equal(action, KTDX_ACTION_FLUSH);
	}
	tdx_status_free(&st);
	sysroot_free(sr);
}

/* issue 20 item 5: a module update refuses kexec (not -p) unless --tdx-force */
static void test_update_refuses(void **state)
{
	struct tdx_status st = make(SC_CLEAR);
	struct kexec_log log = { 0 };
	unsigned act = 99;

	st.update.in_progress = true;
	snprintf(st.update.upload_status, sizeof(st.update.upload_status), "transferring");
	assert_int_equal(tdx_policy_apply(&st, TDX_POLICY_AUTO, false, false, &log, &act), TDX_REFUSED);
	assert_string_equal(log.last, "refusing to kexec: a TDX module update is in progress "
			    "(/sys/class/firmware/tdx_module/status: transferring); a kexec now would "
			    "interrupt it; wait until the update ends (status idle), or use --tdx-force to "
			    "kexec anyway");
	assert_int_equal(tdx_policy_apply(&st, TDX_POLICY_OFF, false, false, &log, &act), TDX_REFUSED);
	assert_int_equal(tdx_policy_apply(&st, TDX_POLICY_AUTO, true, false, &log, &act), 0);
	assert_int_equal(act, KTDX_ACTION_CLEAR);
	assert_int_equal(tdx_policy_apply(&st, TDX_POLICY_AUTO, false, true, &log, &act), 0);
	assert_int_equal(act, KTDX_ACTION_FLUSH);
}

/* issue 21: the action under the policy in force, and --check's answer */
static void test_settle_action(void **state)
{
	static const struct {
		enum scenario sc;
		enum tdx_policy policy;
		const char *action;
		int check;
	} cases[] = {
		{ SC_CLEAR, TDX_POLICY_AUTO, "clear", 0 },
		{ SC_CLEAR, TDX_POLICY_REFUSE, "refuse", 1 },
		{ SC_CLEAR, TDX_POLICY_FLUSH, "flush", 0 },
		{ SC_CLEAR, TDX_POLICY_OFF, "none", 0 },
		{ SC_PLAIN, TDX_POLICY_REFUSE, "none", 0 },
		{ SC_FLUSH_INIT, TDX_POLICY_AUTO, "flush", 0 },
		{ SC_TDS, TDX_POLICY_AUTO, "refuse", 1 },
		{ SC_TDS, TDX_POLICY_OFF, "refuse", 1 },
		{ SC_UNKNOWN, TDX_POLICY_AUTO, "refuse", 2 },
		{ SC_NO_RANGES, TDX_POLICY_AUTO, "refuse", 2 },
		{ SC_NO_CPUINFO, TDX_POLICY_AUTO, "refuse", 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(cases[i].sc);

		print_message("case %zu\n", i);
		tdx_status_settle(&st, &(struct tdx_status_opts){ .policy = cases[i].policy,
								  .sys_disable_stated = TDX_UNKNOWN });
		assert_string_equal(tdx_action_name(st.action), cases[i].action);
		assert_int_equal(tdx_status_check_code(&st), cases[i].check);
		tdx_status_free(&st);
	}
	/* the warnings of the policy, once however often it is settled */
	{
		struct tdx_status st = make(SC_CLEAR);
		struct tdx_status_opts o = { .policy = TDX_POLICY_FLUSH, .sys_disable_stated = TDX_UNKNOWN };

		tdx_status_settle(&st, &o);
		tdx_status_settle(&st, &o);
		assert_int_equal(st.nwarnings, 1);
		assert_string_equal(st.warnings[0], "--tdx=flush: the clear that the tdx_pw_mce erratum "
				    "needs is skipped; a partial write to memory a TD used can raise a machine "
				    "check in the new kernel");
		tdx_status_free(&st);
	}
}

/* issue 19: the load's package rule, said by the status before the load */
static void test_settle_package_rule(void **state)
{
	static const struct {
		unsigned nphysid;
		int flushes_all;
		bool force;
		const char *action;
		unsigned nwarnings;
	} cases[] = {
		{ 2, TDX_UNKNOWN, false, "clear", 0 },
		{ 0, TDX_UNKNOWN, false, "refuse", 0 },
		{ 0, TDX_NO, false, "refuse", 0 },
		{ 0, TDX_YES, false, "clear", 0 },
		{ 0, TDX_UNKNOWN, true, "clear", 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_status st = make(SC_CLEAR);

		print_message("case %zu\n", i);
		st.cpu.ncpus = st.cpu.napicid = 2;
		st.cpu.nphysid = cases[i].nphysid;
		st.kernel.flushes_all_cpus = cases[i].flushes_all;
		tdx_status_settle(&st, &(struct tdx_status_opts){ .policy = TDX_POLICY_AUTO,
								  .force = cases[i].force,
								  .sys_disable_stated = TDX_UNKNOWN });
		assert_string_equal(tdx_action_name(st.action), cases[i].action);
		assert_int_equal(st.nwarnings, cases[i].nwarnings);
		if (!strcmp(cases[i].action, "refuse")) {
			assert_int_equal(tdx_status_check_code(&st), 1);
			assert_string_equal(st.action_why, "/proc/cpuinfo: 0 of 2 CPUs have a \"physical id\" "
					    "(their package): the purgatory cannot make a CPU of every package "
					    "flush its caches, and the running kernel does not flush every CPU "
					    "itself; kexec -l refuses (--tdx-force overrides)");
		}
		tdx_status_free(&st);
	}
}

static void test_policy_invalid(void **state)
{
	struct tdx_status st = make(SC_PLAIN);
	struct kexec_log log = { 0 };
	unsigned action;

	assert_int_equal(tdx_policy_apply(&st, (enum tdx_policy)9, false, false, &log, &action), -EINVAL);
	assert_string_equal(log.last, "--tdx: unknown policy 9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_decision_table),
		cmocka_unit_test(test_decision_without_guests),
		cmocka_unit_test(test_policy_matrix),
		cmocka_unit_test(test_policy_messages),
		cmocka_unit_test(test_crash_never_clears),
		cmocka_unit_test(test_crash_never_clears_fixture),
		cmocka_unit_test(test_policy_invalid),
		cmocka_unit_test(test_update_refuses),
		cmocka_unit_test(test_settle_action),
		cmocka_unit_test(test_settle_package_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
