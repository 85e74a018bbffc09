/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/segments.c kexec/image-bzimage.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: bzimage_ops.probe over arbitrary bytes and, when the
 * probe accepts them, a load into a plan over a fake RAM map.
 */
#include <errno.h>
#include "fuzz-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_ctx ctx = { .log = { 0 } };
	struct kernel_file k = { .path = "fuzz.bzImage", .buf = (uint8_t *)(uintptr_t)data, .len = size };
	struct load_plan *plan;
	int r;

	r = bzimage_ops.probe(data, size, k.path, &ctx.log);
	if (r == IMAGE_NOT_MINE || r < 0) {
		/* not a bzImage: quiet; a bzImage but unusable: one message */
		if ((r == IMAGE_NOT_MINE) != !ctx.log.last[0])
			fuzz_trap();
		return 0;
	}
	plan = fuzz_plan_new();
	if (!plan)
		return 0;
	r = bzimage_ops.load(&ctx, &k, plan);
	if (r < 0) {
		if (!ctx.log.last[0])
			fuzz_trap();
		goto out;
	}
	/* one segment, the kernel; its entry is inside it */
	if (plan->segs.n != 1 || !fuzz_check_segments(plan, data, size))
		fuzz_trap();
out:
	fuzz_plan_free(plan);
	return 0;
}
