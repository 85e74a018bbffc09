/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan digests of a loaded image (see plan-digest.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kexec-tdx/purgatory-abi.h>
#include "plan-digest.h"
#include "sha256.h"
#include "text.h"
#include "tdx/tdx.h"

static void hex_digest(struct sha256_ctx *c, char out[65])
{
	uint8_t d[32];

	sha256_final(c, d);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void plan_digest_compute(const struct rangeset *private_ranges, const struct rangeset *crash,
			 const uint32_t *apic_ids, unsigned napic, unsigned ncpus,
			 struct plan_digest *out)
{
	uint32_t sorted[TDX_MAX_APICIDS];
	struct sha256_ctx c;
	char line[48];

	*out = (struct plan_digest){ .known = true, .cpus = ncpus };
	sha256_init(&c);
	for (size_t i = 0; i < private_ranges->n; i++) {
		snprintf(line, sizeof(line), "%" PRIx64 "-%" PRIx64 "\n", private_ranges->v[i].start,
			 private_ranges->v[i].end);
		sha256_update(&c, line, strlen(line));
	}
	hex_digest(&c, out->private_sha256);
	out->private_bytes = rangeset_bytes(private_ranges);
	out->crash_bytes = crash ? rangeset_bytes(crash) : 0;

	if (napic > TDX_MAX_APICIDS)
		napic = TDX_MAX_APICIDS;
	memcpy(sorted, apic_ids, napic * sizeof(*sorted));
	qsort(sorted, napic, sizeof(*sorted), id_cmp);
	sha256_init(&c);
	snprintf(line, sizeof(line), "cpus %u\n", ncpus);
	sha256_update(&c, line, strlen(line));
	for (unsigned i = 0; i < napic; i++) {
		snprintf(line, sizeof(line), "%" PRIu32 "\n", sorted[i]);
		sha256_update(&c, line, strlen(line));
	}
	hex_digest(&c, out->cpus_sha256);
}

void plan_digest_of_status(const struct tdx_status *st, struct plan_digest *out)
{
	plan_digest_compute(&st->private_ranges, &st->crash, st->cpu.apicid,
			    st->cpuinfo_ok ? st->cpu.napicid : 0, st->cpuinfo_ok ? st->cpu.ncpus : 0, out);
}

/* "; " between the parts of what. */
__attribute__((format(printf, 3, 4)))
static void add(char *what, size_t size, const char *fmt, ...)
{
	size_t n = strlen(what);
	va_list ap;

	if (n && n < size)
		snprintf(what + n, size - n, "; ");
	n = strlen(what);
	if (n >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(what + n, size - n, fmt, ap);
	va_end(ap);
}

static void memory_changes(const struct plan_digest *then, const struct plan_digest *now,
			   char *what, size_t size)
{
	char a[32], b[32];

	text_size(then->crash_bytes, a, sizeof(a));
	text_size(now->crash_bytes, b, sizeof(b));
	if (now->crash_bytes < then->crash_bytes)
		add(what, size, "the crash kernel shrank from %s to %s (its memory went back to the "
		    "page allocator, outside the loaded clear list)", a, b);
	else if (now->crash_bytes != then->crash_bytes)
		add(what, size, "the crash kernel grew from %s to %s", a, b);
	if (now->crash_bytes != then->crash_bytes)
		return;
	text_size(then->private_bytes, a, sizeof(a));
	text_size(now->private_bytes, b, sizeof(b));
	add(what, size, "the memory to clear changed (%s at the load, %s now)", a, b);
}

static void cpu_changes(const struct plan_digest *then, const struct plan_digest *now,
			char *what, size_t size)
{
	char a[16], b[16];

	snprintf(a, sizeof(a), "%u", then->cpus);
	snprintf(b, sizeof(b), "%u", now->cpus);
	if (now->cpus > then->cpus)
		add(what, size, "CPUs were onlined (%s at the load, %s now; the purgatory would not "
		    "start the new ones)", a, b);
	else if (now->cpus < then->cpus)
		add(what, size, "CPUs were offlined (%s at the load, %s now)", a, b);
	else
		add(what, size, "the online CPUs changed (%s at the load and now, other APIC ids)", a);
}

bool plan_digest_changed(const struct plan_digest *then, const struct plan_digest *now,
			 unsigned action, char *what, size_t size)
{
	bool memory, cpus;

	if (size)
		what[0] = '\0';
	if (action == KTDX_ACTION_NONE)
		return false;
	if (!then->known) {
		add(what, size, "its record has no plan digest (written by an older kexec-tdx)");
		return true;
	}
	memory = action == KTDX_ACTION_CLEAR && strcmp(then->private_sha256, now->private_sha256);
	cpus = strcmp(then->cpus_sha256, now->cpus_sha256) != 0;
	if (memory)
		memory_changes(then, now, what, size);
	if (cpus)
		cpu_changes(then, now, what, size);
	return memory || cpus;
}
