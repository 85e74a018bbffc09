/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's SHA-256 (purgatory/sha256.c, sha256-sse.c and
 * sha256-ni.c, the same sources) against OpenSSL's EVP SHA-256, over
 * 256 MiB of touched memory.  Every path the CPU has is measured and
 * named; the "purgatory path" is the one sha256_init() picks.
 * Best of several runs.  BENCH_SIZE_MIB and BENCH_RUNS override the
 * defaults (256, 5).
 */
#include <stdbool.h>
#include <string.h>
#include "bench.h"
#include "sha256.h"
#ifdef HAVE_LIBCRYPTO
#include <openssl/evp.h>
#endif

static double run_ours(enum sha256_impl impl, const void *buf, size_t size, int runs,
		       uint8_t digest[32])
{
	double best = 0;

	for (int r = 0; r < runs; r++) {
		struct sha256_ctx c;
		double t0 = bench_now(), gbs;

		sha256_init_impl(&c, impl);
		sha256_update(&c, buf, size);
		sha256_final(&c, digest);
		gbs = size / (bench_now() - t0) / 1e9;
		if (gbs > best)
			best = gbs;
	}
	return best;
}

#ifdef HAVE_LIBCRYPTO
static double run_openssl(const void *buf, size_t size, int runs, uint8_t digest[32])
{
	double best = 0;

	for (int r = 0; r < runs; r++) {
		unsigned int len = 32;
		double t0 = bench_now(), gbs;

		if (!EVP_Digest(buf, size, digest, &len, EVP_sha256(), NULL)) {
			fprintf(stderr, "EVP_Digest failed\n");
			exit(1);
		}
		gbs = size / (bench_now() - t0) / 1e9;
		if (gbs > best)
			best = gbs;
	}
	return best;
}
#endif

static bool same_digest(const uint8_t *a, const uint8_t *b, const char *what)
{
	if (!memcmp(a, b, 32))
		return true;
	fprintf(stderr, "the %s digest differs from the C path's\n", what);
	return false;
}

int main(void)
{
	size_t size = bench_size(256);
	const char *runs_env = getenv("BENCH_RUNS");
	int runs = runs_env ? atoi(runs_env) : 5;
	bool ni = sha256_ni_supported(), sse = sha256_sse_supported();
	uint8_t d_c[32], d[32];
	double c, s = 0, n = 0, ssl = 0, ours, no_ni;
	const char *path, *no_ni_path;
	struct sha256_ctx probe;
	char model[128];
	uint8_t *buf;

	if (runs < 1)
		runs = 1;
	bench_cpu_describe(model, sizeof(model));
	sha256_init(&probe);
	path = sha256_blocks_name(probe.blocks);
	sha256_init_impl(&probe, SHA256_IMPL_SSE);
	no_ni_path = sha256_blocks_name(probe.blocks);
	printf("bench-sha256: %zu MiB, best of %d runs\n", size >> 20, runs);
	printf("CPU: %s; sha_ni %s, ssse3+sse4.1+bmi2 %s\n", model, ni ? "yes" : "no",
	       sse ? "yes" : "no");
	if (getenv("OPENSSL_ia32cap"))
		printf("OpenSSL's CPU features limited by OPENSSL_ia32cap=%s\n", getenv("OPENSSL_ia32cap"));
	buf = bench_alloc(size);
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);

	c = run_ours(SHA256_IMPL_C, buf, size, runs, d_c);
	printf("  %-28s %6.3f GB/s\n", "ours: C", c);
	if (sse) {
		s = run_ours(SHA256_IMPL_SSE, buf, size, runs, d);
		printf("  ours: %-22s %6.3f GB/s\n", no_ni_path, s);
		if (!same_digest(d, d_c, no_ni_path))
			return 1;
	}
	if (ni) {
		n = run_ours(SHA256_IMPL_NI, buf, size, runs, d);
		printf("  %-28s %6.3f GB/s\n", "ours: SHA-NI", n);
		if (!same_digest(d, d_c, "SHA-NI"))
			return 1;
	}
	ours = ni ? n : sse ? s : c;
	no_ni = sse ? s : c;
#ifdef HAVE_LIBCRYPTO
	ssl = run_openssl(buf, size, runs, d);
	printf("  %-28s %6.3f GB/s\n", "OpenSSL EVP_sha256", ssl);
	if (!same_digest(d, d_c, "OpenSSL"))
		return 1;
	printf("purgatory path: %s, %.3fx of OpenSSL (goal >= 0.8): %s\n", path, ours / ssl,
	       ours / ssl >= 0.8 ? "met" : "MISSED");
	if (ni)
		printf("without SHA-NI the purgatory takes %s: %.3fx of this OpenSSL\n", no_ni_path,
		       no_ni / ssl);
#else
	(void)ssl;
	(void)no_ni;
	printf("purgatory path: %s, %.3f GB/s (OpenSSL not found by configure: no reference)\n",
	       path, ours);
#endif
	munmap(buf, size);
	return 0;
}
