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
#include "crashdump.h"
#include "image.h"
#include "load.h"
#include "memmap.h"
#include "purgatory-load.h"
#include "sha256.h"
#include "syscall.h"

#define KERNEL_MAX      (512u << 20)    /* after decompression */
#define INITRD_MAX      (4ULL << 30)
#define LOW_MIN         LOW_1M          /* nothing of ours below 1 MiB */
#define GiB             (1ULL << 30)

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

static void print_ranges(FILE *out, const char *title, const struct rangeset *set)
{
	fprintf(out, "%s: %zu ranges, 0x%" PRIx64 " bytes\n", title, set->n, rangeset_bytes(set));
	for (size_t i = 0; i < set->n; i++)
		fprintf(out, "  [0x%016" PRIx64 ", 0x%016" PRIx64 ")\n", set->v[i].start, set->v[i].end);
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
	uint64_t initrd_addr = 0, map_top = 0, pgt_addr, pgt_size;
	int r;

	struct crash_facts crash = { 0 };
	struct memmap crash_map = { 0 };
	uint8_t *corehdr = NULL;
	size_t corehdr_len = 0;
	uint64_t corehdr_addr = 0;
	char *crash_cmd = NULL;
	unsigned action = req->action;

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
	for (size_t i = 0; i < map->n; i++)
		if (map->v[i].type == E820_TYPE_RAM && map->v[i].end > map_top)
			map_top = map->v[i].end;
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
	map_top = (map_top + GiB - 1) & ~(GiB - 1);
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

	/* the purgatory's own page tables: a zero-filled segment, never cleared */
	pgt_size = ktdx_pgtable_bytes(map_top);
	struct segment_req pr = {
		.buf = NULL, .bufsz = 0, .memsz = pgt_size, .align = 4096, .min = LOW_MIN,
		.max = 1ULL << 32, .top_down = true, .hash = false, .what = "pagetables",
	};
	if ((r = segments_place(&plan->segs, &pr, &ctx->log, &pgt_addr)) < 0)
		goto out;
	if ((r = purgatory_load(purgatory_blob, purgatory_blob_size, &plan->segs, LOW_MIN,
				1ULL << 32, &ctx->log, &purg)) < 0)
		goto out;

	memset(&params, 0, sizeof(params));
	params.magic = KTDX_PARAMS_MAGIC;
	params.version = KTDX_PARAMS_VERSION;
	params.size = sizeof(params);
	params.entry = plan->entry;
	params.boot_params = plan->linux_boot ? blob.addr : 0;
	params.report = blob.report_addr;
	params.pgtable_base = pgt_addr;
	params.pgtable_size = pgt_size;
	params.map_top = map_top;
	params.action = action;
	if (req->serial_debug)
		params.flags |= KTDX_FLAG_SERIAL_DEBUG;
	if (action == KTDX_ACTION_CLEAR) {
		if (!req->private_ranges) {
			r = log_errno(&ctx->log, -EINVAL, "TDX clear requested without private ranges");
			goto out;
		}
		if ((r = clear_list_build(req->private_ranges, &plan->segs, &clear, &ctx->log)) < 0)
			goto out;
		params.nr_ranges = (uint32_t)clear.n;
		for (size_t i = 0; i < clear.n; i++)
			params.ranges[i] = (struct ktdx_range){ clear.v[i].start, clear.v[i].end };
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
		fprintf(ctx->log.out, "purgatory action: %s, page tables map [0, 0x%" PRIx64 ")\n",
			action == KTDX_ACTION_CLEAR ? "WBINVD + clear" :
			action == KTDX_ACTION_FLUSH ? "WBINVD" : "none", map_top);
		if (action == KTDX_ACTION_CLEAR)
			print_ranges(ctx->log.out, "TDX clear list", &clear);
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
