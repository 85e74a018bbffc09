/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The purgatory object, embedded at build time (purgatory/local.mk). */
	.section .rodata, "a"
	.globl purgatory_blob
	.globl purgatory_blob_size
	.balign 64
purgatory_blob:
	.incbin "purgatory/purgatory.ro"
purgatory_blob_end:
	.balign 8
purgatory_blob_size:
	.quad purgatory_blob_end - purgatory_blob
	.section .note.GNU-stack, "", @progbits
