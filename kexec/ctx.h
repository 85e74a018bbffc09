/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one context passed from main() to every module (STYLE.md 2). */
#ifndef KEXEC_CTX_H
#define KEXEC_CTX_H

#include "log.h"
#include "sysroot.h"

struct kexec_ctx {
	struct kexec_log log;
	struct sysroot *sr;
};

#endif
