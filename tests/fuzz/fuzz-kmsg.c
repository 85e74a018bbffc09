/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/tdx/kmsg.c kexec/lockdown.c kexec/sysroot.c kexec/tdx/kernel.c kexec/tdx/watchdog.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: tdx_kmsg_parse (and the lockdown parser) over arbitrary text. */
#include "fuzz.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lockdown.h"
#include "tdx/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	struct tdx_kmsg k;
	char mode[16];

	if (tdx_kmsg_parse((const char *)data, size, &k, &log, "dev/kmsg") == 0) {
		for (size_t i = 0; i < k.cmr.n; i++)
			if (k.cmr.v[i].end <= k.cmr.v[i].start || (i && k.cmr.v[i].start <= k.cmr.v[i - 1].end))
				fuzz_trap();
		if (k.module_initialized != (k.module_line[0] != '\0'))
			fuzz_trap();
		tdx_kmsg_free(&k);
	} else if (!log.last[0] || k.cmr.v) {
		fuzz_trap();
	}
	if (lockdown_parse((const char *)data, size, mode, sizeof(mode), &log, "lockdown") == 0 &&
	    (!mode[0] || strlen(mode) >= sizeof(mode)))
		fuzz_trap();
	return 0;
}
