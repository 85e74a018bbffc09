/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's entry, the address the loader passes to kexec_load.
 *
 * State on entry (arch/x86/kernel/relocate_kernel_64.S, identity_mapped):
 * 64-bit mode, paging on with the kernel's identity map (its tables live
 * in kexec control pages, which may lie in memory we are about to clear),
 * CR0 = PE|PG (+MP/NE) with WP, AM, TS and EM clear, CR4 = PAE (+LA57,
 * +MCE in a TD), RFLAGS = 0 (interrupts off, DF clear), all GPRs zero,
 * %rsp in the kernel's control page, and the kernel's GDT and IDT still
 * loaded.  Nothing the kernel owned may be used again: the GDT, IDT,
 * stack and page tables become ours before the first memory is cleared.
 *
 * State at the jump to the new kernel (Documentation/arch/x86/boot.rst,
 * 64-bit boot protocol): 64-bit mode, paging on with our identity map of
 * [0, map_top), our GDT with 0x10 = flat 64-bit code (CS) and 0x18 = flat
 * data (DS, ES, SS, FS, GS), interrupts off, %rsi = boot_params, every
 * other GPR zero (%rsp on our stack), CR4 = PAE (+LA57) | OSFXSR |
 * OSXMMEXCPT, a zero-length IDT.
 */
#include "purgatory.h"

#define CR0_MP          (1 << 1)
#define CR0_EM          (1 << 2)
#define CR0_TS          (1 << 3)
#define CR4_OSFXSR      (1 << 9)
#define CR4_OSXMMEXCPT  (1 << 10)

	.text
	.code64
	.globl purgatory_start
	.type purgatory_start, @function
purgatory_start:
	cli
	cld
	lgdt	purgatory_gdt_desc(%rip)
	/*
	 * A zero-length IDT: an NMI or exception from here on triple-faults,
	 * which resets the machine, instead of running a handler the old
	 * kernel left in memory we may have cleared.
	 */
	lidt	purgatory_idt_null(%rip)
	leaq	purgatory_stack_end(%rip), %rsp
	/* reload CS with a far return, then the data segments */
	pushq	$PURGATORY_CS
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	$PURGATORY_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* SSE (MOVNTDQ, SHA-NI, the SHA-256 schedule) needs CR4.OSFXSR, CR0.EM = 0, CR0.TS = 0 */
	movq	%cr0, %rax
	andq	$~(CR0_EM | CR0_TS), %rax
	orq	$CR0_MP, %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4

	xorl	%ebp, %ebp
	call	purgatory_main          /* returns only when the kernel may run */

	movq	ktdx_params + KTDX_PARAMS_OFF_BOOT_PARAMS(%rip), %rsi
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmpq	*ktdx_params + KTDX_PARAMS_OFF_ENTRY(%rip)
	.size purgatory_start, . - purgatory_start

	/* The last resort of purgatory_reset(): load a zero-length IDT, trap. */
	.globl purgatory_triple_fault
	.type purgatory_triple_fault, @function
purgatory_triple_fault:
	cli
	lidt	purgatory_idt_null(%rip)
	int3
2:	hlt
	jmp	2b
	.size purgatory_triple_fault, . - purgatory_triple_fault

	.data
	.balign 16
purgatory_gdt:
	.quad	0                       /* null */
	.quad	0                       /* spare */
	.quad	0x00af9b000000ffff      /* 0x10: code, 64-bit, present, DPL 0, accessed */
	.quad	0x00cf93000000ffff      /* 0x18: data, flat 4 GiB, writable, accessed */
purgatory_gdt_end:
	.balign 16
	.word	0                       /* pads the base to 8 bytes */
	.word	0
	.word	0
purgatory_gdt_desc:
	.word	purgatory_gdt_end - purgatory_gdt - 1
	.quad	purgatory_gdt
purgatory_idt_null:
	.word	0
	.quad	0

	.bss
	.balign 4096
purgatory_stack:
	.skip	PURGATORY_STACK_SIZE
purgatory_stack_end:

	.section .note.GNU-stack, "", @progbits
