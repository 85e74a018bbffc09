/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loaded-image record (kexec/record.c): written, read back and
 * removed in a throw-away sysroot; a stale boot id and a malformed file
 * count as no record; the rule of kexec -e (none < flush < clear) as a
 * table with exact verdicts and messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include "record.h"
#include "tree.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BOOT_A "0b6d1c53-8e0e-4e5c-9d43-5b2a1e4f7a10"
#define BOOT_B "7f3c2a91-1d4b-4c8e-a0f2-93e6b5d4c821"

struct fx {
	char root[64];
	struct sysroot *sr;
	struct kexec_log log;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->root, sizeof(f->root), "/tmp/kt-record-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	tree_put(f->root, "proc/sys/kernel/random/boot_id", BOOT_A "\n");
	if (sysroot_open(f->root, &f->sr) < 0)
		return -1;
	f->log = (struct kexec_log){ .out = NULL, .level = LOG_DEBUG };
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

static struct kexec_record sample(unsigned action)
{
	struct kexec_record rec = {
		.action = action, .needed = action, .decision = TDX_DECISION_FLUSH,
		.policy = TDX_POLICY_AUTO, .time = 1796204400,     /* 2026-12-02T09:40:00Z */
	};

	snprintf(rec.reason, sizeof(rec.reason), "TDX host platform (tdx_host_platform flag), "
		 "TDX module not initialized: WBINVD");
	snprintf(rec.kernel, sizeof(rec.kernel), "/boot/vmlinuz-6.18.0-1-amd64");
	snprintf(rec.initrd, sizeof(rec.initrd), "/boot/initrd.img-6.18.0-1-amd64");
	snprintf(rec.boot_id, sizeof(rec.boot_id), BOOT_A);
	return rec;
}

static void assert_mode(const char *root, const char *rel, unsigned mode)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
}

static void test_write_read_remove(void **state)
{
	struct fx *f = *state;
	struct kexec_record rec = sample(KTDX_ACTION_FLUSH), back;
	char *text;
	size_t len;

	assert_int_equal(record_read(f->sr, &f->log, false, &back), 0);    /* none yet */
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	assert_mode(f->root, "run/kexec-tdx", 0755);
	assert_mode(f->root, "run/kexec-tdx/loaded.json", 0644);
	assert_false(sysroot_exists(f->sr, "run/kexec-tdx/crash.json"));

	/* the file, exactly */
	assert_int_equal(sysroot_read(f->sr, "run/kexec-tdx/loaded.json", 0, &text, &len), 0);
	assert_string_equal(text,
		"{\n"
		"  \"version\": 1,\n"
		"  \"action\": \"flush\",\n"
		"  \"needed\": \"flush\",\n"
		"  \"decision\": \"flush\",\n"
		"  \"policy\": \"auto\",\n"
		"  \"reason\": \"TDX host platform (tdx_host_platform flag), TDX module not initialized: WBINVD\",\n"
		"  \"kernel\": \"/boot/vmlinuz-6.18.0-1-amd64\",\n"
		"  \"initrd\": \"/boot/initrd.img-6.18.0-1-amd64\",\n"
		"  \"syscall\": \"kexec_load\",\n"
		"  \"time\": \"2026-12-02T09:40:00Z\",\n"
		"  \"epoch\": 1796204400,\n"
		"  \"boot_id\": \"" BOOT_A "\"\n"
		"}\n");
	free(text);

	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
	assert_memory_equal(&back, &rec, sizeof(rec));
	assert_int_equal(record_read(f->sr, &f->log, true, &back), 0);

	/* written over: the new one wins, no temporary file is left */
	rec.action = rec.needed = KTDX_ACTION_CLEAR;
	rec.initrd[0] = '\0';
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
	assert_int_equal(back.action, KTDX_ACTION_CLEAR);
	assert_string_equal(back.initrd, "");
	{
		char **names;
		size_t n;

		assert_int_equal(sysroot_list(f->sr, "run/kexec-tdx", &names, &n), 0);
		assert_int_equal(n, 1);
		assert_string_equal(names[0], "loaded.json");
		sysroot_names_free(names, n);
	}

	assert_int_equal(record_remove(f->sr, &f->log, false), 0);
	assert_false(sysroot_exists(f->sr, "run/kexec-tdx/loaded.json"));
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 0);
	assert_int_equal(record_remove(f->sr, &f->log, false), 0);        /* none: no error */
}

static void test_crash_record_apart(void **state)
{
	struct fx *f = *state;
	struct kexec_record rec = sample(KTDX_ACTION_FLUSH), back;

	rec.file_syscall = true;
	rec.action = KTDX_ACTION_NONE;
	assert_int_equal(record_write(f->sr, &f->log, true, &rec), 0);
	assert_true(sysroot_exists(f->sr, "run/kexec-tdx/crash.json"));
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 0);
	assert_int_equal(record_read(f->sr, &f->log, true, &back), 1);
	assert_true(back.file_syscall);
	assert_int_equal(back.action, KTDX_ACTION_NONE);
	assert_int_equal(back.needed, KTDX_ACTION_FLUSH);
	assert_int_equal(record_remove(f->sr, &f->log, true), 0);
	assert_int_equal(record_read(f->sr, &f->log, true, &back), 0);
}

/* A path may hold any byte; the record stays valid UTF-8 JSON. */
static void test_non_utf8_path(void **state)
{
	struct fx *f = *state;
	struct kexec_record rec = sample(KTDX_ACTION_CLEAR), back;

	snprintf(rec.kernel, sizeof(rec.kernel), "/boot/vmlinuz-\xe9t\xe9");
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
	assert_string_equal(back.kernel, "/boot/vmlinuz-?t?");
}

static void test_stale_boot_id_ignored(void **state)
{
	struct fx *f = *state;
	struct kexec_record rec = sample(KTDX_ACTION_CLEAR), back;

	snprintf(rec.boot_id, sizeof(rec.boot_id), BOOT_B);
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 0);
	assert_int_equal(back.action, KTDX_ACTION_NONE);        /* nothing of it is handed out */
	assert_string_equal(back.kernel, "");

	/* a record of this boot, but the running boot id cannot be read: stale as well */
	rec = sample(KTDX_ACTION_CLEAR);
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
	tree_put(f->root, "proc/sys/kernel/random/boot_id", "not a uuid\n");
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 0);
	tree_put(f->root, "proc/sys/kernel/random/boot_id", BOOT_A "\n");
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
}

static void test_boot_id(void **state)
{
	struct fx *f = *state;
	char id[40];

	assert_int_equal(record_boot_id(f->sr, id, sizeof(id)), 0);
	assert_string_equal(id, BOOT_A);
	tree_put(f->root, "proc/sys/kernel/random/boot_id", "0b6d1c53-8e0e-4e5c-9d43-5b2a1e4f7a1\n");
	assert_int_equal(record_boot_id(f->sr, id, sizeof(id)), -EINVAL);
	tree_put(f->root, "proc/sys/kernel/random/boot_id", "0b6d1c53x8e0e-4e5c-9d43-5b2a1e4f7a10\n");
	assert_int_equal(record_boot_id(f->sr, id, sizeof(id)), -EINVAL);
	tree_put(f->root, "proc/sys/kernel/random/boot_id", BOOT_A "\n");
}

/* A malformed record is an error naming the file and the field; the caller treats it as none. */
static void test_malformed(void **state)
{
	static const struct {
		const char *text, *message;     /* message after "ROOT/run/kexec-tdx/loaded.json: " */
	} cases[] = {
		{ "", "not valid JSON (truncated)" },
		{ "{\"version\": 1, \"action\": \"flush\"", "not valid JSON (truncated)" },
		{ "[1, 2]", "not a JSON object" },
		{ "{} trailing", "text after the JSON object at byte 3" },
		{ "{\"action\": \"flush\"}", "field 'version' is missing" },
		{ "{\"version\": 2}", "field 'version' is 2, this kexec reads 1" },
		{ "{\"version\": \"1\"}", "field 'version' is not an integer" },
		{ "{\"version\": 1, \"decision\": \"flush\"}", "field 'action' is missing" },
		{ "{\"version\": 1, \"action\": 2}", "field 'action' is not a string" },
		{ "{\"version\": 1, \"action\": \"wipe\", \"decision\": \"clear\", \"policy\": \"auto\", "
		  "\"kernel\": \"/k\", \"boot_id\": \"" BOOT_A "\", \"epoch\": 1}",
		  "field 'action' is 'wipe', not none, flush or clear" },
		{ "{\"version\": 1, \"action\": \"clear\", \"decision\": \"clear\", \"policy\": \"auto\", "
		  "\"kernel\": \"/k\", \"boot_id\": \"" BOOT_A "\", \"epoch\": \"today\"}",
		  "field 'epoch' is not an integer" },
		{ "{\"version\": 1, \"action\": \"clear\", \"decision\": \"maybe\", \"policy\": \"auto\", "
		  "\"kernel\": \"/k\", \"boot_id\": \"" BOOT_A "\", \"epoch\": 1}",
		  "field 'decision' is 'maybe', not plain, flush, clear or refuse" },
		{ "{\"version\": 1, \"action\": \"clear\", \"decision\": \"clear\", \"policy\": \"auto\", "
		  "\"boot_id\": \"" BOOT_A "\", \"epoch\": 1}",
		  "field 'kernel' is missing" },
		{ "{\"version\": 1, \"action\": \"clear\", \"decision\": \"clear\", \"policy\": \"auto\", "
		  "\"kernel\": \"/k\", \"boot_id\": \"" BOOT_A "\", \"epoch\": 1, \"syscall\": \"kexec\"}",
		  "field 'syscall' is 'kexec', not kexec_load or kexec_file_load" },
	};
	struct fx *f = *state;
	struct kexec_record back;
	char want[600];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tree_put(f->root, "run/kexec-tdx/loaded.json", cases[i].text);
		f->log.last[0] = '\0';
		assert_int_equal(record_read(f->sr, &f->log, false, &back), -EINVAL);
		snprintf(want, sizeof(want), "%s/run/kexec-tdx/loaded.json: %s", f->root, cases[i].message);
		assert_string_equal(f->log.last, want);
		assert_int_equal(back.action, KTDX_ACTION_NONE);
	}
	/* the smallest valid one: optional fields absent */
	tree_put(f->root, "run/kexec-tdx/loaded.json",
		 "{\"version\": 1, \"action\": \"clear\", \"decision\": \"clear\", \"policy\": \"clear\", "
		 "\"kernel\": \"/k\", \"boot_id\": \"" BOOT_A "\", \"epoch\": 1}\n");
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
	assert_int_equal(back.action, KTDX_ACTION_CLEAR);
	assert_int_equal(back.needed, KTDX_ACTION_CLEAR);
	assert_int_equal(back.policy, TDX_POLICY_CLEAR);
	assert_false(back.file_syscall);
	assert_string_equal(back.initrd, "");
	assert_int_equal(record_remove(f->sr, &f->log, false), 0);
}

/* none < flush < clear: the verdict of kexec -e for every recorded and needed action */
static void test_check_table(void **state)
{
	enum { N = KTDX_ACTION_NONE, F = KTDX_ACTION_FLUSH, C = KTDX_ACTION_CLEAR, NO_RECORD = 9 };
	static const struct {
		unsigned action, needed, now;
		enum record_verdict want;
	} cases[] = {
		{ N, N, N, RECORD_OK },
		{ N, N, F, RECORD_TOO_WEAK },   /* loaded before the TDX module came up */
		{ N, N, C, RECORD_TOO_WEAK },
		{ F, F, N, RECORD_OK },
		{ F, F, F, RECORD_OK },
		{ F, F, C, RECORD_TOO_WEAK },   /* flush host turned into an initialized erratum host */
		{ C, C, N, RECORD_OK },
		{ C, C, F, RECORD_OK },
		{ C, C, C, RECORD_OK },
		/* -s loads: the kernel's purgatory does nothing of ours; accepted at the load */
		{ N, F, F, RECORD_OK },
		{ N, F, C, RECORD_TOO_WEAK },
		{ N, C, C, RECORD_OK },         /* -s with --tdx-force at the load */
		/* loaded by another tool */
		{ NO_RECORD, 0, N, RECORD_OK },
		{ NO_RECORD, 0, F, RECORD_UNKNOWN },
		{ NO_RECORD, 0, C, RECORD_UNKNOWN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_record rec = sample(cases[i].action);

		rec.needed = cases[i].needed;
		assert_int_equal(record_check(cases[i].action == NO_RECORD ? NULL : &rec, cases[i].now),
				 cases[i].want);
	}
}

static void test_explain(void **state)
{
	struct kexec_record rec = sample(KTDX_ACTION_FLUSH);
	char buf[1280];

	record_explain(RECORD_TOO_WEAK, &rec, KTDX_ACTION_CLEAR, "WHY", buf, sizeof(buf));
	assert_string_equal(buf, "the image was loaded with action flush at 2026-12-02T09:40:00Z, but "
			    "clear is needed now (WHY): load it again with kexec -l, or add --tdx-force");
	record_explain(RECORD_UNKNOWN, NULL, KTDX_ACTION_FLUSH, "WHY", buf, sizeof(buf));
	assert_string_equal(buf, "the loaded image has no record of this kexec (loaded by another tool, "
			    "such as kexec-tools), and flush is needed now (WHY): load it again with "
			    "kexec -l, or add --tdx-force");
	record_explain(RECORD_OK, &rec, KTDX_ACTION_FLUSH, "WHY", buf, sizeof(buf));
	assert_string_equal(buf, "the loaded image does what is needed now (flush)");
}

/* -e: refused with the message, or let through with a warning under --tdx-force */
static void test_exec_check(void **state)
{
	struct kexec_record rec = sample(KTDX_ACTION_FLUSH);
	struct kexec_log log = { .out = NULL };

	assert_int_equal(record_exec_check(&rec, KTDX_ACTION_FLUSH, "WHY", false, &log), 0);
	assert_string_equal(log.last, "");
	assert_int_equal(record_exec_check(&rec, KTDX_ACTION_CLEAR, "WHY", false, &log), TDX_REFUSED);
	assert_string_equal(log.last, "refusing to kexec: the image was loaded with action flush at "
			    "2026-12-02T09:40:00Z, but clear is needed now (WHY): load it again with "
			    "kexec -l, or add --tdx-force");
	assert_int_equal(record_exec_check(&rec, KTDX_ACTION_CLEAR, "WHY", true, &log), 0);
	assert_string_equal(log.last, "*** --tdx-force: booting the loaded image although clear is "
			    "needed now (WHY) and it was loaded with action flush: memory that may hold "
			    "TDX private data is NOT handled as needed ***");
	assert_int_equal(record_exec_check(NULL, KTDX_ACTION_FLUSH, "WHY", false, &log), TDX_REFUSED);
	assert_int_equal(record_exec_check(NULL, KTDX_ACTION_FLUSH, "WHY", true, &log), 0);
	assert_string_equal(log.last, "*** --tdx-force: booting the loaded image although flush is "
			    "needed now (WHY) and it was loaded by another tool: memory that may hold "
			    "TDX private data is NOT handled as needed ***");
	log.last[0] = '\0';
	assert_int_equal(record_exec_check(NULL, KTDX_ACTION_NONE, "WHY", false, &log), 0);
	assert_string_equal(log.last, "");
}

/* An initialized module on an erratum CPU, no TDs (misc cgroup tdx 0). */
static struct tdx_status clear_host(void)
{
	struct tdx_status st = { 0 };

	st.cpuinfo_ok = st.cpu.tdx_host_platform = st.module_initialized = st.cpu.pw_mce = true;
	st.misc_found = true;
	st.misc = (struct tdx_misc){ 0, 0, 0 };
	snprintf(st.module_evidence, sizeof(st.module_evidence), "virt/tdx: module initialized");
	/* the memory to clear is known (else a clear is refused) */
	st.private_ok = true;
	assert_int_equal(rangeset_add(&st.private_ranges, 0x100000, 0x80000000), 0);
	st.decision = tdx_decide(&st, true, st.reason, sizeof(st.reason));
	return st;
}

/* -e computes the need under its own policy */
static void test_needed_now(void **state)
{
	static const struct {
		enum tdx_policy policy;
		unsigned want;
		const char *why;
	} cases[] = {
		{ TDX_POLICY_AUTO, KTDX_ACTION_CLEAR, "TDX module initialized (virt/tdx: module initialized) "
		  "and tdx_pw_mce erratum: WBINVD and clear" },
		{ TDX_POLICY_CLEAR, KTDX_ACTION_CLEAR, "--tdx=clear" },
		{ TDX_POLICY_FLUSH, KTDX_ACTION_FLUSH, "--tdx=flush" },
		{ TDX_POLICY_OFF, KTDX_ACTION_NONE, "--tdx=off" },
	};
	struct tdx_status st = clear_host();
	char why[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(record_needed_now(&st, cases[i].policy, why, sizeof(why)), cases[i].want);
		assert_string_equal(why, cases[i].why);
	}
	tdx_status_free(&st);
	/* a plain host needs nothing, even with TDs unknown */
	st = (struct tdx_status){ .cpuinfo_ok = true, .running_tds = -1, .running_sev_guests = -1 };
	assert_int_equal(record_needed_now(&st, TDX_POLICY_AUTO, why, sizeof(why)), KTDX_ACTION_NONE);
}

/* What --tdx-status gets for the loaded images */
static void test_loaded_read(void **state)
{
	struct fx *f = *state;
	struct tdx_status st = clear_host();
	struct kexec_record rec = sample(KTDX_ACTION_NONE);
	struct record_loaded l;

	/* loaded by another tool */
	record_loaded_read(f->sr, &f->log, &st, TDX_POLICY_AUTO, 1, 0, &l);
	assert_int_equal(l.kexec.loaded, 1);
	assert_int_equal(l.kexec.recorded, 0);
	assert_int_equal(l.kexec.needed_now, KTDX_ACTION_CLEAR);
	assert_int_equal(l.kexec.verdict, RECORD_UNKNOWN);
	assert_int_equal(l.crash.loaded, 0);
	assert_int_equal(l.crash.recorded, 0);

	/* loaded with none before the module came up */
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	record_loaded_read(f->sr, &f->log, &st, TDX_POLICY_AUTO, 1, 0, &l);
	assert_int_equal(l.kexec.recorded, 1);
	assert_int_equal(l.kexec.verdict, RECORD_TOO_WEAK);
	assert_string_equal(l.kexec.message, "the image was loaded with action none at "
			    "2026-12-02T09:40:00Z, but clear is needed now (TDX module initialized "
			    "(virt/tdx: module initialized) and tdx_pw_mce erratum: WBINVD and clear): "
			    "load it again with kexec -l, or add --tdx-force");
	/* under --tdx=off it would go */
	record_loaded_read(f->sr, &f->log, &st, TDX_POLICY_OFF, 1, 0, &l);
	assert_int_equal(l.kexec.verdict, RECORD_OK);

	/* malformed: counts as none, fail closed */
	tree_put(f->root, "run/kexec-tdx/loaded.json", "{\"version\": 1,");
	record_loaded_read(f->sr, &f->log, &st, TDX_POLICY_AUTO, 1, 0, &l);
	assert_int_equal(l.kexec.recorded, -EINVAL);
	assert_int_equal(l.kexec.verdict, RECORD_UNKNOWN);
	assert_int_equal(record_remove(f->sr, &f->log, false), 0);
	tdx_status_free(&st);
}

/* A host of 2 GiB with a crash kernel of `crash` ("2f000000-3effffff") and CPUs 0..ncpus-1. */
static void plan_host(const char *root, const char *crash, unsigned ncpus)
{
	char iomem[256], cpuinfo[1024] = "";

	snprintf(iomem, sizeof(iomem), "00000000-00000fff : Reserved\n00001000-0009ffff : System RAM\n"
		 "00100000-7fffffff : System RAM\n  %s : Crash kernel\n", crash);
	tree_put(root, "proc/iomem", iomem);
	tree_memmap_entry(root, 0, "0x0\n", "0x9ffff\n", "System RAM\n");
	tree_memmap_entry(root, 1, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	for (unsigned i = 0; i < ncpus; i++)
		snprintf(cpuinfo + strlen(cpuinfo), sizeof(cpuinfo) - strlen(cpuinfo),
			 "processor\t: %u\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
			 "apicid\t\t: %u\nflags\t\t: fpu sse2\n\n", i, 2 * i);
	tree_put(root, "proc/cpuinfo", cpuinfo);
	tree_put(root, "dev/kmsg", "6,1,100,-;Linux version 7.3.0\n");
}

/*
 * Issue 19 item 6: the clear list and the CPU list are fixed at -l.  The
 * crash kernel shrunk between -l and -e (echo > kexec_crash_size) gives
 * memory back that the loaded clear list lacks: -e refuses and says
 * "reload"; --tdx-force goes on; the guard's status says the same.
 */
static void test_plan_changed(void **state)
{
	struct fx *f = *state;
	struct kexec_record rec = sample(KTDX_ACTION_CLEAR), back;
	struct tdx_status st;
	struct plan_digest now;
	struct record_loaded l;

	plan_host(f->root, "2f000000-3effffff", 2);     /* 256 MiB */
	assert_int_equal(tdx_detect(f->sr, &f->log, &st), 0);
	plan_digest_of_status(&st, &rec.plan);
	tdx_status_free(&st);
	assert_true(rec.plan.known);
	assert_int_equal(rec.plan.crash_bytes, 256 << 20);
	assert_int_equal(rec.plan.cpus, 2);
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), 0);
	assert_int_equal(record_read(f->sr, &f->log, false, &back), 1);
	assert_memory_equal(&back.plan, &rec.plan, sizeof(rec.plan));

	/* nothing changed: -e goes */
	assert_int_equal(tdx_detect(f->sr, &f->log, &st), 0);
	plan_digest_of_status(&st, &now);
	tdx_status_free(&st);
	assert_int_equal(record_plan_check(&back, &now, false, &f->log), 0);

	/* the crash kernel shrunk to 128 MiB: refused, "reload" */
	plan_host(f->root, "2f000000-36ffffff", 2);
	assert_int_equal(tdx_detect(f->sr, &f->log, &st), 0);
	plan_digest_of_status(&st, &now);
	assert_int_equal(record_plan_check(&back, &now, false, &f->log), TDX_REFUSED);
	assert_string_equal(f->log.last, "refusing to kexec: the host changed since the image was "
			    "loaded: the crash kernel shrank from 256.0 MiB to 128.0 MiB (its memory went "
			    "back to the page allocator, outside the loaded clear list); reload it (kexec "
			    "-l) so that its plan matches, or add --tdx-force");
	assert_int_equal(record_plan_check(&back, &now, true, &f->log), 0);
	/* the guard reads the same through --tdx-status */
	record_loaded_read(f->sr, &f->log, &st, TDX_POLICY_CLEAR, 1, 0, &l);
	assert_int_equal(l.kexec.verdict, RECORD_PLAN_CHANGED);
	assert_non_null(strstr(l.kexec.message, "the crash kernel shrank from 256.0 MiB to 128.0 MiB"));
	/* a flush does not clear: the memory does not matter to it */
	back.action = KTDX_ACTION_FLUSH;
	assert_int_equal(record_plan_check(&back, &now, false, &f->log), 0);
	tdx_status_free(&st);

	/* a CPU onlined: a flush and a clear refuse */
	plan_host(f->root, "2f000000-3effffff", 3);
	assert_int_equal(tdx_detect(f->sr, &f->log, &st), 0);
	plan_digest_of_status(&st, &now);
	tdx_status_free(&st);
	assert_int_equal(record_plan_check(&back, &now, false, &f->log), TDX_REFUSED);
	assert_string_equal(f->log.last, "refusing to kexec: the host changed since the image was "
			    "loaded: CPUs were onlined (2 at the load, 3 now; the purgatory would not "
			    "start the new ones); reload it (kexec -l) so that its plan matches, or add "
			    "--tdx-force");
	/* an image that does nothing between the kernels has no plan to match */
	back.action = KTDX_ACTION_NONE;
	assert_int_equal(record_plan_check(&back, &now, false, &f->log), 0);
	/* a record without a plan (an older kexec-tdx) does not do for a clear */
	back.action = KTDX_ACTION_CLEAR;
	back.plan.known = false;
	assert_int_equal(record_plan_check(&back, &now, false, &f->log), TDX_REFUSED);
	assert_non_null(strstr(f->log.last, "its record has no plan digest"));
	assert_int_equal(record_remove(f->sr, &f->log, false), 0);
}

/* The digest's text form (plan-digest.h), as a shell reproduces it. */
static void test_plan_digest_text(void **state)
{
	struct rangeset priv = RANGESET_INIT;
	const uint32_t ids[] = { 2, 0 };
	struct plan_digest d;

	(void)state;
	assert_int_equal(rangeset_add(&priv, 0x100000, 0x80000000), 0);
	plan_digest_compute(&priv, NULL, ids, 2, 2, &d);
	/* printf '100000-80000000\n' | sha256sum; printf 'cpus 2\n0\n2\n' | sha256sum */
	assert_string_equal(d.private_sha256,
			    "87f193e9c42e20e94ba4430be3e3da53bf250cd8d9b8f1dcdade740c1df64fb6");
	assert_string_equal(d.cpus_sha256,
			    "b77276293eaa9573e2da5525c9a3481ae511c0537ee192dfddfd44c1e088a9f2");
	assert_int_equal(d.private_bytes, 0x7ff00000);
	assert_int_equal(d.cpus, 2);
	rangeset_free(&priv);
}

static void test_write_unwritable(void **state)
{
	struct fx *f = *state;
	struct kexec_record rec = sample(KTDX_ACTION_CLEAR);
	char want[300];

	/* "run" is a file: the directory cannot be made */
	tree_put(f->root, "run", "");
	assert_int_equal(record_write(f->sr, &f->log, false, &rec), -ENOTDIR);
	snprintf(want, sizeof(want), "%s/run/kexec-tdx/loaded.json: cannot write it: %s", f->root,
		 strerror(ENOTDIR));
	assert_string_equal(f->log.last, want);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/run", f->root);
		assert_int_equal(unlink(path), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_record_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_utf8_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_boot_id_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_exec_check),
		cmocka_unit_test(test_needed_now),
		cmocka_unit_test_setup_teardown(test_loaded_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_changed, setup, teardown),
		cmocka_unit_test(test_plan_digest_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
