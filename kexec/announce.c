/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system-log line of a load, refusal or exec, and the line before the
 * jump (announce.h); syslog-send.c sends it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>
#include <kexec-tdx/purgatory-abi.h>
#include "announce.h"
#include "syslog-send.h"
#include "text.h"

void announce_syslog_line(const struct announce_event *ev, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s: decision %s, action %s", ev->what,
			 tdx_decision_name(ev->decision), ev->action);

	if (n >= 0 && (size_t)n < size && ev->kernel && ev->kernel[0])
		n += snprintf(buf + n, size - n, ", kernel %s", ev->kernel);
	if (n >= 0 && (size_t)n < size && ev->why && ev->why[0])
		snprintf(buf + n, size - n, " (%s)", ev->why);
	text_utf8_sanitize(buf);
}

static bool is_refusal(const struct announce_event *ev)
{
	return strstr(ev->what, "refused") != NULL;
}

/* Under a sysroot: append the line to ANNOUNCE_SINK (read, add, write back atomically). */
static void sink_append(const struct sysroot *sr, const char *line)
{
	char *old = NULL, *all;
	size_t len = 0;

	if (sysroot_read(sr, ANNOUNCE_SINK, 0, &old, &len) < 0)
		len = 0;
	all = malloc(len + strlen(line) + 2);
	if (all) {
		memcpy(all, old ? old : "", len);
		sprintf(all + len, "%s\n", line);
		sysroot_write_atomic(sr, ANNOUNCE_SINK, all, strlen(all), 0644);
	}
	free(all);
	free(old);
}

void announce_syslog(const struct sysroot *sr, const struct announce_event *ev)
{
	char line[768];

	announce_syslog_line(ev, line, sizeof(line));
	if (!sysroot_is_host(sr)) {
		sink_append(sr, line);
		return;
	}
	syslog_send(is_refusal(ev), line);
}

void announce_jump_line(unsigned action, uint64_t bytes, unsigned cpus, long estimate_s, char *buf,
			size_t size)
{
	static const char quiet[] = "the console is quiet until the new kernel prints";
	char sz[32], dur[32], on[32] = "";

	if (cpus)
		snprintf(on, sizeof(on), " on %u CPU%s", cpus, cpus == 1 ? "" : "s");
	if (action == KTDX_ACTION_CLEAR) {
		text_size(bytes, sz, sizeof(sz));
		tdx_duration_text(estimate_s, dur, sizeof(dur));
		snprintf(buf, size, "WBINVD and clear of %s%s, %s; %s", sz, on, dur, quiet);
	} else if (action == KTDX_ACTION_FLUSH) {
		snprintf(buf, size, "WBINVD%s, under 1 s; %s", on, quiet);
	} else {
		snprintf(buf, size, "booting the new kernel (no flush or clear); %s", quiet);
	}
}

void announce_console(const struct sysroot *sr, const char *line)
{
	char rec[320];
	int fd, n;

	tcdrain(STDERR_FILENO);         /* ENOTTY when stderr is no terminal: nothing to wait for */
	if (!sysroot_is_host(sr))
		return;                 /* a sysroot's dev/kmsg is a test's input file */
	fd = sysroot_open_file(sr, "dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(rec, sizeof(rec), "<2>kexec: %s\n", line);
	/* a courtesy: a failed write never fails the kexec */
	if (n > 0 && (size_t)n < sizeof(rec) && write(fd, rec, (size_t)n) != n)
		n = -1;
	close(fd);
}
