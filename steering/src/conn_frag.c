/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_frag.c: IP fragment reassembly (RFC 791, RFC 8200 4.5) before connection tracking, as
 * Zeek reassembles (zeek:src/Frag.cc): a datagram is tracked by its source, destination and
 * identification until every byte arrived, then handed on whole. Bounded: at most FRAG_MAX
 * datagrams at once (the oldest gives way) and FRAG_TIMEOUT of silence. */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "conn_int.h"

enum {
	FRAG_MAX = 256,
	IPV6_HDR_LEN = 40,
	IPV6_FRAG_LEN = 8,
	MAX_DGRAM = 65535,
	UNITS = (MAX_DGRAM + 7) / 8,
};
#define FRAG_TIMEOUT (60 * 1000000ll)

struct dgram {
	bool used;
	uint8_t family;
	uint32_t id;
	uint8_t src[16], dst[16];
	int64_t last;
	uint32_t total;        /* payload length once the last fragment came; 0 before */
	uint16_t hdr_len;      /* the unfragmentable part, from the first fragment */
	uint8_t hdr[1024];
	bool have_first;
	uint8_t *data;         /* payload so far (MAX_DGRAM bytes when allocated) */
	uint8_t seen[UNITS / 8 + 1]; /* one bit per 8-byte unit received */
};

struct steer__frag_tab {
	struct dgram d[FRAG_MAX];
	uint8_t out[MAX_DGRAM];
	size_t bytes;
};

int steer__frag_new(struct steer__frag_tab **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : STEER_ENOMEM;
}

static void drop(struct steer__frag_tab *f, struct dgram *d)
{
	if (d->data) {
		free(d->data);
		f->bytes -= MAX_DGRAM;
	}
	memset(d, 0, sizeof(*d));
}

void steer__frag_free(struct steer__frag_tab *f)
{
	if (!f)
		return;
	for (int i = 0; i < FRAG_MAX; i++)
		free(f->d[i].data);
	free(f);
}

size_t steer__frag_memory(const struct steer__frag_tab *f)
{
	return f ? sizeof(*f) + f->bytes : 0;
}

/* Where an IPv6 fragment header sits, and where its data begins; 0 when not found. */
static size_t ipv6_frag_header(const uint8_t *ip, size_t len, size_t *data)
{
	unsigned nh = ip[6];
	size_t off = IPV6_HDR_LEN;

	for (int n = 0; n < 8 && off + 8 <= len; n++) {
		if (nh == 44) {
			*data = off + IPV6_FRAG_LEN;
			return off;
		}
		if (nh != 0 && nh != 43 && nh != 60)
			return 0;
		nh = ip[off];
		off += ((size_t)ip[off + 1] + 1) * 8;
	}
	return 0;
}

static struct dgram *find(struct steer__frag_tab *f, const struct steer_layer *l, int64_t now)
{
	struct dgram *oldest = NULL, *freeslot = NULL;

	for (int i = 0; i < FRAG_MAX; i++) {
		struct dgram *d = &f->d[i];
		if (d->used && now - d->last > FRAG_TIMEOUT)
			drop(f, d);
		if (!d->used) {
			if (!freeslot)
				freeslot = d;
			continue;
		}
		if (d->family == l->family && d->id == l->frag_id &&
		    memcmp(d->src, l->src, 16) == 0 && memcmp(d->dst, l->dst, 16) == 0)
			return d;
		if (!oldest || d->last < oldest->last)
			oldest = d;
	}
	if (!freeslot) {
		drop(f, oldest);
		freeslot = oldest;
	}
	freeslot->used = true;
	freeslot->family = l->family;
	freeslot->id = l->frag_id;
	memcpy(freeslot->src, l->src, 16);
	memcpy(freeslot->dst, l->dst, 16);
	return freeslot;
}

const uint8_t *steer__frag_add(struct steer__frag_tab *f, const struct steer_layer *l,
                               const uint8_t *base, int64_t now, size_t *len)
{
	const uint8_t *ip = base + l->l3_off;
	size_t iplen = (size_t)l->end - l->l3_off, data_off, hdr_len, frag_hdr = 0;
	size_t off = (size_t)l->frag_offset * 8, n;
	bool more;
	struct dgram *d;

	if (l->family == 4) {
		hdr_len = (size_t)(ip[0] & 0x0f) * 4;
		data_off = hdr_len;
		more = ip[6] & 0x20;
	} else {
		frag_hdr = ipv6_frag_header(ip, iplen, &data_off);
		if (!frag_hdr)
			return NULL;
		hdr_len = frag_hdr;
		more = ip[frag_hdr + 3] & 0x01;
	}
	if (data_off > iplen)
		return NULL;
	n = iplen - data_off;
	if (off + n > MAX_DGRAM - hdr_len)
		return NULL; /* would not fit any IP packet: ignored */
	d = find(f, l, now);
	d->last = now;
	if (!d->data) {
		d->data = malloc(MAX_DGRAM);
		if (!d->data) {
			drop(f, d);
			return NULL;
		}
		f->bytes += MAX_DGRAM;
	}
	if (off == 0 && hdr_len <= sizeof(d->hdr)) {
		memcpy(d->hdr, ip, hdr_len);
		d->hdr_len = (uint16_t)hdr_len;
		d->have_first = true;
		/* IPv6: the fragment header goes; the header before it names what follows. */
		if (l->family == 6) {
			size_t prev = 6, o = IPV6_HDR_LEN;
			while (o < frag_hdr) {
				prev = o;
				o += ((size_t)ip[o + 1] + 1) * 8;
			}
			d->hdr[prev] = ip[frag_hdr];
		}
	}
	if (!more)
		d->total = (uint32_t)(off + n);
	/* The first copy of each byte stays (Zeek reports overlaps and keeps the old data). */
	for (size_t u = off / 8; u * 8 < off + n; u++) {
		if (d->seen[u / 8] & (1u << (u % 8)))
			continue;
		size_t a = u * 8, b = a + 8 < off + n ? a + 8 : off + n;
		if (a < off)
			a = off;
		memcpy(d->data + a, ip + data_off + (a - off), b - a);
		if (b - u * 8 == 8 || b == off + n)
			d->seen[u / 8] |= (uint8_t)(1u << (u % 8));
	}
	if (!d->total || !d->have_first || d->hdr_len + d->total > MAX_DGRAM)
		return NULL;
	for (size_t u = 0; u * 8 < d->total; u++)
		if (!(d->seen[u / 8] & (1u << (u % 8))))
			return NULL;
	/* Whole: the first header with its length set, then the data. */
	memcpy(f->out, d->hdr, d->hdr_len);
	memcpy(f->out + d->hdr_len, d->data, d->total);
	*len = d->hdr_len + d->total;
	if (d->family == 4) {
		f->out[2] = (uint8_t)(*len >> 8);
		f->out[3] = (uint8_t)*len;
		f->out[6] &= 0x40; /* DF stays; MF and the offset go */
		f->out[7] = 0;
	} else {
		size_t plen = *len - IPV6_HDR_LEN;
		f->out[4] = (uint8_t)(plen >> 8);
		f->out[5] = (uint8_t)plen;
	}
	drop(f, d);
	return f->out;
}
