#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed inputs of tests/fuzz/corpus/{elf,bzimage,decompress}/.

The seeds are committed; rerun this only to change them:
    python3 tests/fuzz/corpus/make-seeds.py   (needs zstd(1) for the .zst seeds)
"""
import gzip
import lzma
import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
KVIRT = 0xFFFFFFFF80000000  # __START_KERNEL_map


def write(sub, name, data):
    os.makedirs(os.path.join(HERE, sub), exist_ok=True)
    with open(os.path.join(HERE, sub, name), "wb") as f:
        f.write(data)


def elf(entry, phdrs, length):
    """An ELF64 x86-64 ET_EXEC: phdrs = [(type, offset, vaddr, paddr, filesz, memsz)]."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, 64, 0, 0, 64, 56,
                             len(phdrs), 64, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", t, 5, off, va, pa, fs, ms, 0x1000)
                  for t, off, va, pa, fs, ms in phdrs)
    body = eh + ph
    return body + bytes((i * 7 + 1) & 0xFF for i in range(len(body), length))


def elf_seeds():
    write("elf", "one-load", elf(0x1000010, [(1, 0x200, 0x1000000, 0x1000000, 0x100, 0x2000)], 0x300))
    write("elf", "vmlinux-virtual-entry", elf(KVIRT + 0x1000000, [
        (1, 0x200, KVIRT + 0x1000000, 0x1000000, 0x100, 0x100),
        (4, 0x300, KVIRT + 0x1000f00, 0x1000f00, 0x10, 0x10),
        (1, 0x310, KVIRT + 0x1200000, 0x1200000, 0x40, 0x5000)], 0x400))
    write("elf", "vmlinux-physical-entry", elf(0x1000000, [
        (1, 0x200, KVIRT + 0x1000000, 0x1000000, 0x100, 0x100),
        (1, 0, 0, 0x1100000, 0, 0x3000),          # percpu-like: p_vaddr 0, bss only
        (1, 0x300, KVIRT + 0x1200000, 0x1200000, 0x40, 0x5000)], 0x400))
    write("elf", "unaligned-paddr", elf(0x1000100, [(1, 0x100, 0x1000100, 0x1000100, 0x80, 0x200)], 0x200))


def bzimage():
    """setup_sects 1, protocol 2.15, 64-bit relocatable, 0x400 bytes of 'kernel'."""
    b = bytearray(0x800)
    b[0x1F1] = 1                                     # setup_sects
    struct.pack_into("<H", b, 0x1FE, 0xAA55)         # boot_flag
    b[0x200:0x202] = b"\xeb\x6a"                     # jump: header ends at 0x26c
    struct.pack_into("<IH", b, 0x202, 0x53726448, 0x020F)  # "HdrS", version
    b[0x211] = 0x01                                  # loadflags: LOADED_HIGH
    struct.pack_into("<I", b, 0x22C, 0x7FFFFFFF)     # initrd_addr_max
    struct.pack_into("<IBBHI", b, 0x230, 0x200000, 1, 21, 0x3, 2047)  # alignment .. cmdline_size
    struct.pack_into("<QI", b, 0x258, 0x1000000, 0x100000)  # pref_address, init_size
    for i in range(0x400, 0x800):
        b[i] = (i * 13) & 0xFF
    return bytes(b)


def decompress_seeds():
    text = b"kexec-tdx fuzz seed: " + bytes(range(256)) * 4
    write("decompress", "seed.gz", gzip.compress(text, 6, mtime=0))
    write("decompress", "two-members.gz", gzip.compress(text[:100], mtime=0) + gzip.compress(text[100:], mtime=0))
    write("decompress", "seed.xz", lzma.compress(text, preset=1))
    write("decompress", "seed-check-none.xz", lzma.compress(text[:50], check=lzma.CHECK_NONE))
    zst = subprocess.run(["zstd", "-q", "-c", "-19", "--check"], input=text, stdout=subprocess.PIPE, check=True)
    write("decompress", "seed.zst", zst.stdout)


elf_seeds()
write("bzimage", "minimal", bzimage())
decompress_seeds()
