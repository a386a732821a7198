/* SPDX-License-Identifier: BSD-2-Clause */
/* wire_int.h: private to cluster/: the bounds-checked cursors every wire decoder reads through
 * (a short buffer sets `trunc` and reads zeros; each decoder checks the flag once) and the
 * writer that encoders fill (a full buffer sets `full`). */
#ifndef STEER_CLU_WIRE_INT_H
#define STEER_CLU_WIRE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <steer/clu_layout.h>

struct rd {
	const uint8_t *p;
	size_t left;
	bool trunc;
};

static inline const uint8_t *rd_take(struct rd *r, size_t n)
{
	if (r->trunc || r->left < n) {
		r->trunc = true;
		return NULL;
	}
	const uint8_t *p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static inline uint64_t rd_be(struct rd *r, size_t n)
{
	const uint8_t *p = rd_take(r, n);
	uint64_t v = 0;
	for (size_t i = 0; p && i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline uint8_t rd_u8(struct rd *r)
{
	return (uint8_t)rd_be(r, 1);
}
static inline uint16_t rd_u16(struct rd *r)
{
	return (uint16_t)rd_be(r, 2);
}
static inline uint32_t rd_u32(struct rd *r)
{
	return (uint32_t)rd_be(r, 4);
}
static inline uint64_t rd_u64(struct rd *r)
{
	return rd_be(r, 8);
}

struct wr {
	uint8_t *p;
	size_t cap, len;
	bool full;
};

static inline void wr_be(struct wr *w, uint64_t v, size_t n)
{
	if (w->full || w->cap - w->len < n) {
		w->full = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		w->p[w->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	w->len += n;
}

static inline void wr_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->full || w->cap - w->len < n) {
		w->full = true;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

/* A name field: namelen bytes, a valid process name, copied NUL-terminated into out. */
static inline bool rd_name(struct rd *r, size_t len, char out[CLU_NAME_MAX + 1])
{
	const uint8_t *p = rd_take(r, len);
	if (!p || !clu_name_valid((const char *)p, len))
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/* A length-prefixed byte string of at most max bytes: *p points into the buffer. */
static inline bool rd_str(struct rd *r, size_t lenbytes, size_t max, const char **p, size_t *len)
{
	size_t n = (size_t)rd_be(r, lenbytes);
	const uint8_t *b = r->trunc ? NULL : rd_take(r, n);
	*p = (const char *)b;
	*len = b ? n : 0;
	return b && n <= max;
}

static inline void wr_str(struct wr *w, size_t lenbytes, const char *p, size_t len)
{
	wr_be(w, len, lenbytes);
	wr_bytes(w, p, len);
}

struct clu_msg;
/* A payload of exactly want bytes of message type: CLU_WIRE_OK, else CLU_WIRE_ETRUNC or
 * CLU_WIRE_EINVAL with errbuf naming the message and its sender. */
int clu__wire_fixed(const struct clu_msg *m, uint8_t type, size_t want, char *errbuf);

#endif
