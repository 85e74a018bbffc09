/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/segments.c kexec/image-elf.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: elf64_ops.probe over arbitrary bytes and, when the
 * probe accepts them, a load into a plan whose segments sit over a fake
 * RAM map.  What must hold whatever the input is checked with a trap.
 */
#include <errno.h>
#include "fuzz-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_ctx ctx = { .log = { 0 } };
	struct kernel_file k = { .path = "fuzz.elf", .buf = (uint8_t *)(uintptr_t)data, .len = size };
	struct load_plan *plan;
	int r;

	r = elf64_ops.probe(data, size, k.path, &ctx.log);
	if (r == IMAGE_NOT_MINE || r < 0) {
		/* not ELF: quiet; ELF but unusable: one message */
		if ((r == IMAGE_NOT_MINE) != !ctx.log.last[0])
			fuzz_trap();
		return 0;
	}
	plan = fuzz_plan_new();
	if (!plan)
		return 0;
	r = elf64_ops.load(&ctx, &k, plan);
	if (r < 0) {
		if (!ctx.log.last[0] || plan->segs.n)
			fuzz_trap();
		goto out;
	}
	if (!plan->segs.n || !plan->linux_boot || plan->has_setup_header)
		fuzz_trap();
	if (!fuzz_check_segments(plan, data, size))
		fuzz_trap();
	for (size_t i = 0; i < plan->segs.n; i++) {
		const struct segment *s = &plan->segs.v[i];

		if (s->mem < plan->kernel_start || s->mem + s->memsz > plan->kernel_end)
			fuzz_trap();
	}
out:
	fuzz_plan_free(plan);
	return 0;
}
