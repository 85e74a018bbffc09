/* fuzz-sources: kexec/log.c kexec/sysroot.c kexec/tdx/guests.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: tdx_misc_parse over arbitrary misc.current / misc.capacity text. */
#include "fuzz.h"
#include <stddef.h>
#include <stdint.h>
#include "tdx/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	struct tdx_misc m;

	if (tdx_misc_parse((const char *)data, size, &m, &log, "misc.current") == 0) {
		if (m.tdx < -1 || m.sev < -1 || m.sev_es < -1)
			fuzz_trap();
	} else if (!log.last[0]) {
		fuzz_trap();
	}
	return 0;
}
