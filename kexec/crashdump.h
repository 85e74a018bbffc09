/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump (-p) through kexec_load: the crash kernel region(s), the ELF
 * core header the crash kernel exposes as /proc/vmcore, and the memory map
 * and command line the crash kernel boots with.
 */
#ifndef KEXEC_CRASHDUMP_H
#define KEXEC_CRASHDUMP_H

#include <stddef.h>
#include <stdint.h>
#include "ctx.h"
#include "memmap.h"
#include "range.h"

struct crash_note {
	uint64_t addr;          /* physical */
	uint64_t size;
};

/* What the running system tells about itself, read through the sysroot. */
struct crash_facts {
	struct rangeset crash_regions;  /* "Crash kernel" ranges of /proc/iomem (high and low) */
	struct rangeset system_ram;     /* "System RAM" ranges of /proc/iomem */
	struct memmap firmware;         /* ACPI / NVS / reserved ranges to pass on (from iomem) */
	struct crash_note *cpu_notes;   /* /sys/devices/system/cpu/cpuN/crash_notes{,_size} */
	size_t nr_cpu_notes;
	struct crash_note vmcoreinfo;   /* /sys/kernel/vmcoreinfo: "addr size" */
	uint64_t page_offset;           /* __PAGE_OFFSET for p_vaddr of RAM (from /proc/kcore), 0 unknown */
	uint64_t kernel_text_start, kernel_text_end;    /* "Kernel code" .. "Kernel bss" of iomem */
	/*
	 * Virtual address of _text (the kernel text mapping, randomized by
	 * KASLR independently of the physical address): from the PT_LOAD of
	 * /proc/kcore above __START_KERNEL_map, which then also gives the
	 * exact [_text, _end) as kernel_text_start/end.  0: unknown, and the
	 * header gets no kernel text PT_LOAD.
	 */
	uint64_t kernel_text_vaddr;
};

/* io: /proc/iomem as the caller read it (the crash regions, RAM, firmware ranges). */
int crash_facts_read(struct kexec_ctx *ctx, const struct iomem *io, struct crash_facts *f);
void crash_facts_free(struct crash_facts *f);

/*
 * The ELF core header (ET_CORE, EM_X86_64): one PT_NOTE per CPU note, one
 * for vmcoreinfo, a PT_LOAD for the kernel text mapping when known, and
 * one PT_LOAD per System RAM range minus the crash regions and the low
 * 1 MiB (the crash kernel's own).  Pure; built with libelf.
 */
int elfcorehdr_build(const struct crash_facts *f, uint8_t **buf, size_t *len, struct kexec_log *log);

/*
 * The crash kernel's e820: the ACPI, NVS and reserved ranges of
 * /proc/iomem (where they overlap, NVS before ACPI before reserved); as
 * RAM, what /proc/iomem calls System RAM below 1 MiB and the crash
 * regions less [hdr_addr, hdr_addr+hdr_size), which is left out (the
 * crash kernel reads it through elfcorehdr=), each less the firmware
 * ranges; RAM pieces above 1 MiB smaller than 4 KiB are dropped.  Sorted.
 */
int crash_e820(const struct crash_facts *f, uint64_t hdr_addr, uint64_t hdr_size, struct memmap *out);

/* base (may be NULL) + " elfcorehdr=0x<addr>" (and nothing of crashkernel=). malloc'd. */
int crash_cmdline(const char *base, uint64_t hdr_addr, char **out);

#endif
