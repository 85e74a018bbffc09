/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * purgatory/clear.c on user buffers: every byte of the range becomes
 * zero, every guard byte around it keeps its pattern, for each loop the
 * CPU can run, at many alignments and lengths (the contract: dst and len
 * multiples of 64).
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
#include "clear.h"
#include "cpu.h"

#define GUARD   4096u
#define PATTERN 0xa5

typedef void clear_fn(void *dst, size_t len);

struct clear_case {
	size_t off;     /* from the 4 KiB-aligned start of the buffer, a multiple of 64 */
	size_t len;
};

static const struct clear_case cases[] = {
	{ 0, 0 }, { 0, 64 }, { 64, 64 }, { 4032, 128 }, { 0, 192 }, { 128, 4096 },
	{ 4096, 4096 }, { 64, 64 * 3 }, { 0, 65536 }, { 192, (1u << 20) + 64 },
	{ 4096, 2u << 20 },
};

static void check(clear_fn *fn, const char *name)
{
	size_t max = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].off + cases[i].len > max)
			max = cases[i].off + cases[i].len;
	size_t total = GUARD + max + GUARD;
	uint8_t *buf = aligned_alloc(4096, total);

	assert_non_null(buf);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct clear_case *c = &cases[i];
		uint8_t *dst = buf + GUARD + c->off;

		memset(buf, PATTERN, total);
		fn(dst, c->len);
		for (size_t b = 0; b < total; b++) {
			bool inside = buf + b >= dst && buf + b < dst + c->len;
			uint8_t want = inside ? 0 : PATTERN;

			if (buf[b] != want)
				fail_msg("%s: off %zu len %zu: byte %+td is 0x%02x, expected 0x%02x",
					 name, c->off, c->len, (ptrdiff_t)(buf + b - dst), buf[b], want);
		}
	}
	free(buf);
}

/* A length that is not a whole number of lines: the tail is never written partially. */
static void check_tail(clear_fn *fn, const char *name)
{
	uint8_t *buf = aligned_alloc(4096, 3 * GUARD);

	assert_non_null(buf);
	memset(buf, PATTERN, 3 * GUARD);
	fn(buf + GUARD, 64 * 5 + 63);
	for (size_t b = 0; b < 3 * GUARD; b++) {
		bool inside = b >= GUARD && b < GUARD + 64 * 5;

		if (buf[b] != (inside ? 0 : PATTERN))
			fail_msg("%s: tail case: byte %zu is 0x%02x", name, b, buf[b]);
	}
	free(buf);
}

static void test_movntdq(void **state)
{
	check(clear_nt_movntdq, "movntdq");
	check_tail(clear_nt_movntdq, "movntdq");
}

static void test_avx(void **state)
{
	if (!clear_avx_usable()) {
		print_message("SKIP: AVX is not usable here (CPUID.1:ECX AVX/OSXSAVE, XCR0)\n");
		skip();
	}
	check(clear_nt_avx, "vmovntdq-ymm");
	check_tail(clear_nt_avx, "vmovntdq-ymm");
}

static void test_nt_default(void **state)
{
	check(clear_nt, "clear_nt");
}

static void test_movdir64b(void **state)
{
	if (!clear_movdir64b_supported()) {
		print_message("SKIP: this CPU has no MOVDIR64B (CPUID.(7,0):ECX[28])\n");
		skip();
	}
	check(clear_movdir64b, "movdir64b");
	check_tail(clear_movdir64b, "movdir64b");
}

static void range_nt(void *dst, size_t len)
{
	clear_range(clear_select(0, 0, false), dst, len);
}

static void range_auto(void *dst, size_t len)
{
	uint32_t ecx = clear_movdir64b_supported() ? CPUID_7_ECX_MOVDIR64B : 0;

	clear_range(clear_select(ecx, 0, clear_avx_usable()), dst, len);
}

static void test_dispatch(void **state)
{
	/* the selection itself is pure */
	static const struct {
		uint32_t ecx, flags;
		bool avx;
		enum clear_method want;
	} sel[] = {
		{ CPUID_7_ECX_MOVDIR64B, 0, false, CLEAR_MOVDIR64B },
		{ CPUID_7_ECX_MOVDIR64B, 0, true, CLEAR_MOVDIR64B },
		{ CPUID_7_ECX_MOVDIR64B, KTDX_FLAG_NO_MOVDIR64B, false, CLEAR_NT_MOVNTDQ },
		{ CPUID_7_ECX_MOVDIR64B, KTDX_FLAG_NO_MOVDIR64B, true, CLEAR_NT_AVX },
		{ CPUID_7_ECX_MOVDIR64B, KTDX_FLAG_SERIAL_DEBUG, false, CLEAR_MOVDIR64B },
		{ 0, 0, false, CLEAR_NT_MOVNTDQ },
		{ 0, 0, true, CLEAR_NT_AVX },
		{ ~CPUID_7_ECX_MOVDIR64B, 0, false, CLEAR_NT_MOVNTDQ },
	};

	for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++)
		assert_int_equal(clear_select(sel[i].ecx, sel[i].flags, sel[i].avx), sel[i].want);
	assert_string_equal(clear_method_name(CLEAR_MOVDIR64B), "movdir64b");
	assert_string_equal(clear_method_name(CLEAR_NT_AVX), "vmovntdq-ymm");
	assert_string_equal(clear_method_name(CLEAR_NT_MOVNTDQ), "movntdq");
	check(range_nt, "clear_range(nt)");
	check(range_auto, "clear_range(auto)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_movntdq),
		cmocka_unit_test(test_avx),
		cmocka_unit_test(test_nt_default),
		cmocka_unit_test(test_movdir64b),
		cmocka_unit_test(test_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
