/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include <stdio.h>
#include <stdlib.h>
#include "bootparams.h"
#include "memmap.h"
#include "sysroot.h"
#include "bzimage-fixture.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* n alternating RAM/reserved entries of 1 MiB from 1 MiB, then RAM up to 2 GiB */
static void make_map(struct memmap *m, size_t n)
{
	m->n = n;
	m->v = calloc(n, sizeof(*m->v));
	for (size_t i = 0; i + 1 < n; i++)
		m->v[i] = (struct memmap_entry){ (1 + i) * MiB, (2 + i) * MiB,
						 i % 2 ? E820_TYPE_RESERVED : E820_TYPE_RAM };
	m->v[n - 1] = (struct memmap_entry){ n * MiB, 2 * GiB, E820_TYPE_RAM };
}

static struct load_plan *plan_new(void)
{
	struct load_plan *plan = calloc(1, sizeof(*plan));
	struct rangeset ram = RANGESET_INIT;
	struct kexec_ctx ctx = { 0 };
	uint8_t *b = bzimage_fixture();
	struct kernel_file k = { "vmlinuz", b, FIX_LEN };

	rangeset_add(&ram, 1 * MiB, 2 * GiB);
	assert_int_equal(segments_init(&plan->segs, &ram, 0, 0), 0);
	assert_int_equal(bzimage_ops.load(&ctx, &k, plan), 0);
	rangeset_free(&ram);
	free(b);        /* the kernel segment's buffer is not read below */
	return plan;
}

static void test_e820_ext_and_chain(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = plan_new();
	struct memmap map;
	struct bootparams_blob blob;

	make_map(&map, 131);
	struct bootparams_input in = { .cmdline = "console=ttyS0 stage=2", .initrd_addr = 0x7000000,
				       .initrd_size = 0x123456, .e820 = &map, .report_slot = true };
	assert_int_equal(bootparams_build(&ctx, plan, &in, NULL, &blob), 0);

	struct boot_params *bp = (struct boot_params *)blob.buf;
	assert_int_equal(bp->e820_entries, 128);
	assert_int_equal(blob.e820_entries, 131);
	assert_int_equal(bp->e820_table[1].addr, 2 * MiB);
	assert_int_equal(bp->e820_table[1].type, E820_TYPE_RESERVED);
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.ramdisk_image, 0x7000000);
	assert_int_equal(bp->hdr.ramdisk_size, 0x123456);
	assert_int_equal(bp->ext_ramdisk_image, 0);
	/* the command line follows the zero page */
	assert_int_equal(bp->hdr.cmd_line_ptr, blob.addr + 4096);
	assert_string_equal((char *)blob.buf + 4096, "console=ttyS0 stage=2");
	/* the blob is the top page(s) below 2 GiB, and a segment */
	assert_int_equal(plan->segs.n, 2);
	assert_int_equal(plan->segs.v[1].mem, blob.addr);
	assert_int_equal(blob.addr + plan->segs.v[1].memsz, 2 * GiB);

	/* walk the setup_data chain: E820_EXT with the 3 extra entries, then the report slot */
	uint64_t next = bp->hdr.setup_data;
	struct setup_data *sd = (struct setup_data *)(blob.buf + (next - blob.addr));
	assert_int_equal(sd->type, SETUP_E820_EXT);
	assert_int_equal(sd->len, 3 * sizeof(struct boot_e820_entry));
	struct boot_e820_entry e;
	memcpy(&e, sd->data + 2 * sizeof(e), sizeof(e));
	assert_int_equal(e.addr, 131 * MiB);
	assert_int_equal(e.size, 2 * GiB - 131 * MiB);
	assert_int_equal(e.type, E820_TYPE_RAM);
	sd = (struct setup_data *)(blob.buf + (sd->next - blob.addr));
	assert_int_equal(sd->type, KTDX_SETUP_TYPE);
	assert_int_equal(sd->len, sizeof(struct ktdx_report));
	assert_int_equal(blob.report_addr, blob.addr + ((uint8_t *)sd->data - blob.buf));
	assert_int_equal(sd->next, 0);

	bootparams_blob_free(&blob);
	free(map.v);
	segments_free(&plan->segs);
	free(plan);
}

static void test_small_map_no_ext(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = plan_new();
	struct memmap map;
	struct bootparams_blob blob;

	make_map(&map, 5);
	struct bootparams_input in = { .e820 = &map };
	assert_int_equal(bootparams_build(&ctx, plan, &in, NULL, &blob), 0);
	struct boot_params *bp = (struct boot_params *)blob.buf;
	assert_int_equal(bp->e820_entries, 5);
	assert_int_equal(bp->hdr.setup_data, 0);
	assert_int_equal(blob.report_addr, 0);
	assert_string_equal((char *)blob.buf + 4096, "");
	bootparams_blob_free(&blob);
	free(map.v);
	segments_free(&plan->segs);
	free(plan);
}

/*
 * The firmware map of a real two-socket 1 TiB server (tests/fixtures/
 * big-1tib-2s, its README cites the source): 137 entries, so 128 in the
 * zero page and 9 in a SETUP_E820_EXT setup_data, in address order.
 */
static void test_real_1tib_map(void **state)
{
	const char *top = getenv("abs_top_srcdir");
	char dir[4096];
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = plan_new();
	struct sysroot *sr;
	struct memmap map = { 0 };
	struct bootparams_blob blob;
	struct boot_e820_entry e;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/big-1tib-2s", top ? top : "..");
	assert_int_equal(sysroot_open(dir, &sr), 0);
	assert_int_equal(memmap_read(sr, &ctx.log, &map), 0);
	assert_int_equal(map.n, 137);
	struct bootparams_input in = { .cmdline = "", .e820 = &map };
	assert_int_equal(bootparams_build(&ctx, plan, &in, NULL, &blob), 0);

	struct boot_params *bp = (struct boot_params *)blob.buf;
	assert_int_equal(bp->e820_entries, 128);
	assert_int_equal(blob.e820_entries, 137);
	assert_int_equal(bp->e820_table[0].addr, 0);
	assert_int_equal(bp->e820_table[0].size, 0x9e000);
	assert_int_equal(bp->e820_table[0].type, E820_TYPE_RAM);
	assert_int_equal(bp->e820_table[127].addr, 0x4000200000);
	assert_int_equal(bp->e820_table[127].size, 0x5fffffffff - 0x4000200000 + 1);
	assert_int_equal(bp->e820_table[127].type, E820_TYPE_RAM);

	struct setup_data *sd = (struct setup_data *)(blob.buf + (bp->hdr.setup_data - blob.addr));
	assert_int_equal(sd->type, SETUP_E820_EXT);
	assert_int_equal(sd->len, 9 * sizeof(e));
	memcpy(&e, sd->data, sizeof(e));
	assert_int_equal(e.addr, 0x6000000000);
	assert_int_equal(e.size, 0x200000);
	assert_int_equal(e.type, E820_TYPE_RESERVED);
	memcpy(&e, sd->data + 8 * sizeof(e), sizeof(e));
	assert_int_equal(e.addr, 0x10040000000);
	assert_int_equal(e.size, 0x40000000);
	assert_int_equal(e.type, E820_TYPE_RESERVED);

	bootparams_blob_free(&blob);
	memmap_free(&map);
	sysroot_free(sr);
	segments_free(&plan->segs);
	free(plan);
}

static void test_cmdline_too_long(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = plan_new();
	struct memmap map;
	struct bootparams_blob blob;
	char *cmd = malloc(3000);

	memset(cmd, 'x', 2999);
	cmd[2999] = 0;
	make_map(&map, 2);
	struct bootparams_input in = { .cmdline = cmd, .e820 = &map };
	assert_int_equal(bootparams_build(&ctx, plan, &in, NULL, &blob), -E2BIG);
	assert_string_equal(ctx.log.last,
			    "command line: 2999 bytes, the kernel accepts at most 2047 (cmdline_size)");
	free(cmd);
	free(map.v);
	segments_free(&plan->segs);
	free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e820_ext_and_chain),
		cmocka_unit_test(test_small_map_no_ext),
		cmocka_unit_test(test_real_1tib_map),
		cmocka_unit_test(test_cmdline_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
