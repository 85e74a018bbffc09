// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 block function for CPUs without the SHA extensions: the rounds
 * in general registers, the message schedule four words at a time in xmm
 * registers (SSSE3 for PSHUFB/PALIGNR, SSE4.1 for PBLENDW), the rotations
 * of the rounds with BMI2's RORX, which needs no copy of its source.
 *
 * The schedule does not depend on the hash state, only on the block, so
 * it is computed one block ahead: while the rounds of block n run, W+K
 * of block n+1 is built in the other half of wk[][], two vectors after
 * each eight rounds.  The out-of-order core overlaps the two streams, and
 * the rounds read W+K long after it was stored.  (Scheduling a block just
 * before its own rounds was slower than plain C: the rounds waited on
 * 32-bit loads from 128-bit stores still in flight.)
 *
 * Every CPU with SSSE3 and BMI2 (Intel from Haswell, AMD from Excavator)
 * has SSE4.1; older ones take the C path.  As in sha256-ni.c, the target
 * attribute confines xmm use to this file's functions; in the purgatory
 * entry.S has set CR4.OSFXSR.  Callers check sha256_sse_supported(), the
 * purgatory the loader's KTDX_FLAG_SHA_SSE.
 */
#include <immintrin.h>
#include "cpu.h"
#include "sha256.h"
#include "sha256-k.h"
#include "sha256-round.h"

#define SSE_TARGET __attribute__((target("ssse3,sse4.1,bmi2")))
#define SSE_INLINE static inline __attribute__((always_inline)) SSE_TARGET

SSE_INLINE __m128i vror(__m128i x, int n)
{
	return _mm_or_si128(_mm_srli_epi32(x, n), _mm_slli_epi32(x, 32 - n));
}

SSE_INLINE __m128i vsig0(__m128i x)
{
	return _mm_xor_si128(_mm_xor_si128(vror(x, 7), vror(x, 18)), _mm_srli_epi32(x, 3));
}

SSE_INLINE __m128i vsig1(__m128i x)
{
	return _mm_xor_si128(_mm_xor_si128(vror(x, 17), vror(x, 19)), _mm_srli_epi32(x, 10));
}

/*
 * W[t..t+3] from x0..x3 = W[t-16..t-1].  W[t+2] and W[t+3] need s1 of
 * W[t] and W[t+1], so s1 runs twice: on W[t-2..t-1], then on the two new
 * words, and PBLENDW takes the valid half of each.
 */
SSE_INLINE __m128i sched4(__m128i x0, __m128i x1, __m128i x2, __m128i x3)
{
	__m128i t = _mm_add_epi32(_mm_add_epi32(x0, vsig0(_mm_alignr_epi8(x1, x0, 4))),
				  _mm_alignr_epi8(x3, x2, 4));
	__m128i lo = _mm_add_epi32(t, vsig1(_mm_srli_si128(x3, 8)));
	__m128i hi = _mm_add_epi32(t, vsig1(_mm_slli_si128(lo, 8)));

	return _mm_blend_epi16(lo, hi, 0xf0);
}

/* K[t] + W[t] of the block being hashed */
#define CUR(t) cur[t]

/* Step j (0..15) of a block's W+K: load or compute words 4j..4j+3. */
#define STEP(j) do {                                                            \
		__m128i *x0_ = &x[(j) & 3];                                     \
		if ((j) < 4)                                                    \
			*x0_ = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(np + 16 * (j))), bswap); \
		else                                                            \
			*x0_ = sched4(*x0_, x[((j) + 1) & 3], x[((j) + 2) & 3], x[((j) + 3) & 3]); \
		_mm_store_si128((__m128i *)&nxt[4 * (j)],                       \
				_mm_add_epi32(*x0_, _mm_load_si128((const __m128i *)&sha256_k[4 * (j)]))); \
	} while (0)

SSE_TARGET void sha256_blocks_sse(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	uint32_t wk[2][64] __attribute__((aligned(16)));
	__m128i x[4];
	unsigned cb = 0;

	if (!nblocks)
		return;
	{
		uint32_t *nxt = wk[0];
		const uint8_t *np = p;

		STEP(0); STEP(1); STEP(2); STEP(3); STEP(4); STEP(5); STEP(6); STEP(7);
		STEP(8); STEP(9); STEP(10); STEP(11); STEP(12); STEP(13); STEP(14); STEP(15);
	}
	for (; nblocks; nblocks--, p += SHA256_BLOCK_SIZE, cb ^= 1) {
		const uint32_t *cur = wk[cb];
		uint32_t *nxt = wk[cb ^ 1];
		/* the last block schedules itself once more: no branch, never read */
		const uint8_t *np = nblocks > 1 ? p + SHA256_BLOCK_SIZE : p;
		SHA256_LOAD_STATE(state);

		SHA256_ROUND8(0, CUR);  STEP(0);  STEP(1);
		SHA256_ROUND8(8, CUR);  STEP(2);  STEP(3);
		SHA256_ROUND8(16, CUR); STEP(4);  STEP(5);
		SHA256_ROUND8(24, CUR); STEP(6);  STEP(7);
		SHA256_ROUND8(32, CUR); STEP(8);  STEP(9);
		SHA256_ROUND8(40, CUR); STEP(10); STEP(11);
		SHA256_ROUND8(48, CUR); STEP(12); STEP(13);
		SHA256_ROUND8(56, CUR); STEP(14); STEP(15);
		SHA256_ADD_STATE(state);
	}
}

#ifndef KTDX_PURGATORY      /* the purgatory runs no CPUID */
bool sha256_sse_supported(void)
{
	struct cpuid_regs l1 = cpuid(1, 0);

	return (l1.ecx & CPUID_1_ECX_SSSE3) && (l1.ecx & CPUID_1_ECX_SSE41) &&
	       (cpuid_7_0().ebx & CPUID_7_EBX_BMI2);
}
#endif
