/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last kexec's clear, as the new kernel saw it: kexec-tdx-report.service
 * keeps `kexec --tdx-report --json` in /var/lib/kexec-tdx/last-report.json
 * at boot and logs tdx_last_clear_line(); --tdx-status and the metrics
 * read it back (through the sysroot) for the measured clear rate.
 */
#ifndef KEXEC_TDX_LASTCLEAR_H
#define KEXEC_TDX_LASTCLEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../log.h"
#include "../sysroot.h"
#include "report.h"

#define TDX_LAST_REPORT "var/lib/kexec-tdx/last-report.json"

struct tdx_last_clear {
	char action[8];                 /* "none", "flush", "clear" */
	uint64_t bytes;                 /* bytes_cleared */
	unsigned cpus;                  /* cpus_used */
	double seconds;                 /* the clear's duration; < 0 unknown (no TSC rate) */
	bool verified;                  /* verify "ok" */
};

/* The clear of a decoded report; tsc_khz 0: the TSC rate is unknown (seconds -1). */
void tdx_last_clear_from_report(const struct tdx_report *r, uint64_t tsc_khz,
				struct tdx_last_clear *out);
/* Seconds from TSC cycles at tsc_khz; -1 when tsc_khz is 0. */
double tdx_tsc_seconds(uint64_t cycles, uint64_t tsc_khz);
/*
 * Bytes per second the clear reached; 0 when it is unknown or too small
 * to measure a rate by (no clear, under 1 GiB or 10 ms).
 */
double tdx_last_clear_rate(const struct tdx_last_clear *c);
/*
 * The one line the boot service logs: "kexec cleared 512.0 GiB on 32 CPUs
 * in 3.1 s (165 GB/s), verified".
 */
void tdx_last_clear_line(const struct tdx_last_clear *c, char *buf, size_t size);
/*
 * Parse last-report.json (the --tdx-report JSON object).  -EINVAL with
 * one line "where: ..." naming the key when it is not such an object.
 */
int tdx_last_clear_parse(const char *buf, size_t len, struct tdx_last_clear *out,
			 struct kexec_log *log, const char *where);
/* TDX_LAST_REPORT through the sysroot: 1 read, 0 none there, -errno (logged) unusable. */
int tdx_last_clear_read(const struct sysroot *sr, struct kexec_log *log, struct tdx_last_clear *out);

#endif
