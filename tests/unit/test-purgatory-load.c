/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "purgatory-load.h"

#define MiB (1ULL << 20)

static void init(struct segments *s)
{
	struct rangeset ram = RANGESET_INIT;

	rangeset_add(&ram, 1 * MiB, 64 * MiB);
	assert_int_equal(segments_init(s, &ram, 0, 0), 0);
	rangeset_free(&ram);
}

static void test_real_purgatory(void **state)
{
	struct kexec_log log = { 0 };
	struct segments s;
	struct purgatory p;
	struct ktdx_params params = { .magic = KTDX_PARAMS_MAGIC, .entry = 0x1234 };

	init(&s);
	assert_int_equal(purgatory_load(purgatory_blob, purgatory_blob_size, &s, MiB, 32 * MiB, &log, &p), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].what, "purgatory");
	assert_int_equal(s.v[0].mem, p.addr);
	assert_true(p.addr >= MiB && p.addr + p.memsz <= 32 * MiB);
	assert_true(p.entry >= p.addr && p.entry < p.addr + p.bufsz);
	assert_true(p.memsz >= p.bufsz);
	/* the parameter block is in the loaded image and carries the purgatory's own magic */
	struct ktdx_params seen;
	memcpy(&seen, p.buf + p.params_off, sizeof(seen));
	assert_int_equal(seen.magic, KTDX_PARAMS_MAGIC);
	purgatory_set_params(&p, &params);
	memcpy(&seen, p.buf + p.params_off, sizeof(seen));
	assert_int_equal(seen.entry, 0x1234);
	purgatory_free(&p);
	segments_free(&s);
}

/*
 * The image layout, computed here independently of the loader from the
 * object's section headers: allocated PROGBITS sections in index order,
 * each at its alignment, then the NOBITS ones.  off[i] = UINT64_MAX for a
 * section that is not loaded.
 */
static uint64_t *layout(Elf *e, size_t *nsec)
{
	uint64_t *off, at = 0;

	assert_int_equal(elf_getshdrnum(e, nsec), 0);
	off = malloc(*nsec * sizeof(*off));
	assert_non_null(off);
	for (size_t i = 0; i < *nsec; i++)
		off[i] = UINT64_MAX;
	for (int nobits = 0; nobits < 2; nobits++)
		for (size_t i = 0; i < *nsec; i++) {
			GElf_Shdr sh;

			assert_non_null(gelf_getshdr(elf_getscn(e, i), &sh));
			if (!(sh.sh_flags & SHF_ALLOC) || !sh.sh_size ||
			    (sh.sh_type == SHT_NOBITS) != nobits)
				continue;
			uint64_t a = sh.sh_addralign ? sh.sh_addralign : 1;

			at = (at + a - 1) & ~(a - 1);
			off[i] = at;
			at += sh.sh_size;
		}
	return off;
}

/* The purgatory placed at the top of [1 MiB, max). */
static void load_at(uint64_t max, struct purgatory *p)
{
	struct kexec_log log = { 0 };
	struct segments s;

	init(&s);
	assert_int_equal(purgatory_load(purgatory_blob, purgatory_blob_size, &s, MiB, max, &log, p), 0);
	segments_free(&s);
}

/*
 * Every relocation site holds the value its type must produce at the
 * base the purgatory was loaded at: S + A for R_X86_64_64/32/32S,
 * S + A - P for PC32/PLT32, with S and P from the layout above.  Checked
 * at two bases; between them absolute sites differ by the base
 * difference and PC-relative ones within the image do not differ.
 */
static void test_relocation_sites(void **state)
{
	struct purgatory p[2];
	char *copy = malloc(purgatory_blob_size);
	unsigned seen[64] = { 0 };
	size_t nsec;
	Elf *e;

	load_at(32 * MiB, &p[0]);
	load_at(48 * MiB + 0x5000, &p[1]);
	assert_true(p[1].addr != p[0].addr);
	assert_int_equal(p[0].bufsz, p[1].bufsz);

	memcpy(copy, purgatory_blob, purgatory_blob_size);
	elf_version(EV_CURRENT);
	e = elf_memory(copy, purgatory_blob_size);
	assert_non_null(e);
	uint64_t *off = layout(e, &nsec);
	Elf_Scn *scn = NULL, *symscn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_SYMTAB)
			symscn = scn;
	}
	assert_non_null(symscn);
	Elf_Data *syms = elf_getdata(symscn, NULL);

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh, tsh;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_RELA)
			continue;
		gelf_getshdr(elf_getscn(e, sh.sh_info), &tsh);
		if (!(tsh.sh_flags & SHF_ALLOC))
			continue;
		assert_true(off[sh.sh_info] != UINT64_MAX);
		Elf_Data *d = elf_getdata(scn, NULL);

		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			GElf_Sym sym;
			unsigned type;
			bool abs_sym;

			assert_non_null(gelf_getrela(d, (int)i, &r));
			assert_non_null(gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym));
			type = GELF_R_TYPE(r.r_info);
			abs_sym = sym.st_shndx == SHN_ABS;
			assert_true(abs_sym || off[sym.st_shndx] != UINT64_MAX);
			seen[type < 64 ? type : 0]++;
			for (int k = 0; k < 2; k++) {
				uint64_t site = off[sh.sh_info] + r.r_offset;
				uint64_t S = abs_sym ? sym.st_value : p[k].addr + off[sym.st_shndx] + sym.st_value;
				uint64_t P = p[k].addr + site, want = 0, got = 0;
				size_t width = 0;

				switch (type) {
				case R_X86_64_64: want = S + (uint64_t)r.r_addend; width = 8; break;
				case R_X86_64_32:
				case R_X86_64_32S: want = S + (uint64_t)r.r_addend; width = 4; break;
				case R_X86_64_PC32:
				case R_X86_64_PLT32: want = S + (uint64_t)r.r_addend - P; width = 4; break;
				default: fail_msg("relocation type %u in the purgatory: add it to this test", type);
				}
				assert_true(site + width <= p[k].bufsz);
				memcpy(&got, p[k].buf + site, width);
				if (width == 4)
					want &= 0xffffffffu;
				if (got != want)
					fail_msg("relocation %zu of section %u (type %u) at image offset 0x%llx, "
						 "base 0x%llx: 0x%llx, expected 0x%llx", i, (unsigned)sh.sh_info,
						 type, (unsigned long long)site, (unsigned long long)p[k].addr,
						 (unsigned long long)got, (unsigned long long)want);
			}
			/* between the two bases */
			uint64_t a = 0, b = 0, site = off[sh.sh_info] + r.r_offset;
			bool pcrel = type == R_X86_64_PC32 || type == R_X86_64_PLT32;

			memcpy(&a, p[0].buf + site, pcrel || type != R_X86_64_64 ? 4 : 8);
			memcpy(&b, p[1].buf + site, pcrel || type != R_X86_64_64 ? 4 : 8);
			if (pcrel)
				assert_int_equal((uint32_t)(b - a),
						 abs_sym ? (uint32_t)(p[0].addr - p[1].addr) : 0);
			else if (type == R_X86_64_64)
				assert_int_equal(b - a, abs_sym ? 0 : p[1].addr - p[0].addr);
		}
	}
	/* what this object has: absolute addresses (-mcmodel=large) and entry.S's RIP-relative ones */
	assert_true(seen[R_X86_64_64] > 0);
	assert_true(seen[R_X86_64_PC32] > 0);
	/* every loaded section fits in the image */
	for (size_t i = 0; i < nsec; i++) {
		GElf_Shdr sh;

		gelf_getshdr(elf_getscn(e, i), &sh);
		if (off[i] == UINT64_MAX || sh.sh_type == SHT_NOBITS)
			continue;
		assert_true(off[i] + sh.sh_size <= p[0].bufsz);
	}
	assert_int_equal(p[0].entry - p[0].addr, p[1].entry - p[1].addr);
	assert_int_equal(p[0].params_off, p[1].params_off);
	free(off);
	elf_end(e);
	free(copy);
	purgatory_free(&p[0]);
	purgatory_free(&p[1]);
}

/* A copy of the purgatory whose first RELA entry has another type. */
static char *with_relocation_type(unsigned type, size_t *len)
{
	char *copy = malloc(purgatory_blob_size);
	Elf *e;
	Elf_Scn *scn = NULL;

	memcpy(copy, purgatory_blob, purgatory_blob_size);
	*len = purgatory_blob_size;
	elf_version(EV_CURRENT);
	e = elf_memory(copy, purgatory_blob_size);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_RELA && sh.sh_size) {
			Elf64_Rela *r = (Elf64_Rela *)(copy + sh.sh_offset);

			r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), type);
			break;
		}
	}
	elf_end(e);
	return copy;
}

static void test_unsupported_relocation(void **state)
{
	struct kexec_log log = { 0 };
	struct segments s;
	struct purgatory p;
	size_t len;
	char *obj = with_relocation_type(R_X86_64_GOTPCREL, &len);

	init(&s);
	assert_int_equal(purgatory_load(obj, len, &s, MiB, 32 * MiB, &log, &p), -ENOEXEC);
	assert_non_null(strstr(log.last, "purgatory: unsupported relocation R_X86_64_GOTPCREL (9) at offset"));
	segments_free(&s);
	free(obj);
}

static void test_not_an_object(void **state)
{
	struct kexec_log log = { 0 };
	struct segments s;
	struct purgatory p;
	static const char junk[64] = "\177ELF";

	init(&s);
	assert_int_equal(purgatory_load(junk, sizeof(junk), &s, MiB, 32 * MiB, &log, &p), -ENOEXEC);
	assert_string_equal(log.last, "purgatory: not an x86-64 relocatable ELF object");
	segments_free(&s);
}

/* The value and width of each relocation type, and where it overflows. */
static void test_reloc_value(void **state)
{
	static const struct {
		unsigned type;
		uint64_t s;
		int64_t a;
		uint64_t pc;
		int r;
		uint64_t v;
		size_t width;
	} cases[] = {
		{ R_X86_64_64, 0xffffffff80001000ULL, 8, 0, 0, 0xffffffff80001008ULL, 8 },
		{ R_X86_64_32, 0xfffff000, 0xfff, 0, 0, 0xffffffff, 4 },
		{ R_X86_64_32, 0xfffff000, 0x1000, 0, -ERANGE, 0x100000000ULL, 4 },
		{ R_X86_64_32S, 0x7ffff000, 0xfff, 0, 0, 0x7fffffff, 4 },
		{ R_X86_64_32S, 0x7ffff000, 0x1000, 0, -ERANGE, 0x80000000, 4 },
		{ R_X86_64_32S, 0xffffffff80000000ULL, 0, 0, 0, 0xffffffff80000000ULL, 4 },
		{ R_X86_64_PC32, 0x2000, -4, 0x1000, 0, 0xffc, 4 },
		{ R_X86_64_PLT32, 0x1000, -4, 0x2000, 0, (uint64_t)-0x1004, 4 },
		{ R_X86_64_PC32, 0x100001000ULL, 0, 0x1000, -ERANGE, 0x100000000ULL, 4 },
		{ R_X86_64_GOTPCREL, 0x1000, 0, 0, -ENOEXEC, 0x1000, 4 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		size_t width = 0;

		assert_int_equal(purgatory_reloc_value(cases[i].type, cases[i].s, cases[i].a, cases[i].pc,
						       &v, &width), cases[i].r);
		assert_int_equal(v, cases[i].v);
		assert_int_equal(width, cases[i].width);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_purgatory),
		cmocka_unit_test(test_relocation_sites),
		cmocka_unit_test(test_unsupported_relocation),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_reloc_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
