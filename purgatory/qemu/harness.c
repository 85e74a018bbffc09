// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The C half of the QEMU harness (see harness-entry.S): fill ktdx_params
 * as the loader would, prepare memory with patterns and guards, and,
 * as the "new kernel", check everything the purgatory promised.  Results
 * go to COM1 as "HARNESS-..." lines and leave QEMU through isa-debug-exit
 * (port 0xf4): 0x10 passed, 0x20 failed, 0x30 skipped.
 *
 * Command line (multiboot, after the file name): "<4|5> <mode>", mode one of
 *   ok        CLEAR, every check
 *   nt        CLEAR with KTDX_FLAG_NO_MOVDIR64B
 *   flush     FLUSH only: the patterns must survive
 *   noverify  CLEAR with no digest (verify "skipped")
 *   badsha    a wrong digest: the purgatory must reset, never jump
 *   badrange  a clear range over the page tables: must reset
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>
#include "cpu.h"
#include "sha256.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define MAP_TOP (2 * GiB)               /* QEMU -m 2048 */
#define GUARD 4096

extern struct ktdx_params ktdx_params;
extern char __purgatory_text_start[], __purgatory_text_end[];
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
	p->pgtable_size = ktdx_pgtable_bytes(MAP_TOP);
	p->map_top = MAP_TOP;
	p->action = streq(mode, "flush") ? KTDX_ACTION_FLUSH : KTDX_ACTION_CLEAR;
	p->flags = KTDX_FLAG_SERIAL_DEBUG | (streq(mode, "nt") ? KTDX_FLAG_NO_MOVDIR64B : 0);
	if (p->action == KTDX_ACTION_CLEAR) {
		p->nr_ranges = NCLEARS;
		for (size_t i = 0; i < NCLEARS; i++)
			p->ranges[i] = (struct ktdx_range){ clears[i].start,
							    clears[i].start + clears[i].len };
	}
	if (streq(mode, "badrange"))
		p->ranges[1] = (struct ktdx_range){ p->pgtable_base, p->pgtable_base + 4096 };
	if (!streq(mode, "noverify")) {
		p->nr_sha_regions = 3;
		p->sha_regions[0] = (struct ktdx_region){ (uint64_t)(uintptr_t)__purgatory_text_start,
			(uint64_t)(__purgatory_text_end - __purgatory_text_start) };
		p->sha_regions[1] = (struct ktdx_region){ p->boot_params, sizeof(boot_params) };
		p->sha_regions[2] = (struct ktdx_region){ initrd.start, initrd.len };
		sha256_init_impl(&c, SHA256_IMPL_C);     /* no SSE yet: CR4.OSFXSR is clear */
		for (unsigned i = 0; i < p->nr_sha_regions; i++)
			sha256_update(&c, (const void *)(uintptr_t)p->sha_regions[i].start,
				      p->sha_regions[i].len);
		sha256_final(&c, p->sha256);
		if (streq(mode, "badsha"))
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

void harness_kernel_main(void)
{
	const struct ktdx_params *p = &ktdx_params;
	const struct ktdx_report *r = (const struct ktdx_report *)(report_slot + 16);
	bool cleared = p->action == KTDX_ACTION_CLEAR;
	uint64_t cr4 = read_cr(4), total = 0;
	static const char *const names[16] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
		"r9", "r10", "r11", "r12", "r13", "r14", "r15", "rsp",
	};

	puts_("HARNESS-KERNEL entered\n");
	if (streq(mode, "badsha") || streq(mode, "badrange"))
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
	check(cr4 & (1 << 9), "CR4.OSFXSR", cr4);
	check(!(cr4 & (1 << 18)), "CR4.OSXSAVE left set", cr4);
	check((read_cr(3) & ~0xfffull) == p->pgtable_base, "CR3 not the purgatory's tables", read_cr(3));

	for (size_t i = 0; i < NCLEARS; i++) {
		int64_t bad = find_not(clears[i].start, clears[i].len, cleared ? 0 : clears[i].fill);

		check(bad < 0, cleared ? "range not cleared at" : "range changed by a flush at",
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
	check(r->size == sizeof(*r), "report size", r->size);
	check(r->action == p->action, "report action", r->action);
	check(r->verify == (streq(mode, "noverify") ? KTDX_VERIFY_SKIPPED : KTDX_VERIFY_OK),
	      "report verify", r->verify);
	if (cleared) {
		bool movdir = (r->cpuid_7_ecx & (1u << 28)) && !streq(mode, "nt");

		check(r->method == (movdir ? KTDX_METHOD_MOVDIR64B : KTDX_METHOD_NT_STORE),
		      "report method", r->method);
		check(r->nr_ranges == NCLEARS, "report nr_ranges", r->nr_ranges);
		check(r->bytes_cleared == total, "report bytes_cleared", r->bytes_cleared);
		check(r->tsc_clear > 0, "report tsc_clear", r->tsc_clear);
	} else {
		check(r->method == KTDX_METHOD_WBINVD, "report method", r->method);
		check(r->nr_ranges == 0 && r->bytes_cleared == 0, "report cleared something",
		      r->bytes_cleared);
	}
	check(r->cpuid_7_ecx == cpuid_7_0().ecx, "report cpuid_7_ecx", r->cpuid_7_ecx);

	if (failures) {
		puts_("HARNESS-RESULT fail\n");
		leave(0x20);
	}
	puts_("HARNESS-RESULT ok method=");
	put_hex(r->method);
	puts_(" bytes=");
	put_hex(r->bytes_cleared);
	puts_(" tsc_clear=");
	put_hex(r->tsc_clear);
	puts_("\n");
	leave(0x10);
}
