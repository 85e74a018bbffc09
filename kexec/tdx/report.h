/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec --tdx-report: in the new kernel, find and print the record the
 * purgatory left in a setup_data entry of type KTDX_SETUP_TYPE, which the
 * kernel exposes at /sys/kernel/boot_params/setup_data/N/{type,data}.
 */
#ifndef KEXEC_TDX_REPORT_H
#define KEXEC_TDX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <kexec-tdx/purgatory-abi.h>
#include "../log.h"
#include "../sysroot.h"

/*
 * A decoded report: the header and its CPU entries (h.nr_cpus of them),
 * and the TSC rate of the kernel that reads it (its log; 0 unknown), which
 * turns the TSC cycles into seconds.
 */
struct tdx_report {
	struct ktdx_report h;
	struct ktdx_report_cpu cpu[KTDX_MAX_CPUS];
	uint64_t tsc_khz;
};

/*
 * Check one setup_data payload (len bytes at buf, read from where) and
 * copy the report to *out.  -EINVAL naming where and the field when it is
 * truncated, has the wrong magic or version, or holds a value this
 * version does not define; -ENOENT when the slot is all zeros (reserved
 * by the loader, never written by a purgatory).
 */
int tdx_report_decode(const void *buf, size_t len, const char *where, struct kexec_log *log,
		      struct tdx_report *out);

/*
 * Walk sys/kernel/boot_params/setup_data/N under the sysroot and decode
 * the first entry of type KTDX_SETUP_TYPE.  -ENOENT (one line logged)
 * when there is none.
 */
int tdx_report_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_report *out);

/* Print a decoded report as text or as one JSON object. */
int tdx_report_write(const struct tdx_report *r, FILE *out, bool json);

/*
 * tdx_report_read(), the TSC rate from the kernel log (tdx_kmsg_parse),
 * then tdx_report_write().  The text starts with the one-line summary
 * (tdx_last_clear_line(), lastclear.h).
 */
int tdx_report_print(const struct sysroot *sr, struct kexec_log *log, FILE *out, bool json);

/* "none"/"flush"/"clear", "none"/"wbinvd"/"nt-store"/"movdir64b"/"nt-store-avx", NULL if unknown. */
const char *tdx_report_action_name(uint32_t action);
const char *tdx_report_method_name(uint32_t method);
/* report CPU status: "boot", "cleared", "flushed", "no-start", "late", "not-started"; NULL if unknown */
const char *tdx_report_cpu_status_name(uint32_t status);

#endif
