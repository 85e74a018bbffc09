/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the other CPUs reach the purgatory (DESIGN.md "Purgatory", step 3).
 *
 * trampoline_start..trampoline_end is copied by the boot CPU (smp.c) to
 * the page the loader reserved below 1 MiB, whose page number is the
 * SIPI vector; the boot CPU fills in the fields after the code (the GDT
 * base, the two far pointers, CR0, CR3, CR4, EFER: its own values, so
 * the CPU lands on the purgatory's identity map, which holds that page).
 * A CPU leaves INIT in real mode at CS = vector << 8, IP = 0 with
 * CR0 = CD | NW | ET (caches off); it goes real -> 32-bit protected ->
 * long mode as the kernel's trampoline_64.S does, with CR0 = PE alone
 * first (caches on), and jumps to ap_entry64 in the purgatory.
 *
 * ap_entry64: our GDT and a zero-length IDT, WBINVD before any write, a
 * ticket (one stack each), then ap_main() in smp.c, which never returns.
 *
 * park_start..park_end: what the page becomes once every CPU is done
 * (smp.c, stage 6; doc/purgatory.md "Parked in a HLT loop").  Each other
 * CPU then gets INIT-SIPI again and runs it in real mode: interrupts
 * off, caches on (INIT set CR0.CD and NW), a stack and an IVT inside the
 * page whose every vector 0-31 (NMI is 2) leads to the HLT loop, a count
 * the boot CPU reads, then HLT forever.  It needs no page tables and
 * nothing outside this page, which the new kernel leaves alone until its
 * own INIT-SIPI-SIPI.
 */
#include "purgatory.h"

#define TR_CS32         0x08
#define TR_CS64         0x10
#define TR_DS           0x18

#define MSR_EFER        0xc0000080

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx                        /* %ebx: the page's physical address */
	lgdtl	tr_gdt_desc - trampoline_start
	movl	$1, %eax                        /* CR0.PE, CD = NW = 0 */
	movl	%eax, %cr0
	ljmpl	*(tr_jump32 - trampoline_start)

	.code32
tr_32:
	movl	$TR_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	(tr_cr4 - trampoline_start)(%ebx), %eax
	movl	%eax, %cr4
	movl	(tr_cr3 - trampoline_start)(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	(tr_efer - trampoline_start)(%ebx), %eax
	xorl	%edx, %edx
	wrmsr
	movl	(tr_cr0 - trampoline_start)(%ebx), %eax
	movl	%eax, %cr0                      /* paging on: IA-32e mode */
	ljmpl	*(tr_jump64 - trampoline_start)(%ebx)

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9b000000ffff              /* 0x08: code, 32-bit, flat */
	.quad	0x00af9b000000ffff              /* 0x10: code, 64-bit */
	.quad	0x00cf93000000ffff              /* 0x18: data, flat */
tr_gdt_end:
	.balign 4
	.globl tr_gdt_desc, tr_jump32, tr_jump64, tr_cr0, tr_cr3, tr_cr4, tr_efer
	.globl tr_gdt, tr_32
	.word	0
tr_gdt_desc:
	.word	tr_gdt_end - tr_gdt - 1
	.long	0                               /* physical address of tr_gdt */
	.balign 4
tr_jump32:
	.long	0                               /* physical address of tr_32 */
	.word	TR_CS32
	.balign 4
tr_jump64:
	.long	0                               /* ap_entry64 (the purgatory is below 4 GiB) */
	.word	TR_CS64
	.balign 4
tr_cr0:	.long	0
tr_cr3:	.long	0                               /* the page tables are below 4 GiB */
tr_cr4:	.long	0
tr_efer: .long	0
	.globl trampoline_end
trampoline_end:

	.balign 16
	.globl park_start
park_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	movw	$(park_stack_top - park_start), %sp
	movl	%cr0, %edx
	andl	$~0x60000000, %edx              /* CR0.CD, CR0.NW: caches on */
	movl	%edx, %cr0
	movw	$(park_ivt - park_start), %di
	movw	$32, %cx
1:	movw	$(park_hlt - park_start), (%di)
	movw	%ax, 2(%di)
	addw	$4, %di
	loop	1b
	movzwl	%ax, %ebx
	shll	$4, %ebx
	addl	$(park_ivt - park_start), %ebx
	movl	%ebx, (park_idt_desc + 2 - park_start)
	lidtl	(park_idt_desc - park_start)
	lock incl (park_count - park_start)
park_hlt:
	hlt
	jmp	park_hlt
	.balign 4
	.word	0
park_idt_desc:
	.word	32 * 4 - 1
	.long	0                               /* the IVT's physical address */
	.balign 4
	.globl park_count
park_count:
	.long	0                               /* CPUs that reached the HLT loop */
park_ivt:
	.skip	32 * 4
park_stack:
	.skip	64
park_stack_top:
	.globl park_end
park_end:

	.text
	.code64
	.globl ap_entry64
	.type ap_entry64, @function
ap_entry64:
	lgdt	ap_gdt_desc(%rip)
	lidt	ap_idt_null(%rip)
	movl	$TR_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* this CPU's caches, before it writes anything (DESIGN.md step 3) */
	wbinvd
	movl	$1, %eax
	lock xaddl %eax, ap_ticket(%rip)
	cmpl	$KTDX_MAX_CPUS, %eax
	jae	2f
	leaq	ap_stacks(%rip), %rsp
	movl	%eax, %edx
	incq	%rdx
	shlq	$AP_STACK_SHIFT, %rdx
	addq	%rdx, %rsp                      /* top of stack number ticket */
	movl	%eax, %edi
	xorl	%ebp, %ebp
	call	ap_main                         /* never returns */
2:	cli
	hlt
	jmp	2b
	.size ap_entry64, . - ap_entry64

	.globl ap_halt
	.type ap_halt, @function
ap_halt:
	cli
3:	hlt
	jmp	3b
	.size ap_halt, . - ap_halt

	.data
	.balign 16
ap_gdt:
	.quad	0
	.quad	0x00cf9b000000ffff
	.quad	0x00af9b000000ffff              /* 0x10 */
	.quad	0x00cf93000000ffff              /* 0x18 */
ap_gdt_end:
	.balign 16
	.word	0, 0, 0
ap_gdt_desc:
	.word	ap_gdt_end - ap_gdt - 1
	.quad	ap_gdt
ap_idt_null:
	.word	0
	.quad	0
	.balign 4
	.globl ap_ticket
ap_ticket:
	.long	0

	.bss
	.balign 4096
ap_stacks:
	.skip	KTDX_MAX_CPUS << AP_STACK_SHIFT

	.section .note.GNU-stack, "", @progbits
