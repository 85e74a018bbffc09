/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ABI shared by the loader (kexec/) and the purgatory (purgatory/).
 *
 * The loader fills one `struct ktdx_params` and writes it into the
 * purgatory's symbol `ktdx_params` (found by name with libelf, its size
 * checked against sizeof(struct ktdx_params)).  The purgatory fills one
 * `struct ktdx_report` at params.report, which lives inside a setup_data
 * entry of type KTDX_SETUP_TYPE chained into boot_params, so that the new
 * kernel exposes it at /sys/kernel/boot_params/setup_data/N/data.
 *
 * Everything here is fixed-width and little-endian; both records carry a
 * magic and a version.  Bump the version on any layout change.
 */
#ifndef KEXEC_TDX_PURGATORY_ABI_H
#define KEXEC_TDX_PURGATORY_ABI_H

#ifdef __ASSEMBLER__
#define KTDX_U64(x) x
#else
#include <stdint.h>
#define KTDX_U64(x) x##ULL
#endif

#define KTDX_PARAMS_MAGIC       KTDX_U64(0x314d52505844544b)   /* "KTDXPRM1" little-endian */
#define KTDX_PARAMS_VERSION     4

#define KTDX_REPORT_MAGIC       KTDX_U64(0x5452504552584454)   /* "TDXREPRT" little-endian */
#define KTDX_REPORT_VERSION     3
/* setup_data type of the report: "TDXR" */
#define KTDX_SETUP_TYPE         0x54445852u

/* Bounds of the arrays in the parameter block. */
#define KTDX_MAX_SHA_REGIONS    16
#define KTDX_MAX_CLEAR_RANGES   1024
/* APIC ids of the CPUs the old kernel had online, the boot CPU included */
#define KTDX_MAX_CPUS           1024
/* CPUs that take a share of the clear, the boot CPU included (AP stacks) */
#define KTDX_MAX_CLEAR_CPUS     64
/* the clear list, every segment and the report, merged */
#define KTDX_MAX_MAP_RANGES     (KTDX_MAX_CLEAR_RANGES + 2 * KTDX_MAX_SHA_REGIONS)

/* What the purgatory does between the kernels (params.action). */
#define KTDX_ACTION_NONE        0   /* verify and jump */
#define KTDX_ACTION_FLUSH       1   /* WBINVD */
#define KTDX_ACTION_CLEAR       2   /* WBINVD, then clear every range */

/* How the ranges were cleared (report.method). */
#define KTDX_METHOD_NONE        0
#define KTDX_METHOD_WBINVD      1   /* flush only */
#define KTDX_METHOD_NT_STORE    2   /* WBINVD + 64-byte non-temporal stores (4 x 16-byte MOVNTDQ) */
#define KTDX_METHOD_MOVDIR64B   3   /* WBINVD + MOVDIR64B */
#define KTDX_METHOD_NT_AVX      4   /* WBINVD + 64-byte non-temporal stores (2 x 32-byte VMOVNTDQ) */

/* report.verify */
#define KTDX_VERIFY_SKIPPED     0   /* no digest was given */
#define KTDX_VERIFY_OK          1
/* On a mismatch the purgatory resets the machine, so no report says so. */

/* report.sha256_path: the SHA-256 block function that verified */
#define KTDX_SHA_PATH_NONE      0   /* nothing verified */
#define KTDX_SHA_PATH_C         1   /* portable C, general registers only */
#define KTDX_SHA_PATH_SSE       2   /* SSSE3/SSE4.1 message schedule + BMI2 rounds */
#define KTDX_SHA_PATH_NI        3   /* SHA extensions */

/*
 * params.flags.  The loader read /proc/cpuinfo and tells the purgatory
 * which instructions it may use, so that the purgatory executes no CPUID
 * (in a TD it raises #VE, in an SEV-ES/SNP guest #VC, with no handler).
 * The plain path (action none) ignores the CPU flags: C only.
 */
#define KTDX_FLAG_NO_MOVDIR64B  (1u << 0)   /* NT stores even if KTDX_FLAG_MOVDIR64B */
#define KTDX_FLAG_SERIAL_DEBUG  (1u << 1)   /* print every step on the UART (params.serial_port) */
#define KTDX_FLAG_SHA_NI        (1u << 2)   /* cpuinfo: sha_ni, ssse3, sse4_1 */
#define KTDX_FLAG_SHA_SSE       (1u << 3)   /* cpuinfo: ssse3, sse4_1, bmi2 */
#define KTDX_FLAG_MOVDIR64B     (1u << 4)   /* cpuinfo: movdir64b */
#define KTDX_FLAG_AVX           (1u << 5)   /* cpuinfo: avx, xsave: 32-byte NT stores */
#define KTDX_FLAG_GBPAGES       (1u << 6)   /* cpuinfo: pdpe1gb: 1 GiB pages in the map */
/*
 * The package rule (DESIGN.md "Purgatory", step 3): after the start wait
 * every package of the list must hold a CPU that ran WBINVD (the running
 * CPU's counts), else the purgatory resets instead of jumping, unless
 * one of these is set.
 */
#define KTDX_FLAG_KERNEL_FLUSHES_ALL (1u << 7) /* kernel.flushes_all_cpus: the old kernel flushed
						  every CPU itself */
#define KTDX_FLAG_NO_PACKAGE_RULE (1u << 8)  /* a crash load (the dump matters more), or
						--tdx-force overrode the loader's refusal */
/* clear only: progress each 10 % on the UART at params.serial_port (the running kernel's console) */
#define KTDX_FLAG_SERIAL_PROGRESS (1u << 9)

/* report.cpus[].status: what became of each CPU (DESIGN.md "Purgatory", step 3) */
#define KTDX_CPU_BOOT           1   /* the CPU that runs the purgatory */
#define KTDX_CPU_CLEARED        2   /* started, flushed, cleared its share */
#define KTDX_CPU_FLUSHED        3   /* started and flushed; no share (--tdx-cpus, or action flush) */
#define KTDX_CPU_NO_START       4   /* did not answer INIT-SIPI-SIPI in time: its share went to the boot CPU */
#define KTDX_CPU_LATE           5   /* started, not done in time: stopped with INIT, the rest of
				       its share went to the boot CPU */
#define KTDX_CPU_NOT_STARTED    6   /* not started (no trampoline, crash load, too many CPUs,
				       or the boot CPU while another CPU runs the purgatory) */

#ifndef __ASSEMBLER__

struct ktdx_region {
	uint64_t start;         /* physical address */
	uint64_t len;           /* bytes */
};

struct ktdx_range {
	uint64_t start;         /* physical, 4 KiB aligned */
	uint64_t end;           /* exclusive, 4 KiB aligned */
};

struct ktdx_params {
	uint64_t magic;                 /* KTDX_PARAMS_MAGIC */
	uint32_t version;               /* KTDX_PARAMS_VERSION */
	uint32_t size;                  /* sizeof(struct ktdx_params) */

	uint64_t entry;                 /* new kernel's 64-bit entry point */
	uint64_t boot_params;           /* %rsi at the jump (0 for a bare ELF) */
	uint64_t report;                /* where to write struct ktdx_report, 0 = none */

	/*
	 * Identity page tables the purgatory builds for itself (flush and
	 * clear only): an area of pgtable_size bytes at pgtable_base (a
	 * loaded segment, so it is never on the clear list), mapping exactly
	 * map[0..nr_map) (purgatory/pagetable.h; the loader sized the area
	 * with the same function, for 4- and 5-level paging).
	 */
	uint64_t pgtable_base;
	uint64_t pgtable_size;

	uint32_t action;                /* KTDX_ACTION_* */
	uint32_t flags;                 /* KTDX_FLAG_* */

	uint32_t nr_sha_regions;
	uint32_t nr_ranges;
	uint32_t nr_map;
	uint32_t reserved0;
	uint8_t sha256[32];             /* digest over sha_regions in order */
	struct ktdx_region sha_regions[KTDX_MAX_SHA_REGIONS];
	struct ktdx_range ranges[KTDX_MAX_CLEAR_RANGES];
	/*
	 * What the purgatory's page tables map: the clear list, every
	 * segment of the load (with its memsz: the purgatory itself, the page
	 * tables, the kernel over init_size, initrd, boot_params with the
	 * command line and setup_data, the report), and the RAM below 1 MiB
	 * (the new kernel's decompressor uses the BIOS data area and a
	 * trampoline there before it has page tables of its own), sorted,
	 * merged, 4 KiB aligned.  Nothing else: no holes, MMIO or reserved
	 * memory.
	 */
	struct ktdx_range map[KTDX_MAX_MAP_RANGES];

	/*
	 * The other CPUs (flush and clear; DESIGN.md "Purgatory", steps 3 and 6).
	 * apic_ids: every CPU the old kernel had online (/proc/cpuinfo
	 * "apicid"), the boot CPU among them (the purgatory finds itself by
	 * its own APIC id: the loader cannot know which CPU runs kexec -e).
	 * packages: each CPU's package (cpuinfo "physical id"; with none,
	 * KTDX_PACKAGE_OWN | index: each CPU a package of its own).
	 * boot_apic_id: Linux's CPU 0, which gets no INIT and no SIPI when
	 * another CPU runs the purgatory (INIT to the boot CPU resets the
	 * machine); KTDX_APIC_ID_UNKNOWN if cpuinfo did not say.
	 * trampoline: a 4 KiB page below 64 KiB, RAM, a loaded segment in the
	 * map and never cleared, whose page number is the SIPI vector; at
	 * the end it becomes the park page (doc/purgatory.md); 0 = start no
	 * CPU.  clear_cpus: how many CPUs take a share of the
	 * clear, the boot CPU included (1 = the boot CPU alone; the others
	 * still run WBINVD).  tsc_khz: the TSC rate for the INIT and SIPI
	 * delays and the timeouts; 0 = unknown, then the purgatory assumes
	 * KTDX_TSC_KHZ_UNKNOWN (too fast a guess only lengthens the waits).
	 */
	uint64_t trampoline;
	uint64_t tsc_khz;
	uint64_t apic_mmio;             /* xAPIC page in the map (mapped UC by the purgatory), 0 = none */
	uint32_t nr_cpus;
	uint32_t clear_cpus;
	uint32_t boot_apic_id;
	uint32_t serial_port;           /* I/O port of the UART for the serial lines, 0 = COM1 (0x3f8) */
	uint32_t apic_ids[KTDX_MAX_CPUS];
	uint32_t packages[KTDX_MAX_CPUS];
};

/* params.packages[i] when cpuinfo gave no "physical id": the CPU is a package of its own */
#define KTDX_PACKAGE_OWN        0x80000000u

/* report.apic_mode */
#define KTDX_APIC_NONE          0   /* no other CPU was started */
#define KTDX_APIC_XAPIC         1   /* MMIO ICR */
#define KTDX_APIC_X2APIC        2   /* MSR 0x830 */

#define KTDX_TSC_KHZ_UNKNOWN    10000000u       /* 10 GHz */
#define KTDX_APIC_ID_UNKNOWN    0xffffffffu     /* report: the boot CPU did not read its id */

/* One CPU in the report: [0] is the boot CPU, then the others in params order. */
struct ktdx_report_cpu {
	uint32_t apic_id;
	uint32_t status;                /* KTDX_CPU_* */
	uint64_t bytes;                 /* bytes this CPU cleared */
	uint64_t tsc_clear;             /* TSC cycles from its first to its last clear store */
};

struct ktdx_report {
	uint64_t magic;                 /* KTDX_REPORT_MAGIC */
	uint32_t version;               /* KTDX_REPORT_VERSION */
	uint32_t size;                  /* sizeof(struct ktdx_report) */
	uint32_t action;                /* KTDX_ACTION_* as requested */
	uint32_t method;                /* KTDX_METHOD_* as performed */
	uint32_t verify;                /* KTDX_VERIFY_* */
	uint32_t nr_ranges;             /* ranges cleared */
	uint64_t bytes_cleared;
	uint64_t tsc_verify;            /* TSC cycles spent hashing */
	uint64_t tsc_flush;             /* TSC cycles spent in WBINVD (first thing at entry) */
	uint64_t tsc_clear;             /* TSC cycles spent clearing */
	uint32_t sha256_path;           /* KTDX_SHA_PATH_* */
	uint32_t paging;                /* 0: the old kernel's identity map (action none);
					   4 or 5: own tables with that many levels */
	uint64_t pgtable_bytes;         /* bytes of own page tables built */
	uint32_t cpus_used;             /* CPUs that cleared (the boot CPU included) */
	uint32_t nr_cpus;               /* CPU entries after the header */
	uint32_t apic_mode;             /* KTDX_APIC_*: how the other CPUs were started */
	uint32_t reserved1;
	uint64_t reserved[1];
	/*
	 * nr_cpus struct ktdx_report_cpu follow the header (size =
	 * KTDX_REPORT_SIZE(nr_cpus)); their bytes add up to bytes_cleared.
	 */
};

/* Bytes of a report with n CPU entries; the loader reserves KTDX_REPORT_SIZE(nr_cpus or 1). */
#define KTDX_REPORT_SIZE(n)     (sizeof(struct ktdx_report) + (n) * sizeof(struct ktdx_report_cpu))

#define KTDX_STATIC_ASSERT(c) _Static_assert(c, #c)
KTDX_STATIC_ASSERT(sizeof(struct ktdx_report) == 104);
KTDX_STATIC_ASSERT(sizeof(struct ktdx_report_cpu) == 24);
KTDX_STATIC_ASSERT(sizeof(struct ktdx_params) ==
		   112 + 16 * KTDX_MAX_SHA_REGIONS + 16 * KTDX_MAX_CLEAR_RANGES +
		   16 * KTDX_MAX_MAP_RANGES + 32 + 8 + 8 * KTDX_MAX_CPUS);

#endif /* !__ASSEMBLER__ */
#endif
