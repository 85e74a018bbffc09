// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 block function with the SHA extensions (SHA256RNDS2,
 * SHA256MSG1, SHA256MSG2; SDM vol. 2, and Intel's "Intel SHA Extensions"
 * white paper, 2013, for the ABEF/CDGH state layout).
 *
 * The purgatory compiles everything with -mno-sse -mgeneral-regs-only;
 * the target attribute enables SSE4.1 and SHA for this one function, so
 * the compiler may use xmm registers only here.  Callers check
 * sha256_ni_supported() first; in the purgatory entry.S has set
 * CR4.OSFXSR, without which these instructions raise #UD.
 */
#include <immintrin.h>
#include "sha256.h"
#include "sha256-k.h"

#define NI_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/*
 * Rounds 4g..4g+3.  cur holds W[4g..4g+3]; the message schedule for later
 * groups is interleaved with the rounds: nxt (the register of group g+1,
 * already through SHA256MSG1) is finished with SHA256MSG2 for g = 3..14,
 * and prv (group g-1) starts group g+3 with SHA256MSG1 for g = 1..12.
 * g is a constant, so the conditions fold away.
 */
#define QROUND(g, cur, nxt, prv) do {                                                   \
		__m128i m_ = _mm_add_epi32(cur, _mm_load_si128((const __m128i *)&sha256_k[4 * (g)])); \
		st1 = _mm_sha256rnds2_epu32(st1, st0, m_);                              \
		if ((g) >= 3 && (g) <= 14)                                              \
			nxt = _mm_sha256msg2_epu32(_mm_add_epi32(nxt, _mm_alignr_epi8(cur, prv, 4)), cur); \
		st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(m_, 0x0e));     \
		if ((g) >= 1 && (g) <= 12)                                              \
			prv = _mm_sha256msg1_epu32(prv, cur);                           \
	} while (0)

NI_TARGET void sha256_blocks_ni(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i st0, st1, tmp, m0, m1, m2, m3;

	if (!nblocks)
		return;
	/* state[] is A..H; the instructions want ABEF and CDGH (high to low). */
	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xb1);  /* CDAB */
	st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1b);  /* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);             /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xf0);          /* CDGH */

	do {
		const __m128i abef = st0, cdgh = st1;

		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
		QROUND(0, m0, m1, m3);
		QROUND(1, m1, m2, m0);
		QROUND(2, m2, m3, m1);
		QROUND(3, m3, m0, m2);
		QROUND(4, m0, m1, m3);
		QROUND(5, m1, m2, m0);
		QROUND(6, m2, m3, m1);
		QROUND(7, m3, m0, m2);
		QROUND(8, m0, m1, m3);
		QROUND(9, m1, m2, m0);
		QROUND(10, m2, m3, m1);
		QROUND(11, m3, m0, m2);
		QROUND(12, m0, m1, m3);
		QROUND(13, m1, m2, m0);
		QROUND(14, m2, m3, m1);
		QROUND(15, m3, m0, m2);
		st0 = _mm_add_epi32(st0, abef);
		st1 = _mm_add_epi32(st1, cdgh);
		p += SHA256_BLOCK_SIZE;
	} while (--nblocks);

	tmp = _mm_shuffle_epi32(st0, 0x1b);             /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);             /* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xf0);          /* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);             /* HGFE */
	_mm_storeu_si128((__m128i *)&state[0], st0);
	_mm_storeu_si128((__m128i *)&state[4], st1);
}
