/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kexec.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kexec-tdx/purgatory-abi.h>
#include "bootparams.h"
#include "cpus.h"
#include "crashdump.h"
#include "image.h"
#include "load.h"
#include "memmap.h"
#include "purgatory-load.h"
#include "pagetable.h"
#include "sha256.h"
#include "syscall.h"
#include "tdx/tdx.h"

#define KERNEL_MAX      (512u << 20)    /* after decompression */
#define INITRD_MAX      (4ULL << 30)
#define LOW_MIN         LOW_1M          /* nothing of ours below 1 MiB */

static const struct image_ops *const image_formats[] = { &bzimage_ops, &elf64_ops };

int clear_list_build(const struct rangeset *private_ranges, const struct segments *segs,
		     struct rangeset *out, struct kexec_log *log)
{
	int r;

	out->n = 0;
	if ((r = rangeset_copy(out, private_ranges)) < 0)
		return r;
	if ((r = segments_subtract_from(segs, out)) < 0)
		return r;
	rangeset_align_inward(out, PAGE_SIZE_4K);
	rangeset_normalize(out);
	if (out->n > KTDX_MAX_CLEAR_RANGES)
		return log_errno(log, -E2BIG,
				 "TDX clear list: %zu ranges, the purgatory holds at most %d",
				 out->n, KTDX_MAX_CLEAR_RANGES);
	return 0;
}

uint32_t purgatory_cpu_flags(const struct tdx_cpuinfo *cpu)
{
	uint32_t f = 0;

	if (!cpu)
		return 0;
	/* the same requirements as sha256_ni_supported() and sha256_sse_supported() */
	if (cpu->sha_ni && cpu->ssse3 && cpu->sse4_1)
		f |= KTDX_FLAG_SHA_NI;
	if (cpu->ssse3 && cpu->sse4_1 && cpu->bmi2)
		f |= KTDX_FLAG_SHA_SSE;
	if (cpu->movdir64b)
		f |= KTDX_FLAG_MOVDIR64B;
	/* the kernel shows avx only when XCR0 can enable AVX state */
	if (cpu->avx && cpu->xsave)
		f |= KTDX_FLAG_AVX;
	if (cpu->pdpe1gb)
		f |= KTDX_FLAG_GBPAGES;
	return f;
}

int purgatory_map_build(const struct rangeset *clear, const struct rangeset *low,
			const struct segments *segs, struct rangeset *out, struct kexec_log *log)
{
	const uint64_t mask = PAGE_SIZE_4K - 1;
	int r;

	out->n = 0;
	if (clear && (r = rangeset_copy(out, clear)) < 0)
		return r;
	for (size_t i = 0; low && i < low->n; i++)
		if ((r = rangeset_add(out, low->v[i].start, low->v[i].end)) < 0)
			return r;
	for (size_t i = 0; i < segs->n; i++)
		if ((r = rangeset_add(out, segs->v[i].mem & ~mask,
				      (segs->v[i].mem + segs->v[i].memsz + mask) & ~mask)) < 0)
			return r;
	rangeset_normalize(out);
	if (out->n > KTDX_MAX_MAP_RANGES)
		return log_errno(log, -E2BIG,
				 "purgatory page-table map: %zu ranges, the purgatory holds at most %d",
				 out->n, KTDX_MAX_MAP_RANGES);
	return 0;
}

/*
 * Bytes of page tables for set in both paging modes (the purgatory
 * follows the CR4.LA57 the kernel left), the larger of the two; 0 and a
 * logged error when neither mode can map it.
 */
static uint64_t map_table_bytes(const struct rangeset *set, bool gb, struct kexec_log *log,
				uint64_t extra_len[2])
{
	struct ktdx_range *v = calloc(set->n ? set->n : 1, sizeof(*v));
	uint64_t max = 0;
	bool any = false;

	if (!v)
		return 0;
	for (size_t i = 0; i < set->n; i++)
		v[i] = (struct ktdx_range){ set->v[i].start, set->v[i].end };
	for (int la57 = 0; la57 < 2; la57++) {
		uint64_t b;

		if (pagetable_bytes(v, (uint32_t)set->n, gb, la57, &b) < 0)
			continue;
		any = true;
		for (int k = 0; extra_len && k < 2; k++)
			b += pagetable_extra_bytes(extra_len[k], la57);
		if (b > max)
			max = b;
	}
	free(v);
	if (!any)
		log_errno(log, -ERANGE, "purgatory page-table map: ranges up to 0x%" PRIx64
			  " cannot be identity mapped with 4- or 5-level paging",
			  set->n ? set->v[set->n - 1].end : 0);
	return any ? max : 0;
}

/*
 * The RAM below 1 MiB in the e820 map, 4 KiB aligned inward.  The new
 * kernel's decompressor reads the BIOS data area in page 0 and puts its
 * 32-bit paging trampoline in low RAM below 640 KiB (found through the
 * BDA and boot_params' e820) before it builds its own identity map
 * (arch/x86/boot/compressed/pgtable_64.c: paging_prepare() in older
 * kernels, configure_5level_paging() when the paging mode changes), so
 * our tables, which it runs on until then, must map it.  Only RAM: the
 * EBDA, VGA and BIOS areas stay unmapped.
 */
static int low_ram(const struct memmap *map, struct rangeset *out)
{
	struct rangeset lim = RANGESET_INIT;
	int r;

	out->n = 0;
	if ((r = memmap_collect(map, E820_TYPE_RAM, out)) < 0 ||
	    (r = rangeset_add(&lim, 0, LOW_MIN)) < 0 ||
	    (r = rangeset_intersect(out, &lim)) < 0)
		goto done;
	rangeset_align_inward(out, PAGE_SIZE_4K);
	rangeset_normalize(out);
done:
	rangeset_free(&lim);
	return r;
}

/*
 * The page-table segment's size, before it and the purgatory are placed:
 * the tables for the private ranges (what the clear list will be, before
 * the segments are cut out) and the segments placed so far, plus what
 * the page-table segment and the purgatory, wherever they land, can add
 * (pagetable_extra_bytes; the purgatory is far below 1 GiB).  Since every
 * segment is page aligned, the final map, clear list and all segments, is
 * exactly that union plus those two.
 */
static int pgtable_reserve(const struct rangeset *private_in, const struct segments *segs,
			   bool gb, uint64_t *size, struct kexec_log *log)
{
	struct rangeset map0 = RANGESET_INIT;
	uint64_t extra[2] = { 0, 0 }, b = 0;
	int r;

	if ((r = purgatory_map_build(private_in, NULL, segs, &map0, log)) < 0)
		goto out;
	/* the segment's own size is in its bound: iterate to a fixed point */
	for (int i = 0; i < 8; i++) {
		if (!(b = map_table_bytes(&map0, gb, log, extra))) {
			r = -ERANGE;
			goto out;
		}
		if (b <= extra[0])
			break;
		extra[0] = b;
	}
	*size = extra[0];
	r = 0;
out:
	rangeset_free(&map0);
	return r;
}

static bool type_matches(const struct image_ops *ops, const char *type)
{
	for (const char *const *n = ops->type_names; *n; n++)
		if (!strcasecmp(type, *n))
			return true;
	return false;
}

static int probe_image(struct kexec_ctx *ctx, const struct kernel_file *k, const char *type,
		       const struct image_ops **ops)
{
	for (size_t i = 0; i < sizeof(image_formats) / sizeof(image_formats[0]); i++) {
		int r = image_formats[i]->probe(k->buf, k->len, k->path, &ctx->log);

		if (r == IMAGE_NOT_MINE)
			continue;
		if (r < 0)
			return r;       /* recognised, but unusable: the probe said why */
		if (type && !type_matches(image_formats[i], type))
			return log_errno(&ctx->log, -ENOEXEC, "%s: is a %s, not --type=%s", k->path,
					 image_formats[i]->name, type);
		*ops = image_formats[i];
		return 0;
	}
	return log_errno(&ctx->log, -ENOEXEC,
			 "%s: not a kernel this kexec can load (bzImage with a 64-bit entry, or x86-64 ELF)",
			 k->path);
}

static int sha256_segments(struct kexec_log *log, const struct segments *segs,
			   struct ktdx_params *p)
{
	struct sha256_ctx sc;

	sha256_init(&sc);
	p->nr_sha_regions = 0;
	for (size_t i = 0; i < segs->n; i++) {
		if (!segs->v[i].hash || !segs->v[i].buf || !segs->v[i].bufsz)
			continue;
		if (p->nr_sha_regions == KTDX_MAX_SHA_REGIONS)
			return log_errno(log, -E2BIG,
					 "%zu segments to verify, the purgatory holds %d", segs->n,
					 KTDX_MAX_SHA_REGIONS);
		sha256_update(&sc, segs->v[i].buf, segs->v[i].bufsz);
		p->sha_regions[p->nr_sha_regions++] =
			(struct ktdx_region){ segs->v[i].mem, segs->v[i].bufsz };
	}
	sha256_final(&sc, p->sha256);
	return 0;
}

/* A title line, then one line per range; the clear list has no prefix (tests read it). */
static void print_ranges(FILE *out, const char *title, const char *indent,
			 const struct rangeset *set)
{
	fprintf(out, "%s: %zu ranges, 0x%" PRIx64 " bytes\n", title, set->n, rangeset_bytes(set));
	rangeset_print(out, set, indent, RANGE_FIXED);
}

int load_with_purgatory(struct kexec_ctx *ctx, const struct load_request *req)
{
	struct kernel_file k = { .path = req->kernel };
	struct load_plan *plan = NULL;
	struct mem_plan own = { 0 };
	const struct mem_plan *mp = req->mem;
	const struct memmap *map;
	struct rangeset ram = RANGESET_INIT, clear = RANGESET_INIT;
	struct efi_boot_info efi = { 0 };
	struct bootparams_blob blob = { 0 };
	struct purgatory purg = { 0 };
	struct ktdx_params params;
	const struct image_ops *ops = NULL;
	uint8_t *initrd = NULL;
	size_t initrd_len = 0;
	uint64_t initrd_addr = 0, pgt_addr = 0, pgt_size = 0, tramp_addr = 0;
	struct rangeset private_in = RANGESET_INIT, ptmap = RANGESET_INIT, low = RANGESET_INIT;
	int r;

	struct crash_facts crash = { 0 };
	struct memmap crash_map = { 0 };
	uint8_t *corehdr = NULL;
	size_t corehdr_len = 0;
	uint64_t corehdr_addr = 0;
	char *crash_cmd = NULL;
	unsigned action = req->action;
	uint32_t cpu_flags;
	bool smp;

	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	/*
	 * The memory plan of this invocation (the caller's, read once for
	 * detection and load alike).  Without /proc/iomem placement makes do
	 * with the firmware map, a crash load fails with its error; without
	 * a firmware map (or its /proc/iomem stand-in) there is no e820.
	 */
	if (!mp) {
		if ((r = mem_plan_read(ctx->sr, &ctx->log, &own)) < 0)
			goto out;
		mp = &own;
	}
	map = &mp->map;
	if ((r = mp->map_err) < 0)
		goto out;
	if (mp->map_from_iomem)
		log_debug(&ctx->log, "no /sys/firmware/memmap: the e820 map is /proc/iomem's top level "
			  "(%zu entries)", map->n);
	if (req->crash) {
		/* the old kernel's memory is the dump: flush at most, never clear */
		if (action == KTDX_ACTION_CLEAR)
			action = KTDX_ACTION_FLUSH;
		if ((r = mp->io_err) < 0 || (r = crash_facts_read(ctx, &mp->io, &crash)) < 0)
			goto out;
		if (!crash.crash_regions.n) {
			r = log_errno(&ctx->log, -ENOMEM,
				      "/proc/iomem: no \"Crash kernel\" region: boot with crashkernel=SIZE "
				      "to reserve memory for a crash kernel");
			goto out;
		}
		if ((r = rangeset_copy(&ram, &crash.crash_regions)) < 0)
			goto out;
	} else if ((r = mem_plan_usable(mp, &ram)) < 0) {
		goto out;
	}
	if ((r = segments_init(&plan->segs, &ram, req->mem_min > LOW_MIN ? req->mem_min : LOW_MIN,
			       req->mem_max)) < 0)
		goto out;

	if ((r = file_read(req->kernel, true, KERNEL_MAX, &k.buf, &k.len, &ctx->log)) < 0)
		goto out;
	if ((r = probe_image(ctx, &k, req->type, &ops)) < 0)
		goto out;
	if ((r = ops->load(ctx, &k, plan)) < 0)
		goto out;

	if (req->initrd) {
		if ((r = file_read(req->initrd, false, INITRD_MAX, &initrd, &initrd_len, &ctx->log)) < 0)
			goto out;
		struct segment_req ir = {
			.buf = initrd, .bufsz = initrd_len, .align = 4096, .min = LOW_MIN,
			.max = plan->initrd_max, .top_down = true, .hash = true, .what = "initrd",
		};
		if ((r = segments_place(&plan->segs, &ir, &ctx->log, &initrd_addr)) < 0) {
			r = log_errno(&ctx->log, r, "%s: cannot place the initrd (%zu bytes) below 0x%" PRIx64,
				      req->initrd, initrd_len, plan->initrd_max);
			goto out;
		}
	}

	struct bootparams_input in = {
		.cmdline = req->cmdline, .initrd_addr = initrd_addr, .initrd_size = initrd_len,
		.e820 = map, .efi = true, .rng_seed = true, .report_slot = true,
		.report_cpus = req->cpus && req->cpus->nr_cpus ? req->cpus->nr_cpus : 1,
	};
	if (req->crash) {
		if ((r = elfcorehdr_build(&crash, &corehdr, &corehdr_len, &ctx->log)) < 0)
			goto out;
		struct segment_req hr = {
			.buf = corehdr, .bufsz = corehdr_len, .align = 4096, .top_down = false,
			.hash = true, .what = "elfcorehdr",
		};
		if ((r = segments_place(&plan->segs, &hr, &ctx->log, &corehdr_addr)) < 0)
			goto out;
		if ((r = crash_e820(&crash, corehdr_addr, plan->segs.v[plan->segs.n - 1].memsz,
				    &crash_map)) < 0 ||
		    (r = crash_cmdline(req->cmdline, corehdr_addr, &crash_cmd)) < 0)
			goto out;
		in.cmdline = crash_cmd;
		in.e820 = &crash_map;
		in.rng_seed = false;    /* nothing to draw from at panic time that matters */
	}
	if ((r = efi_boot_info_read(ctx, &efi)) < 0)
		goto out;
	if ((r = bootparams_build(ctx, plan, &in, &efi, &blob)) < 0)
		goto out;

	if (action == KTDX_ACTION_CLEAR && !req->private_ranges) {
		r = log_errno(&ctx->log, -EINVAL, "TDX clear requested without private ranges");
		goto out;
	}
	cpu_flags = purgatory_cpu_flags(req->cpu);
	/*
	 * Step 4 (every CPU flushes and clears its share): a kexec -l with
	 * a flush or clear and more than one CPU known.  A crash kernel's
	 * memory has nothing below 1 MiB for the trampoline.
	 */
	smp = action != KTDX_ACTION_NONE && !req->crash && req->cpus && req->cpus->nr_cpus > 1;
	if (smp && (r = cpus_trampoline_place(&plan->segs, map, &ctx->log, &tramp_addr)) < 0)
		goto out;
	/*
	 * Flush and clear: the purgatory's own page tables, a zero-filled
	 * segment, never cleared, sized for what they will map.  The plain
	 * path (action none) runs on the old kernel's identity map.
	 */
	if (action != KTDX_ACTION_NONE) {
		if (action == KTDX_ACTION_CLEAR) {
			if ((r = rangeset_copy(&private_in, req->private_ranges)) < 0)
				goto out;
			rangeset_align_inward(&private_in, PAGE_SIZE_4K);
		}
		if ((r = low_ram(map, &low)) < 0)
			goto out;
		for (size_t i = 0; i < low.n; i++)
			if ((r = rangeset_add(&private_in, low.v[i].start, low.v[i].end)) < 0)
				goto out;
		if (smp && (r = cpus_map_add(&private_in)) < 0)      /* sized with the xAPIC page */
			goto out;
		if ((r = pgtable_reserve(&private_in, &plan->segs, cpu_flags & KTDX_FLAG_GBPAGES,
					 &pgt_size, &ctx->log)) < 0)
			goto out;
		struct segment_req pr = {
			.buf = NULL, .bufsz = 0, .memsz = pgt_size, .align = 4096, .min = LOW_MIN,
			.max = 1ULL << 32, .top_down = true, .hash = false, .what = "pagetables",
		};
		if ((r = segments_place(&plan->segs, &pr, &ctx->log, &pgt_addr)) < 0)
			goto out;
	}
	if ((r = purgatory_load(purgatory_blob, purgatory_blob_size, &plan->segs, LOW_MIN,
				1ULL << 32, &ctx->log, &purg)) < 0)
		goto out;

	memset(&params, 0, sizeof(params));
	params.magic = KTDX_PARAMS_MAGIC;
	params.version = KTDX_PARAMS_VERSION;
	params.size = sizeof(params);
	params.entry = plan->entry;
	params.boot_params = blob.addr;
	params.report = blob.report_addr;
	params.pgtable_base = pgt_addr;
	params.pgtable_size = pgt_size;
	params.action = action;
	params.flags = cpu_flags;
	if (req->serial_debug)
		params.flags |= KTDX_FLAG_SERIAL_DEBUG;
	if (req->cpus)
		cpus_params_fill(req->cpus, smp ? tramp_addr : 0, &params);
	if (action == KTDX_ACTION_CLEAR) {
		if ((r = clear_list_build(req->private_ranges, &plan->segs, &clear, &ctx->log)) < 0)
			goto out;
		params.nr_ranges = (uint32_t)clear.n;
		for (size_t i = 0; i < clear.n; i++)
			params.ranges[i] = (struct ktdx_range){ clear.v[i].start, clear.v[i].end };
	}
	if (action != KTDX_ACTION_NONE) {
		uint64_t need;

		if ((r = purgatory_map_build(&clear, &low, &plan->segs, &ptmap, &ctx->log)) < 0)
			goto out;
		if (smp && ((r = cpus_map_add(&ptmap)) < 0 ||
			    (ptmap.n > KTDX_MAX_MAP_RANGES &&
			     (r = log_errno(&ctx->log, -E2BIG, "purgatory page-table map: %zu ranges, "
					    "at most %d", ptmap.n, KTDX_MAX_MAP_RANGES)) < 0)))
			goto out;
		need = map_table_bytes(&ptmap, cpu_flags & KTDX_FLAG_GBPAGES, &ctx->log, NULL);
		if (!need || need > pgt_size) {
			r = log_errno(&ctx->log, -ERANGE,
				      "purgatory page tables: 0x%" PRIx64 " bytes needed, 0x%" PRIx64
				      " reserved", need, pgt_size);
			goto out;
		}
		params.nr_map = (uint32_t)ptmap.n;
		for (size_t i = 0; i < ptmap.n; i++)
			params.map[i] = (struct ktdx_range){ ptmap.v[i].start, ptmap.v[i].end };
	}
	if (!req->no_checks && (r = sha256_segments(&ctx->log, &plan->segs, &params)) < 0)
		goto out;
	purgatory_set_params(&purg, &params);

	if (log_enabled(&ctx->log, LOG_DEBUG)) {
		segments_print(&plan->segs, ctx->log.out);
		fprintf(ctx->log.out, "entry: purgatory 0x%" PRIx64 " -> kernel 0x%" PRIx64
			", boot_params 0x%" PRIx64 ", report 0x%" PRIx64 ", e820 %u entries%s\n",
			purg.entry, plan->entry, blob.addr, blob.report_addr, blob.e820_entries,
			blob.efi_passed ? ", EFI runtime map passed" : "");
		fprintf(ctx->log.out, "purgatory action: %s, flags 0x%" PRIx32 "\n",
			action == KTDX_ACTION_CLEAR ? "WBINVD + clear" :
			action == KTDX_ACTION_FLUSH ? "WBINVD" : "none (verify in C on the kernel's map)",
			params.flags);
		if (action != KTDX_ACTION_NONE) {
			fprintf(ctx->log.out, "page tables: 0x%" PRIx64 " bytes at 0x%" PRIx64 ", %s pages\n",
				pgt_size, pgt_addr, cpu_flags & KTDX_FLAG_GBPAGES ? "1 GiB" : "2 MiB");
			print_ranges(ctx->log.out, "page-table map", "  map ", &ptmap);
		}
		if (action == KTDX_ACTION_CLEAR)
			print_ranges(ctx->log.out, "TDX clear list", "  ", &clear);
		if (action != KTDX_ACTION_NONE)
			fprintf(ctx->log.out, "CPUs: %" PRIu32 " listed, %" PRIu32 " clear, trampoline 0x%"
				PRIx64 ", TSC %" PRIu64 " kHz%s\n", params.nr_cpus, params.clear_cpus,
				params.trampoline, params.tsc_khz,
				params.trampoline ? "" : " (the boot CPU alone)");
	}
	if (!req->dry_run) {
		r = sys_kexec_load(purg.entry, &plan->segs, req->crash ? KEXEC_ON_CRASH : 0);
		if (r < 0) {
			load_explain_errno(ctx, r, "kexec_load");
			if (!log_enabled(&ctx->log, LOG_DEBUG) && ctx->log.out)
				segments_print(&plan->segs, ctx->log.out);
		}
	}
out:
	crash_facts_free(&crash);
	memmap_free(&crash_map);
	free(corehdr);
	free(crash_cmd);
	purgatory_free(&purg);
	bootparams_blob_free(&blob);
	efi_boot_info_free(&efi);
	free(initrd);
	free(k.buf);
	mem_plan_free(&own);
	rangeset_free(&ram);
	rangeset_free(&clear);
	rangeset_free(&private_in);
	rangeset_free(&ptmap);
	rangeset_free(&low);
	if (plan)
		segments_free(&plan->segs);
	free(plan);
	return r;
}

int load_with_file_syscall(struct kexec_ctx *ctx, const struct load_request *req)
{
	int kfd, ifd = -1, r;
	unsigned long flags = req->crash ? KEXEC_FILE_ON_CRASH : 0;

	kfd = open(req->kernel, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		return log_errno(&ctx->log, -errno, "%s: %s", req->kernel, strerror(errno));
	if (req->initrd) {
		ifd = open(req->initrd, O_RDONLY | O_CLOEXEC);
		if (ifd < 0) {
			r = log_errno(&ctx->log, -errno, "%s: %s", req->initrd, strerror(errno));
			close(kfd);
			return r;
		}
	} else {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	}
	r = req->dry_run ? 0 : sys_kexec_file_load(kfd, ifd, req->cmdline ? req->cmdline : "", flags);
	if (r < 0)
		load_explain_errno(ctx, r, "kexec_file_load");
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	return r;
}

int load_explain_errno(struct kexec_ctx *ctx, int err, const char *syscall_name)
{
	switch (err) {
	case -EOPNOTSUPP:
		/* kexec --tdx-status predicts this from /proc/kallsyms (tdx/kernel.c); the kernel has the last word */
		log_errno(&ctx->log, err,
			  "%s: the kernel refused kexec (EOPNOTSUPP). Kernels 6.18 to 7.1 refuse every kexec "
			  "and kdump load on a TDX host with the \"partial write machine check\" erratum "
			  "(tdx_pw_mce, Sapphire and Emerald Rapids; their log says \"kexec: Not allowed on "
			  "platform with tdx_pw_mce bug\"), because TDX private memory could cause machine "
			  "checks in the new kernel. Do a cold reboot, or boot a kernel that disables the TDX "
			  "module at kexec (tdx_sys_disable, mainline 7.2+); --tdx-force cannot change this.",
			  syscall_name);
		break;
	case -EPERM:
		if (!strcmp(syscall_name, "kexec_file_load"))
			log_errno(&ctx->log, err,
				  "%s: operation not permitted (need CAP_SYS_BOOT; under kernel lockdown "
				  "the kernel image must carry a signature the running kernel trusts)",
				  syscall_name);
		else
			log_errno(&ctx->log, err,
				  "%s: operation not permitted (need CAP_SYS_BOOT; under kernel lockdown "
				  "kexec_load is forbidden, so this tool's TDX purgatory cannot be used and "
				  "only -s (kexec_file_load with a signed kernel) is possible)", syscall_name);
		break;
	case -EKEYREJECTED:
	case -EBADMSG:
		log_errno(&ctx->log, err, "%s: the kernel image's signature was rejected (%s)",
			  syscall_name, strerror(-err));
		break;
	case -EBUSY:
		log_errno(&ctx->log, err, "%s: a kexec image is busy (being loaded or executed)",
			  syscall_name);
		break;
	case -ENOSYS:
		log_errno(&ctx->log, err, "%s: not implemented by the running kernel", syscall_name);
		break;
	default:
		log_errno(&ctx->log, err, "%s failed: %s", syscall_name, strerror(-err));
		break;
	}
	return err;
}
