/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan a loaded image carries (DESIGN.md "The loaded image's action
 * is recorded"): the private ranges the purgatory clears and the CPUs it
 * starts were fixed at -l.  Their digests go into the record; -e, -f and
 * the guard compute them again and refuse ("reload") when the host
 * changed: a shrunk crash kernel gave memory back to the page allocator
 * that the clear list lacks, a CPU onlined after the load is never
 * started and never flushes.
 *
 * The digests are SHA-256 in lower-case hex of plain text, so that a
 * shell can reproduce them (tests/systemd/guard.sh):
 *   private: one "START-END\n" line a range, lower-case hex without 0x,
 *            END exclusive, in order;
 *   cpus:    "cpus N\n" (N: processor blocks of /proc/cpuinfo), then one
 *            "ID\n" line (decimal) an APIC id, sorted.
 */
#ifndef KEXEC_PLAN_DIGEST_H
#define KEXEC_PLAN_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "range.h"

struct tdx_status;

struct plan_digest {
	bool known;                     /* computed, or read from a record that has it */
	char private_sha256[65];
	uint64_t private_bytes;
	uint64_t crash_bytes;           /* "Crash kernel" of /proc/iomem (the message's words) */
	char cpus_sha256[65];
	unsigned cpus;                  /* online CPUs */
};

/* The digest of these sets (pure).  apic_ids need not be sorted. */
void plan_digest_compute(const struct rangeset *private_ranges, const struct rangeset *crash,
			 const uint32_t *apic_ids, unsigned napic, unsigned ncpus,
			 struct plan_digest *out);
/*
 * The digest of the host now, from detection: its private ranges (after
 * the pstore kept) and cpuinfo's APIC ids, the same list the CPU plan
 * (kexec/cpus.c) starts without --tdx-debug-apic-ids.
 */
void plan_digest_of_status(const struct tdx_status *st, struct plan_digest *out);

/*
 * Does a loaded image whose action is `action` (KTDX_ACTION_*) still
 * match the host?  A clear needs both digests, a flush the CPUs, none
 * nothing.  false when it matches; true with what changed, in words, in
 * what (e.g. "the crash kernel shrank from 256 MiB to 128 MiB").  A record
 * without a plan (then->known false) does not match a flush or a clear.
 */
bool plan_digest_changed(const struct plan_digest *then, const struct plan_digest *now,
			 unsigned action, char *what, size_t size);

#endif
