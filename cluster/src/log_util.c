/* SPDX-License-Identifier: BSD-2-Clause */
/* log_util.c: the log layer's small helpers: growable buffers, UTF-8 classification (Zeek's
 * check_ok_utf8 rules), CRC-framed little-endian records, and whole-buffer file I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include <steer/error.h>

#include "log_int.h"

int clu__buf_reserve(struct clu__buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			return STEER_ENOMEM;
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p)
		return STEER_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int clu__buf_put(struct clu__buf *b, const void *s, size_t n)
{
	if (clu__buf_reserve(b, n))
		return STEER_ENOMEM;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

void clu__buf_free(struct clu__buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void clu__fmt_localtime(time_t t, enum clu__tmfmt which, char *buf, size_t cap)
{
	struct tm tm;
	size_t n = 0;
	if (localtime_r(&t, &tm)) {
		switch (which) {
		case CLU__TM_HEADER:
			n = strftime(buf, cap, "%Y-%m-%d-%H-%M-%S", &tm);
			break;
		case CLU__TM_DATE:
			n = strftime(buf, cap, "%Y-%m-%d", &tm);
			break;
		case CLU__TM_CLOCK:
			n = strftime(buf, cap, "%H:%M:%S", &tm);
			break;
		}
	}
	if (n == 0)
		buf[0] = '\0';
}

size_t clu__utf8_ok(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return c >= 0x20 && c < 0x7f;
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, cp = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* Zeek's check_ok_utf8: C1 controls, private use and specials count as bad. */
	if (cp <= 0x9f || (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xffff))
		return 0;
	return len;
}

uint32_t clu__crc32(const void *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);
	const Bytef *b = p;
	while (n) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
		c = crc32(c, b, k);
		b += k;
		n -= k;
	}
	return (uint32_t)c;
}

/* The encoders write into space their caller reserved (clu__buf_reserve); on a failed reserve
 * the record is abandoned by the caller, so a short write here never reaches a file. */
static void put_raw(struct clu__buf *b, const void *p, size_t n)
{
	if (clu__buf_reserve(b, n) == 0) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
	}
}

void clu__put_u32(struct clu__buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	put_raw(b, x, 4);
}

void clu__put_u64(struct clu__buf *b, uint64_t v)
{
	clu__put_u32(b, (uint32_t)v);
	clu__put_u32(b, (uint32_t)(v >> 32));
}

void clu__put_str(struct clu__buf *b, const char *s, size_t n)
{
	clu__put_u32(b, (uint32_t)n);
	put_raw(b, s, n);
}

uint32_t clu__get_u32(struct clu__rd *r)
{
	if (r->bad || r->n < 4) {
		r->bad = true;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	             (uint32_t)r->p[3] << 24;
	r->p += 4;
	r->n -= 4;
	return v;
}

uint64_t clu__get_u64(struct clu__rd *r)
{
	uint64_t lo = clu__get_u32(r);
	return lo | (uint64_t)clu__get_u32(r) << 32;
}

const char *clu__get_bytes(struct clu__rd *r, size_t *len)
{
	uint32_t n = clu__get_u32(r);
	if (r->bad || r->n < n) {
		r->bad = true;
		*len = 0;
		return NULL;
	}
	const char *p = (const char *)r->p;
	r->p += n;
	r->n -= n;
	*len = n;
	return p;
}

size_t clu__get_str(struct clu__rd *r, char *out, size_t max)
{
	size_t n;
	const char *p = clu__get_bytes(r, &n);
	if (!p || n > max || memchr(p, '\0', n)) {
		r->bad = true;
		out[0] = '\0';
		return 0;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

size_t clu__rec_start(struct clu__buf *b)
{
	size_t at = b->len;
	put_raw(b, "\0\0\0\0\0\0\0\0\0\0\0\0", CLU__REC_HDR);
	return at;
}

static void le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

void clu__rec_seal(struct clu__buf *b, size_t start, uint32_t magic)
{
	unsigned char *h = (unsigned char *)b->p + start;
	size_t blen = b->len - start - CLU__REC_HDR;
	le32(h, magic);
	le32(h + 4, (uint32_t)blen);
	le32(h + 8, clu__crc32(h + CLU__REC_HDR, blen));
}

size_t clu__rec_check(const unsigned char *p, size_t n, uint32_t magic, const unsigned char **body,
                      size_t *blen)
{
	struct clu__rd r = {p, n, false};
	uint32_t m = clu__get_u32(&r), len = clu__get_u32(&r), crc = clu__get_u32(&r);
	if (r.bad || m != magic || len > r.n || clu__crc32(r.p, len) != crc)
		return 0;
	*body = r.p;
	*blen = len;
	return CLU__REC_HDR + (size_t)len;
}

int clu__pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	const char *c = p;
	while (n) {
		ssize_t w = pwrite(fd, c, n, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

int clu__write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int clu__read_file(const char *path, struct clu__buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		if (clu__buf_reserve(b, 65536)) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
		ssize_t r = read(fd, b->p + b->len, b->cap - b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
	}
	close(fd);
	return 0;
}

int clu__mkdir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		errno = ENOTDIR;
	}
	return -1;
}

void clu__fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}
