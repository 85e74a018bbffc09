/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for the old kernel and the new one, to run the purgatory
 * alone in QEMU (purgatory/qemu/test-qemu.sh).  Booted by QEMU's
 * multiboot loader in 32-bit protected mode, it builds an identity map
 * of 4 GiB (4-level, or 5-level when the first argument after the file
 * name is '5' and the CPU has LA57), enters 64-bit mode with a GDT unlike the
 * purgatory's (code 0x28, data 0x30), lets harness_main() fill the
 * parameters, and enters purgatory_start the way relocate_kernel does:
 * CR4 = PAE (+LA57), interrupts off, every GPR zero, a stack of its own.
 * harness_kernel_entry is the "new kernel": it records the registers and
 * segments it was entered with, then harness_kernel_main() checks them
 * (and the purgatory's page tables, before it loads its own again).
 */
#define MB_MAGIC        0x1badb002
#define MB_FLAGS        0x00000002      /* want the memory info */

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	movl	$stack32_end, %esp
	movl	%ebx, mb_info

	/* 5-level when asked ('5' first on the command line) and possible */
	xorl	%edi, %edi
	testl	$4, (%ebx)              /* multiboot: cmdline valid */
	jz	1f
	movl	16(%ebx), %eax          /* "FILE <4|5> MODE": find the first blank */
0:	movb	(%eax), %dl
	testb	%dl, %dl
	jz	1f
	incl	%eax
	cmpb	$' ', %dl
	jne	0b
	cmpb	$'5', (%eax)
	jne	1f
	movl	$1, la57_requested
	movl	$7, %eax
	xorl	%ecx, %ecx
	cpuid
	testl	$(1 << 16), %ecx
	jz	1f
	movl	$1, %edi
1:	movl	%edi, la57_on

	/* PD entries: 2 MiB pages over 4 GiB */
	movl	$pd, %ebx
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax             /* P | RW | PS */
	movl	%eax, (%ebx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax               /* bits 32+ of the address: ecx >> 11 */
	movl	%eax, 4(%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b
	/* PDPT[0..3] -> the four PD pages */
	movl	$pdpt, %ebx
	movl	$pd + 3, %eax
	movl	%eax, 0(%ebx)
	addl	$4096, %eax
	movl	%eax, 8(%ebx)
	addl	$4096, %eax
	movl	%eax, 16(%ebx)
	addl	$4096, %eax
	movl	%eax, 24(%ebx)
	movl	$pdpt + 3, pml4
	movl	$pml4 + 3, pml5

	movl	%cr4, %eax
	orl	$(1 << 5), %eax         /* PAE */
	testl	%edi, %edi
	jz	3f
	orl	$(1 << 12), %eax        /* LA57 (paging is still off) */
3:	movl	%eax, %cr4
	movl	$pml4, %eax
	testl	%edi, %edi
	jz	4f
	movl	$pml5, %eax
4:	movl	%eax, %cr3
	movl	$0xc0000080, %ecx       /* EFER.LME */
	rdmsr
	orl	$(1 << 8), %eax
	wrmsr
	lgdt	gdt_desc
	movl	%cr0, %eax
	orl	$0x80000001, %eax       /* PG | PE */
	movl	%eax, %cr0
	ljmp	$0x28, $long_mode

	.code64
long_mode:
	movl	$0x30, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$stack64_end, %rsp
	movl	mb_info, %edi
	call	harness_main            /* fills ktdx_params, prepares memory */

	/* the state relocate_kernel leaves (arch/x86/kernel/relocate_kernel_64.S) */
	movq	%cr4, %rax
	andq	$((1 << 5) | (1 << 12)), %rax
	movq	%rax, %cr4
	pushq	$0
	popfq
	movq	$purgatory_start, %rax
	pushq	%rax                    /* entered by a ret, as in relocate_kernel */
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
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
	ret

	/* The "new kernel": record the state, then check it in C. */
	.globl harness_kernel_entry
harness_kernel_entry:
	movq	%rax, harness_regs + 0
	movq	%rbx, harness_regs + 8
	movq	%rcx, harness_regs + 16
	movq	%rdx, harness_regs + 24
	movq	%rsi, harness_regs + 32
	movq	%rdi, harness_regs + 40
	movq	%rbp, harness_regs + 48
	movq	%r8, harness_regs + 56
	movq	%r9, harness_regs + 64
	movq	%r10, harness_regs + 72
	movq	%r11, harness_regs + 80
	movq	%r12, harness_regs + 88
	movq	%r13, harness_regs + 96
	movq	%r14, harness_regs + 104
	movq	%r15, harness_regs + 112
	movq	%rsp, harness_regs + 120
	movw	%cs, harness_segs + 0
	movw	%ds, harness_segs + 2
	movw	%es, harness_segs + 4
	movw	%ss, harness_segs + 6
	movw	%fs, harness_segs + 8
	movw	%gs, harness_segs + 10
	pushfq
	popq	%rax
	movq	%rax, harness_rflags
	movq	$stack64_end, %rsp
	call	harness_kernel_main
5:	hlt
	jmp	5b

	.data
	.balign 16
gdt:
	.quad	0
	.quad	0
	.quad	0
	.quad	0
	.quad	0
	.quad	0x00af9b000000ffff      /* 0x28: 64-bit code */
	.quad	0x00cf93000000ffff      /* 0x30: data */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
	.globl mb_info, la57_on, la57_requested
mb_info:	.long 0
la57_on:	.long 0
la57_requested:	.long 0

	.bss
	.balign 4096
	.globl pml5, pml4
pml5:	.skip 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
stack32:	.skip 4096
stack32_end:
	.balign 16
stack64:	.skip 65536
stack64_end:
	.globl harness_regs, harness_segs, harness_rflags
	.balign 8
harness_regs:	.skip 16 * 8
harness_segs:	.skip 6 * 2
	.balign 8
harness_rflags:	.skip 8

	.section .note.GNU-stack, "", @progbits
