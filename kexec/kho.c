/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KHO and live update: the command-line parser and the probes (kho.h). */
#include <stdlib.h>
#include <string.h>
#include "kho.h"
#include "text.h"

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

/* One parameter "name=value" (quotes already removed); updates *slot when the value is a bool. */
static void param_take(const char *w, const char *name, int *slot)
{
	size_t k = strlen(name);
	int b;

	if (strncmp(w, name, k) || w[k] != '=')
		return;
	if ((b = kstrtobool_like(w + k + 1, strlen(w + k + 1))) >= 0)
		*slot = b;
}

void kho_parse_cmdline(const char *buf, size_t len, struct kho_state *out)
{
	char *s = strndup(buf, len), w[256];
	size_t pos = 0;

	out->cmdline_kho = out->cmdline_liveupdate = -1;
	while (s && text_cmdline_next(s, &pos, w, sizeof(w))) {
		param_take(w, "kho", &out->cmdline_kho);
		param_take(w, "liveupdate", &out->cmdline_liveupdate);
	}
	free(s);
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
