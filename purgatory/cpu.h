/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few privileged or CPU-identifying instructions the purgatory uses,
 * as inline functions.  cpuid() and rdtsc() are also used by the hosted
 * builds (unit tests, benchmarks, the loader's SHA-256); the rest only
 * make sense at CPL 0 and are used only by the purgatory.
 */
#ifndef PURGATORY_CPU_H
#define PURGATORY_CPU_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

#ifdef KTDX_CPU_STUBS
/*
 * A hosted build of the purgatory's C code (tests/unit/test-purgatory.c):
 * every instruction below is a function the test provides, which counts
 * the calls, so that a test can assert that a path executes none.
 */
struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf);
uint64_t rdtsc(void);
uint64_t xgetbv(uint32_t index);
void sfence(void);
void outb(uint8_t v, uint16_t port);
uint8_t inb(uint16_t port);
void wbinvd(void);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
void xsetbv(uint32_t index, uint64_t v);
void write_cr3(uint64_t v);
uint64_t read_cr3(void);
uint64_t read_cr0(void);
void pause(void);
#define KTDX_CPU_STUBBED 1
#endif

#ifndef KTDX_CPU_STUBBED
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}
#endif

static inline uint32_t cpuid_max_leaf(void)
{
	return cpuid(0, 0).eax;
}

/* CPUID.(7,0), or zeros when leaf 7 does not exist. */
static inline struct cpuid_regs cpuid_7_0(void)
{
	struct cpuid_regs zero = { 0, 0, 0, 0 };

	return cpuid_max_leaf() >= 7 ? cpuid(7, 0) : zero;
}

/* SDM vol. 2A, CPUID: leaf 1 ECX bits; leaf 7 subleaf 0 EBX/ECX bits. */
#define CPUID_1_ECX_SSSE3       (1u << 9)
#define CPUID_1_ECX_SSE41       (1u << 19)
#define CPUID_1_ECX_XSAVE       (1u << 26)
#define CPUID_1_ECX_OSXSAVE     (1u << 27)     /* mirrors CR4.OSXSAVE */
#define CPUID_1_ECX_AVX         (1u << 28)
#define CPUID_7_EBX_BMI2        (1u << 8)
#define CPUID_7_EBX_SHA         (1u << 29)
#define CPUID_7_ECX_MOVDIR64B   (1u << 28)
#define CPUID_80000001_EDX_PAGE1GB (1u << 26)

#ifndef KTDX_CPU_STUBBED
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Only with CR4.OSXSAVE set (CPUID.1:ECX[27]); #UD otherwise. */
static inline uint64_t xgetbv(uint32_t index)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((uint64_t)hi << 32) | lo;
}

static inline void sfence(void)
{
	__asm__ volatile("sfence" ::: "memory");
}
#endif /* !KTDX_CPU_STUBBED */

#if defined(KTDX_PURGATORY) && !defined(KTDX_CPU_STUBBED)
static inline void outb(uint8_t v, uint16_t port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void wbinvd(void)
{
	__asm__ volatile("wbinvd" ::: "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void xsetbv(uint32_t index, uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/* The spin-loop hint of every wait loop (serial, reset, the other CPUs). */
static inline void pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#endif /* KTDX_PURGATORY && !KTDX_CPU_STUBBED */

/* XCR0 bits (SDM vol. 1, 13.3): x87, SSE (XMM), AVX (upper YMM halves). */
#define XCR0_X87        (1ull << 0)
#define XCR0_SSE        (1ull << 1)
#define XCR0_AVX        (1ull << 2)

#define X86_CR4_PAE     (1ull << 5)
#define X86_CR4_LA57    (1ull << 12)
#define X86_CR4_OSXSAVE (1ull << 18)

#endif
