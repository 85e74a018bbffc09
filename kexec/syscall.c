/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "syscall.h"

int sys_kexec_load(uint64_t entry, const struct segments *segs, unsigned long flags)
{
	struct kexec_segment ks[KEXEC_MAX_SEGMENTS];

	for (size_t i = 0; i < segs->n; i++)
		ks[i] = (struct kexec_segment){
			.buf = segs->v[i].buf, .bufsz = segs->v[i].buf ? segs->v[i].bufsz : 0,
			.mem = (const void *)(uintptr_t)segs->v[i].mem, .memsz = segs->v[i].memsz,
		};
	if (syscall(SYS_kexec_load, (unsigned long)entry, (unsigned long)segs->n, ks,
		    flags | KEXEC_ARCH_X86_64) < 0)
		return -errno;
	return 0;
}

int sys_kexec_unload(unsigned long flags)
{
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL, flags | KEXEC_ARCH_X86_64) < 0)
		return -errno;
	return 0;
}

int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	unsigned long len = cmdline ? strlen(cmdline) + 1 : 0;

	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, cmdline, flags) < 0)
		return -errno;
	return 0;
}

int sys_reboot_kexec(void)
{
	if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_KEXEC, NULL) < 0)
		return -errno;
	return 0;
}
