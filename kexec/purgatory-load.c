/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include "purgatory-load.h"
#include "text.h"

#define ENTRY_SYMBOL  "purgatory_start"
#define PARAMS_SYMBOL "ktdx_params"

struct layout {
	Elf *elf;
	size_t nsec;
	uint64_t *off;          /* per section: offset in the image, UINT64_MAX if not loaded */
};

/* "R_X86_64_GOTPCREL (9)": the x86-64 psABI names of the types a compiler may emit. */
static int relocation_name(unsigned type, char *buf, size_t size)
{
	static const struct {
		unsigned type;
		const char *name;
	} names[] = {
		{ R_X86_64_NONE, "NONE" }, { R_X86_64_GOT32, "GOT32" }, { R_X86_64_COPY, "COPY" },
		{ R_X86_64_GLOB_DAT, "GLOB_DAT" }, { R_X86_64_JUMP_SLOT, "JUMP_SLOT" },
		{ R_X86_64_RELATIVE, "RELATIVE" }, { R_X86_64_GOTPCREL, "GOTPCREL" },
		{ R_X86_64_16, "16" }, { R_X86_64_PC16, "PC16" }, { R_X86_64_8, "8" },
		{ R_X86_64_PC8, "PC8" }, { R_X86_64_DTPMOD64, "DTPMOD64" },
		{ R_X86_64_DTPOFF64, "DTPOFF64" }, { R_X86_64_TPOFF64, "TPOFF64" },
		{ R_X86_64_TLSGD, "TLSGD" }, { R_X86_64_TLSLD, "TLSLD" },
		{ R_X86_64_DTPOFF32, "DTPOFF32" }, { R_X86_64_GOTTPOFF, "GOTTPOFF" },
		{ R_X86_64_TPOFF32, "TPOFF32" }, { R_X86_64_PC64, "PC64" },
		{ R_X86_64_GOTOFF64, "GOTOFF64" }, { R_X86_64_GOTPC32, "GOTPC32" },
		{ R_X86_64_SIZE32, "SIZE32" }, { R_X86_64_SIZE64, "SIZE64" },
		{ R_X86_64_GOTPCRELX, "GOTPCRELX" }, { R_X86_64_REX_GOTPCRELX, "REX_GOTPCRELX" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].type == type)
			return snprintf(buf, size, "R_X86_64_%s (%u)", names[i].name, type);
	return snprintf(buf, size, "type %u", type);
}

/* The address of a relocation's symbol: absolute, or in a loaded section. */
static int rela_symbol(const struct layout *l, const struct purgatory *p, Elf_Data *symdata,
		       const GElf_Shdr *symsh, const GElf_Rela *rela, size_t i, uint64_t *s,
		       struct kexec_log *log)
{
	GElf_Sym sym;

	if (!gelf_getsym(symdata, (int)GELF_R_SYM(rela->r_info), &sym))
		return log_errno(log, -ENOEXEC, "purgatory: relocation %zu: bad symbol index", i);
	if (sym.st_shndx == SHN_UNDEF) {
		const char *sn = elf_strptr(l->elf, symsh->sh_link, sym.st_name);
		return log_errno(log, -ENOEXEC, "purgatory: undefined symbol %s", sn ? sn : "?");
	}
	if (sym.st_shndx == SHN_ABS)
		*s = sym.st_value;
	else if (sym.st_shndx < l->nsec && l->off[sym.st_shndx] != UINT64_MAX)
		*s = p->addr + l->off[sym.st_shndx] + sym.st_value;
	else
		return log_errno(log, -ENOEXEC,
				 "purgatory: relocation %zu refers to section %u, which is not loaded",
				 i, sym.st_shndx);
	return 0;
}

int purgatory_reloc_value(unsigned type, uint64_t s, int64_t a, uint64_t pc, uint64_t *v,
			  size_t *width)
{
	*v = s + (uint64_t)a;
	*width = 4;
	switch (type) {
	case R_X86_64_64:
		*width = 8;
		return 0;
	case R_X86_64_32:
		return *v > UINT32_MAX ? -ERANGE : 0;
	case R_X86_64_32S:
		return (int64_t)*v != (int32_t)*v ? -ERANGE : 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		*v -= pc;
		return (int64_t)*v != (int32_t)*v ? -ERANGE : 0;
	default:
		return -ENOEXEC;
	}
}

static int apply_rela(struct layout *l, struct purgatory *p, Elf_Scn *scn, const GElf_Shdr *sh,
		      Elf_Data *symdata, const GElf_Shdr *symsh, struct kexec_log *log)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t target = sh->sh_info, n;
	GElf_Shdr tsh;
	Elf_Scn *tscn = elf_getscn(l->elf, target);

	if (!data || !tscn || !gelf_getshdr(tscn, &tsh))
		return log_errno(log, -ENOEXEC, "purgatory: relocation section %zu is unreadable",
				 (size_t)elf_ndxscn(scn));
	if (!(tsh.sh_flags & SHF_ALLOC))
		return 0;       /* debug info and the like */
	if (tsh.sh_type == SHT_NOBITS)
		return log_errno(log, -ENOEXEC, "purgatory: relocations against a NOBITS section");
	n = sh->sh_size / sizeof(Elf64_Rela);
	for (size_t i = 0; i < n; i++) {
		GElf_Rela rela;
		uint64_t s = 0, pc, v;
		unsigned type;
		size_t width;
		char name[32];
		int r;

		if (!gelf_getrela(data, (int)i, &rela))
			return log_errno(log, -ENOEXEC, "purgatory: relocation %zu unreadable", i);
		type = GELF_R_TYPE(rela.r_info);
		if ((r = rela_symbol(l, p, symdata, symsh, &rela, i, &s, log)) < 0)
			return r;
		pc = p->addr + l->off[target] + rela.r_offset;
		r = purgatory_reloc_value(type, s, rela.r_addend, pc, &v, &width);
		if (r == -ENOEXEC) {
			relocation_name(type, name, sizeof(name));
			return log_errno(log, -ENOEXEC,
					 "purgatory: unsupported relocation %s at offset 0x%" PRIx64
					 " of section %zu", name, (uint64_t)rela.r_offset, target);
		}
		if (r < 0)
			return log_errno(log, -ERANGE, "purgatory: relocation type %u at 0x%" PRIx64
					 " overflows (value 0x%" PRIx64 ")", type, pc, v);
		if (rela.r_offset + width > tsh.sh_size)
			return log_errno(log, -ENOEXEC, "purgatory: relocation %zu beyond its section", i);
		memcpy(p->buf + l->off[target] + rela.r_offset, &v, width);
	}
	return 0;
}

static int find_symbols(struct layout *l, struct purgatory *p, Elf_Data *symdata,
			const GElf_Shdr *symsh, struct kexec_log *log)
{
	size_t n = symsh->sh_size / sizeof(Elf64_Sym);
	bool have_entry = false, have_params = false;

	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(symdata, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx >= l->nsec || l->off[sym.st_shndx] == UINT64_MAX)
			continue;
		name = elf_strptr(l->elf, symsh->sh_link, sym.st_name);
		if (!name)
			continue;
		if (!strcmp(name, ENTRY_SYMBOL)) {
			p->entry = p->addr + l->off[sym.st_shndx] + sym.st_value;
			have_entry = true;
		} else if (!strcmp(name, PARAMS_SYMBOL)) {
			if (sym.st_size != sizeof(struct ktdx_params))
				return log_errno(log, -ENOEXEC,
						 "purgatory: symbol %s has size %" PRIu64 ", expected %zu",
						 name, (uint64_t)sym.st_size, sizeof(struct ktdx_params));
			p->params_off = l->off[sym.st_shndx] + sym.st_value;
			if (p->params_off + sizeof(struct ktdx_params) > p->bufsz)
				return log_errno(log, -ENOEXEC, "purgatory: %s is not in a loaded data section",
						 name);
			have_params = true;
		}
	}
	if (!have_entry || !have_params)
		return log_errno(log, -ENOEXEC, "purgatory: symbol %s not found",
				 have_entry ? PARAMS_SYMBOL : ENTRY_SYMBOL);
	return 0;
}

/*
 * Offsets in the image for the allocated sections, PROGBITS first, then
 * NOBITS, so the file part is contiguous; the symbol table on the way.
 * Sets out->bufsz and out->memsz, and *align to the largest alignment.
 */
static int layout_sections(struct layout *l, struct purgatory *out, GElf_Shdr *symsh,
			   Elf_Data **symdata, uint64_t *align, struct kexec_log *log)
{
	uint64_t off = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < l->nsec; i++) {
			Elf_Scn *scn = elf_getscn(l->elf, i);
			GElf_Shdr sh;

			if (pass == 0)
				l->off[i] = UINT64_MAX;
			if (!scn || !gelf_getshdr(scn, &sh))
				continue;
			if (pass == 0 && sh.sh_type == SHT_SYMTAB) {
				*symsh = sh;
				*symdata = elf_getdata(scn, NULL);
			}
			if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0 ||
			    (sh.sh_type == SHT_NOBITS) != (pass == 1))
				continue;
			uint64_t a = sh.sh_addralign ? sh.sh_addralign : 1;
			if (a & (a - 1))
				return log_errno(log, -ENOEXEC, "purgatory: section %zu alignment %" PRIu64,
						 i, a);
			if (a > *align)
				*align = a;
			off = (off + a - 1) & ~(a - 1);
			l->off[i] = off;
			off += sh.sh_size;
			if (pass == 0)
				out->bufsz = off;
		}
	}
	if (!*symdata)
		return log_errno(log, -ENOEXEC, "purgatory: no symbol table");
	out->memsz = off;
	return 0;
}

/* The PROGBITS sections into out->buf at their offsets. */
static int copy_sections(const struct layout *l, struct purgatory *out, struct kexec_log *log)
{
	out->buf = calloc(1, out->bufsz ? out->bufsz : 1);
	if (!out->buf)
		return -ENOMEM;
	for (size_t i = 0; i < l->nsec; i++) {
		Elf_Scn *scn = elf_getscn(l->elf, i);
		GElf_Shdr sh;
		Elf_Data *d;

		if (l->off[i] == UINT64_MAX || !scn || !gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		if (!(d = elf_getdata(scn, NULL)) || d->d_size != sh.sh_size)
			return log_errno(log, -ENOEXEC, "purgatory: section %zu data unreadable", i);
		memcpy(out->buf + l->off[i], d->d_buf, d->d_size);
	}
	return 0;
}

/* Every SHT_RELA section, now that out->addr is known; SHT_REL is refused. */
static int relocate(struct layout *l, struct purgatory *out, Elf_Data *symdata,
		    const GElf_Shdr *symsh, struct kexec_log *log)
{
	int r;

	for (size_t i = 0; i < l->nsec; i++) {
		Elf_Scn *scn = elf_getscn(l->elf, i);
		GElf_Shdr sh;

		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_REL)
			return log_errno(log, -ENOEXEC, "purgatory: SHT_REL relocations are not supported");
		if (sh.sh_type == SHT_RELA && (r = apply_rela(l, out, scn, &sh, symdata, symsh, log)) < 0)
			return r;
	}
	return 0;
}

/* libelf over a copy of obj (elf_memory may write to it); an x86-64 ET_REL or -ENOEXEC. */
static int layout_open(const void *obj, size_t objsz, char **copy, struct layout *l,
		       struct kexec_log *log)
{
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return log_errno(log, -ENOSYS, "libelf: %s", elf_errmsg(-1));
	*copy = malloc(objsz);
	if (!*copy)
		return -ENOMEM;
	memcpy(*copy, obj, objsz);
	l->elf = elf_memory(*copy, objsz);
	if (!l->elf || !gelf_getehdr(l->elf, &eh) || eh.e_type != ET_REL ||
	    eh.e_machine != EM_X86_64 || gelf_getclass(l->elf) != ELFCLASS64)
		return log_errno(log, -ENOEXEC, "purgatory: not an x86-64 relocatable ELF object");
	if (elf_getshdrnum(l->elf, &l->nsec) < 0)
		return log_errno(log, -ENOEXEC, "purgatory: %s", elf_errmsg(-1));
	l->off = malloc(l->nsec * sizeof(*l->off));
	return l->off ? 0 : -ENOMEM;
}

int purgatory_load(const void *obj, size_t objsz, struct segments *segs, uint64_t min,
		   uint64_t max, struct kexec_log *log, struct purgatory *out)
{
	struct layout l = { 0 };
	GElf_Shdr symsh = { 0 };
	Elf_Data *symdata = NULL;
	uint64_t align = PAGE_SIZE_4K;
	char *copy = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = layout_open(obj, objsz, &copy, &l, log)) < 0 ||
	    (r = layout_sections(&l, out, &symsh, &symdata, &align, log)) < 0 ||
	    (r = copy_sections(&l, out, log)) < 0)
		goto out;
	struct segment_req req = {
		.buf = out->buf, .bufsz = out->bufsz, .memsz = out->memsz, .align = align,
		.min = min, .max = max, .top_down = true, .hash = false, .what = "purgatory",
	};
	if ((r = segments_place(segs, &req, log, &out->addr)) < 0 ||
	    (r = relocate(&l, out, symdata, &symsh, log)) < 0)
		goto out;
	r = find_symbols(&l, out, symdata, &symsh, log);
out:
	if (l.elf)
		elf_end(l.elf);
	free(l.off);
	free(copy);
	if (r < 0)
		purgatory_free(out);
	return r;
}

void purgatory_set_params(struct purgatory *p, const struct ktdx_params *params)
{
	memcpy(p->buf + p->params_off, params, sizeof(*params));
}

void purgatory_free(struct purgatory *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
