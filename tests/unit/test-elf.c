/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF64 x86-64 format: images are written by hand with <elf.h>'s
 * structures into a buffer, then probed and loaded over a fake RAM map.
 */
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "image.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define FILE_LEN 0x3000
#define KVIRT 0xffffffff80000000ULL     /* __START_KERNEL_map */

struct ph {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* An ET_EXEC x86-64 image of len bytes: header, program headers, then a byte pattern. */
static uint8_t *elf_build(size_t len, uint64_t entry, const struct ph *ph, size_t n)
{
	uint8_t *b = malloc(len);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_entry = entry,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = (uint16_t)n,
	};

	assert_non_null(b);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + 1);
	memcpy(b, &eh, sizeof(eh));
	for (size_t i = 0; i < n; i++) {
		Elf64_Phdr p = {
			.p_type = ph[i].type, .p_flags = PF_R | PF_X, .p_offset = ph[i].offset,
			.p_vaddr = ph[i].vaddr, .p_paddr = ph[i].paddr, .p_filesz = ph[i].filesz,
			.p_memsz = ph[i].memsz, .p_align = 0x1000,
		};
		memcpy(b + sizeof(eh) + i * sizeof(p), &p, sizeof(p));
	}
	return b;
}

static Elf64_Ehdr *ehdr(uint8_t *b)
{
	return (Elf64_Ehdr *)b;
}

static Elf64_Phdr *phdr(uint8_t *b, size_t i)
{
	return (Elf64_Phdr *)(b + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr));
}

struct fixture {
	struct kexec_ctx ctx;
	struct load_plan *plan;
};

/* RAM [1 MiB, 2 GiB) and [4 GiB, 8 GiB), as load.c hands it over. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rangeset ram = RANGESET_INIT;

	assert_non_null(f);
	f->plan = calloc(1, sizeof(*f->plan));
	assert_non_null(f->plan);
	rangeset_add(&ram, 1 * MiB, 2 * GiB);
	rangeset_add(&ram, 4 * GiB, 8 * GiB);
	assert_int_equal(segments_init(&f->plan->segs, &ram, 1 * MiB, 0), 0);
	rangeset_free(&ram);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	segments_free(&f->plan->segs);
	free(f->plan);
	free(f);
	return 0;
}

/* probe, then load as load.c does; the first error. */
static int probe_load(struct fixture *f, uint8_t *b, size_t len)
{
	struct kernel_file k = { .path = "vmlinux", .buf = b, .len = len };
	int r;

	f->ctx.log.last[0] = 0;
	if ((r = elf64_ops.probe(b, len, k.path, &f->ctx.log)) < 0)
		return r;
	return elf64_ops.load(&f->ctx, &k, f->plan);
}

struct want_seg {
	size_t buf_off;         /* SIZE_MAX: buf NULL */
	size_t bufsz;
	uint64_t mem, memsz;
};

static void check_segs(const struct fixture *f, const uint8_t *b, const struct want_seg *w, size_t n)
{
	const struct segments *s = &f->plan->segs;

	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		if (w[i].buf_off == SIZE_MAX)
			assert_null(s->v[i].buf);
		else
			assert_ptr_equal(s->v[i].buf, b + w[i].buf_off);
		assert_int_equal(s->v[i].bufsz, w[i].bufsz);
		assert_int_equal(s->v[i].mem, w[i].mem);
		assert_int_equal(s->v[i].memsz, w[i].memsz);
		assert_string_equal(s->v[i].what, "kernel");
		assert_true(s->v[i].hash);
	}
}

static void test_one_load(void **state)
{
	struct fixture *f = *state;
	static const struct ph ph[] = { { PT_LOAD, 0x1000, 0x1000000, 0x1000000, 0x1800, 0x4000 } };
	static const struct want_seg want[] = { { 0x1000, 0x1800, 0x1000000, 0x4000 } };
	uint8_t *b = elf_build(FILE_LEN, 0x1000010, ph, 1);

	assert_int_equal(probe_load(f, b, FILE_LEN), 0);
	check_segs(f, b, want, 1);
	assert_int_equal(f->plan->entry, 0x1000010);
	assert_string_equal(f->ctx.log.last, "");
	free(b);
}

/*
 * A vmlinux brings no setup header: the new kernel gets this one, and
 * the initrd and command line limits are the ones it states (the same
 * rule as a bzImage's, test-bzimage.c: test_limits_follow_the_header).
 */
static void test_vmlinux_setup_header(void **state)
{
	struct fixture *f = *state;
	static const struct ph ph[] = { { PT_LOAD, 0x1000, 0x1000000, 0x1000000, 0x1800, 0x4000 } };
	uint8_t *b = elf_build(FILE_LEN, 0x1000010, ph, 1);
	const struct setup_header *h = &f->plan->bp.hdr;
	struct setup_header want = { 0 };
	struct boot_params zero = { 0 };

	assert_int_equal(probe_load(f, b, FILE_LEN), 0);
	assert_int_equal(h->boot_flag, 0xaa55);
	assert_int_equal(h->header, 0x53726448);                /* "HdrS" */
	assert_int_equal(h->version, 0x020f);
	assert_int_equal(h->loadflags, LOADED_HIGH);
	assert_int_equal(h->initrd_addr_max, 0xffffffff);
	assert_int_equal(h->cmdline_size, 2047);
	assert_int_equal(h->kernel_alignment, 0x200000);
	assert_int_equal(h->xloadflags, 0);
	assert_int_equal(f->plan->initrd_max, 0x100000000);     /* below 4 GiB */
	assert_int_equal(f->plan->cmdline_max, 2048);           /* COMMAND_LINE_SIZE */
	/* nothing else is set, in the header or around it */
	setup_header_vmlinux(&want);
	assert_memory_equal(h, &want, sizeof(want));
	zero.hdr = want;
	assert_memory_equal(&f->plan->bp, &zero, sizeof(zero));
	free(b);
}

/* A vmlinux: text and data+bss at __START_KERNEL_map + physical, a PT_NOTE between. */
static const struct ph vmlinux_ph[] = {
	{ PT_LOAD, 0x1000, KVIRT + 0x1000000, 0x1000000, 0x1000, 0x1000 },
	{ PT_NOTE, 0x1f00, KVIRT + 0x1000f00, 0x1000f00, 0x100, 0x100 },
	{ PT_LOAD, 0x2000, KVIRT + 0x1200000, 0x1200000, 0x800, 0x5000 },
};
static const struct want_seg vmlinux_want[] = {
	{ 0x1000, 0x1000, 0x1000000, 0x1000 },
	{ 0x2000, 0x800, 0x1200000, 0x5000 },
};

static void test_two_loads_virtual_entry(void **state)
{
	struct fixture *f = *state;
	uint8_t *b = elf_build(FILE_LEN, KVIRT + 0x1000040, vmlinux_ph, 3);

	assert_int_equal(probe_load(f, b, FILE_LEN), 0);
	check_segs(f, b, vmlinux_want, 2);
	assert_int_equal(f->plan->entry, 0x1000040);
	free(b);
}

/* Linux's own vmlinux: ENTRY(phys_startup_64), e_entry is already physical. */
static void test_two_loads_physical_entry(void **state)
{
	struct fixture *f = *state;
	uint8_t *b = elf_build(FILE_LEN, 0x1000000, vmlinux_ph, 3);

	assert_int_equal(probe_load(f, b, FILE_LEN), 0);
	check_segs(f, b, vmlinux_want, 2);
	assert_int_equal(f->plan->entry, 0x1000000);
	free(b);
}

/* p_paddr inside a page: the page starts with the file bytes before p_offset. */
static void test_unaligned_paddr_and_bss_only(void **state)
{
	struct fixture *f = *state;
	static const struct ph ph[] = {
		{ PT_LOAD, 0x1100, 0x1000100, 0x1000100, 0x100, 0x200 },
		{ PT_LOAD, 0, 0x1100000, 0x1100000, 0, 0x3000 },        /* bss only: zeros */
	};
	static const struct want_seg want[] = {
		{ 0x1000, 0x200, 0x1000000, 0x1000 },
		{ SIZE_MAX, 0, 0x1100000, 0x3000 },
	};
	uint8_t *b = elf_build(FILE_LEN, 0x1000100, ph, 2);

	assert_int_equal(probe_load(f, b, FILE_LEN), 0);
	check_segs(f, b, want, 2);
	assert_int_equal(f->plan->entry, 0x1000100);
	free(b);
}

static void test_not_elf_is_quiet(void **state)
{
	struct kexec_log log = { 0 };
	uint8_t mz[64] = { 'M', 'Z' };
	uint8_t *b = elf_build(FILE_LEN, 0x1000000, vmlinux_ph, 1);

	assert_int_equal(elf64_ops.probe(mz, sizeof(mz), "vmlinuz", &log), IMAGE_NOT_MINE);
	assert_int_equal(elf64_ops.probe(b, 3, "vmlinuz", &log), IMAGE_NOT_MINE);  /* "\177EL" */
	assert_int_equal(elf64_ops.probe(b, 0, "vmlinuz", &log), IMAGE_NOT_MINE);
	assert_string_equal(log.last, "");
	free(b);
}

static void m_aarch64(uint8_t *b) { ehdr(b)->e_machine = EM_AARCH64; }
static void m_machine_unknown(uint8_t *b) { ehdr(b)->e_machine = 9999; }
static void m_i386(uint8_t *b) { ehdr(b)->e_machine = EM_386; }
static void m_class32(uint8_t *b) { b[EI_CLASS] = ELFCLASS32; }
static void m_class_bad(uint8_t *b) { b[EI_CLASS] = 7; }
static void m_big_endian(uint8_t *b) { b[EI_DATA] = ELFDATA2MSB; }
static void m_dyn(uint8_t *b) { ehdr(b)->e_type = ET_DYN; }
static void m_rel(uint8_t *b) { ehdr(b)->e_type = ET_REL; }
static void m_version(uint8_t *b) { ehdr(b)->e_version = 2; }
static void m_phnum0(uint8_t *b) { ehdr(b)->e_phnum = 0; }
static void m_phentsize(uint8_t *b) { ehdr(b)->e_phentsize = 32; }
static void m_phoff(uint8_t *b) { ehdr(b)->e_phoff = FILE_LEN - 0x30; }
static void m_phoff_huge(uint8_t *b) { ehdr(b)->e_phoff = UINT64_MAX - 8; }
static void m_filesz(uint8_t *b) { phdr(b, 0)->p_filesz = 0x2000; }
static void m_offset(uint8_t *b) { phdr(b, 0)->p_offset = 0x10000; }
static void m_offset_wrap(uint8_t *b) { phdr(b, 0)->p_offset = UINT64_MAX - 0x10; }
static void m_entry(uint8_t *b) { ehdr(b)->e_entry = 0x5000000; }
static void m_entry_in_gap(uint8_t *b) { ehdr(b)->e_entry = KVIRT + 0x1100000; }
static void m_overlap(uint8_t *b) { phdr(b, 2)->p_paddr = 0x1000800; }
static void m_share_page(uint8_t *b)
{
	phdr(b, 0)->p_filesz = phdr(b, 0)->p_memsz = 0x800;
	phdr(b, 2)->p_paddr = 0x1000c00;
	phdr(b, 2)->p_offset = 0x2c00;
	phdr(b, 2)->p_filesz = 0x100;
}
static void m_paddr_wrap(uint8_t *b) { phdr(b, 2)->p_paddr = UINT64_MAX - 0x1000; }
static void m_vaddr_wrap(uint8_t *b) { phdr(b, 2)->p_vaddr = UINT64_MAX - 0x1000; }
static void m_offset_before_page(uint8_t *b) { phdr(b, 0)->p_paddr = 0x1000200; phdr(b, 0)->p_offset = 0x100; }
static void m_not_ram(uint8_t *b) { phdr(b, 2)->p_paddr = 0x90000000; }
static void m_no_load(uint8_t *b) { phdr(b, 0)->p_type = PT_NOTE; phdr(b, 2)->p_type = PT_NULL; }

static void test_errors(void **state)
{
	struct fixture *f = *state;
	static const struct {
		void (*mutate)(uint8_t *b);
		int err;
		const char *msg;
	} cases[] = {
		{ m_aarch64, -ENOEXEC, "vmlinux: ELF e_machine 183 (AArch64), need 62 (x86-64)" },
		{ m_machine_unknown, -ENOEXEC, "vmlinux: ELF e_machine 9999, need 62 (x86-64)" },
		{ m_i386, -ENOEXEC, "vmlinux: ELF e_machine 3 (i386), need 62 (x86-64)" },
		{ m_class32, -ENOEXEC, "vmlinux: ELF class 1 (32-bit), need 2 (64-bit)" },
		{ m_class_bad, -ENOEXEC, "vmlinux: ELF class 7 (invalid), need 2 (64-bit)" },
		{ m_big_endian, -ENOEXEC, "vmlinux: ELF data encoding 2 (big-endian), need 1 (little-endian)" },
		{ m_dyn, -ENOEXEC, "vmlinux: ELF e_type 3 (ET_DYN), need 2 (ET_EXEC)" },
		{ m_rel, -ENOEXEC, "vmlinux: ELF e_type 1 (ET_REL), need 2 (ET_EXEC)" },
		{ m_version, -ENOEXEC, "vmlinux: ELF e_version 2, need 1 (EV_CURRENT)" },
		{ m_phnum0, -ENOEXEC, "vmlinux: ELF e_phnum is 0: no program headers" },
		{ m_phentsize, -EINVAL, "vmlinux: ELF e_phentsize 32, need 56" },
		{ m_phoff, -EINVAL, "vmlinux: ELF program headers: e_phoff 0x2fd0 + 3 x 56 bytes ends "
				    "beyond the end of the file (0x3000 bytes)" },
		{ m_phoff_huge, -EINVAL, "vmlinux: ELF program headers: e_phoff 0xfffffffffffffff7 + 3 x 56 "
					 "bytes ends beyond the end of the file (0x3000 bytes)" },
		{ m_filesz, -EINVAL, "vmlinux: PT_LOAD 0: p_filesz 0x2000 is larger than p_memsz 0x1000" },
		{ m_offset, -EINVAL, "vmlinux: PT_LOAD 0: p_offset 0x10000 + p_filesz 0x1000 is beyond the "
				     "end of the file (0x3000 bytes)" },
		{ m_offset_wrap, -EINVAL, "vmlinux: PT_LOAD 0: p_offset 0xffffffffffffffef + p_filesz 0x1000 "
					  "is beyond the end of the file (0x3000 bytes)" },
		{ m_entry, -EINVAL, "vmlinux: ELF e_entry 0x5000000 is outside every PT_LOAD (by virtual and "
				    "by physical address)" },
		{ m_entry_in_gap, -EINVAL, "vmlinux: ELF e_entry 0xffffffff81100000 is outside every PT_LOAD "
					   "(by virtual and by physical address)" },
		{ m_overlap, -EINVAL, "vmlinux: PT_LOAD 2 [0x1000800, 0x1005800) overlaps PT_LOAD 0 "
				      "[0x1000000, 0x1001000)" },
		{ m_share_page, -EINVAL, "vmlinux: PT_LOAD 0 and PT_LOAD 2 share the page at 0x1000000" },
		{ m_paddr_wrap, -EINVAL, "vmlinux: PT_LOAD 2: p_paddr 0xffffffffffffefff + p_memsz 0x5000 "
					 "overflows" },
		{ m_vaddr_wrap, -EINVAL, "vmlinux: PT_LOAD 2: p_vaddr 0xffffffffffffefff + p_memsz 0x5000 "
					 "overflows" },
		{ m_offset_before_page, -EINVAL, "vmlinux: PT_LOAD 0: p_paddr 0x1000200 is 0x200 bytes into "
						 "its page but p_offset is 0x100: the page cannot start "
						 "with file data" },
		{ m_not_ram, -EADDRNOTAVAIL, "kernel: [0x90000000, 0x90005000) is not in usable RAM" },
		{ m_no_load, -ENOEXEC, "vmlinux: no PT_LOAD program header with p_memsz > 0" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *b = elf_build(FILE_LEN, KVIRT + 0x1000000, vmlinux_ph, 3);

		cases[i].mutate(b);
		assert_int_equal(probe_load(f, b, FILE_LEN), cases[i].err);
		assert_string_equal(f->ctx.log.last, cases[i].msg);
		/* nothing half-loaded: the first PT_LOAD of m_not_ram was taken back */
		assert_int_equal(f->plan->segs.n, 0);
		free(b);
	}
}

static void test_truncated_header(void **state)
{
	struct fixture *f = *state;
	uint8_t *b = elf_build(FILE_LEN, KVIRT + 0x1000000, vmlinux_ph, 3);

	assert_int_equal(probe_load(f, b, 40), -EINVAL);
	assert_string_equal(f->ctx.log.last, "vmlinux: ELF header: the file has 40 bytes, the header needs 64");
	/* the header, but not the program headers */
	assert_int_equal(probe_load(f, b, 100), -EINVAL);
	assert_string_equal(f->ctx.log.last, "vmlinux: ELF program headers: e_phoff 0x40 + 3 x 56 bytes "
			    "ends beyond the end of the file (0x64 bytes)");
	free(b);
}

/* 17 PT_LOADs cannot become segments (KEXEC_SEGMENT_MAX 16). */
static void test_too_many_loads(void **state)
{
	struct fixture *f = *state;
	struct ph ph[17];
	uint8_t *b;

	for (size_t i = 0; i < 17; i++)
		ph[i] = (struct ph){ PT_LOAD, 0x1000, 0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000,
				     0x100, 0x100 };
	b = elf_build(FILE_LEN, 0x1000000, ph, 17);
	assert_int_equal(probe_load(f, b, FILE_LEN), -E2BIG);
	assert_string_equal(f->ctx.log.last, "vmlinux: more than 16 PT_LOAD program headers (kexec loads "
			    "at most 16 segments in all)");
	assert_int_equal(f->plan->segs.n, 0);
	free(b);
}

/*
 * Debian's own kernel: the vmlinux inside the bzImage (payload_offset and
 * payload_length at 0x248 of the setup header; the build appends the
 * uncompressed size as 4 bytes, arch/x86/boot/compressed/Makefile).
 */
static void test_real_vmlinux(void **state)
{
	struct fixture *f = *state;
	struct kexec_log log = { 0 };
	glob_t g;
	uint8_t *bz, *elf;
	size_t bzlen, elflen, start;
	uint32_t off, len;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0) {
		skip();
		return;
	}
	if (file_read(g.gl_pathv[0], false, 512u << 20, &bz, &bzlen, &log) < 0) {
		globfree(&g);
		skip();
		return;
	}
	memcpy(&off, bz + 0x248, 4);
	memcpy(&len, bz + 0x24c, 4);
	start = ((size_t)bz[0x1f1] + 1) * 512 + off;
	assert_true(len > 4 && start + len <= bzlen);
	assert_int_equal(decompress_buffer(bz + start, len - 4, 512u << 20, &elf, &elflen,
					   g.gl_pathv[0], &log), 0);

	struct kernel_file k = { .path = "vmlinux", .buf = elf, .len = elflen };
	assert_int_equal(elf64_ops.probe(elf, elflen, k.path, &log), 0);
	assert_int_equal(elf64_ops.load(&f->ctx, &k, f->plan), 0);
	/* CONFIG_PHYSICAL_START 0x1000000, e_entry = phys_startup_64 */
	assert_int_equal(f->plan->segs.v[0].mem, 0x1000000);
	assert_int_equal(f->plan->entry, 0x1000000);
	assert_true(f->plan->segs.n >= 2);
	free(elf);
	free(bz);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmlinux_setup_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_loads_virtual_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_loads_physical_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_paddr_and_bss_only, setup, teardown),
		cmocka_unit_test(test_not_elf_is_quiet),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_vmlinux, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
