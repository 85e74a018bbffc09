// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 in portable C (FIPS 180-4, section 6.2) and the streaming
 * interface.  Compiled into the purgatory with -mno-sse and into the
 * hosted programs; it calls no library function.
 */
#include "cpu.h"
#include "sha256.h"

#include "sha256-k.h"

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

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

#define S0(x)   (ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22))
#define S1(x)   (ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25))
#define s0(x)   (ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define s1(x)   (ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))
#define CH(x, y, z)  (((x) & ((y) ^ (z))) ^ (z))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/* W is a 16-word ring: W[i & 15] holds W_i once it is computed. */
#define W(i)    w[(i) & 15]
#define SCHED(i) (W(i) += s1(W((i) - 2)) + W((i) - 7) + s0(W((i) - 15)))
#define ROUND(a, b, c, d, e, f, g, h, i, wi) do {                       \
		uint32_t t1 = h + S1(e) + CH(e, f, g) + sha256_k[i] + (wi);  \
		d += t1;                                                \
		h = t1 + S0(a) + MAJ(a, b, c);                          \
	} while (0)
/* Eight rounds, rotating the variable names instead of the values. */
#define ROUND8(i, WI) do {                                              \
		ROUND(a, b, c, d, e, f, g, h, (i) + 0, WI((i) + 0));    \
		ROUND(h, a, b, c, d, e, f, g, (i) + 1, WI((i) + 1));    \
		ROUND(g, h, a, b, c, d, e, f, (i) + 2, WI((i) + 2));    \
		ROUND(f, g, h, a, b, c, d, e, (i) + 3, WI((i) + 3));    \
		ROUND(e, f, g, h, a, b, c, d, (i) + 4, WI((i) + 4));    \
		ROUND(d, e, f, g, h, a, b, c, (i) + 5, WI((i) + 5));    \
		ROUND(c, d, e, f, g, h, a, b, (i) + 6, WI((i) + 6));    \
		ROUND(b, c, d, e, f, g, h, a, (i) + 7, WI((i) + 7));    \
	} while (0)

void sha256_blocks_c(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	uint32_t w[16];

	for (; nblocks; nblocks--, p += SHA256_BLOCK_SIZE) {
		uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
		uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

		for (int i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		ROUND8(0, W);
		ROUND8(8, W);
		for (int i = 16; i < 64; i += 16) {
			ROUND8(i, SCHED);
			ROUND8(i + 8, SCHED);
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
	}
}

bool sha256_ni_supported(void)
{
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid_7_0();

	return (l7.ebx & CPUID_7_EBX_SHA) && (l1.ecx & CPUID_1_ECX_SSSE3) &&
	       (l1.ecx & CPUID_1_ECX_SSE41);
}

bool sha256_init_impl(struct sha256_ctx *c, enum sha256_impl impl)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	bool ni = impl != SHA256_IMPL_C && sha256_ni_supported();

	for (int i = 0; i < 8; i++)
		c->state[i] = h0[i];
	c->bytes = 0;
	c->blocks = ni ? sha256_blocks_ni : sha256_blocks_c;
	return impl != SHA256_IMPL_NI || ni;
}

void sha256_init(struct sha256_ctx *c)
{
	sha256_init_impl(c, SHA256_IMPL_AUTO);
}

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
