/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The whole kexec_load path without the system call (dry_run): a small
 * sysroot with a firmware map and /proc/iomem, the synthetic bzImage, an
 * initrd; the -d output is asserted line by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tree.h"
#include <kexec-tdx/purgatory-abi.h>
#include "bzimage-fixture.h"
#include "cpus.h"
#include "load.h"
#include "purgatory-load.h"
#include "segments.h"
#include "text.h"
#include "syscall.h"
#include "tdx/tdx.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static char root[] = "/tmp/kt-load-XXXXXX";
static char kernel[600], initrd[600];

static void put(const char *rel, const void *data, size_t len)
{
	tree_put_bytes(root, rel, data, len);
}

static void puts_file(const char *rel, const char *text)
{
	tree_put(root, rel, text);
}

static int setup(void **state)
{
	static const char *const map[][3] = {
		{ "0x0", "0x9fbff", "System RAM" },
		{ "0x9fc00", "0x9ffff", "Reserved" },
		{ "0xf0000", "0xfffff", "Reserved" },
		{ "0x100000", "0x7ffdffff", "System RAM" },
		{ "0x7ffe0000", "0x7fffffff", "Reserved" },
		{ "0x100000000", "0x17fffffff", "System RAM" },
	};
	char rel[80], text[40];
	uint8_t *bz;

	if (!mkdtemp(root))
		return -1;
	for (size_t i = 0; i < 6; i++) {
		static const char *const field[] = { "start", "end", "type" };
		for (size_t f = 0; f < 3; f++) {
			snprintf(rel, sizeof(rel), "sys/firmware/memmap/%zu/%s", i, field[f]);
			snprintf(text, sizeof(text), "%s\n", map[i][f]);
			puts_file(rel, text);
		}
	}
	/* memmap=16M$0x40000000: RAM in the firmware map, not System RAM in iomem */
	puts_file("proc/iomem",
		  "00000000-00000fff : Reserved\n"
		  "00001000-0009fbff : System RAM\n"
		  "00100000-3fffffff : System RAM\n"
		  "  01000000-01ffffff : Kernel code\n"
		  "40000000-40ffffff : Reserved\n"
		  "41000000-7ffdffff : System RAM\n"
		  "100000000-17fffffff : System RAM\n");
	bz = bzimage_fixture();
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", root);
	snprintf(initrd, sizeof(initrd), "%s/initrd.img", root);
	put("vmlinuz", bz, FIX_LEN);
	free(bz);
	char *rd = calloc(1, 3 * MiB + 5);
	put("initrd.img", rd, 3 * MiB + 5);
	free(rd);
	return 0;
}

/* sys_kexec_load, wrapped at link time (-Wl,--wrap): what load_with_purgatory passed. */
static struct {
	int ret;                /* what the "kernel" answers */
	unsigned calls;
	uint64_t entry;
	size_t nr;
	unsigned long flags;
	uint64_t mem[8], memsz[8];
	bool have_params;
	struct ktdx_params params;      /* found by its magic in the purgatory segment */
} sys;

int __wrap_sys_kexec_load(uint64_t entry, const struct segments *segs, unsigned long flags);
int __wrap_sys_kexec_load(uint64_t entry, const struct segments *segs, unsigned long flags)
{
	sys.calls++;
	sys.entry = entry;
	sys.nr = segs->n;
	sys.flags = flags;
	for (size_t i = 0; i < segs->n && i < 8; i++) {
		sys.mem[i] = segs->v[i].mem;
		sys.memsz[i] = segs->v[i].memsz;
		if (!strcmp(segs->v[i].what, "purgatory")) {
			const uint8_t *b = segs->v[i].buf;
			uint64_t magic = KTDX_PARAMS_MAGIC;

			for (size_t off = 0; off + sizeof(sys.params) <= segs->v[i].bufsz; off += 8)
				if (!memcmp(b + off, &magic, 8)) {
					memcpy(&sys.params, b + off, sizeof(sys.params));
					sys.have_params = true;
					break;
				}
		}
	}
	return sys.ret;
}

/* sys_kexec_file_load, wrapped too: the flags of each call; a kernel before 6.7 says EINVAL to KEXEC_FILE_DEBUG. */
static struct {
	bool old_kernel;
	unsigned calls;
	unsigned long flags[2];
} fsys;

int __wrap_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
int __wrap_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	(void)kernel_fd, (void)initrd_fd, (void)cmdline;
	if (fsys.calls < 2)
		fsys.flags[fsys.calls] = flags;
	fsys.calls++;
	return fsys.old_kernel && (flags & KEXEC_FILE_DEBUG) ? -EINVAL : 0;
}

static int teardown(void **state)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static char *run(const struct load_request *req, int *ret)
{
	struct kexec_ctx ctx = { 0 };
	char *out = NULL;
	size_t len = 0;

	ctx.log.out = open_memstream(&out, &len);
	ctx.log.level = LOG_DEBUG;
	assert_int_equal(sysroot_open(root, &ctx.sr), 0);
	*ret = load_with_purgatory(&ctx, req);
	fclose(ctx.log.out);
	sysroot_free(ctx.sr);
	return out;
}

/*
 * Where the loader puts the purgatory, top down below `top`, and its size:
 * both follow from the object this build embedded (another compiler makes
 * another size), so they are measured here by placing it alone in [0, top).
 */
struct placed {
	uint64_t mem, memsz;
};

static struct placed purgatory_below(uint64_t top)
{
	struct rangeset ram = RANGESET_INIT;
	struct kexec_log log = { .out = stderr };
	struct segments segs;
	struct purgatory p;
	struct placed at;

	assert_int_equal(rangeset_add(&ram, 0, top), 0);
	assert_int_equal(segments_init(&segs, &ram, 0, 0), 0);
	assert_int_equal(purgatory_load(purgatory_blob, purgatory_blob_size, &segs, 0, top, &log, &p), 0);
	assert_int_equal(segs.n, 1);
	at.mem = segs.v[0].mem;
	at.memsz = segs.v[0].memsz;
	/* page aligned, whole pages, as close below top as its alignment allows */
	assert_int_equal(at.mem % PAGE_SIZE_4K, 0);
	assert_int_equal(at.memsz % PAGE_SIZE_4K, 0);
	assert_true(at.mem + at.memsz <= top);
	assert_true(top - (at.mem + at.memsz) < 2 * MiB);
	purgatory_free(&p);
	segments_free(&segs);
	rangeset_free(&ram);
	return at;
}

/* The -d line of a segment: "  N  WHAT  0xSTART 0xEND " */
static void assert_segment(const char *out, unsigned n, const char *what, uint64_t start,
			   uint64_t end)
{
	char line[120];

	snprintf(line, sizeof(line), "      %u  %-12s 0x%016llx 0x%016llx ", n, what,
		 (unsigned long long)start, (unsigned long long)end);
	if (!strstr(out, line))
		fail_msg("no segment line \"%s\" in:\n%s", line, out);
}

static void test_clear_layout(void **state)
{
	struct rangeset priv = RANGESET_INIT;
	int r;

	rangeset_add(&priv, 1 * MiB, 0x7ffe0000);
	rangeset_add(&priv, 4 * GiB, 6 * GiB);
	struct load_request req = {
		.kernel = kernel, .initrd = initrd, .cmdline = "console=ttyS0",
		.action = KTDX_ACTION_CLEAR, .private_ranges = &priv, .dry_run = true,
	};
	char *out = run(&req, &r);

	assert_int_equal(r, 0);
	/* kernel at pref_address; initrd at the top of RAM (the kernel may go above 4 GiB) */
	assert_non_null(strstr(out, "      0  kernel       0x0000000001000000 0x0000000003000000 0x0002000000 0x10000\n"));
	assert_non_null(strstr(out, "      1  initrd       0x000000017fcff000 0x0000000180000000 0x0000301000 0x300005\n"));
	/*
	 * boot_params (4096 + 16 cmdline + 48 RNG seed + 16 + 128 report with one CPU
	 * entry = 0x10d0 bytes), page
	 * tables and purgatory: top down from 0x7ffe0000.  The tables map the RAM below
	 * 640 KiB (for the new kernel's decompressor), the private ranges and the
	 * segments, [1 MiB, 0x7ffe0000) and [4, 6) GiB, with 2 MiB pages (no cpuinfo: no
	 * 1 GiB pages): PML4, PDPT, four PDs, a PT for [0, 2) MiB and one at 0x7ffe0000 is
	 * 8 pages, 9 with a PML5; the area adds what the page tables and the purgatory,
	 * placed later, can cost: 2 x (2 PTs + 2 x 3 directories) = 16 pages.
	 */
	assert_non_null(strstr(out, "      2  bootparams   0x000000007ffde000 0x000000007ffe0000 0x0000002000 0x10d0\n"));
	assert_non_null(strstr(out, "      3  pagetables   0x000000007ffc5000 0x000000007ffde000 0x0000019000 0x0 (not hashed)\n"));
	/* the purgatory right below the page tables (its size is the build's) */
	struct placed purg = purgatory_below(0x7ffc5000);
	assert_segment(out, 4, "purgatory", purg.mem, purg.mem + purg.memsz);
	assert_int_equal(purg.mem + purg.memsz, 0x7ffc5000);
	assert_non_null(strstr(out, "purgatory action: WBINVD + clear, flags 0x0\n"));
	assert_non_null(strstr(out, "page tables: 0x19000 bytes at 0x7ffc5000, 2 MiB pages\n"));
	assert_non_null(strstr(out, "page-table map: 3 ranges, 0xfff7f000 bytes\n"
				    "  map [0x0000000000000000, 0x000000000009f000)\n"
				    "  map [0x0000000000100000, 0x000000007ffe0000)\n"
				    "  map [0x0000000100000000, 0x0000000180000000)\n"));
	/*
	 * The private ranges minus the five segments; the purgatory touches the
	 * page tables, so the second range ends where the purgatory starts:
	 * 0xf00000 + (purgatory start - 0x3000000) + 0x7fcff000 bytes.
	 */
	char list[300];
	snprintf(list, sizeof(list), "TDX clear list: 3 ranges, 0x%llx bytes\n"
		 "  [0x0000000000100000, 0x0000000001000000)\n"
		 "  [0x0000000003000000, 0x%016llx)\n"
		 "  [0x0000000100000000, 0x000000017fcff000)\n",
		 (unsigned long long)(0xf00000 + (purg.mem - 0x3000000) + 0x7fcff000),
		 (unsigned long long)purg.mem);
	assert_non_null(strstr(out, list));
	free(out);
	rangeset_free(&priv);
}

static void test_memmap_carveout_is_avoided(void **state)
{
	int r;
	/* [0x3e000000, 0x42000000): System RAM on both sides of the 16 MiB carve-out */
	struct load_request req = {
		.kernel = kernel, .cmdline = "", .action = KTDX_ACTION_NONE,
		.mem_min = 0x3e000000, .mem_max = 0x42000000, .dry_run = true,
	};
	char *out = run(&req, &r);

	/* the kernel takes the 32 MiB below the hole, the rest goes above it */
	assert_int_equal(r, 0);
	assert_non_null(strstr(out, "      0  kernel       0x000000003e000000 0x0000000040000000 "));
	assert_non_null(strstr(out, "      1  bootparams   0x0000000041ffe000 0x0000000042000000 "));
	/* action none: no page-table segment, the purgatory runs on the kernel's map */
	struct placed purg = purgatory_below(0x41ffe000);
	assert_segment(out, 2, "purgatory", purg.mem, purg.mem + purg.memsz);
	assert_int_equal(purg.mem + purg.memsz, 0x41ffe000);    /* right below boot_params */
	assert_null(strstr(out, "pagetables"));
	assert_non_null(strstr(out, "purgatory action: none (verify in C on the kernel's map), flags 0x0\n"));
	free(out);

	/* one MiB higher, 32 MiB at 2 MiB alignment no longer fits: it says so */
	req.mem_min = 0x3f000000;
	out = run(&req, &r);
	assert_int_equal(r, -ENOMEM);
	assert_non_null(strstr(out, "kernel: no free RAM for 0x2000000 bytes (alignment 0x200000)"));
	free(out);

	/* the kernel fits below the hole, but only 2 MiB are left above it for 3 MiB of initrd */
	req.mem_min = 0x3e000000;
	req.mem_max = 0x41200000;
	req.initrd = initrd;
	out = run(&req, &r);
	assert_int_equal(r, -ENOMEM);
	assert_non_null(strstr(out, "initrd.img: cannot place the initrd (3145733 bytes) below 0x"));
	free(out);
}

/*
 * The system call gets the purgatory's entry and the four segments of a
 * plain load (no page tables: action none); its errors are explained.
 */
static void test_syscall(void **state)
{
	static const struct {
		int ret;
		const char *says;
	} cases[] = {
		{ 0, NULL },
		{ -EOPNOTSUPP, "kexec: kexec_load: the kernel refused kexec (EOPNOTSUPP). Kernels 6.18 to 7.1 "
			       "refuse every kexec and kdump load on a TDX host with the \"partial write machine "
			       "check\" erratum (tdx_pw_mce, Sapphire and Emerald Rapids; their log says \"kexec: "
			       "Not allowed on platform with tdx_pw_mce bug\"), because TDX private memory could "
			       "cause machine checks in the new kernel. Do a cold reboot, or boot a kernel that "
			       "disables the TDX module at kexec (tdx_sys_disable, mainline 7.2+); --tdx-force "
			       "cannot change this.\n" },
		{ -EPERM, "kexec: kexec_load: operation not permitted (need CAP_SYS_BOOT; under kernel "
			  "lockdown kexec_load is forbidden, so this tool's TDX purgatory cannot be used and "
			  "only -s (kexec_file_load with a signed kernel) is possible)\n" },
		{ -EBUSY, "kexec: kexec_load: a kexec image is busy (being loaded or executed)\n" },
	};
	struct load_request req = {
		.kernel = kernel, .initrd = initrd, .cmdline = "console=ttyS0",
		.action = KTDX_ACTION_NONE,
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;
		char *out;

		memset(&sys, 0, sizeof(sys));
		sys.ret = cases[i].ret;
		out = run(&req, &r);
		assert_int_equal(r, cases[i].ret);
		assert_int_equal(sys.calls, 1);
		assert_int_equal(sys.flags, 0);
		assert_int_equal(sys.nr, 4);
		assert_int_equal(sys.mem[0], 0x1000000);        /* kernel */
		assert_int_equal(sys.memsz[0], 0x2000000);
		assert_int_equal(sys.mem[1], 0x17fcff000);      /* initrd */
		assert_int_equal(sys.entry, sys.mem[3]);        /* the purgatory's first byte */
		assert_true(sys.have_params);
		assert_int_equal(sys.params.action, KTDX_ACTION_NONE);
		assert_int_equal(sys.params.flags, 0);
		assert_int_equal(sys.params.nr_map, 0);
		assert_int_equal(sys.params.pgtable_base, 0);
		assert_int_equal(sys.params.pgtable_size, 0);
		if (cases[i].says)
			assert_non_null(strstr(out, cases[i].says));
		free(out);
	}
}

/*
 * A flush with every CPU path in cpuinfo: the flags name them, and the
 * page tables map the five segments only (a crash kernel's load looks
 * like this), with 1 GiB pages.
 */
static void test_flush_maps_segments_only(void **state)
{
	struct tdx_cpuinfo cpu = {
		.sha_ni = true, .ssse3 = true, .sse4_1 = true, .bmi2 = true, .movdir64b = true,
		.avx = true, .xsave = true, .pdpe1gb = true,
	};
	struct load_request req = {
		.kernel = kernel, .initrd = initrd, .cmdline = "console=ttyS0",
		.action = KTDX_ACTION_FLUSH, .cpu = &cpu,
	};
	char *out;
	int r;

	memset(&sys, 0, sizeof(sys));
	out = run(&req, &r);
	assert_int_equal(r, 0);
	assert_int_equal(sys.nr, 5);
	assert_true(sys.have_params);
	assert_int_equal(sys.params.version, KTDX_PARAMS_VERSION);
	assert_int_equal(sys.params.action, KTDX_ACTION_FLUSH);
	assert_int_equal(sys.params.flags, KTDX_FLAG_SHA_NI | KTDX_FLAG_SHA_SSE | KTDX_FLAG_MOVDIR64B |
					   KTDX_FLAG_AVX | KTDX_FLAG_GBPAGES);
	assert_int_equal(sys.params.nr_ranges, 0);
	/*
	 * Before the tables: low RAM [0, 0x9f000), kernel [16, 48) MiB, initrd below
	 * 6 GiB, boot_params below 0x7ffe0000: PML4, PDPT, PDs for GiB 0, 1 and 5, a PT
	 * for [0, 2) MiB, one at boot_params and one at the initrd's start: 8 pages, 9
	 * with a PML5, plus 16 for the two segments to come.
	 */
	assert_int_equal(sys.params.pgtable_size, 25 * 4096);
	assert_int_equal(sys.params.pgtable_base, sys.mem[3]);
	assert_int_equal(sys.memsz[3], 25 * 4096);
	/* low RAM; kernel; page tables, purgatory and boot_params in one run; initrd */
	assert_int_equal(sys.params.nr_map, 4);
	assert_int_equal(sys.params.map[0].start, 0);
	assert_int_equal(sys.params.map[0].end, 0x9f000);
	assert_int_equal(sys.params.map[1].start, 0x1000000);
	assert_int_equal(sys.params.map[1].end, 0x3000000);
	assert_int_equal(sys.params.map[2].start, sys.mem[4]);
	assert_int_equal(sys.params.map[2].end, 0x7ffe0000);
	assert_int_equal(sys.params.map[3].start, 0x17fcff000);
	assert_int_equal(sys.params.map[3].end, 0x180000000);
	assert_non_null(strstr(out, "purgatory action: WBINVD, flags 0x7c\n"));
	assert_non_null(strstr(out, "page tables: 0x19000 bytes at 0x"));
	assert_non_null(strstr(out, ", 1 GiB pages\n"));
	free(out);
}

/* What the loader tells the purgatory about the CPU. */
static void test_cpu_flags(void **state)
{
	struct tdx_cpuinfo c = { 0 };

	assert_int_equal(purgatory_cpu_flags(NULL), 0);
	assert_int_equal(purgatory_cpu_flags(&c), 0);
	c.sha_ni = true;                /* SHA-NI needs SSSE3 and SSE4.1 as well */
	assert_int_equal(purgatory_cpu_flags(&c), 0);
	c.ssse3 = c.sse4_1 = true;
	assert_int_equal(purgatory_cpu_flags(&c), KTDX_FLAG_SHA_NI);
	c.bmi2 = true;
	assert_int_equal(purgatory_cpu_flags(&c), KTDX_FLAG_SHA_NI | KTDX_FLAG_SHA_SSE);
	c = (struct tdx_cpuinfo){ .avx = true };        /* AVX without XSAVE: no */
	assert_int_equal(purgatory_cpu_flags(&c), 0);
	c.xsave = true;
	assert_int_equal(purgatory_cpu_flags(&c), KTDX_FLAG_AVX);
	c = (struct tdx_cpuinfo){ .movdir64b = true, .pdpe1gb = true };
	assert_int_equal(purgatory_cpu_flags(&c), KTDX_FLAG_MOVDIR64B | KTDX_FLAG_GBPAGES);
}

/* A kernel without /sys/firmware/memmap: the e820 map comes from /proc/iomem. */
static void test_no_firmware_memmap(void **state)
{
	char on[700], off[700];
	int r;
	struct load_request req = { .kernel = kernel, .cmdline = "", .dry_run = true };

	snprintf(on, sizeof(on), "%s/sys/firmware/memmap", root);
	snprintf(off, sizeof(off), "%s/sys/firmware/memmap.off", root);
	assert_int_equal(rename(on, off), 0);
	char *out = run(&req, &r);
	assert_int_equal(rename(off, on), 0);

	assert_int_equal(r, 0);
	assert_non_null(strstr(out, "no /sys/firmware/memmap: the e820 map is /proc/iomem's top level "
				    "(6 entries)\n"));
	assert_non_null(strstr(out, ", e820 6 entries\n"));
	assert_non_null(strstr(out, "      0  kernel       0x0000000001000000 0x0000000003000000 "));
	free(out);
}

static void test_missing_initrd(void **state)
{
	int r;
	struct load_request req = { .kernel = kernel, .initrd = "/nonexistent/initrd.img",
				    .dry_run = true };
	char *out = run(&req, &r);

	assert_int_equal(r, -ENOENT);
	assert_non_null(strstr(out, "/nonexistent/initrd.img"));
	free(out);
}

static void test_not_a_kernel(void **state)
{
	int r;
	struct load_request req = { .kernel = initrd, .dry_run = true };
	char *out = run(&req, &r);

	assert_int_equal(r, -ENOEXEC);
	assert_non_null(strstr(out, "initrd.img: not a kernel this kexec can load"));
	free(out);
}

/*
 * Before kexec_file_load (load_file_precheck()): the kernel file goes
 * through our probes.  The kernel's bzImage64 loader takes a truncated bzImage; the
 * probe refuses it, naming the file.  A file no probe knows is the
 * kernel's to judge; a good bzImage passes.
 */
static void test_file_precheck(void **state)
{
	const struct {
		const char *file;
		size_t len;             /* of the fixture bzImage; 0: the initrd */
		int r;
		const char *said;
	} cases[] = {
		{ "short", FIX_LEN - 0x1000, -ENOEXEC, "short: truncated: syssize" },
		{ "initrd.img", 0, 0, NULL },
		{ "vmlinuz", FIX_LEN, 0, NULL },
	};
	uint8_t *bz = bzimage_fixture();

	put("short", bz, FIX_LEN - 0x1000);
	free(bz);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_ctx ctx = { 0 };
		char path[128], *out = NULL;
		size_t len = 0;
		struct load_request req = { .kernel = path };
		int r;

		snprintf(path, sizeof(path), "%s/%s", root, cases[i].file);
		ctx.log.out = open_memstream(&out, &len);
		r = load_file_precheck(&ctx, &req);
		fclose(ctx.log.out);
		assert_int_equal(r, cases[i].r);
		if (cases[i].said)
			assert_non_null(strstr(out, cases[i].said));
		else
			assert_string_equal(out, "");
		free(out);
	}
}

/*
 * Four CPUs, a clear: the trampoline (and park page) takes the highest
 * free RAM page below 64 KiB (doc/purgatory.md), the map holds it and the xAPIC
 * page, the report slot has room for four CPU entries, the parameters
 * carry the ids.  A crash load with the same plan starts no CPU.
 */
static void test_cpus(void **state)
{
	static struct cpus_plan cpus = {
		.nr_cpus = 4, .apic_ids = { 0, 2, 4, 6 }, .packages = { 0, 0, 1, 1 },
		.boot_apic_id = 0, .flags = KTDX_FLAG_KERNEL_FLUSHES_ALL, .clear_cpus = 3,
		.tsc_khz = 2903998,
	};
	struct rangeset priv = RANGESET_INIT;
	struct load_request req = {
		.kernel = kernel, .initrd = initrd, .cmdline = "console=ttyS0",
		.action = KTDX_ACTION_CLEAR, .private_ranges = &priv, .cpus = &cpus,
	};
	int r;
	char *out;

	rangeset_add(&priv, 1 * MiB, 0x7ffe0000);
	memset(&sys, 0, sizeof(sys));
	out = run(&req, &r);
	assert_int_equal(r, 0);
	assert_non_null(strstr(out, "  trampoline   0x000000000000f000 0x0000000000010000 0x0000001000 0x0 (not hashed)\n"));
	/* 4096 + 16 cmdline + 48 seed + 16 + 104 + 4 x 24 report, the entries 16-byte aligned */
	assert_non_null(strstr(out, "  bootparams   0x000000007ffde000 0x000000007ffe0000 0x0000002000 0x1120\n"));
	assert_non_null(strstr(out, "CPUs: 4 listed, 3 clear, trampoline 0xf000, TSC 2903998 kHz\n"
				    "CPU packages: 2, boot CPU APIC id 0, package rule: the kernel "
				    "flushes every CPU\n"));
	/* the trampoline is in the low RAM the map holds anyway; the xAPIC page is added */
	assert_non_null(strstr(out, "  map [0x0000000000000000, 0x000000000009f000)\n"
				    "  map [0x0000000000100000, 0x000000007ffe0000)\n"
				    "  map [0x00000000fee00000, 0x00000000fee01000)\n"));
	assert_true(sys.have_params);
	assert_int_equal(sys.params.trampoline, 0xf000);
	assert_int_equal(sys.params.apic_mmio, 0xfee00000);
	assert_int_equal(sys.params.nr_cpus, 4);
	assert_int_equal(sys.params.clear_cpus, 3);
	assert_int_equal(sys.params.tsc_khz, 2903998);
	assert_int_equal(sys.params.apic_ids[3], 6);
	assert_int_equal(sys.params.packages[3], 1);
	assert_int_equal(sys.params.boot_apic_id, 0);
	assert_true(sys.params.flags & KTDX_FLAG_KERNEL_FLUSHES_ALL);
	/* the clear list stays above 1 MiB: the trampoline page is never cleared */
	assert_int_equal(sys.params.ranges[0].start, 1 * MiB);
	free(out);

	/* kdump: the old kernel's memory is the dump, nothing below 1 MiB is ours */
	req.crash = true;
	req.action = KTDX_ACTION_FLUSH;
	req.initrd = NULL;
	memset(&sys, 0, sizeof(sys));
	out = run(&req, &r);
	(void)r;
	assert_null(strstr(out, "trampoline   0x"));
	free(out);
	rangeset_free(&priv);
}

/*
 * What only a caller can get wrong is refused before anything is read or
 * placed: a crash load never clears (tdx/policy.c turns a clear into a
 * flush for -p), and a clear needs the ranges to clear.
 */
static void test_caller_bugs(void **state)
{
	struct rangeset priv = RANGESET_INIT;
	static const struct {
		bool crash, ranges;
		const char *says;
	} cases[] = {
		{ true, true, "kexec: internal error: a crash kernel load asked for a TDX clear (the old "
			      "kernel's memory is the dump; the policy flushes at most)\n" },
		{ true, false, "kexec: internal error: a crash kernel load asked for a TDX clear" },
		{ false, false, "kexec: TDX clear requested without private ranges\n" },
	};

	rangeset_add(&priv, 1 * MiB, 0x7ffe0000);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct load_request req = {
			.kernel = kernel, .initrd = initrd, .cmdline = "console=ttyS0",
			.action = KTDX_ACTION_CLEAR, .crash = cases[i].crash,
			.private_ranges = cases[i].ranges ? &priv : NULL,
		};
		char *out;
		int r;

		memset(&sys, 0, sizeof(sys));
		out = run(&req, &r);
		assert_int_equal(r, -EINVAL);
		assert_int_equal(sys.calls, 0);
		assert_non_null(strstr(out, cases[i].says));
		assert_null(strstr(out, "segment  "));         /* nothing placed */
		free(out);
	}
	rangeset_free(&priv);
}

/*
 * Under EFI, the page of the EFI stub's INITRD config table (found through
 * the system table in /dev/mem) is a segment of zeros placed before the
 * kernel: Linux 6.19+ zeroes those 16 bytes when it boots, and they must
 * not lie in the initrd (Debian's 7.3 under OVMF lost its initramfs so).
 */
static void test_efi_initrd_table_page(void **state)
{
	static const uint8_t initrd_guid[16] = { 0x27, 0xe4, 0x68, 0x55, 0xfc, 0x68, 0x3d, 0x4f,
						 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 };
	struct boot_params bp = { 0 };
	uint64_t systab[15] = { 0x5453595320494249ULL };        /* "IBI SYST" */
	uint8_t tables[2][24] = { { 0x11 } };
	uint64_t at = 0x3abcdff8;                                /* 16 bytes over a page end */
	char path[700];
	int fd, r;

	bp.efi_info.efi_systab = 0x7ffe1000;
	systab[13] = 2;                                          /* nr_tables */
	systab[14] = 0xfffffffeef002000ULL;      /* tables: virtual after SetVirtualAddressMap */
	memcpy(tables[1], initrd_guid, 16);
	memcpy(tables[1] + 16, &at, 8);
	put("sys/kernel/boot_params/data", &bp, sizeof(bp));
	puts_file("sys/firmware/efi/systab", "ACPI20=0x7ffe3000\n");
	puts_file("sys/firmware/efi/config_table", "0x7ffe2000\n");      /* the physical one */
	snprintf(path, sizeof(path), "%s/dev", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/dev/mem", root);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, systab, sizeof(systab), 0x7ffe1000), sizeof(systab));
	assert_int_equal(pwrite(fd, tables, sizeof(tables), 0x7ffe2000), sizeof(tables));
	close(fd);

	struct load_request req = {
		.kernel = kernel, .initrd = initrd, .cmdline = "", .action = KTDX_ACTION_NONE,
		.dry_run = true,
	};
	char *out = run(&req, &r);
	assert_int_equal(r, 0);
	assert_segment(out, 0, "efi-initrd", 0x3abcd000, 0x3abcf000);
	assert_non_null(strstr(out, "  kernel       0x0000000001000000 "));
	free(out);

	/* a crash kernel leaves it alone; so does a load without /dev/mem */
	req.crash = true;
	unlink(path);
	out = run(&req, &r);
	assert_null(strstr(out, "efi-initrd"));
	free(out);
	req.crash = false;
	out = run(&req, &r);
	assert_int_equal(r, 0);
	assert_null(strstr(out, "efi-initrd"));
	free(out);
	snprintf(path, sizeof(path), "%s/sys/kernel/boot_params/data", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/firmware/efi/systab", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/firmware/efi/config_table", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/firmware/efi", root);
	rmdir(path);
}

/*
 * -d with kexec_file_load: KEXEC_FILE_DEBUG, as kexec-tools passes it; a
 * kernel before 6.7 rejects it with EINVAL, and the load is made once more
 * without it (and says so under -d), so -d never fails a load.
 */
static void test_file_debug(void **state)
{
	static const struct {
		bool debug, old_kernel, crash;
		unsigned calls;
		unsigned long first, second;
	} cases[] = {
		{ false, false, false, 1, KEXEC_FILE_NO_INITRAMFS, 0 },
		{ true, false, false, 1, KEXEC_FILE_NO_INITRAMFS | KEXEC_FILE_DEBUG, 0 },
		{ true, true, false, 2, KEXEC_FILE_NO_INITRAMFS | KEXEC_FILE_DEBUG, KEXEC_FILE_NO_INITRAMFS },
		{ true, true, true, 2, KEXEC_FILE_ON_CRASH | KEXEC_FILE_NO_INITRAMFS | KEXEC_FILE_DEBUG,
		  KEXEC_FILE_ON_CRASH | KEXEC_FILE_NO_INITRAMFS },
		{ false, true, false, 1, KEXEC_FILE_NO_INITRAMFS, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_ctx ctx = { 0 };
		struct load_request req = {
			.kernel = kernel, .cmdline = "console=ttyS0", .crash = cases[i].crash,
			.file_debug = cases[i].debug,
		};
		char *out = NULL;
		size_t len = 0;

		memset(&fsys, 0, sizeof(fsys));
		fsys.old_kernel = cases[i].old_kernel;
		ctx.log.out = open_memstream(&out, &len);
		ctx.log.level = LOG_DEBUG;
		assert_int_equal(load_with_file_syscall(&ctx, &req), 0);
		fclose(ctx.log.out);
		assert_int_equal(fsys.calls, cases[i].calls);
		assert_int_equal(fsys.flags[0], cases[i].first);
		assert_int_equal(fsys.flags[1], cases[i].second);
		if (cases[i].calls == 2)
			assert_non_null(strstr(out, "kexec_file_load: EINVAL with KEXEC_FILE_DEBUG (kernels "
						    "before 6.7 do not know it); once more without it"));
		else
			assert_null(strstr(out, "EINVAL"));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_layout),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_memmap_carveout_is_avoided),
		cmocka_unit_test(test_syscall),
		cmocka_unit_test(test_flush_maps_segments_only),
		cmocka_unit_test(test_cpu_flags),
		cmocka_unit_test(test_no_firmware_memmap),
		cmocka_unit_test(test_missing_initrd),
		cmocka_unit_test(test_not_a_kernel),
		cmocka_unit_test(test_file_precheck),
		cmocka_unit_test(test_caller_bugs),
		cmocka_unit_test(test_efi_initrd_table_page),
		cmocka_unit_test(test_file_debug),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
