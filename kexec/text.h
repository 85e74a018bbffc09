/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text buffers for the line parsers. */
#ifndef KEXEC_TEXT_H
#define KEXEC_TEXT_H

#include <stddef.h>
#include "log.h"

/*
 * *out = a NUL-terminated copy of the len bytes at buf, for the caller to
 * free.  -EINVAL, logged as "<where>: contains a NUL byte", when the text
 * holds one (a line parser would silently stop there); -ENOMEM.
 */
int text_dup(const char *buf, size_t len, const char *where, struct kexec_log *log, char **out);

#endif
