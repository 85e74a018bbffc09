/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's clear loops (purgatory/clear.c, the same source) on
 * 1 GiB of touched user memory, against glibc memset and the widest
 * non-temporal stream this CPU has (AVX-512 or AVX2 intrinsics, here
 * only).  Best of several runs, GB/s = 10^9 bytes per second.
 * BENCH_SIZE_MIB and BENCH_RUNS override the defaults (1024, 5).
 */
#include <immintrin.h>
#include <stdbool.h>
#include "bench.h"
#include "clear.h"

typedef void clear_fn(void *dst, size_t len);

__attribute__((target("avx512f")))
static void stream_avx512(void *dst, size_t len)
{
	__m512i z = _mm512_setzero_si512();
	char *p = dst, *end = p + len;

	for (; p < end; p += 128) {
		_mm512_stream_si512((void *)p, z);
		_mm512_stream_si512((void *)(p + 64), z);
	}
	_mm_sfence();
}

__attribute__((target("avx2")))
static void stream_avx2(void *dst, size_t len)
{
	__m256i z = _mm256_setzero_si256();
	char *p = dst, *end = p + len;

	for (; p < end; p += 128) {
		_mm256_stream_si256((__m256i *)p, z);
		_mm256_stream_si256((__m256i *)(p + 32), z);
		_mm256_stream_si256((__m256i *)(p + 64), z);
		_mm256_stream_si256((__m256i *)(p + 96), z);
	}
	_mm_sfence();
}

static void glibc_memset(void *dst, size_t len)
{
	memset(dst, 0, len);
}

struct method {
	const char *name;
	clear_fn *fn;
	bool ours;
	double best;    /* GB/s */
};

static void run_once(struct method *m, void *buf, size_t size)
{
	double t0, t1, gbs;

	memset(buf, 0x5a, 4096);        /* something to clear, cheaply */
	t0 = bench_now();
	m->fn(buf, size);
	t1 = bench_now();
	gbs = size / (t1 - t0) / 1e9;
	if (gbs > m->best)
		m->best = gbs;
}

/* It must have cleared: spot-check a line per MiB. */
static void check_zero(const struct method *m, const void *buf, size_t size)
{
	for (size_t off = 0; off < size; off += 1 << 20)
		for (size_t i = 0; i < 64; i++)
			if (((const volatile char *)buf)[off + i]) {
				fprintf(stderr, "%s: byte %zu not cleared\n", m->name, off + i);
				exit(1);
			}
}

int main(void)
{
	size_t size = bench_size(1024);
	const char *runs_env = getenv("BENCH_RUNS");
	int runs = runs_env ? atoi(runs_env) : 5;
	bool movdir64b = clear_movdir64b_supported();
	bool avx512 = __builtin_cpu_supports("avx512f"), avx2 = __builtin_cpu_supports("avx2");
	struct method m[8];
	int n = 0, ours_default = -1;
	char model[128];
	void *buf;

	if (runs < 1)
		runs = 1;
	bench_cpu_describe(model, sizeof(model));
	printf("bench-clear: %zu MiB, best of %d runs\n", size >> 20, runs);
	printf("CPU: %s; movdir64b %s, avx %s, avx512f %s, avx2 %s\n", model,
	       movdir64b ? "yes" : "no", clear_avx_usable() ? "yes" : "no", avx512 ? "yes" : "no",
	       avx2 ? "yes" : "no");

	if (movdir64b)
		m[n++] = (struct method){ "ours: movdir64b", clear_movdir64b, true, 0 };
	ours_default = n;
	if (clear_avx_usable())
		m[n++] = (struct method){ "ours: clear_nt_avx (vmovntdq ymm x2)", clear_nt_avx, true, 0 };
	m[n++] = (struct method){ "ours: clear_nt (movntdq xmm x4)", clear_nt, true, 0 };
	m[n++] = (struct method){ "glibc memset", glibc_memset, false, 0 };
	if (avx512)
		m[n++] = (struct method){ "reference: avx-512 vmovntdq 64 B", stream_avx512, false, 0 };
	else if (avx2)
		m[n++] = (struct method){ "reference: avx2 vmovntdq 32 B", stream_avx2, false, 0 };
	if (movdir64b)
		ours_default = 0;

	buf = bench_alloc(size);
	/* one warm-up pass of each so page faults and THP collapse are behind us */
	for (int i = 0; i < n; i++)
		m[i].fn(buf, size);
	/* round robin, so that drift in the machine's state hits every method alike */
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n; i++) {
			run_once(&m[i], buf, size);
			check_zero(&m[i], buf, size);
		}

	double ref = 0;
	for (int i = 0; i < n; i++)
		if (!m[i].ours && m[i].best > ref)
			ref = m[i].best;
	for (int i = 0; i < n; i++)
		printf("  %-36s %7.2f GB/s  %.3fx of the fastest reference\n", m[i].name, m[i].best,
		       m[i].best / ref);
	/* what the purgatory would pick here (it enables AVX itself) */
	printf("purgatory path: %s, %.3fx of the fastest reference (goal >= 0.95): %s\n",
	       m[ours_default].name, m[ours_default].best / ref,
	       m[ours_default].best / ref >= 0.95 ? "met" : "MISSED");
	munmap(buf, size);
	return 0;
}
