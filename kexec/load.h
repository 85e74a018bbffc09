/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One load, from files to the system call: kexec_load with our purgatory, or kexec_file_load. */
#ifndef KEXEC_LOAD_H
#define KEXEC_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include "ctx.h"
#include "memmap.h"
#include "range.h"
#include "segments.h"

struct load_request {
	const char *kernel;
	const char *initrd;             /* NULL: none */
	const char *cmdline;            /* NULL: empty */
	const char *type;               /* --type, NULL: any */
	bool crash;                     /* -p */
	bool no_checks;                 /* -i: no SHA-256 in the purgatory */
	bool serial_debug;              /* --console-serial: purgatory steps on COM1 */
	unsigned action;                /* KTDX_ACTION_* */
	uint64_t mem_min, mem_max;      /* mem_max 0: none */
	const struct rangeset *private_ranges;  /* what may hold TDX private memory */
	const struct mem_plan *mem;     /* the invocation's memory plan; NULL: read one */
	bool dry_run;                   /* build everything, call nothing (tests) */
};

/* kexec_load with this tool's purgatory.  -errno, one line logged. */
int load_with_purgatory(struct kexec_ctx *ctx, const struct load_request *req);
/* kexec_file_load: the kernel parses the files and runs its own purgatory. */
int load_with_file_syscall(struct kexec_ctx *ctx, const struct load_request *req);

/*
 * The purgatory's clear list: private minus every segment, 4 KiB aligned
 * inward, sorted and merged.  -E2BIG when it exceeds KTDX_MAX_CLEAR_RANGES.
 */
int clear_list_build(const struct rangeset *private_ranges, const struct segments *segs,
		     struct rangeset *out, struct kexec_log *log);

/* Explain a failed load in terms of TDX, lockdown and the like (one or more lines). */
int load_explain_errno(struct kexec_ctx *ctx, int err, const char *syscall_name);

#endif
