// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Clear loops (see clear.h for the contract).  Each loop is one asm
 * statement so that the purgatory (-mno-sse) and the hosted builds run
 * exactly the same instruction sequence; the target attributes on the
 * MOVNTDQ and VMOVNTDQ loops only let the asm name %xmm0 as clobbered.
 */
#include <kexec-tdx/purgatory-abi.h>
#include "clear.h"
#include "cpu.h"

/* MOVDIR64B reads a 64-byte source; ours is this line of zeros. */
static const uint8_t zero_line[64] __attribute__((aligned(64)));

/*
 * Four streams, one per quarter of the range, then the 0-3 lines left over.
 * On an AMD EPYC (Zen 5) guest one MOVDIR64B stream measured 0.93x of
 * an AVX-512 non-temporal stream and of memset; four interleaved streams
 * keep writes to more DRAM pages in flight and measured 1.03x of both in
 * the same run (tests/bench/bench-clear.c).  Unrolling one stream did not
 * help.
 */
void clear_movdir64b(void *dst, size_t len)
{
	size_t lines = len / CLEAR_ALIGN, q = lines / 4, rem = lines % 4;
	char *a = dst, *end = a + q * 64, *b = end, *c = b + q * 64, *d = c + q * 64;

	if (!lines)
		return;
	__asm__ volatile("cmp %[end], %[a]\n\t"
			 "jae 2f\n\t"
			 "1:\n\t"
			 "movdir64b (%[src]), %[a]\n\t"
			 "movdir64b (%[src]), %[b]\n\t"
			 "movdir64b (%[src]), %[c]\n\t"
			 "movdir64b (%[src]), %[d]\n\t"
			 "add $64, %[a]\n\t"
			 "add $64, %[b]\n\t"
			 "add $64, %[c]\n\t"
			 "add $64, %[d]\n\t"
			 "cmp %[end], %[a]\n\t"
			 "jb 1b\n\t"
			 "2:\n\t"
			 "test %[rem], %[rem]\n\t"
			 "jz 4f\n\t"
			 "3:\n\t"
			 "movdir64b (%[src]), %[d]\n\t"
			 "add $64, %[d]\n\t"
			 "dec %[rem]\n\t"
			 "jnz 3b\n\t"
			 "4:"
			 : [a] "+&r"(a), [b] "+&r"(b), [c] "+&r"(c), [d] "+&r"(d), [rem] "+&r"(rem)
			 : [src] "r"(zero_line), [end] "r"(end),
			   "m"(*(const uint8_t(*)[64])zero_line)
			 : "memory", "cc");
	sfence();
}

__attribute__((target("sse2")))
void clear_nt_movntdq(void *dst, size_t len)
{
	size_t lines = len / CLEAR_ALIGN;
	char *p = dst, *end = p + lines * 64;

	if (!lines)
		return;
	__asm__ volatile("pxor %%xmm0, %%xmm0\n\t"
			 "test $1, %[n]\n\t"
			 "jz 2f\n\t"
			 "movntdq %%xmm0, 0(%[p])\n\t"
			 "movntdq %%xmm0, 16(%[p])\n\t"
			 "movntdq %%xmm0, 32(%[p])\n\t"
			 "movntdq %%xmm0, 48(%[p])\n\t"
			 "add $64, %[p]\n\t"
			 "2:\n\t"
			 "cmp %[end], %[p]\n\t"
			 "jae 3f\n\t"
			 "1:\n\t"
			 "movntdq %%xmm0, 0(%[p])\n\t"
			 "movntdq %%xmm0, 16(%[p])\n\t"
			 "movntdq %%xmm0, 32(%[p])\n\t"
			 "movntdq %%xmm0, 48(%[p])\n\t"
			 "movntdq %%xmm0, 64(%[p])\n\t"
			 "movntdq %%xmm0, 80(%[p])\n\t"
			 "movntdq %%xmm0, 96(%[p])\n\t"
			 "movntdq %%xmm0, 112(%[p])\n\t"
			 "sub $-128, %[p]\n\t"
			 "cmp %[end], %[p]\n\t"
			 "jb 1b\n\t"
			 "3:"
			 : [p] "+r"(p)
			 : [end] "r"(end), [n] "r"(lines)
			 : "xmm0", "memory", "cc");
	sfence();
}

__attribute__((target("avx")))
void clear_nt_avx(void *dst, size_t len)
{
	size_t lines = len / CLEAR_ALIGN;
	char *p = dst, *end = p + lines * 64;

	if (!lines)
		return;
	__asm__ volatile("vpxor %%xmm0, %%xmm0, %%xmm0\n\t"      /* zeroes all of ymm0 */
			 "test $1, %[n]\n\t"
			 "jz 2f\n\t"
			 "vmovntdq %%ymm0, 0(%[p])\n\t"
			 "vmovntdq %%ymm0, 32(%[p])\n\t"
			 "add $64, %[p]\n\t"
			 "2:\n\t"
			 "cmp %[end], %[p]\n\t"
			 "jae 3f\n\t"
			 "1:\n\t"
			 "vmovntdq %%ymm0, 0(%[p])\n\t"
			 "vmovntdq %%ymm0, 32(%[p])\n\t"
			 "vmovntdq %%ymm0, 64(%[p])\n\t"
			 "vmovntdq %%ymm0, 96(%[p])\n\t"
			 "sub $-128, %[p]\n\t"
			 "cmp %[end], %[p]\n\t"
			 "jb 1b\n\t"
			 "3:\n\t"
			 "vzeroupper"
			 : [p] "+r"(p)
			 : [end] "r"(end), [n] "r"(lines)
			 : "xmm0", "memory", "cc");
	sfence();
}

void clear_nt(void *dst, size_t len)
{
	clear_nt_movntdq(dst, len);
}

#ifndef KTDX_PURGATORY      /* the purgatory runs no CPUID: the loader names the path */
bool clear_movdir64b_supported(void)
{
	return cpuid_7_0().ecx & CPUID_7_ECX_MOVDIR64B;
}

bool clear_avx_usable(void)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	return (ecx & CPUID_1_ECX_AVX) && (ecx & CPUID_1_ECX_OSXSAVE) &&
	       (xgetbv(0) & (XCR0_SSE | XCR0_AVX)) == (XCR0_SSE | XCR0_AVX);
}
#endif

enum clear_method clear_select(uint32_t cpuid_7_ecx, uint32_t flags, bool avx)
{
	if ((cpuid_7_ecx & CPUID_7_ECX_MOVDIR64B) && !(flags & KTDX_FLAG_NO_MOVDIR64B))
		return CLEAR_MOVDIR64B;
	return avx ? CLEAR_NT_AVX : CLEAR_NT_MOVNTDQ;
}

void clear_range(enum clear_method m, void *dst, size_t len)
{
	switch (m) {
	case CLEAR_MOVDIR64B:
		clear_movdir64b(dst, len);
		break;
	case CLEAR_NT_AVX:
		clear_nt_avx(dst, len);
		break;
	case CLEAR_NT_MOVNTDQ:
	default:
		clear_nt(dst, len);
		break;
	}
}

const char *clear_method_name(enum clear_method m)
{
	switch (m) {
	case CLEAR_MOVDIR64B: return "movdir64b";
	case CLEAR_NT_AVX: return "vmovntdq-ymm";
	case CLEAR_NT_MOVNTDQ: return "movntdq";
	}
	return "?";
}
