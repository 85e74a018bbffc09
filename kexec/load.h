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

struct tdx_cpuinfo;
struct cpus_plan;

struct load_request {
	const char *kernel;
	const char *initrd;             /* NULL: none */
	const char *cmdline;            /* NULL: empty */
	const char *type;               /* --type, NULL: any */
	bool crash;                     /* -p */
	bool no_checks;                 /* -i: no SHA-256 in the purgatory */
	bool serial_debug;              /* --console-serial: purgatory steps on COM1 */
	unsigned action;                /* KTDX_ACTION_*; never CLEAR with crash (tdx/policy.c) */
	uint64_t mem_min, mem_max;      /* mem_max 0: none */
	const struct rangeset *private_ranges;  /* what may hold TDX private memory */
	const struct tdx_cpuinfo *cpu;  /* the purgatory's paths; NULL: unknown, portable ones */
	const struct mem_plan *mem;     /* the invocation's memory plan; NULL: read one */
	const struct cpus_plan *cpus;   /* the other CPUs (kexec/cpus.h); NULL: the boot CPU alone */
	bool dry_run;                   /* build everything, call nothing (tests) */
	bool no_cma;                    /* --no-cma: KEXEC_FILE_NO_CMA (kexec_file_load only) */
	bool file_debug;                /* -d: KEXEC_FILE_DEBUG (kexec_file_load only) */
	bool file_fallback;             /* kexec_load follows a fallback errno: only debug-log it */
};

/*
 * kexec_load with this tool's purgatory.  -errno, one line logged;
 * -EINVAL for a request only a caller can get wrong (a clear for a crash
 * kernel, a clear without private_ranges).
 */
int load_with_purgatory(struct kexec_ctx *ctx, const struct load_request *req);
/* kexec_file_load: the kernel parses the files and runs its own purgatory. */
int load_with_file_syscall(struct kexec_ctx *ctx, const struct load_request *req);
/*
 * Before kexec_file_load: the kernel file through our own probes.  A file
 * a probe recognises but finds broken (a truncated bzImage, which the
 * kernel's loader takes and which fails only at boot) fails here with the
 * probe's message, and no fallback to kexec_load would do better; one no
 * probe knows is the kernel's to judge (0).
 */
int load_file_precheck(struct kexec_ctx *ctx, const struct load_request *req);

/*
 * The purgatory's clear list: private minus every segment, 4 KiB aligned
 * inward, sorted and merged.  -E2BIG when it exceeds KTDX_MAX_CLEAR_RANGES.
 */
int clear_list_build(const struct rangeset *private_ranges, const struct segments *segs,
		     struct rangeset *out, struct kexec_log *log);

/*
 * KTDX_FLAG_* for the SHA-256 and clear paths and 1 GiB pages, from
 * cpuinfo (NULL: none of them, the portable paths).  The purgatory runs
 * no CPUID: this is all it knows about the CPU.
 */
uint32_t purgatory_cpu_flags(const struct tdx_cpuinfo *cpu);

/*
 * What the purgatory's page tables map (flush and clear): the clear list,
 * the RAM below 1 MiB that the new kernel's decompressor uses before it
 * has page tables of its own (low, 4 KiB aligned), and every segment (its
 * memsz, 4 KiB aligned outward), sorted and merged.  clear and low may be
 * NULL.  -E2BIG beyond KTDX_MAX_MAP_RANGES.
 */
int purgatory_map_build(const struct rangeset *clear, const struct rangeset *low,
			const struct segments *segs, struct rangeset *out, struct kexec_log *log);

/* Explain a failed load in terms of TDX, lockdown and the like (one or more lines). */
int load_explain_errno(struct kexec_ctx *ctx, int err, const char *syscall_name);

#endif
