// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The other CPUs (DESIGN.md "Purgatory", steps 3, 5 and 6, and "Facts
 * for starting the other CPUs"; doc/purgatory.md says why each step is
 * as it is).  purgatory.c calls smp_start() (stages 1-2), checks the
 * packages (smp_packages_flushed()) and verifies again, then
 * smp_finish() (stages 3-6):
 *
 *  1. start: INIT, 10 ms, SIPI, 200 us, SIPI to every APIC id the loader
 *     listed but this CPU's own and the boot CPU's (Linux's CPU 0, when
 *     another CPU runs the purgatory: INIT to it resets the machine,
 *     which is why Linux never sends it one), all CPUs at once (the
 *     kernel's wakeup_secondary_cpu_via_init() sequence).  Each comes up
 *     through trampoline.S on our page tables and runs WBINVD before it
 *     writes anything, then claims its slot (AP_STARTED) and waits for
 *     the go.
 *  2. wait for the starts, until every started CPU has claimed its slot
 *     or START_WAIT_MS have passed.  A CPU still silent then is marked
 *     AP_SILENT with the same compare-and-exchange the CPU claims with,
 *     so exactly one of the two wins: a CPU that comes up later finds its
 *     slot taken and halts without writing anything.
 *     Then purgatory.c asks whether every package has a CPU that ran
 *     WBINVD and verifies the segments again: both before the go.
 *  3. the go: nothing is cleared before every CPU that answered has run
 *     its WBINVD.  WBINVD writes back the caches of its own package only,
 *     and a dirty line of a TDX private KeyID is, for the cache, another
 *     address than the one a clear writes: written back after the clear,
 *     it would undo it.
 *  4. the boot CPU clears share 0, then the shares of the silent CPUs.
 *  5. the others: wait until three times as long as share 0 took, at
 *     least FINISH_WAIT_MS, after the boot CPU is done.  A CPU not done
 *     by then gets INIT, which stops it wherever it is (SDM vol. 3A, 9.1:
 *     INIT leaves it waiting for a SIPI), and the boot CPU clears the
 *     rest of its share from the progress it last published.
 *  6. park: the trampoline page becomes the park page (trampoline.S,
 *     park_start), and every CPU of stage 1 gets INIT-SIPI-SIPI again:
 *     it ends in a real-mode HLT loop with interrupts off in that page,
 *     as Linux's kexec leaves its CPUs halted (stop_this_cpu()), not in
 *     wait-for-SIPI (Linux 6.5 parked CPUs in INIT at shutdown and 6.6
 *     reverted it, commit fbe1bf1e5ff1: SMI handlers that wait for every
 *     thread hang).  The new kernel's INIT-SIPI-SIPI starts it from there.
 *
 * CPUs the loader did not list stay where the old kernel left them
 * (halted with interrupts off in its stop loop), as with any other
 * purgatory; the new kernel's INIT-SIPI-SIPI finds them there.
 *
 * The old kernel software-disabled the local APICs; a disabled APIC
 * still takes INIT and SIPI, but its own ICR sends only once the SVR
 * enable bit is set (SDM vol. 3A, 11.4.7.2), so the boot CPU sets its
 * own.  x2APIC (IA32_APIC_BASE bit 10): the ICR is MSR 0x830, one write
 * with the destination in bits 63:32, no delivery status to poll.
 * xAPIC: the MMIO page the loader put in the map, which we make
 * uncached here; ICR high, then low, then poll the delivery status.
 */
#include <stddef.h>
#include "apic.h"
#include "purgatory.h"
#include "smp.h"
#include "split.h"

enum {
	AP_IDLE = 0,            /* not heard from */
	AP_STARTED = 1,         /* flushed, slot claimed: clears after the go */
	AP_DONE = 2,            /* its share cleared (or none), halted */
	AP_SILENT = 3,          /* given up before the go: must never clear */
	AP_SKIP = 4,            /* the boot CPU while another runs us: no IPI at all */
};

/* Pieces of at most 64 MiB between two progress marks. */
#define PIECE_PAGES     (64u << (20 - 12))

/* How long a listed CPU may take to answer INIT-SIPI-SIPI and run WBINVD. */
#define START_WAIT_MS   2000
/* The least time a started CPU gets to finish after the boot CPU is done. */
#define FINISH_WAIT_MS  2000
/* How long the boot CPU waits for the others to reach the park page's HLT loop. */
#define PARK_WAIT_MS    100
/* The INIT assert before the de-assert (and the SIPIs), and the gap between the SIPIs. */
#define INIT_DELAY_MS   10
#define SIPI_DELAY_US   200

/*
 * Polls between two PAUSEs in the wait loops.  Under QEMU's TCG a PAUSE
 * leaves the translated code and takes QEMU's global lock, which the
 * other virtual CPUs need to take an INIT or a SIPI; a loop of nothing
 * but PAUSEs can keep them from starting.  On hardware each poll reads
 * the TSC, which spaces the polls anyway.
 */
#define POLLS_PER_PAUSE 64

struct ap_slot {
	volatile uint32_t state;
	volatile uint32_t share;        /* 1 + share index, 0: flush only */
	volatile uint64_t progress;     /* page offset in the list reached */
	volatile uint64_t bytes;
	volatile uint64_t tsc;
} __attribute__((aligned(64)));

/* What the boot CPU tells the others; written before the first SIPI. */
static struct {
	const struct ktdx_params *p;
	bool x2apic;
	uint64_t mmio;
	bool clear;
	enum clear_method m;
	uint64_t total_pages;
	uint32_t nshares;
	volatile uint32_t go;           /* every CPU that answered has flushed */
	volatile uint64_t pages_done;   /* cleared so far, every CPU (for the progress lines) */
	uint32_t tenths_shown;          /* progress lines printed: 10 %, 20 %, ... */
	bool progress;                  /* KTDX_FLAG_SERIAL_PROGRESS or _DEBUG */
} smp;

static struct ap_slot slots[KTDX_MAX_CPUS];

/* The boot CPU's side of one run (smp_start() to smp_finish()). */
static struct boot_cpu {
	const struct ktdx_params *p;
	uint32_t n;                     /* listed CPUs */
	uint32_t boot;                  /* this CPU's index in the list, if self_listed */
	uint32_t self;                  /* this CPU's APIC id, KTDX_APIC_ID_UNKNOWN */
	bool self_listed;
	bool alone;                     /* no other CPU was started */
	uint64_t root;                  /* our page tables */
	uint64_t khz;
	uint64_t tsc_share0;            /* cycles share 0 took */
	struct ktdx_report_cpu me;
} bcpu;

#define PTE_ADDR_MASK_SMP       0x000ffffffffff000ull

/*
 * Where the trampoline page, the page tables (32-bit CR3 in the
 * trampoline) and ap_entry64 (a 32-bit far pointer) must lie.  The
 * hosted test (KTDX_CPU_STUBS) runs in a process far above both.
 */
#ifdef KTDX_CPU_STUBS
#define SMP_LOW_LIMIT           UINT64_MAX
#define SMP_32BIT_LIMIT         UINT64_MAX
#else
#define SMP_LOW_LIMIT           0x100000ull
#define SMP_32BIT_LIMIT         (1ull << 32)
#endif
/* what an AP takes of the boot CPU's CR4: PSE PAE MCE PGE OSFXSR OSXMMEXCPT LA57 */
#define CR4_AP_MASK             0x16f0ull

#define barrier()       __asm__ volatile("" ::: "memory")

static uint32_t own_apic_id(void)
{
	if (smp.x2apic)
		return (uint32_t)rdmsr(X2APIC_ID);
	return mmio_read32(smp.mmio + XAPIC_ID) >> 24;
}

/* One poll of a wait loop: a PAUSE every POLLS_PER_PAUSE calls. */
static void poll_relax(uint32_t *polls)
{
	if (++*polls % POLLS_PER_PAUSE == 0)
		pause();
}

static void tsc_delay(uint64_t cycles)
{
	uint64_t t0 = rdtsc();
	uint32_t polls = 0;

	while (rdtsc() - t0 < cycles)
		poll_relax(&polls);
}

static uint64_t tsc_khz(const struct ktdx_params *p)
{
	return p->tsc_khz ? p->tsc_khz : KTDX_TSC_KHZ_UNKNOWN;
}

/* One CPU takes a slot from `from` to `to`; false if the slot was not in state `from`. */
static bool slot_claim(struct ap_slot *s, uint32_t from, uint32_t to)
{
	return __atomic_compare_exchange_n(&s->state, &from, to, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

static void apic_send(uint32_t dest, uint32_t icr)
{
	if (smp.x2apic) {
		wrmsr(X2APIC_ICR, ((uint64_t)dest << 32) | icr);
		return;
	}
	mmio_write32(smp.mmio + XAPIC_ICR_HI, dest << 24);
	mmio_write32(smp.mmio + XAPIC_ICR_LO, icr);
	for (unsigned i = 0; i < 1000000 && (mmio_read32(smp.mmio + XAPIC_ICR_LO) & APIC_ICR_BUSY); i++)
		pause();
}

static void apic_clear_esr(void)
{
	if (smp.x2apic)
		wrmsr(X2APIC_ESR, 0);
	else
		mmio_write32(smp.mmio + XAPIC_ESR, 0);
}

static void apic_software_enable(void)
{
	if (smp.x2apic) {
		wrmsr(X2APIC_SVR, rdmsr(X2APIC_SVR) | APIC_SVR_ENABLE | APIC_SVR_VECTOR);
		return;
	}
	mmio_write32(smp.mmio + XAPIC_SVR,
		     mmio_read32(smp.mmio + XAPIC_SVR) | APIC_SVR_ENABLE | APIC_SVR_VECTOR);
}

static void send_init(uint32_t dest)
{
	apic_send(dest, APIC_DM_INIT | APIC_ICR_LEVEL | APIC_ICR_ASSERT);
}

/* INIT de-assert: xAPIC only; x2APIC does not have it (SDM vol. 3A, 11.12.9). */
static void send_init_deassert(uint32_t dest)
{
	if (!smp.x2apic)
		apic_send(dest, APIC_DM_INIT | APIC_ICR_LEVEL);
}

/*
 * Does listed CPU i get IPIs?  Not this one, and not the boot CPU
 * (Linux's CPU 0) when another CPU runs the purgatory: INIT to the boot
 * CPU resets the machine (Linux never sends it one either).
 */
static bool targeted(const struct boot_cpu *b, uint32_t i)
{
	return i != b->boot && b->p->apic_ids[i] != b->p->boot_apic_id;
}

/* INIT, 10 ms, SIPI, 200 us, SIPI, 200 us to every targeted CPU at once (stages 1 and 6). */
static void init_sipi_sipi(const struct boot_cpu *b)
{
	const struct ktdx_params *p = b->p;

	for (uint32_t i = 0; i < b->n; i++)
		if (targeted(b, i))
			send_init(p->apic_ids[i]);
	tsc_delay(INIT_DELAY_MS * b->khz);
	for (uint32_t i = 0; i < b->n; i++)
		if (targeted(b, i))
			send_init_deassert(p->apic_ids[i]);
	for (int k = 0; k < 2; k++) {
		for (uint32_t i = 0; i < b->n; i++) {
			if (!targeted(b, i))
				continue;
			apic_clear_esr();
			apic_send(p->apic_ids[i],
				  APIC_DM_STARTUP | ((uint32_t)(p->trampoline >> 12) & 0xff));
		}
		tsc_delay(SIPI_DELAY_US * b->khz / 1000);
	}
}

/*
 * The clear's progress on the serial console, each 10 % (issue: an
 * operator on a BMC's serial-over-LAN sees the host is alive during a
 * clear of minutes).  Called by the running CPU only: after each of its
 * pieces and while it waits for the others.  The line is printed even
 * without KTDX_FLAG_SERIAL_DEBUG (the loader asked for the progress).
 */
static void progress_poll(void)
{
	uint64_t done = smp.pages_done;
	bool was_on;

	if (!smp.progress || !smp.total_pages)
		return;
	if (done * 10 < (uint64_t)(smp.tenths_shown + 1) * smp.total_pages)
		return;
	was_on = serial_enabled();
	serial_enable();
	/* one line per tenth passed, also when several passed since the last look */
	while (smp.tenths_shown < 10 && done * 10 >= (uint64_t)(smp.tenths_shown + 1) * smp.total_pages) {
		smp.tenths_shown++;
		serial_puts("kexec-tdx purgatory: clear ");
		serial_put_dec(smp.tenths_shown * 10);
		serial_puts(" % (");
		serial_put_dec(done >> (20 - SPLIT_PAGE_SHIFT));
		serial_puts(" of ");
		serial_put_dec(smp.total_pages >> (20 - SPLIT_PAGE_SHIFT));
		serial_puts(" MiB)\n");
	}
	if (!was_on)
		serial_disable();
}

/*
 * Clear page offsets [first, end) of the list, publishing progress in
 * *progress after each piece when it is given (the other CPUs; NULL:
 * the running CPU, which prints the progress); returns the bytes.
 */
static uint64_t clear_pages(uint64_t first, uint64_t end, volatile uint64_t *progress)
{
	const struct ktdx_params *p = smp.p;
	struct split_iter it;
	struct ktdx_range r;
	uint64_t bytes = 0;

	split_iter_init(&it, p->ranges, p->nr_ranges, first, end);
	while (split_next(&it, PIECE_PAGES, &r)) {
		clear_range(smp.m, (void *)(uintptr_t)r.start, r.end - r.start);
		bytes += r.end - r.start;
		__atomic_add_fetch(&smp.pages_done, (r.end - r.start) >> SPLIT_PAGE_SHIFT,
				   __ATOMIC_SEQ_CST);
		if (progress) {
			barrier();
			*progress = it.pos;     /* clear_range ended with SFENCE */
		} else {
			progress_poll();
		}
	}
	return bytes;
}

/* 32-byte NT stores need AVX state on this CPU too (purgatory.c does it for the boot CPU). */
static void ap_avx_enable(void)
{
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_AVX);
}

/* Every other CPU, after trampoline.S ran WBINVD on it (stage 1). */
void ap_main(uint32_t ticket)
{
	const struct ktdx_params *p = smp.p;
	uint32_t id = own_apic_id(), polls = 0;
	struct ap_slot *s = NULL;

	(void)ticket;
	for (uint32_t i = 0; i < p->nr_cpus; i++)
		if (p->apic_ids[i] == id)
			s = &slots[i];
	if (!s || !slot_claim(s, AP_IDLE, AP_STARTED))
		ap_halt();      /* not listed, or given up on: write nothing more */
	while (!smp.go)
		poll_relax(&polls);
	barrier();
	if (smp.clear && s->share) {
		uint64_t first, end, t0;

		split_share(smp.total_pages, smp.nshares, s->share - 1, &first, &end);
		s->progress = first;
		if (smp.m == CLEAR_NT_AVX)
			ap_avx_enable();
		t0 = rdtsc();
		s->bytes = clear_pages(first, end, &s->progress);
		s->tsc = rdtsc() - t0;
	}
	barrier();
	s->state = AP_DONE;
	ap_halt();
}

/* The boot CPU alone: everything, one CPU entry (its cycles are the report's tsc_clear). */
static void run_alone(const struct ktdx_params *p, bool clear, uint32_t self,
		      struct ktdx_report *rep, struct ktdx_report_cpu *cpus)
{
	uint64_t bytes = 0;

	if (clear)
		bytes = clear_pages(0, smp.total_pages, NULL);
	rep->bytes_cleared = bytes;
	rep->nr_cpus = 1;
	rep->cpus_used = clear ? 1 : 0;
	if (cpus)
		cpus[0] = (struct ktdx_report_cpu){ self, KTDX_CPU_BOOT, bytes, 0 };
}

/* Uncached xAPIC page: set PCD | PWT on its 4 KiB leaf (SDM vol. 3A, 11.4.1). */
static bool map_apic_uncached(uint64_t root, bool la57, uint64_t addr)
{
	uint64_t *t = (uint64_t *)(uintptr_t)(root & PTE_ADDR_MASK_SMP);

	for (int level = la57 ? 5 : 4; level >= 1; level--) {
		uint64_t *e = &t[(addr >> (12 + 9 * (level - 1))) & 511];

		if (!(*e & 1))
			return false;
		if (level == 1 || (*e & (1ull << 7))) {
			*e |= (1ull << 3) | (1ull << 4);        /* PWT | PCD */
			write_cr3(root);                        /* flush the TLB */
			return true;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK_SMP);
	}
	return false;
}

static void trampoline_install(const struct ktdx_params *p, uint64_t root)
{
	char *dst = (char *)(uintptr_t)p->trampoline;
	size_t len = (size_t)(trampoline_end - trampoline_start);

	for (size_t i = 0; i < len; i++)
		dst[i] = trampoline_start[i];
#define AT(sym) ((volatile uint32_t *)(uintptr_t)(p->trampoline + (uint64_t)((sym) - trampoline_start)))
	*(volatile uint32_t *)((uintptr_t)AT(tr_gdt_desc) + 2) = (uint32_t)(p->trampoline + (uint64_t)(tr_gdt - trampoline_start));
	*AT(tr_jump32) = (uint32_t)(p->trampoline + (uint64_t)(tr_32 - trampoline_start));
	*AT(tr_jump64) = (uint32_t)(uintptr_t)ap_entry64;
	*AT(tr_cr0) = (uint32_t)read_cr0();
	*AT(tr_cr3) = (uint32_t)root;
	*AT(tr_cr4) = (uint32_t)(read_cr4() & CR4_AP_MASK);
	*AT(tr_efer) = (uint32_t)(rdmsr(MSR_EFER) & ~(1ull << 10));     /* LMA is the CPU's to set */
#undef AT
}

/* Stage 6: the trampoline page becomes the park page; a SIPI from now on parks the CPU. */
static volatile uint32_t *park_install(const struct ktdx_params *p)
{
	volatile char *dst = (volatile char *)(uintptr_t)p->trampoline;
	size_t len = (size_t)(park_end - park_start);

	for (size_t i = 0; i < len; i++)
		dst[i] = park_start[i];
	return (volatile uint32_t *)(uintptr_t)(p->trampoline + (uint64_t)(park_count - park_start));
}

/* Stage 6: every targeted CPU to the park page's HLT loop; how many got there in time. */
static uint32_t cpus_park(const struct boot_cpu *b)
{
	volatile uint32_t *count = park_install(b->p);
	uint32_t want = 0, polls = 0;
	uint64_t deadline;

	barrier();
	for (uint32_t i = 0; i < b->n; i++)
		if (targeted(b, i) && slots[i].state != AP_SILENT)
			want++;
	init_sipi_sipi(b);
	deadline = rdtsc() + PARK_WAIT_MS * b->khz;
	while (*count < want && rdtsc() < deadline)
		poll_relax(&polls);
	serial_puts("kexec-tdx purgatory: ");
	serial_put_dec(*count);
	serial_puts(" other CPUs parked in the HLT loop of the page at ");
	serial_put_hex(b->p->trampoline);
	serial_puts("\n");
	return *count;
}

static void serial_cpu(const char *what, uint32_t id)
{
	serial_puts("kexec-tdx purgatory: CPU with APIC id ");
	serial_put_dec(id);
	serial_puts(what);
}

/* Can the others be started at all with what the loader gave? */
static bool smp_possible(const struct ktdx_params *p, uint64_t root)
{
	uint32_t n = p->nr_cpus;

	return p->trampoline && n >= 2 && n <= KTDX_MAX_CPUS &&
	       p->trampoline < SMP_LOW_LIMIT && !(p->trampoline & 4095) &&
	       (uint64_t)(trampoline_end - trampoline_start) <= 4096 &&
	       (uint64_t)(park_end - park_start) <= 4096 &&
	       root < SMP_32BIT_LIMIT && (uint64_t)(uintptr_t)ap_entry64 < SMP_32BIT_LIMIT;
}

/* The APIC mode and, for xAPIC, the MMIO page made uncached; false if it cannot send. */
static bool apic_setup(const struct ktdx_params *p, uint64_t root)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	smp.x2apic = base & APIC_BASE_X2APIC;
	smp.mmio = base & APIC_BASE_ADDR_MASK;
	if (!(base & APIC_BASE_ENABLE))
		return false;
	return smp.x2apic || (smp.mmio == p->apic_mmio &&
			      map_apic_uncached(root, read_cr4() & X86_CR4_LA57, smp.mmio));
}

/* This CPU's index in the loader's list; false if it is not there. */
static bool boot_cpu_find(const struct ktdx_params *p, uint32_t self, uint32_t *boot)
{
	bool found = false;

	for (uint32_t i = 0; i < p->nr_cpus; i++)
		if (p->apic_ids[i] == self) {
			*boot = i;
			found = true;
		}
	return found;
}

/* Shares: this CPU 0, then the targeted CPUs in list order up to clear_cpus. */
static void slots_init(const struct boot_cpu *b, bool clear)
{
	uint32_t order = 1, targets = 1;

	for (uint32_t i = 0; i < b->n; i++)
		targets += targeted(b, i);
	smp.nshares = b->p->clear_cpus < 1 ? 1 : b->p->clear_cpus > targets ? targets : b->p->clear_cpus;
	if (!clear)
		smp.nshares = 1;
	for (uint32_t i = 0; i < b->n; i++) {
		slots[i].state = i == b->boot || targeted(b, i) ? AP_IDLE : AP_SKIP;
		slots[i].share = 0;
		slots[i].progress = 0;
		slots[i].bytes = 0;
		slots[i].tsc = 0;
		if (!targeted(b, i))
			continue;
		if (order < smp.nshares)
			slots[i].share = order + 1;
		order++;
	}
	smp.go = 0;
	ap_ticket = 0;
}

/* Stage 1: INIT, 10 ms, SIPI, 200 us, SIPI, 200 us: all CPUs at once. */
static void cpus_start(const struct boot_cpu *b)
{
	trampoline_install(b->p, b->root);
	apic_software_enable();
	barrier();
	init_sipi_sipi(b);
}

/* Stage 2: wait for every listed CPU to claim its slot; mark the silent ones. */
static void cpus_wait_started(const struct boot_cpu *b)
{
	uint64_t t0 = rdtsc(), deadline = t0 + START_WAIT_MS * b->khz, last = t0;
	uint32_t idle = 0, polls = 0, started = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		if (!targeted(b, i))
			continue;
		started++;
		while (slots[i].state == AP_IDLE && rdtsc() < deadline)
			poll_relax(&polls);
		if (slot_claim(&slots[i], AP_IDLE, AP_SILENT))
			idle++;
		else
			last = rdtsc();         /* an upper bound: the CPUs are looked at in order */
	}
	serial_puts("kexec-tdx purgatory: ");
	serial_put_dec(started - idle);
	serial_puts(" of ");
	serial_put_dec(started);
	serial_puts(" other CPUs started and flushed, seen within ");
	serial_put_dec((last - t0) / b->khz);
	serial_puts(" ms; waited ");
	serial_put_dec((rdtsc() - t0) / b->khz);
	serial_puts(" ms\n");
}

/* Clear the rest of share s->share - 1 from page offset `from` on the boot CPU. */
static void take_over(struct boot_cpu *b, struct ap_slot *s, uint64_t from)
{
	uint64_t f, e, t0 = rdtsc();

	split_share(smp.total_pages, smp.nshares, s->share - 1, &f, &e);
	if (from < f)
		from = f;
	b->me.bytes += clear_pages(from, e, NULL);
	s->bytes = (from - f) << SPLIT_PAGE_SHIFT;      /* what the CPU did itself */
	b->me.tsc_clear += rdtsc() - t0;
}

/* Stage 4: share 0, then the shares of the CPUs that did not start. */
static void boot_clear(struct boot_cpu *b)
{
	uint64_t first, end, t0 = rdtsc();

	split_share(smp.total_pages, smp.nshares, 0, &first, &end);
	b->me.bytes = smp.clear ? clear_pages(first, end, NULL) : 0;
	b->tsc_share0 = rdtsc() - t0;
	b->me.tsc_clear = b->tsc_share0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (i == b->boot || slots[i].state != AP_SILENT)
			continue;
		serial_cpu(" did not start: the boot CPU takes over its share\n", b->p->apic_ids[i]);
		if (smp.clear && slots[i].share)
			take_over(b, &slots[i], 0);
	}
}

/* Stage 5 for one CPU that started: its status, after a takeover if it is late. */
static uint32_t cpu_finish(struct boot_cpu *b, uint32_t i, uint64_t deadline)
{
	struct ap_slot *s = &slots[i];
	uint32_t polls = 0;

	while (s->state != AP_DONE && rdtsc() < deadline) {
		poll_relax(&polls);
		if (polls % 4096 == 0)
			progress_poll();
	}
	if (s->state != AP_DONE) {
		send_init(b->p->apic_ids[i]);
		tsc_delay(INIT_DELAY_MS * b->khz);
		send_init_deassert(b->p->apic_ids[i]);
		barrier();
	}
	if (s->state == AP_DONE)
		return s->share && smp.clear ? KTDX_CPU_CLEARED : KTDX_CPU_FLUSHED;
	serial_cpu(" did not finish: the boot CPU takes over its share\n", b->p->apic_ids[i]);
	if (smp.clear && s->share)
		take_over(b, s, s->progress);
	return KTDX_CPU_LATE;
}

/* Stage 5: every other CPU's entry; fills cpus[1..n) and rep's sums. */
static void cpus_collect(struct boot_cpu *b, struct ktdx_report *rep,
			 struct ktdx_report_cpu *cpus)
{
	uint64_t wait = 3 * b->tsc_share0, deadline;
	uint32_t order = 1;

	if (wait < FINISH_WAIT_MS * b->khz)
		wait = FINISH_WAIT_MS * b->khz;
	deadline = rdtsc() + wait;
	rep->cpus_used = smp.clear ? 1 : 0;
	rep->bytes_cleared = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct ktdx_report_cpu c;
		uint32_t status;

		if (i == b->boot)
			continue;
		if (slots[i].state == AP_SKIP)
			status = KTDX_CPU_NOT_STARTED;
		else if (slots[i].state == AP_SILENT)
			status = KTDX_CPU_NO_START;
		else
			status = cpu_finish(b, i, deadline);
		c = (struct ktdx_report_cpu){ b->p->apic_ids[i], status, slots[i].bytes, slots[i].tsc };
		if (cpus)
			cpus[order] = c;
		order++;
		if (c.bytes)
			rep->cpus_used++;
		rep->bytes_cleared += c.bytes;
	}
}

/* Stages 1-2 (smp.h). */
void smp_start(const struct ktdx_params *p, bool clear, enum clear_method m)
{
	struct boot_cpu *b = &bcpu;

	*b = (struct boot_cpu){ .p = p, .n = p->nr_cpus, .khz = tsc_khz(p),
				.self = KTDX_APIC_ID_UNKNOWN, .alone = true,
				.root = read_cr3() & PTE_ADDR_MASK_SMP };
	smp.p = p;
	smp.clear = clear;
	smp.m = m;
	smp.total_pages = clear ? split_total_pages(p->ranges, p->nr_ranges) : 0;
	smp.pages_done = 0;
	smp.tenths_shown = 0;
	smp.progress = p->flags & (KTDX_FLAG_SERIAL_PROGRESS | KTDX_FLAG_SERIAL_DEBUG);
	if (!smp_possible(p, b->root)) {
		if (b->n == 1) {        /* the one CPU the old kernel had online runs us */
			b->self = p->apic_ids[0];
			b->self_listed = true;
		}
		return;
	}
	if (!apic_setup(p, b->root)) {
		serial_puts("kexec-tdx purgatory: local APIC disabled or not where the loader mapped it: "
			    "no other CPU started\n");
		return;
	}
	b->self = own_apic_id();
	if (!boot_cpu_find(p, b->self, &b->boot)) {
		serial_cpu(" (this one) is not in the loader's list: no other CPU started\n", b->self);
		return;
	}
	b->self_listed = true;
	b->alone = false;
	slots_init(b, clear);
	cpus_start(b);                          /* 1 */
	cpus_wait_started(b);                   /* 2 */
}

/* Did listed CPU i run WBINVD (entry.S on this one, trampoline.S on the others)? */
static bool cpu_flushed(const struct boot_cpu *b, uint32_t i)
{
	if (b->self_listed && i == b->boot)
		return true;
	return !b->alone && (slots[i].state == AP_STARTED || slots[i].state == AP_DONE);
}

/* Does some CPU of package pkg count as flushed? */
static bool package_flushed(const struct boot_cpu *b, uint32_t pkg)
{
	const struct ktdx_params *p = b->p;
	bool one_package = true;

	for (uint32_t j = 0; j < b->n; j++) {
		if (p->packages[j] == pkg && cpu_flushed(b, j))
			return true;
		one_package &= p->packages[j] == p->packages[0];
	}
	/* this CPU is one of the listed (online) ones, whose one package it flushed */
	return !b->self_listed && one_package;
}

bool smp_packages_flushed(uint32_t *pkg, uint32_t *apic_id)
{
	const struct boot_cpu *b = &bcpu;

	*pkg = *apic_id = KTDX_APIC_ID_UNKNOWN;
	if (!b->n)
		return false;           /* no list: nothing known */
	for (uint32_t i = 0; i < b->n; i++)
		if (!package_flushed(b, b->p->packages[i])) {
			*pkg = b->p->packages[i];
			*apic_id = b->p->apic_ids[i];
			return false;
		}
	return true;
}

/* Stages 3-6 (smp.h). */
void smp_finish(struct ktdx_report *rep, struct ktdx_report_cpu *cpus)
{
	struct boot_cpu *b = &bcpu;

	if (b->alone) {
		run_alone(b->p, smp.clear, b->self, rep, cpus);
		return;
	}
	barrier();
	smp.go = 1;                             /* 3 */
	b->me = (struct ktdx_report_cpu){ b->self, KTDX_CPU_BOOT, 0, 0 };
	boot_clear(b);                          /* 4 */
	cpus_collect(b, rep, cpus);             /* 5 */
	progress_poll();                        /* the others' last pieces */
	if (cpus)
		cpus[0] = b->me;
	cpus_park(b);                           /* 6 */
	rep->nr_cpus = b->n;
	rep->apic_mode = smp.x2apic ? KTDX_APIC_X2APIC : KTDX_APIC_XAPIC;
	rep->bytes_cleared += b->me.bytes;
}
