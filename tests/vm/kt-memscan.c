/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for the QEMU clear case (tests/vm/cases/kexec-clear.sh),
 * built static at test time so it runs in the busybox initramfs.
 *
 * Memory is marked with 64-byte blocks that can be recognised on their own:
 * word 0 is an 8-character tag, word 1 an index, words 2..7 a mix of the
 * tag and the index.  No complete block is ever stored in this program, so
 * a block found in RAM was written by "fill" or "pwrite".
 *
 *   kt-memscan fill MIB
 *       Fork a child that maps MIB MiB, fills it with "KT-RAMBK" blocks,
 *       locks it and sleeps until the machine goes away; print
 *       "KT-RAM-BLOCKS-WRITTEN N" once it is full.
 *   kt-memscan pwrite NAME ADDR LEN
 *       Fill [ADDR, ADDR+LEN) with NAME blocks through /dev/mem (the index
 *       is the physical address / 64), read it back and compare.
 *   kt-memscan pcheck NAME ADDR LEN
 *       Read it back through /dev/mem: "KT-NAME-PATTERN present|gone|partial"
 *       and "KT-NAME-BLOCKS match=M zero=Z other=O".
 *   kt-memscan private
 *       DESIGN.md's private ranges, computed here independently of kexec:
 *       /sys/firmware/memmap "System RAM" intersected with the top-level
 *       "System RAM" of /proc/iomem, minus [0, 1 MiB) and "Crash kernel".
 *       Prints "KT-PRIVATE [s, e)" lines, "KT-PRIVATE-BYTES N" and, for
 *       comparison, "KT-FIRMWARE-RAM-BYTES N" (firmware RAM above 1 MiB).
 *   kt-memscan count
 *       Read every direct-map PT_LOAD of /proc/kcore (the ones with a
 *       physical address) and count the "KT-RAMBK" blocks: prints
 *       "KT-KCORE-RAM N segments B bytes", "KT-IOMEM-RAM-PAGES B" (the
 *       whole pages of top-level System RAM, what kcore should cover) and
 *       "KT-RAM-BLOCKS N".
 *
 * Every failed open, read or write prints "KT-READ-FAIL ..." or
 * "KT-FAIL ..." and exits 1; it never looks like a cleared range.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BLOCK 64
#define PAGE 4096ULL
#define MIB (1ULL << 20)
#define TEXT_MAP 0xffffffff80000000ULL
#define MAX_RANGES 512

static uint64_t tag_word(const char *tag)
{
	uint64_t w = 0;

	memcpy(&w, tag, strnlen(tag, sizeof(w)));
	return w;
}

/* splitmix64's finaliser: words 2..7 of a block */
static uint64_t mix(uint64_t tag, uint64_t idx, unsigned k)
{
	uint64_t z = tag ^ (idx * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)k << 56);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void put_block(uint64_t *w, uint64_t tag, uint64_t idx)
{
	w[0] = tag;
	w[1] = idx;
	for (unsigned k = 2; k < 8; k++)
		w[k] = mix(tag, idx, k);
}

static int is_block(const uint64_t *w, uint64_t tag)
{
	if (w[0] != tag)
		return 0;
	for (unsigned k = 2; k < 8; k++)
		if (w[k] != mix(tag, w[1], k))
			return 0;
	return 1;
}

/* ---- fill ---- */

static int fill(uint64_t mib)
{
	uint64_t tag = tag_word("KT-RAMBK"), n = mib * MIB / BLOCK, got = 0;
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return printf("KT-FAIL pipe: %s\n", strerror(errno)), 1;
	pid = fork();
	if (pid < 0)
		return printf("KT-FAIL fork: %s\n", strerror(errno)), 1;
	if (pid == 0) {
		uint64_t *p;
		int null = open("/dev/null", O_RDWR);

		close(fds[0]);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		setsid();
		p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		for (uint64_t i = 0; i < n; i++)
			put_block(p + i * 8, tag, i);
		if (mlock(p, mib * MIB) < 0)
			_exit(1);
		if (write(fds[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		close(fds[1]);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &got, sizeof(got)) != sizeof(got) || got != n) {
		printf("KT-FAIL fill: the child did not fill %" PRIu64 " MiB\n", mib);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	printf("KT-RAM-BLOCKS-WRITTEN %" PRIu64 "\n", n);
	return 0;
}

/* ---- /dev/mem ---- */

static int devmem_io(int write_it, uint64_t addr, uint8_t *buf, uint64_t len)
{
	int fd = open("/dev/mem", write_it ? O_RDWR | O_SYNC : O_RDONLY);
	ssize_t r;

	if (fd < 0) {
		printf("KT-READ-FAIL /dev/mem: open: %s\n", strerror(errno));
		return -1;
	}
	for (uint64_t done = 0; done < len; done += (uint64_t)r) {
		r = write_it ? pwrite(fd, buf + done, len - done, (off_t)(addr + done))
			     : pread(fd, buf + done, len - done, (off_t)(addr + done));
		if (r <= 0) {
			printf("KT-READ-FAIL /dev/mem: %s at 0x%" PRIx64 ": %s\n",
			       write_it ? "write" : "read", addr + done, r ? strerror(errno) : "end of file");
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static void name_tag(const char *name, char out[9])
{
	snprintf(out, 9, "KT-%s", name);
}

static int phys_write(const char *name, uint64_t addr, uint64_t len)
{
	char t[9];
	uint64_t tag;
	uint8_t *buf = malloc(len), *back = malloc(len);

	name_tag(name, t);
	tag = tag_word(t);
	if (!buf || !back || (addr | len) % BLOCK)
		return printf("KT-FAIL pwrite: bad arguments\n"), 1;
	for (uint64_t o = 0; o < len; o += BLOCK)
		put_block((uint64_t *)(buf + o), tag, (addr + o) / BLOCK);
	if (devmem_io(1, addr, buf, len) || devmem_io(0, addr, back, len))
		return 1;
	if (memcmp(buf, back, len))
		return printf("KT-FAIL %s pattern at 0x%" PRIx64 " does not read back\n", name, addr), 1;
	printf("KT-%s-PATTERN written at 0x%" PRIx64 ", 0x%" PRIx64 " bytes\n", name, addr, len);
	free(buf);
	free(back);
	return 0;
}

static int phys_check(const char *name, uint64_t addr, uint64_t len)
{
	static const uint64_t zero[8];
	char t[9];
	uint64_t tag, match = 0, zeros = 0, other = 0;
	uint8_t *buf = malloc(len);

	name_tag(name, t);
	tag = tag_word(t);
	if (!buf || (addr | len) % BLOCK)
		return printf("KT-FAIL pcheck: bad arguments\n"), 1;
	if (devmem_io(0, addr, buf, len))
		return 1;
	for (uint64_t o = 0; o < len; o += BLOCK) {
		const uint64_t *w = (const uint64_t *)(buf + o);

		if (is_block(w, tag) && w[1] == (addr + o) / BLOCK)
			match++;
		else if (!memcmp(w, zero, BLOCK))
			zeros++;
		else
			other++;
	}
	printf("KT-%s-PATTERN %s\n", name, match == len / BLOCK ? "present" :
	       zeros == len / BLOCK ? "gone" : "partial");
	printf("KT-%s-BLOCKS match=%" PRIu64 " zero=%" PRIu64 " other=%" PRIu64 "\n",
	       name, match, zeros, other);
	free(buf);
	return 0;
}

/* ---- ranges ([s, e), sorted, disjoint) ---- */

struct range {
	uint64_t s, e;
};

struct ranges {
	struct range r[MAX_RANGES];
	size_t n;
};

static void add(struct ranges *rs, uint64_t s, uint64_t e)
{
	if (e > s && rs->n < MAX_RANGES)
		rs->r[rs->n++] = (struct range){ s, e };
}

static void subtract(struct ranges *rs, uint64_t s, uint64_t e)
{
	struct ranges out = { .n = 0 };

	for (size_t i = 0; i < rs->n; i++) {
		add(&out, rs->r[i].s, rs->r[i].e < s ? rs->r[i].e : s);
		add(&out, rs->r[i].s > e ? rs->r[i].s : e, rs->r[i].e);
	}
	*rs = out;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

static uint64_t total(const struct ranges *rs)
{
	uint64_t t = 0;

	for (size_t i = 0; i < rs->n; i++)
		t += rs->r[i].e - rs->r[i].s;
	return t;
}

/* /proc/iomem: top-level "System RAM" and every "Crash kernel" */
static int read_iomem(struct ranges *ram, struct ranges *crash)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return printf("KT-READ-FAIL /proc/iomem: %s\n", strerror(errno)), -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		int off = 0;

		if (sscanf(line, " %llx-%llx : %n", &s, &e, &off) != 2 || !off)
			continue;
		if (!strcmp(line + off, "System RAM\n") && line[0] != ' ')
			add(ram, s, e + 1);
		else if (!strcmp(line + off, "Crash kernel\n"))
			add(crash, s, e + 1);
	}
	fclose(f);
	if (!ram->n)
		return printf("KT-READ-FAIL /proc/iomem: no System RAM (not root?)\n"), -1;
	qsort(ram->r, ram->n, sizeof(ram->r[0]), cmp_range);
	return 0;
}

static int read_line(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f || !fgets(buf, (int)size, f)) {
		printf("KT-READ-FAIL %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int private_ranges(void)
{
	static struct ranges fw, ram, crash, priv;
	DIR *d = opendir("/sys/firmware/memmap");
	struct dirent *de;

	if (!d)
		return printf("KT-READ-FAIL /sys/firmware/memmap: %s\n", strerror(errno)), 1;
	while ((de = readdir(d))) {
		char type[64], start[64], end[64];

		if (de->d_name[0] == '.')
			continue;
		if (read_line(de->d_name, "type", type, sizeof(type)) ||
		    read_line(de->d_name, "start", start, sizeof(start)) ||
		    read_line(de->d_name, "end", end, sizeof(end)))
			return closedir(d), 1;
		if (!strcmp(type, "System RAM"))
			add(&fw, strtoull(start, NULL, 0), strtoull(end, NULL, 0) + 1);
	}
	closedir(d);
	if (!fw.n)
		return printf("KT-READ-FAIL /sys/firmware/memmap: no System RAM entry\n"), 1;
	if (read_iomem(&ram, &crash))
		return 1;
	qsort(fw.r, fw.n, sizeof(fw.r[0]), cmp_range);
	for (size_t i = 0; i < fw.n; i++)
		for (size_t j = 0; j < ram.n; j++)
			add(&priv, fw.r[i].s > ram.r[j].s ? fw.r[i].s : ram.r[j].s,
			    fw.r[i].e < ram.r[j].e ? fw.r[i].e : ram.r[j].e);
	subtract(&priv, 0, MIB);
	for (size_t i = 0; i < crash.n; i++)
		subtract(&priv, crash.r[i].s, crash.r[i].e);
	qsort(priv.r, priv.n, sizeof(priv.r[0]), cmp_range);
	for (size_t i = 0; i < priv.n; i++)
		printf("KT-PRIVATE [0x%" PRIx64 ", 0x%" PRIx64 ")\n", priv.r[i].s, priv.r[i].e);
	subtract(&fw, 0, MIB);
	printf("KT-FIRMWARE-RAM-BYTES %" PRIu64 "\n", total(&fw));
	printf("KT-PRIVATE-BYTES %" PRIu64 "\n", total(&priv));
	return 0;
}

/* ---- /proc/kcore ---- */

static int count(void)
{
	static struct ranges ram, crash;
	static uint64_t buf[(1 << 18) / 8];
	uint64_t tag = tag_word("KT-RAMBK"), blocks = 0, bytes = 0, pages = 0, last_end = 0;
	unsigned nseg = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	int fd;

	if (read_iomem(&ram, &crash))
		return 1;
	for (size_t i = 0; i < ram.n; i++) {
		uint64_t s = (ram.r[i].s + PAGE - 1) / PAGE, e = ram.r[i].e / PAGE;

		pages += e > s ? (e - s) * PAGE : 0;
	}
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0)
		return printf("KT-READ-FAIL /proc/kcore: open: %s\n", strerror(errno)), 1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_CORE || !eh.e_phnum)
		return printf("KT-READ-FAIL /proc/kcore: not a 64-bit ELF core file\n"), 1;
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
			   (ssize_t)(eh.e_phnum * sizeof(*ph)))
		return printf("KT-READ-FAIL /proc/kcore: program headers\n"), 1;
	/* kcore lists RAM in ascending physical order; check, don't sort */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD || p->p_paddr == UINT64_MAX || p->p_vaddr >= TEXT_MAP)
			continue;
		if (p->p_paddr < last_end || p->p_filesz != p->p_memsz || p->p_filesz % BLOCK) {
			printf("KT-FAIL /proc/kcore: PT_LOAD %u (paddr 0x%" PRIx64 ", size 0x%" PRIx64
			       ") overlaps or is odd\n", i, p->p_paddr, p->p_filesz);
			return 1;
		}
		last_end = p->p_paddr + p->p_memsz;
		nseg++;
		for (uint64_t done = 0; done < p->p_filesz;) {
			uint64_t want = p->p_filesz - done < sizeof(buf) ? p->p_filesz - done : sizeof(buf);
			ssize_t r = pread(fd, buf, want, (off_t)(p->p_offset + done));

			if (r != (ssize_t)want) {
				printf("KT-READ-FAIL /proc/kcore: paddr 0x%" PRIx64 ": %s\n", p->p_paddr + done,
				       r < 0 ? strerror(errno) : "short read");
				return 1;
			}
			for (uint64_t w = 0; w < want / 8; w += 8)
				blocks += is_block(buf + w, tag);
			done += want;
		}
		bytes += p->p_filesz;
	}
	close(fd);
	free(ph);
	printf("KT-KCORE-RAM %u segments %" PRIu64 " bytes\n", nseg, bytes);
	printf("KT-IOMEM-RAM-PAGES %" PRIu64 " bytes\n", pages);
	printf("KT-RAM-BLOCKS %" PRIu64 "\n", blocks);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "fill"))
		return fill(strtoull(argv[2], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "pwrite"))
		return phys_write(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "pcheck"))
		return phys_check(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "private"))
		return private_ranges();
	if (argc == 2 && !strcmp(argv[1], "count"))
		return count();
	fprintf(stderr, "usage: %s fill MIB | pwrite NAME ADDR LEN | pcheck NAME ADDR LEN |"
		" private | count\n", argv[0]);
	return 2;
}
