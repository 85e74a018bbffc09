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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_purgatory),
		cmocka_unit_test(test_unsupported_relocation),
		cmocka_unit_test(test_not_an_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
