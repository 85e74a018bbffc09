/* fuzz-sources: kexec/log.c kexec/sysroot.c kexec/range.c kexec/tdx/report.c kexec/tdx/status.c kexec/tdx/policy.c kexec/text.c kexec/tdx/watchdog.c kexec/record.c kexec/plan-digest.c kexec/tdx/cpuinfo.c kexec/tdx/kernel.c kexec/tdx/ranges.c kexec/tdx/kmsg.c kexec/tdx/lastclear.c purgatory/sha256.c purgatory/sha256-ni.c purgatory/sha256-sse.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: tdx_report_decode over an arbitrary setup_data
 * payload (what the new kernel shows in /sys/kernel/boot_params/setup_data),
 * then both printers over whatever it accepted.
 */
#include "fuzz.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kexec-tdx/purgatory-abi.h>
#include "tdx/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	static struct tdx_report r;
	FILE *null;

	if (tdx_report_decode(data, size, "setup_data/0/data", &log, &r) < 0) {
		if (!log.last[0])
			fuzz_trap();       /* every refusal says why */
		return 0;
	}
	null = fopen("/dev/null", "w");
	if (!null)
		return 0;
	tdx_report_write(&r, null, false);
	tdx_report_write(&r, null, true);
	fclose(null);
	return 0;
}
