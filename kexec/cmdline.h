/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The new kernel's command line under --reuse-cmdline. */
#ifndef KEXEC_CMDLINE_H
#define KEXEC_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>
#include "log.h"
#include "sysroot.h"

/*
 * The running kernel's command line (proc/cmdline) without BOOT_IMAGE=
 * (and, for a crash kernel, without crashkernel=: text_cmdline_edit()
 * honours quotes), then " append" when append is not NULL.  0 and a
 * malloc'd string in *out; -EIO after logging one line when proc/cmdline
 * cannot be read, -ENOMEM.
 */
int cmdline_reuse(const struct sysroot *sr, struct kexec_log *log, bool crash, const char *append,
		  char **out);

/*
 * The I/O port of the running kernel's serial console in a command line:
 * the last "console=ttyS<N>" (N 0-3: the legacy ports 0x3f8, 0x2f8,
 * 0x3e8, 0x2e8) or "console=uart[8250],io,<port>".  The speed after the
 * comma is the UART's, which the kernel programmed and the purgatory
 * keeps.  0 when there is none (a PCI or MMIO UART, no serial console).
 */
uint16_t cmdline_serial_port(const char *cmdline);

#endif
