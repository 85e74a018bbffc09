/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the benchmarks: a clock, the CPU's name, big buffers. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "cpu.h"

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The CPUID brand string (leaves 0x80000002..4), trimmed. */
static inline void bench_cpu_model(char out[49])
{
	uint32_t *w = (uint32_t *)out;
	char *p = out;

	out[0] = 0;
	if (cpuid(0x80000000, 0).eax >= 0x80000004) {
		for (uint32_t leaf = 0; leaf < 3; leaf++) {
			struct cpuid_regs r = cpuid(0x80000002 + leaf, 0);

			w[4 * leaf + 0] = r.eax;
			w[4 * leaf + 1] = r.ebx;
			w[4 * leaf + 2] = r.ecx;
			w[4 * leaf + 3] = r.edx;
		}
		out[48] = 0;
	}
	while (*p == ' ')
		p++;
	memmove(out, p, strlen(p) + 1);
	for (size_t n = strlen(out); n && out[n - 1] == ' '; n--)
		out[n - 1] = 0;
}

/* "NAME (family 0xF model 0xM stepping S)" from CPUID leaves 1 and 0x8000000[2-4]. */
static inline void bench_cpu_describe(char *out, size_t size)
{
	uint32_t eax = cpuid(1, 0).eax;
	unsigned family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;
	char name[49];

	if (family == 0xf)
		family += (eax >> 20) & 0xff;
	if (family >= 6)
		model |= ((eax >> 16) & 0xf) << 4;
	bench_cpu_model(name);
	snprintf(out, size, "%s (family 0x%x model 0x%x stepping %u)", name, family, model, eax & 0xf);
}

/* size bytes, 2 MiB aligned where the kernel gives huge pages, every page touched. */
static inline void *bench_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, size, MADV_HUGEPAGE);
	memset(p, 0x5a, size);
	return p;
}

/* BENCH_SIZE_MIB or the default, in bytes. */
static inline size_t bench_size(size_t def_mib)
{
	const char *s = getenv("BENCH_SIZE_MIB");
	size_t mib = s ? strtoul(s, NULL, 0) : def_mib;

	return (mib ? mib : def_mib) << 20;
}

#endif
