/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/kexec-tdx.conf (kexec-tdx.conf(5)): the operator's default TDX
 * policy for the kexec runs that pass no --tdx= (systemd's kexec.target,
 * kdump-tools, kdumpctl).  (conffile.h: "config.h" is autoconf's.)  The file is read through the sysroot, so a
 * fixture tree can carry one in its etc/.
 *
 * Syntax: one "key = value" a line; blank lines and lines whose first
 * non-blank character is '#' are ignored; the value may be quoted with
 * one pair of "" or ''; a later line sets a key again.  Keys: tdx.
 */
#ifndef KEXEC_CONFFILE_H
#define KEXEC_CONFFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "log.h"
#include "sysroot.h"
#include "tdx/tdx.h"

/* The file, relative to the sysroot. */
#define CONFIG_PATH "etc/kexec-tdx.conf"

struct kexec_config {
	bool tdx_set;                   /* a tdx= line was seen */
	enum tdx_policy tdx;
	unsigned tdx_line;              /* its line number (the last one wins) */
	/*
	 * tdx_sys_disable_supported = yes|no: the operator's statement that
	 * the TDX module supports TDH.SYS.DISABLE (kexec-tdx.conf(5));
	 * TDX_UNKNOWN when absent.
	 */
	int sys_disable;
	unsigned sys_disable_line;
};

/*
 * Parse the text of a configuration file.  `where` names it in messages.
 * A malformed line (no '=', a bad key or value, an unterminated quote, a
 * NUL byte) is -EINVAL with "where:LINE: ..." logged; an unknown key is a
 * warning and is ignored.  *out is complete only when 0 is returned.
 */
int config_parse(const char *buf, size_t len, const char *where, struct kexec_config *out,
		 struct kexec_log *log);

/*
 * Read and parse CONFIG_PATH under the sysroot.  A missing file is an
 * empty configuration (0); an unreadable one is -errno, logged.
 */
int config_read(const struct sysroot *sr, struct kexec_log *log, struct kexec_config *out);

/* The policy a run uses and where it came from. */
struct policy_choice {
	enum tdx_policy policy;
	/* "--tdx", "KEXEC_TDX_POLICY", "/etc/kexec-tdx.conf:LINE" or "default" */
	char source[48];
	/* the file's tdx_sys_disable_supported (TDX_UNKNOWN: not set) and where */
	int sys_disable;
	char sys_disable_where[48];
};

/*
 * DESIGN.md precedence: --tdx= (cmdline_set), then the environment value
 * `env` (KEXEC_TDX_POLICY; NULL or "" when unset), then tdx= in the file,
 * then auto.  The file is read and checked whatever the precedence, so a
 * broken file is reported before anything is loaded.  -EINVAL for a bad
 * env value or a malformed file (logged).
 */
int config_choose_policy(const struct sysroot *sr, struct kexec_log *log, bool cmdline_set,
			 enum tdx_policy cmdline, const char *env, struct policy_choice *out);

#endif
