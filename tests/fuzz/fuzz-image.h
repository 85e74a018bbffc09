/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What fuzz-bzimage.c and fuzz-elf.c share: a load plan over fake RAM
 * ([1 MiB, 2 GiB) and [4 GiB, 64 GiB)) and the checks every loaded
 * segment must pass whatever the input.
 */
#ifndef KEXEC_TDX_FUZZ_IMAGE_H
#define KEXEC_TDX_FUZZ_IMAGE_H

#include <stdbool.h>
#include "fuzz.h"
#include "image.h"

/* A zeroed plan whose segments may go anywhere in the fake RAM; NULL when out of memory. */
static inline struct load_plan *fuzz_plan_new(void)
{
	struct rangeset ram = RANGESET_INIT;
	struct load_plan *plan = calloc(1, sizeof(*plan));
	bool ok = plan && rangeset_add(&ram, 1ULL << 20, 2ULL << 30) == 0 &&
		  rangeset_add(&ram, 4ULL << 30, 64ULL << 30) == 0 &&
		  segments_init(&plan->segs, &ram, 1ULL << 20, 0) == 0;

	rangeset_free(&ram);
	if (!ok && plan) {
		segments_free(&plan->segs);
		free(plan);
		plan = NULL;
	}
	return plan;
}

static inline void fuzz_plan_free(struct load_plan *plan)
{
	segments_free(&plan->segs);
	free(plan);
}

/*
 * Every segment is whole pages, holds no more data than memory, and its
 * data lies inside the input (ASan checks the bytes read).  Returns
 * whether the entry point lies in one of the segments.
 */
static inline bool fuzz_check_segments(const struct load_plan *plan, const uint8_t *data, size_t size)
{
	volatile uint8_t sink = 0;
	bool entry_ok = false;

	for (size_t i = 0; i < plan->segs.n; i++) {
		const struct segment *s = &plan->segs.v[i];
		const uint8_t *b = s->buf;

		if ((s->mem | s->memsz) & (PAGE_SIZE_4K - 1) || s->bufsz > s->memsz)
			fuzz_trap();
		if (b && (b < data || s->bufsz > size || (size_t)(b - data) > size - s->bufsz))
			fuzz_trap();
		for (size_t j = 0; b && j < s->bufsz; j += 512)
			sink ^= b[j];
		if (b && s->bufsz)
			sink ^= b[s->bufsz - 1];
		if (plan->entry >= s->mem && plan->entry - s->mem < s->memsz)
			entry_ok = true;
	}
	(void)sink;
	return entry_ok;
}

#endif
