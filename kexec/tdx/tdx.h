/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TDX detection (detect.c), running confidential guests (guests.c), the
 * decision and policy (policy.c) and the private ranges (ranges.c).
 * See DESIGN.md "Decision for auto" and the --tdx-status JSON contract.
 */
#ifndef KEXEC_TDX_H
#define KEXEC_TDX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../log.h"
#include "../range.h"
#include "../sysroot.h"

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

/* Everything --tdx-status reports.  Counts are -1 when unknown (JSON null). */
struct tdx_status {
	/* cpu */
	char vendor[16];
	unsigned family, model, stepping;
	char model_name[96];
	bool movdir64b, sha_ni, pdpe1gb;
	bool tdx_host_platform, tdx_guest, pw_mce_erratum;
	bool sev, sev_es, sev_snp;
	/* kernel */
	bool module_initialized;
	char module_evidence[128];      /* which line/file said so */
	bool kvm_intel_loaded, kvm_intel_tdx;   /* parameters/tdx = Y */
	bool kvm_amd_loaded, kvm_amd_sev_snp;
	bool tdx_host_sysfs;            /* /sys/devices/faux/tdx_host */
	bool tdh_sys_disable_failed;    /* "TDH.SYS.DISABLE failed" seen */
	bool kernel_refuses_kexec;      /* "kexec: Not allowed on platform with tdx_pw_mce bug" */
	uint64_t pamt_kb;               /* 0 when not logged */
	char lockdown[16];              /* "none", "integrity", "confidentiality", "" unknown */
	const char *kmsg_source;        /* kmsg_source_name() */
	/* guests */
	long running_tds;               /* -1 unknown */
	long running_sev_guests;        /* sev + sev_es, -1 unknown */
	/* memory */
	struct rangeset cmr;            /* from the log, may be empty */
	struct rangeset crash;          /* "Crash kernel" ranges of /proc/iomem */
	struct rangeset private_ranges; /* DESIGN.md rule */
	/* result */
	enum tdx_decision decision;
	char reason[256];
};

void tdx_status_free(struct tdx_status *st);
/* Read everything through the sysroot and decide.  -errno only when the sysroot is unusable. */
int tdx_detect(const struct sysroot *sr, struct kexec_log *log, struct tdx_status *st);
/* --tdx-status output, text or JSON (json-c). */
int tdx_status_print(const struct tdx_status *st, FILE *out, bool json);

/*
 * What a load should do under `policy` (policy.c): fills *action with a
 * KTDX_ACTION_* value, or returns -EPERM with one explanatory line logged
 * when the kexec must be refused (running guests, unknown guest count on
 * an initialized TDX host, policy refuse on a non-plain host) and
 * `force` (--tdx-force) is false.  With force it logs a loud warning and
 * goes on.  `crash` (-p) never clears: at most it flushes.
 */
int tdx_policy_apply(const struct tdx_status *st, enum tdx_policy policy, bool force,
		     bool crash, struct kexec_log *log, unsigned *action);

#endif
