/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SHA-256 compression rounds in general registers (FIPS 180-4,
 * section 6.2.2, step 3), shared by the C path (sha256.c) and the SSE
 * path (sha256-sse.c), which differ only in where K[t] + W[t] comes from.
 *
 * Use: SHA256_LOAD_STATE(state); then SHA256_ROUND8(0, KW) ...
 * SHA256_ROUND8(56, KW), where KW(t) is an expression for K[t] + W[t];
 * then SHA256_ADD_STATE(state).
 */
#ifndef PURGATORY_SHA256_ROUND_H
#define PURGATORY_SHA256_ROUND_H

#include <stdint.h>

static inline uint32_t sha256_ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

#define SHA256_S0(x) (sha256_ror32(x, 2) ^ sha256_ror32(x, 13) ^ sha256_ror32(x, 22))
#define SHA256_S1(x) (sha256_ror32(x, 6) ^ sha256_ror32(x, 11) ^ sha256_ror32(x, 25))
#define SHA256_CH(x, y, z) (((x) & ((y) ^ (z))) ^ (z))

/*
 * One round.  Maj(a,b,c) = b ^ ((a^b) & (b^c)), and this round's b^c is
 * the previous round's a^b (the names rotate), kept in bc: one operation
 * fewer per round than the textbook form.
 */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, kw) do {                           \
		uint32_t t1_ = h + SHA256_S1(e) + SHA256_CH(e, f, g) + (kw);    \
		uint32_t ab_ = a ^ b;                                           \
		d += t1_;                                                       \
		h = t1_ + SHA256_S0(a) + (b ^ (ab_ & bc));                      \
		bc = ab_;                                                       \
	} while (0)

/* Rounds t..t+7, rotating the variable names instead of the values. */
#define SHA256_ROUND8(t, KW) do {                                               \
		SHA256_ROUND(a, b, c, d, e, f, g, h, KW((t) + 0));              \
		SHA256_ROUND(h, a, b, c, d, e, f, g, KW((t) + 1));              \
		SHA256_ROUND(g, h, a, b, c, d, e, f, KW((t) + 2));              \
		SHA256_ROUND(f, g, h, a, b, c, d, e, KW((t) + 3));              \
		SHA256_ROUND(e, f, g, h, a, b, c, d, KW((t) + 4));              \
		SHA256_ROUND(d, e, f, g, h, a, b, c, KW((t) + 5));              \
		SHA256_ROUND(c, d, e, f, g, h, a, b, KW((t) + 6));              \
		SHA256_ROUND(b, c, d, e, f, g, h, a, KW((t) + 7));              \
	} while (0)

/* Declares the working variables a..h and bc from state. */
#define SHA256_LOAD_STATE(state)                                                \
	uint32_t a = (state)[0], b = (state)[1], c = (state)[2], d = (state)[3]; \
	uint32_t e = (state)[4], f = (state)[5], g = (state)[6], h = (state)[7]; \
	uint32_t bc = b ^ c

#define SHA256_ADD_STATE(state) do {                                            \
		(state)[0] += a;                                                \
		(state)[1] += b;                                                \
		(state)[2] += c;                                                \
		(state)[3] += d;                                                \
		(state)[4] += e;                                                \
		(state)[5] += f;                                                \
		(state)[6] += g;                                                \
		(state)[7] += h;                                                \
	} while (0)

#endif
