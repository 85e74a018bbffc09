/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tdx_detect over small sysroot trees built here, and tdx_status_print. */
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
#include <json-c/json.h>
#include "tdx/tdx.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char spr_cpuinfo[] =
	"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
	"model name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\n"
	"flags\t\t: fpu pdpe1gb sha_ni movdir64b tdx_host_platform\nbugs\t\t: spectre_v1 tdx_pw_mce\n\n"
	"processor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
	"model name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\n"
	"flags\t\t: fpu pdpe1gb sha_ni movdir64b tdx_host_platform\nbugs\t\t: spectre_v1 tdx_pw_mce\n\n";

static const char spr_kmsg[] =
	"6,0,0,-;Linux version 6.18.0\n"
	"6,900,2100000,-;virt/tdx: CMR: [0x100000, 0x80000000)\n"
	"6,901,2100001,-;virt/tdx: CMR: [0x100000000, 0x480000000)\n"
	"6,902,2300000,-;virt/tdx: 70 KB allocated for PAMT\n"
	"6,903,2300001,-;virt/tdx: module initialized\n";

static const char spr_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009ffff : System RAM\n"
	"00100000-7fffffff : System RAM\n"
	"  2f000000-3effffff : Crash kernel\n"
	"80000000-ffffffff : Reserved\n"
	"100000000-47fffffff : System RAM\n";

/* An SPR host with the erratum: the files every case starts from. */
static void spr_tree(const char *root)
{
	tree_put(root, "proc/cpuinfo", spr_cpuinfo);
	tree_put(root, "dev/kmsg", spr_kmsg);
	tree_put(root, "proc/iomem", spr_iomem);
	tree_memmap_entry(root, 0, "0x0\n", "0x9ffff\n", "System RAM\n");
	tree_memmap_entry(root, 1, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	tree_memmap_entry(root, 2, "0x80000000\n", "0xffffffff\n", "Reserved\n");
	tree_memmap_entry(root, 3, "0x100000000\n", "0x47fffffff\n", "System RAM\n");
	tree_put(root, "sys/module/kvm_intel/initstate", "live\n");
	tree_put(root, "sys/module/kvm_intel/parameters/tdx", "Y\n");
	tree_put(root, "sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	tree_put(root, "sys/fs/cgroup/misc.capacity", "tdx 31\n");
	tree_put(root, "sys/fs/cgroup/misc.current", "tdx 0\n");
}

struct detect_case {
	const char *name;
	bool spr;                       /* start from spr_tree() */
	const char *files[8][2];        /* then write these ("" content) */
	const char *remove[4];          /* and remove these */
	/* expected */
	enum tdx_decision decision;
	bool host, guest, pw_mce, init;
	const char *evidence;
	long tds, sev;
	size_t ncmr, nprivate;
	const char *reason;
};

static const struct detect_case cases[] = {
	{ "spr idle", true, { { NULL } }, { NULL },
	  TDX_DECISION_CLEAR, true, false, true, true, "virt/tdx: module initialized", 0, 0, 2, 3,
	  "TDX module initialized (virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear" },
	{ "spr 2 TDs", true, { { "sys/fs/cgroup/misc.current", "tdx 2\n" } }, { NULL },
	  TDX_DECISION_REFUSE, true, false, true, true, "virt/tdx: module initialized", 2, 0, 2, 3,
	  "2 TDs running (misc cgroup tdx=2)" },
	{ "spr no misc", true, { { NULL } }, { "sys/fs/cgroup/misc.current", "sys/fs/cgroup/misc.capacity" },
	  TDX_DECISION_REFUSE, true, false, true, true, "virt/tdx: module initialized", -1, -1, 2, 3,
	  "the number of running TDs is unknown (no misc cgroup misc.current) and the TDX module is "
	  "initialized (virt/tdx: module initialized)" },
	{ "spr children", true,
	  { { "sys/fs/cgroup/machine.slice/misc.current", "tdx 1\n" },
	    { "sys/fs/cgroup/machine.slice/a.scope/misc.current", "tdx 1\n" },
	    { "sys/fs/cgroup/kubepods/misc.current", "tdx 2\nsev 0\n" } },
	  { "sys/fs/cgroup/misc.current" },
	  TDX_DECISION_REFUSE, true, false, true, true, "virt/tdx: module initialized", 3, 0, 2, 3,
	  "3 TDs running (misc cgroup tdx=3)" },
	/* the log scrolled away: KVM says the module is up */
	{ "kvm evidence", true, { { "dev/kmsg", "6,5000,9000000,-;random message\n" } }, { NULL },
	  TDX_DECISION_CLEAR, true, false, true, true, "kvm_intel.tdx=Y", 0, 0, 0, 3, NULL },
	{ "kvm loaded without tdx", true,
	  { { "dev/kmsg", "" }, { "sys/module/kvm_intel/parameters/tdx", "N\n" } }, { NULL },
	  TDX_DECISION_FLUSH, true, false, true, false, "", 0, 0, 0, 3,
	  "TDX host platform (tdx_host_platform flag) with the tdx_pw_mce erratum, TDX module not "
	  "initialized: WBINVD" },
	{ "kvm param without the module", true, { { "dev/kmsg", "" } }, { "sys/module/kvm_intel/initstate" },
	  /* the parameter file stays, the directory still says builtin */
	  TDX_DECISION_CLEAR, true, false, true, true, "kvm_intel.tdx=Y", 0, 0, 0, 3, NULL },
	{ "faux evidence", true,
	  { { "dev/kmsg", "" }, { "sys/devices/faux/tdx_host/uevent", "" },
	    { "sys/module/kvm_intel/parameters/tdx", "N\n" } }, { NULL },
	  TDX_DECISION_CLEAR, true, false, true, true, "/sys/devices/faux/tdx_host", 0, 0, 0, 3, NULL },
	/* broken files are unknowns, not failures */
	/* unreadable CPU flags never weaken the decision: the erratum is assumed */
	{ "broken cpuinfo", true, { { "proc/cpuinfo", "garbage\n" } }, { NULL },
	  TDX_DECISION_CLEAR, false, false, false, true, "virt/tdx: module initialized", 0, 0, 2, 3,
	  "TDX module initialized (virt/tdx: module initialized) and the CPU flags unknown, so the "
	  "tdx_pw_mce erratum is assumed: WBINVD and clear" },
	{ "broken cpuinfo, nothing else", false, { { "proc/cpuinfo", "garbage\n" } }, { NULL },
	  TDX_DECISION_REFUSE, false, false, false, false, "", -1, -1, 0, 0, NULL },
	{ "broken kmsg", true, { { "dev/kmsg", "not a record\n" } }, { NULL },
	  TDX_DECISION_CLEAR, true, false, true, true, "kvm_intel.tdx=Y", 0, 0, 0, 3, NULL },
	/* garbage records between good ones cost nothing but themselves */
	{ "garbage kmsg records", true,
	  { { "dev/kmsg", "\x01\x02garbage\n6,900,2100000,-;virt/tdx: CMR: [0x100000, 0x80000000)\n"
	      "6,x;broken\n6,901,1,-;virt/tdx: CMR: [0xq, 0x1)\n"
	      "6,903,2300001,-;virt/tdx: module initialized\n" },
	    { "sys/module/kvm_intel/parameters/tdx", "N\n" } }, { NULL },
	  TDX_DECISION_CLEAR, true, false, true, true, "virt/tdx: module initialized", 0, 0, 1, 3, NULL },
	{ "broken misc", true, { { "sys/fs/cgroup/misc.current", "tdx x\n" } }, { NULL },
	  TDX_DECISION_REFUSE, true, false, true, true, "virt/tdx: module initialized", -1, -1, 2, 3, NULL },
	/* fail closed: a clear whose memory cannot be computed is refused, naming the file */
	{ "broken memmap", true, { { "sys/firmware/memmap/1/end", "0xnope\n" } }, { NULL },
	  TDX_DECISION_REFUSE, true, false, true, true, "virt/tdx: module initialized", 0, 0, 2, 0, NULL },
	{ "no iomem", true, { { NULL } }, { "proc/iomem" },
	  TDX_DECISION_REFUSE, true, false, true, true, "virt/tdx: module initialized", 0, 0, 2, 0, NULL },
	/* pstore (memmap=$) and legacy pmem (memmap=!) are not System RAM: never private */
	{ "carve-outs", true,
	  { { "proc/iomem", "00000000-00000fff : Reserved\n00001000-0009ffff : System RAM\n"
	      "00100000-3fffffff : System RAM\n40000000-40ffffff : Reserved\n"
	      "41000000-4fffffff : System RAM\n50000000-50ffffff : Persistent Memory (legacy)\n"
	      "  50000000-50ffffff : namespace0.0\n51000000-7fffffff : System RAM\n"
	      "80000000-ffffffff : Reserved\n100000000-47fffffff : System RAM\n" } }, { NULL },
	  TDX_DECISION_CLEAR, true, false, true, true, "virt/tdx: module initialized", 0, 0, 2, 4, NULL },
	{ "guest", false,
	  { { "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
	      "flags\t\t: fpu tdx_guest\n" } }, { NULL },
	  TDX_DECISION_PLAIN, false, true, false, false, "", -1, -1, 0, 0,
	  "TDX guest (tdx_guest in the cpuinfo flags, or the kernel log): kexec inside a TD needs "
	  "nothing from this tool" },
	/* nothing readable is no proof of "no TDX": refused */
	{ "empty tree", false, { { NULL } }, { NULL },
	  TDX_DECISION_REFUSE, false, false, false, false, "", -1, -1, 0, 0, NULL },
	{ "sev host", false,
	  { { "proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
	      "flags\t\t: fpu sev sev_es sev_snp\n" },
	    { "sys/fs/cgroup/misc.current", "sev 1\nsev_es 2\n" },
	    { "sys/module/kvm_amd/initstate", "live\n" },
	    { "sys/module/kvm_amd/parameters/sev_snp", "Y\n" } }, { NULL },
	  TDX_DECISION_REFUSE, false, false, false, false, "", 0, 3, 0, 0,
	  "3 SEV guests running (misc cgroup sev=1, sev_es=2)" },
};

static void run_case(const struct detect_case *c, struct tdx_status *st, char *root)
{
	char rel[1200];
	struct sysroot *sr;
	struct kexec_log log = { 0 };

	if (c->spr)
		spr_tree(root);
	for (size_t f = 0; f < 8 && c->files[f][0]; f++)
		tree_put(root, c->files[f][0], c->files[f][1]);
	for (size_t f = 0; f < 4 && c->remove[f]; f++) {
		snprintf(rel, sizeof(rel), "%s/%s", root, c->remove[f]);
		assert_int_equal(remove(rel), 0);
	}
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(tdx_detect(sr, &log, st), 0);
	sysroot_free(sr);
}

static void test_detect_cases(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct detect_case *c = &cases[i];
		char root[] = "/tmp/kt-detect-XXXXXX";
		struct tdx_status st;

		assert_non_null(mkdtemp(root));
		run_case(c, &st, root);
		if (st.decision != c->decision)
			fail_msg("%s: decision %s: %s", c->name, tdx_decision_name(st.decision), st.reason);
		assert_int_equal(st.cpu.tdx_host_platform, c->host);
		assert_int_equal(st.tdx_guest, c->guest);
		assert_int_equal(st.cpu.pw_mce, c->pw_mce);
		assert_int_equal(st.module_initialized, c->init);
		assert_string_equal(st.module_evidence, c->evidence);
		assert_int_equal(st.running_tds, c->tds);
		assert_int_equal(st.running_sev_guests, c->sev);
		assert_int_equal(st.kmsg.cmr.n, c->ncmr);
		assert_int_equal(st.private_ranges.n, c->nprivate);
		if (c->reason)
			assert_string_equal(st.reason, c->reason);
		tdx_status_free(&st);
		tree_rm(root);
	}
}

/* The SPR tree in detail: CPU, kernel facts, ranges. */
/*
 * The SPR tree's private ranges: firmware RAM [0,0xa0000) [1M,2G) [4G,18G)
 * ∩ iomem System RAM [0x1000,0xa0000) [1M,2G) [4G,18G) - 1M - crash [752M,1008M)
 */
static const struct range spr_private[] = {
	{ MiB, 0x2f000000 }, { 0x3f000000, 2 * GiB }, { 4 * GiB, 18 * GiB },
};

static void check_spr_private(const struct tdx_status *st)
{
	assert_int_equal(st->private_ranges.n, ARRAY_SIZE(spr_private));
	for (size_t i = 0; i < ARRAY_SIZE(spr_private); i++) {
		assert_int_equal(st->private_ranges.v[i].start, spr_private[i].start);
		assert_int_equal(st->private_ranges.v[i].end, spr_private[i].end);
	}
}

static void test_detect_spr_values(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX";
	struct tdx_status st;

	assert_non_null(mkdtemp(root));
	run_case(&cases[0], &st, root);
	assert_string_equal(st.cpu.vendor, "GenuineIntel");
	assert_int_equal(st.cpu.family, 6);
	assert_int_equal(st.cpu.model, 143);
	assert_int_equal(st.cpu.stepping, 8);
	assert_int_equal(st.cpu.ncpus, 2);
	assert_string_equal(st.cpu.model_name, "Intel(R) Xeon(R) Platinum 8480+");
	assert_true(st.cpu.movdir64b && st.cpu.sha_ni && st.cpu.pdpe1gb);
	assert_false(st.cpu.sev || st.cpu.sev_es || st.cpu.sev_snp);
	assert_int_equal(st.kmsg.pamt_kb, 70);
	assert_true(st.kvm_intel_loaded);
	assert_true(st.kvm_intel_tdx);
	assert_string_equal(st.kvm_intel_state, "live");
	assert_false(st.kvm_amd_loaded);
	assert_string_equal(st.kvm_amd_state, "");
	assert_string_equal(st.lockdown, "none");
	assert_string_equal(st.kmsg_source, "dev/kmsg (file)");
	assert_int_equal(st.misc_capacity.tdx, 31);
	assert_int_equal(st.crash.n, 1);
	assert_int_equal(st.crash.v[0].start, 0x2f000000);
	assert_int_equal(st.crash.v[0].end, 0x3f000000);
	assert_int_equal(st.kmsg.cmr.v[1].end, 0x480000000);
	assert_int_equal(st.cmr_covers_ram, 1);
	assert_int_equal(st.cmr_uncovered_bytes, 0);
	assert_true(st.private_ok);
	assert_true(st.cpuinfo_ok);
	assert_int_equal(st.kmsg.bad_records, 0);
	check_spr_private(&st);
	tdx_status_free(&st);
	tree_rm(root);
}

/* A kernel without CONFIG_FIRMWARE_MEMMAP: the same private ranges from /proc/iomem's top level. */
static void test_detect_without_firmware_memmap(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX", dir[64];
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct tdx_status st;

	assert_non_null(mkdtemp(root));
	spr_tree(root);
	snprintf(dir, sizeof(dir), "%s/sys/firmware/memmap", root);
	tree_rm(dir);
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(tdx_detect(sr, &log, &st), 0);
	assert_string_equal(log.last, "");
	assert_int_equal(st.decision, TDX_DECISION_CLEAR);
	check_spr_private(&st);
	sysroot_free(sr);
	tdx_status_free(&st);
	tree_rm(root);
}

static char *print_to_string(const struct tdx_status *st, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(tdx_status_print(st, f, json, true), 0);
	fclose(f);
	return buf;
}

static struct json_object *get(struct json_object *o, const char *key, json_type type)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("JSON key \"%s\" missing", key);
	if (!json_object_is_type(v, type))
		fail_msg("JSON key \"%s\" has type %s", key, json_type_to_name(json_object_get_type(v)));
	return v;
}

static void test_json_contract(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX";
	struct tdx_status st;
	struct json_object *o, *cpu, *cmr, *pr, *r0;
	char *text;

	assert_non_null(mkdtemp(root));
	run_case(&cases[2], &st, root);         /* no misc: counts are null */
	text = print_to_string(&st, true);
	assert_true(strlen(text) > 2 && text[strlen(text) - 1] == '\n');
	assert_non_null(strstr(text, "\"virt/tdx: module initialized\""));  /* no "\/" */
	o = json_tokener_parse(text);
	assert_non_null(o);
	/* issue 21 item 2: the head of the contract, in this order */
	{
		static const char *const head[] = { "schema_version", "decision", "action", "reason",
						    "warnings" };
		size_t i = 0;

		json_object_object_foreach(o, key, val) {
			(void)val;
			if (i < ARRAY_SIZE(head))
				assert_string_equal(key, head[i]);
			i++;
		}
	}
	assert_int_equal(json_object_get_int(get(o, "schema_version", json_type_int)), 1);
	assert_string_equal(json_object_get_string(get(o, "action", json_type_string)), "refuse");
	get(o, "tdx_after_kexec", json_type_string);
	assert_true(json_object_get_boolean(get(o, "tdx_host_platform", json_type_boolean)));
	assert_false(json_object_get_boolean(get(o, "tdx_guest", json_type_boolean)));
	assert_true(json_object_get_boolean(get(o, "pw_mce_erratum", json_type_boolean)));
	assert_true(json_object_get_boolean(get(o, "module_initialized", json_type_boolean)));
	get(o, "running_tds", json_type_null);
	get(o, "running_sev_guests", json_type_null);
	get(o, "sev_snp", json_type_boolean);
	get(o, "kvm_intel", json_type_object);
	assert_string_equal(json_object_get_string(get(o, "lockdown", json_type_string)), "none");
	assert_string_equal(json_object_get_string(get(o, "kmsg_source", json_type_string)), "dev/kmsg (file)");
	cpu = get(o, "cpu", json_type_object);
	assert_string_equal(json_object_get_string(get(cpu, "vendor", json_type_string)), "GenuineIntel");
	assert_int_equal(json_object_get_int(get(cpu, "family", json_type_int)), 6);
	assert_int_equal(json_object_get_int(get(cpu, "model", json_type_int)), 143);
	assert_int_equal(json_object_get_int(get(cpu, "stepping", json_type_int)), 8);
	assert_true(json_object_get_boolean(get(cpu, "movdir64b", json_type_boolean)));
	assert_true(json_object_get_boolean(get(cpu, "sha_ni", json_type_boolean)));
	get(cpu, "model_name", json_type_string);
	cmr = get(o, "cmr", json_type_array);
	assert_int_equal(json_object_array_length(cmr), 2);
	r0 = json_object_array_get_idx(cmr, 0);
	assert_string_equal(json_object_get_string(get(r0, "start", json_type_string)), "0x100000");
	assert_string_equal(json_object_get_string(get(r0, "end", json_type_string)), "0x80000000");
	pr = get(o, "private_ranges", json_type_array);
	assert_int_equal(json_object_array_length(pr), 3);
	r0 = json_object_array_get_idx(pr, 2);
	assert_string_equal(json_object_get_string(get(r0, "start", json_type_string)), "0x100000000");
	assert_string_equal(json_object_get_string(get(r0, "end", json_type_string)), "0x480000000");
	assert_string_equal(json_object_get_string(get(o, "decision", json_type_string)), "refuse");
	assert_string_equal(json_object_get_string(get(o, "reason", json_type_string)), st.reason);
	/* issue 12: no kallsyms, no faux device, no watchdog, nothing cleared */
	cpu = get(o, "kernel", json_type_object);
	get(cpu, "disables_tdx_module", json_type_null);
	get(cpu, "flushes_all_cpus", json_type_null);
	get(cpu, "refuses_kexec_on_erratum", json_type_null);
	get(o, "module_version", json_type_null);
	get(o, "clear_estimate_s", json_type_null);
	assert_int_equal(json_object_array_length(get(o, "watchdogs", json_type_array)), 0);
	assert_int_equal(json_object_array_length(get(o, "warnings", json_type_array)), 0);
	json_object_put(o);
	free(text);

	/* counts are integers when known */
	tdx_status_free(&st);
	tree_rm(root);
	strcpy(root, "/tmp/kt-detect-XXXXXX");
	assert_non_null(mkdtemp(root));
	run_case(&cases[1], &st, root);
	text = print_to_string(&st, true);
	o = json_tokener_parse(text);
	assert_int_equal(json_object_get_int(get(o, "running_tds", json_type_int)), 2);
	assert_int_equal(json_object_get_int(get(o, "running_sev_guests", json_type_int)), 0);
	assert_string_equal(json_object_get_string(get(o, "decision", json_type_string)), "refuse");
	json_object_put(o);
	free(text);
	tdx_status_free(&st);
	tree_rm(root);
}

static void test_text(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX";
	struct tdx_status st;
	char *text;

	assert_non_null(mkdtemp(root));
	run_case(&cases[1], &st, root);
	text = print_to_string(&st, false);
	assert_non_null(strstr(text, "  decision:              refuse\n"));
	assert_non_null(strstr(text, "  reason:                2 TDs running (misc cgroup tdx=2)\n"));
	assert_non_null(strstr(text, "  running TDs:           2\n"));
	assert_non_null(strstr(text, "    [0x100000000, 0x480000000)  14.0 GiB\n"));
	/* the decision first, the ranges last (issue 12) */
	assert_memory_equal(text, "kexec is refused: 2 TDs running\n", 32);
	assert_true(strstr(text, "private ranges:") > strstr(text, "running TDs:"));
	assert_non_null(strstr(text, "  TDX module:            initialized (virt/tdx: module initialized)\n"));
	free(text);
	tdx_status_free(&st);
	tree_rm(root);
}

/* Fail closed, in JSON: the reason and the error name the file that was wrong. */
static void test_fail_closed_json(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX", want[256];
	struct tdx_status st;
	struct json_object *o;
	char *text;
	const struct detect_case *c = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (!strcmp(cases[i].name, "broken memmap"))
			c = &cases[i];
	assert_non_null(c);
	assert_non_null(mkdtemp(root));
	run_case(c, &st, root);
	assert_false(st.private_ok);
	snprintf(want, sizeof(want), "%s/sys/firmware/memmap/1/end: \"0xnope\" is not a hexadecimal "
		 "number", root);
	assert_string_equal(st.private_why, want);
	text = print_to_string(&st, true);
	o = json_tokener_parse(text);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "private_ranges_error", json_type_string)), want);
	assert_int_equal(json_object_array_length(get(o, "private_ranges", json_type_array)), 0);
	assert_string_equal(json_object_get_string(get(o, "decision", json_type_string)), "refuse");
	assert_non_null(strstr(json_object_get_string(get(o, "reason", json_type_string)), want));
	json_object_put(o);
	free(text);
	tdx_status_free(&st);
	tree_rm(root);
}

/* A log ring that lost a CMR line: reported, warned, and the private ranges do not shrink. */
static void test_wrapped_cmr(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX";
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct tdx_status st;

	assert_non_null(mkdtemp(root));
	spr_tree(root);
	tree_put(root, "dev/kmsg", "6,900,2100000,-;virt/tdx: CMR: [0x100000, 0x80000000)\n"
		 "6,903,2300001,-;virt/tdx: module initialized\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(tdx_detect(sr, &log, &st), 0);
	assert_int_equal(st.kmsg.cmr.n, 1);
	assert_int_equal(st.cmr_covers_ram, 0);
	assert_int_equal(st.cmr_uncovered_bytes, 14 * GiB);
	assert_string_equal(log.last, "the kernel log's CMR lines leave 1 range of System RAM "
			    "(0x380000000 bytes, the first [0x100000000, 0x480000000)) uncovered: the log "
			    "may have lost CMR lines; they are cleared all the same");
	check_spr_private(&st);
	assert_int_equal(st.decision, TDX_DECISION_CLEAR);
	sysroot_free(sr);
	tdx_status_free(&st);
	tree_rm(root);
}

/* A model name that is not UTF-8 comes out as valid UTF-8 ('?' for each bad byte). */
static void test_model_name_utf8(void **state)
{
	char root[] = "/tmp/kt-detect-XXXXXX";
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct tdx_status st;
	struct json_object *o, *cpu;
	char *text;

	assert_non_null(mkdtemp(root));
	tree_put(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
		 "model\t\t: 143\nmodel name\t: Xeon\xff\xfe \xc3\xa9 \xe2\x82 CPU\nflags\t\t: fpu\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(tdx_detect(sr, &log, &st), 0);
	assert_string_equal(st.cpu.model_name, "Xeon?? \xc3\xa9 ?? CPU");
	text = print_to_string(&st, true);
	o = json_tokener_parse(text);
	assert_non_null(o);
	cpu = get(o, "cpu", json_type_object);
	assert_string_equal(json_object_get_string(get(cpu, "model_name", json_type_string)),
			    "Xeon?? \xc3\xa9 ?? CPU");
	json_object_put(o);
	free(text);
	sysroot_free(sr);
	tdx_status_free(&st);
	tree_rm(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_cases),
		cmocka_unit_test(test_detect_spr_values),
		cmocka_unit_test(test_detect_without_firmware_memmap),
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_fail_closed_json),
		cmocka_unit_test(test_wrapped_cmr),
		cmocka_unit_test(test_model_name_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
