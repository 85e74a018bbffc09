/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one call of syslog(3), in a file of its own (named so that -Ikexec
 * does not hide <syslog.h>): <syslog.h> defines
 * LOG_ERR and friends as macros, which log.h's enum also names.
 */
#ifndef KEXEC_SYSLOG_SEND_H
#define KEXEC_SYSLOG_SEND_H

#include <stdbool.h>

/* One line as "kexec[PID]: line", facility daemon, warning or notice. */
void syslog_send(bool warning, const char *line);

#endif
