// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 in portable C (FIPS 180-4, section 6.2) and the streaming
 * interface.  Compiled into the purgatory with -mno-sse and into the
 * hosted programs; it calls no library function.
 */
#include "cpu.h"
#include "sha256.h"

#include "sha256-k.h"
#include "sha256-round.h"

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The message schedule's sigma functions. */
#define s0(x)   (sha256_ror32(x, 7) ^ sha256_ror32(x, 18) ^ ((x) >> 3))
#define s1(x)   (sha256_ror32(x, 17) ^ sha256_ror32(x, 19) ^ ((x) >> 10))

/* W is a 16-word ring: W[i & 15] holds W_i once it is computed. */
#define W(i)    w[(i) & 15]
#define SCHED(i) (W(i) += s1(W((i) - 2)) + W((i) - 7) + s0(W((i) - 15)))
#define KW(i)       (sha256_k[i] + W(i))
#define KW_SCHED(i) (sha256_k[i] + SCHED(i))

void sha256_blocks_c(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	uint32_t w[16];

	for (; nblocks; nblocks--, p += SHA256_BLOCK_SIZE) {
		SHA256_LOAD_STATE(state);

		for (int i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		SHA256_ROUND8(0, KW);
		SHA256_ROUND8(8, KW);
		for (int i = 16; i < 64; i += 16) {
			SHA256_ROUND8(i, KW_SCHED);
			SHA256_ROUND8(i + 8, KW_SCHED);
		}
		SHA256_ADD_STATE(state);
	}
}

void sha256_init_blocks(struct sha256_ctx *c, sha256_blocks_fn *blocks)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	for (int i = 0; i < 8; i++)
		c->state[i] = h0[i];
	c->bytes = 0;
	c->blocks = blocks;
}

#ifndef KTDX_PURGATORY
/*
 * CPUID-based selection, for the hosted programs only: the purgatory
 * executes no CPUID (purgatory/check-purgatory.sh checks the object).
 */
bool sha256_ni_supported(void)
{
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid_7_0();

	return (l7.ebx & CPUID_7_EBX_SHA) && (l1.ecx & CPUID_1_ECX_SSSE3) &&
	       (l1.ecx & CPUID_1_ECX_SSE41);
}

bool sha256_init_impl(struct sha256_ctx *c, enum sha256_impl impl)
{
	bool ok = true;

	sha256_init_blocks(c, sha256_blocks_c);
	if ((impl == SHA256_IMPL_AUTO || impl == SHA256_IMPL_NI) && sha256_ni_supported())
		c->blocks = sha256_blocks_ni;
	else if ((impl == SHA256_IMPL_AUTO || impl == SHA256_IMPL_SSE) && sha256_sse_supported())
		c->blocks = sha256_blocks_sse;
	else
		ok = impl == SHA256_IMPL_AUTO || impl == SHA256_IMPL_C;
	return ok;
}

const char *sha256_blocks_name(sha256_blocks_fn *fn)
{
	if (fn == sha256_blocks_ni)
		return "SHA-NI";
	if (fn == sha256_blocks_sse)
		return "SSE4.1+BMI2";
	return "C";
}

void sha256_init(struct sha256_ctx *c)
{
	sha256_init_impl(c, SHA256_IMPL_AUTO);
}

#endif /* !KTDX_PURGATORY */

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = c->bytes % SHA256_BLOCK_SIZE;

	c->bytes += len;
	if (used) {
		size_t n = SHA256_BLOCK_SIZE - used;

		if (n > len)
			n = len;
		for (size_t i = 0; i < n; i++)
			c->buf[used + i] = p[i];
		p += n;
		len -= n;
		if (used + n < SHA256_BLOCK_SIZE)
			return;
		c->blocks(c->state, c->buf, 1);
	}
	if (len >= SHA256_BLOCK_SIZE) {
		size_t nb = len / SHA256_BLOCK_SIZE;

		c->blocks(c->state, p, nb);
		p += nb * SHA256_BLOCK_SIZE;
		len -= nb * SHA256_BLOCK_SIZE;
	}
	for (size_t i = 0; i < len; i++)
		c->buf[i] = p[i];
}

void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_SIZE])
{
	size_t used = c->bytes % SHA256_BLOCK_SIZE;
	uint64_t bits = c->bytes * 8;

	c->buf[used++] = 0x80;
	if (used > SHA256_BLOCK_SIZE - 8) {
		while (used < SHA256_BLOCK_SIZE)
			c->buf[used++] = 0;
		c->blocks(c->state, c->buf, 1);
		used = 0;
	}
	while (used < SHA256_BLOCK_SIZE - 8)
		c->buf[used++] = 0;
	store_be32(c->buf + 56, (uint32_t)(bits >> 32));
	store_be32(c->buf + 60, (uint32_t)bits);
	c->blocks(c->state, c->buf, 1);
	for (int i = 0; i < 8; i++)
		store_be32(digest + 4 * i, c->state[i]);
}
