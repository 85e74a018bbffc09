/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every harness shares: the libFuzzer entry point's prototype and
 * fuzz_trap(), the harness's own invariant check. It names the line that
 * failed before aborting, so a CI log says which check an input broke.
 */
#ifndef KEXEC_TDX_FUZZ_H
#define KEXEC_TDX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_trap() \
	(fprintf(stderr, "%s:%d: %s: harness check failed\n", __FILE__, __LINE__, __func__), abort())

#endif
