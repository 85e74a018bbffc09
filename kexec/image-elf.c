/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 ELF executables (a vmlinux, or any bare ELF kernel): each PT_LOAD
 * becomes one segment at its physical address p_paddr, as the ELF gABI's
 * "physical addressing" field and kexec-tools' elf-x86_64 loader use it.
 *
 * Decisions (doc/ and the unit tests rely on them):
 *  - ET_EXEC only.  An ET_DYN's addresses are relative to a base the
 *    loader picks; we do not relocate, so loading one at its p_paddr
 *    (usually 0) would be wrong by definition.  vmlinux is ET_EXEC even
 *    with CONFIG_RELOCATABLE (its relocations live in vmlinux.relocs).
 *  - A PT_LOAD whose p_paddr is not page aligned starts at the page below
 *    it, and the bytes before p_paddr are the file's bytes before
 *    p_offset (as a page mapping of the file would hold them).  That needs
 *    no copy: every segment points into the file buffer, which the caller
 *    keeps until the syscall, and image_ops has no cleanup to free copies.
 *    Two PT_LOADs that would share a page are rejected.
 *  - e_entry is a virtual address in the gABI, but Linux's x86-64 vmlinux
 *    sets it to the physical phys_startup_64 (arch/x86/kernel/vmlinux.lds.S:
 *    ENTRY(phys_startup_64)).  So: inside a PT_LOAD's [p_vaddr, +p_memsz) it
 *    is translated through that PT_LOAD; else inside a [p_paddr, +p_memsz)
 *    it is already physical; else it is an error.
 *  - A vmlinux brings no setup header.  It gets setup_header_vmlinux()'s
 *    (image-bzimage.c), and its initrd and command line limits follow
 *    from that header exactly as a bzImage's follow from its own.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <string.h>
#include "image.h"
#include "text.h"

#define PAGE_MASK_4K    (PAGE_SIZE_4K - 1)

struct elf_image {
	Elf *e;
	GElf_Ehdr eh;
	size_t phnum;
};

/* One PT_LOAD as it will be loaded. */
struct elf_load {
	size_t index;                   /* program header number, for messages */
	uint64_t paddr, vaddr, memsz;   /* as in the header */
	uint64_t start, end;            /* page-rounded physical [start, end) */
	uint64_t offset, filesz;        /* file bytes from p_offset - (paddr - start) */
};

static const char *machine_name(unsigned m)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {
		{ EM_NONE, "none" }, { EM_386, "i386" }, { EM_MIPS, "MIPS" }, { EM_PPC, "PowerPC" },
		{ EM_PPC64, "PowerPC64" }, { EM_S390, "S/390" }, { EM_ARM, "ARM" },
		{ EM_SPARCV9, "SPARC v9" }, { EM_IA_64, "IA-64" }, { EM_X86_64, "x86-64" },
		{ EM_AARCH64, "AArch64" }, { EM_RISCV, "RISC-V" }, { 258, "LoongArch" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].m == m)
			return names[i].name;
	return NULL;
}

static const char *type_name(unsigned t)
{
	static const char *const names[] = { "ET_NONE", "ET_REL", "ET_EXEC", "ET_DYN", "ET_CORE" };

	return t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

static void elf_image_end(struct elf_image *img)
{
	if (img->e)
		elf_end(img->e);
	img->e = NULL;
}

/* What can be checked before libelf reads the header: class, byte order, size. */
static int elf_ident_check(const uint8_t *buf, size_t len, const char *path, struct kexec_log *log)
{
	if (buf[EI_CLASS] != ELFCLASS64)
		return log_errno(log, -ENOEXEC, "%s: ELF class %u (%s), need 2 (64-bit)", path,
				 buf[EI_CLASS], buf[EI_CLASS] == ELFCLASS32 ? "32-bit" : "invalid");
	if (buf[EI_DATA] != ELFDATA2LSB)
		return log_errno(log, -ENOEXEC, "%s: ELF data encoding %u (%s), need 1 (little-endian)",
				 path, buf[EI_DATA], buf[EI_DATA] == ELFDATA2MSB ? "big-endian" : "invalid");
	if (len < sizeof(Elf64_Ehdr))
		return log_errno(log, -EINVAL, "%s: ELF header: the file has %zu bytes, the header needs %zu",
				 path, len, sizeof(Elf64_Ehdr));
	return 0;
}

/* An x86-64 executable with a program header table of the size this file's structures have. */
static int elf_header_check(const GElf_Ehdr *eh, const char *path, struct kexec_log *log)
{
	const char *name;

	if (eh->e_type != ET_EXEC)
		return log_errno(log, -ENOEXEC, "%s: ELF e_type %u (%s), need 2 (ET_EXEC)", path,
				 eh->e_type, type_name(eh->e_type));
	if (eh->e_machine != EM_X86_64) {
		name = machine_name(eh->e_machine);
		if (name)
			return log_errno(log, -ENOEXEC, "%s: ELF e_machine %u (%s), need 62 (x86-64)",
					 path, eh->e_machine, name);
		return log_errno(log, -ENOEXEC, "%s: ELF e_machine %u, need 62 (x86-64)", path,
				 eh->e_machine);
	}
	if (eh->e_version != EV_CURRENT)
		return log_errno(log, -ENOEXEC, "%s: ELF e_version %u, need 1 (EV_CURRENT)", path,
				 eh->e_version);
	if (eh->e_phnum == 0)
		return log_errno(log, -ENOEXEC, "%s: ELF e_phnum is 0: no program headers", path);
	if (eh->e_phoff == 0)
		return log_errno(log, -ENOEXEC, "%s: ELF e_phoff is 0: no program headers", path);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return log_errno(log, -EINVAL, "%s: ELF e_phentsize %u, need %zu", path, eh->e_phentsize,
				 sizeof(Elf64_Phdr));
	return 0;
}

/* img->phnum: e_phnum, or past 0xfffe program headers section 0's sh_info (gABI, PN_XNUM). */
static int elf_phnum_read(struct elf_image *img, const char *path, struct kexec_log *log)
{
	GElf_Shdr sh0;
	Elf_Scn *s0;

	img->phnum = img->eh.e_phnum;
	if (img->eh.e_phnum != PN_XNUM)
		return 0;
	s0 = elf_getscn(img->e, 0);
	if (!s0 || !gelf_getshdr(s0, &sh0))
		return log_errno(log, -EINVAL, "%s: ELF e_phnum is PN_XNUM but section 0 cannot be "
				 "read: %s", path, elf_errmsg(-1));
	img->phnum = sh0.sh_info;
	if (img->phnum == 0)
		return log_errno(log, -ENOEXEC, "%s: ELF e_phnum is PN_XNUM and section 0's sh_info "
				 "is 0: no program headers", path);
	return 0;
}

/* The whole program header table lies in the file, and libelf sees all of it. */
static int elf_phdr_table_check(const struct elf_image *img, size_t len, const char *path,
				struct kexec_log *log)
{
	uint64_t table, table_end;
	size_t libelf_phnum = 0;

	/* libelf quietly shortens a table that runs past the end: check it ourselves */
	if (__builtin_mul_overflow((uint64_t)img->phnum, (uint64_t)sizeof(Elf64_Phdr), &table) ||
	    __builtin_add_overflow(img->eh.e_phoff, table, &table_end) || table_end > len)
		return log_errno(log, -EINVAL,
				 "%s: ELF program headers: e_phoff 0x%" PRIx64 " + %zu x %zu bytes ends "
				 "beyond the end of the file (0x%zx bytes)", path,
				 (uint64_t)img->eh.e_phoff, img->phnum, sizeof(Elf64_Phdr), len);
	if (elf_getphdrnum(img->e, &libelf_phnum) != 0 || libelf_phnum != img->phnum)
		return log_errno(log, -EINVAL, "%s: ELF program headers: libelf sees %zu of %zu: %s",
				 path, libelf_phnum, img->phnum, elf_errmsg(-1));
	return 0;
}

/*
 * Every check on the ELF header and the program header table.  Not ELF
 * at all: -ENOEXEC without a message.  ELF but not ours, or broken: an
 * error naming the field.
 */
static int elf_image_open(const uint8_t *buf, size_t len, const char *path, struct kexec_log *log,
			  struct elf_image *img)
{
	int r;

	memset(img, 0, sizeof(*img));
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if ((r = elf_ident_check(buf, len, path, log)) < 0)
		return r;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return log_errno(log, -ENOSYS, "%s: libelf: %s", path, elf_errmsg(-1));
	/* read only: libelf converts nothing in place for a native-order file */
	img->e = elf_memory((char *)(uintptr_t)buf, len);
	if (!img->e)
		return log_errno(log, -EINVAL, "%s: ELF: %s", path, elf_errmsg(-1));
	if (!gelf_getehdr(img->e, &img->eh)) {
		r = log_errno(log, -EINVAL, "%s: ELF header: %s", path, elf_errmsg(-1));
		goto fail;
	}
	if ((r = elf_header_check(&img->eh, path, log)) < 0 ||
	    (r = elf_phnum_read(img, path, log)) < 0 ||
	    (r = elf_phdr_table_check(img, len, path, log)) < 0)
		goto fail;
	return 0;
fail:
	elf_image_end(img);
	return r;
}

static int elf64_probe(const uint8_t *buf, size_t len, const char *path, struct kexec_log *log)
{
	struct elf_image img;
	int r;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return IMAGE_NOT_MINE;
	if ((r = elf_image_open(buf, len, path, log, &img)) < 0)
		return r;
	elf_image_end(&img);
	return 0;
}

/* Check one PT_LOAD against the file and describe how it will be loaded. */
static int elf_load_check(const GElf_Phdr *ph, size_t i, size_t len, const char *path,
			  struct kexec_log *log, struct elf_load *l)
{
	uint64_t end, pre;

	if (ph->p_filesz > ph->p_memsz)
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu: p_filesz 0x%" PRIx64 " is larger than "
				 "p_memsz 0x%" PRIx64, path, i, (uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end) || end > len)
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu: p_offset 0x%" PRIx64 " + p_filesz 0x%"
				 PRIx64 " is beyond the end of the file (0x%zx bytes)", path, i,
				 (uint64_t)ph->p_offset, (uint64_t)ph->p_filesz, len);
	if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end) ||
	    __builtin_add_overflow(end, PAGE_MASK_4K, &end))
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu: p_paddr 0x%" PRIx64 " + p_memsz 0x%"
				 PRIx64 " overflows", path, i, (uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end))
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu: p_vaddr 0x%" PRIx64 " + p_memsz 0x%"
				 PRIx64 " overflows", path, i, (uint64_t)ph->p_vaddr, (uint64_t)ph->p_memsz);
	pre = ph->p_paddr & PAGE_MASK_4K;
	if (ph->p_filesz && ph->p_offset < pre)
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu: p_paddr 0x%" PRIx64 " is 0x%" PRIx64
				 " bytes into its page but p_offset is 0x%" PRIx64 ": the page cannot "
				 "start with file data", path, i, (uint64_t)ph->p_paddr, pre,
				 (uint64_t)ph->p_offset);
	*l = (struct elf_load){
		.index = i,
		.paddr = ph->p_paddr,
		.vaddr = ph->p_vaddr,
		.memsz = ph->p_memsz,
		.start = ph->p_paddr - pre,
		.end = (ph->p_paddr + ph->p_memsz + PAGE_MASK_4K) & ~PAGE_MASK_4K,
		.offset = ph->p_filesz ? ph->p_offset - pre : 0,
		.filesz = ph->p_filesz ? pre + ph->p_filesz : 0,
	};
	return 0;
}

static int elf_load_overlap(const struct elf_load *a, const struct elf_load *b, const char *path,
			    struct kexec_log *log)
{
	if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps "
				 "PT_LOAD %zu [0x%" PRIx64 ", 0x%" PRIx64 ")", path, b->index, b->paddr,
				 b->paddr + b->memsz, a->index, a->paddr, a->paddr + a->memsz);
	if (a->start < b->end && b->start < a->end)
		return log_errno(log, -EINVAL, "%s: PT_LOAD %zu and PT_LOAD %zu share the page at 0x%" PRIx64,
				 path, a->index, b->index, a->start > b->start ? a->start : b->start);
	return 0;
}

/* e_entry to a physical address (see the top of the file). */
static int elf_entry(const struct elf_load *l, size_t n, uint64_t e_entry, const char *path,
		     struct kexec_log *log, uint64_t *entry)
{
	for (size_t i = 0; i < n; i++)
		if (e_entry >= l[i].vaddr && e_entry - l[i].vaddr < l[i].memsz) {
			*entry = l[i].paddr + (e_entry - l[i].vaddr);
			return 0;
		}
	for (size_t i = 0; i < n; i++)
		if (e_entry >= l[i].paddr && e_entry - l[i].paddr < l[i].memsz) {
			*entry = e_entry;
			return 0;
		}
	return log_errno(log, -EINVAL, "%s: ELF e_entry 0x%" PRIx64 " is outside every PT_LOAD "
			 "(by virtual and by physical address)", path, e_entry);
}

/*
 * The PT_LOADs with something to load, checked one by one and against
 * each other, into loads[] (at most max of them).
 */
static int elf_loads_collect(const struct elf_image *img, const struct kernel_file *k, size_t max,
			     struct kexec_log *log, struct elf_load *loads, size_t *n)
{
	int r;

	*n = 0;
	for (size_t i = 0; i < img->phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(img->e, (int)i, &ph))
			return log_errno(log, -EINVAL, "%s: ELF program header %zu: %s", k->path, i,
					 elf_errmsg(-1));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_memsz == 0 && ph.p_filesz == 0)
			continue;       /* nothing to load (some linkers emit these) */
		if (*n == max)
			return log_errno(log, -E2BIG, "%s: more than %zu PT_LOAD program headers (kexec "
					 "loads at most %d segments in all)", k->path, *n,
					 KEXEC_MAX_SEGMENTS);
		if ((r = elf_load_check(&ph, i, k->len, k->path, log, &loads[*n])) < 0)
			return r;
		for (size_t j = 0; j < *n; j++)
			if ((r = elf_load_overlap(&loads[j], &loads[*n], k->path, log)) < 0)
				return r;
		(*n)++;
	}
	if (*n == 0)
		return log_errno(log, -ENOEXEC, "%s: no PT_LOAD program header with p_memsz > 0",
				 k->path);
	return 0;
}

/* One fixed segment per PT_LOAD, its data read from the file buffer in place. */
static int elf_segments_add(const struct elf_load *loads, size_t n, const struct kernel_file *k,
			    struct kexec_log *log, struct segments *segs)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct elf_load *l = &loads[i];

		r = segments_add_fixed(segs, l->filesz ? k->buf + l->offset : NULL, (size_t)l->filesz,
				       l->start, l->end - l->start, "kernel", true, log);
		if (r < 0)
			return r;
		log_debug(log, "%s: PT_LOAD %zu: file 0x%" PRIx64 "+0x%" PRIx64 " -> [0x%" PRIx64
			  ", 0x%" PRIx64 ") (p_vaddr 0x%" PRIx64 ")", k->path, l->index, l->offset,
			  l->filesz, l->start, l->end, l->vaddr);
	}
	return 0;
}

static int elf64_load(struct kexec_ctx *ctx, const struct kernel_file *k, struct load_plan *plan)
{
	struct kexec_log *log = &ctx->log;
	struct elf_load loads[KEXEC_MAX_SEGMENTS];
	struct elf_image img;
	size_t n = 0, first = plan->segs.n;
	uint64_t entry = 0;
	int r;

	if ((r = elf_image_open(k->buf, k->len, k->path, log, &img)) < 0)
		return r;
	if ((r = elf_loads_collect(&img, k, KEXEC_MAX_SEGMENTS - first, log, loads, &n)) < 0 ||
	    (r = elf_entry(loads, n, img.eh.e_entry, k->path, log, &entry)) < 0 ||
	    (r = elf_segments_add(loads, n, k, log, &plan->segs)) < 0)
		goto out;
	/* a vmlinux brings no setup header: it gets the one the boot protocol implies */
	memset(&plan->bp, 0, sizeof(plan->bp));
	setup_header_vmlinux(&plan->bp.hdr);
	load_plan_set_limits(plan, &plan->bp.hdr);
	plan->entry = entry;
	log_debug(log, "%s: ELF e_entry 0x%" PRIx64 ", physical entry 0x%" PRIx64, k->path,
		  (uint64_t)img.eh.e_entry, entry);
out:
	if (r < 0)
		plan->segs.n = first;   /* leave no half-loaded kernel behind */
	elf_image_end(&img);
	return r;
}

static const char *const elf64_types[] = { "elf-x86_64", NULL };

const struct image_ops elf64_ops = {
	.name = "elf-x86_64",
	.type_names = elf64_types,
	.probe = elf64_probe,
	.load = elf64_load,
};
