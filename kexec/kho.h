/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kexec HandOver (KHO) and the Live Update Orchestrator (LUO), Linux
 * 6.19+: is state being handed to the next kernel?  KHO's data (memfds
 * preserved through /dev/liveupdate, systemd's file descriptor stores)
 * reaches the next kernel only through kexec_file_load, which adds the
 * KHO segments itself (kernel/liveupdate/kexec_handover.c); an image
 * loaded with kexec_load boots without it.  Probed, never assumed from a
 * version: the command line (`kho=`, `liveupdate=`, early_param()s read
 * with kstrtobool()), the misc device LUO registers only when it is on
 * (/sys/class/misc/liveupdate, kernel/liveupdate/luo_core.c) and KHO's
 * debugfs folder (/sys/kernel/debug/kho, CONFIG_KEXEC_HANDOVER_DEBUGFS).
 */
#ifndef KEXEC_KHO_H
#define KEXEC_KHO_H

#include <stdbool.h>
#include <stddef.h>
#include "log.h"
#include "sysroot.h"

struct kho_state {
	int cmdline_kho;                /* kho= on the command line: 1 on, 0 off, -1 absent */
	int cmdline_liveupdate;         /* liveupdate= likewise */
	bool liveupdate_dev;            /* sys/class/misc/liveupdate: LUO is on */
	bool kho_debugfs;               /* sys/kernel/debug/kho: KHO is on */
	bool active;                    /* any of the above says on: state may be handed over */
	char evidence[96];              /* what said so: "kho=on, /sys/class/misc/liveupdate" */
};

/*
 * kho= and liveupdate= in a kernel command line (the last valid one of
 * each wins, as the kernel parses them; words after " -- " go to init).
 * Pure: fills cmdline_kho and cmdline_liveupdate only.
 */
void kho_parse_cmdline(const char *buf, size_t len, struct kho_state *out);

/* The command line and the probes through the sysroot; never fails (unreadable: off). */
void kho_read(const struct sysroot *sr, struct kexec_log *log, struct kho_state *out);

/* active and evidence from the facts read (kho_read() calls it). */
void kho_assess(struct kho_state *k);

#endif
