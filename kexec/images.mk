# Kernel image formats (ELF) and reading/decompressing kernel files.
# The sources are listed in Makefile.am; this fragment adds their unit
# tests and the libFuzzer harnesses.  Included by Makefile.am.

IMAGE_UNIT_TESTS = tests/unit/test-elf tests/unit/test-decompress
check_PROGRAMS += $(IMAGE_UNIT_TESTS)
TESTS += $(IMAGE_UNIT_TESTS)
tests_unit_test_elf_SOURCES = tests/unit/test-elf.c
tests_unit_test_elf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_elf_LDADD = $(UNIT_LDADD)
tests_unit_test_decompress_SOURCES = tests/unit/test-decompress.c
tests_unit_test_decompress_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_decompress_LDADD = $(UNIT_LDADD)

# tests/fuzz/run.sh builds every tests/fuzz/fuzz-*.c with clang's
# libFuzzer from its "fuzz-sources:" first line; not part of make check.
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/README.md tests/fuzz/fuzz.h tests/fuzz/fuzz-image.h tests/fuzz/fuzz-elf.c \
	tests/fuzz/fuzz-bzimage.c tests/fuzz/fuzz-decompress.c tests/fuzz/corpus
