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
 * loaded.  Nothing the kernel owned may be used again: the GDT, IDT and
 * stack become ours at once, the page tables (flush and clear only)
 * before the first memory is cleared.
 *
 * Order (DESIGN.md "Purgatory"):
 *  1. flush and clear: WBINVD, before anything is written to memory, not
 *     even a push: on a kernel that did not flush, a dirty line written
 *     back late could land on memory we verified or cleared.  Timed with
 *     the TSC held in registers until C stores it.  The plain path (action
 *     none) runs no WBINVD and no RDTSC (#VE in a TD, #VC in SEV-ES).
 *  2. our GDT, a zero-length IDT, our stack;
 *  3. flush and clear: SSE on (CR0.EM/TS clear, CR4.OSFXSR) for the
 *     SHA-256 and clear paths; the plain path writes no control register;
 *  4. purgatory_main(): page tables, verify, clear, report (purgatory.c);
 *  5. the jump.
 *
 * State at the jump to the new kernel (Documentation/arch/x86/boot.rst,
 * 64-bit boot protocol): 64-bit mode, paging on with an identity map of
 * the kernel over init_size, boot_params with the command line and
 * setup_data (flush and clear: our tables, which map every segment of
 * the load and the RAM below 1 MiB that the decompressor uses before it
 * builds its own; plain: the old kernel's map), our GDT with 0x10 = flat
 * 64-bit code (CS) and 0x18 = flat data (DS, ES, SS, FS, GS), interrupts off,
 * %rsi = boot_params, every other GPR zero (%rsp on our stack), a
 * zero-length IDT, CR4 = PAE (+LA57) and, after a flush or clear,
 * OSFXSR | OSXMMEXCPT.
 */
#include <kexec-tdx/purgatory-abi.h>
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
	/* %r12, %r13: the TSC around WBINVD; they survive the C call */
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	cmpl	$KTDX_ACTION_NONE, ktdx_params + KTDX_PARAMS_OFF_ACTION(%rip)
	je	1f
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r12
	wbinvd
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r13
1:	lgdt	purgatory_gdt_desc(%rip)
	/*
	 * A zero-length IDT: an NMI or exception from here on triple-faults,
	 * which resets the machine, instead of running a handler the old
	 * kernel left in memory we may have cleared.
	 */
	lidt	purgatory_idt_null(%rip)
	leaq	purgatory_stack_end(%rip), %rsp
	/* reload CS with a far return, then the data segments */
	pushq	$PURGATORY_CS
	leaq	2f(%rip), %rax
	pushq	%rax
	lretq
2:	movl	$PURGATORY_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	cmpl	$KTDX_ACTION_NONE, ktdx_params + KTDX_PARAMS_OFF_ACTION(%rip)
	je	3f
	/* SSE (MOVNTDQ, SHA-NI, the SHA-256 schedule) needs CR4.OSFXSR, CR0.EM = 0, CR0.TS = 0 */
	movq	%cr0, %rax
	andq	$~(CR0_EM | CR0_TS), %rax
	orq	$CR0_MP, %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4
3:
	movq	%r12, %rdi
	movq	%r13, %rsi
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
