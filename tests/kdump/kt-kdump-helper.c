/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for the QEMU kdump case (tests/vm/cases/kdump.sh), built
 * static at test time so it runs in a busybox initramfs.
 *
 *   kt-kdump-helper pattern TOKEN OUTFILE
 *       First kernel: mmap one page, fill it with TOKEN (16 bytes,
 *       repeated), mlock it, write "0x<physical address>" (from
 *       /proc/self/pagemap; root sees the PFN) to OUTFILE and sleep until
 *       killed, so the page stays what it is when the kernel panics.
 *   kt-kdump-helper expect
 *       First kernel: print "WITHOUT,WITH": the bytes a dump must cover,
 *       "System RAM" of /proc/iomem less every "Crash kernel" range, less
 *       the low 1 MiB (the crash kernel boots on it: kexec_file_load and
 *       this project leave it out) or with it (kexec-tools dumps the low
 *       640 KiB from the copy its purgatory makes).
 *   kt-kdump-helper check VMCORE PADDR TOKEN WITHOUT,WITH
 *       Crash kernel: parse the ELF headers of VMCORE, add up the PT_LOADs
 *       of the direct map (not the kernel text alias), compare with
 *       RAMBYTES, read the page at PADDR through its PT_LOAD and compare
 *       with TOKEN, and find the VMCOREINFO note.  Prints "KT-KDUMP: ..."
 *       markers; exit 0 only when everything holds.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define TEXT_MAP 0xffffffff80000000ULL

static int pattern(const char *token, const char *outfile)
{
	uint64_t entry = 0;
	uint8_t *p;
	FILE *f;
	int fd;

	if (strlen(token) != 16) {
		fprintf(stderr, "token must be 16 characters\n");
		return 2;
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return perror("mmap"), 1;
	for (int i = 0; i < PAGE; i += 16)
		memcpy(p + i, token, 16);
	if (mlock(p, PAGE) < 0)
		return perror("mlock"), 1;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / PAGE) * 8) != 8)
		return perror("/proc/self/pagemap"), 1;
	close(fd);
	if (!(entry >> 63) || !(entry & ((1ULL << 55) - 1))) {
		fprintf(stderr, "page not present or PFN hidden (0x%" PRIx64 ")\n", entry);
		return 1;
	}
	f = fopen(outfile, "w");
	if (!f)
		return perror(outfile), 1;
	fprintf(f, "0x%" PRIx64 "\n", (uint64_t)((entry & ((1ULL << 55) - 1)) * PAGE));
	fclose(f);
	for (;;)
		pause();
}

struct range {
	uint64_t s, e;
};

static uint64_t subtract(struct range *r, size_t *n, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < *n; i++) {
		if (e <= r[i].s || s >= r[i].e)
			continue;
		if (s > r[i].s && e < r[i].e) {         /* split */
			memmove(&r[i + 2], &r[i + 1], (*n - i - 1) * sizeof(*r));
			r[i + 1] = (struct range){ e, r[i].e };
			r[i].e = s;
			(*n)++;
			i++;
		} else if (s > r[i].s) {
			r[i].e = s;
		} else if (e < r[i].e) {
			r[i].s = e;
		} else {
			memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof(*r));
			(*n)--;
			i--;
		}
	}
	return 0;
}

static int expect(void)
{
	struct range ram[512], crash[8];
	size_t nram = 0, ncrash = 0;
	char line[256];
	uint64_t total = 0, low = 0;
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return perror("/proc/iomem"), 1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		int off = 0;

		if (sscanf(line, " %llx-%llx : %n", &s, &e, &off) != 2 || !off)
			continue;
		if (!strcmp(line + off, "System RAM\n") && line[0] != ' ' && nram < 256)
			ram[nram++] = (struct range){ s, e + 1 };
		else if (!strcmp(line + off, "Crash kernel\n") && ncrash < 8)
			crash[ncrash++] = (struct range){ s, e + 1 };
	}
	fclose(f);
	for (size_t i = 0; i < ncrash; i++)
		subtract(ram, &nram, crash[i].s, crash[i].e);
	for (size_t i = 0; i < nram; i++)
		low += (ram[i].e < 0x100000 ? ram[i].e : 0x100000) - (ram[i].s < 0x100000 ? ram[i].s : 0x100000);
	subtract(ram, &nram, 0, 0x100000);
	for (size_t i = 0; i < nram; i++)
		total += ram[i].e - ram[i].s;
	printf("0x%" PRIx64 ",0x%" PRIx64 "\n", total, total + low);
	return 0;
}

static int check(const char *path, uint64_t paddr, const char *token, const char *ram)
{
	char *comma;
	uint64_t rambytes = strtoull(ram, &comma, 0);
	uint64_t withlow = *comma == ',' ? strtoull(comma + 1, NULL, 0) : rambytes;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	uint64_t total = 0, off = UINT64_MAX;
	unsigned nload = 0, fails = 0;
	uint8_t page[PAGE];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return perror(path), 1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_CORE || eh.e_machine != EM_X86_64) {
		printf("KT-KDUMP: FAIL %s is not an x86-64 ELF core file\n", path);
		return 1;
	}
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
			   (ssize_t)(eh.e_phnum * sizeof(*ph)))
		return perror("program headers"), 1;
	printf("KT-KDUMP: vmcore has %u program headers\n", eh.e_phnum);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		printf("KT-KDUMP:   %-7s offset 0x%09" PRIx64 " vaddr 0x%016" PRIx64 " paddr 0x%09" PRIx64
		       " size 0x%09" PRIx64 "\n", ph[i].p_type == PT_LOAD ? "PT_LOAD" :
		       ph[i].p_type == PT_NOTE ? "PT_NOTE" : "other", ph[i].p_offset, ph[i].p_vaddr,
		       ph[i].p_paddr, ph[i].p_memsz);
		if (ph[i].p_type == PT_NOTE) {
			char *n = malloc(ph[i].p_filesz + 1);

			if (n && pread(fd, n, ph[i].p_filesz, (off_t)ph[i].p_offset) == (ssize_t)ph[i].p_filesz) {
				n[ph[i].p_filesz] = 0;
				if (memmem(n, ph[i].p_filesz, "VMCOREINFO", 10) &&
				    memmem(n, ph[i].p_filesz, "OSRELEASE=", 10))
					printf("KT-KDUMP: vmcoreinfo note ok\n");
				if (memmem(n, ph[i].p_filesz, "CORE", 4))
					printf("KT-KDUMP: CPU note ok\n");
			}
			free(n);
		}
		if (ph[i].p_type != PT_LOAD || ph[i].p_vaddr >= TEXT_MAP)
			continue;
		nload++;
		total += ph[i].p_memsz;
		if (paddr >= ph[i].p_paddr && paddr - ph[i].p_paddr < ph[i].p_filesz)
			off = ph[i].p_offset + (paddr - ph[i].p_paddr);
	}
	if (total == rambytes) {
		printf("KT-KDUMP: ram ok: 0x%" PRIx64 " bytes in %u PT_LOADs, without the low 1 MiB\n",
		       total, nload);
	} else if (total == withlow) {
		/* kexec-tools: the low 640 KiB through its backup region */
		printf("KT-KDUMP: ram ok: 0x%" PRIx64 " bytes in %u PT_LOADs, with the low 1 MiB\n",
		       total, nload);
	} else {
		printf("KT-KDUMP: FAIL ram: the PT_LOADs cover 0x%" PRIx64 " bytes, expected 0x%" PRIx64
		       " (or 0x%" PRIx64 " with the low 1 MiB)\n", total, rambytes, withlow);
		fails++;
	}
	if (off == UINT64_MAX) {
		printf("KT-KDUMP: FAIL pattern: 0x%" PRIx64 " is in no PT_LOAD\n", paddr);
		fails++;
	} else if (pread(fd, page, PAGE, (off_t)off) != PAGE) {
		printf("KT-KDUMP: FAIL pattern: cannot read 0x%" PRIx64 " at offset 0x%" PRIx64 "\n", paddr, off);
		fails++;
	} else {
		int ok = 1;

		for (int i = 0; i < PAGE; i += 16)
			ok &= !memcmp(page + i, token, 16);
		if (ok) {
			printf("KT-KDUMP: pattern ok at 0x%" PRIx64 "\n", paddr);
		} else {
			printf("KT-KDUMP: FAIL pattern: page 0x%" PRIx64 " starts \"%.16s\"\n", paddr, page);
			fails++;
		}
	}
	close(fd);
	free(ph);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "pattern"))
		return pattern(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "expect"))
		return expect();
	if (argc == 6 && !strcmp(argv[1], "check"))
		return check(argv[2], strtoull(argv[3], NULL, 0), argv[4], argv[5]);
	fprintf(stderr, "usage: %s pattern TOKEN OUTFILE | expect | check VMCORE PADDR TOKEN WITHOUT,WITH\n",
		argv[0]);
	return 2;
}
