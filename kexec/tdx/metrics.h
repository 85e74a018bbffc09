/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --tdx-status --format=prometheus: the status in the Prometheus text
 * exposition format (version 0.0.4), for node_exporter's textfile
 * collector (kexec-tdx-metrics.service).  Names follow Prometheus' rules:
 * the kexec_tdx_ prefix, base units in the name (_bytes, _seconds),
 * states as labelled gauges, unknown as NaN (never 0).  kexec_tdx_info
 * carries the JSON contract's schema_version (TDX_SCHEMA_VERSION): a
 * metric renamed or changed in meaning bumps it, as a JSON key does.
 */
#ifndef KEXEC_TDX_METRICS_H
#define KEXEC_TDX_METRICS_H

#include <stdio.h>
#include "lastclear.h"
#include "tdx.h"

struct tdx_metrics_input {
	const struct tdx_status *st;    /* st->loaded may be NULL: the image metrics are left out */
	const char *action;             /* what a load and -e do now: "none", "flush", "clear", "refuse" */
	const struct tdx_last_clear *last;      /* NULL: no last-report.json */
	const char *version;            /* the program's (PACKAGE_VERSION) */
};

/* Write every metric to out.  -EIO when out fails. */
int tdx_metrics_write(const struct tdx_metrics_input *in, FILE *out);

#endif
