/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file_read and decompress_buffer: streams are made here with the same
 * libraries' compressors, then decompressed, cut short, corrupted and
 * limited.
 */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <setjmp.h>
#include <cmocka.h>
#include "image.h"

#define DATA_LEN ((size_t)1 << 20)      /* grows the output buffer several times */

enum fmt { GZIP, XZ, ZSTD, NFMT };
static const char *const names[NFMT] = { "x.gz", "x.xz", "x.zst" };
static const char *const fmt_names[NFMT] = { "gzip", "xz", "zstd" };

/* Compressible but not trivial: a 4-bit LCG stream. */
static uint8_t *make_data(size_t len, uint32_t seed)
{
	uint8_t *d = malloc(len);

	assert_non_null(d);
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		d[i] = (uint8_t)('a' + ((seed >> 16) & 0xf));
	}
	return d;
}

static uint8_t *gzip_compress(const uint8_t *in, size_t len, size_t *outlen)
{
	z_stream zs;
	uint8_t *out;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	*outlen = deflateBound(&zs, len);
	out = malloc(*outlen);
	assert_non_null(out);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)*outlen;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static uint8_t *xz_compress_preset(const uint8_t *in, size_t len, uint32_t preset, size_t *outlen)
{
	size_t cap = lzma_stream_buffer_bound(len);
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	*outlen = 0;
	assert_int_equal(lzma_easy_buffer_encode(preset, LZMA_CHECK_CRC64, NULL, in, len, out, outlen,
						 cap), LZMA_OK);
	return out;
}

static uint8_t *zstd_compress(const uint8_t *in, size_t len, size_t *outlen)
{
	size_t cap = ZSTD_compressBound(len);
	uint8_t *out = malloc(cap);
	ZSTD_CCtx *cc = ZSTD_createCCtx();

	assert_non_null(out);
	assert_non_null(cc);
	/* with a content checksum, so corruption of the checksum is detected */
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
	*outlen = ZSTD_compress2(cc, out, cap, in, len);
	assert_false(ZSTD_isError(*outlen));
	ZSTD_freeCCtx(cc);
	return out;
}

static uint8_t *make_stream(enum fmt f, const uint8_t *in, size_t len, size_t *outlen)
{
	switch (f) {
	case GZIP:
		return gzip_compress(in, len, outlen);
	case XZ:
		return xz_compress_preset(in, len, 6, outlen);
	default:
		return zstd_compress(in, len, outlen);
	}
}

static void test_round_trips(void **state)
{
	uint8_t *data = make_data(DATA_LEN, 1);

	for (enum fmt f = 0; f < NFMT; f++) {
		struct kexec_log log = { 0 };
		size_t zlen, outlen = 0;
		uint8_t *z = make_stream(f, data, DATA_LEN, &zlen), *out = NULL;

		assert_true(zlen < DATA_LEN);
		assert_int_equal(decompress_buffer(z, zlen, DATA_LEN, &out, &outlen, names[f], &log), 0);
		assert_int_equal(outlen, DATA_LEN);
		assert_memory_equal(out, data, DATA_LEN);
		assert_string_equal(log.last, "");
		free(out);
		free(z);
	}
	free(data);
}

/* Concatenated gzip members, xz streams and zstd frames are one file. */
static void test_concatenated(void **state)
{
	uint8_t *a = make_data(5000, 2), *b = make_data(7000, 3);

	for (enum fmt f = 0; f < NFMT; f++) {
		struct kexec_log log = { 0 };
		size_t alen, blen, outlen;
		uint8_t *za = make_stream(f, a, 5000, &alen), *zb = make_stream(f, b, 7000, &blen), *out;
		uint8_t *both = malloc(alen + blen);

		memcpy(both, za, alen);
		memcpy(both + alen, zb, blen);
		assert_int_equal(decompress_buffer(both, alen + blen, 1 << 20, &out, &outlen, names[f],
						   &log), 0);
		assert_int_equal(outlen, 12000);
		assert_memory_equal(out, a, 5000);
		assert_memory_equal(out + 5000, b, 7000);
		free(out);
		free(both);
		free(za);
		free(zb);
	}
	free(a);
	free(b);
}

static void test_size_limit(void **state)
{
	uint8_t *data = make_data(200000, 4);

	for (enum fmt f = 0; f < NFMT; f++) {
		struct kexec_log log = { 0 };
		char want[128];
		size_t zlen, outlen;
		uint8_t *z = make_stream(f, data, 200000, &zlen), *out = NULL;

		/* exactly the limit fits */
		assert_int_equal(decompress_buffer(z, zlen, 200000, &out, &outlen, names[f], &log), 0);
		assert_int_equal(outlen, 200000);
		free(out);
		/* one byte more does not */
		out = NULL;
		assert_int_equal(decompress_buffer(z, zlen, 199999, &out, &outlen, names[f], &log), -EFBIG);
		snprintf(want, sizeof(want), "%s: %s: too large after decompression (more than 199999 bytes)",
			 names[f], fmt_names[f]);
		assert_string_equal(log.last, want);
		assert_null(out);
		free(z);
	}
	free(data);
}

static void test_truncated(void **state)
{
	uint8_t *data = make_data(100000, 5);

	for (enum fmt f = 0; f < NFMT; f++) {
		size_t zlen, outlen;
		uint8_t *z = make_stream(f, data, 100000, &zlen), *out;
		/* half, one byte short, only the magic */
		size_t cuts[] = { zlen / 2, zlen - 1, f == GZIP ? 2 : f == XZ ? 6 : 4 };
		char want[128];

		snprintf(want, sizeof(want), "%s: %s: truncated (the compressed data ends early)",
			 names[f], fmt_names[f]);
		for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
			struct kexec_log log = { 0 };

			assert_int_equal(decompress_buffer(z, cuts[c], 1 << 20, &out, &outlen, names[f], &log),
					 -EINVAL);
			assert_string_equal(log.last, want);
		}
		free(z);
	}
	free(data);
}

static void test_corrupt(void **state)
{
	uint8_t *data = make_data(100000, 6);
	static const struct {
		enum fmt f;
		long at;                /* byte to flip; negative: from the end */
		const char *msg;
	} cases[] = {
		{ GZIP, -8, "x.gz: gzip: corrupt data (incorrect data check)" },      /* CRC-32 */
		{ GZIP, -1, "x.gz: gzip: corrupt data (incorrect length check)" },    /* ISIZE */
		{ GZIP, 3, "x.gz: gzip: corrupt data (unknown header flags set)" },   /* FLG */
		{ XZ, 200, "x.xz: xz: corrupt data" },
		{ XZ, -1, "x.xz: xz: corrupt data" },                                 /* footer magic */
		{ ZSTD, -1, "x.zst: zstd: corrupt data (Restored data doesn't match checksum)" },
		{ ZSTD, 4, "x.zst: zstd: corrupt data (Unsupported frame parameter)" }, /* frame header */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kexec_log log = { 0 };
		size_t zlen, outlen;
		uint8_t *z = make_stream(cases[i].f, data, 100000, &zlen), *out;
		size_t at = cases[i].at < 0 ? zlen + (size_t)cases[i].at : (size_t)cases[i].at;

		z[at] ^= cases[i].at == 3 ? 0xe0 : cases[i].at == 4 ? 0x08 : 0x55;
		assert_int_equal(decompress_buffer(z, zlen, 1 << 20, &out, &outlen, names[cases[i].f], &log),
				 -EINVAL);
		assert_string_equal(log.last, cases[i].msg);
		free(z);
	}
	free(data);
}

/* A dictionary (64 MiB, preset 9) far beyond what 1 KiB of output can need. */
static void test_xz_memlimit(void **state)
{
	struct kexec_log log = { 0 };
	uint8_t *data = make_data(1000, 7), *out;
	size_t zlen, outlen;
	uint8_t *z = xz_compress_preset(data, 1000, 9, &zlen);

	assert_int_equal(decompress_buffer(z, zlen, 1024, &out, &outlen, "x.xz", &log), -EFBIG);
	assert_string_equal(log.last, "x.xz: xz: the stream needs 65 MiB of memory to decompress, more "
			    "than allowed for at most 1024 bytes of output");
	/* the same stream with room for 64 MiB of output is fine */
	assert_int_equal(decompress_buffer(z, zlen, 64 << 20, &out, &outlen, "x.xz", &log), 0);
	assert_int_equal(outlen, 1000);
	free(out);
	free(z);
	free(data);
}

static void test_not_compressed(void **state)
{
	struct kexec_log log = { 0 };
	static const uint8_t elf[] = "\177ELF\2\1\1", one[] = { 0x1f };
	uint8_t *out = NULL;
	size_t outlen = 0;

	assert_int_equal(decompress_buffer(elf, sizeof(elf), 1024, &out, &outlen, "x", &log), -ENOEXEC);
	assert_int_equal(decompress_buffer(one, 1, 1024, &out, &outlen, "x", &log), -ENOEXEC);
	assert_int_equal(decompress_buffer(one, 0, 1024, &out, &outlen, "x", &log), -ENOEXEC);
	assert_null(out);
	assert_string_equal(log.last, "");
}

/* Empty output (gzip of nothing) is a valid stream; file_read refuses it. */
static void test_empty_output(void **state)
{
	struct kexec_log log = { 0 };
	size_t zlen, outlen;
	uint8_t *z = gzip_compress((const uint8_t *)"", 0, &zlen), *out = NULL;

	assert_int_equal(decompress_buffer(z, zlen, 1024, &out, &outlen, "x.gz", &log), 0);
	assert_int_equal(outlen, 0);
	assert_non_null(out);
	free(out);
	free(z);
}

/* file_read over files in a temporary directory. */
struct tmp {
	char dir[64];
	char path[128];
};

static const char *tmp_file(struct tmp *t, const char *name, const void *data, size_t len)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
	fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return t->path;
}

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	strcpy(t->dir, "/tmp/test-decompress.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static void test_file_read(void **state)
{
	struct tmp *t = *state;
	struct kexec_log log = { 0 };
	uint8_t *data = make_data(50000, 8), *z, *buf;
	size_t zlen, len;
	char want[256];
	const char *p;

	/* compressed: decompressed on request, as it is otherwise */
	z = make_stream(ZSTD, data, 50000, &zlen);
	p = tmp_file(t, "vmlinux.zst", z, zlen);
	assert_int_equal(file_read(p, true, 1 << 20, &buf, &len, &log), 0);
	assert_int_equal(len, 50000);
	assert_memory_equal(buf, data, 50000);
	free(buf);
	assert_int_equal(file_read(p, false, 1 << 20, &buf, &len, &log), 0);
	assert_int_equal(len, zlen);
	assert_memory_equal(buf, z, zlen);
	free(buf);
	/* limit after decompression, and a corrupt file */
	assert_int_equal(file_read(p, true, 40000, &buf, &len, &log), -EFBIG);
	snprintf(want, sizeof(want), "%s: zstd: too large after decompression (more than 40000 bytes)", p);
	assert_string_equal(log.last, want);
	z[zlen / 2] ^= 0xff;
	z[zlen / 2 + 1] ^= 0xff;
	p = tmp_file(t, "vmlinux.zst", z, zlen);
	assert_true(file_read(p, true, 1 << 20, &buf, &len, &log) < 0);
	snprintf(want, sizeof(want), "%s: zstd: corrupt data (", p);
	assert_memory_equal(log.last, want, strlen(want));
	free(z);

	/* plain: the file itself either way */
	p = tmp_file(t, "vmlinux", data, 50000);
	assert_int_equal(file_read(p, true, 50000, &buf, &len, &log), 0);
	assert_int_equal(len, 50000);
	assert_memory_equal(buf, data, 50000);
	free(buf);
	assert_int_equal(file_read(p, false, 49999, &buf, &len, &log), -EFBIG);
	snprintf(want, sizeof(want), "%s: 50000 bytes, larger than the limit of 49999 bytes", p);
	assert_string_equal(log.last, want);

	p = tmp_file(t, "empty", "", 0);
	assert_int_equal(file_read(p, true, 1024, &buf, &len, &log), -EINVAL);
	snprintf(want, sizeof(want), "%s: the file is empty", p);
	assert_string_equal(log.last, want);

	z = gzip_compress((const uint8_t *)"", 0, &zlen);
	p = tmp_file(t, "empty.gz", z, zlen);
	assert_int_equal(file_read(p, true, 1024, &buf, &len, &log), -EINVAL);
	snprintf(want, sizeof(want), "%s: empty after decompression", p);
	assert_string_equal(log.last, want);
	free(z);

	snprintf(t->path, sizeof(t->path), "%s/missing", t->dir);
	assert_int_equal(file_read(t->path, true, 1024, &buf, &len, &log), -ENOENT);
	snprintf(want, sizeof(want), "%s: no such file", t->path);
	assert_string_equal(log.last, want);

	assert_int_equal(file_read(t->dir, true, 1024, &buf, &len, &log), -EISDIR);
	snprintf(want, sizeof(want), "%s: is a directory", t->dir);
	assert_string_equal(log.last, want);

	/* root reads a mode 000 file anyway */
	p = tmp_file(t, "secret", data, 10);
	chmod(p, 0);
	if (geteuid() != 0) {
		assert_int_equal(file_read(p, true, 1024, &buf, &len, &log), -EACCES);
		snprintf(want, sizeof(want), "%s: cannot open: Permission denied", p);
		assert_string_equal(log.last, want);
	}
	free(data);
}

/* A pipe has no size to check first: the limit is counted while reading. */
static void test_file_read_pipe(void **state)
{
	struct kexec_log log = { 0 };
	char path[64];
	uint8_t *buf;
	size_t len;
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(file_read(path, false, 9, &buf, &len, &log), -EFBIG);
	close(fds[0]);
	assert_string_equal(log.last + strlen(path), ": larger than the limit of 9 bytes");

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(file_read(path, false, 10, &buf, &len, &log), 0);
	close(fds[0]);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "0123456789", 10);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_xz_memlimit),
		cmocka_unit_test(test_not_compressed),
		cmocka_unit_test(test_empty_output),
		cmocka_unit_test_setup_teardown(test_file_read, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_file_read_pipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
