/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Segment placement (STYLE.md 5): every segment goes through
 * segments_place() or segments_add_fixed(), so overlap checks and
 * --mem-min/--mem-max live in one place and -d prints one table.
 */
#ifndef KEXEC_SEGMENTS_H
#define KEXEC_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "log.h"
#include "memmap.h"
#include "range.h"

#define KEXEC_MAX_SEGMENTS 16          /* the kernel's KEXEC_SEGMENT_MAX */

struct segment {
	const void *buf;        /* NULL: memsz bytes of zeros */
	size_t bufsz;
	uint64_t mem;           /* physical, page aligned */
	uint64_t memsz;         /* page aligned, >= bufsz */
	const char *what;       /* "kernel", "initrd", ... */
	bool hash;              /* covered by the purgatory's SHA-256 */
};

struct segment_req {
	const void *buf;
	size_t bufsz;
	uint64_t memsz;         /* 0: bufsz; rounded up to pages */
	uint64_t align;         /* power of two; 0: 4 KiB */
	uint64_t min, max;      /* the segment must lie inside [min, max); max 0: no limit */
	bool top_down;          /* highest fitting address first */
	bool hash;
	const char *what;
};

struct segments {
	struct segment v[KEXEC_MAX_SEGMENTS];
	size_t n;
	struct rangeset ram;    /* where segments may go: usable RAM in [mem_min, mem_max) */
	uint64_t mem_min, mem_max;
};

/* ram: usable RAM ranges (copied); mem_max 0 = no upper limit. */
int segments_init(struct segments *s, const struct rangeset *ram, uint64_t mem_min, uint64_t mem_max);
void segments_free(struct segments *s);
/* Find the first (or, top_down, the last) hole that fits; record the segment. */
int segments_place(struct segments *s, const struct segment_req *req, struct kexec_log *log,
		   uint64_t *addr);
/* A segment at a fixed address (ELF PT_LOAD): checked against RAM, limits and the others. */
int segments_add_fixed(struct segments *s, const void *buf, size_t bufsz, uint64_t mem,
		       uint64_t memsz, const char *what, bool hash, struct kexec_log *log);
/*
 * A zero-filled segment of whole pages below 1 MiB, where --mem-min and
 * the usable RAM (from 1 MiB up) do not reach: only for the CPU start
 * trampoline (kexec/cpus.c), whose page the caller took from the
 * firmware map's RAM.  Checked against the other segments.
 */
int segments_add_low(struct segments *s, uint64_t mem, uint64_t memsz, const char *what,
		     struct kexec_log *log);
/* Take [mem, mem + memsz) of every segment out of set. */
int segments_subtract_from(const struct segments *s, struct rangeset *set);
/* The -d table. */
void segments_print(const struct segments *s, FILE *out);

#endif
