/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/sysroot.c kexec/memmap.c kexec/pstore.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: memmap_parse_entry.  The input is split at the first
 * two NUL bytes into the texts of start, end and type.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	struct memmap_entry e;
	char *buf = malloc(size + 3), *start, *end, *type;
	int r;

	if (!buf)
		return 0;
	/* three NULs after the data: every split below stays inside buf */
	memcpy(buf, data, size);
	memset(buf + size, 0, 3);
	start = buf;
	end = start + strlen(start) + 1;
	type = end + strlen(end) + 1;
	r = memmap_parse_entry(start, end, type, &e, &log, "/sys/firmware/memmap/0");
	if (r == 0 && e.end < e.start)
		fuzz_trap();
	if (r < 0 && !log.last[0])
		fuzz_trap();
	free(buf);
	return 0;
}
