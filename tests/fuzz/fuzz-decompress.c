/* fuzz-sources: kexec/log.c kexec/decompress.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: decompress_buffer over arbitrary bytes with a small
 * output limit (gzip, xz, zstd through zlib, liblzma, libzstd).
 */
#include "fuzz.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "image.h"

#define FUZZ_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	uint8_t *out = NULL;
	size_t outlen = 0;
	volatile uint8_t sink = 0;
	int r;

	r = decompress_buffer(data, size, FUZZ_MAX, &out, &outlen, "fuzz", &log);
	if (r == -ENOEXEC) {
		/* not compressed: quiet, nothing allocated */
		if (log.last[0] || out)
			fuzz_trap();
		return 0;
	}
	if (r < 0) {
		if (!log.last[0] || out)
			fuzz_trap();
		return 0;
	}
	if (!out || outlen > FUZZ_MAX)
		fuzz_trap();
	if (outlen)
		sink ^= out[0] ^ out[outlen - 1];
	(void)sink;
	free(out);
	return 0;
}
