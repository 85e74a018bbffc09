/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump through kexec_load: what the running kernel tells about its crash
 * region, CPU notes and vmcoreinfo; the ELF core header the crash kernel
 * turns into /proc/vmcore; its e820 and command line.
 *
 * The rules follow the kernel's own kexec_file_load path
 * (arch/x86/kernel/crash.c: prepare_elf_headers(),
 * crash_setup_memmap_entries(); kernel/crash_core.c:
 * crash_prepare_elf64_headers()), so that both load paths hand the crash
 * kernel the same picture.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "crashdump.h"
#include "text.h"

#define START_KERNEL_MAP        0xffffffff80000000ULL  /* __START_KERNEL_map */
/* __PAGE_OFFSET_BASE_L4: the direct map without KASLR, 4-level paging */
#define DEFAULT_PAGE_OFFSET     0xffff888000000000ULL
#define CORE_ALIGN              PAGE_SIZE_4K            /* ELF_CORE_HEADER_ALIGN */

static const char cpu_dir[] = "sys/devices/system/cpu";
static const char vmcoreinfo_file[] = "sys/kernel/vmcoreinfo";

void crash_facts_free(struct crash_facts *f)
{
	rangeset_free(&f->crash_regions);
	rangeset_free(&f->system_ram);
	memmap_free(&f->firmware);
	free(f->cpu_notes);
	f->cpu_notes = NULL;
	f->nr_cpu_notes = 0;
}

/* The text of a small sysfs file for messages: up to 40 characters, no newline. */
static int shown_len(const char *text)
{
	size_t n = strcspn(text, "\n");

	return (int)(n > 40 ? 40 : n);
}

/*
 * The one logged reader of this file: a sysfs attribute of at most 4 KiB
 * as a malloc'd string; a read error or a NUL byte is logged with the path.
 */
static int crash_read_text(struct kexec_ctx *ctx, const char *rel, char **text)
{
	char path[4096], *buf = NULL;
	size_t len;
	int r;

	sysroot_path(ctx->sr, rel, path, sizeof(path));
	if ((r = sysroot_read(ctx->sr, rel, 4096, &buf, &len)) < 0)
		return log_errno(&ctx->log, r, "%s: %s", path, strerror(-r));
	r = text_dup(buf, len, path, &ctx->log, text);
	free(buf);
	return r;
}

/* One number alone in a file ("17fc1e9e8\n" or "424\n"). */
static int read_number(struct kexec_ctx *ctx, const char *rel, unsigned base, uint64_t *v)
{
	char path[4096], *text = NULL;
	const char *p;
	int r;

	if ((r = crash_read_text(ctx, rel, &text)) < 0)
		return r;
	p = text;
	r = text_parse_u64(&p, base, v);
	if (r == 0 && !text_only_space(p))
		r = -EINVAL;
	if (r == 0 && *v == 0)
		r = log_errno(&ctx->log, -EINVAL, "%s: is 0", sysroot_path(ctx->sr, rel, path, sizeof(path)));
	else if (r == -ERANGE)
		r = log_errno(&ctx->log, r, "%s: \"%.*s\" does not fit in 64 bits",
			      sysroot_path(ctx->sr, rel, path, sizeof(path)), shown_len(text), text);
	else if (r < 0)
		r = log_errno(&ctx->log, r, "%s: \"%.*s\" is not a %s number",
			      sysroot_path(ctx->sr, rel, path, sizeof(path)), shown_len(text), text,
			      base == 16 ? "hexadecimal" : "decimal");
	free(text);
	return r;
}

/* /sys/devices/system/cpu/cpuN/crash_notes{,_size} for every cpuN there. */
static int read_cpu_notes(struct kexec_ctx *ctx, struct crash_facts *f)
{
	char path[4096], rel[256], **names = NULL;
	size_t n = 0;
	int r;

	r = sysroot_list(ctx->sr, cpu_dir, &names, &n);
	if (r < 0)
		return log_errno(&ctx->log, r, "%s: cannot list it: %s",
				 sysroot_path(ctx->sr, cpu_dir, path, sizeof(path)), strerror(-r));
	f->cpu_notes = calloc(n ? n : 1, sizeof(*f->cpu_notes));
	if (!f->cpu_notes) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = names[i];
		struct crash_note note = { 0 };

		if (strncmp(s, "cpu", 3) || !s[3] || strspn(s + 3, "0123456789") != strlen(s + 3))
			continue;       /* cpufreq, cpuidle, ... */
		snprintf(rel, sizeof(rel), "%s/%s/crash_notes", cpu_dir, s);
		if ((r = read_number(ctx, rel, 16, &note.addr)) < 0)
			goto out;
		snprintf(rel, sizeof(rel), "%s/%s/crash_notes_size", cpu_dir, s);
		if ((r = read_number(ctx, rel, 10, &note.size)) < 0)
			goto out;
		f->cpu_notes[f->nr_cpu_notes++] = note;
	}
	if (!f->nr_cpu_notes)
		r = log_errno(&ctx->log, -ENOENT, "%s: no cpuN directories",
			      sysroot_path(ctx->sr, cpu_dir, path, sizeof(path)));
	else
		r = 0;
out:
	sysroot_names_free(names, n);
	return r;
}

/* /sys/kernel/vmcoreinfo: "0x000000017fe1a000 1024\n", both hexadecimal. */
static int read_vmcoreinfo(struct kexec_ctx *ctx, struct crash_facts *f)
{
	char path[4096], *text = NULL;
	const char *p;
	int r;

	if ((r = crash_read_text(ctx, vmcoreinfo_file, &text)) < 0)
		return r;
	p = text;
	if (text_parse_u64(&p, 16, &f->vmcoreinfo.addr) < 0 || *p != ' ' ||
	    (p += strspn(p, " "), text_parse_u64(&p, 16, &f->vmcoreinfo.size)) < 0 || !text_only_space(p) ||
	    !f->vmcoreinfo.addr || !f->vmcoreinfo.size)
		r = log_errno(&ctx->log, -EINVAL, "%s: \"%.*s\" is not \"ADDRESS SIZE\" in hexadecimal",
			      sysroot_path(ctx->sr, vmcoreinfo_file, path, sizeof(path)),
			      shown_len(text), text);
	free(text);
	return r;
}

/*
 * The PT_LOADs of /proc/kcore (fs/proc/kcore.c): the direct map has
 * p_paddr = __pa(p_vaddr), the kernel text p_vaddr = _text and
 * p_paddr = __pa_symbol(_text) with p_memsz = _end - _text; vmalloc,
 * vmemmap and modules have p_paddr = -1.  Optional: needs CAP_SYS_RAWIO and
 * no lockdown; without it the caller falls back to defaults.
 */
static void read_kcore(struct kexec_ctx *ctx, struct crash_facts *f)
{
	char path[4096];
	Elf *e = NULL;
	GElf_Ehdr eh;
	size_t nph = 0;
	int fd;

	sysroot_path(ctx->sr, "proc/kcore", path, sizeof(path));
	fd = sysroot_open_file(ctx->sr, "proc/kcore", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug(&ctx->log, "%s: %s", path, strerror(-fd));
		return;
	}
	if (elf_version(EV_CURRENT) == EV_NONE || !(e = elf_begin(fd, ELF_C_READ, NULL)) ||
	    elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) || eh.e_type != ET_CORE ||
	    elf_getphdrnum(e, &nph) < 0) {
		log_debug(&ctx->log, "%s: not an ELF core file (%s)", path, elf_errmsg(-1));
		goto out;
	}
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_paddr == UINT64_MAX)
			continue;
		if (ph.p_vaddr >= START_KERNEL_MAP) {
			if (!f->kernel_text_vaddr && ph.p_memsz) {
				f->kernel_text_vaddr = ph.p_vaddr;
				f->kernel_text_start = ph.p_paddr;
				f->kernel_text_end = ph.p_paddr + ph.p_memsz;
			}
		} else if (!f->page_offset && ph.p_vaddr > ph.p_paddr &&
			   rangeset_overlaps(&f->system_ram, ph.p_paddr, ph.p_paddr + 1)) {
			f->page_offset = ph.p_vaddr - ph.p_paddr;
		}
	}
	log_debug(&ctx->log, "%s: page_offset 0x%" PRIx64 ", kernel text 0x%" PRIx64
		  " at [0x%" PRIx64 ", 0x%" PRIx64 ")", path, f->page_offset, f->kernel_text_vaddr,
		  f->kernel_text_start, f->kernel_text_end);
out:
	if (e)
		elf_end(e);
	close(fd);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct memmap_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static const struct {
	const char *name;
	uint32_t type;
} firmware_names[] = {
	{ "ACPI Tables", E820_TYPE_ACPI },
	{ "ACPI Non-volatile Storage", E820_TYPE_NVS },
	{ "Reserved", E820_TYPE_RESERVED },
};

/*
 * ACPI tables, NVS and reserved ranges, at any depth: the kernel walks
 * the whole resource tree by descriptor, and e820 reserved ranges end up
 * below PCI windows ("PCI MMCONFIG ... / Reserved"), which the crash
 * kernel needs to see reserved too.
 */
static int collect_firmware(const struct iomem *io, struct memmap *out)
{
	size_t cap = 0;

	for (size_t t = 0; t < ARRAY_SIZE(firmware_names); t++) {
		struct rangeset set = RANGESET_INIT;
		int r = iomem_collect(io, firmware_names[t].name, &set);

		if (r == 0 && out->n + set.n > cap) {
			size_t c = out->n + set.n + 8;
			struct memmap_entry *v = reallocarray(out->v, c, sizeof(*v));

			if (v) {
				out->v = v;
				cap = c;
			} else {
				r = -ENOMEM;
			}
		}
		for (size_t i = 0; r == 0 && i < set.n; i++)
			out->v[out->n++] = (struct memmap_entry){ set.v[i].start, set.v[i].end,
								  firmware_names[t].type };
		rangeset_free(&set);
		if (r < 0)
			return r;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
	return 0;
}

int crash_facts_read(struct kexec_ctx *ctx, const struct iomem *io, struct crash_facts *f)
{
	int r;

	*f = (struct crash_facts){ 0 };
	if ((r = iomem_collect(io, "Crash kernel", &f->crash_regions)) < 0 ||
	    (r = iomem_collect(io, "System RAM", &f->system_ram)) < 0 ||
	    (r = collect_firmware(io, &f->firmware)) < 0)
		goto fail;
	for (size_t i = 0; i < io->n; i++) {
		if (!f->kernel_text_start && !strcmp(io->v[i].name, "Kernel code"))
			f->kernel_text_start = io->v[i].start;
		if (!f->kernel_text_end && !strcmp(io->v[i].name, "Kernel bss"))
			f->kernel_text_end = io->v[i].end;
	}
	if ((r = read_cpu_notes(ctx, f)) < 0 || (r = read_vmcoreinfo(ctx, f)) < 0)
		goto fail;
	read_kcore(ctx, f);
	return 0;
fail:
	crash_facts_free(f);
	return r;
}

/* What the dump covers: System RAM less the crash regions and the low 1 MiB. */
static int dump_ranges(const struct crash_facts *f, struct rangeset *out)
{
	int r;

	if ((r = rangeset_copy(out, &f->system_ram)) < 0)
		return r;
	/*
	 * The crash kernel boots on the low 1 MiB (it is RAM in its e820), so
	 * what the dump would read there is its own; the old kernel reserves
	 * all of it when crashkernel= is given, and kexec_file_load leaves it
	 * out the same way (elf_header_exclude_ranges()).
	 */
	if ((r = rangeset_subtract(out, 0, LOW_1M)) < 0)
		return r;
	if ((r = rangeset_subtract_set(out, &f->crash_regions)) < 0)
		return r;
	rangeset_normalize(out);
	return 0;
}

/* The program headers in crash_prepare_elf64_headers()'s order: CPU notes, vmcoreinfo, kernel text, RAM. */
static bool put_phdrs(Elf *e, const struct crash_facts *f, const struct rangeset *ram,
		      uint64_t page_offset, bool text)
{
	const uint32_t rwx = PF_R | PF_W | PF_X;
	int k = 0;

	for (size_t i = 0; i < f->nr_cpu_notes; i++) {
		GElf_Phdr ph = { .p_type = PT_NOTE, .p_offset = f->cpu_notes[i].addr,
				 .p_paddr = f->cpu_notes[i].addr, .p_filesz = f->cpu_notes[i].size,
				 .p_memsz = f->cpu_notes[i].size };
		if (!gelf_update_phdr(e, k++, &ph))
			return false;
	}
	GElf_Phdr vi = { .p_type = PT_NOTE, .p_offset = f->vmcoreinfo.addr, .p_paddr = f->vmcoreinfo.addr,
			 .p_filesz = f->vmcoreinfo.size, .p_memsz = f->vmcoreinfo.size };
	if (!gelf_update_phdr(e, k++, &vi))
		return false;
	if (text) {
		uint64_t sz = f->kernel_text_end - f->kernel_text_start;
		GElf_Phdr ph = { .p_type = PT_LOAD, .p_flags = rwx, .p_offset = f->kernel_text_start,
				 .p_paddr = f->kernel_text_start, .p_vaddr = f->kernel_text_vaddr,
				 .p_filesz = sz, .p_memsz = sz };
		if (!gelf_update_phdr(e, k++, &ph))
			return false;
	}
	for (size_t i = 0; i < ram->n; i++) {
		uint64_t sz = ram->v[i].end - ram->v[i].start;
		GElf_Phdr ph = { .p_type = PT_LOAD, .p_flags = rwx, .p_offset = ram->v[i].start,
				 .p_paddr = ram->v[i].start, .p_vaddr = page_offset + ram->v[i].start,
				 .p_filesz = sz, .p_memsz = sz };
		if (!gelf_update_phdr(e, k++, &ph))
			return false;
	}
	return true;
}

/*
 * The ET_CORE file with nph program headers, written by libelf into a
 * memfd and read back, zero padded to CORE_ALIGN.
 */
static int core_write(const struct crash_facts *f, const struct rangeset *ram, uint64_t page_offset,
		      bool text, size_t nph, uint8_t **buf, size_t *len, struct kexec_log *log)
{
	Elf *e = NULL;
	GElf_Ehdr ehm;
	ssize_t size;
	int fd, r;

	fd = memfd_create("elfcorehdr", MFD_CLOEXEC);
	if (fd < 0)
		return log_errno(log, -errno, "elfcorehdr: memfd_create: %s", strerror(errno));
	if (!(e = elf_begin(fd, ELF_C_WRITE, NULL)) || !gelf_newehdr(e, ELFCLASS64) ||
	    !gelf_newphdr(e, nph) || !gelf_getehdr(e, &ehm))
		goto elf_error;
	ehm.e_ident[EI_DATA] = ELFDATA2LSB;
	ehm.e_ident[EI_VERSION] = EV_CURRENT;
	ehm.e_ident[EI_OSABI] = ELFOSABI_NONE;
	ehm.e_type = ET_CORE;
	ehm.e_machine = EM_X86_64;
	ehm.e_version = EV_CURRENT;
	if (!gelf_update_ehdr(e, &ehm) || !put_phdrs(e, f, ram, page_offset, text) ||
	    (size = (ssize_t)elf_update(e, ELF_C_WRITE)) < 0)
		goto elf_error;
	*len = ((size_t)size + CORE_ALIGN - 1) & ~(size_t)(CORE_ALIGN - 1);
	*buf = calloc(1, *len);
	if (!*buf)
		r = -ENOMEM;
	else if (pread(fd, *buf, (size_t)size, 0) != size)
		r = log_errno(log, -EIO, "elfcorehdr: reading back %zd bytes from the memfd failed", size);
	else
		r = 0;
	goto out;
elf_error:
	r = log_errno(log, -EINVAL, "elfcorehdr: libelf: %s", elf_errmsg(-1));
out:
	if (e)
		elf_end(e);
	close(fd);
	return r;
}

int elfcorehdr_build(const struct crash_facts *f, uint8_t **buf, size_t *len, struct kexec_log *log)
{
	struct rangeset ram = RANGESET_INIT;
	uint64_t page_offset = f->page_offset;
	bool text = f->kernel_text_vaddr && f->kernel_text_end > f->kernel_text_start;
	size_t nph;
	int r;

	*buf = NULL;
	*len = 0;
	if ((r = dump_ranges(f, &ram)) < 0)
		goto out;
	if (!page_offset) {
		page_offset = DEFAULT_PAGE_OFFSET;
		log_debug(log, "elfcorehdr: page_offset unknown (/proc/kcore not readable), assuming "
			  "0x%" PRIx64 " (4-level paging without KASLR)", page_offset);
	}
	if (!text)
		log_debug(log, "elfcorehdr: kernel text mapping unknown (/proc/kcore not readable), "
			  "no PT_LOAD for it");
	nph = f->nr_cpu_notes + 1 + (text ? 1 : 0) + ram.n;
	if (nph >= PN_XNUM) {
		r = log_errno(log, -E2BIG, "elfcorehdr: %zu program headers, ELF allows %d", nph, PN_XNUM - 1);
		goto out;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		r = log_errno(log, -ELIBBAD, "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	if ((r = core_write(f, &ram, page_offset, text, nph, buf, len, log)) < 0) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		goto out;
	}
	if (log_enabled(log, LOG_DEBUG)) {
		log_debug(log, "elfcorehdr: %zu program headers (%zu CPU notes, vmcoreinfo, %s%zu RAM "
			  "ranges, 0x%" PRIx64 " bytes), page_offset 0x%" PRIx64, nph, f->nr_cpu_notes,
			  text ? "kernel text, " : "", ram.n, rangeset_bytes(&ram), page_offset);
		for (size_t i = 0; i < ram.n; i++)
			log_debug(log, "  PT_LOAD [0x%016" PRIx64 ", 0x%016" PRIx64 ")", ram.v[i].start,
				  ram.v[i].end);
	}
out:
	rangeset_free(&ram);
	return r;
}

static int map_append(struct memmap *m, size_t *cap, uint64_t start, uint64_t end, uint32_t type)
{
	if (m->n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		struct memmap_entry *v = reallocarray(m->v, c, sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->v = v;
		*cap = c;
	}
	m->v[m->n++] = (struct memmap_entry){ start, end, type };
	return 0;
}

int crash_e820(const struct crash_facts *f, uint64_t hdr_addr, uint64_t hdr_size, struct memmap *out)
{
	/* first type wins where firmware ranges overlap; RAM never overlaps them */
	static const uint32_t order[] = { E820_TYPE_NVS, E820_TYPE_ACPI, E820_TYPE_RESERVED };
	struct rangeset taken = RANGESET_INIT, set = RANGESET_INIT;
	struct memmap m = { 0 };
	size_t cap = 0;
	uint64_t hdr_end;
	int r = 0;

	if (__builtin_add_overflow(hdr_addr, hdr_size, &hdr_end))
		return -ERANGE;
	for (size_t t = 0; t < ARRAY_SIZE(order) && r == 0; t++) {
		set.n = 0;
		for (size_t i = 0; i < f->firmware.n && r == 0; i++)
			if (f->firmware.v[i].type == order[t])
				r = rangeset_add(&set, f->firmware.v[i].start, f->firmware.v[i].end);
		if (r == 0)
			r = rangeset_subtract_set(&set, &taken);
		rangeset_normalize(&set);
		for (size_t i = 0; i < set.n && r == 0; i++)
			if ((r = map_append(&m, &cap, set.v[i].start, set.v[i].end, order[t])) == 0)
				r = rangeset_add(&taken, set.v[i].start, set.v[i].end);
	}
	if (r < 0)
		goto out;

	/*
	 * RAM: what the running kernel calls System RAM below 1 MiB (the
	 * crash kernel's real-mode trampoline and early allocations go
	 * there), and the crash regions less the ELF core header, which the
	 * crash kernel must not use (it reads it through elfcorehdr=).
	 */
	set.n = 0;
	for (size_t i = 0; i < f->system_ram.n && r == 0; i++)
		if (f->system_ram.v[i].start < LOW_1M)
			r = rangeset_add(&set, f->system_ram.v[i].start,
					 f->system_ram.v[i].end < LOW_1M ? f->system_ram.v[i].end : LOW_1M);
	for (size_t i = 0; i < f->crash_regions.n && r == 0; i++)
		r = rangeset_add(&set, f->crash_regions.v[i].start, f->crash_regions.v[i].end);
	if (r == 0 && hdr_size)
		r = rangeset_subtract(&set, hdr_addr, hdr_end);
	if (r == 0)
		r = rangeset_subtract_set(&set, &taken);
	if (r < 0)
		goto out;
	rangeset_normalize(&set);
	for (size_t i = 0; i < set.n && r == 0; i++)
		if (set.v[i].end - set.v[i].start >= PAGE_SIZE_4K || set.v[i].start < LOW_1M)
			r = map_append(&m, &cap, set.v[i].start, set.v[i].end, E820_TYPE_RAM);
	if (r < 0)
		goto out;
	if (m.n)
		qsort(m.v, m.n, sizeof(*m.v), entry_cmp);
	*out = m;
	m = (struct memmap){ 0 };
out:
	memmap_free(&m);
	rangeset_free(&taken);
	rangeset_free(&set);
	return r;
}

int crash_cmdline(const char *base, uint64_t hdr_addr, char **out)
{
	/*
	 * The running kernel's own crashkernel= (kdump-tools passes
	 * /proc/cmdline on) would make the crash kernel reserve memory it
	 * does not have; a stale elfcorehdr= would point at nothing.  The
	 * new elfcorehdr= goes before "--", after which words go to init.
	 */
	static const char *const drop[] = { "crashkernel=", "elfcorehdr=", NULL };
	char arg[40];

	snprintf(arg, sizeof(arg), "elfcorehdr=0x%" PRIx64, hdr_addr);
	return text_cmdline_edit(base, drop, arg, out);
}
