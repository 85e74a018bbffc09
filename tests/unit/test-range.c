/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>
#include "range.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static void check(const struct rangeset *s, const struct range *want, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s->v[i].start, want[i].start);
		assert_int_equal(s->v[i].end, want[i].end);
	}
}

static void test_normalize_merges_overlap_and_adjacency(void **state)
{
	struct rangeset s = RANGESET_INIT;
	static const struct range want[] = { { 0, 3 * MiB }, { 4 * MiB, 5 * MiB } };

	assert_int_equal(rangeset_add(&s, 2 * MiB, 3 * MiB), 0);
	assert_int_equal(rangeset_add(&s, 4 * MiB, 5 * MiB), 0);
	assert_int_equal(rangeset_add(&s, 0, 1 * MiB), 0);
	assert_int_equal(rangeset_add(&s, 1 * MiB, 2 * MiB + 5), 0);     /* adjacent + overlap */
	assert_int_equal(rangeset_add(&s, 7, 7), 0);                     /* empty: ignored */
	assert_int_equal(rangeset_add(&s, 9, 8), -ERANGE);
	rangeset_normalize(&s);
	check(&s, want, 2);
	assert_int_equal(rangeset_bytes(&s), 4 * MiB);
	rangeset_free(&s);
}

static void test_subtract_cases(void **state)
{
	static const struct {
		uint64_t s, e;          /* subtract */
		struct range want[3];
		size_t n;
	} cases[] = {
		{ 0, 1 * MiB, { { 1 * MiB, 4 * MiB } }, 1 },                              /* head */
		{ 3 * MiB, 9 * MiB, { { 1 * MiB, 3 * MiB } }, 1 },                        /* tail past end */
		{ 2 * MiB, 3 * MiB, { { 1 * MiB, 2 * MiB }, { 3 * MiB, 4 * MiB } }, 2 },  /* split */
		{ 0, 8 * MiB, { { 0, 0 } }, 0 },                                         /* swallow */
		{ 4 * MiB, 5 * MiB, { { 1 * MiB, 4 * MiB } }, 1 },                        /* touching: nothing */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rangeset s = RANGESET_INIT;

		assert_int_equal(rangeset_add(&s, 1 * MiB, 4 * MiB), 0);
		assert_int_equal(rangeset_subtract(&s, cases[i].s, cases[i].e), 0);
		rangeset_normalize(&s);
		check(&s, cases[i].want, cases[i].n);
		rangeset_free(&s);
	}
}

/* A whole set out of another: a split, a trim at each end, one range gone. */
static void test_subtract_set(void **state)
{
	struct rangeset s = RANGESET_INIT, minus = RANGESET_INIT;
	static const struct range want[] = {
		{ 0x1000, 0x2000 }, { 0x3000, 0x5000 }, { 0x20000, 0x28000 },
	};

	assert_int_equal(rangeset_add(&s, 0x1000, 0x5000), 0);
	assert_int_equal(rangeset_add(&s, 0x10000, 0x18000), 0);
	assert_int_equal(rangeset_add(&s, 0x20000, 0x30000), 0);
	assert_int_equal(rangeset_add(&minus, 0x2000, 0x3000), 0);     /* split */
	assert_int_equal(rangeset_add(&minus, 0x28000, 0x40000), 0);   /* tail */
	assert_int_equal(rangeset_add(&minus, 0xf000, 0x19000), 0);    /* all of one */
	assert_int_equal(rangeset_subtract_set(&s, &minus), 0);
	rangeset_normalize(&s);
	check(&s, want, sizeof(want) / sizeof(want[0]));
	rangeset_free(&s);
	rangeset_free(&minus);
}

static void test_intersect_above_4g(void **state)
{
	struct rangeset a = RANGESET_INIT, b = RANGESET_INIT;
	static const struct range want[] = { { 1 * MiB, 2 * GiB }, { 4 * GiB, 6 * GiB } };

	rangeset_add(&a, 0, 2 * GiB);
	rangeset_add(&a, 4 * GiB, 8 * GiB);
	rangeset_add(&b, 1 * MiB, 6 * GiB);
	assert_int_equal(rangeset_intersect(&a, &b), 0);
	check(&a, want, 2);
	assert_true(rangeset_overlaps(&a, 6 * GiB - 1, 6 * GiB));
	assert_false(rangeset_overlaps(&a, 6 * GiB, 7 * GiB));
	rangeset_free(&a);
	rangeset_free(&b);
}

static void test_align_inward(void **state)
{
	struct rangeset s = RANGESET_INIT;
	static const struct range want[] = { { 0x1000, 0x3000 } };

	rangeset_add(&s, 0x0fff, 0x3fff);
	rangeset_add(&s, 0x5001, 0x5fff);       /* vanishes */
	rangeset_align_inward(&s, 0x1000);
	check(&s, want, 1);
	rangeset_free(&s);
}

static void test_print_styles(void **state)
{
	struct rangeset s = RANGESET_INIT;
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(rangeset_add(&s, MiB, 0x6d8f0000), 0);
	assert_int_equal(rangeset_add(&s, 0x777ff000, 0x77800000), 0);
	rangeset_print(out, &s, "  ", RANGE_FIXED);
	rangeset_print(out, &s, "    ", RANGE_SIZED);
	fclose(out);
	assert_string_equal(text,
			    "  [0x0000000000100000, 0x000000006d8f0000)\n"
			    "  [0x00000000777ff000, 0x0000000077800000)\n"
			    "    [0x100000, 0x6d8f0000)  1.7 GiB\n"
			    "    [0x777ff000, 0x77800000)  4.0 KiB\n");
	free(text);
	rangeset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_merges_overlap_and_adjacency),
		cmocka_unit_test(test_subtract_cases),
		cmocka_unit_test(test_subtract_set),
		cmocka_unit_test(test_intersect_above_4g),
		cmocka_unit_test(test_align_inward),
		cmocka_unit_test(test_print_styles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
