/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local APIC as far as starting the other CPUs needs it (SDM vol.
 * 3A, chapter 11 "Advanced Programmable Interrupt Controller", and
 * 11.12 "Extended xAPIC (x2APIC)"), and the MSR instructions.  Under
 * KTDX_CPU_STUBS (tests/unit/test-purgatory.c) rdmsr, wrmsr and the MMIO
 * accessors are the test's counting functions, as in cpu.h.
 */
#ifndef PURGATORY_APIC_H
#define PURGATORY_APIC_H

#include <stdint.h>
#include "cpu.h"

#define MSR_IA32_APIC_BASE      0x1b
#define APIC_BASE_BSP           (1ull << 8)
#define APIC_BASE_X2APIC        (1ull << 10)    /* EXTD */
#define APIC_BASE_ENABLE        (1ull << 11)    /* EN: globally enabled */
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ull

#define MSR_EFER                0xc0000080u

/* xAPIC registers, offsets from the APIC base (SDM Table 11-1) */
#define XAPIC_ID                0x020           /* bits 31:24 */
#define XAPIC_SVR               0x0f0
#define XAPIC_ESR               0x280
#define XAPIC_ICR_LO            0x300
#define XAPIC_ICR_HI            0x310           /* destination in bits 31:24 */

/* x2APIC MSRs (SDM Table 11-6): 0x800 + xAPIC offset / 16 */
#define X2APIC_ID               0x802
#define X2APIC_SVR              0x80f
#define X2APIC_ESR              0x828
#define X2APIC_ICR              0x830           /* destination in bits 63:32 */

#define APIC_SVR_ENABLE         (1u << 8)       /* software enable */
#define APIC_SVR_VECTOR         0xffu

/* ICR low word (SDM Figure 11-12) */
#define APIC_DM_INIT            (5u << 8)
#define APIC_DM_STARTUP         (6u << 8)
#define APIC_ICR_BUSY           (1u << 12)      /* delivery status: send pending (xAPIC only) */
#define APIC_ICR_ASSERT         (1u << 14)
#define APIC_ICR_LEVEL          (1u << 15)

#ifdef KTDX_CPU_STUBS
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
uint32_t mmio_read32(uint64_t addr);
void mmio_write32(uint64_t addr, uint32_t v);
#else
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}
#endif

#endif
