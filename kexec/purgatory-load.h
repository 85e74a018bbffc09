/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Place and relocate the embedded purgatory (an ET_REL object) with
 * libelf, and set its parameters by symbol name (STYLE.md 7).
 */
#ifndef KEXEC_PURGATORY_LOAD_H
#define KEXEC_PURGATORY_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <kexec-tdx/purgatory-abi.h>
#include "log.h"
#include "segments.h"

struct purgatory {
	uint8_t *buf;           /* the loaded image: PROGBITS sections, relocated */
	size_t bufsz;
	uint64_t memsz;         /* with .bss */
	uint64_t addr;          /* where it is loaded */
	uint64_t entry;         /* purgatory_start */
	size_t params_off;      /* ktdx_params in buf */
};

/* The object embedded by kexec/purgatory-blob.S */
extern const unsigned char purgatory_blob[];
extern const uint64_t purgatory_blob_size;

/*
 * Lay out the object's allocated sections, place them as one segment in
 * [min, max) and apply the relocations.  Any relocation other than
 * R_X86_64_64, 32, 32S, PC32 and PLT32 is an error naming it.
 */
int purgatory_load(const void *obj, size_t objsz, struct segments *segs, uint64_t min,
		   uint64_t max, struct kexec_log *log, struct purgatory *out);
/*
 * What a relocation of `type` writes at pc for symbol address s and
 * addend a (*v), and how many bytes (*width): R_X86_64_64, 32, 32S, PC32
 * and PLT32.  -ERANGE when the value does not fit its width, -ENOEXEC
 * for any other type (nothing logged: purgatory_load names it).
 */
int purgatory_reloc_value(unsigned type, uint64_t s, int64_t a, uint64_t pc, uint64_t *v,
			  size_t *width);
/* Write the parameter block into the loaded image. */
void purgatory_set_params(struct purgatory *p, const struct ktdx_params *params);
void purgatory_free(struct purgatory *p);

#endif
