/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "segments.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct kexec_log quiet;

/* RAM like a small VM: [1 MiB, 2 GiB - 128 KiB) and [4 GiB, 6 GiB) */
static void init(struct segments *s, uint64_t min, uint64_t max)
{
	struct rangeset ram = RANGESET_INIT;

	rangeset_add(&ram, 1 * MiB, 2 * GiB - 128 * 1024);
	rangeset_add(&ram, 4 * GiB, 6 * GiB);
	assert_int_equal(segments_init(s, &ram, min, max), 0);
	rangeset_free(&ram);
}

static void test_place_bottom_up_aligned(void **state)
{
	struct segments s;
	uint64_t a, b;
	struct segment_req k = { .bufsz = 10 * MiB, .memsz = 40 * MiB, .align = 2 * MiB,
				 .min = 16 * MiB, .max = 4 * GiB, .what = "kernel" };
	struct segment_req k2 = k;

	init(&s, 0, 0);
	assert_int_equal(segments_place(&s, &k, &quiet, &a), 0);
	assert_int_equal(a, 16 * MiB);
	assert_int_equal(s.v[0].memsz, 40 * MiB);
	k2.what = "second";
	assert_int_equal(segments_place(&s, &k2, &quiet, &b), 0);
	assert_int_equal(b, 56 * MiB);
	segments_free(&s);
}

/* found by fuzz-bzimage: kernel_alignment 0x20 and an unaligned pref_address */
static void test_place_small_alignment_is_a_page(void **state)
{
	struct segments s;
	uint64_t a;
	struct segment_req k = { .bufsz = 514, .memsz = 0x10000002, .align = 0x20,
				 .min = 0x100005d00, .what = "kernel" };

	init(&s, 0, 0);
	assert_int_equal(segments_place(&s, &k, &quiet, &a), 0);
	assert_int_equal(a, 0x100006000);
	assert_int_equal(s.v[0].mem, 0x100006000);
	assert_int_equal(s.v[0].memsz, 0x10001000);
	segments_free(&s);
}

static void test_place_top_down_below_limit(void **state)
{
	struct segments s;
	uint64_t a;
	struct segment_req r = { .bufsz = 5000, .align = 4096, .min = MiB, .max = 1ULL << 32,
				 .top_down = true, .what = "bootparams" };

	init(&s, 0, 0);
	assert_int_equal(segments_place(&s, &r, &quiet, &a), 0);
	/* 8 KiB (two pages) ending at the top of low RAM */
	assert_int_equal(a, 2 * GiB - 128 * 1024 - 8192);
	assert_int_equal(s.v[0].memsz, 8192);
	segments_free(&s);
}

static void test_place_respects_mem_max_and_reports(void **state)
{
	struct segments s;
	uint64_t a;
	struct segment_req r = { .bufsz = 3 * GiB, .align = 4096, .what = "initrd", .top_down = true };

	init(&s, 0, 0);
	assert_int_equal(segments_place(&s, &r, &quiet, &a), -ENOMEM);
	assert_string_equal(quiet.last,
			    "initrd: no free RAM for 0xc0000000 bytes (alignment 0x1000) in "
			    "[0x0, 0xffffffffffffffff)");
	segments_free(&s);

	init(&s, 0, 5 * GiB);
	r.bufsz = 512 * MiB;
	assert_int_equal(segments_place(&s, &r, &quiet, &a), 0);
	assert_int_equal(a, 5 * GiB - 512 * MiB);
	segments_free(&s);
}

static void test_fixed_checks(void **state)
{
	struct segments s;

	init(&s, 2 * MiB, 0);
	assert_int_equal(segments_add_fixed(&s, NULL, 0, 16 * MiB, 4096, "a", true, &quiet), 0);
	assert_int_equal(segments_add_fixed(&s, NULL, 0, 16 * MiB + 4096 - 4096, 8192, "b", true, &quiet),
			 -EBUSY);
	assert_string_equal(quiet.last, "b: [0x1000000, 0x1002000) overlaps a at [0x1000000, 0x1001000)");
	assert_int_equal(segments_add_fixed(&s, NULL, 0, 1 * MiB, 4096, "low", true, &quiet), -ERANGE);
	assert_int_equal(segments_add_fixed(&s, NULL, 0, 3 * GiB, 4096, "hole", true, &quiet),
			 -EADDRNOTAVAIL);
	assert_string_equal(quiet.last, "hole: [0xc0000000, 0xc0001000) is not in usable RAM");
	assert_int_equal(segments_add_fixed(&s, NULL, 0, 16 * MiB + 1, 4096, "odd", true, &quiet),
			 -EINVAL);
	/* a placed segment avoids the fixed one */
	uint64_t a;
	struct segment_req r = { .bufsz = 4096, .min = 16 * MiB, .what = "next" };
	assert_int_equal(segments_place(&s, &r, &quiet, &a), 0);
	assert_int_equal(a, 16 * MiB + 4096);
	segments_free(&s);
}

static void test_segment_limit(void **state)
{
	struct segments s;
	uint64_t a;
	struct segment_req r = { .bufsz = 4096, .what = "many" };

	init(&s, 0, 0);
	for (int i = 0; i < KEXEC_MAX_SEGMENTS; i++)
		assert_int_equal(segments_place(&s, &r, &quiet, &a), 0);
	assert_int_equal(segments_place(&s, &r, &quiet, &a), -E2BIG);
	segments_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_place_bottom_up_aligned),
		cmocka_unit_test(test_place_small_alignment_is_a_page),
		cmocka_unit_test(test_place_top_down_below_limit),
		cmocka_unit_test(test_place_respects_mem_max_and_reports),
		cmocka_unit_test(test_fixed_checks),
		cmocka_unit_test(test_segment_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
