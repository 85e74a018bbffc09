// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The other CPUs (DESIGN.md "Purgatory", step 4, and "Facts for starting
 * the other CPUs").  The boot CPU sends INIT, then two SIPIs, to every
 * APIC id the loader listed but its own (as the kernel's
 * wakeup_secondary_cpu_via_init() does: INIT, 10 ms, SIPI, 200 us,
 * SIPI), all CPUs at once rather than one by one.  Each CPU comes up
 * through trampoline.S on our page tables, runs WBINVD, finds its index
 * by its APIC id, clears its share of the list (split.c) piece by piece,
 * publishing its progress after each piece, says done and halts with
 * interrupts off.  The boot CPU clears share 0, then waits for the
 * others until a deadline (three times its own clear time, at least two
 * seconds, by the TSC); a CPU that has not finished by then gets INIT,
 * which stops it wherever it is (SDM vol. 3A, 9.1: INIT leaves it
 * waiting for a SIPI), and the boot CPU clears the rest of its share
 * from its last published progress.  At the end every other CPU gets
 * INIT again, so that it waits for a SIPI and runs none of our code
 * while the new kernel overwrites it; the new kernel's own
 * INIT-SIPI-SIPI starts it from there, as with kernels that park CPUs in
 * INIT at shutdown.
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

enum { AP_IDLE = 0, AP_STARTED = 1, AP_DONE = 2 };

/* Pieces of at most 64 MiB between two progress marks. */
#define PIECE_PAGES     (64u << (20 - 12))

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
} smp;

static struct ap_slot slots[KTDX_MAX_CPUS];

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

static void tsc_delay(uint64_t cycles)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < cycles)
		pause();
}

static uint64_t tsc_khz(const struct ktdx_params *p)
{
	return p->tsc_khz ? p->tsc_khz : KTDX_TSC_KHZ_UNKNOWN;
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

/* INIT to every listed CPU but the boot CPU, 10 ms, then the INIT deassert. */
static void init_others(const struct ktdx_params *p, uint32_t n, uint32_t boot, uint64_t khz)
{
	for (uint32_t i = 0; i < n; i++)
		if (i != boot)
			send_init(p->apic_ids[i]);
	tsc_delay(10 * khz);
	for (uint32_t i = 0; i < n; i++)
		if (i != boot)
			send_init_deassert(p->apic_ids[i]);
}

/*
 * Clear page offsets [first, end) of the list, publishing progress in
 * *progress after each piece when it is given; returns the bytes.
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
		if (progress) {
			barrier();
			*progress = it.pos;     /* clear_range ended with SFENCE */
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

void ap_main(uint32_t ticket)
{
	const struct ktdx_params *p = smp.p;
	uint32_t id = own_apic_id();
	struct ap_slot *s = NULL;

	(void)ticket;
	for (uint32_t i = 0; i < p->nr_cpus; i++)
		if (p->apic_ids[i] == id)
			s = &slots[i];
	if (!s)
		ap_halt();
	s->state = AP_STARTED;
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

static void serial_cpu(const char *what, uint32_t id)
{
	serial_puts("kexec-tdx purgatory: CPU with APIC id ");
	serial_put_dec(id);
	serial_puts(what);
}

void smp_run(const struct ktdx_params *p, bool clear, enum clear_method m,
	     struct ktdx_report *rep, struct ktdx_report_cpu *cpus)
{
	uint64_t root = read_cr3() & PTE_ADDR_MASK_SMP;
	uint64_t base, khz, t_start, t_boot, deadline, bytes, first, end;
	uint32_t self, boot = 0, order, n = p->nr_cpus;
	struct ktdx_report_cpu me;
	bool found = false;

	smp.p = p;
	smp.clear = clear;
	smp.m = m;
	smp.total_pages = clear ? split_total_pages(p->ranges, p->nr_ranges) : 0;
	if (!p->trampoline || n < 2 || n > KTDX_MAX_CPUS ||
	    p->trampoline >= SMP_LOW_LIMIT || (p->trampoline & 4095) ||
	    (uint64_t)(trampoline_end - trampoline_start) > 4096 ||
	    root >= SMP_32BIT_LIMIT || (uint64_t)(uintptr_t)ap_entry64 >= SMP_32BIT_LIMIT) {
		run_alone(p, clear, n == 1 ? p->apic_ids[0] : KTDX_APIC_ID_UNKNOWN, rep, cpus);
		return;
	}
	base = rdmsr(MSR_IA32_APIC_BASE);
	smp.x2apic = base & APIC_BASE_X2APIC;
	smp.mmio = base & APIC_BASE_ADDR_MASK;
	if (!(base & APIC_BASE_ENABLE) ||
	    (!smp.x2apic && (smp.mmio != p->apic_mmio ||
			     !map_apic_uncached(root, read_cr4() & X86_CR4_LA57, smp.mmio)))) {
		serial_puts("kexec-tdx purgatory: local APIC disabled or not where the loader mapped it: "
			    "the boot CPU alone\n");
		run_alone(p, clear, KTDX_APIC_ID_UNKNOWN, rep, cpus);
		return;
	}
	self = own_apic_id();
	for (uint32_t i = 0; i < n; i++)
		if (p->apic_ids[i] == self) {
			boot = i;
			found = true;
		}
	if (!found) {
		serial_cpu(" (this one) is not in the loader's list: the boot CPU alone\n", self);
		run_alone(p, clear, self, rep, cpus);
		return;
	}

	/* shares: the boot CPU 0, then the others in list order up to clear_cpus */
	smp.nshares = p->clear_cpus < 1 ? 1 : p->clear_cpus > n ? n : p->clear_cpus;
	if (!clear)
		smp.nshares = 1;
	order = 1;
	for (uint32_t i = 0; i < n; i++) {
		slots[i].state = AP_IDLE;
		slots[i].progress = 0;
		slots[i].bytes = 0;
		slots[i].tsc = 0;
		slots[i].share = 0;
		if (i == boot)
			continue;
		if (order < smp.nshares)
			slots[i].share = order + 1;
		order++;
	}
	ap_ticket = 0;
	trampoline_install(p, root);
	apic_software_enable();
	khz = tsc_khz(p);
	barrier();

	/* INIT, 10 ms, SIPI, 200 us, SIPI, 200 us: all CPUs at once */
	init_others(p, n, boot, khz);
	for (int k = 0; k < 2; k++) {
		for (uint32_t i = 0; i < n; i++) {
			if (i == boot)
				continue;
			apic_clear_esr();
			apic_send(p->apic_ids[i],
				  APIC_DM_STARTUP | ((uint32_t)(p->trampoline >> 12) & 0xff));
		}
		tsc_delay(khz / 5);
	}

	/* share 0 */
	t_start = rdtsc();
	split_share(smp.total_pages, smp.nshares, 0, &first, &end);
	bytes = clear ? clear_pages(first, end, NULL) : 0;
	t_boot = rdtsc();
	me = (struct ktdx_report_cpu){ self, KTDX_CPU_BOOT, bytes, t_boot - t_start };
	deadline = 3 * (t_boot - t_start);
	if (deadline < 2000 * khz)
		deadline = 2000 * khz;
	deadline += t_boot;

	/* the others: wait, then stop and take over what is left */
	rep->cpus_used = clear ? 1 : 0;
	rep->bytes_cleared = 0;
	order = 1;
	for (uint32_t i = 0; i < n; i++) {
		struct ap_slot *s = &slots[i];
		struct ktdx_report_cpu c;
		uint32_t status;

		if (i == boot)
			continue;
		while (s->state != AP_DONE && rdtsc() < deadline)
			pause();
		barrier();
		if (s->state == AP_DONE) {
			status = s->share && clear ? KTDX_CPU_CLEARED : KTDX_CPU_FLUSHED;
		} else {
			uint64_t rest = 0;

			send_init(p->apic_ids[i]);
			tsc_delay(10 * khz);
			send_init_deassert(p->apic_ids[i]);
			barrier();
			status = s->state == AP_IDLE ? KTDX_CPU_NO_START : KTDX_CPU_LATE;
			serial_cpu(status == KTDX_CPU_NO_START ? " did not start: " : " did not finish: ",
				   p->apic_ids[i]);
			serial_puts("the boot CPU takes over its share\n");
			if (clear && s->share) {
				uint64_t f, e, from;
				uint64_t t0 = rdtsc();

				split_share(smp.total_pages, smp.nshares, s->share - 1, &f, &e);
				from = status == KTDX_CPU_LATE && s->progress > f ? s->progress : f;
				rest = clear_pages(from, e, NULL);
				me.tsc_clear += rdtsc() - t0;
				/* what the CPU did itself before it was stopped */
				s->bytes = (from - f) << SPLIT_PAGE_SHIFT;
			}
			me.bytes += rest;
		}
		c = (struct ktdx_report_cpu){ p->apic_ids[i], status, s->bytes, s->tsc };
		if (cpus)
			cpus[order] = c;
		order++;
		if (c.bytes)
			rep->cpus_used++;
		rep->bytes_cleared += c.bytes;
	}
	if (cpus)
		cpus[0] = me;
	/* park them in INIT, away from memory the new kernel will reuse */
	init_others(p, n, boot, khz);

	rep->nr_cpus = n;
	rep->apic_mode = smp.x2apic ? KTDX_APIC_X2APIC : KTDX_APIC_XAPIC;
	rep->bytes_cleared += me.bytes;
}
