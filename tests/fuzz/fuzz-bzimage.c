/* fuzz-sources: kexec/log.c kexec/range.c kexec/segments.c kexec/image-bzimage.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: bzimage_ops.probe over arbitrary bytes and, when the
 * probe accepts them, a load into a plan over a fake RAM map.
 */
#include "fuzz.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "image.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_ctx ctx = { .log = { 0 } };
	struct kernel_file k = { .path = "fuzz.bzImage", .buf = (uint8_t *)(uintptr_t)data, .len = size };
	struct rangeset ram = RANGESET_INIT;
	struct load_plan *plan;
	volatile uint8_t sink = 0;
	int r;

	r = bzimage_ops.probe(data, size, k.path, &ctx.log);
	if (r < 0) {
		if (r != -ENOEXEC && !ctx.log.last[0])
			fuzz_trap();
		return 0;
	}
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return 0;
	if (rangeset_add(&ram, 1 * MiB, 2 * GiB) < 0 || rangeset_add(&ram, 4 * GiB, 64 * GiB) < 0 ||
	    segments_init(&plan->segs, &ram, 1 * MiB, 0) < 0)
		goto out;
	r = bzimage_ops.load(&ctx, &k, plan);
	if (r < 0) {
		if (!ctx.log.last[0])
			fuzz_trap();
		goto out;
	}
	for (size_t i = 0; i < plan->segs.n; i++) {
		const struct segment *s = &plan->segs.v[i];
		const uint8_t *b = s->buf;

		if (s->mem & (PAGE_SIZE_4K - 1) || s->bufsz > s->memsz)
			fuzz_trap();
		if (b && (b < data || s->bufsz > size || (size_t)(b - data) > size - s->bufsz))
			fuzz_trap();
		if (b && s->bufsz)
			sink ^= b[s->bufsz - 1];
	}
	if (plan->entry < plan->kernel_start || plan->entry >= plan->kernel_end)
		fuzz_trap();
out:
	(void)sink;
	segments_free(&plan->segs);
	rangeset_free(&ram);
	free(plan);
	return 0;
}
