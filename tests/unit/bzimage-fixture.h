/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A synthetic bzImage: a setup header as boot.rst describes it, and a body. */
#ifndef TESTS_BZIMAGE_FIXTURE_H
#define TESTS_BZIMAGE_FIXTURE_H

#include <asm/bootparam.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIX_SETUP_SECTS 3
#define FIX_BODY        0x10000
#define FIX_LEN         ((FIX_SETUP_SECTS + 1) * 512 + FIX_BODY)

static inline uint8_t *bzimage_fixture(void)
{
	uint8_t *buf = calloc(1, FIX_LEN);
	struct setup_header *h = (struct setup_header *)(buf + 0x1f1);

	h->setup_sects = FIX_SETUP_SECTS;
	h->syssize = FIX_BODY / 16;
	h->boot_flag = 0xaa55;
	h->jump = 0x66eb;                       /* jmp +0x66: header ends at 0x268 */
	h->header = 0x53726448;
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 2047;
	h->pref_address = 0x1000000;
	h->init_size = 0x2000000;
	for (size_t i = (FIX_SETUP_SECTS + 1) * 512; i < FIX_LEN; i++)
		buf[i] = (uint8_t)(i * 7);
	return buf;
}

#endif
