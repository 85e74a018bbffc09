/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading kernel and initrd files, and undoing gzip, xz or zstd
 * compression of a whole file with zlib, liblzma and libzstd (DESIGN.md,
 * Libraries).  Output grows in one buffer that never exceeds max + 1
 * bytes: reaching the extra byte is how "too large" is detected without
 * decompressing the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "image.h"
#include "text.h"

#define OUT_MIN         (64u << 10)     /* first output buffer, bytes */
#define XZ_MEM_SLACK    (16u << 20)     /* liblzma state beyond the dictionary */

enum zformat { Z_NONE, Z_GZIP, Z_XZ, Z_ZSTD };

static const struct {
	enum zformat fmt;
	const char *name;
	uint8_t magic[6];
	size_t len;
} magics[] = {
	{ Z_GZIP, "gzip", { 0x1f, 0x8b }, 2 },                          /* RFC 1952 2.3.1 */
	{ Z_XZ, "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6 },          /* .xz format 2.1.1.1 */
	{ Z_ZSTD, "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },              /* RFC 8878 3.1.1 */
};

static enum zformat detect(const uint8_t *in, size_t inlen, const char **name)
{
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if (inlen >= magics[i].len && memcmp(in, magics[i].magic, magics[i].len) == 0) {
			*name = magics[i].name;
			return magics[i].fmt;
		}
	return Z_NONE;
}

struct outbuf {
	uint8_t *buf;
	size_t len, cap;
	size_t max;             /* the caller's limit */
	size_t hard;            /* max + 1, saturated: the buffer never grows past it */
	const char *path, *fmt;
	struct kexec_log *log;
};

static int too_large(const struct outbuf *o)
{
	return log_errno(o->log, -EFBIG, "%s: %s: too large after decompression (more than %zu bytes)",
			 o->path, o->fmt, o->max);
}

/* Make room for at least one more byte of output. */
static int out_room(struct outbuf *o, size_t hint)
{
	size_t cap;
	uint8_t *p;

	if (o->len < o->cap)
		return 0;
	if (o->cap >= o->hard)
		return too_large(o);
	if (o->cap)
		cap = o->cap > o->hard / 2 ? o->hard : o->cap * 2;
	else
		cap = hint < OUT_MIN ? OUT_MIN : hint;
	if (cap > o->hard)
		cap = o->hard;
	p = realloc(o->buf, cap);
	if (!p)
		return log_errno(o->log, -ENOMEM, "%s: %s: out of memory for %zu bytes of output",
				 o->path, o->fmt, cap);
	o->buf = p;
	o->cap = cap;
	return 0;
}

static int truncated(const struct outbuf *o)
{
	return log_errno(o->log, -EINVAL, "%s: %s: truncated (the compressed data ends early)",
			 o->path, o->fmt);
}

static int gzip_inflate(const uint8_t *in, size_t inlen, struct outbuf *o, size_t hint)
{
	z_stream zs;
	size_t pos = 0;         /* input handed to zlib so far */
	int zr, r;

	memset(&zs, 0, sizeof(zs));
	/* 16 + MAX_WBITS: a gzip wrapper, checked CRC-32 and ISIZE (zlib.h, inflateInit2) */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return log_errno(o->log, -ENOMEM, "%s: gzip: cannot set up zlib", o->path);
	for (;;) {
		if (zs.avail_in == 0 && pos < inlen) {
			size_t chunk = inlen - pos < UINT_MAX ? inlen - pos : UINT_MAX;

			zs.next_in = (Bytef *)(uintptr_t)(in + pos);
			zs.avail_in = (uInt)chunk;
			pos += chunk;
		}
		if ((r = out_room(o, hint)) < 0)
			goto out;
		size_t room = o->cap - o->len < UINT_MAX ? o->cap - o->len : UINT_MAX;
		zs.next_out = o->buf + o->len;
		zs.avail_out = (uInt)room;
		zr = inflate(&zs, Z_NO_FLUSH);
		o->len += room - zs.avail_out;
		if (zr == Z_STREAM_END) {
			size_t left = zs.avail_in + (inlen - pos);
			const uint8_t *next = in + (inlen - left);

			/* concatenated members are one file (RFC 1952 2.2) */
			if (left >= 2 && next[0] == 0x1f && next[1] == 0x8b) {
				inflateReset(&zs);
				continue;
			}
			if (left)
				log_debug(o->log, "%s: gzip: %zu bytes after the end of the data ignored",
					  o->path, left);
			r = 0;
			break;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_BUF_ERROR && (zs.avail_out == 0 || pos < inlen))
			continue;       /* output full: grow; or more input to hand over */
		if (zr == Z_BUF_ERROR) {
			r = truncated(o);
			break;
		}
		if (zr == Z_MEM_ERROR) {
			r = log_errno(o->log, -ENOMEM, "%s: gzip: out of memory", o->path);
			break;
		}
		r = log_errno(o->log, -EINVAL, "%s: gzip: corrupt data (%s)", o->path,
			      zs.msg ? zs.msg : "no zlib message");
		break;
	}
out:
	inflateEnd(&zs);
	return r;
}

static int xz_decode(const uint8_t *in, size_t inlen, struct outbuf *o, size_t hint)
{
	lzma_stream xs = LZMA_STREAM_INIT;
	lzma_ret lr;
	uint64_t memlimit;
	int r;

	/*
	 * The decoder allocates the stream's dictionary up front; one larger
	 * than the output may be cannot be needed, so the limit follows max.
	 */
	if (__builtin_add_overflow((uint64_t)o->max, XZ_MEM_SLACK, &memlimit))
		memlimit = UINT64_MAX;
	/* LZMA_CONCATENATED: several streams and stream padding, as xz(1) accepts */
	lr = lzma_stream_decoder(&xs, memlimit, LZMA_CONCATENATED);
	if (lr != LZMA_OK)
		return log_errno(o->log, -ENOMEM, "%s: xz: cannot set up liblzma", o->path);
	xs.next_in = in;
	xs.avail_in = inlen;
	for (;;) {
		if ((r = out_room(o, hint)) < 0)
			break;
		size_t room = o->cap - o->len;
		xs.next_out = o->buf + o->len;
		xs.avail_out = room;
		lr = lzma_code(&xs, LZMA_FINISH);       /* all input is there */
		o->len += room - xs.avail_out;
		if (lr == LZMA_STREAM_END) {
			r = 0;
			break;
		}
		if (lr == LZMA_OK || (lr == LZMA_BUF_ERROR && xs.avail_out == 0))
			continue;
		switch (lr) {
		case LZMA_BUF_ERROR:
			r = truncated(o);
			break;
		case LZMA_MEM_ERROR:
			r = log_errno(o->log, -ENOMEM, "%s: xz: out of memory", o->path);
			break;
		case LZMA_MEMLIMIT_ERROR:
			r = log_errno(o->log, -EFBIG,
				      "%s: xz: the stream needs %llu MiB of memory to decompress, more than "
				      "allowed for at most %zu bytes of output", o->path,
				      (unsigned long long)((lzma_memusage(&xs) + (1u << 20) - 1) >> 20), o->max);
			break;
		case LZMA_OPTIONS_ERROR:
			r = log_errno(o->log, -EINVAL, "%s: xz: unsupported options (filter or check)",
				      o->path);
			break;
		default:        /* LZMA_FORMAT_ERROR, LZMA_DATA_ERROR */
			r = log_errno(o->log, -EINVAL, "%s: xz: corrupt data", o->path);
			break;
		}
		break;
	}
	lzma_end(&xs);
	return r;
}

static int zstd_decode(const uint8_t *in, size_t inlen, struct outbuf *o, size_t hint)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, inlen, 0 };
	int wlog = 27;          /* zstd's default ZSTD_WINDOWLOG_LIMIT_DEFAULT */
	size_t zr;
	int r;

	if (!dc)
		return log_errno(o->log, -ENOMEM, "%s: zstd: cannot set up libzstd", o->path);
	/* allow a window as large as the output may be (zstd --long), up to 2 GiB */
	while (wlog < 31 && ((size_t)1 << wlog) < o->max)
		wlog++;
	ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, wlog);
	for (;;) {
		if ((r = out_room(o, hint)) < 0)
			break;
		ZSTD_outBuffer ob = { o->buf + o->len, o->cap - o->len, 0 };

		zr = ZSTD_decompressStream(dc, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(zr)) {
			if (ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation)
				r = log_errno(o->log, -ENOMEM, "%s: zstd: out of memory", o->path);
			else
				r = log_errno(o->log, -EINVAL, "%s: zstd: corrupt data (%s)", o->path,
					      ZSTD_getErrorName(zr));
			break;
		}
		if (ib.pos < ib.size || ob.pos == ob.size)
			continue;       /* more input, or output full with more to flush */
		/* all input consumed, output not full: the last frame must be complete */
		r = zr == 0 ? 0 : truncated(o);
		break;
	}
	ZSTD_freeDCtx(dc);
	return r;
}

int decompress_buffer(const uint8_t *in, size_t inlen, size_t max, uint8_t **out, size_t *outlen,
		      const char *path, struct kexec_log *log)
{
	struct outbuf o = { .max = max, .hard = max == SIZE_MAX ? SIZE_MAX : max + 1, .path = path,
			    .log = log };
	size_t hint = inlen > SIZE_MAX / 4 ? SIZE_MAX : inlen * 4;
	uint8_t *shrunk;
	int r;

	switch (detect(in, inlen, &o.fmt)) {
	case Z_GZIP:
		r = gzip_inflate(in, inlen, &o, hint);
		break;
	case Z_XZ:
		r = xz_decode(in, inlen, &o, hint);
		break;
	case Z_ZSTD:
		r = zstd_decode(in, inlen, &o, hint);
		break;
	default:
		return -ENOEXEC;
	}
	if (r == 0 && o.len > max)
		r = too_large(&o);
	if (r < 0) {
		free(o.buf);
		return r;
	}
	/* give back the doubling slack; keep a valid pointer for empty output */
	shrunk = realloc(o.buf, o.len ? o.len : 1);
	*out = shrunk ? shrunk : o.buf;
	*outlen = o.len;
	log_debug(log, "%s: %s, %zu bytes, %zu after decompression", path, o.fmt, inlen, o.len);
	return 0;
}

/* Read all of fd into a buffer of at most max bytes; size_hint from fstat. */
static int read_all(int fd, const char *path, size_t max, size_t size_hint, uint8_t **buf,
		    size_t *len, struct kexec_log *log)
{
	size_t cap = size_hint ? size_hint + 1 : OUT_MIN, n = 0;
	uint8_t *b = NULL, *p;
	ssize_t got;

	for (;;) {
		if (n == cap || !b) {
			if (b)
				cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
			if (max < SIZE_MAX && cap > max + 1)
				cap = max + 1;
			p = realloc(b, cap);
			if (!p) {
				free(b);
				return log_errno(log, -ENOMEM, "%s: out of memory for %zu bytes", path, cap);
			}
			b = p;
		}
		got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;

			free(b);
			return log_errno(log, -err, "%s: cannot read: %s", path, strerror(err));
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			free(b);
			return log_errno(log, -EFBIG, "%s: larger than the limit of %zu bytes", path, max);
		}
	}
	*buf = b;
	*len = n;
	return 0;
}

int file_read(const char *path, bool decompress, size_t max, uint8_t **buf, size_t *len,
	      struct kexec_log *log)
{
	struct stat st;
	uint8_t *raw = NULL, *dec = NULL;
	size_t rawlen = 0, declen = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (err == ENOENT)
			return log_errno(log, -ENOENT, "%s: no such file", path);
		return log_errno(log, -err, "%s: cannot open: %s", path, strerror(err));
	}
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return log_errno(log, -err, "%s: cannot stat: %s", path, strerror(err));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return log_errno(log, -EISDIR, "%s: is a directory", path);
	}
	/* a regular file's size is known: refuse early; pipes are counted while read */
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		close(fd);
		return log_errno(log, -EFBIG, "%s: %jd bytes, larger than the limit of %zu bytes",
				 path, (intmax_t)st.st_size, max);
	}
	r = read_all(fd, path, max, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, &raw, &rawlen, log);
	close(fd);
	if (r < 0)
		return r;
	if (rawlen == 0) {
		free(raw);
		return log_errno(log, -EINVAL, "%s: the file is empty", path);
	}
	if (!decompress) {
		*buf = raw;
		*len = rawlen;
		return 0;
	}
	r = decompress_buffer(raw, rawlen, max, &dec, &declen, path, log);
	if (r == -ENOEXEC) {            /* not compressed: the file itself */
		*buf = raw;
		*len = rawlen;
		return 0;
	}
	free(raw);
	if (r < 0)
		return r;
	if (declen == 0) {
		free(dec);
		return log_errno(log, -EINVAL, "%s: empty after decompression", path);
	}
	*buf = dec;
	*len = declen;
	return 0;
}
