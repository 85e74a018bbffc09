/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/sysroot.c kexec/memmap.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: iomem_parse and iomem_collect over arbitrary /proc/iomem text. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	struct iomem io = { 0 };
	struct rangeset crash = RANGESET_INIT;

	if (iomem_parse((const char *)data, size, &io, &log, "/proc/iomem") < 0) {
		if (!log.last[0] || io.v || io.n)
			fuzz_trap();
		return 0;
	}
	for (size_t i = 0; i < io.n; i++)
		if (io.v[i].end < io.v[i].start || (i == 0 && io.v[i].depth) ||
		    (i && io.v[i].depth > io.v[i - 1].depth + 1))
			fuzz_trap();
	if (iomem_collect(&io, "Crash kernel", &crash) == 0)
		for (size_t i = 1; i < crash.n; i++)
			if (crash.v[i].start <= crash.v[i - 1].end)
				fuzz_trap();       /* normalized: sorted, disjoint */
	rangeset_free(&crash);
	iomem_free(&io);
	return 0;
}
