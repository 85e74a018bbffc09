/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <syslog.h>
#include "syslog-send.h"

void syslog_send(bool warning, const char *line)
{
	openlog("kexec", LOG_PID, LOG_DAEMON);
	syslog(warning ? LOG_WARNING : LOG_NOTICE, "%s", line);
	closelog();
}
