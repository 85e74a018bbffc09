// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory's C entry, called by entry.S on our own GDT and stack.
 * DESIGN.md "Purgatory".  Two paths:
 *
 * - plain (action none): what kexec-tools' purgatory does, nothing more.
 *   SHA-256 in portable C on the identity map the old kernel left, the
 *   report, return to the jump.  No CPUID, RDTSC, WBINVD, control-register
 *   or XCR0 write, no page tables of our own: in an SEV-ES/SNP guest CPUID
 *   raises #VC and in a TD #VE with no handler, and tables we build would
 *   lack the SEV encryption bit.
 * - flush and clear: entry.S already ran WBINVD (before anything was
 *   written) and enabled SSE.  Check the parameters against the map,
 *   build identity tables of exactly the map and switch to them, verify
 *   with the SHA-256 path the loader chose (to fail before any other CPU
 *   is started), start the other CPUs, each of which runs WBINVD
 *   (smp.c), require a flushed CPU in every package, verify again (the
 *   verify that counts: after the last flush, so no package's write-back
 *   lands on verified memory), clear with the path the loader chose,
 *   park the others, the report.
 *
 * The loader read /proc/cpuinfo and passes the paths as KTDX_FLAG_*, so
 * no path runs CPUID.  A failure on either path (fail()) prints on COM1
 * and resets through ports 0xCF9/0x64: in a TD or an SEV-ES guest that
 * port I/O faults with no handler, which shuts the guest down; either
 * way the new kernel is never entered.  tests/unit/test-purgatory.c
 * runs this file hosted with every privileged instruction counted.
 */
#include <stdbool.h>
#include <stddef.h>
#include "clear.h"
#include "cpu.h"
#include "pagetable.h"
#include "purgatory.h"
#include "sha256.h"
#include "smp.h"

_Static_assert(offsetof(struct ktdx_params, entry) == KTDX_PARAMS_OFF_ENTRY, "entry.S offset");
_Static_assert(offsetof(struct ktdx_params, boot_params) == KTDX_PARAMS_OFF_BOOT_PARAMS,
	       "entry.S offset");

/*
 * The parameter block, written by the loader by symbol name (libelf).  In
 * .data, not .bss, so that it is part of the loaded image.
 */
struct ktdx_params ktdx_params __attribute__((section(".data"), aligned(64))) = {
	.magic = KTDX_PARAMS_MAGIC,
	.version = KTDX_PARAMS_VERSION,
	.size = sizeof(struct ktdx_params),
};

#define PAGE_MASK       4095ull

/* entry.S reads the action to decide on WBINVD before it writes anything */
_Static_assert(offsetof(struct ktdx_params, action) == KTDX_PARAMS_OFF_ACTION, "entry.S offset");

__attribute__((noreturn)) static void fail(const char *what, uint64_t a, uint64_t b)
{
	serial_enable();        /* a reason on the UART even without KTDX_FLAG_SERIAL_DEBUG */
	serial_puts("kexec-tdx purgatory: ");
	serial_puts(what);
	serial_puts(" (");
	serial_put_hex(a);
	serial_puts(", ");
	serial_put_hex(b);
	serial_puts("), not starting the new kernel\n");
	purgatory_reset();
}

struct area {
	uint64_t start, end;
};

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

static uint64_t addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Is [s, e) inside one run of adjacent map ranges? */
static bool in_map(const struct ktdx_params *p, uint64_t s, uint64_t e)
{
	for (uint32_t i = 0; i < p->nr_map;) {
		uint64_t rs = p->map[i].start, re = p->map[i].end;

		for (i++; i < p->nr_map && p->map[i].start == re; i++)
			re = p->map[i].end;
		if (s >= rs && e <= re)
			return true;
	}
	return false;
}

/*
 * Flush and clear only, before the switch to our tables: everything the
 * purgatory and the new kernel need (our own sections with the stack,
 * the page-table area, the report slot, the new kernel's segments,
 * boot_params, the entry) must be inside the map, and no clear range may
 * touch any of it or leave the map.  The loader builds the lists that
 * way; this catches a loader bug before it zeroes what we run on or
 * faults on an unmapped address.
 */
static void check_map(const struct ktdx_params *p)
{
	struct area keep[10 + KTDX_MAX_SHA_REGIONS];
	unsigned n = 0;

	if (p->nr_map > KTDX_MAX_MAP_RANGES)
		fail("too many map ranges", p->nr_map, KTDX_MAX_MAP_RANGES);
	keep[n++] = (struct area){ addr_of(__purgatory_text_start), addr_of(__purgatory_text_end) };
	keep[n++] = (struct area){ addr_of(__purgatory_rodata_start), addr_of(__purgatory_rodata_end) };
	keep[n++] = (struct area){ addr_of(__purgatory_data_start), addr_of(__purgatory_data_end) };
	keep[n++] = (struct area){ addr_of(__purgatory_bss_start), addr_of(__purgatory_bss_end) };
	keep[n++] = (struct area){ p->pgtable_base, p->pgtable_base + p->pgtable_size };
	if (p->report)
		keep[n++] = (struct area){ p->report,
					   p->report + KTDX_REPORT_SIZE(p->nr_cpus ? p->nr_cpus : 1) };
	if (p->trampoline)
		keep[n++] = (struct area){ p->trampoline, p->trampoline + 4096 };
	if (p->boot_params)
		keep[n++] = (struct area){ p->boot_params, p->boot_params + 4096 };
	keep[n++] = (struct area){ p->entry, p->entry + 1 };
	for (uint32_t i = 0; i < p->nr_sha_regions; i++)
		keep[n++] = (struct area){ p->sha_regions[i].start,
					   p->sha_regions[i].start + p->sha_regions[i].len };
	for (unsigned k = 0; k < n; k++)
		if (keep[k].start < keep[k].end && !in_map(p, keep[k].start, keep[k].end))
			fail("memory the purgatory or the new kernel needs is not in the map",
			     keep[k].start, keep[k].end);

	if (p->action != KTDX_ACTION_CLEAR)
		return;
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct ktdx_range *r = &p->ranges[i];

		if (r->start > r->end || ((r->start | r->end) & PAGE_MASK) ||
		    !in_map(p, r->start, r->end))
			fail("clear range not 4 KiB aligned or outside the map", r->start, r->end);
		for (unsigned k = 0; k < n; k++)
			if (overlaps(r->start, r->end, keep[k].start, keep[k].end))
				fail("clear range overlaps memory the purgatory or the new kernel needs",
				     r->start, r->end);
	}
}

static void check_params(const struct ktdx_params *p)
{
	if (p->magic != KTDX_PARAMS_MAGIC || p->version != KTDX_PARAMS_VERSION ||
	    p->size != sizeof(*p))
		fail("bad parameter block (magic, version)", p->magic, p->version);
	if (!p->entry)
		fail("no entry point", p->entry, 0);
	if (p->action > KTDX_ACTION_CLEAR)
		fail("unknown action", p->action, 0);
	if (p->nr_sha_regions > KTDX_MAX_SHA_REGIONS || p->nr_ranges > KTDX_MAX_CLEAR_RANGES)
		fail("too many regions or ranges", p->nr_sha_regions, p->nr_ranges);
	for (uint32_t i = 0; i < p->nr_sha_regions; i++) {
		const struct ktdx_region *r = &p->sha_regions[i];

		if (r->start + r->len < r->start)
			fail("hashed region wraps around", r->start, r->len);
	}
}

/* Build the identity map of p->map and load it; returns the bytes of tables used. */
static uint64_t setup_pagetables(const struct ktdx_params *p, bool la57)
{
	bool gb = p->flags & KTDX_FLAG_GBPAGES;
	uint64_t root, used, need = 0;
	int r;

	r = pagetable_build((void *)(uintptr_t)p->pgtable_base, p->pgtable_base, p->pgtable_size,
			    p->map, p->nr_map, gb, la57, &root, &used);
	if (r == PAGETABLE_TOO_SMALL) {
		pagetable_bytes(p->map, p->nr_map, gb, la57, &need);
		fail("page-table area too small", p->pgtable_size, need);
	}
	if (r == PAGETABLE_TOO_HIGH)
		fail("a map range is beyond what the paging mode can map", p->nr_map, la57 ? 5 : 4);
	if (r < 0)
		fail("cannot build the identity map (map not sorted or not 4 KiB aligned)",
		     p->pgtable_base, p->nr_map);
	write_cr3(root);
	serial_puts(la57 ? "kexec-tdx purgatory: 5-level identity map, " :
		    "kexec-tdx purgatory: 4-level identity map, ");
	serial_puts(gb ? "1 GiB pages, " : "2 MiB pages, ");
	serial_put_dec(p->nr_map);
	serial_puts(" ranges, ");
	serial_put_dec(used);
	serial_puts(" bytes of tables\n");
	return used;
}

/* KTDX_VERIFY_OK or KTDX_VERIFY_SKIPPED; never returns on a mismatch. */
static uint32_t verify(const struct ktdx_params *p, sha256_blocks_fn *blocks)
{
	struct sha256_ctx c;
	uint8_t digest[SHA256_DIGEST_SIZE];
	unsigned diff = 0;

	if (!p->nr_sha_regions)
		return KTDX_VERIFY_SKIPPED;
	sha256_init_blocks(&c, blocks);
	for (uint32_t i = 0; i < p->nr_sha_regions; i++)
		sha256_update(&c, (const void *)(uintptr_t)p->sha_regions[i].start,
			      p->sha_regions[i].len);
	sha256_final(&c, digest);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		diff |= digest[i] ^ p->sha256[i];
	if (diff)
		fail("SHA-256 mismatch over the new kernel's segments", p->nr_sha_regions,
		     p->sha_regions[0].start);
	return KTDX_VERIFY_OK;
}

/*
 * 32-byte non-temporal stores need AVX state enabled: CR4.OSXSAVE and
 * XCR0.SSE|AVX (SDM vol. 1, 13.3).  relocate_kernel cleared OSXSAVE;
 * we set it for the clear and put CR4 and XCR0 back afterwards.  The
 * loader saw avx and xsave in cpuinfo (KTDX_FLAG_AVX), which the kernel
 * shows only when XCR0 can enable AVX state.
 */
struct avx_state {
	uint64_t cr4, xcr0;
};

static void avx_enable(struct avx_state *s)
{
	s->cr4 = read_cr4();
	write_cr4(s->cr4 | X86_CR4_OSXSAVE);
	s->xcr0 = xgetbv(0);
	xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_AVX);
}

static void avx_restore(const struct avx_state *s)
{
	xsetbv(0, s->xcr0);
	write_cr4(s->cr4);
}

/* The report slot's CPU entries, after the header (step 4); NULL without a slot. */
static struct ktdx_report_cpu *report_cpus(const struct ktdx_params *p)
{
	return p->report ? (struct ktdx_report_cpu *)(uintptr_t)(p->report + sizeof(struct ktdx_report))
			 : NULL;
}

/* report.method for a clear path: the AVX loop has its own name ("nt-store-avx"). */
static uint32_t report_method(enum clear_method m)
{
	switch (m) {
	case CLEAR_MOVDIR64B: return KTDX_METHOD_MOVDIR64B;
	case CLEAR_NT_AVX: return KTDX_METHOD_NT_AVX;
	case CLEAR_NT_MOVNTDQ: break;
	}
	return KTDX_METHOD_NT_STORE;
}

static enum clear_method method_select(const struct ktdx_params *p)
{
	return clear_select(p->flags & KTDX_FLAG_MOVDIR64B ? CPUID_7_ECX_MOVDIR64B : 0, p->flags,
			    p->flags & KTDX_FLAG_AVX);
}

/* After smp_start(): the clear, every CPU its share (smp.c), the park. */
static void clear(const struct ktdx_params *p, struct ktdx_report *rep)
{
	struct ktdx_report_cpu *cpus = report_cpus(p);
	enum clear_method m = method_select(p);
	struct avx_state avx = { 0, 0 };
	uint64_t t0, t1;

	if (m == CLEAR_NT_AVX)
		avx_enable(&avx);
	rep->method = report_method(m);
	t0 = rdtsc();
	smp_finish(rep, cpus);
	sfence();
	t1 = rdtsc();
	if (rep->nr_cpus == 1 && cpus)
		cpus[0].tsc_clear = t1 - t0;
	if (m == CLEAR_NT_AVX)
		avx_restore(&avx);
	rep->tsc_clear = t1 - t0;
	rep->nr_ranges = p->nr_ranges;
	serial_puts("kexec-tdx purgatory: clear method ");
	serial_puts(clear_method_name(m));
	serial_puts("\n");
}

static void finish(const struct ktdx_params *p, const struct ktdx_report *rep)
{
	if (p->report)
		report_store((void *)(uintptr_t)p->report, rep);
	serial_puts("kexec-tdx purgatory: verify ");
	serial_puts(rep->verify == KTDX_VERIFY_OK ? "ok" : "skipped");
	serial_puts(", cleared ");
	serial_put_dec(rep->bytes_cleared);
	serial_puts(" bytes in ");
	serial_put_dec(rep->tsc_clear);
	serial_puts(" cycles\n");
	if (p->action >= KTDX_ACTION_FLUSH) {
		serial_puts("kexec-tdx purgatory: wbinvd took ");
		serial_put_dec(rep->tsc_flush);
		serial_puts(" cycles, verify ");
		serial_put_dec(rep->tsc_verify);
		serial_puts(" cycles\n");
	}
	serial_puts("kexec-tdx purgatory: jumping to ");
	serial_put_hex(p->entry);
	serial_puts("\n");
}

/* Action none: verify in C on the old kernel's identity map, nothing else. */
static void plain(const struct ktdx_params *p)
{
	struct ktdx_report rep;

	serial_puts("kexec-tdx purgatory: plain path (verify in C on the kernel's map)\n");
	report_init(&rep);
	rep.action = KTDX_ACTION_NONE;
	rep.method = KTDX_METHOD_NONE;
	rep.verify = verify(p, sha256_blocks_c);
	rep.sha256_path = rep.verify == KTDX_VERIFY_OK ? KTDX_SHA_PATH_C : KTDX_SHA_PATH_NONE;
	rep.paging = 0;
	finish(p, &rep);
}

/*
 * DESIGN.md step 3: after the start wait, every package of the loader's
 * list needs a CPU that ran WBINVD; without one, its caches may still
 * hold dirty private lines that land on the new kernel's memory after
 * the jump.  A reset instead (a cold boot is what the operator would
 * otherwise have done), unless the old kernel flushed every CPU itself
 * or the loader said the rule does not apply (crash load, --tdx-force).
 */
static void packages_check(const struct ktdx_params *p)
{
	uint32_t pkg, id;

	if (smp_packages_flushed(&pkg, &id))
		return;
	if (p->flags & (KTDX_FLAG_KERNEL_FLUSHES_ALL | KTDX_FLAG_NO_PACKAGE_RULE)) {
		serial_puts("kexec-tdx purgatory: a package has no CPU that flushed here; the ");
		serial_puts(p->flags & KTDX_FLAG_KERNEL_FLUSHES_ALL ?
			    "old kernel flushed every CPU itself\n" :
			    "loader waived the package rule (crash load or --tdx-force)\n");
		return;
	}
	fail("no CPU of a package ran WBINVD (package, APIC id of one of its CPUs)", pkg, id);
}

/* Verify with the loader's SHA-256 path; the cycles add up in rep->tsc_verify. */
static void verify_timed(const struct ktdx_params *p, struct ktdx_report *rep)
{
	sha256_blocks_fn *blocks = sha256_blocks_c;
	uint32_t sha_path = KTDX_SHA_PATH_C;
	uint64_t t0;

	if (p->flags & KTDX_FLAG_SHA_NI) {
		blocks = sha256_blocks_ni;
		sha_path = KTDX_SHA_PATH_NI;
	} else if (p->flags & KTDX_FLAG_SHA_SSE) {
		blocks = sha256_blocks_sse;
		sha_path = KTDX_SHA_PATH_SSE;
	}
	t0 = rdtsc();
	rep->verify = verify(p, blocks);
	rep->tsc_verify += rdtsc() - t0;
	rep->sha256_path = rep->verify == KTDX_VERIFY_OK ? sha_path : KTDX_SHA_PATH_NONE;
}

void purgatory_main(uint64_t tsc_wbinvd_start, uint64_t tsc_wbinvd_end)
{
	const struct ktdx_params *p = &ktdx_params;
	struct ktdx_report rep;
	bool la57;

	serial_set_port((uint16_t)p->serial_port);     /* no port I/O */
	if (p->flags & KTDX_FLAG_SERIAL_DEBUG)
		serial_enable();
	serial_puts("kexec-tdx purgatory: started\n");
	check_params(p);
	if (p->action == KTDX_ACTION_NONE) {
		plain(p);
		return;
	}

	/* flush or clear: entry.S ran WBINVD and set CR4.OSFXSR */
	report_init(&rep);
	rep.action = p->action;
	rep.method = KTDX_METHOD_WBINVD;
	rep.tsc_flush = tsc_wbinvd_end - tsc_wbinvd_start;
	check_map(p);
	la57 = read_cr4() & X86_CR4_LA57;
	rep.pgtable_bytes = setup_pagetables(p, la57);
	rep.paging = la57 ? 5 : 4;

	verify_timed(p, &rep);                  /* fail early, before any other CPU starts */
	smp_start(p, p->action == KTDX_ACTION_CLEAR, method_select(p));  /* WBINVD on each */
	packages_check(p);
	verify_timed(p, &rep);                  /* after the last flush: the one that counts */

	if (p->action == KTDX_ACTION_CLEAR)
		clear(p, &rep);
	else
		smp_finish(&rep, report_cpus(p));
	if (p->report)
		rep.size = (uint32_t)KTDX_REPORT_SIZE(rep.nr_cpus);
	else
		rep.nr_cpus = 0;
	finish(p, &rep);
}
