/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The clear loops: full-line (64-byte) writes that bypass the cache, one
 * source for the purgatory and for the hosted unit tests and benchmark.
 *
 * Why full lines: on TDX platforms with the partial-write machine-check
 * erratum a partial write to a line that was private makes the next read
 * fault; a whole-line write (MOVDIR64B, or four 16-byte non-temporal
 * stores that the write-combining buffer merges into one line) resets it
 * (DESIGN.md "Purgatory", seeds 000 and 004).
 *
 * Alignment contract: dst and len must both be multiples of CLEAR_ALIGN
 * (64).  The loader hands the purgatory 4 KiB aligned ranges, so this
 * always holds there; the functions never write a partial line: a len
 * that is not a multiple of 64 has its tail left untouched, and a dst that
 * is not 64-byte aligned is a caller bug (MOVDIR64B raises #GP on it).
 * Every function ends with SFENCE, so the stores are globally visible and
 * ordered before anything the caller does next.
 */
#ifndef PURGATORY_CLEAR_H
#define PURGATORY_CLEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLEAR_ALIGN 64

enum clear_method {
	CLEAR_MOVDIR64B,        /* MOVDIR64B from a 64-byte zero source */
	CLEAR_NT_AVX,           /* 2 x VMOVNTDQ of a zeroed ymm register per line; needs AVX enabled */
	CLEAR_NT_MOVNTDQ,       /* 4 x MOVNTDQ of a zeroed xmm register per line; needs CR4.OSFXSR */
};

/* MOVDIR64B: the CPU must have CPUID.(7,0):ECX[28]. */
void clear_movdir64b(void *dst, size_t len);
/*
 * The non-temporal loops.  clear_nt() is the SSE one (MOVNTDQ), the
 * fallback that needs nothing but CR4.OSFXSR; clear_nt_avx() needs AVX
 * usable (clear_avx_usable()).  Measured on an AMD EPYC (tests/bench):
 * 16-byte stores are limited by store throughput (~58 GB/s), 32-byte
 * stores reach the memory's bandwidth (~80 GB/s).
 */
void clear_nt(void *dst, size_t len);
void clear_nt_avx(void *dst, size_t len);
void clear_nt_movntdq(void *dst, size_t len);

/* CPUID.(7,0):ECX[28]. */
bool clear_movdir64b_supported(void);
/*
 * AVX usable right now: CPUID.1:ECX.AVX, CPUID.1:ECX.OSXSAVE (mirrors
 * CR4.OSXSAVE) and XCR0 enabling SSE and AVX state.  The purgatory turns
 * it on itself around the clear (purgatory.c).
 */
bool clear_avx_usable(void);

/*
 * The method the purgatory uses: MOVDIR64B when cpuid_7_ecx has it and
 * flags (KTDX_FLAG_*) do not carry KTDX_FLAG_NO_MOVDIR64B; else 32-byte
 * non-temporal stores when avx is true; else MOVNTDQ.
 */
enum clear_method clear_select(uint32_t cpuid_7_ecx, uint32_t flags, bool avx);
/* Clear [dst, dst + len) with method m (same contract as above). */
void clear_range(enum clear_method m, void *dst, size_t len);
const char *clear_method_name(enum clear_method m);

#endif
