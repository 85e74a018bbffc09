/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The new kernel's command line under --reuse-cmdline. */
#ifndef KEXEC_CMDLINE_H
#define KEXEC_CMDLINE_H

#include <stdbool.h>
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

#endif
