/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump facts, ELF core header, crash e820 and command line.  The fixture
 * sysroot is built here: a QEMU-like /proc/iomem with a low crash region
 * (crashkernel=...,low) and a high one in the middle of the RAM above
 * 4 GiB, two CPUs, vmcoreinfo and a /proc/kcore made with libelf whose
 * direct map is randomized (KASLR), so that page_offset must come from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
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
#include "crashdump.h"

#define PO      0xffff9f4c00000000ULL   /* the fixture's randomized page_offset */
#define NOTE0   0x17fa1ba58ULL
#define NOTE1   0x17fa5ba58ULL
#define NOTESZ  424ULL

static char root[] = "/tmp/kt-crash-XXXXXX";

static void put(const char *rel, const char *text)
{
	tree_put(root, rel, text);
}

static void drop(const char *rel)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
}

static void move(const char *from, const char *to)
{
	char a[600], b[600];

	snprintf(a, sizeof(a), "%s/%s", root, from);
	snprintf(b, sizeof(b), "%s/%s", root, to);
	assert_int_equal(rename(a, b), 0);
}

static const char iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-7ffcffff : System RAM\n"
	"  1e000000-1f1fffff : Kernel code\n"
	"  1f200000-1fbfffff : Kernel rodata\n"
	"  1fc00000-1ff3ffff : Kernel data\n"
	"  1ffa0000-201fffff : Kernel bss\n"
	"  30000000-3fffffff : Crash kernel\n"
	"7ffd0000-7ffdffff : ACPI Tables\n"
	"7ffe0000-7fffffff : ACPI Non-volatile Storage\n"
	"80000000-afffffff : PCI Bus 0000:00\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"fed00000-fed003ff : HPET 0\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"  140000000-14fffffff : Crash kernel\n";

/* A /proc/kcore as fs/proc/kcore.c lays it out, headers only. */
static void put_kcore(void)
{
	static const GElf_Phdr ph[] = {
		{ .p_type = PT_NOTE, .p_offset = 0x1000, .p_filesz = 0x100 },
		/* kernel text: _text .. _end (past "Kernel bss": brk) */
		{ .p_type = PT_LOAD, .p_vaddr = 0xffffffff9e000000ULL, .p_paddr = 0x1e000000,
		  .p_filesz = 0x2400000, .p_memsz = 0x2400000, .p_offset = 0x2000 },
		/* vmalloc: no physical address */
		{ .p_type = PT_LOAD, .p_vaddr = 0xffffb7a000000000ULL, .p_paddr = UINT64_MAX,
		  .p_filesz = 0x1000000, .p_memsz = 0x1000000, .p_offset = 0x3000 },
		/* the direct map of [0x1000, 0x9fc00) and [0x100000, ...) */
		{ .p_type = PT_LOAD, .p_vaddr = PO + 0x1000, .p_paddr = 0x1000,
		  .p_filesz = 0x9ec00, .p_memsz = 0x9ec00, .p_offset = 0x4000 },
		{ .p_type = PT_LOAD, .p_vaddr = PO + 0x100000, .p_paddr = 0x100000,
		  .p_filesz = 0x7fed0000, .p_memsz = 0x7fed0000, .p_offset = 0x5000 },
	};
	char path[600];
	GElf_Ehdr eh;
	Elf *e;
	int fd;

	snprintf(path, sizeof(path), "%s/proc/kcore", root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(e);
	assert_non_null(gelf_newehdr(e, ELFCLASS64));
	assert_non_null(gelf_newphdr(e, 5));
	assert_non_null(gelf_getehdr(e, &eh));
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	assert_true(gelf_update_ehdr(e, &eh));
	for (int i = 0; i < 5; i++) {
		GElf_Phdr p = ph[i];

		assert_true(gelf_update_phdr(e, i, &p));
	}
	assert_true(elf_update(e, ELF_C_WRITE) > 0);
	elf_end(e);
	close(fd);
}

static void put_all(void)
{
	put("proc/iomem", iomem);
	put("sys/devices/system/cpu/cpu0/crash_notes", "17fa1ba58\n");
	put("sys/devices/system/cpu/cpu0/crash_notes_size", "424\n");
	put("sys/devices/system/cpu/cpu1/crash_notes", "17fa5ba58\n");
	put("sys/devices/system/cpu/cpu1/crash_notes_size", "424\n");
	put("sys/devices/system/cpu/cpufreq/policy0/scaling_driver", "acpi-cpufreq\n");
	put("sys/devices/system/cpu/online", "0-1\n");
	put("sys/kernel/vmcoreinfo", "0x000000017fe1a000 1024\n");
	put_kcore();
}

static int setup(void **state)
{
	if (!mkdtemp(root))
		return -1;
	put_all();
	return 0;
}

static int teardown(void **state)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* iomem_read() and crash_facts_read() on the fixture; returns the result, the log in *out. */
static int read_facts(struct crash_facts *f, char **out)
{
	struct kexec_ctx ctx = { 0 };
	struct iomem io = { 0 };
	size_t len = 0;
	int r;

	*out = NULL;
	*f = (struct crash_facts){ 0 };
	ctx.log.out = open_memstream(out, &len);
	ctx.log.level = LOG_DEBUG;
	assert_int_equal(sysroot_open(root, &ctx.sr), 0);
	/* as load_with_purgatory() does: /proc/iomem first */
	if ((r = iomem_read(ctx.sr, &ctx.log, &io)) == 0)
		r = crash_facts_read(&ctx, &io, f);
	iomem_free(&io);
	fclose(ctx.log.out);
	sysroot_free(ctx.sr);
	return r;
}

static void check_ranges(const struct rangeset *s, const struct range *want, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s->v[i].start, want[i].start);
		assert_int_equal(s->v[i].end, want[i].end);
	}
}

static void test_facts(void **state)
{
	static const struct range crash[] = { { 0x30000000, 0x40000000 }, { 0x140000000, 0x150000000 } };
	static const struct range ram[] = {
		{ 0x1000, 0x9fc00 }, { 0x100000, 0x7ffd0000 }, { 0x100000000, 0x180000000 },
	};
	static const struct memmap_entry fw[] = {
		{ 0x0, 0x1000, E820_TYPE_RESERVED },
		{ 0x9fc00, 0xa0000, E820_TYPE_RESERVED },
		{ 0xf0000, 0x100000, E820_TYPE_RESERVED },
		{ 0x7ffd0000, 0x7ffe0000, E820_TYPE_ACPI },
		{ 0x7ffe0000, 0x80000000, E820_TYPE_NVS },
		{ 0xb0000000, 0xc0000000, E820_TYPE_RESERVED },  /* below the PCI MMCONFIG window */
		{ 0xfffc0000, 0x100000000, E820_TYPE_RESERVED },
	};
	struct crash_facts f;
	char *log;

	assert_int_equal(read_facts(&f, &log), 0);
	check_ranges(&f.crash_regions, crash, 2);
	check_ranges(&f.system_ram, ram, 3);
	assert_int_equal(f.firmware.n, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(f.firmware.v[i].start, fw[i].start);
		assert_int_equal(f.firmware.v[i].end, fw[i].end);
		assert_int_equal(f.firmware.v[i].type, fw[i].type);
	}
	assert_int_equal(f.nr_cpu_notes, 2);
	assert_int_equal(f.cpu_notes[0].addr, NOTE0);
	assert_int_equal(f.cpu_notes[0].size, NOTESZ);
	assert_int_equal(f.cpu_notes[1].addr, NOTE1);
	assert_int_equal(f.cpu_notes[1].size, NOTESZ);
	assert_int_equal(f.vmcoreinfo.addr, 0x17fe1a000);
	assert_int_equal(f.vmcoreinfo.size, 0x1024);
	assert_int_equal(f.page_offset, PO);
	/* kcore's _text .. _end wins over iomem's "Kernel code" .. "Kernel bss" */
	assert_int_equal(f.kernel_text_vaddr, 0xffffffff9e000000ULL);
	assert_int_equal(f.kernel_text_start, 0x1e000000);
	assert_int_equal(f.kernel_text_end, 0x20400000);
	crash_facts_free(&f);
	free(log);
}

struct phdr_want {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, size;
};

/* Parse the header back with libelf and compare every field. */
static void check_header(const uint8_t *buf, size_t len, const struct phdr_want *want, size_t n)
{
	GElf_Ehdr eh;
	size_t nph;
	Elf *e;

	assert_int_equal(len % 4096, 0);
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	e = elf_memory((char *)buf, len);
	assert_non_null(e);
	assert_int_equal(elf_kind(e), ELF_K_ELF);
	assert_int_equal(gelf_getclass(e), ELFCLASS64);
	assert_non_null(gelf_getehdr(e, &eh));
	assert_int_equal(eh.e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(eh.e_ident[EI_VERSION], EV_CURRENT);
	assert_int_equal(eh.e_ident[EI_OSABI], ELFOSABI_NONE);
	assert_int_equal(eh.e_type, ET_CORE);
	assert_int_equal(eh.e_machine, EM_X86_64);
	assert_int_equal(eh.e_version, EV_CURRENT);
	assert_int_equal(eh.e_phoff, 64);
	assert_int_equal(eh.e_phentsize, 56);
	assert_int_equal(eh.e_shnum, 0);
	assert_int_equal(elf_getphdrnum(e, &nph), 0);
	assert_int_equal(nph, n);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		assert_non_null(gelf_getphdr(e, (int)i, &ph));
		assert_int_equal(ph.p_type, want[i].type);
		assert_int_equal(ph.p_flags, want[i].flags);
		assert_int_equal(ph.p_offset, want[i].offset);
		assert_int_equal(ph.p_vaddr, want[i].vaddr);
		assert_int_equal(ph.p_paddr, want[i].paddr);
		assert_int_equal(ph.p_filesz, want[i].size);
		assert_int_equal(ph.p_memsz, want[i].size);
		assert_int_equal(ph.p_align, 0);
	}
	elf_end(e);
}

#define RWX (PF_R | PF_W | PF_X)

static void test_elfcorehdr(void **state)
{
	static const struct phdr_want want[] = {
		{ PT_NOTE, 0, NOTE0, 0, NOTE0, NOTESZ },
		{ PT_NOTE, 0, NOTE1, 0, NOTE1, NOTESZ },
		{ PT_NOTE, 0, 0x17fe1a000, 0, 0x17fe1a000, 0x1024 },
		{ PT_LOAD, RWX, 0x1e000000, 0xffffffff9e000000ULL, 0x1e000000, 0x2400000 },
		/* System RAM less the low 1 MiB and both crash regions */
		{ PT_LOAD, RWX, 0x100000, PO + 0x100000, 0x100000, 0x30000000 - 0x100000 },
		{ PT_LOAD, RWX, 0x40000000, PO + 0x40000000, 0x40000000, 0x7ffd0000 - 0x40000000 },
		{ PT_LOAD, RWX, 0x100000000, PO + 0x100000000, 0x100000000, 0x40000000 },
		{ PT_LOAD, RWX, 0x150000000, PO + 0x150000000, 0x150000000, 0x30000000 },
	};
	struct crash_facts f;
	struct kexec_log log = { 0 };
	uint8_t *buf;
	size_t len;
	char *out;

	assert_int_equal(read_facts(&f, &out), 0);
	free(out);
	assert_int_equal(elfcorehdr_build(&f, &buf, &len, &log), 0);
	assert_int_equal(len, 4096);    /* 64 + 8 * 56 = 512 bytes, page aligned */
	check_header(buf, len, want, 8);
	for (size_t i = 512; i < len; i++)
		assert_int_equal(buf[i], 0);
	free(buf);
	crash_facts_free(&f);
}

static void test_elfcorehdr_without_kcore(void **state)
{
	static const struct phdr_want want[] = {
		{ PT_NOTE, 0, NOTE0, 0, NOTE0, NOTESZ },
		{ PT_NOTE, 0, NOTE1, 0, NOTE1, NOTESZ },
		{ PT_NOTE, 0, 0x17fe1a000, 0, 0x17fe1a000, 0x1024 },
		{ PT_LOAD, RWX, 0x100000, 0xffff888000100000ULL, 0x100000, 0x30000000 - 0x100000 },
		{ PT_LOAD, RWX, 0x40000000, 0xffff888040000000ULL, 0x40000000, 0x7ffd0000 - 0x40000000 },
		{ PT_LOAD, RWX, 0x100000000, 0xffff888100000000ULL, 0x100000000, 0x40000000 },
		{ PT_LOAD, RWX, 0x150000000, 0xffff888150000000ULL, 0x150000000, 0x30000000 },
	};
	struct crash_facts f;
	struct kexec_log log = { .level = LOG_DEBUG };
	size_t len, olen = 0;
	uint8_t *buf;
	char *out, path[700];

	drop("proc/kcore");
	assert_int_equal(read_facts(&f, &out), 0);
	snprintf(path, sizeof(path), "%s/proc/kcore: No such file or directory\n", root);
	assert_string_equal(out, path);
	free(out);
	assert_int_equal(f.page_offset, 0);
	assert_int_equal(f.kernel_text_vaddr, 0);
	assert_int_equal(f.kernel_text_start, 0x1e000000);      /* from iomem */
	assert_int_equal(f.kernel_text_end, 0x20200000);
	log.out = open_memstream(&out, &olen);
	assert_int_equal(elfcorehdr_build(&f, &buf, &len, &log), 0);
	fclose(log.out);
	assert_non_null(strstr(out, "elfcorehdr: page_offset unknown (/proc/kcore not readable), "
				    "assuming 0xffff888000000000 (4-level paging without KASLR)\n"));
	assert_non_null(strstr(out, "elfcorehdr: kernel text mapping unknown"));
	assert_non_null(strstr(out, "elfcorehdr: 7 program headers (2 CPU notes, vmcoreinfo, 4 RAM ranges"));
	free(out);
	check_header(buf, len, want, 7);
	free(buf);
	crash_facts_free(&f);
	put_kcore();
}

static void test_crash_e820(void **state)
{
	static const struct {
		uint64_t hdr, hdrsz;
		struct memmap_entry want[12];
		size_t n;
	} cases[] = {
		{ 0x30200000, 0x1000, {
			{ 0x0, 0x1000, E820_TYPE_RESERVED },
			{ 0x1000, 0x9fc00, E820_TYPE_RAM },
			{ 0x9fc00, 0xa0000, E820_TYPE_RESERVED },
			{ 0xf0000, 0x100000, E820_TYPE_RESERVED },
			{ 0x30000000, 0x30200000, E820_TYPE_RAM },
			{ 0x30201000, 0x40000000, E820_TYPE_RAM },
			{ 0x7ffd0000, 0x7ffe0000, E820_TYPE_ACPI },
			{ 0x7ffe0000, 0x80000000, E820_TYPE_NVS },
			{ 0xb0000000, 0xc0000000, E820_TYPE_RESERVED },
			{ 0xfffc0000, 0x100000000, E820_TYPE_RESERVED },
			{ 0x140000000, 0x150000000, E820_TYPE_RAM },
		}, 11 },
		/* bottom-up placement, as load.c does: the header opens the low region */
		{ 0x30000000, 0x2000, {
			{ 0x0, 0x1000, E820_TYPE_RESERVED },
			{ 0x1000, 0x9fc00, E820_TYPE_RAM },
			{ 0x9fc00, 0xa0000, E820_TYPE_RESERVED },
			{ 0xf0000, 0x100000, E820_TYPE_RESERVED },
			{ 0x30002000, 0x40000000, E820_TYPE_RAM },
			{ 0x7ffd0000, 0x7ffe0000, E820_TYPE_ACPI },
			{ 0x7ffe0000, 0x80000000, E820_TYPE_NVS },
			{ 0xb0000000, 0xc0000000, E820_TYPE_RESERVED },
			{ 0xfffc0000, 0x100000000, E820_TYPE_RESERVED },
			{ 0x140000000, 0x150000000, E820_TYPE_RAM },
		}, 10 },
		/* the header at the very end of the high region */
		{ 0x14ffff000, 0x1000, {
			{ 0x0, 0x1000, E820_TYPE_RESERVED },
			{ 0x1000, 0x9fc00, E820_TYPE_RAM },
			{ 0x9fc00, 0xa0000, E820_TYPE_RESERVED },
			{ 0xf0000, 0x100000, E820_TYPE_RESERVED },
			{ 0x30000000, 0x40000000, E820_TYPE_RAM },
			{ 0x7ffd0000, 0x7ffe0000, E820_TYPE_ACPI },
			{ 0x7ffe0000, 0x80000000, E820_TYPE_NVS },
			{ 0xb0000000, 0xc0000000, E820_TYPE_RESERVED },
			{ 0xfffc0000, 0x100000000, E820_TYPE_RESERVED },
			{ 0x140000000, 0x14ffff000, E820_TYPE_RAM },
		}, 10 },
	};
	struct crash_facts f;
	char *out;

	assert_int_equal(read_facts(&f, &out), 0);
	free(out);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct memmap m = { 0 };

		assert_int_equal(crash_e820(&f, cases[c].hdr, cases[c].hdrsz, &m), 0);
		assert_int_equal(m.n, cases[c].n);
		for (size_t i = 0; i < m.n; i++) {
			assert_int_equal(m.v[i].start, cases[c].want[i].start);
			assert_int_equal(m.v[i].end, cases[c].want[i].end);
			assert_int_equal(m.v[i].type, cases[c].want[i].type);
			if (i)
				assert_true(m.v[i].start >= m.v[i - 1].end);
		}
		memmap_free(&m);
	}
	crash_facts_free(&f);
}

/* Overlapping firmware ranges and a reserved range inside a crash region: no overlaps out. */
static void test_crash_e820_overlaps(void **state)
{
	static const struct memmap_entry fw[] = {
		{ 0x7ffd0000, 0x7ffe0000, E820_TYPE_ACPI },
		{ 0x7ffd8000, 0x80000000, E820_TYPE_RESERVED },
		{ 0x30100000, 0x30200000, E820_TYPE_RESERVED },
	};
	static const struct memmap_entry want[] = {
		{ 0x1000, 0x9f000, E820_TYPE_RAM },
		{ 0x30000000, 0x30100000, E820_TYPE_RAM },
		{ 0x30100000, 0x30200000, E820_TYPE_RESERVED },
		{ 0x30200000, 0x40000000, E820_TYPE_RAM },
		{ 0x7ffd0000, 0x7ffe0000, E820_TYPE_ACPI },
		{ 0x7ffe0000, 0x80000000, E820_TYPE_RESERVED },
	};
	struct crash_facts f = { 0 };
	struct memmap m = { 0 };

	f.firmware.v = (struct memmap_entry *)fw;
	f.firmware.n = 3;
	rangeset_add(&f.system_ram, 0x1000, 0x9f000);
	rangeset_add(&f.system_ram, 0x100000, 0x7ffd0000);
	rangeset_add(&f.crash_regions, 0x30000000, 0x40000000);
	assert_int_equal(crash_e820(&f, 0, 0, &m), 0);
	assert_int_equal(m.n, 6);
	for (size_t i = 0; i < m.n; i++) {
		assert_int_equal(m.v[i].start, want[i].start);
		assert_int_equal(m.v[i].end, want[i].end);
		assert_int_equal(m.v[i].type, want[i].type);
	}
	memmap_free(&m);
	rangeset_free(&f.system_ram);
	rangeset_free(&f.crash_regions);
}

static void test_crash_cmdline(void **state)
{
	static const struct {
		const char *base, *want;
	} cases[] = {
		{ NULL, "elfcorehdr=0x30000000" },
		{ "", "elfcorehdr=0x30000000" },
		{ "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=1234 ro crashkernel=384M-:256M quiet",
		  "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=1234 ro quiet elfcorehdr=0x30000000" },
		{ "crashkernel=512M,high crashkernel=256M,low console=ttyS0  irqpoll\n",
		  "console=ttyS0 irqpoll elfcorehdr=0x30000000" },
		{ "a elfcorehdr=0x1000 b crashkernelx=1", "a b crashkernelx=1 elfcorehdr=0x30000000" },
		/* after "--" the words belong to init: ours goes before it, theirs stay */
		{ "root=/dev/sda -- crashkernel=1 single",
		  "root=/dev/sda elfcorehdr=0x30000000 -- crashkernel=1 single" },
		{ "dyndbg=\"file a.c +p\" crashkernel=1G",
		  "dyndbg=\"file a.c +p\" elfcorehdr=0x30000000" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = NULL;

		assert_int_equal(crash_cmdline(cases[i].base, 0x30000000, &s), 0);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

static void test_errors(void **state)
{
	static const struct {
		const char *file, *text;        /* text NULL: remove the file */
		int err;
		const char *msg;                /* after "<root>/" */
	} cases[] = {
		{ "proc/iomem", NULL, -ENOENT, "proc/iomem: No such file or directory" },
		{ "sys/devices/system/cpu/cpu1/crash_notes", NULL, -ENOENT,
		  "sys/devices/system/cpu/cpu1/crash_notes: No such file or directory" },
		{ "sys/devices/system/cpu/cpu0/crash_notes_size", NULL, -ENOENT,
		  "sys/devices/system/cpu/cpu0/crash_notes_size: No such file or directory" },
		{ "sys/devices/system/cpu/cpu0/crash_notes_size", "abc\n", -EINVAL,
		  "sys/devices/system/cpu/cpu0/crash_notes_size: \"abc\" is not a decimal number" },
		{ "sys/devices/system/cpu/cpu0/crash_notes", "0\n", -EINVAL,
		  "sys/devices/system/cpu/cpu0/crash_notes: is 0" },
		{ "sys/devices/system/cpu/cpu1/crash_notes", "17fa5ba58 x\n", -EINVAL,
		  "sys/devices/system/cpu/cpu1/crash_notes: \"17fa5ba58 x\" is not a hexadecimal number" },
		{ "sys/devices/system/cpu/cpu1/crash_notes", "17fa5ba58000000000\n", -ERANGE,
		  "sys/devices/system/cpu/cpu1/crash_notes: \"17fa5ba58000000000\" does not fit in 64 bits" },
		{ "sys/kernel/vmcoreinfo", NULL, -ENOENT, "sys/kernel/vmcoreinfo: No such file or directory" },
		{ "sys/kernel/vmcoreinfo", "0x000000017fe1a000\n", -EINVAL,
		  "sys/kernel/vmcoreinfo: \"0x000000017fe1a000\" is not \"ADDRESS SIZE\" in hexadecimal" },
		{ "sys/kernel/vmcoreinfo", "0x17fe1a000 1024 7\n", -EINVAL,
		  "sys/kernel/vmcoreinfo: \"0x17fe1a000 1024 7\" is not \"ADDRESS SIZE\" in hexadecimal" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct crash_facts f;
		char *out, want[800];

		if (cases[i].text)
			put(cases[i].file, cases[i].text);
		else
			drop(cases[i].file);
		assert_int_equal(read_facts(&f, &out), cases[i].err);
		snprintf(want, sizeof(want), "kexec: %s/%s\n", root, cases[i].msg);
		assert_string_equal(out, want);
		assert_null(f.cpu_notes);
		free(out);
		put_all();
	}
}

static void test_no_cpus(void **state)
{
	struct crash_facts f;
	char *out, want[700];

	move("sys/devices/system/cpu/cpu0", "sys/devices/system/cpu/xcpu0");
	move("sys/devices/system/cpu/cpu1", "sys/devices/system/cpu/cpu1a");
	assert_int_equal(read_facts(&f, &out), -ENOENT);
	snprintf(want, sizeof(want), "kexec: %s/sys/devices/system/cpu: no cpuN directories\n", root);
	assert_string_equal(out, want);
	free(out);
	move("sys/devices/system/cpu/xcpu0", "sys/devices/system/cpu/cpu0");
	move("sys/devices/system/cpu/cpu1a", "sys/devices/system/cpu/cpu1");
}

/* A kcore that is not an ELF file is ignored like a missing one. */
static void test_bad_kcore(void **state)
{
	struct crash_facts f;
	char *out, want[700];

	put("proc/kcore", "not an ELF file\n");
	assert_int_equal(read_facts(&f, &out), 0);
	assert_int_equal(f.page_offset, 0);
	snprintf(want, sizeof(want), "%s/proc/kcore: not an ELF core file", root);
	assert_non_null(strstr(out, want));
	free(out);
	crash_facts_free(&f);
	put_kcore();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_elfcorehdr),
		cmocka_unit_test(test_elfcorehdr_without_kcore),
		cmocka_unit_test(test_crash_e820),
		cmocka_unit_test(test_crash_e820_overlaps),
		cmocka_unit_test(test_crash_cmdline),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_cpus),
		cmocka_unit_test(test_bad_kcore),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
