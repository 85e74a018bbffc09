# tests/fuzz/run.sh builds every tests/fuzz/fuzz-*.c with clang's
# libFuzzer from its "fuzz-sources:" first line; not part of make check
# (.ci/run runs it).  Only shipped from here.
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/README.md tests/fuzz/fuzz.h tests/fuzz/fuzz-image.h tests/fuzz/fuzz-elf.c \
	tests/fuzz/fuzz-bzimage.c tests/fuzz/fuzz-decompress.c tests/fuzz/corpus
EXTRA_DIST += tests/fuzz/fuzz-cpuinfo.c tests/fuzz/fuzz-memmap.c tests/fuzz/fuzz-iomem.c \
	tests/fuzz/fuzz-misc.c tests/fuzz/fuzz-kmsg.c tests/fuzz/fuzz-report.c \
	tests/fuzz/fuzz-kallsyms.c tests/fuzz/fuzz-record.c

