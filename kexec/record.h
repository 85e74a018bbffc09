/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record of what is loaded (DESIGN.md): `kexec -l` writes
 * /run/kexec-tdx/loaded.json, `-p` crash.json, `-u` removes them.  `-e`,
 * `-f`, the systemd guard (through --tdx-status) compare the recorded
 * action with the one needed now, so that an image loaded before TDX was
 * initialized, or by another kexec, is not booted without its flush or
 * clear.  All paths go through the sysroot.
 */
#ifndef KEXEC_RECORD_H
#define KEXEC_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "log.h"
#include "plan-digest.h"
#include "sysroot.h"
#include "tdx/tdx.h"

#define RECORD_KEXEC    "run/kexec-tdx/loaded.json"
#define RECORD_CRASH    "run/kexec-tdx/crash.json"
#define RECORD_VERSION  1

struct kexec_record {
	unsigned action;                /* KTDX_ACTION_*: what the image does between the kernels */
	unsigned needed;                /* what the policy called for at the load; above action
					 * only for -s (kexec_file_load) loads */
	enum tdx_decision decision;     /* the auto decision at the load */
	enum tdx_policy policy;         /* the policy of the load */
	char reason[512];
	char kernel[4096];
	char initrd[4096];              /* "" for none */
	bool file_syscall;              /* kexec_file_load: the kernel's own purgatory */
	int64_t time;                   /* the load, seconds since the epoch */
	char boot_id[40];               /* /proc/sys/kernel/random/boot_id at the load */
	struct plan_digest plan;        /* the host's plan at the load ("plan"; plan-digest.h) */
};

const char *record_action_name(unsigned action);        /* "none", "flush", "clear" */
int record_action_from_name(const char *name, unsigned *action);
/* "2026-12-02T09:15:00Z" */
void record_time_iso(int64_t t, char *buf, size_t size);

/* The running boot's id (proc/sys/kernel/random/boot_id), validated.  -errno. */
int record_boot_id(const struct sysroot *sr, char *out, size_t size);

/* The record as a JSON object (the file's content); NULL on ENOMEM. */
struct json_object *record_json(const struct kexec_record *rec);
/*
 * Parse a record file's text.  -EINVAL with one line "where: ..." logged
 * naming the field when it is not a record of RECORD_VERSION.
 */
int record_parse(const char *buf, size_t len, struct kexec_record *out, struct kexec_log *log,
		 const char *where);

/* Write loaded.json (crash: crash.json) atomically, mode 0644.  -errno, logged. */
int record_write(const struct sysroot *sr, struct kexec_log *log, bool crash,
		 const struct kexec_record *rec);
/*
 * The record of this boot: 1 and *out filled; 0 when there is none or it
 * is stale (another boot id; so is a record when the running boot id
 * cannot be read); -errno, one line naming the file logged, when the file
 * cannot be read or is malformed.  Callers treat an error as "no record".
 */
int record_read(const struct sysroot *sr, struct kexec_log *log, bool crash,
		struct kexec_record *out);
/* Remove loaded.json (crash: crash.json); none there is no error.  -errno, logged. */
int record_remove(const struct sysroot *sr, struct kexec_log *log, bool crash);

enum record_verdict {
	RECORD_OK,              /* the loaded image does what is needed now */
	RECORD_TOO_WEAK,        /* its recorded action is weaker than the one needed now */
	RECORD_UNKNOWN,         /* no record (loaded by another tool) and a flush or clear is needed */
	RECORD_PLAN_CHANGED,    /* its action is right, but the host changed since the load */
};

/*
 * The rule of `kexec -e` (none < flush < clear).  rec NULL: no record.
 * An image is good enough when its action covers needed_now, or when
 * needed_now is no more than what its load already accepted (rec->needed:
 * a -s load, warned about then).
 */
enum record_verdict record_check(const struct kexec_record *rec, unsigned needed_now);

/*
 * The one-line refusal for a verdict other than RECORD_OK: what was
 * loaded, what is needed now and why (why_now), and what to do.
 */
void record_explain(enum record_verdict v, const struct kexec_record *rec, unsigned needed_now,
		    const char *why_now, char *buf, size_t size);

/*
 * What -e and -f do with a verdict: 0 when the image may boot (with
 * force, after a loud warning naming what is overridden); TDX_REFUSED
 * with the one-line refusal of record_explain() logged otherwise.
 */
int record_exec_check(const struct kexec_record *rec, unsigned needed_now, const char *why_now,
		      bool force, struct kexec_log *log);

/*
 * The plan check of -e, -f and the guard: 0 when the loaded image's plan
 * (rec, NULL: none to check) still matches the host's now, for what the
 * image does; else TDX_REFUSED with one line logged that says what
 * changed and "reload" (with force: a loud warning, and 0).
 */
int record_plan_check(const struct kexec_record *rec, const struct plan_digest *now, bool force,
		      struct kexec_log *log);

/*
 * The action needed now under `policy`, whatever the guest check says
 * (that one is made apart), and why: the decision's reason under auto,
 * else "--tdx=POLICY".
 */
unsigned record_needed_now(const struct tdx_status *st, enum tdx_policy policy, char *why,
			   size_t size);

/* What --tdx-status shows of one loaded image. */
struct record_image {
	int loaded;                     /* 1 loaded, 0 not, -errno unknown */
	int recorded;                   /* record_read(): 1, 0 or -errno */
	struct kexec_record rec;
	/* kexec -l image only: what -e would say now */
	unsigned needed_now;
	enum record_verdict verdict;
	char message[1280];
};

struct record_loaded {
	struct record_image kexec, crash;
};

/*
 * Fill *out for --tdx-status under `policy` (the invocation's);
 * kexec_loaded and crash_loaded are what sys/kernel/kexec_loaded and
 * kexec_crash_loaded say (1, 0 or -errno).
 */
void record_loaded_read(const struct sysroot *sr, struct kexec_log *log,
			const struct tdx_status *st, enum tdx_policy policy, int kexec_loaded,
			int crash_loaded, struct record_loaded *out);

#endif
