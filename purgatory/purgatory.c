// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory's C entry (called by entry.S on our own GDT and stack,
 * with SSE enabled): identity page tables, SHA-256 check of the new
 * kernel's segments, WBINVD, the clear, the report.  DESIGN.md "Purgatory".
 */
#include <stdbool.h>
#include <stddef.h>
#include "clear.h"
#include "cpu.h"
#include "pagetable.h"
#include "purgatory.h"
#include "sha256.h"

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

__attribute__((noreturn)) static void fail(const char *what, uint64_t a, uint64_t b)
{
	serial_enable();        /* a reason on COM1 even without KTDX_FLAG_SERIAL_DEBUG */
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

/*
 * Everything a clear must not touch: our own sections, the page tables,
 * the report slot, the new kernel's segments (sha_regions), its
 * boot_params and entry.  The loader builds the clear list without them;
 * this catches a loader bug before it zeroes what we run on.
 */
static void check_ranges(const struct ktdx_params *p)
{
	struct area keep[8 + KTDX_MAX_SHA_REGIONS];
	unsigned n = 0;

	keep[n++] = (struct area){ addr_of(__purgatory_text_start), addr_of(__purgatory_text_end) };
	keep[n++] = (struct area){ addr_of(__purgatory_rodata_start), addr_of(__purgatory_rodata_end) };
	keep[n++] = (struct area){ addr_of(__purgatory_data_start), addr_of(__purgatory_data_end) };
	keep[n++] = (struct area){ addr_of(__purgatory_bss_start), addr_of(__purgatory_bss_end) };
	keep[n++] = (struct area){ p->pgtable_base, p->pgtable_base + p->pgtable_size };
	if (p->report)
		keep[n++] = (struct area){ p->report, p->report + sizeof(struct ktdx_report) };
	if (p->boot_params)
		keep[n++] = (struct area){ p->boot_params, p->boot_params + 4096 };
	keep[n++] = (struct area){ p->entry, p->entry + 1 };
	for (uint32_t i = 0; i < p->nr_sha_regions; i++)
		keep[n++] = (struct area){ p->sha_regions[i].start,
					   p->sha_regions[i].start + p->sha_regions[i].len };

	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct ktdx_range *r = &p->ranges[i];

		if (r->start > r->end || ((r->start | r->end) & PAGE_MASK) || r->end > p->map_top)
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

		if (r->len > p->map_top || r->start > p->map_top - r->len)
			fail("hashed region outside the map", r->start, r->len);
	}
	check_ranges(p);
}

static void setup_pagetables(const struct ktdx_params *p)
{
	bool la57 = read_cr4() & X86_CR4_LA57;
	bool gb = cpuid(0x80000000, 0).eax >= 0x80000001 &&
		  (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_PAGE1GB);
	uint64_t root;
	int r;

	r = pagetable_build((void *)(uintptr_t)p->pgtable_base, p->pgtable_base, p->pgtable_size,
			    p->map_top, gb, la57, &root);
	if (r == PAGETABLE_TOO_SMALL)
		fail("page-table area too small", p->pgtable_size,
		     pagetable_bytes(p->map_top, gb, la57));
	if (r < 0)
		fail("cannot build the identity map", p->pgtable_base, p->map_top);
	write_cr3(root);
	serial_puts(la57 ? "kexec-tdx purgatory: 5-level identity map, " :
		    "kexec-tdx purgatory: 4-level identity map, ");
	serial_puts(gb ? "1 GiB pages, up to " : "2 MiB pages, up to ");
	serial_put_hex(p->map_top);
	serial_puts("\n");
}

/* KTDX_VERIFY_OK or KTDX_VERIFY_SKIPPED; never returns on a mismatch. */
static uint32_t verify(const struct ktdx_params *p)
{
	struct sha256_ctx c;
	uint8_t digest[SHA256_DIGEST_SIZE];
	unsigned diff = 0;

	if (!p->nr_sha_regions)
		return KTDX_VERIFY_SKIPPED;
	sha256_init(&c);
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
 * we set it for the clear and put CR4 and XCR0 back afterwards.
 */
struct avx_state {
	bool on;
	uint64_t cr4, xcr0;
};

static bool avx_enable(struct avx_state *s)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	s->on = false;
	if (!(ecx & CPUID_1_ECX_XSAVE) || !(ecx & CPUID_1_ECX_AVX) || cpuid_max_leaf() < 0xd ||
	    (cpuid(0xd, 0).eax & (XCR0_SSE | XCR0_AVX)) != (XCR0_SSE | XCR0_AVX))
		return false;
	s->cr4 = read_cr4();
	write_cr4(s->cr4 | X86_CR4_OSXSAVE);
	s->xcr0 = xgetbv(0);
	xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_AVX);
	s->on = true;
	return true;
}

static void avx_restore(const struct avx_state *s)
{
	if (!s->on)
		return;
	xsetbv(0, s->xcr0);
	write_cr4(s->cr4);
}

void purgatory_main(void)
{
	const struct ktdx_params *p = &ktdx_params;
	struct cpuid_regs c7 = cpuid_7_0();
	struct ktdx_report rep;
	uint64_t t0, t1;

	if (p->flags & KTDX_FLAG_SERIAL_DEBUG)
		serial_enable();
	serial_puts("kexec-tdx purgatory: started\n");
	check_params(p);
	setup_pagetables(p);

	report_init(&rep);
	rep.action = p->action;
	rep.cpuid_7_ecx = c7.ecx;
	rep.cpuid_7_ebx = c7.ebx;

	t0 = rdtsc();
	rep.verify = verify(p);
	t1 = rdtsc();
	rep.tsc_verify = t1 - t0;

	if (p->action >= KTDX_ACTION_FLUSH) {
		/* after the old kernel's last write through a private KeyID (seed 000) */
		t0 = rdtsc();
		wbinvd();
		t1 = rdtsc();
		rep.tsc_flush = t1 - t0;
		rep.method = KTDX_METHOD_WBINVD;
	}
	if (p->action == KTDX_ACTION_CLEAR) {
		struct avx_state avx = { .on = false };
		enum clear_method m = clear_select(c7.ecx, p->flags, false);

		if (m != CLEAR_MOVDIR64B && avx_enable(&avx))
			m = clear_select(c7.ecx, p->flags, clear_avx_usable());
		rep.method = m == CLEAR_MOVDIR64B ? KTDX_METHOD_MOVDIR64B : KTDX_METHOD_NT_STORE;
		t0 = rdtsc();
		for (uint32_t i = 0; i < p->nr_ranges; i++) {
			const struct ktdx_range *r = &p->ranges[i];

			clear_range(m, (void *)(uintptr_t)r->start, r->end - r->start);
			rep.bytes_cleared += r->end - r->start;
		}
		sfence();
		t1 = rdtsc();
		avx_restore(&avx);
		rep.tsc_clear = t1 - t0;
		rep.nr_ranges = p->nr_ranges;
		serial_puts("kexec-tdx purgatory: clear method ");
		serial_puts(clear_method_name(m));
		serial_puts("\n");
	}
	if (p->report)
		report_store((void *)(uintptr_t)p->report, &rep);

	serial_puts("kexec-tdx purgatory: verify ");
	serial_puts(rep.verify == KTDX_VERIFY_OK ? "ok" : "skipped");
	serial_puts(", cleared ");
	serial_put_dec(rep.bytes_cleared);
	serial_puts(" bytes in ");
	serial_put_dec(rep.tsc_clear);
	serial_puts(" cycles\n");
	if (p->action >= KTDX_ACTION_FLUSH) {
		serial_puts("kexec-tdx purgatory: wbinvd took ");
		serial_put_dec(rep.tsc_flush);
		serial_puts(" cycles, verify ");
		serial_put_dec(rep.tsc_verify);
		serial_puts(" cycles\n");
	}
	serial_puts("kexec-tdx purgatory: jumping to ");
	serial_put_hex(p->entry);
	serial_puts("\n");
}
