// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The C half of the QEMU harness (see harness-entry.S): fill ktdx_params
 * as the loader would, prepare memory with patterns and guards, and,
 * as the "new kernel", check everything the purgatory promised.  Results
 * go to COM1 as "HARNESS-..." lines and leave QEMU through isa-debug-exit
 * (port 0xf4): 0x10 passed, 0x20 failed, 0x30 skipped.
 *
 * The harness plays the loader too: it runs CPUID (the purgatory must
 * not) and passes the SHA-256 and clear paths and 1 GiB pages as
 * KTDX_FLAG_*, and the map list: its own image (which holds the
 * purgatory, the page-table area, boot_params and the report), the
 * ranges to clear and the "initrd", not the guard pages around them.
 *
 * Command line (multiboot, after the file name): "<4|5> <mode>", mode one of
 *   ok        CLEAR, every check
 *   nt        CLEAR with KTDX_FLAG_NO_MOVDIR64B
 *   shasse    CLEAR, the SSE4.1+BMI2 SHA-256 path even if the CPU has SHA-NI
 *   flush     FLUSH only: the patterns must survive
 *   noverify  CLEAR with no digest (verify "skipped")
 *   plain     action NONE with every CPU flag passed: C only, no own tables,
 *             CR3 and CR4 as the "old kernel" left them
 *   badsha    a wrong digest: the purgatory must reset, never jump
 *   plainbadsha  the same on the plain path
 *   badrange  a clear range over the page tables: must reset
 *   badmap    the report's page left out of the map: must reset
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>
#include "cpu.h"
#include "pagetable.h"
#include "sha256.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define GUARD 4096

extern struct ktdx_params ktdx_params;
extern char __purgatory_text_start[], __purgatory_text_end[];
extern char harness_image_start[], harness_image_end[];
extern uint8_t pml4[], pml5[];
extern uint32_t mb_info, la57_on, la57_requested;
extern uint64_t harness_regs[16], harness_rflags;
extern uint16_t harness_segs[6];
void harness_kernel_entry(void);
void harness_main(uint32_t info);
void harness_kernel_main(void);

static uint8_t boot_params[4096] __attribute__((aligned(4096))) = { 'B', 'O', 'O', 'T' };
static uint8_t report_slot[4096] __attribute__((aligned(4096)));
static uint8_t pgtables[64 * 1024] __attribute__((aligned(4096)));
static char mode[32];

struct region {
	uint64_t start, len;
	uint8_t fill;
};

/* What the purgatory must clear; the bytes around each are guards. */
static const struct region clears[] = {
	{ 1 * GiB, 16 * MiB, 0xa5 },
	{ 0x20001000, 64 * 1024, 0x5a },
	{ 0x7f000000, 1 * MiB, 0xc3 },
};
#define NCLEARS (sizeof(clears) / sizeof(clears[0]))
/* An "initrd": hashed, must come through untouched. */
static const struct region initrd = { 0x30000000, 1 * MiB, 0x77 };

static void outb_(uint8_t v, uint16_t port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void puts_(const char *s)
{
	for (; *s; s++)
		outb_((uint8_t)*s, 0x3f8);
}

static void put_hex(uint64_t v)
{
	char buf[19];
	int i = 18;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	puts_(buf + i);
}

__attribute__((noreturn)) static void leave(uint8_t code)
{
	outb_(code, 0xf4);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The loader's part: paths from CPUID (cpuinfo, in the real loader). */
static uint32_t cpu_flags(void)
{
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid_7_0();
	bool ssse3 = l1.ecx & CPUID_1_ECX_SSSE3, sse41 = l1.ecx & CPUID_1_ECX_SSE41;
	uint32_t f = 0;

	if ((l7.ebx & CPUID_7_EBX_SHA) && ssse3 && sse41)
		f |= KTDX_FLAG_SHA_NI;
	if ((l7.ebx & CPUID_7_EBX_BMI2) && ssse3 && sse41)
		f |= KTDX_FLAG_SHA_SSE;
	if (l7.ecx & CPUID_7_ECX_MOVDIR64B)
		f |= KTDX_FLAG_MOVDIR64B;
	if ((l1.ecx & CPUID_1_ECX_AVX) && (l1.ecx & CPUID_1_ECX_XSAVE))
		f |= KTDX_FLAG_AVX;
	if (cpuid(0x80000000, 0).eax >= 0x80000001 &&
	    (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_PAGE1GB))
		f |= KTDX_FLAG_GBPAGES;
	return f;
}

/* Insert [s, e) into the sorted map. */
static void map_add(struct ktdx_params *p, uint64_t s, uint64_t e)
{
	uint32_t i = p->nr_map;

	while (i && p->map[i - 1].start > s) {
		p->map[i] = p->map[i - 1];
		i--;
	}
	p->map[i] = (struct ktdx_range){ s, e };
	p->nr_map++;
}

static void fill(uint64_t start, uint64_t len, uint8_t v)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)start;

	for (uint64_t i = 0; i < len; i++)
		p[i] = v;
}

/* The first offset in [start, start+len) not equal to v, or -1. */
static int64_t find_not(uint64_t start, uint64_t len, uint8_t v)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)start;

	for (uint64_t i = 0; i < len; i++)
		if (p[i] != v)
			return (int64_t)i;
	return -1;
}

void harness_main(uint32_t info)
{
	struct ktdx_params *p = &ktdx_params;
	const char *cmd = (info && (*(uint32_t *)(uintptr_t)info & 4)) ?
			  (const char *)(uintptr_t)((uint32_t *)(uintptr_t)info)[4] : "harness 4 ok";
	struct sha256_ctx c;
	size_t n = 0;

	/* QEMU passes "FILE ARGS...": skip the file name and the paging digit */
	for (int skip = 0; skip < 2; skip++) {
		while (*cmd && *cmd != ' ')
			cmd++;
		while (*cmd == ' ')
			cmd++;
	}
	while (*cmd && *cmd != ' ' && n < sizeof(mode) - 1)
		mode[n++] = *cmd++;
	mode[n] = 0;
	puts_("HARNESS-START mode=");
	puts_(mode);
	puts_(la57_on ? " paging=5\n" : " paging=4\n");
	if (la57_requested && !la57_on) {
		puts_("HARNESS-SKIP this CPU has no LA57\n");
		leave(0x30);
	}

	for (size_t i = 0; i < NCLEARS; i++) {
		fill(clears[i].start - GUARD, GUARD, 0xee);
		fill(clears[i].start, clears[i].len, clears[i].fill);
		fill(clears[i].start + clears[i].len, GUARD, 0xee);
	}
	fill(initrd.start, initrd.len, initrd.fill);

	/* as the loader does (kexec/load.c), the parameter block written whole */
	for (size_t i = 0; i < sizeof(*p); i++)
		((volatile uint8_t *)p)[i] = 0;
	p->magic = KTDX_PARAMS_MAGIC;
	p->version = KTDX_PARAMS_VERSION;
	p->size = sizeof(*p);
	p->entry = (uint64_t)(uintptr_t)harness_kernel_entry;
	p->boot_params = (uint64_t)(uintptr_t)boot_params;
	p->report = (uint64_t)(uintptr_t)report_slot + 16;  /* after a setup_data header */
	p->pgtable_base = (uint64_t)(uintptr_t)pgtables;
	p->pgtable_size = sizeof(pgtables);
	p->action = streq(mode, "flush") ? KTDX_ACTION_FLUSH :
		    streq(mode, "plain") || streq(mode, "plainbadsha") ? KTDX_ACTION_NONE :
		    KTDX_ACTION_CLEAR;
	p->flags = KTDX_FLAG_SERIAL_DEBUG | cpu_flags() |
		   (streq(mode, "nt") ? KTDX_FLAG_NO_MOVDIR64B : 0);
	if (streq(mode, "shasse"))
		p->flags &= ~KTDX_FLAG_SHA_NI;
	/* the loader's list: this CPU alone (one package: the package rule holds) */
	p->nr_cpus = 1;
	p->apic_ids[0] = 0;
	p->packages[0] = 0;
	if (p->action == KTDX_ACTION_CLEAR) {
		p->nr_ranges = NCLEARS;
		for (size_t i = 0; i < NCLEARS; i++)
			p->ranges[i] = (struct ktdx_range){ clears[i].start,
							    clears[i].start + clears[i].len };
	}
	map_add(p, (uint64_t)(uintptr_t)harness_image_start, (uint64_t)(uintptr_t)harness_image_end);
	for (size_t i = 0; i < NCLEARS; i++)
		map_add(p, clears[i].start, clears[i].start + clears[i].len);
	map_add(p, initrd.start, initrd.start + initrd.len);
	if (streq(mode, "badmap")) {
		/* the image without the report's page */
		uint64_t rp = (uint64_t)(uintptr_t)report_slot;

		p->map[0].end = rp;
		map_add(p, rp + 4096, (uint64_t)(uintptr_t)harness_image_end);
	}
	for (int la57 = 0; la57 < 2; la57++) {
		uint64_t need = 0;

		if (pagetable_bytes(p->map, p->nr_map, p->flags & KTDX_FLAG_GBPAGES, la57, &need) ||
		    need > sizeof(pgtables)) {
			puts_("HARNESS-FAIL the page-table area is too small\n");
			leave(0x20);
		}
	}
	if (streq(mode, "badrange"))
		p->ranges[1] = (struct ktdx_range){ p->pgtable_base, p->pgtable_base + 4096 };
	if (!streq(mode, "noverify")) {
		p->nr_sha_regions = 3;
		p->sha_regions[0] = (struct ktdx_region){ (uint64_t)(uintptr_t)__purgatory_text_start,
			(uint64_t)(__purgatory_text_end - __purgatory_text_start) };
		p->sha_regions[1] = (struct ktdx_region){ p->boot_params, sizeof(boot_params) };
		p->sha_regions[2] = (struct ktdx_region){ initrd.start, initrd.len };
		sha256_init_blocks(&c, sha256_blocks_c);        /* no SSE yet: CR4.OSFXSR is clear */
		for (unsigned i = 0; i < p->nr_sha_regions; i++)
			sha256_update(&c, (const void *)(uintptr_t)p->sha_regions[i].start,
				      p->sha_regions[i].len);
		sha256_final(&c, p->sha256);
		if (streq(mode, "badsha") || streq(mode, "plainbadsha"))
			p->sha256[7] ^= 1;
	}
	puts_("HARNESS-ENTER purgatory\n");
}

static int failures;

static void check(bool ok, const char *what, uint64_t v)
{
	if (ok)
		return;
	failures++;
	puts_("HARNESS-FAIL ");
	puts_(what);
	puts_(" ");
	put_hex(v);
	puts_("\n");
}

static uint64_t read_cr(int n)
{
	uint64_t v = 0;

	if (n == 3)
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* Walk the tables at root as the MMU would: -1 if va is not mapped. */
static int64_t translate(uint64_t root, uint64_t va, bool la57)
{
	uint64_t table = root & PTE_ADDR_MASK;

	for (int level = la57 ? 5 : 4; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e = ((const volatile uint64_t *)(uintptr_t)table)[(va >> shift) & 511];

		if (!(e & PTE_P))
			return -1;
		if (level == 1 || (e & PTE_PS)) {
			uint64_t mask = (1ull << shift) - 1;

			return (int64_t)((e & PTE_ADDR_MASK & ~mask) | (va & mask));
		}
		table = e & PTE_ADDR_MASK;
	}
	return -1;
}

static void check_mapped(uint64_t root, uint64_t va, bool want)
{
	int64_t pa = translate(root, va, la57_on);

	check(want ? pa == (int64_t)va : pa == -1,
	      want ? "purgatory tables: not mapped 1:1" : "purgatory tables: mapped although outside the map",
	      va);
}

void harness_kernel_main(void)
{
	const struct ktdx_params *p = &ktdx_params;
	const struct ktdx_report *r = (const struct ktdx_report *)(report_slot + 16);
	bool cleared = p->action == KTDX_ACTION_CLEAR, plain = p->action == KTDX_ACTION_NONE;
	uint64_t cr4 = read_cr(4), cr3 = read_cr(3), total = 0;
	uint64_t own = (uint64_t)(uintptr_t)(la57_on ? pml5 : pml4);
	static const char *const names[16] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
		"r9", "r10", "r11", "r12", "r13", "r14", "r15", "rsp",
	};

	puts_("HARNESS-KERNEL entered\n");
	if (streq(mode, "badsha") || streq(mode, "badrange") || streq(mode, "badmap") ||
	    streq(mode, "plainbadsha"))
		check(false, "the purgatory jumped although it must reset", 0);
	for (int i = 0; i < 15; i++)
		check(i == 4 ? harness_regs[i] == p->boot_params : harness_regs[i] == 0, names[i],
		      harness_regs[i]);
	check(harness_segs[0] == 0x10, "cs", harness_segs[0]);
	for (int i = 1; i < 6; i++)
		check(harness_segs[i] == 0x18, "data segment", harness_segs[i]);
	check(!(harness_rflags & (1 << 9)), "IF set", harness_rflags);
	check(!(harness_rflags & (1 << 10)), "DF set", harness_rflags);
	check(cr4 & (1 << 5), "CR4.PAE", cr4);
	check(!!(cr4 & (1 << 12)) == !!la57_on, "CR4.LA57 changed", cr4);
	check(!(cr4 & (1 << 18)), "CR4.OSXSAVE left set", cr4);
	if (plain) {
		/* no control register written, the old kernel's map kept */
		check(!(cr4 & (1 << 9)), "plain path: CR4.OSFXSR set", cr4);
		check((cr3 & PTE_ADDR_MASK) == own, "plain path: CR3 changed", cr3);
	} else {
		check(cr4 & (1 << 9), "CR4.OSFXSR", cr4);
		check((cr3 & PTE_ADDR_MASK) == p->pgtable_base, "CR3 not the purgatory's tables", cr3);
		/* the purgatory's tables map exactly the list: the ranges, not the guards */
		for (size_t i = 0; i < NCLEARS; i++) {
			uint64_t s = clears[i].start, e = s + clears[i].len;

			check_mapped(cr3, s, true);
			check_mapped(cr3, e - 1, true);
			check_mapped(cr3, s - 1, false);
			check_mapped(cr3, s - GUARD, false);
			check_mapped(cr3, e, false);
			check_mapped(cr3, e + GUARD - 1, false);
		}
		check_mapped(cr3, initrd.start, true);
		check_mapped(cr3, initrd.start + initrd.len, false);
		check_mapped(cr3, (uint64_t)(uintptr_t)harness_image_start, true);
		check_mapped(cr3, (uint64_t)(uintptr_t)harness_image_end - 1, true);
		check_mapped(cr3, (uint64_t)(uintptr_t)harness_image_end, false);
		check_mapped(cr3, 0, false);
		check_mapped(cr3, 0xb8000, false);              /* VGA, a hole */
		check_mapped(cr3, 0xfee00000, false);           /* the local APIC */
		check_mapped(cr3, 3 * GiB, false);
		/* the guards are read below: back to our own tables */
		__asm__ volatile("mov %0, %%cr3" : : "r"(own) : "memory");
	}

	for (size_t i = 0; i < NCLEARS; i++) {
		int64_t bad = find_not(clears[i].start, clears[i].len, cleared ? 0 : clears[i].fill);

		check(bad < 0, cleared ? "range not cleared at" : "range changed at",
		      clears[i].start + (uint64_t)bad);
		check(find_not(clears[i].start - GUARD, GUARD, 0xee) < 0, "guard below changed",
		      clears[i].start);
		check(find_not(clears[i].start + clears[i].len, GUARD, 0xee) < 0, "guard above changed",
		      clears[i].start + clears[i].len);
		total += clears[i].len;
	}
	check(find_not(initrd.start, initrd.len, initrd.fill) < 0, "initrd changed", initrd.start);
	check(boot_params[0] == 'B', "boot_params changed", boot_params[0]);

	check(r->magic == KTDX_REPORT_MAGIC, "report magic", r->magic);
	check(r->version == KTDX_REPORT_VERSION, "report version", r->version);
	/* the plain path writes no CPU entry; flush and clear one, the boot CPU alone (no trampoline) */
	check(r->nr_cpus == (p->action == KTDX_ACTION_NONE ? 0u : 1u), "report nr_cpus", r->nr_cpus);
	check(r->size == KTDX_REPORT_SIZE(r->nr_cpus), "report size", r->size);
	if (r->nr_cpus) {
		const struct ktdx_report_cpu *c = (const struct ktdx_report_cpu *)(r + 1);

		check(c->status == KTDX_CPU_BOOT, "report cpus[0].status", c->status);
		check(c->bytes == r->bytes_cleared, "report cpus[0].bytes", c->bytes);
		check(r->cpus_used == (p->action == KTDX_ACTION_CLEAR ? 1u : 0u), "report cpus_used",
		      r->cpus_used);
	}
	check(r->action == p->action, "report action", r->action);
	check(r->verify == (streq(mode, "noverify") ? KTDX_VERIFY_SKIPPED : KTDX_VERIFY_OK),
	      "report verify", r->verify);
	if (r->verify == KTDX_VERIFY_OK) {
		uint32_t want = plain ? KTDX_SHA_PATH_C :
				(p->flags & KTDX_FLAG_SHA_NI) ? KTDX_SHA_PATH_NI :
				(p->flags & KTDX_FLAG_SHA_SSE) ? KTDX_SHA_PATH_SSE : KTDX_SHA_PATH_C;

		check(r->sha256_path == want, "report sha256_path", r->sha256_path);
	} else {
		check(r->sha256_path == KTDX_SHA_PATH_NONE, "report sha256_path", r->sha256_path);
	}
	if (plain) {
		check(r->method == KTDX_METHOD_NONE, "report method", r->method);
		check(r->paging == 0 && r->pgtable_bytes == 0, "report paging", r->paging);
		check(r->tsc_flush == 0 && r->tsc_verify == 0, "report: the plain path read the TSC",
		      r->tsc_verify);
	} else {
		uint64_t need = 0;

		pagetable_bytes(p->map, p->nr_map, p->flags & KTDX_FLAG_GBPAGES, la57_on, &need);
		check(r->paging == (la57_on ? 5 : 4), "report paging", r->paging);
		check(r->pgtable_bytes == need, "report pgtable_bytes", r->pgtable_bytes);
		check(r->tsc_flush > 0, "report tsc_flush", r->tsc_flush);
	}
	if (cleared) {
		bool movdir = (p->flags & KTDX_FLAG_MOVDIR64B) && !streq(mode, "nt");
		uint32_t nt = p->flags & KTDX_FLAG_AVX ? KTDX_METHOD_NT_AVX : KTDX_METHOD_NT_STORE;

		check(r->method == (movdir ? KTDX_METHOD_MOVDIR64B : nt), "report method", r->method);
		check(r->nr_ranges == NCLEARS, "report nr_ranges", r->nr_ranges);
		check(r->bytes_cleared == total, "report bytes_cleared", r->bytes_cleared);
		check(r->tsc_clear > 0, "report tsc_clear", r->tsc_clear);
	} else if (!plain) {
		check(r->method == KTDX_METHOD_WBINVD, "report method", r->method);
		check(r->nr_ranges == 0 && r->bytes_cleared == 0, "report cleared something",
		      r->bytes_cleared);
	}

	if (failures) {
		puts_("HARNESS-RESULT fail\n");
		leave(0x20);
	}
	puts_("HARNESS-RESULT ok method=");
	put_hex(r->method);
	puts_(" sha256=");
	put_hex(r->sha256_path);
	puts_(" paging=");
	put_hex(r->paging);
	puts_(" pgtable_bytes=");
	put_hex(r->pgtable_bytes);
	puts_(" bytes=");
	put_hex(r->bytes_cleared);
	puts_(" tsc_clear=");
	put_hex(r->tsc_clear);
	puts_("\n");
	leave(0x10);
}
