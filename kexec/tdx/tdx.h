/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TDX detection (detect.c), running confidential guests (guests.c), the
 * decision and policy (policy.c) and the private ranges (ranges.c).
 * See DESIGN.md "Decision for auto" and the --tdx-status JSON contract.
 */
#ifndef KEXEC_TDX_H
#define KEXEC_TDX_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../kho.h"
#include "../log.h"
#include "../memmap.h"
#include "../range.h"
#include "../sysroot.h"

/*
 * This tool's own refusal of a kexec (running guests, --tdx=refuse, a
 * clear that cannot be computed, ...): main() exits 1 for it, while an
 * error of the kernel (EPERM under lockdown among them) exits 255.
 */
#define TDX_REFUSED     (-ECANCELED)

enum tdx_decision {
	TDX_DECISION_PLAIN,     /* nothing to do */
	TDX_DECISION_FLUSH,     /* WBINVD in the purgatory */
	TDX_DECISION_CLEAR,     /* WBINVD + clear the private ranges */
	TDX_DECISION_REFUSE,    /* do not kexec */
};

enum tdx_policy {
	TDX_POLICY_AUTO,
	TDX_POLICY_CLEAR,
	TDX_POLICY_FLUSH,
	TDX_POLICY_REFUSE,
	TDX_POLICY_OFF,
};

const char *tdx_decision_name(enum tdx_decision d);     /* "plain", "flush", ... */
int tdx_policy_from_name(const char *name, enum tdx_policy *out);
const char *tdx_policy_name(enum tdx_policy p);

struct tdx_status;
/*
 * The DESIGN.md table, first match wins.  The running-guest row also
 * matches an unknown TD count on a host whose TDX module is initialized
 * (DESIGN.md: "treat unknown as a reason to refuse").  With count_guests
 * false that row is skipped (what applies once --tdx-force overrode it).
 * The reason sentence goes to reason (may be NULL).
 */
enum tdx_decision tdx_decide(const struct tdx_status *st, bool count_guests,
			     char *reason, size_t size);

/* As many CPUs as the purgatory starts (KTDX_MAX_CPUS). */
#define TDX_MAX_APICIDS 1024

/* /proc/cpuinfo, as far as TDX and SEV care (cpuinfo.c). */
struct tdx_cpuinfo {
	char vendor[16];                /* vendor_id */
	unsigned family, model, stepping;
	char model_name[96];            /* truncated if longer */
	unsigned ncpus;                 /* "processor" blocks seen */
	/* flags and bugs of CPU0 */
	bool movdir64b, sha_ni, pdpe1gb;
	bool tdx_host_platform, tdx_guest;
	bool sev, sev_es, sev_snp;
	bool pw_mce;                    /* "tdx_pw_mce" in bugs */
	/* the purgatory's SHA-256 and clear paths (kexec/load.c) */
	bool ssse3, sse4_1, bmi2, avx, xsave;
	/*
	 * "apicid" of every processor block, in order (the CPUs the
	 * purgatory starts, kexec/cpus.c); napicid < ncpus when a block has
	 * none or there are more than TDX_MAX_APICIDS.
	 */
	unsigned napicid;
	uint32_t apicid[TDX_MAX_APICIDS];
	/* "physical id" (the package) of every block, in order, as apicid */
	unsigned nphysid;
	uint32_t physid[TDX_MAX_APICIDS];
	/* the apicid of "processor : 0", Linux's boot CPU */
	bool boot_apicid_known;
	uint32_t boot_apicid;
};

/*
 * Parse /proc/cpuinfo text.  Every processor block must agree with CPU0
 * on vendor_id, cpu family and model; the flags and bugs of CPU0 count.
 * -EINVAL with "where: line N: ..." logged on malformed input.
 */
int tdx_cpuinfo_parse(const char *buf, size_t len, struct tdx_cpuinfo *out,
		      struct kexec_log *log, const char *where);
/* Read proc/cpuinfo through the sysroot and parse it; -errno, a warning logged. */
int tdx_cpuinfo_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_cpuinfo *out);

/* What the kernel log says (kmsg.c).  Free with tdx_kmsg_free(). */
struct tdx_kmsg {
	unsigned records;               /* lines parsed */
	bool module_initialized;
	char module_line[64];           /* the message that said so, e.g. "virt/tdx: module initialized" */
	uint64_t pamt_kb;               /* "virt/tdx: N KB allocated for PAMT"; 0 not logged (JSON null) */
	struct rangeset cmr;            /* "virt/tdx: CMR: [0x..., 0x...)", normalized */
	bool tdh_sys_disable_failed;    /* "TDH.SYS.DISABLE failed" */
	bool kexec_refusal_logged;      /* "kexec: Not allowed on platform with tdx_pw_mce bug" */
	char module_version[32];        /* "virt/tdx: Module version: 1.5.16" -> "1.5.16" */
	bool sev_guest;                 /* "Memory Encryption Features active: AMD ... SEV" */
	bool tdx_guest;                 /* "Memory Encryption Features active: Intel TDX" */
	/*
	 * The TSC rate in kHz, 0 if not logged: "tsc: Refined TSC clocksource
	 * calibration: M.mmm MHz" wins over "tsc: Detected M.mmm MHz TSC"
	 * and "tsc: Detected M.mmm MHz processor" (arch/x86/kernel/tsc.c).
	 */
	uint64_t tsc_khz;
	unsigned bad_records;           /* malformed records skipped */
	unsigned first_bad_line;        /* line of the first of them, 0 if none */
};

/*
 * Parse /dev/kmsg records ("prio,seq,usec,flags;message" per line;
 * continuation lines starting with a space are skipped).  A malformed
 * record (bad header, a NUL byte, a broken CMR range) is skipped and
 * counted: one bad record never costs the evidence of the others.  Only
 * -ENOMEM is returned; then *out is left empty.
 */
int tdx_kmsg_parse(const char *buf, size_t len, struct tdx_kmsg *out,
		   struct kexec_log *log, const char *where);
void tdx_kmsg_free(struct tdx_kmsg *k);

/* The misc cgroup's flat-keyed counters (guests.c).  -1: key absent. */
struct tdx_misc {
	long long tdx, sev, sev_es;
};

/* Parse misc.current or misc.capacity ("tdx 2\nsev 0\n"); unknown keys are ignored. */
int tdx_misc_parse(const char *buf, size_t len, struct tdx_misc *out,
		   struct kexec_log *log, const char *where);

/*
 * Running confidential guests from sys/fs/cgroup: the root's misc.current
 * if it has one, else the sum over the topmost cgroups that have one
 * (usage is charged to every ancestor, so deeper files would count twice).
 * Keys absent from files that exist count 0.  *found is false (counts -1)
 * when there is no misc.current anywhere.  *capacity gets the root's
 * misc.capacity (-1 where unknown).
 */
int tdx_misc_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_misc *current,
		  struct tdx_misc *capacity, bool *found);

/*
 * System RAM above 1 MiB that no CMR covers (ranges.c): empty when the
 * CMR lines cover it all.  The CMRs never shrink the private ranges.
 */
int tdx_cmr_uncovered(const struct rangeset *cmr, const struct rangeset *system_ram,
		      struct rangeset *out);

/* A fact the probes may not know (JSON true/false/null). */
enum tdx_tristate { TDX_UNKNOWN = -1, TDX_NO = 0, TDX_YES = 1 };

/* What the running kernel does at kexec and kdump (kernel.c, DESIGN.md "Kernel landscape"). */
struct tdx_kernel {
	int disables_tdx_module;        /* tdx_sys_disable (7.2+): TDH.SYS.DISABLE at kexec */
	int flushes_all_cpus;           /* tdx_cpu_flush_cache_for_kexec / tdx_cpu_flush_cache */
	int refuses_kexec_on_erratum;   /* 6.18-7.1: flush without disable, or the log line seen */
};

/* The /proc/kallsyms names that matter (only the name column is read). */
struct tdx_kallsyms {
	bool sys_disable;               /* tdx_sys_disable */
	bool flush_cache_for_kexec;     /* tdx_cpu_flush_cache_for_kexec */
	bool flush_cache;               /* tdx_cpu_flush_cache */
	unsigned symbols;               /* lines parsed */
	unsigned bad_lines;             /* lines skipped: not "ADDRESS TYPE NAME[\t[MODULE]]" */
};

/*
 * Parse /proc/kallsyms text (exact names; a module suffix "\t[kvm_intel]"
 * is allowed).  Lines of another shape are skipped and counted;
 * -ENODATA (logged) when no line is a symbol.
 */
int tdx_kallsyms_parse(const char *buf, size_t len, struct tdx_kallsyms *out,
		       struct kexec_log *log, const char *where);
/* k NULL: no usable /proc/kallsyms (unknown).  log_refusal_seen: the kmsg refusal line. */
void tdx_kernel_from_kallsyms(const struct tdx_kallsyms *k, bool log_refusal_seen,
			      struct tdx_kernel *out);
/* "... Module version: 1.5.16" in a log message -> "1.5.16"; false when absent. */
bool tdx_module_version_parse(const char *msg, char *out, size_t size);
/* The faux device's version file ("1.5.16\n").  -EINVAL (logged) for anything else. */
int tdx_version_file_parse(const char *buf, size_t len, char *out, size_t size,
			   struct kexec_log *log, const char *where);

/*
 * A runtime TDX module update (7.2+): the faux device
 * /sys/devices/faux/tdx_host/{seamldr_version,num_remaining_updates} and
 * the firmware upload /sys/class/firmware/tdx_module/status
 * (drivers/base/firmware_loader/sysfs_upload.c: "idle", "receiving",
 * "preparing", "transferring", "programming").
 */
struct tdx_module_update {
	char seamldr_version[32];       /* "" unknown */
	long remaining_updates;         /* num_remaining_updates, -1 unknown */
	char upload_status[16];         /* "" no such file */
	bool in_progress;               /* upload_status is there and not "idle" */
};
/* The upload's status file ("idle\n"): 0, or -EINVAL (logged) for a value the kernel does not print. */
int tdx_upload_status_parse(const char *buf, size_t len, char *out, size_t size,
			    struct kexec_log *log, const char *where);
/*
 * Does TDX module `version` support TDH.SYS.DISABLE?  TDX_YES, TDX_NO or
 * TDX_UNKNOWN from the table in kernel.c (which names its source);
 * unknown for every version the table does not list.
 */
int tdx_module_sys_disable_known(const char *version);

/* A hardware watchdog (watchdog.c).  For ipmi_watchdog, state is "" (sysfs does not say). */
#define TDX_MAX_WATCHDOGS 8
#define TDX_MAX_WARNINGS 16
struct tdx_watchdog {
	char name[32];                  /* "watchdog0", or "ipmi_watchdog" */
	char identity[64];              /* "iTCO_wdt", "IPMI", "" unknown */
	long timeout_s;                 /* -1 unknown */
	char state[16];                 /* "active", "inactive", "" unknown */
	int nowayout;                   /* enum tdx_tristate */
	bool ipmi;                      /* the IPMI driver: re-armed with >= 120 s at reboot */
};
#define TDX_IPMI_REBOOT_TIMEOUT 120     /* drivers/char/ipmi/ipmi_watchdog.c wdog_reboot_handler */

/* One sysfs attribute ("identity", "timeout", "state", "nowayout") into *w.  -EINVAL logged. */
int tdx_watchdog_attr_parse(struct tdx_watchdog *w, const char *attr, const char *buf, size_t len,
			    struct kexec_log *log, const char *where);
/* Seconds after which w resets a host in kexec; -1 when it is stopped or never started. */
long tdx_watchdog_fires_after(const struct tdx_watchdog *w);
/* Does w reset the host before a clear of estimate_s seconds ends?  (estimate -1: no clear) */
bool tdx_watchdog_outlasted(const struct tdx_watchdog *w, long estimate_s);

/*
 * The clear's duration (watchdog.c names the sources): each clearing CPU
 * at TDX_CLEAR_RATE_PER_CPU, each package that clears at most
 * TDX_CLEAR_RATE_PER_PACKAGE; a rate measured on this host (bytes/s, from
 * the last kexec's report) replaces the model when it is not 0.
 */
#define TDX_CLEAR_RATE_PER_CPU      10000000000ull     /* bytes/s */
#define TDX_CLEAR_RATE_PER_PACKAGE  150000000000ull    /* bytes/s */
/* Bytes per second the clear reaches with cpus CPUs in packages packages (measured_bps 0: model). */
uint64_t tdx_clear_rate(unsigned cpus, unsigned packages, uint64_t measured_bps);
/* bytes at rate, rounded up to whole seconds; -1 when rate is 0. */
long tdx_clear_estimate_s(uint64_t bytes, uint64_t rate);
/*
 * The CPUs that take a share of the clear, as kexec/cpus.c and the
 * purgatory count them: the online CPUs with an APIC id (else the boot
 * CPU alone), at most KTDX_MAX_CLEAR_CPUS and max_clear (--tdx-cpus, 0:
 * no limit).  *packages: the packages those CPUs (the first ones in
 * cpuinfo order) belong to, 1 when cpuinfo does not say.
 */
unsigned tdx_clear_cpus(const struct tdx_cpuinfo *ci, unsigned max_clear, unsigned *packages);
/* "about 4 min", "about 40 s", "under 1 s". */
void tdx_duration_text(long s, char *buf, size_t size);

/*
 * Everything --tdx-status reports.  Counts are -1 when unknown (JSON null).
 * The parsers' results are kept whole (cpu, kmsg); the fields beside them
 * are what detect.c derives from several sources.
 */
struct tdx_status {
	/* /proc/cpuinfo as parsed (cpuinfo.c); all zero unless cpuinfo_ok */
	struct tdx_cpuinfo cpu;
	bool cpuinfo_ok;                /* /proc/cpuinfo was read and parsed */
	char cpuinfo_why[512];          /* otherwise why not (names the file) */
	/* the kernel log as parsed (kmsg.c); all zero when it could not be read */
	struct tdx_kmsg kmsg;
	const char *kmsg_source;        /* kmsg_source_name(), NULL: unreadable */
	bool tdx_guest;                 /* cpu.tdx_guest or the log's "Intel TDX" */
	/* kernel */
	bool module_initialized;        /* the log, else kvm_intel.tdx=Y, else the faux device */
	char module_evidence[128];      /* which line/file said so */
	bool kvm_intel_loaded, kvm_intel_tdx;   /* parameters/tdx = Y */
	bool kvm_amd_loaded, kvm_amd_sev_snp;
	bool tdx_host_sysfs;            /* /sys/devices/faux/tdx_host */
	char lockdown[16];              /* lockdown_read() (lockdown.h): "none", ..., "" unknown */
	struct kho_state kho;           /* KHO / live update (../kho.h) */
	const char *syscall;            /* what a plain kexec -l uses (main() sets it); NULL: refused */
	/* guests */
	long running_tds;               /* -1 unknown */
	long running_sev_guests;        /* sev + sev_es, -1 unknown */
	/* memory (the CMRs are kmsg.cmr) */
	struct rangeset crash;          /* "Crash kernel" ranges of /proc/iomem */
	struct rangeset private_ranges; /* DESIGN.md rule (struct mem_plan) */
	bool private_ok;                /* private_ranges computed and not empty */
	char private_why[512];          /* otherwise why not (names the file) */
	struct mem_kept kept[MEM_MAX_KEPT];     /* System RAM kept out of them (pstore) */
	unsigned nkept;
	int cmr_covers_ram;             /* CMRs cover System RAM: 1, 0, -1 no CMR lines */
	uint64_t cmr_uncovered_bytes;   /* System RAM above 1 MiB outside every CMR */
	/* result */
	enum tdx_decision decision;
	char reason[512];
	/* evidence behind the numbers above (extensions) */
	bool misc_found;                /* some misc.current was read */
	struct tdx_misc misc;           /* counts the guest numbers come from */
	struct tdx_misc misc_capacity;  /* root misc.capacity, -1 unknown */
	char kvm_intel_state[16];       /* "live", "builtin", "coming", "going", "" not loaded */
	char kvm_amd_state[16];
	/* what the running kernel does at kexec (kernel.c) */
	struct tdx_kernel kernel;
	char module_version[32];        /* kmsg.module_version, else the faux device's; "" unknown */
	char module_version_source[48]; /* "kernel log", "/sys/devices/faux/tdx_host/version" */
	/* a runtime TDX module update (kernel.c; 7.2+) */
	struct tdx_module_update update;
	/*
	 * Does the running TDX module support TDH.SYS.DISABLE?  TDX_YES only
	 * from the version table (kernel.c) or the operator's statement
	 * (tdx_sys_disable_supported= in /etc/kexec-tdx.conf); the source
	 * names which.  Never guessed.
	 */
	int module_sys_disable;         /* enum tdx_tristate */
	char module_sys_disable_source[96];
	/* time and watchdogs (watchdog.c) */
	long clear_estimate_s;          /* -1: nothing is cleared */
	unsigned clear_cpus;            /* CPUs with a share of the clear (tdx_clear_cpus) */
	unsigned clear_packages;        /* the packages they are in */
	uint64_t clear_rate_bps;        /* the rate the estimate used */
	bool clear_rate_measured;       /* it is this host's measured rate */
	struct tdx_watchdog watchdogs[TDX_MAX_WATCHDOGS];
	unsigned nwatchdogs;
	char warnings[TDX_MAX_WARNINGS][512];   /* through tdx_warn() only */
	unsigned nwarnings;
	unsigned nwarnings_detected;    /* those of the detection; tdx_status_settle() adds the rest */
	/* what is loaded (kexec/record.h), set by main() for --tdx-status; NULL: not shown */
	const struct record_loaded *loaded;
	/* the policy a load applies and where it came from (main() sets them: conffile.h) */
	enum tdx_policy policy;
	char policy_source[48];         /* "" means "default" */
	/* what a load and -e do under that policy (tdx_status_settle) */
	bool force;                     /* --tdx-force was given */
	int action;                     /* KTDX_ACTION_*, or TDX_ACTION_REFUSE */
	char action_why[512];           /* the refusal, when action is TDX_ACTION_REFUSE */
};

/* st->action when a load would be refused (no KTDX_ACTION_* value). */
#define TDX_ACTION_REFUSE       (-1)
/* "none", "flush", "clear", "refuse" */
const char *tdx_action_name(int action);

/*
 * The one way to add a warning: the text prints each as "warning: ...",
 * the JSON lists them in "warnings", in the order they were added.  When
 * the list is full the last slot says how many were dropped.  Detection
 * (detect.c, kernel.c, watchdog.c) and tdx_status_settle() call it; so
 * may any module that fills a struct tdx_status before it is printed.
 */
void tdx_warn(struct tdx_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the invocation adds to the detected facts (main() fills it; zero is the default). */
struct tdx_status_opts {
	enum tdx_policy policy;         /* the policy in force (conffile.h precedence) */
	const char *policy_source;      /* NULL or "" for "default" */
	bool force;                     /* --tdx-force */
	unsigned max_clear_cpus;        /* --tdx-cpus, 0 none */
	int sys_disable_stated;         /* tdx_sys_disable_supported= of the conf file, or TDX_UNKNOWN */
	const char *sys_disable_where;  /* "/etc/kexec-tdx.conf:4" */
	/*
	 * Hook for the last kexec's report (/var/lib/kexec-tdx/last-report.json):
	 * this host's measured clear rate in bytes/s, 0 when there is none.
	 */
	uint64_t measured_clear_bps;
};

/*
 * After detection: the policy, the clear's CPUs and estimate, whether
 * --tdx=flush may be offered, the watchdog warnings, and st->action.
 * tdx_detect_plan() calls it with default options; callers with options
 * call it again (it recomputes, it never adds a warning twice).
 */
void tdx_status_settle(struct tdx_status *st, const struct tdx_status_opts *o);
/* "available", "until_cold_boot", "unknown", or NULL when TDX is not initialized. */
const char *tdx_after_kexec(const struct tdx_status *st);
/* What --tdx-status --check exits with: 0 proceed, 1 refused, 2 evidence unreadable. */
int tdx_status_check_code(const struct tdx_status *st);

void tdx_status_free(struct tdx_status *st);
/*
 * Read everything through the sysroot and decide, with the memory plan
 * the caller read (mem_plan_read).  -errno only for -ENOMEM: a file that
 * is missing or broken makes its facts unknown, never the decision weaker.
 */
int tdx_detect_plan(const struct sysroot *sr, struct kexec_log *log, const struct mem_plan *plan,
		    struct tdx_status *st);
/* tdx_detect_plan() with a plan of its own. */
int tdx_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st);
/* /proc/kallsyms and the faux device's version (kernel.c); after the log was read. */
void tdx_kernel_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st);
/* The update state (kernel.c); warnings through tdx_warn(). */
void tdx_update_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st);
/* The kernel refuses kexec and kdump loads here (tdx_pw_mce and a 6.18-7.1 kernel; policy.c). */
/*
 * Why cpuinfo (NULL: unreadable) does not let the purgatory start a CPU in
 * every package (no apicid or physical id for some CPU, more CPUs than
 * KTDX_MAX_CPUS), in buf; NULL when it does.  The load refuses a flush or
 * clear then (cpus.c), and the status says so beforehand (policy.c).
 */
const char *tdx_cpuinfo_packages_unknown(const struct tdx_cpuinfo *ci, char *buf, size_t size);
bool tdx_kernel_refuses(const struct tdx_status *st);
/* /sys/class/watchdog/watchdogN and ipmi_watchdog (watchdog.c). */
void tdx_watchdogs_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st);
/*
 * After the decision: clear_cpus, clear_estimate_s and the watchdog
 * warnings (max_clear: --tdx-cpus; measured_bps: see tdx_status_opts).
 */
void tdx_clear_assess(struct tdx_status *st, unsigned max_clear, uint64_t measured_bps);
/* "kept_ranges": [{start, end, why}] (ranges.c). */
struct json_object *tdx_kept_json(const struct tdx_status *st);
/* --tdx-status output, text or JSON (json-c). */
/* verbose (-d, --verbose): the range lists too. */
int tdx_status_print(const struct tdx_status *st, FILE *out, bool json, bool verbose);
/* The JSON contract's version (doc/kexec-tdx-status.schema.json, doc/kexec-tdx-report.schema.json). */
#define TDX_SCHEMA_VERSION      1
/* Print o as pretty, spaced JSON and a newline; puts o.  -ENOMEM when o is NULL. */
struct json_object;
int tdx_json_write(struct json_object *o, FILE *out);

/*
 * What a load should do under `policy` (policy.c): fills *action with a
 * KTDX_ACTION_* value, or returns TDX_REFUSED with one explanatory line
 * logged when the kexec must be refused (running guests, unknown guest
 * count on an initialized TDX host, policy refuse on a non-plain host, a
 * clear whose memory cannot be computed, CPU flags unknown) and `force`
 * (--tdx-force) is false.  With force it logs a loud warning and goes on
 * (without the clear where the memory to clear is unknown).  flush and
 * clear are refused in a TD or SEV guest whatever `force` says.  `crash`
 * (-p) never clears: where a kexec would clear, *action is
 * KTDX_ACTION_FLUSH (the one place of that rule; one line logged).
 */
int tdx_policy_apply(const struct tdx_status *st, enum tdx_policy policy, bool force,
		     bool crash, struct kexec_log *log, unsigned *action);

#endif
