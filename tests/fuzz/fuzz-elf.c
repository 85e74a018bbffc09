/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/segments.c kexec/image-elf.c kexec/image-bzimage.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: elf64_ops.probe over arbitrary bytes and, when the
 * probe accepts them, a load into a plan whose segments sit over a fake
 * RAM map.  What must hold whatever the input is checked with a trap.
 */
#include <errno.h>
#include <string.h>
#include "fuzz-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_ctx ctx = { .log = { 0 } };
	struct kernel_file k = { .path = "fuzz.elf", .buf = (uint8_t *)(uintptr_t)data, .len = size };
	struct load_plan *plan;
	struct setup_header vmlinux = { 0 };
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
	if (!plan->segs.n || !fuzz_check_segments(plan, data, size))
		fuzz_trap();
	/* whatever the input, the new kernel gets the vmlinux header and its limits */
	setup_header_vmlinux(&vmlinux);
	if (memcmp(&plan->bp.hdr, &vmlinux, sizeof(vmlinux)) != 0 ||
	    plan->initrd_max != (uint64_t)vmlinux.initrd_addr_max + 1 ||
	    plan->cmdline_max != vmlinux.cmdline_size + 1u)
		fuzz_trap();
out:
	fuzz_plan_free(plan);
	return 0;
}
