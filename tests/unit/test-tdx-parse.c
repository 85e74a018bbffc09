/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TDX parsers over buffers: cpuinfo, kmsg, misc cgroup; private ranges. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "tree.h"
#include "tdx/tdx.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void check_ranges(const struct rangeset *s, const struct range *want, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s->v[i].start, want[i].start);
		assert_int_equal(s->v[i].end, want[i].end);
	}
}

/* ---- /proc/cpuinfo ---- */

#define SPR_FLAGS "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush " \
	"dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc " \
	"avx512f sha_ni avx512bw movdiri movdir64b enqcmd tdx_host_platform amx_tile"
#define SPR_BUGS "spectre_v1 spectre_v2 spec_store_bypass swapgs eibrs_pbrsb tdx_pw_mce bhi"

#define CPU_BLOCK(n, vendor, family, model, flags, bugs)                          \
	"processor\t: " #n "\n"                                                   \
	"vendor_id\t: " vendor "\n"                                               \
	"cpu family\t: " #family "\n"                                             \
	"model\t\t: " #model "\n"                                                 \
	"model name\t: Intel(R) Xeon(R) Platinum 8480+\n"                         \
	"stepping\t: 8\n"                                                         \
	"microcode\t: 0x2b000461\n"                                               \
	"power management:\n"                                                     \
	"flags\t\t: " flags "\n"                                                  \
	"bugs\t\t: " bugs "\n"                                                    \
	"\n"

static const char spr2[] =
	CPU_BLOCK(0, "GenuineIntel", 6, 143, SPR_FLAGS, SPR_BUGS)
	CPU_BLOCK(1, "GenuineIntel", 6, 143, "fpu", "");

static void test_cpuinfo_good(void **state)
{
	struct kexec_log log = { 0 };
	struct tdx_cpuinfo ci;

	assert_int_equal(tdx_cpuinfo_parse(spr2, strlen(spr2), &ci, &log, "/proc/cpuinfo"), 0);
	assert_string_equal(ci.vendor, "GenuineIntel");
	assert_int_equal(ci.family, 6);
	assert_int_equal(ci.model, 143);
	assert_int_equal(ci.stepping, 8);
	assert_string_equal(ci.model_name, "Intel(R) Xeon(R) Platinum 8480+");
	assert_int_equal(ci.ncpus, 2);
	/* CPU0's flags count, CPU1's short list does not remove them */
	assert_true(ci.movdir64b);
	assert_true(ci.sha_ni);
	assert_true(ci.pdpe1gb);
	assert_true(ci.tdx_host_platform);
	assert_false(ci.tdx_guest);
	assert_false(ci.sev);
	assert_false(ci.sev_es);
	assert_false(ci.sev_snp);
	assert_true(ci.pw_mce);
}

static void test_cpuinfo_flags_table(void **state)
{
	static const struct {
		const char *flags, *bugs;
		bool movdir64b, sha_ni, pdpe1gb, host, guest, sev, sev_es, sev_snp, pw_mce;
	} cases[] = {
		{ "fpu movdir64b", "", 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "movdir64bx movdir64 xmovdir64b", "", 0, 0, 0, 0, 0, 0, 0, 0, 0 },  /* whole words only */
		{ "tdx_guest sha_ni", "", 0, 1, 0, 0, 1, 0, 0, 0, 0 },
		{ "sev sev_es sev_snp pdpe1gb", "sysret_ss_attrs", 0, 0, 1, 0, 0, 1, 1, 1, 0 },
		{ "sev_snp", "", 0, 0, 0, 0, 0, 0, 0, 1, 0 },                      /* sev_snp is not sev */
		{ "tdx_host_platform", "tdx_pw_mce", 0, 0, 0, 1, 0, 0, 0, 0, 1 },
		{ "", "tdx_pw_mce_x", 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "tdx_pw_mce", "", 0, 0, 0, 0, 0, 0, 0, 0, 0 },                   /* a bug, not a flag */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[512];
		struct kexec_log log = { 0 };
		struct tdx_cpuinfo ci;

		snprintf(text, sizeof(text), "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
			 "model\t\t: 17\nflags\t\t: %s\nbugs\t\t: %s\n", cases[i].flags, cases[i].bugs);
		assert_int_equal(tdx_cpuinfo_parse(text, strlen(text), &ci, &log, "c"), 0);
		assert_int_equal(ci.movdir64b, cases[i].movdir64b);
		assert_int_equal(ci.sha_ni, cases[i].sha_ni);
		assert_int_equal(ci.pdpe1gb, cases[i].pdpe1gb);
		assert_int_equal(ci.tdx_host_platform, cases[i].host);
		assert_int_equal(ci.tdx_guest, cases[i].guest);
		assert_int_equal(ci.sev, cases[i].sev);
		assert_int_equal(ci.sev_es, cases[i].sev_es);
		assert_int_equal(ci.sev_snp, cases[i].sev_snp);
		assert_int_equal(ci.pw_mce, cases[i].pw_mce);
	}
}

static void test_cpuinfo_errors(void **state)
{
	static const struct {
		const char *text;
		int r;
		const char *msg;
	} cases[] = {
		{ "", -EINVAL, "/proc/cpuinfo: no \"processor\" line" },
		{ "\n\n", -EINVAL, "/proc/cpuinfo: no \"processor\" line" },
		{ "vendor_id\t: GenuineIntel\n", -EINVAL,
		  "/proc/cpuinfo: line 1: \"vendor_id\" before the first \"processor\" line" },
		{ "processor\t: 0\ngarbage line\n", -EINVAL, "/proc/cpuinfo: line 2: no ':' in \"garbage line\"" },
		{ "processor\t: x\n", -EINVAL, "/proc/cpuinfo: line 1: processor \"x\" is not a decimal number" },
		{ "processor\t: 0\ncpu family\t: 0x6\n", -EINVAL,
		  "/proc/cpuinfo: line 2: cpu family \"0x6\" is not a decimal number" },
		{ "processor\t: 0\nmodel\t\t: -1\n", -EINVAL,
		  "/proc/cpuinfo: line 2: model \"-1\" is not a decimal number" },
		{ "processor\t: 0\nmodel\t\t: 99999999999\n", -ERANGE,
		  "/proc/cpuinfo: line 2: model \"99999999999\" is too large" },
		{ "processor\t: 0\nmodel\t\t:\n", -EINVAL, "/proc/cpuinfo: line 2: model \"\" is not a decimal number" },
		/* the digits pass UINT_MAX before the garbage: too large, not "not a number" */
		{ "processor\t: 0\nmodel\t\t: 4294967296x\n", -ERANGE,
		  "/proc/cpuinfo: line 2: model \"4294967296x\" is too large" },
		{ "processor\t: 0\nmodel\t\t: 4294967295x\n", -EINVAL,
		  "/proc/cpuinfo: line 2: model \"4294967295x\" is not a decimal number" },
		{ "processor\t: 0\nmodel\t\t: +1\n", -EINVAL,
		  "/proc/cpuinfo: line 2: model \"+1\" is not a decimal number" },
		{ "processor\t: 0\nstepping\t: 8a\n", -EINVAL,
		  "/proc/cpuinfo: line 2: stepping \"8a\" is not a decimal number" },
		{ "processor\t: 0\nvendor_id\t: GenuineIntelGenuineIntel\n", -EINVAL,
		  "/proc/cpuinfo: line 2: vendor_id \"GenuineIntelGenuineIntel\" is too long" },
		/* all CPUs must be the same kind */
		{ "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n\n"
		  "processor\t: 1\nvendor_id\t: AuthenticAMD\n", -EINVAL,
		  "/proc/cpuinfo: line 7: processor 1 has vendor_id AuthenticAMD, processor 0 has GenuineIntel" },
		{ "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n\n"
		  "processor\t: 5\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\n", -EINVAL,
		  "/proc/cpuinfo: line 9: processor 5 has model 207, processor 0 has 143" },
		{ "processor\t: 0\ncpu family\t: 6\n\nprocessor\t: 1\ncpu family\t: 15\n", -EINVAL,
		  "/proc/cpuinfo: line 5: processor 1 has cpu family 15, processor 0 has 6" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		struct tdx_cpuinfo ci;

		assert_int_equal(tdx_cpuinfo_parse(cases[i].text, strlen(cases[i].text), &ci, &log,
						   "/proc/cpuinfo"), cases[i].r);
		assert_string_equal(log.last, cases[i].msg);
	}
}

static void test_cpuinfo_odd_but_valid(void **state)
{
	static const char text[] = "processor : 0\nstepping\t: unknown\nvendor_id\t: GenuineIntel\r\n";
	static const char nul[] = "processor\t: 0\n\0vendor_id\t: x\n";
	struct kexec_log log = { 0 };
	struct tdx_cpuinfo ci;

	assert_int_equal(tdx_cpuinfo_parse(text, strlen(text), &ci, &log, "c"), 0);
	assert_int_equal(ci.stepping, 0);
	assert_string_equal(ci.vendor, "GenuineIntel");
	assert_int_equal(tdx_cpuinfo_parse(nul, sizeof(nul) - 1, &ci, &log, "c"), -EINVAL);
	assert_string_equal(log.last, "c: contains a NUL byte");
}

/* 1024 CPUs with long flag lines: linear, and every block is checked */
static void test_cpuinfo_huge(void **state)
{
	size_t cap = 1024 * 8192, len = 0;
	char *text = malloc(cap), flags[6000];
	struct kexec_log log = { 0 };
	struct tdx_cpuinfo ci;

	assert_non_null(text);
	memset(flags, 'a', sizeof(flags) - 1);
	flags[sizeof(flags) - 1] = '\0';
	memcpy(flags + 100, " movdir64b ", 11);
	for (unsigned i = 0; i < 1024; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"processor\t: %u\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
					"model\t\t: 207\nmodel name\t: %0200u\nflags\t\t: %s\n\n", i, i, flags);
	assert_int_equal(tdx_cpuinfo_parse(text, len, &ci, &log, "c"), 0);
	assert_int_equal(ci.ncpus, 1024);
	assert_int_equal(ci.model, 207);
	assert_true(ci.movdir64b);
	assert_int_equal(strlen(ci.model_name), sizeof(ci.model_name) - 1);  /* truncated */
	free(text);
}

/*
 * "apicid" of every block, in order (real SPR hosts number the threads of
 * a core 2n and 2n+1; a two-socket host's second socket starts at 128).
 */
static void test_cpuinfo_apicids(void **state)
{
	static const struct {
		const char *text;
		unsigned ncpus, napicid;
		uint32_t ids[4];
	} cases[] = {
		{ "processor\t: 0\napicid\t\t: 0\ninitial apicid\t: 0\n\n"
		  "processor\t: 1\napicid\t\t: 2\ninitial apicid\t: 2\n\n"
		  "processor\t: 2\napicid\t\t: 128\n\n"
		  "processor\t: 3\napicid\t\t: 1\n\n", 4, 4, { 0, 2, 128, 1 } },
		/* a block without one: the list stops there */
		{ "processor\t: 0\napicid\t\t: 4\n\nprocessor\t: 1\n\n"
		  "processor\t: 2\napicid\t\t: 6\n\n", 3, 1, { 4 } },
		/* none at all (some guests) */
		{ "processor\t: 0\nvendor_id\t: GenuineIntel\n\n", 1, 0, { 0 } },
		/* x2APIC ids above 255 */
		{ "processor\t: 0\napicid\t\t: 65536\n\nprocessor\t: 1\napicid\t\t: 4294967295\n",
		  2, 2, { 65536, 4294967295u } },
	};
	struct kexec_log log = { 0 };
	static struct tdx_cpuinfo ci;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(tdx_cpuinfo_parse(cases[i].text, strlen(cases[i].text), &ci, &log, "c"),
				 0);
		assert_int_equal(ci.ncpus, cases[i].ncpus);
		assert_int_equal(ci.napicid, cases[i].napicid);
		for (unsigned k = 0; k < cases[i].napicid; k++)
			assert_int_equal(ci.apicid[k], cases[i].ids[k]);
	}
	static const char bad[] = "processor\t: 0\napicid\t\t: x1\n";
	assert_int_equal(tdx_cpuinfo_parse(bad, strlen(bad), &ci, &log, "c"), -EINVAL);
	assert_string_equal(log.last, "c: line 2: apicid \"x1\" is not a decimal number");
}

/*
 * "physical id" (the package) beside each apicid, and the apicid of
 * "processor : 0", Linux's boot CPU, wherever its block comes.
 */
static void test_cpuinfo_packages(void **state)
{
	static const struct {
		const char *text;
		unsigned nphysid;
		uint32_t pkgs[4];
		bool boot_known;
		uint32_t boot;
	} cases[] = {
		{ "processor\t: 0\nphysical id\t: 0\napicid\t\t: 0\n\n"
		  "processor\t: 1\nphysical id\t: 0\napicid\t\t: 2\n\n"
		  "processor\t: 2\nphysical id\t: 1\napicid\t\t: 128\n\n", 3, { 0, 0, 1 }, true, 0 },
		/* the boot CPU need not be the first block */
		{ "processor\t: 1\nphysical id\t: 1\napicid\t\t: 130\n\n"
		  "processor\t: 0\nphysical id\t: 0\napicid\t\t: 4\n\n", 2, { 1, 0 }, true, 4 },
		/* a block without one stops the list (a guest without topology) */
		{ "processor\t: 0\napicid\t\t: 0\n\nprocessor\t: 1\nphysical id\t: 0\napicid\t\t: 1\n",
		  0, { 0 }, true, 0 },
		{ "processor\t: 0\nvendor_id\t: GenuineIntel\n\n", 0, { 0 }, false, 0 },
	};
	struct kexec_log log = { 0 };
	static struct tdx_cpuinfo ci;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(tdx_cpuinfo_parse(cases[i].text, strlen(cases[i].text), &ci, &log, "c"),
				 0);
		assert_int_equal(ci.nphysid, cases[i].nphysid);
		for (unsigned k = 0; k < cases[i].nphysid; k++)
			assert_int_equal(ci.physid[k], cases[i].pkgs[k]);
		assert_int_equal(ci.boot_apicid_known, cases[i].boot_known);
		assert_int_equal(ci.boot_apicid, cases[i].boot);
	}
	static const char bad[] = "processor\t: 0\nphysical id\t: -1\n";
	assert_int_equal(tdx_cpuinfo_parse(bad, strlen(bad), &ci, &log, "c"), -EINVAL);
	assert_string_equal(log.last, "c: line 2: physical id \"-1\" is not a decimal number");
}

/* ---- kmsg ---- */

/* The TSC rate: the refined calibration wins, "MHz TSC" over "MHz processor". */
static void test_kmsg_tsc(void **state)
{
	static const struct { const char *text; uint64_t khz; } cases[] = {
		{ "6,1,0,-;tsc: Detected 2400.000 MHz processor\n", 2400000 },
		{ "6,1,0,-;tsc: Detected 2400.000 MHz processor\n"
		  "6,2,0,-;tsc: Detected 2100.000 MHz TSC\n", 2100000 },
		{ "6,1,0,-;tsc: Detected 2400.000 MHz processor\n"
		  "6,9,0,-;tsc: Refined TSC clocksource calibration: 2903.998 MHz\n"
		  "6,10,0,-;tsc: Detected 2100.000 MHz TSC\n", 2903998 },
		{ "6,1,0,-;tsc: Detected 2.5 MHz processor\n", 2500 },
		{ "6,1,0,-;tsc: Fast TSC calibration using PIT\n", 0 },
		{ "6,1,0,-;tsc: Detected MHz processor\n", 0 },
		{ "6,1,0,-;tsc: Detected 2903. MHz TSC\n", 2903000 },
		{ "6,1,0,-;tsc: Detected 0002903.5 MHz TSC\n", 2903500 },
		{ "6,1,0,-;tsc: Detected 2903.9999 MHz TSC\n", 0 },
		{ "6,1,0,-;tsc: Detected 99999999.999 MHz TSC\n", 99999999999 },
		{ "6,1,0,-;tsc: Detected 100000000 MHz TSC\n", 0 },
		{ "6,1,0,-;tsc: Detected 2903.00000000000000000000001 MHz TSC\n", 0 },
		{ "6,1,0,-;tsc: Refined TSC clocksource calibration: 3000.000 GHz\n", 0 },
		{ "6,1,0,-;clocksource: tsc: mask: 0xffffffffffffffff\n", 0 },
	};
	struct kexec_log log = { 0 };
	struct tdx_kmsg k;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(tdx_kmsg_parse(cases[i].text, strlen(cases[i].text), &k, &log, "k"), 0);
		if (k.tsc_khz != cases[i].khz)
			fail_msg("case %zu: %llu kHz, expected %llu", i, (unsigned long long)k.tsc_khz,
				 (unsigned long long)cases[i].khz);
		tdx_kmsg_free(&k);
	}
}

static void test_kmsg_good(void **state)
{
	static const char text[] =
		"6,0,0,-;Linux version 6.18.0 (builder@host)\n"
		" SUBSYSTEM=cpu\n"
		" DEVICE=+cpu:0\n"
		"6,512,1200000,-,caller=T1;virt/tdx: BIOS enabled: private KeyID range [64, 128)\n"
		"6,513,1200001,-;virt/tdx: CMR: [0x100000, 0x80000000)\n"
		"6,514,1200002,-;virt/tdx: CMR: [0x100000000, 0x880000000)\n"
		"6,515,1200003,-;virt/tdx: CMR: [0x0, 0x100000)\n"
		"6,516,1200004,c;virt/tdx: 262144 KB allocated for PAMT\n"
		"6,517,1200005,-;virt/tdx: module initialized\n"
		"\n"
		"4,700,9000000,-;virt/tdx: TDH.SYS.DISABLE failed: 0x8000000000000000\n"
		"3,701,9000001,-;kexec: Not allowed on platform with tdx_pw_mce bug\n";
	static const struct range want[] = { { 0, 2 * GiB }, { 4 * GiB, 34 * GiB } };
	struct kexec_log log = { 0 };
	struct tdx_kmsg k;

	assert_int_equal(tdx_kmsg_parse(text, strlen(text), &k, &log, "dev/kmsg"), 0);
	assert_int_equal(k.records, 9);
	assert_true(k.module_initialized);
	assert_string_equal(k.module_line, "virt/tdx: module initialized");    /* the strongest */
	assert_int_equal(k.pamt_kb, 262144);
	check_ranges(&k.cmr, want, ARRAY_SIZE(want));
	assert_true(k.tdh_sys_disable_failed);
	assert_true(k.kexec_refusal_logged);
	tdx_kmsg_free(&k);
}

static void test_kmsg_forms(void **state)
{
	static const struct {
		const char *msg;
		bool init;
		const char *line;
		uint64_t pamt;
		uint64_t cmr_start, cmr_end;    /* 0, 0: none */
	} cases[] = {
		{ "virt/tdx: module initialized", 1, "virt/tdx: module initialized", 0, 0, 0 },
		{ "tdx: TDX-Module initialized.", 1, "TDX-Module initialized", 0, 0, 0 },
		{ "[kvm] TDX-Module initialized", 1, "TDX-Module initialized", 0, 0, 0 },
		{ "virt/tdx: module not initialized", 0, "", 0, 0, 0 },
		{ "virt/tdx: 4096 KB allocated for PAMT", 1, "virt/tdx: 4096 KB allocated for PAMT", 4096, 0, 0 },
		{ "virt/tdx: KB allocated for PAMT", 0, "", 0, 0, 0 },
		{ "virt/tdx: 9999999999999999999 KB allocated for PAMT", 1,
		  "virt/tdx: 9999999999999999999 KB allocated for PAMT", 9999999999999999999ull, 0, 0 },
		{ "virt/tdx: 10000000000000000000 KB allocated for PAMT", 0, "", 0, 0, 0 },   /* 20 digits */
		{ "virt/tdx: CMR: [0x100000, 0x200000)", 0, "", 0, MiB, 2 * MiB },
		{ "tdx: CMR: [0x100000,0x200000)", 0, "", 0, MiB, 2 * MiB },
		{ "tdx:  CMR:[ 0x100000 ,  0x200000 )", 0, "", 0, MiB, 2 * MiB },
		{ "tdx: CMR[3]: [0x100000, 0x200000)", 0, "", 0, MiB, 2 * MiB },
		{ "TDX: CMR1: [0X100000, 0X200000)", 0, "", 0, MiB, 2 * MiB },
		{ "virt/tdx: CMR: [0x100000, 0x100000)", 0, "", 0, 0, 0 },           /* empty */
		{ "virt/tdx: CMRs: 3", 0, "", 0, 0, 0 },                              /* something else */
		{ "virt/tdx: CMR: base 0x0 size 0x1000", 0, "", 0, 0, 0 },            /* something else */
		{ "xCMR: [0x1, 0x2)", 0, "", 0, 0, 0 },                               /* not a word */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256];
		struct kexec_log log = { 0 };
		struct tdx_kmsg k;

		snprintf(text, sizeof(text), "6,1,2,-;%s\n", cases[i].msg);
		assert_int_equal(tdx_kmsg_parse(text, strlen(text), &k, &log, "k"), 0);
		assert_int_equal(k.module_initialized, cases[i].init);
		assert_string_equal(k.module_line, cases[i].line);
		assert_int_equal(k.pamt_kb, cases[i].pamt);
		if (cases[i].cmr_end) {
			assert_int_equal(k.cmr.n, 1);
			assert_int_equal(k.cmr.v[0].start, cases[i].cmr_start);
			assert_int_equal(k.cmr.v[0].end, cases[i].cmr_end);
		} else {
			assert_int_equal(k.cmr.n, 0);
		}
		tdx_kmsg_free(&k);
	}
}

/*
 * Malformed records are skipped one by one and counted; the good records
 * around them still count (DESIGN.md: missing or malformed evidence never
 * weakens the decision).  Each case ends in a good "module initialized".
 */
static void test_kmsg_bad_records(void **state)
{
	static const struct {
		const char *text;
		size_t len;             /* 0: strlen */
		unsigned bad, first, records;
		size_t ncmr;
	} cases[] = {
		{ "[    1.000000] virt/tdx: module initialized\n6,2,3,-;virt/tdx: module initialized\n",
		  0, 1, 1, 1, 0 },
		{ "6,1,2,-;ok\n6,1,2;no flags field\n6,2,3,-;virt/tdx: module initialized\n", 0, 1, 2, 2, 0 },
		{ "6,x,2,-;seq not a number\n,1,2,-;empty prio\n6,2,3,-;virt/tdx: module initialized\n",
		  0, 2, 1, 1, 0 },
		{ "6,1,2,-;ok\n\n6,1,2,-;virt/tdx: CMR: [0xzz, 0x1000)\n"
		  "6,1,2,-;virt/tdx: CMR: [0x1000, 0x2000)\n6,2,3,-;virt/tdx: module initialized\n",
		  0, 1, 3, 3, 1 },
		{ "6,1,2,-;virt/tdx: CMR: [0x1000 0x2000)\n6,1,2,-;virt/tdx: CMR: [0x1000, 0x2000]\n"
		  "6,1,2,-;virt/tdx: CMR: [0x2000, 0x1000)\n"
		  "6,1,2,-;virt/tdx: CMR: [0x0, 0x10000000000000000)\n6,1,2,-;virt/tdx: CMR: [, 0x1000)\n"
		  "6,2,3,-;virt/tdx: module initialized\n", 0, 5, 1, 1, 0 },
		/* "0x" without digits, a sign, 17 digits after leading zeros are fine */
		{ "6,1,2,-;virt/tdx: CMR: [0x, 0x1000)\n6,1,2,-;virt/tdx: CMR: [0x1000, 0x)\n"
		  "6,1,2,-;virt/tdx: CMR: [-0x1000, 0x2000)\n"
		  "6,1,2,-;virt/tdx: CMR: [0x00000000000001000, 0x2000)\n"
		  "6,2,3,-;virt/tdx: module initialized\n", 0, 3, 1, 2, 1 },
		/* a NUL byte costs its own record only (text_dup would refuse the whole log) */
		{ "6,1,2,-;a\0b\n6,2,3,-;virt/tdx: module initialized\n", 49, 1, 1, 1, 0 },
		/* a last record without a newline still counts */
		{ "garbage\n6,2,3,-;virt/tdx: module initialized", 0, 1, 1, 1, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		struct tdx_kmsg k;

		assert_int_equal(tdx_kmsg_parse(cases[i].text, len, &k, &log, "k"), 0);
		assert_int_equal(k.bad_records, cases[i].bad);
		assert_int_equal(k.first_bad_line, cases[i].first);
		assert_int_equal(k.records, cases[i].records);
		assert_true(k.module_initialized);
		assert_string_equal(k.module_line, "virt/tdx: module initialized");
		assert_int_equal(k.cmr.n, cases[i].ncmr);
		assert_string_equal(log.last, "");      /* skipped, not an error */
		tdx_kmsg_free(&k);
	}
}

/* The guest kinds from the memory encryption line (arch/x86/mm/mem_encrypt.c). */
static void test_kmsg_guest_kind(void **state)
{
	static const struct {
		const char *text;
		bool sev_guest, tdx_guest;
	} cases[] = {
		{ "6,1,2,-;Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP\n", true, false },
		{ "6,1,2,-;Memory Encryption Features active: AMD SEV\n", true, false },
		{ "6,1,2,-;Memory Encryption Features active: AMD SME\n", false, false },
		{ "6,1,2,-;Memory Encryption Features active: Intel TDX\n", false, true },
		{ "6,1,2,-;SEV: Status: SEV SEV-ES SEV-SNP\n", false, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdx_kmsg k;

		assert_int_equal(tdx_kmsg_parse(cases[i].text, strlen(cases[i].text), &k, NULL, "k"), 0);
		assert_int_equal(k.sev_guest, cases[i].sev_guest);
		assert_int_equal(k.tdx_guest, cases[i].tdx_guest);
		tdx_kmsg_free(&k);
	}
}

static void test_kmsg_empty_and_huge(void **state)
{
	size_t n = 100000, cap = n * 64, len = 0;
	char *text = malloc(cap);
	struct kexec_log log = { 0 };
	struct tdx_kmsg k;

	assert_int_equal(tdx_kmsg_parse("", 0, &k, &log, "k"), 0);
	assert_int_equal(k.records, 0);
	assert_false(k.module_initialized);
	tdx_kmsg_free(&k);

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "6,%zu,%zu,-;virt/tdx: CMR: [0x%zx, 0x%zx)\n",
					i, i, i * 0x200000, i * 0x200000 + 0x100000);
	assert_int_equal(tdx_kmsg_parse(text, len, &k, &log, "k"), 0);
	assert_int_equal(k.records, n);
	assert_int_equal(k.cmr.n, n);
	assert_int_equal(k.cmr.v[n - 1].end, (n - 1) * 0x200000 + 0x100000);
	tdx_kmsg_free(&k);
	free(text);
}

/* ---- misc cgroup files ---- */

static void test_misc_parse(void **state)
{
	static const struct {
		const char *text;
		int r;
		long long tdx, sev, sev_es;
		const char *msg;
	} cases[] = {
		{ "tdx 2\n", 0, 2, -1, -1, NULL },
		{ "sev 1\nsev_es 2\n", 0, -1, 1, 2, NULL },
		{ "res_a 7\ntdx 0\nsev 3\nsev_es 0\n", 0, 0, 3, 0, NULL },
		{ "tdx\t5", 0, 5, -1, -1, NULL },
		{ "", 0, -1, -1, -1, NULL },
		{ "\n\n", 0, -1, -1, -1, NULL },
		{ "tdx two\n", -EINVAL, 0, 0, 0, "m: line 1: tdx: \"two\" is not a decimal number" },
		{ "sev 1\ntdx -1\n", -EINVAL, 0, 0, 0, "m: line 2: tdx: \"-1\" is not a decimal number" },
		{ "tdx 0x10\n", -EINVAL, 0, 0, 0, "m: line 1: tdx: \"0x10\" is not a decimal number" },
		{ "tdx 1 2\n", -EINVAL, 0, 0, 0, "m: line 1: tdx: \"1 2\" is not a decimal number" },
		{ "tdx\n", -EINVAL, 0, 0, 0, "m: line 1: not \"key value\"" },
		{ "tdx \n", -EINVAL, 0, 0, 0, "m: line 1: not \"key value\"" },
		{ " 5\n", -EINVAL, 0, 0, 0, "m: line 1: not \"key value\"" },
		{ "tdx 99999999999999999999\n", -ERANGE, 0, 0, 0, "m: line 1: tdx: value too large" },
		{ "tdx 9223372036854775808\n", -ERANGE, 0, 0, 0, "m: line 1: tdx: value too large" },
		{ "tdx 9223372036854775807\n", 0, 9223372036854775807LL, -1, -1, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		struct tdx_misc m;

		assert_int_equal(tdx_misc_parse(cases[i].text, strlen(cases[i].text), &m, &log, "m"),
				 cases[i].r);
		if (cases[i].r == 0) {
			assert_int_equal(m.tdx, cases[i].tdx);
			assert_int_equal(m.sev, cases[i].sev);
			assert_int_equal(m.sev_es, cases[i].sev_es);
		} else {
			assert_string_equal(log.last, cases[i].msg);
		}
	}
}

/* 100000 unknown keys, then ours: linear, nothing kept but our three */
static void test_misc_huge(void **state)
{
	size_t n = 100000, cap = n * 32, len = 0;
	char *text = malloc(cap);
	struct kexec_log log = { 0 };
	struct tdx_misc m;

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "res_%zu %zu\n", i, i);
	len += (size_t)snprintf(text + len, cap - len, "tdx 7\nsev_es 9223372036854775807\n");
	assert_int_equal(tdx_misc_parse(text, len, &m, &log, "m"), 0);
	assert_int_equal(m.tdx, 7);
	assert_int_equal(m.sev, -1);
	assert_int_equal(m.sev_es, 9223372036854775807LL);
	free(text);
}

static void test_misc_read(void **state)
{
	static const struct {
		const char *files[8][2];        /* path under sys/fs/cgroup, content */
		int r;
		bool found;
		long long tdx, sev, sev_es, cap_tdx;
	} cases[] = {
		/* nothing at all: unknown */
		{ { { NULL } }, 0, false, -1, -1, -1, -1 },
		{ { { "cgroup.procs", "1\n" }, { "system.slice/cgroup.procs", "" } }, 0, false, -1, -1, -1, -1 },
		/* the root counts, children are inside it */
		{ { { "misc.capacity", "tdx 63\n" }, { "misc.current", "tdx 2\n" },
		    { "machine.slice/misc.current", "tdx 2\n" } }, 0, true, 2, 0, 0, 63 },
		/* no root file: the topmost cgroups, not their children again */
		{ { { "misc.capacity", "tdx 63\nsev 100\n" },
		    { "machine.slice/misc.current", "tdx 2\n" },
		    { "machine.slice/vm1.scope/misc.current", "tdx 1\n" },
		    { "machine.slice/vm2.scope/misc.current", "tdx 1\n" },
		    { "user.slice/misc.current", "tdx 1\nsev 1\nsev_es 2\n" },
		    { "system.slice/misc.current", "" } }, 0, true, 3, 1, 2, 63 },
		/* a subtree without misc in between */
		{ { { "a/b/c/misc.current", "sev_es 4\n" }, { "a/x/misc.current", "sev 1\n" } },
		  0, true, 0, 1, 4, -1 },
		/* broken */
		{ { { "misc.current", "tdx lots\n" } }, -EINVAL, false, -1, -1, -1, -1 },
		{ { { "machine.slice/misc.current", "tdx\n" } }, -EINVAL, false, -1, -1, -1, -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char root[] = "/tmp/kt-misc-XXXXXX", rel[256], cmd[128];
		struct sysroot *sr;
		struct kexec_log log = { 0 };
		struct tdx_misc cur, cap;
		bool found;

		assert_non_null(mkdtemp(root));
		tree_put(root, "sys/fs/cgroup/.keep", "");
		for (size_t f = 0; f < 8 && cases[i].files[f][0]; f++) {
			snprintf(rel, sizeof(rel), "sys/fs/cgroup/%s", cases[i].files[f][0]);
			tree_put(root, rel, cases[i].files[f][1]);
		}
		assert_int_equal(sysroot_open(root, &sr), 0);
		assert_int_equal(tdx_misc_read(sr, &log, &cur, &cap, &found), cases[i].r);
		if (cases[i].r == 0) {
			assert_int_equal(found, cases[i].found);
			assert_int_equal(cur.tdx, cases[i].tdx);
			assert_int_equal(cur.sev, cases[i].sev);
			assert_int_equal(cur.sev_es, cases[i].sev_es);
			assert_int_equal(cap.tdx, cases[i].cap_tdx);
		} else {
			assert_non_null(strstr(log.last, "misc.current: line 1: "));
		}
		sysroot_free(sr);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

/* ---- CMRs against System RAM ---- */

static void test_cmr_uncovered(void **state)
{
	static const struct {
		struct range cmr[4], sysram[4];
		struct range want[4];
		size_t n;
	} cases[] = {
		/* the CMRs cover all System RAM above 1 MiB: nothing uncovered */
		{ { { 0, 2 * GiB }, { 4 * GiB, 8 * GiB } }, { { 0x1000, 0x9fc00 }, { MiB, 2 * GiB },
		  { 4 * GiB, 8 * GiB } }, { { 0 } }, 0 },
		/* a wrapped log lost the second CMR line: 4..8 GiB uncovered */
		{ { { 0, 2 * GiB } }, { { MiB, 2 * GiB }, { 4 * GiB, 8 * GiB } },
		  { { 4 * GiB, 8 * GiB } }, 1 },
		/* a CMR ending early leaves the tail of a range */
		{ { { MiB, GiB } }, { { MiB, 3 * GiB / 2 } }, { { GiB, 3 * GiB / 2 } }, 1 },
		/* no CMR at all: everything above 1 MiB */
		{ { { 0 } }, { { 0, 4 * MiB } }, { { MiB, 4 * MiB } }, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rangeset cmr = RANGESET_INIT, ram = RANGESET_INIT, out = RANGESET_INIT;

		for (size_t j = 0; j < 4; j++) {
			rangeset_add(&cmr, cases[i].cmr[j].start, cases[i].cmr[j].end);
			rangeset_add(&ram, cases[i].sysram[j].start, cases[i].sysram[j].end);
		}
		rangeset_add(&out, 1, 2);       /* replaced, not appended to */
		assert_int_equal(tdx_cmr_uncovered(&cmr, &ram, &out), 0);
		check_ranges(&out, cases[i].want, cases[i].n);
		rangeset_free(&cmr);
		rangeset_free(&ram);
		rangeset_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuinfo_good),
		cmocka_unit_test(test_cpuinfo_flags_table),
		cmocka_unit_test(test_cpuinfo_errors),
		cmocka_unit_test(test_cpuinfo_odd_but_valid),
		cmocka_unit_test(test_cpuinfo_huge),
		cmocka_unit_test(test_cpuinfo_apicids),
		cmocka_unit_test(test_cpuinfo_packages),
		cmocka_unit_test(test_kmsg_tsc),
		cmocka_unit_test(test_kmsg_good),
		cmocka_unit_test(test_kmsg_forms),
		cmocka_unit_test(test_kmsg_bad_records),
		cmocka_unit_test(test_kmsg_guest_kind),
		cmocka_unit_test(test_kmsg_empty_and_huge),
		cmocka_unit_test(test_misc_parse),
		cmocka_unit_test(test_misc_huge),
		cmocka_unit_test(test_misc_read),
		cmocka_unit_test(test_cmr_uncovered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
