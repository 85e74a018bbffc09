/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4), one source for the purgatory (freestanding,
 * -mno-sse) and for the hosted programs (the loader hashes the segments
 * with it, the unit tests and the benchmark call it).
 *
 * Block functions: sha256_blocks_c() in portable C, sha256_blocks_sse()
 * with the message schedule in xmm registers (sha256-sse.c), and
 * sha256_blocks_ni() with the SHA extensions (sha256-ni.c).
 * sha256_init() picks SHA-NI when CPUID.(7,0):EBX[29] (and SSSE3/SSE4.1,
 * which the NI code also uses) say so, else the SSE path when the CPU
 * has SSSE3, SSE4.1 and BMI2, else C.  The purgatory runs no CPUID: it
 * starts with sha256_init_blocks() and the block function the loader
 * named (KTDX_FLAG_SHA_*), C on the plain path; entry.S sets CR4.OSFXSR
 * only for flush and clear.
 */
#ifndef PURGATORY_SHA256_H
#define PURGATORY_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

/* Hash nblocks 64-byte blocks at p into state. */
typedef void sha256_blocks_fn(uint32_t state[8], const uint8_t *p, size_t nblocks);

sha256_blocks_fn sha256_blocks_c;
sha256_blocks_fn sha256_blocks_ni;      /* only where sha256_ni_supported() */
sha256_blocks_fn sha256_blocks_sse;     /* only where sha256_sse_supported() */

enum sha256_impl {
	SHA256_IMPL_AUTO,       /* SHA-NI if the CPU has it, else SSE, else C */
	SHA256_IMPL_C,
	SHA256_IMPL_NI,
	SHA256_IMPL_SSE,
};

struct sha256_ctx {
	uint32_t state[8];
	uint64_t bytes;                 /* total bytes hashed */
	uint8_t buf[SHA256_BLOCK_SIZE]; /* partial block, bytes % 64 of it used */
	sha256_blocks_fn *blocks;
};

/* CPUID.(7,0):EBX.SHA[29] and CPUID.1:ECX.SSSE3[9], .SSE4_1[19]. */
bool sha256_ni_supported(void);
/* CPUID.1:ECX.SSSE3[9], .SSE4_1[19] and CPUID.(7,0):EBX.BMI2[8]. */
bool sha256_sse_supported(void);
/* The name of a block function: "C", "SSE4.1+BMI2" or "SHA-NI". */
const char *sha256_blocks_name(sha256_blocks_fn *fn);

/* Start with a given block function; runs no CPUID (the purgatory's way). */
void sha256_init_blocks(struct sha256_ctx *c, sha256_blocks_fn *blocks);
/* sha256_init_impl(c, SHA256_IMPL_AUTO). */
void sha256_init(struct sha256_ctx *c);
/* false (and c initialised for C) when impl is NI or SSE and the CPU lacks it. */
bool sha256_init_impl(struct sha256_ctx *c, enum sha256_impl impl);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
