/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * purgatory/sha256.c and sha256-ni.c against the FIPS 180-4 example
 * vectors (NIST CSRC "Examples with intermediate values", SHA-256), for
 * the C path and, where the CPU has it, the SHA-NI path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sha256.h"

struct vector {
	const char *name;
	const char *msg;        /* NULL: one million 'a' */
	const char *digest;
};

static const struct vector vectors[] = {
	{ "empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448-bit", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896-bit", "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
		     "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "million a", NULL, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void hex(const uint8_t *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_impl(enum sha256_impl impl)
{
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		struct sha256_ctx c;
		uint8_t d[32];
		char h[65];

		assert_true(sha256_init_impl(&c, impl));
		if (vectors[v].msg) {
			sha256_update(&c, vectors[v].msg, strlen(vectors[v].msg));
		} else {
			char chunk[1000];

			memset(chunk, 'a', sizeof(chunk));
			for (int i = 0; i < 1000; i++)
				sha256_update(&c, chunk, sizeof(chunk));
		}
		sha256_final(&c, d);
		hex(d, h);
		if (strcmp(h, vectors[v].digest))
			fail_msg("%s: %s, expected %s", vectors[v].name, h, vectors[v].digest);
	}
}

/*
 * The purgatory hashes several regions in order, as one message: feed
 * the million 'a' as regions of awkward sizes (not multiples of 64).
 */
static void check_regions(enum sha256_impl impl)
{
	static const size_t sizes[] = { 1, 63, 64, 65, 127, 4096, 5, 100000, 200003 };
	uint8_t *buf = malloc(1000000), d[32];
	struct sha256_ctx c;
	size_t off = 0, i = 0;
	char h[65];

	assert_non_null(buf);
	memset(buf, 'a', 1000000);
	assert_true(sha256_init_impl(&c, impl));
	while (off < 1000000) {
		size_t n = sizes[i++ % (sizeof(sizes) / sizeof(sizes[0]))];

		if (n > 1000000 - off)
			n = 1000000 - off;
		sha256_update(&c, buf + off, n);
		off += n;
	}
	sha256_final(&c, d);
	hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(buf);
}

/* C and impl must agree on every length around block boundaries. */
static void check_agree(enum sha256_impl impl)
{
	uint8_t buf[300], d1[32], d2[32];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 151 + 7);
	for (size_t n = 0; n <= sizeof(buf); n++) {
		struct sha256_ctx a, b;

		sha256_init_impl(&a, SHA256_IMPL_C);
		assert_true(sha256_init_impl(&b, impl));
		sha256_update(&a, buf, n);
		sha256_update(&b, buf, n);
		sha256_final(&a, d1);
		sha256_final(&b, d2);
		assert_memory_equal(d1, d2, 32);
	}
}

static void test_c(void **state)
{
	check_impl(SHA256_IMPL_C);
	check_regions(SHA256_IMPL_C);
}

static void test_ni(void **state)
{
	if (!sha256_ni_supported()) {
		print_message("SKIP: this CPU has no SHA extensions (CPUID.(7,0):EBX[29])\n");
		skip();
	}
	check_impl(SHA256_IMPL_NI);
	check_regions(SHA256_IMPL_NI);
	check_agree(SHA256_IMPL_NI);
}

/* The one-block-ahead schedule: 0 blocks leave the state alone, then 1..7 blocks. */
static void check_sse_blocks(void)
{
	uint8_t buf[64 * 7];
	uint32_t s1[8], s2[8];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 29 + 3);
	for (size_t nb = 0; nb <= 7; nb++) {
		for (int i = 0; i < 8; i++)
			s1[i] = s2[i] = 0x01010101u * (uint32_t)(i + 1);
		sha256_blocks_c(s1, buf, nb);
		sha256_blocks_sse(s2, buf, nb);
		assert_memory_equal(s1, s2, sizeof(s1));
	}
}

static void test_sse(void **state)
{
	struct sha256_ctx c;

	if (!sha256_sse_supported()) {
		print_message("SKIP: this CPU lacks one of SSSE3, SSE4.1, BMI2\n");
		skip();
	}
	check_impl(SHA256_IMPL_SSE);
	check_regions(SHA256_IMPL_SSE);
	check_agree(SHA256_IMPL_SSE);
	check_sse_blocks();
	assert_true(sha256_init_impl(&c, SHA256_IMPL_SSE));
	assert_ptr_equal(c.blocks, sha256_blocks_sse);
}

static void test_names(void **state)
{
	assert_string_equal(sha256_blocks_name(sha256_blocks_c), "C");
	assert_string_equal(sha256_blocks_name(sha256_blocks_ni), "SHA-NI");
	assert_string_equal(sha256_blocks_name(sha256_blocks_sse), "SSE4.1+BMI2");
}

static void test_auto(void **state)
{
	struct sha256_ctx c;

	sha256_blocks_fn *want = sha256_ni_supported()  ? sha256_blocks_ni
				 : sha256_sse_supported() ? sha256_blocks_sse
							  : sha256_blocks_c;

	assert_true(sha256_init_impl(&c, SHA256_IMPL_AUTO));
	assert_ptr_equal(c.blocks, want);
	sha256_init(&c);
	assert_ptr_equal(c.blocks, want);
	check_impl(SHA256_IMPL_AUTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c),
		cmocka_unit_test(test_ni),
		cmocka_unit_test(test_sse),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
