/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pstore in System RAM: reserve_mem= on the command line and ramoops'
 * parameters (see pstore.h for the kernel facts).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pstore.h"
#include "text.h"

void pstore_cmdline_parse(const char *cmdline, struct pstore_facts *f)
{
	static const char key[] = "reserve_mem=";
	char w[256];
	size_t pos = 0;

	f->nreserve = 0;
	while (text_cmdline_next(cmdline, &pos, w, sizeof(w))) {
		const char *arg = w + strlen(key), *name;

		if (strncmp(w, key, strlen(key)))
			continue;
		/* SIZE:ALIGN:NAME */
		name = strchr(arg, ':');
		name = name ? strchr(name + 1, ':') : NULL;
		if (!name || !name[1] || strlen(name + 1) >= PSTORE_NAME_SIZE ||
		    f->nreserve == PSTORE_MAX_RESERVE)
			continue;
		snprintf(f->reserve[f->nreserve].name, PSTORE_NAME_SIZE, "%s", name + 1);
		snprintf(f->reserve[f->nreserve].arg, sizeof(f->reserve[0].arg), "%.63s", arg);
		f->nreserve++;
	}
}

/* One decimal parameter of ramoops; false (why set) when unreadable. */
static bool ramoops_number(const struct sysroot *sr, const char *param, uint64_t *v,
			   struct pstore_facts *f)
{
	char rel[128], text[32];
	int r;

	snprintf(rel, sizeof(rel), "%s/%s", PSTORE_RAMOOPS_PARAMS, param);
	r = sysroot_read_small(sr, rel, text, sizeof(text));
	if (r == 0 && text_parse_u64_all(text, 10, v) == 0)
		return true;
	snprintf(f->ramoops_why, sizeof(f->ramoops_why), "/%s: %s", rel,
		 r < 0 ? strerror(-r) : "not a decimal number");
	return false;
}

void pstore_read(const struct sysroot *sr, struct kexec_log *log, struct pstore_facts *f)
{
	char cmdline[4096], name[64];
	int r;

	*f = (struct pstore_facts){ 0 };
	if (sysroot_read_small(sr, "proc/cmdline", cmdline, sizeof(cmdline)) == 0)
		pstore_cmdline_parse(cmdline, f);
	if (!f->nreserve || !sysroot_exists(sr, PSTORE_RAMOOPS_PARAMS))
		return;
	r = sysroot_read_small(sr, PSTORE_RAMOOPS_PARAMS "/mem_name", name, sizeof(name));
	if (r < 0) {
		snprintf(f->ramoops_why, sizeof(f->ramoops_why), "/%s/mem_name: %s",
			 PSTORE_RAMOOPS_PARAMS, strerror(-r));
	} else if (ramoops_number(sr, "mem_address", &f->mem_address, f) &&
		   ramoops_number(sr, "mem_size", &f->mem_size, f)) {
		f->ramoops = true;
		/* a charp parameter that was never set prints "(null)" (kernel/params.c) */
		snprintf(f->mem_name, sizeof(f->mem_name), "%s", strcmp(name, "(null)") ? name : "");
	}
	if (f->ramoops_why[0])
		log_debug(log, "ramoops: %s", f->ramoops_why);
}

/* The reserve_mem= entry ramoops sits in, or -1. */
static int ramoops_reserve(const struct pstore_facts *f)
{
	if (!f->ramoops || !f->mem_name[0] || !f->mem_size || f->mem_address + f->mem_size < f->mem_address)
		return -1;
	for (unsigned i = 0; i < f->nreserve; i++)
		if (!strcmp(f->reserve[i].name, f->mem_name))
			return (int)i;
	return -1;
}

bool pstore_ramoops_range(const struct pstore_facts *f, struct mem_kept *out)
{
	int i = ramoops_reserve(f);

	if (i < 0)
		return false;
	*out = (struct mem_kept){ .start = f->mem_address, .end = f->mem_address + f->mem_size };
	snprintf(out->why, sizeof(out->why), "pstore: ramoops in reserve_mem=%s "
		 "(/" PSTORE_RAMOOPS_PARAMS "/mem_address, mem_size)", f->reserve[i].arg);
	return true;
}

/* Why ramoops does not tell where the other regions are. */
static void unplaced_reason(const struct pstore_facts *f, char *buf, size_t size)
{
	static const char only[] = "this kexec finds only the region ramoops uses";

	if (f->ramoops_why[0])
		snprintf(buf, size, "%s, and %s", only, f->ramoops_why);
	else if (!f->ramoops)
		snprintf(buf, size, "%s, and ramoops is not loaded", only);
	else if (!f->mem_name[0])
		snprintf(buf, size, "%s, and ramoops.mem_name is not set", only);
	else
		snprintf(buf, size, "%s, and ramoops.mem_name is \"%.32s\"", only, f->mem_name);
}

void pstore_unplaced_warning(const struct pstore_facts *f, char *buf, size_t size)
{
	int kept = ramoops_reserve(f);
	char why[256];
	size_t n = 0;
	unsigned count = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < f->nreserve && n < size; i++) {
		if ((int)i == kept)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%sreserve_mem=%s", count++ ? ", " : "",
				      f->reserve[i].arg);
	}
	if (!count || n >= size)
		return;
	unplaced_reason(f, why, sizeof(why));
	snprintf(buf + n, size - n, ": where the kernel placed %s is not known (%s), so a clear "
		 "wipes what %s (a pstore, a persistent trace buffer)",
		 count > 1 ? "them" : "it", why, count > 1 ? "they hold" : "it holds");
}
