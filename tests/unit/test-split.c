/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * purgatory/split.c: the clear list shared among CPUs.  Exact shares for
 * hand-computed cases, then for many lists and CPU counts: every page is
 * handed out exactly once, in order, inside the list, cut on 4 KiB (and
 * so 64-byte) boundaries, and two shares differ by at most one page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include "split.h"

#define K4 0x1000ull
#define M1 0x100000ull
#define G1 0x40000000ull

#define MAXR 8
#define MAXP 8

struct split_case {
	const char *name;
	uint32_t n;
	struct ktdx_range list[MAXR];
	uint32_t ncpus, cpu;
	uint64_t max_pages;
	uint32_t npieces;
	struct ktdx_range pieces[MAXP];     /* what split_next hands out, in order */
};

static const struct split_case cases[] = {
	{ "one range, one cpu", 1, { { M1, 2 * M1 } }, 1, 0, 0,
	  1, { { M1, 2 * M1 } } },
	{ "one range, two halves: first", 1, { { M1, 2 * M1 } }, 2, 0, 0,
	  1, { { M1, M1 + M1 / 2 } } },
	{ "one range, two halves: second", 1, { { M1, 2 * M1 } }, 2, 1, 0,
	  1, { { M1 + M1 / 2, 2 * M1 } } },
	/* 3 pages over 2 cpus: 1 and 2 pages */
	{ "odd pages, cpu 0", 1, { { M1, M1 + 3 * K4 } }, 2, 0, 0,
	  1, { { M1, M1 + K4 } } },
	{ "odd pages, cpu 1", 1, { { M1, M1 + 3 * K4 } }, 2, 1, 0,
	  1, { { M1 + K4, M1 + 3 * K4 } } },
	/* 2 + 5 + 1 = 8 pages over 3 cpus: 2, 3, 3 pages; cpu 1 spans a gap */
	{ "uneven ranges, cpu 0", 3,
	  { { M1, M1 + 2 * K4 }, { 4 * M1, 4 * M1 + 5 * K4 }, { G1, G1 + K4 } }, 3, 0, 0,
	  1, { { M1, M1 + 2 * K4 } } },
	{ "uneven ranges, cpu 1", 3,
	  { { M1, M1 + 2 * K4 }, { 4 * M1, 4 * M1 + 5 * K4 }, { G1, G1 + K4 } }, 3, 1, 0,
	  1, { { 4 * M1, 4 * M1 + 3 * K4 } } },
	{ "uneven ranges, cpu 2", 3,
	  { { M1, M1 + 2 * K4 }, { 4 * M1, 4 * M1 + 5 * K4 }, { G1, G1 + K4 } }, 3, 2, 0,
	  2, { { 4 * M1 + 3 * K4, 4 * M1 + 5 * K4 }, { G1, G1 + K4 } } },
	/* 2 pages, 4 cpus: pages go to cpus 1 and 3, cpus 0 and 2 get nothing */
	{ "more cpus than pages, cpu 0", 1, { { M1, M1 + 2 * K4 } }, 4, 0, 0, 0, { { 0, 0 } } },
	{ "more cpus than pages, cpu 1", 1, { { M1, M1 + 2 * K4 } }, 4, 1, 0,
	  1, { { M1, M1 + K4 } } },
	{ "more cpus than pages, cpu 2", 1, { { M1, M1 + 2 * K4 } }, 4, 2, 0, 0, { { 0, 0 } } },
	{ "more cpus than pages, cpu 3", 1, { { M1, M1 + 2 * K4 } }, 4, 3, 0,
	  1, { { M1 + K4, M1 + 2 * K4 } } },
	{ "empty list", 0, { { 0, 0 } }, 4, 2, 0, 0, { { 0, 0 } } },
	{ "empty ranges skipped", 3, { { M1, M1 }, { 2 * M1, 2 * M1 + K4 }, { 3 * M1, 3 * M1 } },
	  1, 0, 0, 1, { { 2 * M1, 2 * M1 + K4 } } },
	/* pieces of at most 3 pages: 7 pages of cpu 1 of 2 (pages 7..14 of 14) */
	{ "pieces", 2, { { M1, M1 + 10 * K4 }, { 8 * M1, 8 * M1 + 4 * K4 } }, 2, 1, 3,
	  3, { { M1 + 7 * K4, M1 + 10 * K4 }, { 8 * M1, 8 * M1 + 3 * K4 },
	       { 8 * M1 + 3 * K4, 8 * M1 + 4 * K4 } } },
	/* 4 GiB + 4 KiB over 2: the extra page goes to cpu 1 */
	{ "4 GiB and a page, cpu 0", 1, { { 4 * G1, 8 * G1 + K4 } }, 2, 0, 0,
	  1, { { 4 * G1, 6 * G1 } } },
	{ "4 GiB and a page, cpu 1", 1, { { 4 * G1, 8 * G1 + K4 } }, 2, 1, 0,
	  1, { { 6 * G1, 8 * G1 + K4 } } },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct split_case *t = &cases[c];
		uint64_t first, end;
		struct split_iter it;
		struct ktdx_range out;
		uint32_t got = 0;

		split_share(split_total_pages(t->list, t->n), t->ncpus, t->cpu, &first, &end);
		split_iter_init(&it, t->list, t->n, first, end);
		while (split_next(&it, t->max_pages, &out)) {
			if (got >= t->npieces)
				fail_msg("%s: piece %u [%#llx, %#llx) beyond the %u expected", t->name,
					 got, (unsigned long long)out.start,
					 (unsigned long long)out.end, t->npieces);
			if (out.start != t->pieces[got].start || out.end != t->pieces[got].end)
				fail_msg("%s: piece %u is [%#llx, %#llx), expected [%#llx, %#llx)",
					 t->name, got, (unsigned long long)out.start,
					 (unsigned long long)out.end,
					 (unsigned long long)t->pieces[got].start,
					 (unsigned long long)t->pieces[got].end);
			got++;
		}
		if (got != t->npieces)
			fail_msg("%s: %u pieces, expected %u", t->name, got, t->npieces);
		assert_int_equal(it.pos, end);
	}
}

static void test_share_bounds(void **state)
{
	static const struct { uint64_t total; uint32_t ncpus, cpu; uint64_t first, end; } s[] = {
		{ 0, 1, 0, 0, 0 },
		{ 10, 1, 0, 0, 10 },
		{ 10, 3, 0, 0, 3 }, { 10, 3, 1, 3, 6 }, { 10, 3, 2, 6, 10 },
		{ 1, 2, 0, 0, 0 }, { 1, 2, 1, 0, 1 },
		/* 4 PiB of pages over 2048 CPUs: no overflow */
		{ 1ull << 40, 2048, 2047, (1ull << 40) - (1ull << 29), 1ull << 40 },
		{ (1ull << 40) + 5, 2048, 1024, (1ull << 39) + 2, (1ull << 39) + 2 + (1ull << 29) },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		uint64_t first, end;

		split_share(s[i].total, s[i].ncpus, s[i].cpu, &first, &end);
		assert_int_equal(first, s[i].first);
		assert_int_equal(end, s[i].end);
	}
}

/* A small deterministic generator, so a failure reproduces. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Random lists (gaps, empty ranges, ranges of one page), every CPU count
 * from 1 to 9 and 64, pieces of 0..4 pages: the pages handed out to all
 * CPUs, concatenated in CPU order, are exactly the list's pages in order;
 * shares differ by at most one page.
 */
static void test_exactly_once(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int round = 0; round < 300; round++) {
		struct ktdx_range list[12];
		uint32_t n = next_rand(&seed) % 12;
		uint64_t addr = M1, total;
		uint64_t *pages;

		for (uint32_t i = 0; i < n; i++) {
			addr += (next_rand(&seed) % 4) * K4 * 97;
			list[i].start = addr;
			addr += (next_rand(&seed) % 7) * K4;
			list[i].end = addr;
		}
		total = split_total_pages(list, n);
		pages = calloc(total + 1, sizeof(*pages));
		assert_non_null(pages);
		/* the expected sequence of page addresses */
		for (uint32_t i = 0, k = 0; i < n; i++)
			for (uint64_t a = list[i].start; a < list[i].end; a += K4)
				pages[k++] = a;

		static const uint32_t counts[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 64 };
		for (size_t ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++) {
			uint32_t ncpus = counts[ci];
			uint64_t k = 0, min = UINT64_MAX, max = 0;

			for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
				uint64_t first, end, mine = 0, maxp = next_rand(&seed) % 5;
				struct split_iter it;
				struct ktdx_range out;

				split_share(total, ncpus, cpu, &first, &end);
				assert_int_equal(first, k);
				split_iter_init(&it, list, n, first, end);
				while (split_next(&it, maxp, &out)) {
					assert_true(out.start < out.end);
					assert_int_equal(out.start % K4, 0);
					assert_int_equal(out.end % K4, 0);
					if (maxp)
						assert_true(out.end - out.start <= maxp * K4);
					for (uint64_t a = out.start; a < out.end; a += K4) {
						assert_true(k < total);
						assert_int_equal(a, pages[k]);
						k++;
						mine++;
					}
					assert_int_equal(it.pos, k);
				}
				assert_int_equal(k, end);
				if (mine < min)
					min = mine;
				if (mine > max)
					max = mine;
			}
			assert_int_equal(k, total);
			assert_true(max - min <= 1);
		}
		free(pages);
	}
}

/* Taking over a share from the progress a CPU published: the rest, exactly. */
static void test_resume(void **state)
{
	static const struct ktdx_range list[] = {
		{ M1, M1 + 5 * K4 }, { 2 * M1, 2 * M1 + 3 * K4 },
	};
	uint64_t first, end;
	struct split_iter it;
	struct ktdx_range out;

	(void)state;
	split_share(8, 2, 0, &first, &end);             /* pages 0..4 */
	assert_int_equal(end, 4);
	split_iter_init(&it, list, 2, first, end);
	assert_true(split_next(&it, 1, &out));
	assert_int_equal(it.pos, 1);
	/* the CPU stopped after one piece: the boot CPU does pages 1..4 */
	split_iter_init(&it, list, 2, 1, end);
	assert_true(split_next(&it, 0, &out));
	assert_int_equal(out.start, M1 + K4);
	assert_int_equal(out.end, M1 + 4 * K4);
	assert_false(split_next(&it, 0, &out));
	/* resuming in the second range */
	split_iter_init(&it, list, 2, 6, 8);
	assert_true(split_next(&it, 0, &out));
	assert_int_equal(out.start, 2 * M1 + K4);
	assert_int_equal(out.end, 2 * M1 + 3 * K4);
	assert_false(split_next(&it, 0, &out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_share_bounds),
		cmocka_unit_test(test_exactly_once),
		cmocka_unit_test(test_resume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
