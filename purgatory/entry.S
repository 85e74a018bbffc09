/* Placeholder entry. */
	.text
	.globl purgatory_start
purgatory_start:
	hlt
	jmp purgatory_start
	.section .note.GNU-stack,"",@progbits
