/* fuzz-sources: kexec/log.c kexec/text.c kexec/tdx/cpuinfo.c kexec/sysroot.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: tdx_cpuinfo_parse over arbitrary /proc/cpuinfo text. */
#include "fuzz.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tdx/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	struct tdx_cpuinfo ci;

	if (tdx_cpuinfo_parse((const char *)data, size, &ci, &log, "cpuinfo") == 0) {
		/* what the parser promises on success */
		if (!ci.ncpus || strlen(ci.vendor) >= sizeof(ci.vendor) ||
		    strlen(ci.model_name) >= sizeof(ci.model_name))
			fuzz_trap();
	} else if (!log.last[0]) {
		fuzz_trap();       /* every error is explained */
	}
	return 0;
}
