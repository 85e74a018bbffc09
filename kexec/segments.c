/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "memmap.h"
#include "segments.h"

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
}

int segments_init(struct segments *s, const struct rangeset *ram, uint64_t mem_min, uint64_t mem_max)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->mem_min = mem_min;
	s->mem_max = mem_max ? mem_max : UINT64_MAX;
	if ((r = rangeset_copy(&s->ram, ram)) < 0)
		return r;
	rangeset_normalize(&s->ram);
	return 0;
}

void segments_free(struct segments *s)
{
	rangeset_free(&s->ram);
	s->n = 0;
}

static int segments_overlap(const struct segments *s, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].mem < end && start < s->v[i].mem + s->v[i].memsz)
			return (int)i;
	return -1;
}

/* Is [start, end) inside one RAM range? */
static bool in_ram(const struct segments *s, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < s->ram.n; i++)
		if (s->ram.v[i].start <= start && end <= s->ram.v[i].end)
			return true;
	return false;
}

static int segments_record(struct segments *s, const void *buf, size_t bufsz, uint64_t mem,
			   uint64_t memsz, const char *what, bool hash, struct kexec_log *log)
{
	if (s->n == KEXEC_MAX_SEGMENTS)
		return log_errno(log, -E2BIG, "%s: more than %d segments", what, KEXEC_MAX_SEGMENTS);
	s->v[s->n++] = (struct segment){ buf, bufsz, mem, memsz, what, hash };
	return 0;
}

int segments_add_fixed(struct segments *s, const void *buf, size_t bufsz, uint64_t mem,
		       uint64_t memsz, const char *what, bool hash, struct kexec_log *log)
{
	uint64_t end;
	int other;

	if (memsz < bufsz)
		memsz = bufsz;
	if (mem & (PAGE_SIZE_4K - 1))
		return log_errno(log, -EINVAL, "%s: address 0x%" PRIx64 " is not page aligned", what, mem);
	if (__builtin_add_overflow(mem, page_up(memsz), &end) || end < mem)
		return log_errno(log, -ERANGE, "%s: 0x%" PRIx64 "+0x%" PRIx64 " overflows", what, mem, memsz);
	memsz = end - mem;
	if (mem < s->mem_min || end > s->mem_max)
		return log_errno(log, -ERANGE,
				 "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") is outside --mem-min/--mem-max "
				 "[0x%" PRIx64 ", 0x%" PRIx64 ")", what, mem, end, s->mem_min, s->mem_max);
	if (!in_ram(s, mem, end))
		return log_errno(log, -EADDRNOTAVAIL,
				 "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") is not in usable RAM", what, mem, end);
	if ((other = segments_overlap(s, mem, end)) >= 0)
		return log_errno(log, -EBUSY,
				 "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps %s at [0x%" PRIx64 ", 0x%" PRIx64 ")",
				 what, mem, end, s->v[other].what, s->v[other].mem,
				 s->v[other].mem + s->v[other].memsz);
	return segments_record(s, buf, bufsz, mem, memsz, what, hash, log);
}

int segments_add_low(struct segments *s, uint64_t mem, uint64_t memsz, const char *what,
		     struct kexec_log *log)
{
	int other;

	if ((mem | memsz) & (PAGE_SIZE_4K - 1) || !memsz || mem + memsz > LOW_1M)
		return log_errno(log, -EINVAL, "%s: [0x%" PRIx64 ", +0x%" PRIx64 ") is not whole pages "
				 "below 1 MiB", what, mem, memsz);
	if ((other = segments_overlap(s, mem, mem + memsz)) >= 0)
		return log_errno(log, -EBUSY, "%s: 0x%" PRIx64 " overlaps %s", what, mem, s->v[other].what);
	return segments_record(s, NULL, 0, mem, memsz, what, false, log);
}

/*
 * Try to fit [addr, addr+size) into the hole [lo, hi) at an aligned
 * address, lowest or highest first.  Returns true and sets *out.
 */
static bool hole_fit(uint64_t lo, uint64_t hi, uint64_t size, uint64_t align, bool top_down,
		     uint64_t *out)
{
	uint64_t a;

	if (hi <= lo || hi - lo < size)
		return false;
	if (top_down) {
		a = (hi - size) & ~(align - 1);
		if (a < lo)
			return false;
	} else {
		if (__builtin_add_overflow(lo, align - 1, &a))
			return false;
		a &= ~(align - 1);
		if (a > hi || hi - a < size)
			return false;
	}
	*out = a;
	return true;
}

int segments_place(struct segments *s, const struct segment_req *req, struct kexec_log *log,
		   uint64_t *addr)
{
	uint64_t memsz = page_up(req->memsz > req->bufsz ? req->memsz : req->bufsz);
	/* segments are whole pages: a smaller alignment (a bzImage's kernel_alignment may be 32) means 4 KiB */
	uint64_t align = req->align > PAGE_SIZE_4K ? req->align : PAGE_SIZE_4K;
	uint64_t lo = req->min > s->mem_min ? req->min : s->mem_min;
	uint64_t hi = s->mem_max;
	struct rangeset free_mem = RANGESET_INIT;
	bool found = false;
	uint64_t at = 0;
	int r;

	if (req->max && req->max < hi)
		hi = req->max;
	if (align & (align - 1))
		return log_errno(log, -EINVAL, "%s: alignment 0x%" PRIx64 " is not a power of two",
				 req->what, align);
	if (memsz == 0)
		return log_errno(log, -EINVAL, "%s: empty segment", req->what);
	/* free = RAM within [lo, hi) minus the segments placed so far */
	if ((r = rangeset_copy(&free_mem, &s->ram)) < 0 ||
	    (r = rangeset_subtract(&free_mem, 0, lo)) < 0 ||
	    (r = rangeset_subtract(&free_mem, hi, UINT64_MAX)) < 0 ||
	    (r = segments_subtract_from(s, &free_mem)) < 0)
		goto out;
	rangeset_normalize(&free_mem);
	for (size_t k = 0; k < free_mem.n && !found; k++) {
		size_t i = req->top_down ? free_mem.n - 1 - k : k;

		found = hole_fit(free_mem.v[i].start, free_mem.v[i].end, memsz, align, req->top_down, &at);
	}
	if (!found) {
		r = log_errno(log, -ENOMEM,
			      "%s: no free RAM for 0x%" PRIx64 " bytes (alignment 0x%" PRIx64 ") in "
			      "[0x%" PRIx64 ", 0x%" PRIx64 ")%s", req->what, memsz, align, lo, hi,
			      lo >= hi ? ": an empty window (see --mem-min and --mem-max)" : "");
		goto out;
	}
	r = segments_record(s, req->buf, req->bufsz, at, memsz, req->what, req->hash, log);
	if (r == 0 && addr)
		*addr = at;
out:
	rangeset_free(&free_mem);
	return r;
}

int segments_subtract_from(const struct segments *s, struct rangeset *set)
{
	for (size_t i = 0; i < s->n; i++) {
		int r = rangeset_subtract(set, s->v[i].mem, s->v[i].mem + s->v[i].memsz);

		if (r < 0)
			return r;
	}
	return 0;
}

void segments_print(const struct segments *s, FILE *out)
{
	fprintf(out, "segment  %-12s %-18s %-18s %-12s %s\n", "what", "mem", "end", "memsz", "bufsz");
	for (size_t i = 0; i < s->n; i++)
		fprintf(out, "%7zu  %-12s 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%010" PRIx64 " 0x%zx%s\n",
			i, s->v[i].what, s->v[i].mem, s->v[i].mem + s->v[i].memsz, s->v[i].memsz,
			s->v[i].bufsz, s->v[i].hash ? "" : " (not hashed)");
}
