/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "bzimage-fixture.h"
#include "image.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct setup_header *hdr(uint8_t *buf)
{
	return (struct setup_header *)(buf + 0x1f1);
}

static void test_probe_good(void **state)
{
	struct kexec_log log = { 0 };
	uint8_t *b = bzimage_fixture();

	assert_int_equal(bzimage_ops.probe(b, FIX_LEN, "vmlinuz", &log), 0);
	free(b);
}

static void m_magic(struct setup_header *h) { h->header = 0; }
static void m_v205(struct setup_header *h) { h->version = 0x0205; }
static void m_v210(struct setup_header *h) { h->version = 0x020a; }
static void m_xlf(struct setup_header *h) { h->xloadflags = 0; }
static void m_reloc(struct setup_header *h) { h->relocatable_kernel = 0; }
static void m_loadflags(struct setup_header *h) { h->loadflags = 0; }
static void m_align(struct setup_header *h) { h->kernel_alignment = 0x3000; }
static void m_init_size(struct setup_header *h) { h->init_size = 0x1000; }
static void m_sects(struct setup_header *h) { h->setup_sects = 200; }

static void test_probe_errors(void **state)
{
	static const struct {
		void (*mutate)(struct setup_header *h);
		int err;
		const char *msg;
	} cases[] = {
		{ m_magic, IMAGE_NOT_MINE, "" },
		{ m_v205, -ENOEXEC, "vmlinuz: boot protocol 2.05 is too old, need 2.12+" },
		{ m_v210, -ENOEXEC, "vmlinuz: boot protocol 2.10 has no 64-bit entry (xloadflags), need 2.12+" },
		{ m_xlf, -ENOEXEC, "vmlinuz: xloadflags 0x0: no 64-bit entry (XLF_KERNEL_64)" },
		{ m_reloc, -ENOEXEC, "vmlinuz: relocatable_kernel is 0: not a relocatable kernel" },
		{ m_loadflags, -ENOEXEC, "vmlinuz: loadflags 0x0: not a bzImage (LOADED_HIGH clear)" },
		{ m_align, -ENOEXEC, "vmlinuz: kernel_alignment 0x3000 is not a power of two" },
		{ m_init_size, -ENOEXEC, "vmlinuz: init_size 0x1000 is smaller than the kernel (0x10000 bytes)" },
		{ m_sects, -ENOEXEC, "vmlinuz: setup_sects 200: the file (67584 bytes) ends inside the setup code" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kexec_log log = { 0 };
		uint8_t *b = bzimage_fixture();

		cases[i].mutate(hdr(b));
		assert_int_equal(bzimage_ops.probe(b, FIX_LEN, "vmlinuz", &log), cases[i].err);
		assert_string_equal(log.last, cases[i].msg);
		free(b);
	}
}

static void test_probe_truncated(void **state)
{
	struct kexec_log log = { 0 };
	uint8_t *b = bzimage_fixture();

	assert_int_equal(bzimage_ops.probe(b, 0x200, "short", &log), IMAGE_NOT_MINE);
	assert_string_equal(log.last, "");
	/* the header is whole but the body is cut: syssize tells */
	assert_int_equal(bzimage_ops.probe(b, FIX_LEN - 0x1000, "cut", &log), -ENOEXEC);
	assert_string_equal(log.last, "cut: truncated: syssize 0x1000 says 0x10000 bytes after the "
			    "setup code, the file has 0xf000");
	/* up to 15 bytes of rounding are tolerated */
	assert_int_equal(bzimage_ops.probe(b, FIX_LEN - 15, "rounded", &log), 0);
	free(b);
}

static void test_load_places_at_pref_address(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = calloc(1, sizeof(*plan));
	struct rangeset ram = RANGESET_INIT;
	uint8_t *b = bzimage_fixture();
	struct kernel_file k = { "vmlinuz", b, FIX_LEN };

	rangeset_add(&ram, 1 * MiB, 2 * GiB);
	assert_int_equal(segments_init(&plan->segs, &ram, 0, 0), 0);
	assert_int_equal(bzimage_ops.load(&ctx, &k, plan), 0);
	assert_int_equal(plan->segs.n, 1);
	assert_int_equal(plan->segs.v[0].mem, 0x1000000);
	assert_int_equal(plan->segs.v[0].memsz, 0x2000000);        /* init_size */
	assert_int_equal(plan->segs.v[0].bufsz, FIX_BODY);
	assert_ptr_equal(plan->segs.v[0].buf, b + 4 * 512);
	assert_int_equal(plan->entry, 0x1000200);
	assert_int_equal(plan->bp.hdr.version, 0x020f);
	assert_int_equal(plan->bp.hdr.init_size, 0x2000000);
	assert_int_equal(plan->initrd_max, UINT64_MAX);
	assert_int_equal(plan->cmdline_max, 2048);
	segments_free(&plan->segs);
	rangeset_free(&ram);
	free(plan);
	free(b);
}

static void test_load_goes_higher_when_pref_is_taken(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = calloc(1, sizeof(*plan));
	struct rangeset ram = RANGESET_INIT;
	uint8_t *b = bzimage_fixture();
	struct kernel_file k = { "vmlinuz", b, FIX_LEN };

	hdr(b)->xloadflags = XLF_KERNEL_64;     /* below 4 GiB only */
	hdr(b)->initrd_addr_max = 0x37ffffff;
	rangeset_add(&ram, 1 * MiB, 17 * MiB);  /* pref_address 16 MiB: too small there */
	rangeset_add(&ram, 100 * MiB, 200 * MiB);
	assert_int_equal(segments_init(&plan->segs, &ram, 0, 0), 0);
	assert_int_equal(bzimage_ops.load(&ctx, &k, plan), 0);
	assert_int_equal(plan->segs.v[0].mem, 100 * MiB);          /* 2 MiB aligned already */
	assert_int_equal(plan->entry, 100 * MiB + 0x200);
	assert_int_equal(plan->initrd_max, 0x38000000);
	segments_free(&plan->segs);
	rangeset_free(&ram);
	free(plan);
	free(b);
}

/* boot.rst, "setup_sects": 0 means 4, so the kernel starts 5 sectors into the file. */
static void test_setup_sects_zero_means_four(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = calloc(1, sizeof(*plan));
	struct rangeset ram = RANGESET_INIT;
	uint8_t *b = bzimage_fixture();
	struct kernel_file k = { "vmlinuz", b, FIX_LEN };

	hdr(b)->setup_sects = 0;
	hdr(b)->syssize = 0;                    /* the fixture's body is 3 sectors shorter now */
	assert_int_equal(bzimage_ops.probe(b, FIX_LEN, "vmlinuz", &ctx.log), 0);
	rangeset_add(&ram, 1 * MiB, 2 * GiB);
	assert_int_equal(segments_init(&plan->segs, &ram, 0, 0), 0);
	assert_int_equal(bzimage_ops.load(&ctx, &k, plan), 0);
	assert_ptr_equal(plan->segs.v[0].buf, b + 5 * 512);
	assert_int_equal(plan->segs.v[0].bufsz, FIX_LEN - 5 * 512);
	assert_int_equal(plan->bp.hdr.setup_sects, 0);  /* passed on as the file has it */
	segments_free(&plan->segs);
	rangeset_free(&ram);
	free(plan);
	free(b);
}

/*
 * The limits follow the header by the rule the ELF path shares: a
 * bzImage below 4 GiB only that states the vmlinux header's
 * initrd_addr_max and cmdline_size gets the vmlinux's limits exactly
 * (test-elf.c: test_vmlinux_setup_header).
 */
static void test_limits_follow_the_header(void **state)
{
	struct kexec_ctx ctx = { 0 };
	struct load_plan *plan = calloc(1, sizeof(*plan));
	struct rangeset ram = RANGESET_INIT;
	struct setup_header vmlinux = { 0 };
	uint8_t *b = bzimage_fixture();
	struct kernel_file k = { "vmlinuz", b, FIX_LEN };

	setup_header_vmlinux(&vmlinux);
	assert_int_equal(vmlinux.initrd_addr_max, 0xffffffff);
	assert_int_equal(vmlinux.cmdline_size, 2047);
	hdr(b)->xloadflags = XLF_KERNEL_64;     /* below 4 GiB only */
	hdr(b)->initrd_addr_max = vmlinux.initrd_addr_max;
	hdr(b)->cmdline_size = vmlinux.cmdline_size;
	rangeset_add(&ram, 1 * MiB, 2 * GiB);
	assert_int_equal(segments_init(&plan->segs, &ram, 0, 0), 0);
	assert_int_equal(bzimage_ops.load(&ctx, &k, plan), 0);
	assert_int_equal(plan->initrd_max, 0x100000000);
	assert_int_equal(plan->cmdline_max, 2048);
	/* the fixture's own header is a bzImage's: magic, flag and alignment as a vmlinux gets them */
	assert_int_equal(plan->bp.hdr.header, vmlinux.header);
	assert_int_equal(plan->bp.hdr.boot_flag, vmlinux.boot_flag);
	assert_int_equal(plan->bp.hdr.version, vmlinux.version);
	assert_int_equal(plan->bp.hdr.kernel_alignment, vmlinux.kernel_alignment);
	segments_free(&plan->segs);
	rangeset_free(&ram);
	free(plan);
	free(b);
}

/* Debian's own kernel, when the machine has one we can read. */
static void test_probe_real_kernel(void **state)
{
	glob_t g;
	struct kexec_log log = { 0 };
	uint8_t *buf;
	size_t len;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0) {
		skip();
		return;
	}
	if (file_read(g.gl_pathv[0], true, 512u << 20, &buf, &len, &log) < 0) {
		globfree(&g);
		skip();
		return;
	}
	assert_int_equal(bzimage_ops.probe(buf, len, g.gl_pathv[0], &log), 0);
	free(buf);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_good),
		cmocka_unit_test(test_probe_errors),
		cmocka_unit_test(test_probe_truncated),
		cmocka_unit_test(test_load_places_at_pref_address),
		cmocka_unit_test(test_load_goes_higher_when_pref_is_taken),
		cmocka_unit_test(test_setup_sects_zero_means_four),
		cmocka_unit_test(test_limits_follow_the_header),
		cmocka_unit_test(test_probe_real_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
