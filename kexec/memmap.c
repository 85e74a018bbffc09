/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /sys/firmware/memmap and /proc/iomem.  Both print inclusive ends; they
 * are converted to half-open ranges here, once (STYLE.md 6).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "memmap.h"
#include "text.h"

/* Names as the kernel prints them (arch/x86/kernel/e820.c, e820_type_to_string). */
static const struct {
	uint32_t type;
	const char *name;
} e820_names[] = {
	{ E820_TYPE_RAM, "System RAM" },
	{ E820_TYPE_RESERVED, "Reserved" },
	{ E820_TYPE_ACPI, "ACPI Tables" },
	{ E820_TYPE_NVS, "ACPI Non-volatile Storage" },
	{ E820_TYPE_UNUSABLE, "Unusable memory" },
	{ E820_TYPE_PMEM, "Persistent Memory" },
	{ E820_TYPE_PRAM, "Persistent Memory (legacy)" },
	{ E820_TYPE_SOFT_RESERVED, "Soft Reserved" },
	/* what the kernel prints for a type it does not know: never RAM */
	{ E820_TYPE_RESERVED, "Unknown E820 type" },
};


/* Length of s without trailing white space (the kernel's files end in '\n'). */
static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n;
}

int memmap_type_from_name(const char *name, uint32_t *type)
{
	size_t n = trimmed_len(name);

	for (size_t i = 0; i < ARRAY_SIZE(e820_names); i++)
		if (strlen(e820_names[i].name) == n && !memcmp(e820_names[i].name, name, n)) {
			*type = e820_names[i].type;
			return 0;
		}
	return -EINVAL;
}

const char *memmap_type_name(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(e820_names); i++)
		if (e820_names[i].type == type)
			return e820_names[i].name;
	return "Unknown E820 type";
}

/*
 * Hex digits at s (exactly n of them, n >= 1, no 0x) into *v.  -EINVAL
 * for a non-hex character, -ERANGE when the value needs more than 64 bits
 * (whichever comes first).  s[n] is no hex digit (a '-', a blank, the NUL).
 */
static int parse_hex(const char *s, size_t n, uint64_t *v)
{
	const char *p = s;
	int r;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -EINVAL;
	r = text_parse_u64(&p, 16, v);
	return r == -ERANGE ? r : r < 0 || p != s + n ? -EINVAL : 0;
}

/* One "0x..." file of a memmap entry. */
static int parse_memmap_number(const char *text, uint64_t *v, struct kexec_log *log,
			       const char *where, const char *field)
{
	size_t n = trimmed_len(text);
	int r;

	if (n < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
		return log_errno(log, -EINVAL, "%s/%s: \"%.*s\" is not a hexadecimal number with 0x",
				 where, field, (int)(n > 40 ? 40 : n), text);
	r = parse_hex(text + 2, n - 2, v);
	if (r == -ERANGE)
		return log_errno(log, -ERANGE, "%s/%s: \"%.*s\" does not fit in 64 bits", where, field,
				 (int)(n > 40 ? 40 : n), text);
	if (r < 0)
		return log_errno(log, -EINVAL, "%s/%s: \"%.*s\" is not a hexadecimal number", where,
				 field, (int)(n > 40 ? 40 : n), text);
	return 0;
}

int memmap_parse_entry(const char *start, const char *end, const char *type,
		       struct memmap_entry *out, struct kexec_log *log, const char *where)
{
	uint64_t s, e;
	uint32_t t;
	int r;

	if ((r = parse_memmap_number(start, &s, log, where, "start")) < 0 ||
	    (r = parse_memmap_number(end, &e, log, where, "end")) < 0)
		return r;
	if (e < s)
		return log_errno(log, -EINVAL, "%s: end 0x%llx is below start 0x%llx", where,
				 (unsigned long long)e, (unsigned long long)s);
	if (e == UINT64_MAX)
		return log_errno(log, -ERANGE,
				 "%s/end: 0xffffffffffffffff: an inclusive end at the top of the "
				 "address space cannot be made exclusive", where);
	if (memmap_type_from_name(type, &t) < 0) {
		size_t n = trimmed_len(type);

		return log_errno(log, -EINVAL, "%s/type: unknown type \"%.*s\"", where,
				 (int)(n > 64 ? 64 : n), type);
	}
	*out = (struct memmap_entry){ .start = s, .end = e + 1, .type = t };
	return 0;
}

void memmap_free(struct memmap *map)
{
	free(map->v);
	map->v = NULL;
	map->n = 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct memmap_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

int memmap_read(const struct sysroot *sr, struct kexec_log *log, struct memmap *out)
{
	static const char dir[] = "sys/firmware/memmap";
	char path[4096], rel[512], **names = NULL;
	char *text[3] = { NULL, NULL, NULL };
	static const char *const files[3] = { "start", "end", "type" };
	size_t nnames = 0, len;
	struct memmap map = { 0 };
	int r;

	r = sysroot_list(sr, dir, &names, &nnames);
	if (r < 0)
		return log_errno(log, r, "%s: cannot list it: %s", sysroot_path(sr, dir, path, sizeof(path)),
				 strerror(-r));
	if (nnames) {
		map.v = calloc(nnames, sizeof(*map.v));
		if (!map.v) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < nnames; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", dir, names[i]);
		for (int f = 0; f < 3; f++) {
			char frel[600];

			snprintf(frel, sizeof(frel), "%s/%s", rel, files[f]);
			r = sysroot_read(sr, frel, 256, &text[f], &len);
			if (r < 0) {
				log_errno(log, r, "%s: %s", sysroot_path(sr, frel, path, sizeof(path)),
					  strerror(-r));
				goto out;
			}
			if (strlen(text[f]) != len) {
				r = log_errno(log, -EINVAL, "%s: contains a NUL byte",
					      sysroot_path(sr, frel, path, sizeof(path)));
				goto out;
			}
		}
		r = memmap_parse_entry(text[0], text[1], text[2], &map.v[map.n], log,
				       sysroot_path(sr, rel, path, sizeof(path)));
		if (r < 0)
			goto out;
		map.n++;
		for (int f = 0; f < 3; f++) {
			free(text[f]);
			text[f] = NULL;
		}
	}
	if (map.n)
		qsort(map.v, map.n, sizeof(*map.v), entry_cmp);
	*out = map;
	map = (struct memmap){ 0 };
	r = 0;
out:
	for (int f = 0; f < 3; f++)
		free(text[f]);
	memmap_free(&map);
	sysroot_names_free(names, nnames);
	return r;
}

int memmap_from_iomem(const struct iomem *io, struct memmap *out)
{
	struct memmap map = { 0 };

	*out = map;
	if (!io->n)
		return 0;
	map.v = calloc(io->n, sizeof(*map.v));
	if (!map.v)
		return -ENOMEM;
	for (size_t i = 0; i < io->n; i++) {
		uint32_t type;

		if (io->v[i].depth == 0 && memmap_type_from_name(io->v[i].name, &type) == 0)
			map.v[map.n++] = (struct memmap_entry){ io->v[i].start, io->v[i].end, type };
	}
	if (map.n)
		qsort(map.v, map.n, sizeof(*map.v), entry_cmp);
	*out = map;
	return 0;
}

int memmap_read_or_iomem(const struct sysroot *sr, struct kexec_log *log, const struct iomem *io,
			 struct memmap *out, bool *from_iomem)
{
	char dir[4096], iomem[4096];
	int r;

	if (from_iomem)
		*from_iomem = false;
	if (sysroot_exists(sr, "sys/firmware/memmap"))
		return memmap_read(sr, log, out);
	if ((r = memmap_from_iomem(io, out)) < 0)
		return r;
	if (!out->n)
		return log_errno(log, -ENOENT, "%s: no such directory, and %s has no e820 entries",
				 sysroot_path(sr, "sys/firmware/memmap", dir, sizeof(dir)),
				 sysroot_path(sr, "proc/iomem", iomem, sizeof(iomem)));
	if (from_iomem)
		*from_iomem = true;
	return 0;
}

int memmap_collect(const struct memmap *map, uint32_t type, struct rangeset *out)
{
	for (size_t i = 0; i < map->n; i++) {
		if (map->v[i].type != type)
			continue;
		int r = rangeset_add(out, map->v[i].start, map->v[i].end);

		if (r < 0)
			return r;
	}
	rangeset_normalize(out);
	return 0;
}

void iomem_free(struct iomem *io)
{
	free(io->v);
	io->v = NULL;
	io->n = 0;
}

/* Parse one line (NUL-terminated, without '\n') of /proc/iomem. */
static int iomem_parse_line(const char *line, unsigned lineno, struct iomem_entry *e,
			    struct kexec_log *log, const char *where)
{
	const char *p = line, *dash, *sep;
	size_t indent = 0, namelen;
	uint64_t s, end;
	int r;

	while (*p == ' ')
		p++, indent++;
	if (indent % 2)
		return log_errno(log, -EINVAL, "%s: line %u: odd indentation (%zu spaces)", where,
				 lineno, indent);
	dash = strchr(p, '-');
	sep = strstr(p, " : ");
	if (!dash || !sep || dash > sep)
		return log_errno(log, -EINVAL, "%s: line %u: not \"start-end : name\"", where, lineno);
	r = parse_hex(p, (size_t)(dash - p), &s);
	if (r == 0)
		r = parse_hex(dash + 1, (size_t)(sep - dash - 1), &end);
	if (r == -ERANGE)
		return log_errno(log, -ERANGE, "%s: line %u: address does not fit in 64 bits", where,
				 lineno);
	if (r < 0)
		return log_errno(log, -EINVAL, "%s: line %u: address is not a hexadecimal number",
				 where, lineno);
	if (end < s)
		return log_errno(log, -EINVAL, "%s: line %u: end 0x%llx is below start 0x%llx", where,
				 lineno, (unsigned long long)end, (unsigned long long)s);
	e->start = s;
	/*
	 * Inclusive -> exclusive.  A resource ending at the very top of the
	 * address space loses its last byte, which no use here cares about.
	 */
	e->end = end == UINT64_MAX ? UINT64_MAX : end + 1;
	e->depth = (unsigned)(indent / 2);
	namelen = strlen(sep + 3);
	if (namelen >= sizeof(e->name))
		namelen = sizeof(e->name) - 1;
	memcpy(e->name, sep + 3, namelen);
	e->name[namelen] = '\0';
	return 0;
}

int iomem_parse(const char *buf, size_t len, struct iomem *out, struct kexec_log *log,
		const char *where)
{
	struct iomem io = { 0 };
	size_t cap = 0;
	unsigned lineno = 0;
	char *copy, *line, *next;
	int r = 0;

	if ((r = text_dup(buf, len, where, log, &copy)) < 0)
		return r;
	for (line = copy; line && *line; line = next) {
		struct iomem_entry e = { 0 };

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;       /* blank */
		if ((r = iomem_parse_line(line, lineno, &e, log, where)) < 0)
			goto out;
		if (!io.n && e.depth) {
			r = log_errno(log, -EINVAL, "%s: line %u: the first line is indented", where, lineno);
			goto out;
		}
		if (io.n && e.depth > io.v[io.n - 1].depth + 1) {
			r = log_errno(log, -EINVAL, "%s: line %u: indented %u levels, the line before only %u",
				      where, lineno, e.depth, io.v[io.n - 1].depth);
			goto out;
		}
		if (io.n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct iomem_entry *v = reallocarray(io.v, c, sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				goto out;
			}
			io.v = v;
			cap = c;
		}
		io.v[io.n++] = e;
	}
	*out = io;
	io = (struct iomem){ 0 };
out:
	iomem_free(&io);
	free(copy);
	return r;
}

int iomem_read(const struct sysroot *sr, struct kexec_log *log, struct iomem *out)
{
	char path[4096], *buf;
	size_t len;
	bool hidden = true;
	int r;

	sysroot_path(sr, "proc/iomem", path, sizeof(path));
	r = sysroot_read(sr, "proc/iomem", 0, &buf, &len);
	if (r < 0)
		return log_errno(log, r, "%s: %s", path, strerror(-r));
	r = iomem_parse(buf, len, out, log, path);
	free(buf);
	if (r < 0)
		return r;
	/* Without CAP_SYS_ADMIN the kernel prints every address as 0. */
	for (size_t i = 0; i < out->n && hidden; i++)
		hidden = out->v[i].start == 0 && out->v[i].end == 1;
	if (out->n && hidden) {
		iomem_free(out);
		return log_errno(log, -EPERM, "%s: all addresses read as 0 (run as root)", path);
	}
	return 0;
}

/* Every entry named `name` at depth max_depth or above, normalized. */
static int iomem_collect_upto(const struct iomem *io, const char *name, unsigned max_depth,
			      struct rangeset *out)
{
	for (size_t i = 0; i < io->n; i++) {
		if (io->v[i].depth > max_depth || strcmp(io->v[i].name, name))
			continue;
		int r = rangeset_add(out, io->v[i].start, io->v[i].end);

		if (r < 0)
			return r;
	}
	rangeset_normalize(out);
	return 0;
}

int iomem_collect(const struct iomem *io, const char *name, struct rangeset *out)
{
	return iomem_collect_upto(io, name, UINT_MAX, out);
}

void mem_plan_free(struct mem_plan *p)
{
	iomem_free(&p->io);
	memmap_free(&p->map);
	rangeset_free(&p->fw_ram);
	rangeset_free(&p->system_ram);
	rangeset_free(&p->crash);
	rangeset_free(&p->private_ranges);
}


/*
 * pstore in System RAM (pstore.h): out of the private ranges, listed in
 * kept[] when it was in them.  What cannot be placed is a warning.
 */
static int mem_plan_keep(struct mem_plan *p)
{
	struct mem_kept k;
	int r;

	p->nkept = 0;
	pstore_unplaced_warning(&p->pstore, p->pstore_warning, sizeof(p->pstore_warning));
	if (!pstore_ramoops_range(&p->pstore, &k) || !rangeset_overlaps(&p->private_ranges, k.start, k.end))
		return 0;
	if ((r = rangeset_subtract(&p->private_ranges, k.start, k.end)) < 0)
		return r;
	p->kept[p->nkept++] = k;
	return 0;
}

int mem_plan_compute(struct mem_plan *p, const char *iomem_path)
{
	int r;

	rangeset_free(&p->fw_ram);
	rangeset_free(&p->system_ram);
	rangeset_free(&p->crash);
	rangeset_free(&p->private_ranges);
	p->private_ok = false;
	p->nkept = 0;
	p->pstore_warning[0] = '\0';
	if ((r = memmap_collect(&p->map, E820_TYPE_RAM, &p->fw_ram)) < 0 ||
	    (r = iomem_collect_upto(&p->io, "System RAM", 0, &p->system_ram)) < 0 ||
	    (r = iomem_collect(&p->io, "Crash kernel", &p->crash)) < 0)
		return r;
	/*
	 * private_why is set by the reader for an unreadable file; these are
	 * the cases where both were read but say nothing usable.
	 */
	if (p->map_err < 0 || p->io_err < 0)
		return 0;
	if (!p->system_ram.n) {
		snprintf(p->private_why, sizeof(p->private_why), "%s: no top-level \"System RAM\" entry",
			 iomem_path);
		return 0;
	}
	/*
	 * Only what the running kernel owned as System RAM can be TDX-private
	 * (private pages come from its page allocator and the PAMT): memmap=
	 * carve-outs, legacy pmem, mem= and EFI-reserved data are RAM in the
	 * firmware map but not System RAM in /proc/iomem, and must survive.
	 */
	if ((r = rangeset_copy(&p->private_ranges, &p->fw_ram)) < 0 ||
	    (r = rangeset_intersect(&p->private_ranges, &p->system_ram)) < 0 ||
	    (r = rangeset_subtract(&p->private_ranges, 0, LOW_1M)) < 0 ||
	    (r = rangeset_subtract_set(&p->private_ranges, &p->crash)) < 0)
		return r;
	if ((r = mem_plan_keep(p)) < 0)
		return r;
	rangeset_normalize(&p->private_ranges);
	if (!p->private_ranges.n) {
		snprintf(p->private_why, sizeof(p->private_why),
			 "the firmware map's RAM and %s's System RAM have nothing in common above 1 MiB",
			 iomem_path);
		return 0;
	}
	p->private_why[0] = '\0';
	p->private_ok = true;
	return 0;
}

int mem_plan_read(const struct sysroot *sr, struct kexec_log *log, struct mem_plan *p)
{
	char iomem_path[4096];
	int r;

	*p = (struct mem_plan){ 0 };
	sysroot_path(sr, "proc/iomem", iomem_path, sizeof(iomem_path));
	r = p->io_err = iomem_read(sr, log, &p->io);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		iomem_free(&p->io);
		snprintf(p->private_why, sizeof(p->private_why), "%.500s", log ? log->last : iomem_path);
	}
	r = p->map_err = memmap_read_or_iomem(sr, log, &p->io, &p->map, &p->map_from_iomem);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		memmap_free(&p->map);
		/* the firmware map's own error names the entry; it wins over an iomem one */
		snprintf(p->private_why, sizeof(p->private_why), "%s", log ? log->last : "firmware map");
	}
	pstore_read(sr, log, &p->pstore);
	return mem_plan_compute(p, iomem_path);
}

int mem_plan_usable(const struct mem_plan *p, struct rangeset *out)
{
	int r;

	if ((r = rangeset_copy(out, &p->fw_ram)) < 0)
		return r;
	if (p->io.n) {
		if (p->system_ram.n && (r = rangeset_intersect(out, &p->system_ram)) < 0)
			return r;
		if ((r = rangeset_subtract_set(out, &p->crash)) < 0)
			return r;
	}
	/* the pstore too: a segment placed there would overwrite the last crash's log */
	for (unsigned i = 0; i < p->nkept; i++)
		if ((r = rangeset_subtract(out, p->kept[i].start, p->kept[i].end)) < 0)
			return r;
	rangeset_normalize(out);
	return 0;
}
