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
#include "cmdline.h"
#include "cpus.h"
#include "crashdump.h"
#include "image.h"
#include "load.h"
#include "memmap.h"
#include "purgatory-load.h"
#include "pagetable.h"
#include "sha256.h"
#include "syscall.h"
#include "text.h"
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
	for (size_t i = 0; i < ARRAY_SIZE(image_formats); i++) {
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

/*
 * One kexec_load in stages, as the kernel's kexec_file.c reads: plan
 * memory, load the kernel and initrd, the crash extras, boot_params, the
 * purgatory and its parameters, the system call.  Each stage reads what
 * the ones before it left here and adds its part; load_state_free()
 * releases all of it, whichever stage failed.
 */
struct load_state {
	struct kexec_ctx *ctx;
	const struct load_request *req;
	/* plan memory */
	struct mem_plan own;            /* read here when the caller passed none */
	const struct mem_plan *mp;      /* req->mem, or &own */
	struct load_plan plan;          /* the segments, and what the format says */
	/* kernel and initrd */
	struct kernel_file k;
	uint8_t *initrd;
	size_t initrd_len;
	uint64_t initrd_addr;
	/* crash extras (-p) */
	struct crash_facts crash;
	uint8_t *corehdr;
	size_t corehdr_len;
	uint64_t corehdr_addr;
	struct memmap crash_map;        /* the crash kernel's e820 */
	char *crash_cmd;                /* its command line, with elfcorehdr= */
	/* boot_params */
	struct efi_boot_info efi;
	struct bootparams_blob blob;
	/* the purgatory and its parameters */
	uint32_t cpu_flags;             /* KTDX_FLAG_* from cpuinfo */
	bool smp;                       /* the other CPUs flush and clear too */
	uint64_t tramp_addr, pgt_addr, pgt_size;
	struct rangeset low;            /* RAM below 1 MiB, for the new kernel's decompressor */
	struct rangeset clear;          /* the clear list */
	struct rangeset ptmap;          /* what the purgatory's page tables map */
	struct purgatory purg;
	struct ktdx_params params;
};

static void load_state_free(struct load_state *s)
{
	crash_facts_free(&s->crash);
	memmap_free(&s->crash_map);
	free(s->corehdr);
	free(s->crash_cmd);
	purgatory_free(&s->purg);
	bootparams_blob_free(&s->blob);
	efi_boot_info_free(&s->efi);
	free(s->initrd);
	free(s->k.buf);
	mem_plan_free(&s->own);
	rangeset_free(&s->clear);
	rangeset_free(&s->ptmap);
	rangeset_free(&s->low);
	segments_free(&s->plan.segs);
	free(s);
}

/*
 * What only a caller can get wrong.  A crash kernel never clears: the old
 * kernel's memory is the dump, and tdx_policy_apply() (tdx/policy.c) is
 * the one place that turns a clear into a flush for -p.
 */
static int load_request_check(struct kexec_ctx *ctx, const struct load_request *req)
{
	if (req->crash && req->action == KTDX_ACTION_CLEAR)
		return log_errno(&ctx->log, -EINVAL, "internal error: a crash kernel load asked for a "
				 "TDX clear (the old kernel's memory is the dump; the policy flushes at most)");
	if (req->action == KTDX_ACTION_CLEAR && !req->private_ranges)
		return log_errno(&ctx->log, -EINVAL, "TDX clear requested without private ranges");
	return 0;
}

/* A crash kernel's segments go into the "Crash kernel" regions of /proc/iomem only. */
static int crash_region(struct load_state *s, struct rangeset *ram)
{
	int r;

	if ((r = s->mp->io_err) < 0 || (r = crash_facts_read(s->ctx, &s->mp->io, &s->crash)) < 0)
		return r;
	if (!s->crash.crash_regions.n)
		return log_errno(&s->ctx->log, -ENOMEM,
				 "/proc/iomem: no \"Crash kernel\" region: boot with crashkernel=SIZE "
				 "to reserve memory for a crash kernel");
	return rangeset_copy(ram, &s->crash.crash_regions);
}

/*
 * The page of the EFI stub's INITRD config table (efi_initrd_table_find())
 * becomes a segment of zeros before anything else is placed: no segment of
 * ours lies where the next kernel reads and zeroes those 16 bytes, and it
 * reads "no initrd there" instead of a stale one.  Not for a crash kernel
 * (nothing of it lies outside its region), and left out quietly when the
 * page is not usable RAM or outside --mem-min/--mem-max.
 */
static void load_efi_initrd_guard(struct load_state *s)
{
	struct kexec_log quiet = { .out = NULL };
	uint64_t addr, page, end;

	if (s->req->crash || efi_initrd_table_find(s->ctx, &addr) < 0 || !addr)
		return;
	page = addr & ~(PAGE_SIZE_4K - 1);
	end = (addr + 16 + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	if (segments_add_fixed(&s->plan.segs, NULL, 0, page, end - page, "efi-initrd", false,
			       &quiet) < 0)
		log_debug(&s->ctx->log, "EFI INITRD table 0x%" PRIx64 ": %s", addr, quiet.last);
}

/*
 * Plan memory: the memory plan of this invocation (the caller's, read
 * once for detection and load alike) and the RAM the segments may use.
 * Without /proc/iomem placement makes do with the firmware map, a crash
 * load fails with its error; without a firmware map (or its /proc/iomem
 * stand-in) there is no e820.
 */
static int load_plan_memory(struct load_state *s)
{
	const struct load_request *req = s->req;
	struct rangeset ram = RANGESET_INIT;
	int r;

	s->mp = req->mem;
	if (!s->mp) {
		if ((r = mem_plan_read(s->ctx->sr, &s->ctx->log, &s->own)) < 0)
			return r;
		s->mp = &s->own;
	}
	if ((r = s->mp->map_err) < 0)
		return r;
	if (s->mp->map_from_iomem)
		log_debug(&s->ctx->log, "no /sys/firmware/memmap: the e820 map is /proc/iomem's top "
			  "level (%zu entries)", s->mp->map.n);
	r = req->crash ? crash_region(s, &ram) : mem_plan_usable(s->mp, &ram);
	if (r == 0)
		r = segments_init(&s->plan.segs, &ram, req->mem_min > LOW_MIN ? req->mem_min : LOW_MIN,
				  req->mem_max);
	rangeset_free(&ram);
	if (r == 0)
		load_efi_initrd_guard(s);
	return r;
}

/* Load the kernel (its format places it) and the initrd, top down below what the kernel accepts. */
static int load_kernel_initrd(struct load_state *s)
{
	const struct load_request *req = s->req;
	struct kexec_log *log = &s->ctx->log;
	const struct image_ops *ops = NULL;
	int r;

	s->k.path = req->kernel;
	if ((r = file_read(req->kernel, true, KERNEL_MAX, &s->k.buf, &s->k.len, log)) < 0 ||
	    (r = probe_image(s->ctx, &s->k, req->type, &ops)) < 0 ||
	    (r = ops->load(s->ctx, &s->k, &s->plan)) < 0)
		return r;
	if (!req->initrd)
		return 0;
	if ((r = file_read(req->initrd, false, INITRD_MAX, &s->initrd, &s->initrd_len, log)) < 0)
		return r;
	struct segment_req ir = {
		.buf = s->initrd, .bufsz = s->initrd_len, .align = PAGE_SIZE_4K, .min = LOW_MIN,
		.max = s->plan.initrd_max, .top_down = true, .hash = true, .what = "initrd",
	};
	if ((r = segments_place(&s->plan.segs, &ir, log, &s->initrd_addr)) < 0)
		return log_errno(log, r, "%s: cannot place the initrd (%zu bytes) below 0x%" PRIx64,
				 req->initrd, s->initrd_len, s->plan.initrd_max);
	return 0;
}

/*
 * Crash extras (-p): the ELF core header, placed bottom up in the crash
 * region, and the crash kernel's e820 and command line that point at it.
 */
static int load_crash_extras(struct load_state *s)
{
	struct kexec_log *log = &s->ctx->log;
	struct segments *segs = &s->plan.segs;
	int r;

	if (!s->req->crash)
		return 0;
	if ((r = elfcorehdr_build(&s->crash, &s->corehdr, &s->corehdr_len, log)) < 0)
		return r;
	struct segment_req hr = {
		.buf = s->corehdr, .bufsz = s->corehdr_len, .align = PAGE_SIZE_4K, .top_down = false,
		.hash = true, .what = "elfcorehdr",
	};
	if ((r = segments_place(segs, &hr, log, &s->corehdr_addr)) < 0 ||
	    (r = crash_e820(&s->crash, s->corehdr_addr, segs->v[segs->n - 1].memsz, &s->crash_map)) < 0)
		return r;
	return crash_cmdline(s->req->cmdline, s->corehdr_addr, &s->crash_cmd);
}

/* boot_params: the command line, initrd, e820 and EFI facts, and the report slot. */
static int load_boot_params(struct load_state *s)
{
	const struct load_request *req = s->req;
	struct bootparams_input in = {
		.cmdline = req->cmdline, .initrd_addr = s->initrd_addr, .initrd_size = s->initrd_len,
		.e820 = &s->mp->map, .efi = true, .rng_seed = true, .report_slot = true,
		.report_cpus = req->cpus && req->cpus->nr_cpus ? req->cpus->nr_cpus : 1,
	};
	int r;

	if (req->crash) {
		in.cmdline = s->crash_cmd;
		in.e820 = &s->crash_map;
		in.rng_seed = false;    /* nothing to draw from at panic time that matters */
	}
	if ((r = efi_boot_info_read(s->ctx, &s->efi)) < 0)
		return r;
	return bootparams_build(s->ctx, &s->plan, &in, &s->efi, &s->blob);
}

/*
 * Flush and clear: the purgatory's own page tables, a zero-filled
 * segment, never cleared, sized for what they will map (the private
 * ranges, the RAM below 1 MiB, the xAPIC page with SMP, every segment).
 * The plain path (action none) runs on the old kernel's identity map.
 */
static int load_pagetables(struct load_state *s)
{
	const struct load_request *req = s->req;
	struct rangeset private_in = RANGESET_INIT;
	int r;

	if (req->action == KTDX_ACTION_CLEAR) {
		if ((r = rangeset_copy(&private_in, req->private_ranges)) < 0)
			goto out;
		rangeset_align_inward(&private_in, PAGE_SIZE_4K);
	}
	if ((r = low_ram(&s->mp->map, &s->low)) < 0)
		goto out;
	for (size_t i = 0; i < s->low.n; i++)
		if ((r = rangeset_add(&private_in, s->low.v[i].start, s->low.v[i].end)) < 0)
			goto out;
	if (s->smp && (r = cpus_map_add(&private_in)) < 0)     /* sized with the xAPIC page */
		goto out;
	if ((r = pgtable_reserve(&private_in, &s->plan.segs, s->cpu_flags & KTDX_FLAG_GBPAGES,
				 &s->pgt_size, &s->ctx->log)) < 0)
		goto out;
	struct segment_req pr = {
		.buf = NULL, .bufsz = 0, .memsz = s->pgt_size, .align = PAGE_SIZE_4K, .min = LOW_MIN,
		.max = 1ULL << 32, .top_down = true, .hash = false, .what = "pagetables",
	};
	r = segments_place(&s->plan.segs, &pr, &s->ctx->log, &s->pgt_addr);
out:
	rangeset_free(&private_in);
	return r;
}

/*
 * The purgatory, and before it what it runs on: the SMP trampoline (step
 * 4, every CPU flushes and clears its share: a kexec -l with a flush or
 * clear and more than one CPU known; a crash kernel's memory has nothing
 * below 1 MiB for it) and, for a flush or clear, its page tables.
 */
static int load_purgatory(struct load_state *s)
{
	const struct load_request *req = s->req;
	int r;

	s->cpu_flags = purgatory_cpu_flags(req->cpu);
	s->smp = req->action != KTDX_ACTION_NONE && !req->crash && req->cpus && req->cpus->nr_cpus > 1;
	if (s->smp && (r = cpus_trampoline_place(&s->plan.segs, &s->mp->map, &s->ctx->log,
						 &s->tramp_addr)) < 0)
		return r;
	if (req->action != KTDX_ACTION_NONE && (r = load_pagetables(s)) < 0)
		return r;
	return purgatory_load(purgatory_blob, purgatory_blob_size, &s->plan.segs, LOW_MIN,
			      1ULL << 32, &s->ctx->log, &s->purg);
}

/*
 * The map list of the parameters: every segment is placed now, so the
 * final map (clear list, low RAM, segments, the xAPIC page with SMP)
 * must fit in the page tables load_pagetables() reserved.
 */
static int load_map_fill(struct load_state *s)
{
	struct kexec_log *log = &s->ctx->log;
	uint64_t need;
	int r;

	if ((r = purgatory_map_build(&s->clear, &s->low, &s->plan.segs, &s->ptmap, log)) < 0)
		return r;
	if (s->smp && (r = cpus_map_add(&s->ptmap)) < 0)
		return r;
	if (s->smp && s->ptmap.n > KTDX_MAX_MAP_RANGES)
		return log_errno(log, -E2BIG, "purgatory page-table map: %zu ranges, at most %d",
				 s->ptmap.n, KTDX_MAX_MAP_RANGES);
	need = map_table_bytes(&s->ptmap, s->cpu_flags & KTDX_FLAG_GBPAGES, log, NULL);
	if (!need || need > s->pgt_size)
		return log_errno(log, -ERANGE, "purgatory page tables: 0x%" PRIx64 " bytes needed, 0x%"
				 PRIx64 " reserved", need, s->pgt_size);
	s->params.nr_map = (uint32_t)s->ptmap.n;
	for (size_t i = 0; i < s->ptmap.n; i++)
		s->params.map[i] = (struct ktdx_range){ s->ptmap.v[i].start, s->ptmap.v[i].end };
	return 0;
}

/*
 * The running kernel's serial console (proc/cmdline, cmdline.h), where a
 * clear prints its progress (doc/purgatory.md); 0: none, no progress.
 */
static uint16_t serial_console_port(const struct load_state *s)
{
	char *buf = NULL, *text = NULL;
	size_t len;
	uint16_t port = 0;

	if (s->req->crash || sysroot_read(s->ctx->sr, "proc/cmdline", 65536, &buf, &len) < 0)
		return 0;
	if (text_dup(buf, len, "/proc/cmdline", &s->ctx->log, &text) == 0)
		port = cmdline_serial_port(text);
	free(text);
	free(buf);
	return port;
}

/*
 * The purgatory's parameters: entry points, page tables, action and CPU
 * flags, the CPUs, the clear list, the map, the SHA-256 digest of the
 * segments; written into the loaded purgatory by symbol.
 */
static int load_params(struct load_state *s)
{
	const struct load_request *req = s->req;
	struct ktdx_params *p = &s->params;
	int r;

	memset(p, 0, sizeof(*p));
	p->magic = KTDX_PARAMS_MAGIC;
	p->version = KTDX_PARAMS_VERSION;
	p->size = sizeof(*p);
	p->entry = s->plan.entry;
	p->boot_params = s->blob.addr;
	p->report = s->blob.report_addr;
	p->pgtable_base = s->pgt_addr;
	p->pgtable_size = s->pgt_size;
	p->action = req->action;
	p->flags = s->cpu_flags | (req->serial_debug ? KTDX_FLAG_SERIAL_DEBUG : 0);
	if (req->cpus)
		cpus_params_fill(req->cpus, s->smp ? s->tramp_addr : 0, p);
	if (req->action == KTDX_ACTION_CLEAR && (p->serial_port = serial_console_port(s)))
		p->flags |= KTDX_FLAG_SERIAL_PROGRESS;
	if (req->action == KTDX_ACTION_CLEAR) {
		if ((r = clear_list_build(req->private_ranges, &s->plan.segs, &s->clear,
					  &s->ctx->log)) < 0)
			return r;
		p->nr_ranges = (uint32_t)s->clear.n;
		for (size_t i = 0; i < s->clear.n; i++)
			p->ranges[i] = (struct ktdx_range){ s->clear.v[i].start, s->clear.v[i].end };
	}
	if (req->action != KTDX_ACTION_NONE && (r = load_map_fill(s)) < 0)
		return r;
	if (!req->no_checks && (r = sha256_segments(&s->ctx->log, &s->plan.segs, p)) < 0)
		return r;
	purgatory_set_params(&s->purg, p);
	return 0;
}

/* Distinct packages in the purgatory's CPU list (for -d). */
static uint32_t count_packages(const struct ktdx_params *p)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->nr_cpus; i++) {
		uint32_t k = 0;

		while (k < i && p->packages[k] != p->packages[i])
			k++;
		n += k == i;
	}
	return n;
}

/* -d: the segment table, the entry chain, the action and what the purgatory will map and clear. */
static void load_print(const struct load_state *s)
{
	FILE *out = s->ctx->log.out;
	unsigned action = s->req->action;
	const struct ktdx_params *p = &s->params;

	if (!log_enabled(&s->ctx->log, LOG_DEBUG))
		return;
	segments_print(&s->plan.segs, out);
	fprintf(out, "entry: purgatory 0x%" PRIx64 " -> kernel 0x%" PRIx64 ", boot_params 0x%" PRIx64
		", report 0x%" PRIx64 ", e820 %u entries%s\n", s->purg.entry, s->plan.entry,
		s->blob.addr, s->blob.report_addr, s->blob.e820_entries,
		s->blob.efi_passed ? ", EFI runtime map passed" : "");
	fprintf(out, "purgatory action: %s, flags 0x%" PRIx32 "\n",
		action == KTDX_ACTION_CLEAR ? "WBINVD + clear" :
		action == KTDX_ACTION_FLUSH ? "WBINVD" : "none (verify in C on the kernel's map)",
		p->flags);
	if (action == KTDX_ACTION_NONE)
		return;
	fprintf(out, "page tables: 0x%" PRIx64 " bytes at 0x%" PRIx64 ", %s pages\n", s->pgt_size,
		s->pgt_addr, s->cpu_flags & KTDX_FLAG_GBPAGES ? "1 GiB" : "2 MiB");
	print_ranges(out, "page-table map", "  map ", &s->ptmap);
	if (action == KTDX_ACTION_CLEAR)
		print_ranges(out, "TDX clear list", "  ", &s->clear);
	fprintf(out, "CPUs: %" PRIu32 " listed, %" PRIu32 " clear, trampoline 0x%" PRIx64 ", TSC %"
		PRIu64 " kHz%s\n", p->nr_cpus, p->clear_cpus, p->trampoline, p->tsc_khz,
		p->trampoline ? "" : " (the boot CPU alone)");
	fprintf(out, "CPU packages: %" PRIu32 ", boot CPU APIC id %s%" PRIu32 ", package rule: %s\n",
		count_packages(p), p->boot_apic_id == KTDX_APIC_ID_UNKNOWN ? "unknown " : "",
		p->boot_apic_id == KTDX_APIC_ID_UNKNOWN ? 0 : p->boot_apic_id,
		p->flags & KTDX_FLAG_NO_PACKAGE_RULE ? "waived (-p or --tdx-force)" :
		p->flags & KTDX_FLAG_KERNEL_FLUSHES_ALL ? "the kernel flushes every CPU" :
		"reset unless every package flushed");
}

/* The system call (not with dry_run); on failure the reason, and the segment table once. */
static int load_syscall(const struct load_state *s)
{
	struct kexec_log *log = &s->ctx->log;
	int r;

	if (s->req->dry_run)
		return 0;
	r = sys_kexec_load(s->purg.entry, &s->plan.segs, s->req->crash ? KEXEC_ON_CRASH : 0);
	if (r < 0) {
		load_explain_errno(s->ctx, r, "kexec_load");
		if (!log_enabled(log, LOG_DEBUG) && log->out)
			segments_print(&s->plan.segs, log->out);
	}
	return r;
}

int load_with_purgatory(struct kexec_ctx *ctx, const struct load_request *req)
{
	struct load_state *s;
	int r;

	if ((r = load_request_check(ctx, req)) < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->req = req;
	if ((r = load_plan_memory(s)) == 0 &&
	    (r = load_kernel_initrd(s)) == 0 &&
	    (r = load_crash_extras(s)) == 0 &&
	    (r = load_boot_params(s)) == 0 &&
	    (r = load_purgatory(s)) == 0 &&
	    (r = load_params(s)) == 0) {
		load_print(s);
		r = load_syscall(s);
	}
	load_state_free(s);
	return r;
}

/* The kernel's bzImage64 loader checks the header, not the length (Debian's 6.1, kexec-bad.sh). */
int load_file_precheck(struct kexec_ctx *ctx, const struct load_request *req)
{
	struct kernel_file k = { .path = req->kernel };
	int r = file_read(req->kernel, true, KERNEL_MAX, &k.buf, &k.len, &ctx->log);

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(image_formats); i++) {
		r = image_formats[i]->probe(k.buf, k.len, k.path, &ctx->log);
		if (r == IMAGE_NOT_MINE)
			r = 0;
		else
			break;
	}
	free(k.buf);
	return r < 0 ? r : 0;
}

int load_with_file_syscall(struct kexec_ctx *ctx, const struct load_request *req)
{
	int kfd, ifd = -1, r;
	unsigned long flags = (req->crash ? KEXEC_FILE_ON_CRASH : 0) | (req->no_cma ? KEXEC_FILE_NO_CMA : 0);
	const char *cmdline = req->cmdline ? req->cmdline : "";

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
	if (req->file_debug)
		flags |= KEXEC_FILE_DEBUG;
	r = req->dry_run ? 0 : sys_kexec_file_load(kfd, ifd, cmdline, flags);
	if (r == -EINVAL && (flags & KEXEC_FILE_DEBUG)) {
		/* the debug flag is the one unknown to a kernel before 6.7; -d must not fail a load */
		log_debug(&ctx->log, "kexec_file_load: EINVAL with KEXEC_FILE_DEBUG (kernels before 6.7 "
			  "do not know it); once more without it");
		r = sys_kexec_file_load(kfd, ifd, cmdline, flags & ~KEXEC_FILE_DEBUG);
	}
	if (r < 0 && req->file_fallback && syscall_file_fallback(r))
		log_debug(&ctx->log, "kexec_file_load failed: %s", strerror(-r));
	else if (r < 0)
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
