/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line, parsed once (one getopt pass) into one struct.
 * kexec-tools compatible spellings and semantics, plus the TDX options
 * of DESIGN.md "CLI contract".
 */
#ifndef KEXEC_OPTIONS_H
#define KEXEC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "log.h"
#include "syscall.h"
#include "tdx/tdx.h"

/* Exit codes, as kexec-tools: 1 for usage and fatal errors, 255 (-1) for a failed load. */
#define EXIT_USAGE      1
#define EXIT_FAIL       1
#define EXIT_LOAD_FAIL  255

struct kexec_options {
	/* what to do: the kexec-tools do_* flags */
	bool do_load, do_exec, do_shutdown, do_sync, do_ifdown, do_unload, do_status;
	bool crash;                     /* -p */
	bool opt_load;                  /* -l given (for -S) */
	bool help, version;
	bool tdx_status, tdx_report, json;
	bool check;                     /* --check: --tdx-status answers by exit code */
	bool verbose;                   /* --verbose: as -d for --tdx-status (the range lists) */
	bool prometheus;                /* --format=prometheus (with --tdx-status) */
	bool oneline;                   /* --format=oneline: the line kexec -e prints before the jump */
	bool print_ckr_size;
	enum kexec_syscall_choice syscall;

	const char *kernel;             /* positional */
	const char *initrd;             /* --initrd / --ramdisk */
	const char *append;             /* --append / --command-line (last wins) */
	bool reuse_cmdline;
	uint64_t mem_min, mem_max;      /* mem_max 0: none */
	bool debug, no_checks;
	bool console_serial;            /* --console-serial: purgatory progress on COM1 */
	bool no_cma;                    /* --no-cma: KEXEC_FILE_NO_CMA to kexec_file_load */
	bool hotplug;                   /* --hotplug: kexec_file_load does it; kexec_load warns */
	const char *type;               /* --type (checked against the probed format) */

	enum tdx_policy tdx_policy;     /* after main(): --tdx, KEXEC_TDX_POLICY, the file, auto */
	bool tdx_policy_given;          /* --tdx= was on the command line */
	bool tdx_force;
	unsigned tdx_cpus;              /* --tdx-cpus: CPUs that clear, 0 = all */
	const char *tdx_debug_apic_ids; /* hidden --tdx-debug-apic-ids: replaces cpuinfo's */
	const char *sysroot;            /* --sysroot or $KEXEC_SYSROOT */
};

/*
 * Parse argv.  0 on success; -EINVAL after logging one line for an
 * unknown option, a bad value or a bad combination; -EOPNOTSUPP for a
 * kexec-tools option this kexec does not do; -ENOENT for a load without
 * a kernel (kexec-tools exits 255 there).  -h and -v end the parse, as
 * in kexec-tools.
 */
int options_parse(int argc, char **argv, struct kexec_options *o, struct kexec_log *log);
void options_usage(FILE *out);

#endif
