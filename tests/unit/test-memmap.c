/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "tree.h"
#include "memmap.h"
#include "text.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* ---- a throw-away sysroot tree ---- */

static void tree_mkdir(const char *root, const char *rel)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s/x", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

static char *tree_new(void)
{
	char *root = strdup("/tmp/kt-memmap-XXXXXX");

	assert_non_null(root);
	assert_non_null(mkdtemp(root));
	return root;
}

static void tree_free(char *root)
{
	tree_rm(root);
	free(root);
}

static void check_ranges(const struct rangeset *s, const struct range *want, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s->v[i].start, want[i].start);
		assert_int_equal(s->v[i].end, want[i].end);
	}
}

/* ---- types ---- */

static void test_type_names(void **state)
{
	static const struct {
		const char *name;
		int r;
		uint32_t type;
		const char *back;       /* memmap_type_name(type) */
	} cases[] = {
		{ "System RAM\n", 0, E820_TYPE_RAM, "System RAM" },
		{ "System RAM", 0, E820_TYPE_RAM, "System RAM" },
		{ "Reserved\n", 0, E820_TYPE_RESERVED, "Reserved" },
		{ "ACPI Tables\n", 0, E820_TYPE_ACPI, "ACPI Tables" },
		{ "ACPI Non-volatile Storage\n", 0, E820_TYPE_NVS, "ACPI Non-volatile Storage" },
		{ "Unusable memory\n", 0, E820_TYPE_UNUSABLE, "Unusable memory" },
		{ "Persistent Memory\n", 0, E820_TYPE_PMEM, "Persistent Memory" },
		{ "Persistent Memory (legacy)\n", 0, E820_TYPE_PRAM, "Persistent Memory (legacy)" },
		{ "Soft Reserved\n", 0, E820_TYPE_SOFT_RESERVED, "Soft Reserved" },
		{ "Unknown E820 type\n", 0, E820_TYPE_RESERVED, "Reserved" },
		{ "system ram\n", -EINVAL, 0, NULL },
		{ "System RAM extra\n", -EINVAL, 0, NULL },
		{ "", -EINVAL, 0, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t t = 0xdead;

		assert_int_equal(memmap_type_from_name(cases[i].name, &t), cases[i].r);
		if (cases[i].r == 0) {
			assert_int_equal(t, cases[i].type);
			assert_string_equal(memmap_type_name(t), cases[i].back);
		}
	}
	assert_string_equal(memmap_type_name(99), "Unknown E820 type");
}

/* ---- one memmap entry ---- */

static void test_parse_entry(void **state)
{
	static const struct {
		const char *start, *end, *type;
		int r;
		uint64_t s, e;
		uint32_t t;
		const char *msg;
	} cases[] = {
		{ "0x0\n", "0x9fbff\n", "System RAM\n", 0, 0, 0x9fc00, E820_TYPE_RAM, NULL },
		{ "0x100000\n", "0x7fffffff\n", "System RAM\n", 0, MiB, 2 * GiB, E820_TYPE_RAM, NULL },
		{ "0x100000000", "0x107fffffff", "Reserved", 0, 4 * GiB, 66 * GiB, E820_TYPE_RESERVED, NULL },
		{ "0XABC", "0xABC", "ACPI Tables", 0, 0xabc, 0xabd, E820_TYPE_ACPI, NULL },
		{ "0xfffffffffffffffe", "0xfffffffffffffffe\n", "Reserved", 0, UINT64_MAX - 1, UINT64_MAX,
		  E820_TYPE_RESERVED, NULL },
		{ "100000\n", "0x1fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/start: \"100000\" is not a hexadecimal number with 0x" },
		{ "0x10g000\n", "0x1fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/start: \"0x10g000\" is not a hexadecimal number" },
		{ "0x\n", "0x1fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/start: \"0x\" is not a hexadecimal number with 0x" },
		{ "0x0\n", "0x1 fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/end: \"0x1 fffff\" is not a hexadecimal number" },
		{ "0x0\n", "-0x1\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/end: \"-0x1\" is not a hexadecimal number with 0x" },
		{ "0x0x10\n", "0x1fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/start: \"0x0x10\" is not a hexadecimal number" },
		{ "0x+10\n", "0x1fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/start: \"0x+10\" is not a hexadecimal number" },
		{ "0x0\n", "0x10000000000000000\n", "System RAM\n", -ERANGE, 0, 0, 0,
		  "/sys/firmware/memmap/3/end: \"0x10000000000000000\" does not fit in 64 bits" },
		{ "0x0\n", "0xffffffffffffffff\n", "Reserved\n", -ERANGE, 0, 0, 0,
		  "/sys/firmware/memmap/3/end: 0xffffffffffffffff: an inclusive end at the top of the "
		  "address space cannot be made exclusive" },
		{ "0x200000\n", "0x200000\n", "System RAM\n", 0, 2 * MiB, 2 * MiB + 1, E820_TYPE_RAM, NULL },
		{ "0x200000\n", "0x1fffff\n", "System RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3: end 0x1fffff is below start 0x200000" },
		{ "0x0\n", "0xfff\n", "RAM\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/type: unknown type \"RAM\"" },
		{ "", "0xfff\n", "Reserved\n", -EINVAL, 0, 0, 0,
		  "/sys/firmware/memmap/3/start: \"\" is not a hexadecimal number with 0x" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		struct memmap_entry e = { 0 };
		int r = memmap_parse_entry(cases[i].start, cases[i].end, cases[i].type, &e, &log,
					   "/sys/firmware/memmap/3");

		assert_int_equal(r, cases[i].r);
		if (r == 0) {
			assert_int_equal(e.start, cases[i].s);
			assert_int_equal(e.end, cases[i].e);
			assert_int_equal(e.type, cases[i].t);
			assert_string_equal(log.last, "");
		} else {
			assert_string_equal(log.last, cases[i].msg);
		}
	}
}

/* ---- the memmap directory ---- */

static void test_read_sorted_and_collect(void **state)
{
	char *root = tree_new();
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct memmap map = { 0 };
	struct rangeset ram = RANGESET_INIT;
	static const struct range want_ram[] = { { 0, 0x9fc00 }, { MiB, 3 * GiB }, { 4 * GiB, 8 * GiB } };

	/* directory order is not address order; 10 sorts after 2 */
	tree_memmap_entry(root, 0, "0x100000000\n", "0x1ffffffff\n", "System RAM\n");
	tree_memmap_entry(root, 1, "0x0\n", "0x9fbff\n", "System RAM\n");
	tree_memmap_entry(root, 2, "0x9fc00\n", "0x9ffff\n", "Reserved\n");
	tree_memmap_entry(root, 10, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	tree_memmap_entry(root, 11, "0x80000000\n", "0xbfffffff\n", "System RAM\n");  /* adjacent: merged */
	tree_memmap_entry(root, 12, "0xc0000000\n", "0xffffffff\n", "Reserved\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(memmap_read(sr, &log, &map), 0);
	assert_int_equal(map.n, 6);
	for (size_t i = 1; i < map.n; i++)
		assert_true(map.v[i - 1].start < map.v[i].start);
	assert_int_equal(map.v[0].start, 0);
	assert_int_equal(map.v[1].type, E820_TYPE_RESERVED);
	assert_int_equal(map.v[5].end, 8 * GiB);
	assert_int_equal(memmap_collect(&map, E820_TYPE_RAM, &ram), 0);
	check_ranges(&ram, want_ram, ARRAY_SIZE(want_ram));
	rangeset_free(&ram);
	memmap_free(&map);
	sysroot_free(sr);
	tree_free(root);
}

static void test_read_errors(void **state)
{
	char *root = tree_new();
	char msg[1200];
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct memmap map = { 0 };

	assert_int_equal(sysroot_open(root, &sr), 0);

	/* no directory */
	assert_int_equal(memmap_read(sr, &log, &map), -ENOENT);
	snprintf(msg, sizeof(msg), "%s/sys/firmware/memmap: cannot list it: No such file or directory", root);
	assert_string_equal(log.last, msg);

	/* empty directory: no entries, no error */
	tree_mkdir(root, "sys/firmware/memmap");
	assert_int_equal(memmap_read(sr, &log, &map), 0);
	assert_int_equal(map.n, 0);
	memmap_free(&map);

	/* an entry without its type file */
	tree_put(root, "sys/firmware/memmap/0/start", "0x0\n");
	tree_put(root, "sys/firmware/memmap/0/end", "0xfff\n");
	assert_int_equal(memmap_read(sr, &log, &map), -ENOENT);
	snprintf(msg, sizeof(msg), "%s/sys/firmware/memmap/0/type: No such file or directory", root);
	assert_string_equal(log.last, msg);

	/* an empty type file */
	tree_put(root, "sys/firmware/memmap/0/type", "");
	assert_int_equal(memmap_read(sr, &log, &map), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/sys/firmware/memmap/0/type: unknown type \"\"", root);
	assert_string_equal(log.last, msg);

	/* a non-hex end */
	tree_put(root, "sys/firmware/memmap/0/type", "System RAM\n");
	tree_put(root, "sys/firmware/memmap/0/end", "0xzz\n");
	assert_int_equal(memmap_read(sr, &log, &map), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/sys/firmware/memmap/0/end: \"0xzz\" is not a hexadecimal number", root);
	assert_string_equal(log.last, msg);

	/* a file too large for a number is refused by the reader */
	char big[400];
	memset(big, '0', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tree_put(root, "sys/firmware/memmap/0/end", big);
	assert_int_equal(memmap_read(sr, &log, &map), -EFBIG);
	assert_int_equal(map.n, 0);
	sysroot_free(sr);
	tree_free(root);
}

/* > 128 entries, as on a big two-socket server */
static void test_read_many(void **state)
{
	char *root = tree_new();
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct memmap map = { 0 };
	struct rangeset ram = RANGESET_INIT;

	for (unsigned i = 0; i < 300; i++) {
		char s[32], e[32];

		/* 1 GiB RAM, then a 4 KiB reserved hole, in reverse directory order */
		snprintf(s, sizeof(s), "0x%llx\n", (unsigned long long)(300 - i) * GiB);
		snprintf(e, sizeof(e), "0x%llx\n", (unsigned long long)(300 - i) * GiB + GiB - 4096 - 1);
		tree_memmap_entry(root, 2 * i, s, e, "System RAM\n");
		snprintf(s, sizeof(s), "0x%llx\n", (unsigned long long)(300 - i) * GiB + GiB - 4096);
		snprintf(e, sizeof(e), "0x%llx\n", (unsigned long long)(300 - i) * GiB + GiB - 1);
		tree_memmap_entry(root, 2 * i + 1, s, e, "Reserved\n");
	}
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(memmap_read(sr, &log, &map), 0);
	assert_int_equal(map.n, 600);
	assert_int_equal(map.v[0].start, GiB);
	assert_int_equal(map.v[599].end, 301 * GiB);
	assert_int_equal(memmap_collect(&map, E820_TYPE_RAM, &ram), 0);
	assert_int_equal(ram.n, 300);
	assert_int_equal(rangeset_bytes(&ram), 300 * (GiB - 4096));
	rangeset_free(&ram);
	memmap_free(&map);
	sysroot_free(sr);
	tree_free(root);
}

/* ---- /proc/iomem ---- */

static const char iomem_text[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"00100000-bfffffff : System RAM\n"
	"  01000000-01ffffff : Kernel code\n"
	"  2f000000-3effffff : Crash kernel\n"
	"c0000000-febfffff : PCI Bus 0000:00\n"
	"  fe000000-fe0fffff : 0000:00:02.0\n"
	"    fe000000-fe0fffff : virtio-pci-modern\n"
	"100000000-43fffffff : System RAM\n"
	"  400000000-40fffffff : Crash kernel\n"
	"\n";

static void test_iomem_parse_good(void **state)
{
	struct kexec_log log = { 0 };
	struct iomem io = { 0 };
	struct rangeset ram = RANGESET_INIT, crash = RANGESET_INIT, none = RANGESET_INIT;
	static const struct range want_ram[] = { { 0x1000, 0x9fc00 }, { MiB, 3 * GiB }, { 4 * GiB, 17 * GiB } };
	static const struct range want_crash[] = { { 0x2f000000, 0x3f000000 }, { 16 * GiB, 16 * GiB + 256 * MiB } };

	assert_int_equal(iomem_parse(iomem_text, strlen(iomem_text), &io, &log, "/proc/iomem"), 0);
	assert_int_equal(io.n, 11);
	assert_int_equal(io.v[4].depth, 1);
	assert_string_equal(io.v[4].name, "Kernel code");
	assert_int_equal(io.v[8].depth, 2);
	assert_string_equal(io.v[8].name, "virtio-pci-modern");
	assert_int_equal(io.v[8].end, 0xfe100000);
	assert_int_equal(iomem_collect(&io, "System RAM", &ram), 0);
	check_ranges(&ram, want_ram, ARRAY_SIZE(want_ram));
	assert_int_equal(iomem_collect(&io, "Crash kernel", &crash), 0);
	check_ranges(&crash, want_crash, ARRAY_SIZE(want_crash));
	assert_int_equal(iomem_collect(&io, "Crash", &none), 0);       /* exact names only */
	assert_int_equal(none.n, 0);
	rangeset_free(&ram);
	rangeset_free(&crash);
	iomem_free(&io);
}

/* No /sys/firmware/memmap: the top level of /proc/iomem, e820 names only. */
static void test_memmap_from_iomem(void **state)
{
	static const struct memmap_entry want[] = {
		{ 0, 0x1000, E820_TYPE_RESERVED },
		{ 0x1000, 0x9fc00, E820_TYPE_RAM },
		{ MiB, 3 * GiB, E820_TYPE_RAM },
		{ 4 * GiB, 17 * GiB, E820_TYPE_RAM },
	};
	struct kexec_log log = { 0 };
	struct iomem io = { 0 };
	struct memmap map;

	assert_int_equal(iomem_parse(iomem_text, strlen(iomem_text), &io, &log, "/proc/iomem"), 0);
	assert_int_equal(memmap_from_iomem(&io, &map), 0);
	assert_int_equal(map.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < map.n; i++) {
		assert_int_equal(map.v[i].start, want[i].start);
		assert_int_equal(map.v[i].end, want[i].end);
		assert_int_equal(map.v[i].type, want[i].type);
	}
	memmap_free(&map);
	iomem_free(&io);
}

/* The firmware's map where it exists, else /proc/iomem's top level, else an error naming both. */
static void test_read_or_iomem(void **state)
{
	char *root = tree_new(), msg[2200];
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct iomem io = { 0 }, none = { 0 };
	struct memmap map = { 0 };
	bool from_iomem = true;

	assert_int_equal(iomem_parse(iomem_text, strlen(iomem_text), &io, &log, "/proc/iomem"), 0);
	assert_int_equal(sysroot_open(root, &sr), 0);

	/* no directory: the four e820 entries of iomem_text */
	assert_int_equal(memmap_read_or_iomem(sr, &log, &io, &map, &from_iomem), 0);
	assert_true(from_iomem);
	assert_int_equal(map.n, 4);
	assert_int_equal(map.v[2].start, MiB);
	assert_int_equal(map.v[2].end, 3 * GiB);
	assert_int_equal(map.v[2].type, E820_TYPE_RAM);
	memmap_free(&map);

	/* no directory and nothing in /proc/iomem */
	assert_int_equal(memmap_read_or_iomem(sr, &log, &none, &map, &from_iomem), -ENOENT);
	assert_false(from_iomem);
	snprintf(msg, sizeof(msg), "%s/sys/firmware/memmap: no such directory, and %s/proc/iomem has no e820 entries",
		 root, root);
	assert_string_equal(log.last, msg);

	/* the directory wins over /proc/iomem, even when it is broken */
	tree_memmap_entry(root, 0, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	assert_int_equal(memmap_read_or_iomem(sr, &log, &io, &map, &from_iomem), 0);
	assert_false(from_iomem);
	assert_int_equal(map.n, 1);
	assert_int_equal(map.v[0].end, 2 * GiB);
	memmap_free(&map);
	tree_put(root, "sys/firmware/memmap/1/start", "0x80000000\n");
	assert_int_equal(memmap_read_or_iomem(sr, &log, &io, &map, &from_iomem), -ENOENT);
	snprintf(msg, sizeof(msg), "%s/sys/firmware/memmap/1/end: No such file or directory", root);
	assert_string_equal(log.last, msg);

	sysroot_free(sr);
	iomem_free(&io);
	tree_free(root);
}

static void test_iomem_parse_edges(void **state)
{
	static const struct {
		const char *text;
		int r;
		size_t n;
		const char *msg;
	} cases[] = {
		{ "", 0, 0, NULL },
		{ "\n\n", 0, 0, NULL },
		{ "00000000-ffffffffffffffff : everything\n", 0, 1, NULL },     /* end clamped */
		{ "00000000-00000fff : \n", 0, 1, NULL },                      /* empty name */
		{ "00000000-00000fff : Reserved", 0, 1, NULL },                 /* no final newline */
		{ "00000000-00000fff : Reserved\n   00000000-00000fff : odd\n", -EINVAL, 0,
		  "/proc/iomem: line 2: odd indentation (3 spaces)" },
		{ "00000000-00000fff : Reserved\n    00000000-00000fff : deep\n", -EINVAL, 0,
		  "/proc/iomem: line 2: indented 2 levels, the line before only 0" },
		{ "  00000000-00000fff : Reserved\n", -EINVAL, 0,
		  "/proc/iomem: line 1: the first line is indented" },
		{ "00000000-00000fff : Reserved\n0000zz00-00000fff : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 2: address is not a hexadecimal number" },
		{ "0x0000-00000fff : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: address is not a hexadecimal number" },
		{ "-00000fff : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: address is not a hexadecimal number" },
		{ "00000000 00000fff : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: not \"start-end : name\"" },
		{ "00000000-00000fff System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: not \"start-end : name\"" },
		{ "garbage\n", -EINVAL, 0, "/proc/iomem: line 1: not \"start-end : name\"" },
		{ "00001000-00000fff : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: end 0xfff is below start 0x1000" },
		{ "00000000-100000000000000000 : System RAM\n", -ERANGE, 0,
		  "/proc/iomem: line 1: address does not fit in 64 bits" },
		/* no 0x in the end either; a bad digit before the 17th: not a number */
		{ "00000000-0x00fff : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: address is not a hexadecimal number" },
		{ "00000000-0000000000000000000fff : System RAM\n", 0, 1, NULL },
		{ "00000000-1000000000000000z0 : System RAM\n", -EINVAL, 0,
		  "/proc/iomem: line 1: address is not a hexadecimal number" },
		{ "00000000-10000000000000000z : System RAM\n", -ERANGE, 0,
		  "/proc/iomem: line 1: address does not fit in 64 bits" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kexec_log log = { 0 };
		struct iomem io = { 0 };
		int r = iomem_parse(cases[i].text, strlen(cases[i].text), &io, &log, "/proc/iomem");

		assert_int_equal(r, cases[i].r);
		if (r == 0) {
			assert_int_equal(io.n, cases[i].n);
		} else {
			assert_string_equal(log.last, cases[i].msg);
			assert_null(io.v);
		}
		iomem_free(&io);
	}
}

static void test_iomem_name_truncated_and_nul(void **state)
{
	struct kexec_log log = { 0 };
	struct iomem io = { 0 };
	char text[256];
	static const char nul[] = "00000000-00000fff : Res\0erved\n";

	snprintf(text, sizeof(text), "00000000-00000fff : %0100d\n", 7);
	assert_int_equal(iomem_parse(text, strlen(text), &io, &log, "x"), 0);
	assert_int_equal(strlen(io.v[0].name), sizeof(io.v[0].name) - 1);
	iomem_free(&io);
	assert_int_equal(iomem_parse(nul, sizeof(nul) - 1, &io, &log, "x"), -EINVAL);
	assert_string_equal(log.last, "x: contains a NUL byte");
}

static void test_iomem_huge(void **state)
{
	size_t n = 200000, cap = n * 48, len = 0;
	char *text = malloc(cap);
	struct kexec_log log = { 0 };
	struct iomem io = { 0 };
	struct rangeset ram = RANGESET_INIT;

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s%09zx-%09zx : %s\n", i % 2 ? "  " : "",
					i * 0x10000, i * 0x10000 + 0xffff, i % 2 ? "Crash kernel" : "System RAM");
	assert_int_equal(iomem_parse(text, len, &io, &log, "/proc/iomem"), 0);
	assert_int_equal(io.n, n);
	assert_int_equal(iomem_collect(&io, "System RAM", &ram), 0);
	assert_int_equal(ram.n, n / 2);
	rangeset_free(&ram);
	iomem_free(&io);
	free(text);
}

static void test_iomem_read(void **state)
{
	char *root = tree_new(), msg[1200];
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct iomem io = { 0 };

	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(iomem_read(sr, &log, &io), -ENOENT);
	snprintf(msg, sizeof(msg), "%s/proc/iomem: No such file or directory", root);
	assert_string_equal(log.last, msg);

	tree_put(root, "proc/iomem", iomem_text);
	assert_int_equal(iomem_read(sr, &log, &io), 0);
	assert_int_equal(io.n, 11);
	iomem_free(&io);

	/* what a non-root reader sees */
	tree_put(root, "proc/iomem", "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n"
		 "  00000000-00000000 : Crash kernel\n");
	assert_int_equal(iomem_read(sr, &log, &io), -EPERM);
	snprintf(msg, sizeof(msg), "%s/proc/iomem: all addresses read as 0 (run as root)", root);
	assert_string_equal(log.last, msg);
	assert_int_equal(io.n, 0);

	tree_put(root, "proc/iomem", "00000000-00000fff : Reserved\nbroken\n");
	assert_int_equal(iomem_read(sr, &log, &io), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/proc/iomem: line 2: not \"start-end : name\"", root);
	assert_string_equal(log.last, msg);
	sysroot_free(sr);
	tree_free(root);
}

/*
 * The memory plan (DESIGN.md private_ranges): firmware RAM ∩ top-level
 * System RAM of /proc/iomem, minus [0, 1 MiB), minus the crash kernel.
 * The firmware map of every case: RAM [0, 0xa0000) [1M, 2G) [4G, 6G).
 */
static void test_mem_plan_compute(void **state)
{
	static const struct {
		const char *name, *iomem;
		struct range want[6];
		size_t n;
		bool ok;
		struct range usable[6];
		size_t nusable;
	} cases[] = {
		{ "same as the firmware",
		  "00000000-00000fff : Reserved\n00001000-0009ffff : System RAM\n"
		  "00100000-7fffffff : System RAM\n100000000-17fffffff : System RAM\n",
		  { { MiB, 2 * GiB }, { 4 * GiB, 6 * GiB } }, 2, true,
		  { { 0x1000, 0xa0000 }, { MiB, 2 * GiB }, { 4 * GiB, 6 * GiB } }, 3 },
		/* memmap=16M$1G (pstore) and memmap=16M!0x50000000 (legacy pmem) survive */
		{ "pstore and pmem carve-outs",
		  "00100000-3fffffff : System RAM\n40000000-40ffffff : Reserved\n"
		  "  40000000-40ffffff : ramoops\n41000000-4fffffff : System RAM\n"
		  "50000000-50ffffff : Persistent Memory (legacy)\n  50000000-50ffffff : namespace0.0\n"
		  "51000000-7fffffff : System RAM\n100000000-17fffffff : System RAM\n",
		  { { MiB, GiB }, { GiB + 16 * MiB, 0x50000000 }, { 0x51000000, 2 * GiB },
		    { 4 * GiB, 6 * GiB } }, 4, true,
		  { { MiB, GiB }, { GiB + 16 * MiB, 0x50000000 }, { 0x51000000, 2 * GiB },
		    { 4 * GiB, 6 * GiB } }, 4 },
		/* mem=5G: the RAM above is no System RAM; a crash kernel is taken out */
		{ "mem= and crash kernel",
		  "00100000-7fffffff : System RAM\n  2f000000-3effffff : Crash kernel\n"
		  "100000000-13fffffff : System RAM\n",
		  { { MiB, 0x2f000000 }, { 0x3f000000, 2 * GiB }, { 4 * GiB, 5 * GiB } }, 3, true,
		  { { MiB, 0x2f000000 }, { 0x3f000000, 2 * GiB }, { 4 * GiB, 5 * GiB } }, 3 },
		/* "System RAM (kmem)" nested under Soft Reserved is no top-level System RAM */
		{ "soft reserved",
		  "00100000-7fffffff : System RAM\n100000000-17fffffff : Soft Reserved\n"
		  "  100000000-17fffffff : System RAM\n",
		  { { MiB, 2 * GiB } }, 1, true, { { MiB, 2 * GiB } }, 1 },
		/* nothing in common above 1 MiB: not ok (a clear refuses) */
		{ "no overlap", "00000000-0009ffff : System RAM\n200000000-2ffffffff : System RAM\n",
		  { { 0 } }, 0, false, { { 0, 0xa0000 } }, 1 },
		/* placement then falls back to the firmware map, as kexec-tools does */
		{ "no System RAM at all", "00000000-ffffffff : Reserved\n", { { 0 } }, 0, false,
		  { { 0, 0xa0000 }, { MiB, 2 * GiB }, { 4 * GiB, 6 * GiB } }, 3 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mem_plan p = { 0 };
		struct kexec_log log = { 0 };
		struct rangeset usable = RANGESET_INIT;
		static const struct memmap_entry fw[] = {
			{ 0, 0xa0000, E820_TYPE_RAM }, { 0xa0000, MiB, E820_TYPE_RESERVED },
			{ MiB, 2 * GiB, E820_TYPE_RAM }, { 2 * GiB, 4 * GiB, E820_TYPE_RESERVED },
			{ 4 * GiB, 6 * GiB, E820_TYPE_RAM },
		};

		p.map.v = malloc(sizeof(fw));
		assert_non_null(p.map.v);
		memcpy(p.map.v, fw, sizeof(fw));
		p.map.n = ARRAY_SIZE(fw);
		assert_int_equal(iomem_parse(cases[i].iomem, strlen(cases[i].iomem), &p.io, &log, "io"), 0);
		assert_int_equal(mem_plan_compute(&p, "io"), 0);
		if (p.private_ok != cases[i].ok)
			fail_msg("%s: private_ok %d: %s", cases[i].name, p.private_ok, p.private_why);
		check_ranges(&p.private_ranges, cases[i].want, cases[i].n);
		assert_int_equal(p.private_why[0] == '\0', cases[i].ok);
		assert_int_equal(mem_plan_usable(&p, &usable), 0);
		check_ranges(&usable, cases[i].usable, cases[i].nusable);
		rangeset_free(&usable);
		mem_plan_free(&p);
	}
}

/* reserve_mem= of a command line: quotes, "--", malformed and long names. */
static void test_pstore_cmdline(void **state)
{
	struct pstore_facts f = { 0 };

	pstore_cmdline_parse("ro reserve_mem=2M:4096:oops \"reserve_mem=1M:4096:q\" reserve_mem=1M:x "
			     "reserve_mem=1M:4096:this_name_is_too_long reserve_mem=12M:4096:trace "
			     "-- reserve_mem=1M:4096:init", &f);
	assert_int_equal(f.nreserve, 3);
	assert_string_equal(f.reserve[0].name, "oops");
	assert_string_equal(f.reserve[0].arg, "2M:4096:oops");
	assert_string_equal(f.reserve[1].name, "q");
	assert_string_equal(f.reserve[2].name, "trace");
	pstore_cmdline_parse("", &f);
	assert_int_equal(f.nreserve, 0);
}

/*
 * ramoops behind reserve_mem= (Linux 6.11+): its region is System RAM in
 * /proc/iomem and leaves the private ranges; placement avoids it; a
 * region that cannot be placed is a warning.
 */
static void test_mem_plan_pstore(void **state)
{
	static const char io[] = "00100000-7fffffff : System RAM\n";
	const struct range want[] = { { MiB, 0x7fe00000 } };
	char root[] = "/tmp/kt-pstore-XXXXXX";
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct rangeset usable = RANGESET_INIT;
	struct mem_plan p;

	assert_non_null(mkdtemp(root));
	tree_memmap_entry(root, 0, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	tree_put(root, "proc/iomem", io);
	tree_put(root, "proc/cmdline", "root=/dev/sda1 reserve_mem=2M:4096:oops ramoops.mem_name=oops\n");
	tree_put(root, "sys/module/ramoops/parameters/mem_name", "oops\n");
	tree_put(root, "sys/module/ramoops/parameters/mem_address", "2145386496\n");  /* 0x7fe00000 */
	tree_put(root, "sys/module/ramoops/parameters/mem_size", "2097152\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(mem_plan_read(sr, &log, &p), 0);
	assert_true(p.private_ok);
	check_ranges(&p.private_ranges, want, 1);
	assert_int_equal(p.nkept, 1);
	assert_int_equal(p.kept[0].start, 0x7fe00000);
	assert_int_equal(p.kept[0].end, 0x80000000);
	assert_string_equal(p.kept[0].why, "pstore: ramoops in reserve_mem=2M:4096:oops "
			    "(/sys/module/ramoops/parameters/mem_address, mem_size)");
	assert_string_equal(p.pstore_warning, "");
	assert_int_equal(mem_plan_usable(&p, &usable), 0);
	check_ranges(&usable, want, 1);
	rangeset_free(&usable);
	mem_plan_free(&p);

	/* another name: nothing kept, the region is named in a warning */
	tree_put(root, "sys/module/ramoops/parameters/mem_name", "(null)\n");
	assert_int_equal(mem_plan_read(sr, &log, &p), 0);
	assert_int_equal(p.nkept, 0);
	assert_int_equal(p.private_ranges.n, 1);
	assert_int_equal(p.private_ranges.v[0].end, 0x80000000);
	assert_string_equal(p.pstore_warning, "reserve_mem=2M:4096:oops: where the kernel placed it is "
			    "not known (this kexec finds only the region ramoops uses, and "
			    "ramoops.mem_name is not set), so a clear wipes what it holds (a pstore, a "
			    "persistent trace buffer)");
	mem_plan_free(&p);

	/* ramoops not loaded */
	tree_rm(root);
	assert_non_null(mkdtemp(strcpy(root, "/tmp/kt-pstore-XXXXXX")));
	sysroot_free(sr);
	tree_memmap_entry(root, 0, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	tree_put(root, "proc/iomem", io);
	tree_put(root, "proc/cmdline", "reserve_mem=2M:4096:oops reserve_mem=12M:4096:trace\n");
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(mem_plan_read(sr, &log, &p), 0);
	assert_int_equal(p.nkept, 0);
	assert_string_equal(p.pstore_warning, "reserve_mem=2M:4096:oops, reserve_mem=12M:4096:trace: "
			    "where the kernel placed them is not known (this kexec finds only the "
			    "region ramoops uses, and ramoops is not loaded), so a clear wipes what "
			    "they hold (a pstore, a persistent trace buffer)");
	mem_plan_free(&p);
	sysroot_free(sr);
	tree_rm(root);
}

/* Unreadable files: recorded, the reason names the file, only -ENOMEM is returned. */
static void test_mem_plan_read_errors(void **state)
{
	char root[] = "/tmp/kt-plan-XXXXXX", want[512];
	struct sysroot *sr;
	struct kexec_log log = { 0 };
	struct mem_plan p;

	assert_non_null(mkdtemp(root));
	tree_memmap_entry(root, 0, "0x100000\n", "0x7fffffff\n", "System RAM\n");
	/* no proc/iomem */
	assert_int_equal(sysroot_open(root, &sr), 0);
	assert_int_equal(mem_plan_read(sr, &log, &p), 0);
	assert_int_equal(p.io_err, -ENOENT);
	assert_int_equal(p.map_err, 0);
	assert_false(p.private_ok);
	snprintf(want, sizeof(want), "%s/proc/iomem: No such file or directory", root);
	assert_string_equal(p.private_why, want);
	mem_plan_free(&p);
	/* a firmware entry without its end file: the entry is named */
	tree_put(root, "proc/iomem", "00100000-7fffffff : System RAM\n");
	tree_put(root, "sys/firmware/memmap/1/start", "0x80000000\n");
	tree_put(root, "sys/firmware/memmap/1/type", "System RAM\n");
	assert_int_equal(mem_plan_read(sr, &log, &p), 0);
	assert_int_equal(p.io_err, 0);
	assert_int_equal(p.map_err, -ENOENT);
	assert_false(p.private_ok);
	snprintf(want, sizeof(want), "%s/sys/firmware/memmap/1/end: No such file or directory", root);
	assert_string_equal(p.private_why, want);
	mem_plan_free(&p);
	sysroot_free(sr);
	tree_rm(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_parse_entry),
		cmocka_unit_test(test_read_sorted_and_collect),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_read_many),
		cmocka_unit_test(test_iomem_parse_good),
		cmocka_unit_test(test_memmap_from_iomem),
		cmocka_unit_test(test_read_or_iomem),
		cmocka_unit_test(test_iomem_parse_edges),
		cmocka_unit_test(test_iomem_name_truncated_and_nul),
		cmocka_unit_test(test_iomem_huge),
		cmocka_unit_test(test_iomem_read),
		cmocka_unit_test(test_mem_plan_compute),
		cmocka_unit_test(test_mem_plan_read_errors),
		cmocka_unit_test(test_pstore_cmdline),
		cmocka_unit_test(test_mem_plan_pstore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
