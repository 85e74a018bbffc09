/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/sysroot.c kexec/memmap.c kexec/tdx/policy.c kexec/tdx/watchdog.c kexec/pstore.c kexec/tdx/cpuinfo.c kexec/tdx/kernel.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: iomem_parse and iomem_collect over arbitrary
 * /proc/iomem text, and the memory plan built from it (its top level
 * standing in for the firmware map, as on a kernel without
 * /sys/firmware/memmap): a `clear` decision never comes with empty
 * private ranges (DESIGN.md: never a clear of nothing).
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "memmap.h"
#include "tdx/tdx.h"

/* The plan's invariants, and the decision on an SPR host with the module up. */
static void check_plan(const struct iomem *io)
{
	struct mem_plan p = { 0 };
	struct tdx_status st = { 0 };

	p.io = *io;
	if (memmap_from_iomem(io, &p.map) < 0)
		return;
	if (mem_plan_compute(&p, "/proc/iomem") == 0) {
		if (p.private_ok != (p.private_ranges.n > 0))
			fuzz_trap();
		for (size_t i = 0; i < p.private_ranges.n; i++)
			if (p.private_ranges.v[i].start < LOW_1M ||
			    rangeset_overlaps(&p.crash, p.private_ranges.v[i].start, p.private_ranges.v[i].end))
				fuzz_trap();
		st.cpuinfo_ok = st.cpu.tdx_host_platform = st.cpu.pw_mce = st.module_initialized = true;
		st.misc_found = true;
		st.private_ok = p.private_ok;
		st.private_ranges = p.private_ranges;
		if (tdx_decide(&st, true, NULL, 0) == TDX_DECISION_CLEAR && !st.private_ranges.n)
			fuzz_trap();
		if (!p.private_ok && tdx_decide(&st, true, NULL, 0) != TDX_DECISION_REFUSE)
			fuzz_trap();
	}
	p.io = (struct iomem){ 0 };     /* the caller's */
	mem_plan_free(&p);
}

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
	check_plan(&io);
	rangeset_free(&crash);
	iomem_free(&io);
	return 0;
}
