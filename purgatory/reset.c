// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cold reset, for a purgatory that must not jump into the new kernel
 * (digest mismatch, unusable parameters).  Three ways, each given a few
 * milliseconds: the reset control register at port 0xCF9 (0x06 asks for
 * a CPU reset, 0x0E for a full one: "hard" reset on Intel PCHs and AMD
 * FCHs alike), the 8042 keyboard controller's pulse-reset command 0xFE,
 * and finally a triple fault through a zero-length IDT.  None of them
 * waits forever.
 */
#include "cpu.h"
#include "purgatory.h"

void purgatory_triple_fault(void) __attribute__((noreturn));

/* Roughly milliseconds on any CPU from 1 to 5 GHz: the TSC is all we have. */
static void spin_tsc(uint64_t cycles)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < cycles)
		pause();
}

void purgatory_reset(void)
{
	serial_puts("kexec-tdx purgatory: resetting the machine\n");
	__asm__ volatile("cli");

	outb(0x06, 0xcf9);
	spin_tsc(50000000);
	outb(0x0e, 0xcf9);
	spin_tsc(50000000);

	/* 8042: wait (bounded) for an empty input buffer, then pulse reset */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		spin_tsc(1000);
	outb(0xfe, 0x64);
	spin_tsc(50000000);

	purgatory_triple_fault();
}
