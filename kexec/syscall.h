/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The three system calls, behind one thin shim (STYLE.md 9). All return 0 or -errno. */
#ifndef KEXEC_SYSCALL_H
#define KEXEC_SYSCALL_H

#include <stddef.h>
#include <stdint.h>
#include "segments.h"

int sys_kexec_load(uint64_t entry, const struct segments *segs, unsigned long flags);
int sys_kexec_unload(unsigned long flags);
int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
int sys_reboot_kexec(void);

#endif
