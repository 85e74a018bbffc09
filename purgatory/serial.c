// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines on a polled 8250/16550: every step with KTDX_FLAG_SERIAL_DEBUG,
 * the clear's progress with KTDX_FLAG_SERIAL_PROGRESS, the reason of a
 * reset always; at params.serial_port (the running kernel's console,
 * from its command line), COM1 (0x3f8) when the loader gave none.  The
 * baud rate and line settings the old kernel programmed are
 * kept (we only make sure the divisor latch is not selected), and the
 * wait for the transmitter is bounded, so a missing UART costs a few
 * microseconds per byte and never hangs.
 */
#include <stdbool.h>
#include "cpu.h"
#include "purgatory.h"

#define COM1            0x3f8
#define UART_THR        0       /* transmit holding register */
#define UART_LCR        3       /* line control */
#define UART_LCR_DLAB   0x80
#define UART_LSR        5       /* line status */
#define UART_LSR_THRE   0x20

/* in .data, so they do not depend on the loader zeroing .bss */
static bool serial_on __attribute__((section(".data")));
static uint16_t port __attribute__((section(".data"))) = COM1;

void serial_set_port(uint16_t p)
{
	port = p ? p : COM1;
}

void serial_enable(void)
{
	uint8_t lcr = inb(port + UART_LCR);

	if (lcr != 0xff && (lcr & UART_LCR_DLAB))
		outb(lcr & ~UART_LCR_DLAB, port + UART_LCR);
	serial_on = true;
}

bool serial_enabled(void)
{
	return serial_on;
}

void serial_disable(void)
{
	serial_on = false;
}

static void serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(port + UART_LSR) & UART_LSR_THRE); i++)
		pause();
	outb((uint8_t)c, port + UART_THR);
}

void serial_puts(const char *s)
{
	if (!serial_on)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

void serial_put_dec(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	serial_puts(buf + i);
}

void serial_put_hex(uint64_t v)
{
	char buf[19];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	serial_puts(buf + i);
}
