/* fuzz-sources: kexec/log.c kexec/range.c kexec/segments.c kexec/image-elf.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: elf64_ops.probe over arbitrary bytes and, when the
 * probe accepts them, a load into a plan whose segments sit over a fake
 * RAM map.  What must hold whatever the input is checked with a trap.
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
	struct kernel_file k = { .path = "fuzz.elf", .buf = (uint8_t *)(uintptr_t)data, .len = size };
	struct rangeset ram = RANGESET_INIT;
	struct load_plan *plan;
	volatile uint8_t sink = 0;
	bool entry_ok = false;
	int r;

	r = elf64_ops.probe(data, size, k.path, &ctx.log);
	if (r < 0) {
		/* not ELF: quiet; ELF but unusable: one message */
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
	r = elf64_ops.load(&ctx, &k, plan);
	if (r < 0) {
		if (!ctx.log.last[0] || plan->segs.n)
			fuzz_trap();
		goto out;
	}
	if (!plan->segs.n || !plan->linux_boot || plan->has_setup_header)
		fuzz_trap();
	for (size_t i = 0; i < plan->segs.n; i++) {
		const struct segment *s = &plan->segs.v[i];
		const uint8_t *b = s->buf;

		if ((s->mem | s->memsz) & (PAGE_SIZE_4K - 1) || s->bufsz > s->memsz)
			fuzz_trap();
		if (b && (b < data || s->bufsz > size || (size_t)(b - data) > size - s->bufsz))
			fuzz_trap();
		for (size_t j = 0; b && j < s->bufsz; j += 512)
			sink ^= b[j];   /* ASan checks the segment really lies in the input */
		if (b && s->bufsz)
			sink ^= b[s->bufsz - 1];
		if (plan->entry >= s->mem && plan->entry - s->mem < s->memsz)
			entry_ok = true;
		if (s->mem < plan->kernel_start || s->mem + s->memsz > plan->kernel_end)
			fuzz_trap();
	}
	if (!entry_ok)
		fuzz_trap();
out:
	(void)sink;
	segments_free(&plan->segs);
	rangeset_free(&ram);
	free(plan);
	return 0;
}
