/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * purgatory/purgatory.c, hosted (KTDX_CPU_STUBS): every privileged or
 * CPU-identifying instruction of purgatory/cpu.h is a function here that
 * counts its calls, so the tests assert exactly which instructions each
 * path executes.  The plain path (action none) must execute none at all,
 * whatever CPU flags the loader passed: no CPUID, RDTSC, control-register
 * or XCR0 access, no port I/O.  The flush and clear paths run on a fake
 * "physical" arena in this process: their page tables are built in it,
 * and the checks that must reset the machine are caught at
 * purgatory_reset().  (entry.S is checked by purgatory/check-purgatory.sh
 * from the disassembly, and in QEMU by purgatory/qemu/: the plain path
 * leaves CR3 and CR4 as the old kernel set them.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include "cpu.h"
#include "pagetable.h"
#include "purgatory.h"
#include "sha256.h"
#include "apic.h"
#include "smp.h"

#define PAGE 4096u

/*
 * The arena: the purgatory's four "sections" (their bounds are the
 * linker symbols purgatory.c checks), then room for tables, boot_params,
 * a kernel, and memory to clear.
 */
#define ARENA_PAGES     64
__asm__(".pushsection .bss\n"
	".balign 4096\n"
	".globl test_arena\n"
	"test_arena:\n"
	".globl __purgatory_text_start\n__purgatory_text_start:\n.skip 4096\n"
	".globl __purgatory_text_end\n__purgatory_text_end:\n"
	".globl __purgatory_rodata_start\n__purgatory_rodata_start:\n.skip 4096\n"
	".globl __purgatory_rodata_end\n__purgatory_rodata_end:\n"
	".globl __purgatory_data_start\n__purgatory_data_start:\n.skip 4096\n"
	".globl __purgatory_data_end\n__purgatory_data_end:\n"
	".globl __purgatory_bss_start\n__purgatory_bss_start:\n.skip 4096\n"
	".globl __purgatory_bss_end\n__purgatory_bss_end:\n"
	".skip (64 - 4) * 4096\n"
	".popsection\n");
extern uint8_t test_arena[];

/* page numbers in the arena */
#define PG_TABLES       4       /* 16 pages */
#define PG_BOOT         20      /* boot_params, the report at +16 */
#define PG_KERNEL       21      /* 8 pages, hashed */
#define PG_GUARD1       29
#define PG_CLEAR        30      /* 16 pages */
#define PG_GUARD2       46

static uint64_t at(unsigned page)
{
	return (uint64_t)(uintptr_t)(test_arena + (size_t)page * PAGE);
}

/* The counted instructions. */
static struct {
	unsigned cpuid, rdtsc, xgetbv, sfence, outb, inb, wbinvd, read_cr4, write_cr4, xsetbv,
		 write_cr3;
} calls;
static uint64_t cr3, tsc;
static char serial[4096];
static size_t serial_len;
static jmp_buf reset_jmp;
static unsigned resets;

struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	calls.cpuid++;
	return (struct cpuid_regs){ 0, 0, 0, 0 };
}

/* simulated CPUs between their SIPI and their slot claim: the clock waits for them */
static volatile int starting;

uint64_t rdtsc(void)
{
	while (starting > 0)
		sched_yield();
	__atomic_add_fetch(&calls.rdtsc, 1, __ATOMIC_SEQ_CST);
	return __atomic_add_fetch(&tsc, 1000, __ATOMIC_SEQ_CST);
}

uint64_t xgetbv(uint32_t index)
{
	calls.xgetbv++;
	return XCR0_X87 | XCR0_SSE | XCR0_AVX;
}

void sfence(void)
{
	calls.sfence++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* the UART's transmit register: base + 0 of a legacy port (0x3f8, 0x2f8, ...) */
static uint16_t serial_thr_port;

void outb(uint8_t v, uint16_t port)
{
	calls.outb++;
	if ((port & 0xfeef) == 0x2e8 && serial_len < sizeof(serial) - 1) {
		serial[serial_len++] = (char)v;
		serial_thr_port = port;
	}
}

uint8_t inb(uint16_t port)
{
	calls.inb++;
	return (port & 7) == 5 ? 0x20 : 0x03;           /* LSR: transmitter empty; LCR: 8N1 */
}

/* a simulated CPU whose WBINVD writes back a stale line over a hashed page */
static _Thread_local bool wbinvd_corrupts;

void wbinvd(void)
{
	__atomic_add_fetch(&calls.wbinvd, 1, __ATOMIC_SEQ_CST);
	if (wbinvd_corrupts)
		test_arena[(size_t)PG_KERNEL * PAGE + 100] ^= 0x5a;
}

uint64_t read_cr4(void)
{
	calls.read_cr4++;
	return X86_CR4_PAE;     /* 4-level paging */
}

void write_cr4(uint64_t v)
{
	calls.write_cr4++;
}

void xsetbv(uint32_t index, uint64_t v)
{
	calls.xsetbv++;
}

void write_cr3(uint64_t v)
{
	calls.write_cr3++;
	cr3 = v;
}

/*
 * Step 4's instructions (apic.h): without a trampoline in the parameters
 * the boot CPU clears alone and must touch no MSR, no APIC.  With one,
 * rdmsr answers as an x2APIC boot CPU with APIC id 0 would, and every
 * MSR write is recorded.
 */
static unsigned apic_calls;
static uint64_t apic_base_msr;
static struct { uint32_t msr; uint64_t v; } msr_writes[256];
static unsigned nr_msr_writes;

/* what X2APIC_ID reads on this thread: 0, the boot CPU, unless a test says */
static _Thread_local uint32_t x2apic_id;

/*
 * Simulated other CPUs, driven by the IPIs the boot CPU sends (wrmsr on
 * the x2APIC ICR): INIT puts one in wait-for-SIPI; a SIPI then runs the
 * page it names: the trampoline (a thread that runs WBINVD and ap_main(),
 * if the CPU answers) or, once the page holds park_start, the park code
 * (the CPU counts itself in park_count and halts).
 */
enum { SIM_HALTED_OLD, SIM_INIT, SIM_RUNNING, SIM_PARKED };
static struct sim_cpu {
	uint32_t id;
	bool answers, corrupts;
	int state;
	bool thread;
	pthread_t t;
} sims[4];
static unsigned nr_sims;
static volatile bool ap_kill;
static _Thread_local bool in_ap;
static uint64_t tramp_page;
static uint8_t tramp_seen[4096];        /* the page as the first SIPI found it */
static bool tramp_seen_set;
extern const char park_start[], park_end[], park_count[];

static void *sim_thread(void *arg)
{
	struct sim_cpu *c = arg;

	in_ap = true;
	x2apic_id = c->id;
	wbinvd_corrupts = c->corrupts;
	wbinvd();               /* trampoline.S's, before anything is written */
	ap_main(0);
	return NULL;
}

static void sim_ipi(uint32_t dest, uint32_t icr)
{
	for (unsigned i = 0; i < nr_sims; i++) {
		struct sim_cpu *c = &sims[i];

		if (c->id != dest)
			continue;
		if ((icr & 0x700) == APIC_DM_INIT && (icr & APIC_ICR_ASSERT)) {
			c->state = SIM_INIT;
		} else if ((icr & 0x700) == APIC_DM_STARTUP && c->state == SIM_INIT) {
			assert_int_equal((uint64_t)(icr & 0xff) << 12, tramp_page & 0xff000);
			if (!tramp_seen_set) {
				memcpy(tramp_seen, (void *)(uintptr_t)tramp_page, sizeof(tramp_seen));
				tramp_seen_set = true;
			}
			if (!memcmp((void *)(uintptr_t)tramp_page, park_start, 16)) {
				c->state = SIM_PARKED;
				(*(volatile uint32_t *)(uintptr_t)(tramp_page +
					(uint64_t)(park_count - park_start)))++;
			} else if (c->answers) {
				c->state = SIM_RUNNING;
				c->thread = true;
				__atomic_add_fetch(&starting, 1, __ATOMIC_SEQ_CST);
				assert_int_equal(pthread_create(&c->t, NULL, sim_thread, c), 0);
			}
		}
	}
}

/* End the simulated CPUs' threads (a reset leaves them waiting for the go). */
static void sims_join(void)
{
	ap_kill = true;
	for (unsigned i = 0; i < nr_sims; i++)
		if (sims[i].thread) {
			pthread_join(sims[i].t, NULL);
			sims[i].thread = false;
		}
	ap_kill = false;
}

uint64_t rdmsr(uint32_t msr)
{
	apic_calls++;
	switch (msr) {
	case MSR_IA32_APIC_BASE: return apic_base_msr;
	case X2APIC_ID: return x2apic_id;
	case MSR_EFER: return 0xd01;    /* SCE, LME, LMA, NXE */
	default: return 0;              /* X2APIC_ID 0, SVR 0 */
	}
}

void wrmsr(uint32_t msr, uint64_t v)
{
	apic_calls++;
	if (nr_msr_writes < 256)
		msr_writes[nr_msr_writes++] = (typeof(msr_writes[0])){ msr, v };
	if (msr == X2APIC_ICR)
		sim_ipi((uint32_t)(v >> 32), (uint32_t)v);
}

uint32_t mmio_read32(uint64_t addr)
{
	apic_calls++;
	return 0;
}

void mmio_write32(uint64_t addr, uint32_t v)
{
	apic_calls++;
}

/* A simulated CPU is past its slot claim: the clock may go on. */
static _Thread_local bool claim_noted;

static void sim_claimed(void)
{
	if (in_ap && !claim_noted) {
		claim_noted = true;
		__atomic_sub_fetch(&starting, 1, __ATOMIC_SEQ_CST);
	}
}

/* a simulated CPU's first PAUSE comes after its slot claim; ap_kill ends it */
void pause(void)
{
	if (!in_ap)
		return;
	sim_claimed();
	if (ap_kill)
		pthread_exit(NULL);
	sched_yield();
}

uint64_t read_cr0(void)
{
	return 0x80000011;
}

uint64_t read_cr3(void)
{
	return cr3;
}

/*
 * trampoline.S is not linked (its 16- and 32-bit code cannot run here):
 * its symbols in one block, as smp.c expects them, code bytes 0xf4 (HLT).
 */
__asm__(".pushsection .data\n"
	".globl trampoline_start, trampoline_end, tr_gdt, tr_32, tr_gdt_desc\n"
	".globl tr_jump32, tr_jump64, tr_cr0, tr_cr3, tr_cr4, tr_efer\n"
	"trampoline_start: .fill 32, 1, 0xf4\n"
	"tr_32: .fill 16, 1, 0xf4\n"
	"tr_gdt: .quad 0, 0, 0, 0\n"
	"tr_gdt_desc: .word 31\n .long 0\n .word 0\n"
	"tr_jump32: .long 0\n .word 8\n .word 0\n"
	"tr_jump64: .long 0\n .word 16\n .word 0\n"
	"tr_cr0: .long 0\n"
	"tr_cr3: .long 0\n"
	"tr_cr4: .long 0\n"
	"tr_efer: .long 0\n"
	"trampoline_end:\n"
	".globl park_start, park_count, park_end\n"
	"park_start: .byte 0xfa, 0xfc\n .fill 46, 1, 0xf4\n"
	".balign 4\n"
	"park_count: .long 0\n"
	".fill 192, 1, 0\n"
	"park_end:\n"
	".popsection\n");
volatile uint32_t ap_ticket;

void ap_entry64(void)
{
}

/* ap_main() on this thread ends here: back to the test, if one armed ap_jmp. */
static jmp_buf ap_jmp;
static bool ap_jmp_armed;

void ap_halt(void)
{
	if (in_ap) {
		sim_claimed();
		pthread_exit(NULL);
	}
	if (!ap_jmp_armed)
		abort();
	ap_jmp_armed = false;
	longjmp(ap_jmp, 1);
}

void purgatory_reset(void)
{
	resets++;
	longjmp(reset_jmp, 1);
}

static struct ktdx_report *report(void)
{
	return (struct ktdx_report *)(uintptr_t)(at(PG_BOOT) + 16);
}

/* A loader's parameter block over the arena; the digest covers the kernel pages. */
static void prepare(uint32_t action, uint32_t flags)
{
	struct ktdx_params *p = &ktdx_params;
	struct sha256_ctx c;

	memset(test_arena, 0, ARENA_PAGES * PAGE);
	memset(test_arena + (size_t)PG_KERNEL * PAGE, 0x4b, 8 * PAGE);
	memset(test_arena + (size_t)PG_GUARD1 * PAGE, 0xee, PAGE);
	memset(test_arena + (size_t)PG_CLEAR * PAGE, 0xc3, 16 * PAGE);
	memset(test_arena + (size_t)PG_GUARD2 * PAGE, 0xee, PAGE);
	memset(p, 0, sizeof(*p));
	p->magic = KTDX_PARAMS_MAGIC;
	p->version = KTDX_PARAMS_VERSION;
	p->size = sizeof(*p);
	p->entry = at(PG_KERNEL) + 0x200;
	p->boot_params = at(PG_BOOT);
	p->report = at(PG_BOOT) + 16;
	p->pgtable_base = at(PG_TABLES);
	p->pgtable_size = 16 * PAGE;
	p->action = action;
	p->flags = flags;
	p->nr_sha_regions = 2;
	p->sha_regions[0] = (struct ktdx_region){ at(PG_KERNEL), 8 * PAGE };
	p->sha_regions[1] = (struct ktdx_region){ at(PG_BOOT), 16 };
	sha256_init_blocks(&c, sha256_blocks_c);
	sha256_update(&c, (const void *)(uintptr_t)at(PG_KERNEL), 8 * PAGE);
	sha256_update(&c, (const void *)(uintptr_t)at(PG_BOOT), 16);
	sha256_final(&c, p->sha256);
	if (action == KTDX_ACTION_CLEAR) {
		p->nr_ranges = 1;
		p->ranges[0] = (struct ktdx_range){ at(PG_CLEAR), at(PG_CLEAR + 16) };
	}
	/* everything but the two guard pages */
	p->nr_map = 3;
	p->map[0] = (struct ktdx_range){ at(0), at(PG_GUARD1) };
	p->map[1] = (struct ktdx_range){ at(PG_CLEAR), at(PG_GUARD2) };
	p->map[2] = (struct ktdx_range){ at(PG_GUARD2 + 1), at(ARENA_PAGES) };
	/* the loader's list: this CPU alone, APIC id 0, the boot CPU */
	p->nr_cpus = 1;
	p->apic_ids[0] = 0;
	p->packages[0] = 0;
	p->boot_apic_id = 0;
	memset(&calls, 0, sizeof(calls));
	memset(sims, 0, sizeof(sims));
	nr_sims = 0;
	tramp_page = 0;
	tramp_seen_set = false;
	starting = 0;
	serial_disable();       /* serial.c keeps its switch from one run to the next */
	serial_len = 0;
	serial_thr_port = 0;
	memset(serial, 0, sizeof(serial));
	resets = 0;
	apic_calls = 0;
	apic_base_msr = 0;
	x2apic_id = 0;
	nr_msr_writes = 0;
	tsc = 0;
	cr3 = 0;
}

static bool run_main(uint64_t tsc0, uint64_t tsc1)
{
	if (setjmp(reset_jmp))
		return false;
	purgatory_main(tsc0, tsc1);
	return true;
}

/* purgatory_main(); true if it returned (the jump), false if it reset. */
static bool run(uint64_t tsc0, uint64_t tsc1)
{
	bool jumped = run_main(tsc0, tsc1);

	sims_join();
	return jumped;
}

/* A simulated other CPU with APIC id `id`. */
static void sim_add(uint32_t id, bool answers, bool corrupts)
{
	sims[nr_sims++] = (struct sim_cpu){ .id = id, .answers = answers, .corrupts = corrupts,
					    .state = SIM_HALTED_OLD };
}

/*
 * A clear with the CPUs ids[0..n) in packages pkgs[], this CPU `self`,
 * x2APIC, the trampoline at page 50, a 1 GHz TSC (the start wait is then
 * 2e6 stub cycles: quick, and time enough for the simulated CPUs, the
 * clock waits for them until they claim their slot anyway).
 */
static void prepare_cpus(unsigned n, const uint32_t *ids, const uint32_t *pkgs, uint32_t self,
			 uint32_t flags)
{
	struct ktdx_params *p = &ktdx_params;

	prepare(KTDX_ACTION_CLEAR, flags);
	p->trampoline = tramp_page = at(50);
	p->tsc_khz = 1000000;
	p->nr_cpus = n;
	p->clear_cpus = n;
	for (unsigned i = 0; i < n; i++) {
		p->apic_ids[i] = ids[i];
		p->packages[i] = pkgs[i];
	}
	x2apic_id = self;
	apic_base_msr = 0xfee00000 | APIC_BASE_ENABLE | APIC_BASE_X2APIC |
			(self == p->boot_apic_id ? APIC_BASE_BSP : 0);
}

static bool all(uint64_t start, uint64_t len, uint8_t v)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)start;

	for (uint64_t i = 0; i < len; i++)
		if (b[i] != v)
			return false;
	return true;
}

static const uint32_t every_cpu_flag = KTDX_FLAG_SHA_NI | KTDX_FLAG_SHA_SSE | KTDX_FLAG_MOVDIR64B |
				       KTDX_FLAG_AVX | KTDX_FLAG_GBPAGES | KTDX_FLAG_SERIAL_PROGRESS;

/* Action none: not one counted instruction, whatever the loader said the CPU has. */
static void test_plain_executes_nothing(void **state __attribute__((unused)))
{
	static const uint32_t flag_sets[] = { 0, every_cpu_flag };

	for (size_t i = 0; i < 2; i++) {
		prepare(KTDX_ACTION_NONE, flag_sets[i]);
		assert_true(run(0, 0));
		assert_int_equal(calls.cpuid, 0);
		assert_int_equal(calls.rdtsc, 0);
		assert_int_equal(calls.wbinvd, 0);
		assert_int_equal(calls.read_cr4, 0);
		assert_int_equal(calls.write_cr4, 0);
		assert_int_equal(calls.write_cr3, 0);
		assert_int_equal(calls.xgetbv, 0);
		assert_int_equal(calls.xsetbv, 0);
		assert_int_equal(calls.sfence, 0);
		assert_int_equal(calls.inb + calls.outb, 0);
		assert_int_equal(report()->magic, KTDX_REPORT_MAGIC);
		assert_int_equal(report()->version, KTDX_REPORT_VERSION);
		assert_int_equal(report()->action, KTDX_ACTION_NONE);
		assert_int_equal(report()->method, KTDX_METHOD_NONE);
		assert_int_equal(report()->verify, KTDX_VERIFY_OK);
		assert_int_equal(report()->sha256_path, KTDX_SHA_PATH_C);
		assert_int_equal(report()->paging, 0);
		assert_int_equal(report()->pgtable_bytes, 0);
		assert_int_equal(report()->tsc_verify + report()->tsc_flush + report()->tsc_clear, 0);
		/* the clear memory and the tables are untouched */
		assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
		assert_true(all(at(PG_TABLES), 16 * PAGE, 0));
	}
}

/* Action none with a bad digest: reset, no report. */
static void test_plain_bad_digest(void **state __attribute__((unused)))
{
	prepare(KTDX_ACTION_NONE, 0);
	ktdx_params.sha256[0] ^= 1;
	assert_false(run(0, 0));
	assert_int_equal(resets, 1);
	assert_int_equal(calls.cpuid, 0);
	assert_non_null(strstr(serial, "kexec-tdx purgatory: SHA-256 mismatch over the new kernel's segments"));
	assert_true(all(at(PG_BOOT) + 16, sizeof(struct ktdx_report), 0));
}

/* The serial log of the plain path, when asked for, is port I/O only. */
static void test_plain_serial(void **state __attribute__((unused)))
{
	prepare(KTDX_ACTION_NONE, KTDX_FLAG_SERIAL_DEBUG);
	assert_true(run(0, 0));
	assert_int_equal(calls.cpuid + calls.rdtsc + calls.write_cr3 + calls.read_cr4, 0);
	assert_non_null(strstr(serial, "kexec-tdx purgatory: plain path (verify in C on the kernel's map)\r\n"));
}

static uint64_t expected_table_bytes(void)
{
	uint64_t b;

	assert_int_equal(pagetable_bytes(ktdx_params.map, ktdx_params.nr_map,
					 ktdx_params.flags & KTDX_FLAG_GBPAGES, false, &b), PAGETABLE_OK);
	return b;
}

/* Clear: own tables of exactly the map, the paths the flags name, no CPUID. */
static void test_clear(void **state __attribute__((unused)))
{
	prepare(KTDX_ACTION_CLEAR, 0);
	assert_true(run(5000, 5250));
	assert_int_equal(calls.cpuid, 0);
	assert_int_equal(calls.wbinvd, 0);      /* entry.S's */
	assert_int_equal(calls.read_cr4, 1);    /* CR4.LA57 */
	assert_int_equal(calls.write_cr3, 1);
	assert_int_equal(cr3, at(PG_TABLES));
	assert_int_equal(calls.write_cr4 + calls.xgetbv + calls.xsetbv, 0);
	assert_int_equal(calls.rdtsc, 6);       /* around both verifies and the clear */
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	assert_true(all(at(PG_GUARD1), PAGE, 0xee));
	assert_true(all(at(PG_GUARD2), PAGE, 0xee));
	assert_true(all(at(PG_KERNEL), 8 * PAGE, 0x4b));
	assert_int_equal(report()->action, KTDX_ACTION_CLEAR);
	assert_int_equal(report()->method, KTDX_METHOD_NT_STORE);
	assert_int_equal(report()->verify, KTDX_VERIFY_OK);
	assert_int_equal(report()->sha256_path, KTDX_SHA_PATH_C);
	assert_int_equal(report()->paging, 4);
	assert_int_equal(report()->pgtable_bytes, expected_table_bytes());
	assert_int_equal(report()->tsc_flush, 250);
	assert_int_equal(report()->tsc_verify, 2000);
	assert_int_equal(report()->tsc_clear, 1000);
	assert_int_equal(report()->nr_ranges, 1);
	assert_int_equal(report()->bytes_cleared, 16 * PAGE);
	/* no trampoline: the boot CPU alone, one CPU entry after the header, no APIC touched */
	assert_int_equal(apic_calls, 0);
	assert_int_equal(report()->nr_cpus, 1);
	assert_int_equal(report()->cpus_used, 1);
	assert_int_equal(report()->size, KTDX_REPORT_SIZE(1));
	const struct ktdx_report_cpu *c = (const void *)(report() + 1);
	assert_int_equal(c->apic_id, 0);        /* the one listed CPU */
	assert_int_equal(c->status, KTDX_CPU_BOOT);
	assert_int_equal(c->bytes, 16 * PAGE);
	assert_int_equal(c->tsc_clear, 1000);
}

/* The AVX path turns on OSXSAVE and XCR0 around the clear and puts them back. */
static void test_clear_avx(void **state __attribute__((unused)))
{
	if (!__builtin_cpu_supports("avx"))
		skip();
	prepare(KTDX_ACTION_CLEAR, KTDX_FLAG_AVX | KTDX_FLAG_GBPAGES);
	assert_true(run(0, 0));
	assert_int_equal(calls.cpuid, 0);
	assert_int_equal(calls.read_cr4, 2);
	assert_int_equal(calls.write_cr4, 2);
	assert_int_equal(calls.xgetbv, 1);
	assert_int_equal(calls.xsetbv, 2);
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	assert_int_equal(report()->method, KTDX_METHOD_NT_AVX);
}

/* MOVDIR64B named but forbidden by KTDX_FLAG_NO_MOVDIR64B: NT stores. */
static void test_no_movdir64b(void **state __attribute__((unused)))
{
	prepare(KTDX_ACTION_CLEAR, KTDX_FLAG_MOVDIR64B | KTDX_FLAG_NO_MOVDIR64B);
	assert_true(run(0, 0));
	assert_int_equal(report()->method, KTDX_METHOD_NT_STORE);
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
}

/* Flush: tables and verify, nothing cleared. */
static void test_flush(void **state __attribute__((unused)))
{
	prepare(KTDX_ACTION_FLUSH, 0);
	assert_true(run(1, 2));
	assert_int_equal(calls.cpuid, 0);
	assert_int_equal(calls.write_cr3, 1);
	assert_int_equal(calls.rdtsc, 4);
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
	assert_int_equal(report()->method, KTDX_METHOD_WBINVD);
	assert_int_equal(report()->tsc_flush, 1);
	assert_int_equal(report()->bytes_cleared, 0);
	assert_int_equal(apic_calls, 0);
	assert_int_equal(report()->nr_cpus, 1);
	assert_int_equal(report()->cpus_used, 0);
}

/*
 * Step 4 in x2APIC mode, with APIC ids 0 (this CPU), 5 and 9 that never
 * answer: the SVR enable bit, INIT to both (no de-assert in x2APIC), two
 * rounds of ESR clear + SIPI with the trampoline's page as the vector;
 * after the start wait both are marked silent (no IPI: a CPU that comes
 * up later finds its slot taken and halts), the boot CPU clears every
 * byte, the trampoline becomes a halt loop and both get INIT to park
 * them; the report names both as no-start.
 */
static void test_smp_x2apic_no_answer(void **state __attribute__((unused)))
{
	struct ktdx_params *p = &ktdx_params;
	const uint64_t tramp = at(50);
	const uint32_t vec = (uint32_t)(tramp >> 12) & 0xff;

	prepare(KTDX_ACTION_CLEAR, 0);
	p->trampoline = tramp;
	p->tsc_khz = 1;                 /* delays of a few stub cycles */
	p->nr_cpus = 3;
	p->clear_cpus = 3;
	p->apic_ids[0] = 0;
	p->apic_ids[1] = 5;
	p->apic_ids[2] = 9;
	apic_base_msr = 0xfee00000 | APIC_BASE_ENABLE | APIC_BASE_X2APIC | APIC_BASE_BSP;
	tramp_page = tramp;
	sim_add(5, false, false);
	sim_add(9, false, false);
	assert_true(run(0, 0));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	assert_true(all(at(PG_GUARD1), PAGE, 0xee));
	assert_true(all(at(PG_GUARD2), PAGE, 0xee));

	static const uint32_t icr = X2APIC_ICR;
	const struct { uint32_t msr; uint64_t v; } want[] = {
		{ X2APIC_SVR, APIC_SVR_ENABLE | APIC_SVR_VECTOR },
		{ icr, (5ull << 32) | 0xc500 }, { icr, (9ull << 32) | 0xc500 },
		{ X2APIC_ESR, 0 }, { icr, (5ull << 32) | 0x600 | vec },
		{ X2APIC_ESR, 0 }, { icr, (9ull << 32) | 0x600 | vec },
		{ X2APIC_ESR, 0 }, { icr, (5ull << 32) | 0x600 | vec },
		{ X2APIC_ESR, 0 }, { icr, (9ull << 32) | 0x600 | vec },
		/* the park: INIT-SIPI-SIPI again, the page now the park page */
		{ icr, (5ull << 32) | 0xc500 }, { icr, (9ull << 32) | 0xc500 },
		{ X2APIC_ESR, 0 }, { icr, (5ull << 32) | 0x600 | vec },
		{ X2APIC_ESR, 0 }, { icr, (9ull << 32) | 0x600 | vec },
		{ X2APIC_ESR, 0 }, { icr, (5ull << 32) | 0x600 | vec },
		{ X2APIC_ESR, 0 }, { icr, (9ull << 32) | 0x600 | vec },
	};
	assert_int_equal(nr_msr_writes, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < nr_msr_writes; i++) {
		if (msr_writes[i].msr != want[i].msr || msr_writes[i].v != want[i].v)
			fail_msg("MSR write %u: 0x%x <- 0x%llx, expected 0x%x <- 0x%llx", i,
				 msr_writes[i].msr, (unsigned long long)msr_writes[i].v, want[i].msr,
				 (unsigned long long)want[i].v);
	}
	/*
	 * the trampoline: copied, its far pointers and control registers
	 * filled in, and at the end its first bytes the park code
	 */
	const uint8_t *t = (const uint8_t *)(uintptr_t)tramp;
	assert_memory_equal(t, park_start, (size_t)(park_count - park_start));
	assert_true(tramp_seen_set);
	t = tramp_seen;
	uint32_t v;
	memcpy(&v, t + (tr_jump32 - trampoline_start), 4);
	assert_int_equal(v, (uint32_t)(tramp + (uint64_t)(tr_32 - trampoline_start)));
	memcpy(&v, t + (tr_gdt_desc - trampoline_start) + 2, 4);
	assert_int_equal(v, (uint32_t)(tramp + (uint64_t)(tr_gdt - trampoline_start)));
	memcpy(&v, t + (tr_cr3 - trampoline_start), 4);
	assert_int_equal(v, (uint32_t)cr3);
	memcpy(&v, t + (tr_efer - trampoline_start), 4);
	assert_int_equal(v, 0x901);     /* LMA left to the CPU */

	const struct ktdx_report *r = report();
	const struct ktdx_report_cpu *c = (const void *)(r + 1);
	assert_int_equal(r->nr_cpus, 3);
	assert_int_equal(r->size, KTDX_REPORT_SIZE(3));
	assert_int_equal(r->cpus_used, 1);
	assert_int_equal(r->apic_mode, KTDX_APIC_X2APIC);
	assert_int_equal(r->bytes_cleared, 16 * PAGE);
	assert_int_equal(c[0].apic_id, 0);
	assert_int_equal(c[0].status, KTDX_CPU_BOOT);
	assert_int_equal(c[0].bytes, 16 * PAGE);
	assert_int_equal(c[1].apic_id, 5);
	assert_int_equal(c[1].status, KTDX_CPU_NO_START);
	assert_int_equal(c[1].bytes, 0);
	assert_int_equal(c[2].apic_id, 9);
	assert_int_equal(c[2].status, KTDX_CPU_NO_START);
}

/* ap_main() as CPU `id` would run it; true if it halted. */
static bool ap_run(uint32_t id)
{
	x2apic_id = id;
	ap_jmp_armed = true;
	if (setjmp(ap_jmp))
		return true;
	ap_main(0);
	return false;
}

/* A clear on two listed x2APIC CPUs, APIC ids id0 and id1, 1 kHz TSC. */
static void prepare_two_cpus(uint32_t id0, uint32_t id1, uint64_t apic_base)
{
	struct ktdx_params *p = &ktdx_params;

	prepare(KTDX_ACTION_CLEAR, 0);
	p->trampoline = at(50);
	p->tsc_khz = 1;
	p->nr_cpus = 2;
	p->clear_cpus = 2;
	p->apic_ids[0] = id0;
	p->apic_ids[1] = id1;
	apic_base_msr = apic_base;
}

/*
 * A CPU that comes up after the boot CPU gave up on it (APIC id 5 above,
 * whose SIPI took effect late) and one the loader never listed: each
 * halts at once, without writing memory or sending an IPI, although
 * its share is back in the state it was in before the clear.
 */
static void test_smp_late_start_halts(void **state __attribute__((unused)))
{
	prepare_two_cpus(0, 5, 0xfee00000 | APIC_BASE_ENABLE | APIC_BASE_X2APIC | APIC_BASE_BSP);
	assert_true(run(0, 0));
	assert_int_equal(((const struct ktdx_report_cpu *)(report() + 1))[1].status,
			 KTDX_CPU_NO_START);
	memset(test_arena + (size_t)PG_CLEAR * PAGE, 0xc3, 16 * PAGE);
	nr_msr_writes = 0;
	memset(&calls, 0, sizeof(calls));
	assert_true(ap_run(5));
	assert_true(ap_run(7));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
	assert_int_equal(nr_msr_writes, 0);
	assert_int_equal(calls.rdtsc + calls.write_cr4 + calls.xsetbv, 0);
}

/* This CPU not in the loader's list: the boot CPU alone, no IPI. */
static void test_smp_self_not_listed(void **state __attribute__((unused)))
{
	prepare_two_cpus(7, 8, 0xfee00000 | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	assert_true(run(0, 0));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	assert_int_equal(nr_msr_writes, 0);
	assert_int_equal(report()->nr_cpus, 1);
	assert_int_equal(report()->apic_mode, KTDX_APIC_NONE);
}

/*
 * DESIGN.md step 3: a CPU alone in its package does not answer, so no
 * CPU of package 1 ran WBINVD.  Unless the old kernel flushed every CPU
 * itself (or the loader waived the rule: crash load, --tdx-force), the
 * purgatory resets before anything is cleared; a loader that gave no
 * list at all is the same.
 */
static void test_package_not_flushed(void **state __attribute__((unused)))
{
	static const uint32_t ids[] = { 0, 5 }, pkgs[] = { 0, 1 };
	static const struct {
		uint32_t flags;
		unsigned nr_cpus;
		bool jumps;
	} cases[] = {
		{ 0, 2, false },
		{ KTDX_FLAG_KERNEL_FLUSHES_ALL, 2, true },
		{ KTDX_FLAG_NO_PACKAGE_RULE, 2, true },
		{ 0, 0, false },                /* no list */
		{ KTDX_FLAG_KERNEL_FLUSHES_ALL, 0, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prepare_cpus(2, ids, pkgs, 0, cases[i].flags);
		ktdx_params.nr_cpus = cases[i].nr_cpus;
		sim_add(5, false, false);
		assert_int_equal(run(0, 0), cases[i].jumps);
		if (cases[i].jumps) {
			assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
			continue;
		}
		assert_int_equal(resets, 1);
		assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
		if (!strstr(serial, cases[i].nr_cpus ?
			    "no CPU of a package ran WBINVD (package, APIC id of one of its CPUs) (0x1, 0x5)" :
			    "no CPU of a package ran WBINVD (package, APIC id of one of its CPUs) "
			    "(0xffffffff, 0xffffffff)"))
			fail_msg("case %zu: serial says \"%s\"", i, serial);
	}
}

/*
 * DESIGN.md step 4: the verify that counts comes after every CPU that
 * answered has flushed.  CPU 5's WBINVD writes a stale line back over
 * the kernel's pages (after the first verify passed): reset, nothing
 * cleared.
 */
static void test_flush_corrupts_after_verify(void **state __attribute__((unused)))
{
	static const uint32_t ids[] = { 0, 5 }, pkgs[] = { 0, 0 };

	prepare_cpus(2, ids, pkgs, 0, 0);
	sim_add(5, true, true);
	assert_false(run(0, 0));
	assert_int_equal(resets, 1);
	assert_non_null(strstr(serial, "SHA-256 mismatch over the new kernel's segments"));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
	assert_int_equal(calls.wbinvd, 1);
}

/* Was any ICR write addressed to APIC id `id`? */
static bool icr_to(uint32_t id)
{
	for (unsigned i = 0; i < nr_msr_writes; i++)
		if (msr_writes[i].msr == X2APIC_ICR && (uint32_t)(msr_writes[i].v >> 32) == id)
			return true;
	return false;
}

/*
 * DESIGN.md step 3: kexec -e ran on CPU 1 (APIC id 1), the boot CPU is
 * APIC id 0: it gets no INIT and no SIPI (INIT to it resets the
 * machine).  Its package is flushed by CPU 1; package 1 by CPU 2, which
 * clears its share.  With the boot CPU alone in its package, nothing
 * flushes that package: reset.
 */
static void test_boot_cpu_never_started(void **state __attribute__((unused)))
{
	static const uint32_t ids[] = { 0, 1, 2 }, pkgs[] = { 0, 0, 1 };
	const struct ktdx_report_cpu *c = (const void *)(report() + 1);

	prepare_cpus(3, ids, pkgs, 1, 0);
	sim_add(0, true, false);
	sim_add(2, true, false);
	assert_true(run(0, 0));
	assert_false(icr_to(0));
	assert_true(icr_to(2));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	assert_int_equal(sims[0].state, SIM_HALTED_OLD);
	assert_int_equal(report()->nr_cpus, 3);
	assert_int_equal(c[0].apic_id, 1);
	assert_int_equal(c[0].status, KTDX_CPU_BOOT);
	assert_int_equal(c[1].apic_id, 0);
	assert_int_equal(c[1].status, KTDX_CPU_NOT_STARTED);
	assert_int_equal(c[2].apic_id, 2);
	assert_int_equal(c[2].status, KTDX_CPU_CLEARED);
	assert_int_equal(c[0].bytes + c[2].bytes, 16 * PAGE);
	assert_int_equal(report()->cpus_used, 2);

	static const uint32_t ids2[] = { 0, 1 }, pkgs2[] = { 0, 1 };
	prepare_cpus(2, ids2, pkgs2, 1, 0);
	sim_add(0, true, false);
	assert_false(run(0, 0));
	assert_false(icr_to(0));
	assert_non_null(strstr(serial, "no CPU of a package ran WBINVD (package, APIC id of one of its "
			       "CPUs) (0x0, 0x0)"));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
}

/*
 * DESIGN.md step 6: every other CPU ends in the park page's HLT loop
 * (INIT, then a SIPI to the page that now holds park_start), none left
 * in INIT (wait-for-SIPI): the last IPI each got is a SIPI.
 */
static void test_park_in_hlt_loop(void **state __attribute__((unused)))
{
	static const uint32_t ids[] = { 0, 3, 4 }, pkgs[] = { 0, 0, 1 };

	prepare_cpus(3, ids, pkgs, 0, KTDX_FLAG_SERIAL_DEBUG);
	sim_add(3, true, false);
	sim_add(4, true, false);
	assert_true(run(0, 0));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	for (unsigned i = 0; i < nr_sims; i++)
		if (sims[i].state != SIM_PARKED)
			fail_msg("APIC id %u: state %d, not parked", sims[i].id, sims[i].state);
	for (unsigned k = 0; k < 2; k++) {
		uint64_t last = 0;

		for (unsigned i = 0; i < nr_msr_writes; i++)
			if (msr_writes[i].msr == X2APIC_ICR && (uint32_t)(msr_writes[i].v >> 32) == ids[k + 1])
				last = msr_writes[i].v;
		assert_int_equal(last & 0x700, APIC_DM_STARTUP);
	}
	assert_memory_equal((void *)(uintptr_t)tramp_page, park_start, (size_t)(park_count - park_start));
	assert_non_null(strstr(serial, "kexec-tdx purgatory: 2 other CPUs parked in the HLT loop"));
	/* the progress: every tenth, in order, the last ones cleared by the others */
	const char *pos = serial;
	for (unsigned pct = 10; pct <= 100; pct += 10) {
		char want[48];

		snprintf(want, sizeof(want), "kexec-tdx purgatory: clear %u %% (", pct);
		if (!(pos = strstr(pos, want)))
			fail_msg("no \"%s\" in order in \"%s\"", want, serial);
	}
	assert_int_equal(report()->cpus_used, 3);
}

/*
 * The clear's progress on the running kernel's serial console (the
 * loader found console=ttyS1: port 0x2f8), each 10 %, without the step
 * lines of KTDX_FLAG_SERIAL_DEBUG: sixteen one-page ranges give a line
 * after each decile is passed.  A flush prints none (nothing to clear).
 */
static void test_clear_progress(void **state __attribute__((unused)))
{
	struct ktdx_params *p = &ktdx_params;
	const char *at_pos;

	prepare(KTDX_ACTION_CLEAR, KTDX_FLAG_SERIAL_PROGRESS);
	p->serial_port = 0x2f8;
	p->nr_ranges = 16;
	for (unsigned i = 0; i < 16; i++)
		p->ranges[i] = (struct ktdx_range){ at(PG_CLEAR + i), at(PG_CLEAR + i + 1) };
	assert_true(run(0, 0));
	assert_true(all(at(PG_CLEAR), 16 * PAGE, 0));
	assert_int_equal(serial_thr_port, 0x2f8);
	assert_null(strstr(serial, "kexec-tdx purgatory: started"));
	at_pos = serial;
	for (unsigned pct = 10; pct <= 100; pct += 10) {
		char want[64];

		snprintf(want, sizeof(want), "kexec-tdx purgatory: clear %u %% (0 of 0 MiB)\r\n", pct);
		if (!(at_pos = strstr(at_pos, want)))
			fail_msg("no \"%s\" in order in \"%s\"", want, serial);
	}
	assert_null(strstr(serial, "clear 110 %"));

	prepare(KTDX_ACTION_FLUSH, KTDX_FLAG_SERIAL_PROGRESS);
	p->serial_port = 0x2f8;
	assert_true(run(0, 0));
	assert_int_equal(serial_len, 0);
}

/* Parameter blocks the purgatory must refuse (reset) before it clears or switches tables. */
static void test_refusals(void **state __attribute__((unused)))
{
	static const struct {
		const char *what, *says;
	} cases[] = {
		{ "range over the tables", "clear range overlaps memory the purgatory or the new kernel needs" },
		{ "range over the kernel", "clear range overlaps memory the purgatory or the new kernel needs" },
		{ "range over a guard (outside the map)", "clear range not 4 KiB aligned or outside the map" },
		{ "range not aligned", "clear range not 4 KiB aligned or outside the map" },
		{ "boot_params not mapped", "memory the purgatory or the new kernel needs is not in the map" },
		{ "own bss not mapped", "memory the purgatory or the new kernel needs is not in the map" },
		{ "map unsorted", "cannot build the identity map (map not sorted or not 4 KiB aligned)" },
		{ "tables too small", "page-table area too small" },
		{ "map beyond 128 TiB", "a map range is beyond what the paging mode can map" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ktdx_params *p = &ktdx_params;

		prepare(KTDX_ACTION_CLEAR, 0);
		switch (i) {
		case 0: p->ranges[0] = (struct ktdx_range){ at(PG_TABLES), at(PG_TABLES + 1) }; break;
		case 1: p->ranges[0] = (struct ktdx_range){ at(PG_KERNEL + 7), at(PG_KERNEL + 8) }; break;
		case 2: p->ranges[0] = (struct ktdx_range){ at(PG_CLEAR), at(PG_GUARD2 + 1) }; break;
		case 3: p->ranges[0].start += 64; break;
		case 4: p->map[0].end = at(PG_BOOT); break;
		case 5: p->map[0].start = at(4); break;
		case 6: {
			struct ktdx_range t = p->map[1];

			p->map[1] = p->map[2];
			p->map[2] = t;
			break;
		}
		case 7: p->pgtable_size = PAGE; break;
		case 8:
			p->map[3] = (struct ktdx_range){ 1ull << 47, (1ull << 47) + PAGE };
			p->nr_map = 4;
			break;
		}
		assert_false(run(0, 0));
		if (!strstr(serial, cases[i].says))
			fail_msg("%s: serial says \"%s\"", cases[i].what, serial);
		assert_int_equal(calls.cpuid, 0);
		/* nothing cleared, no tables loaded (the table checks come before CR3) */
		assert_true(all(at(PG_CLEAR), 16 * PAGE, 0xc3));
		assert_int_equal(calls.write_cr3, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_executes_nothing),
		cmocka_unit_test(test_plain_bad_digest),
		cmocka_unit_test(test_plain_serial),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_clear_avx),
		cmocka_unit_test(test_no_movdir64b),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_smp_x2apic_no_answer),
		cmocka_unit_test(test_smp_late_start_halts),
		cmocka_unit_test(test_smp_self_not_listed),
		cmocka_unit_test(test_package_not_flushed),
		cmocka_unit_test(test_flush_corrupts_after_verify),
		cmocka_unit_test(test_boot_cpu_never_started),
		cmocka_unit_test(test_park_in_hlt_loop),
		cmocka_unit_test(test_clear_progress),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
