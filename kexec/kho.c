/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KHO and live update: the command-line parser and the probes (kho.h). */
#include <stdlib.h>
#include <string.h>
#include "kho.h"

/* The kernel's kstrtobool(): 1, 0, or -1 for a value it rejects (lib/kstrtox.c). */
static int kstrtobool_like(const char *v, size_t n)
{
	if (n == 0)
		return -1;
	switch (v[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		return 1;
	case 'n': case 'N': case 'f': case 'F': case '0':
		return 0;
	case 'o': case 'O':
		if (n > 1 && (v[1] == 'n' || v[1] == 'N'))
			return 1;
		if (n > 1 && (v[1] == 'f' || v[1] == 'F'))
			return 0;
		return -1;
	default:
		return -1;
	}
}

/* One word "name=value" (quotes removed around the value); updates *slot when it is a bool. */
static void param_take(const char *w, size_t n, const char *name, int *slot)
{
	size_t k = strlen(name);
	const char *v;
	size_t vn;
	int b;

	if (n <= k || memcmp(w, name, k) || w[k] != '=')
		return;
	v = w + k + 1;
	vn = n - k - 1;
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if ((b = kstrtobool_like(v, vn)) >= 0)
		*slot = b;
}

void kho_parse_cmdline(const char *buf, size_t len, struct kho_state *out)
{
	size_t i = 0;

	out->cmdline_kho = out->cmdline_liveupdate = -1;
	while (i < len) {
		size_t start;
		bool quoted = false;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\0'))
			i++;
		start = i;
		/* a word ends at white space outside double quotes (kernel/params.c next_arg()) */
		while (i < len && buf[i] != '\0' &&
		       (quoted || (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n'))) {
			if (buf[i] == '"')
				quoted = !quoted;
			i++;
		}
		if (i - start == 2 && !memcmp(buf + start, "--", 2))
			break;
		param_take(buf + start, i - start, "kho", &out->cmdline_kho);
		param_take(buf + start, i - start, "liveupdate", &out->cmdline_liveupdate);
	}
}

static void evidence_add(struct kho_state *k, const char *what)
{
	size_t n = strlen(k->evidence);

	snprintf(k->evidence + n, sizeof(k->evidence) - n, "%s%s", n ? ", " : "", what);
}

void kho_assess(struct kho_state *k)
{
	k->evidence[0] = '\0';
	if (k->cmdline_kho == 1)
		evidence_add(k, "kho=on");
	if (k->cmdline_liveupdate == 1)
		evidence_add(k, "liveupdate=on");
	if (k->liveupdate_dev)
		evidence_add(k, "/sys/class/misc/liveupdate");

	if (k->kho_debugfs)
		evidence_add(k, "/sys/kernel/debug/kho");
	/* liveupdate=on without KHO: LUO disables itself ("Disabling liveupdate because KHO is disabled") */
	k->active = k->cmdline_kho == 1 || k->liveupdate_dev || k->kho_debugfs;
	if (!k->active)
		k->evidence[0] = '\0';
}

void kho_read(const struct sysroot *sr, struct kexec_log *log, struct kho_state *out)
{
	char *buf = NULL;
	size_t len = 0;

	*out = (struct kho_state){ .cmdline_kho = -1, .cmdline_liveupdate = -1 };
	if (sysroot_read(sr, "proc/cmdline", 65536, &buf, &len) == 0) {
		kho_parse_cmdline(buf, len, out);
		free(buf);
	} else {
		log_debug(log, "/proc/cmdline: unreadable; kho= and liveupdate= unknown");
	}
	out->liveupdate_dev = sysroot_exists(sr, "sys/class/misc/liveupdate");
	out->kho_debugfs = sysroot_exists(sr, "sys/kernel/debug/kho");
	kho_assess(out);
}
