/* A freestanding x86_64 ELF for kexec-elf.sh: entered in 64-bit mode on an
 * identity map (as a purgatory leaves it), it prints KT-ELF-OK on COM1 and
 * exits QEMU through isa-debug-exit (port 0xf4): status (0x21 << 1) | 1 = 67. */
	.text
	.code64
	.globl _start
_start:
	cli
	cld
	leaq	msg(%rip), %rsi
	movl	$(msg_end - msg), %ecx
1:	movw	$0x3fd, %dx		/* line status: wait for THR empty */
2:	inb	%dx, %al
	testb	$0x20, %al
	jz	2b
	movw	$0x3f8, %dx
	lodsb
	outb	%al, %dx
	loop	1b
	movw	$0xf4, %dx
	movl	$0x21, %eax
	outl	%eax, %dx
3:	hlt
	jmp	3b
msg:	.ascii	"\r\nKT-ELF-OK\r\n"
msg_end:
	.section .note.GNU-stack, "", @progbits
