/* SPDX-License-Identifier: BSD-2-Clause */
/* wire_state.c: the payloads of the shared state (steer/clu_wire.h): pings, batches of set
 * insertions (insert, ring, deliver, sync), and the known host / service reports. Each decoder
 * checks every byte before any record is handed out, so a receiver never applies half of a
 * malformed batch. */
#include <stdio.h>

#include <steer/clu_wire.h>
#include <steer/error.h>

#include "util_int.h"
#include "wire_int.h"

static bool set_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CLU_SET_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* ---- pings ---- */

size_t clu_ping_encode(const struct clu_ping *p, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	wr_be(&w, p->flags, 1);
	wr_be(&w, 0, 1);
	wr_be(&w, p->incarnation, 8);
	wr_be(&w, p->entries, 8);
	return w.full ? 0 : w.len;
}

int clu_ping_decode(const struct clu_msg *m, struct clu_ping *p, char *errbuf)
{
	if (m->type != CLU_MSG_PING && m->type != CLU_MSG_PONG) {
		clu__err(errbuf, "%s from %s: not a ping", clu_msg_type_name(m->type), m->sender);
		return CLU_WIRE_EINVAL;
	}
	int rc = clu__wire_fixed(m, m->type, CLU_PING_LEN, errbuf);
	if (rc != CLU_WIRE_OK)
		return rc;
	struct rd r = {.p = m->payload, .left = m->len};
	p->flags = rd_u8(&r);
	uint8_t reserved = rd_u8(&r);
	p->incarnation = rd_u64(&r);
	p->entries = rd_u64(&r);
	bool ok = m->type == CLU_MSG_PING
	              ? (p->flags & ~(CLU_PING_ATTACHED | CLU_PING_RING)) == 0 && p->entries == 0
	              : (p->flags & ~CLU_PONG_SUBSCRIBED) == CLU_PROXY_SYNCING ||
	                    (p->flags & ~CLU_PONG_SUBSCRIBED) == CLU_PROXY_READY;
	if (!ok || reserved != 0) {
		clu__err(errbuf, "%s from %s: flags 0x%02x, reserved %u, entries %llu: invalid",
		         clu_msg_type_name(m->type), m->sender, p->flags, reserved,
		         (unsigned long long)p->entries);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}

/* ---- set batches ---- */

size_t clu_set_rec_encode(const struct clu_set_rec *r, uint8_t *out, size_t cap)
{
	if (!set_name_ok(r->set, r->setlen) || r->keylen == 0 || r->keylen > CLU_SET_KEY_MAX ||
	    r->ts_us < 0 || r->expire_us <= r->ts_us)
		return 0;
	struct wr w = {.p = out, .cap = cap};
	wr_str(&w, 1, r->set, r->setlen);
	wr_str(&w, 2, (const char *)r->key, r->keylen);
	wr_be(&w, (uint64_t)r->ts_us, 8);
	wr_be(&w, (uint64_t)r->expire_us, 8);
	wr_be(&w, r->origin, 2);
	return w.full ? 0 : w.len;
}

void clu_set_batch_header(uint8_t *out, const struct clu_set_batch *b, bool ring)
{
	struct wr w = {.p = out, .cap = CLU_SET_RING_HDR};
	if (ring) {
		wr_be(&w, b->ring_origin, 2);
		wr_be(&w, b->hops, 1);
		wr_be(&w, 0, 1);
		wr_be(&w, b->ring_incarnation, 8);
	}
	wr_be(&w, b->flags, 1);
	wr_be(&w, 0, 1);
	wr_be(&w, b->count, 4);
}

/* Reads one record of a batch already checked. */
static void rd_rec_checked(struct rd *r, struct clu_set_rec *rec)
{
	rec->setlen = rd_u8(r);
	rec->set = (const char *)rd_take(r, rec->setlen);
	rec->keylen = rd_u16(r);
	rec->key = rd_take(r, rec->keylen);
	rec->ts_us = (int64_t)rd_u64(r);
	rec->expire_us = (int64_t)rd_u64(r);
	rec->origin = rd_u16(r);
}

/* Reads one record; false when it is cut short (r->trunc) or a field is out of range. */
static bool rd_rec(struct rd *r, struct clu_set_rec *rec)
{
	const char *set, *key;
	size_t setlen, keylen;
	bool ok = rd_str(r, 1, CLU_SET_NAME_MAX, &set, &setlen);
	ok &= rd_str(r, 2, CLU_SET_KEY_MAX, &key, &keylen);
	rec->ts_us = (int64_t)rd_u64(r);
	rec->expire_us = (int64_t)rd_u64(r);
	rec->origin = rd_u16(r);
	if (r->trunc || !ok)
		return false;
	rec->set = set;
	rec->setlen = (uint8_t)setlen;
	rec->key = (const uint8_t *)key;
	rec->keylen = (uint16_t)keylen;
	return set_name_ok(set, setlen) && keylen > 0 && rec->ts_us >= 0 &&
	       rec->expire_us > rec->ts_us;
}

int clu_set_batch_decode(const struct clu_msg *m, struct clu_set_batch *b, char *errbuf)
{
	bool ring = m->type == CLU_MSG_SET_RING;
	if (!ring && m->type != CLU_MSG_SET_INSERT && m->type != CLU_MSG_SET_DELIVER &&
	    m->type != CLU_MSG_SYNC) {
		clu__err(errbuf, "%s from %s: not a set batch", clu_msg_type_name(m->type),
		         m->sender);
		return CLU_WIRE_EINVAL;
	}
	struct rd r = {.p = m->payload, .left = m->len};
	*b = (struct clu_set_batch){0};
	uint8_t res1 = 0;
	if (ring) {
		b->ring_origin = rd_u16(&r);
		b->hops = rd_u8(&r);
		res1 = rd_u8(&r);
		b->ring_incarnation = rd_u64(&r);
	}
	b->flags = rd_u8(&r);
	uint8_t res2 = rd_u8(&r);
	b->count = rd_u32(&r);
	if (r.trunc) {
		clu__err(errbuf, "%s from %s: %u bytes, shorter than its header",
		         clu_msg_type_name(m->type), m->sender, m->len);
		return CLU_WIRE_ETRUNC;
	}
	uint8_t allowed = m->type == CLU_MSG_SYNC ? CLU_SYNC_LAST : 0;
	if (res1 || res2 || (b->flags & ~allowed)) {
		clu__err(errbuf, "%s from %s: flags 0x%02x: invalid", clu_msg_type_name(m->type),
		         m->sender, b->flags);
		return CLU_WIRE_EINVAL;
	}
	b->recs = r.p;
	b->len = r.left;
	for (uint32_t i = 0; i < b->count; i++) {
		struct clu_set_rec rec;
		if (!rd_rec(&r, &rec)) {
			clu__err(errbuf, "%s %llu from %s: record %u of %u: %s",
			         clu_msg_type_name(m->type), (unsigned long long)m->seq, m->sender,
			         i + 1, b->count,
			         r.trunc ? "cut short" : "set name, key or times out of range");
			return r.trunc ? CLU_WIRE_ETRUNC : CLU_WIRE_EINVAL;
		}
	}
	if (r.left != 0) {
		clu__err(errbuf, "%s from %s: %zu bytes after %u records",
		         clu_msg_type_name(m->type), m->sender, r.left, b->count);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}

bool clu_set_batch_next(const struct clu_set_batch *b, size_t *off, struct clu_set_rec *rec)
{
	if (*off >= b->len)
		return false;
	struct rd r = {.p = b->recs + *off, .left = b->len - *off};
	rd_rec_checked(&r, rec);
	*off = b->len - r.left;
	return !r.trunc; /* always true after clu_set_batch_decode */
}

/* ---- known hosts and services ---- */

static void wr_addr(struct wr *w, const struct steer_addr *a)
{
	wr_be(w, a->family, 1);
	wr_bytes(w, a->a, 16);
}

static bool rd_addr(struct rd *r, struct steer_addr *a)
{
	a->family = rd_u8(r);
	const uint8_t *p = rd_take(r, 16);
	if (!p)
		return false;
	memcpy(a->a, p, 16);
	if (a->family == 4) {
		for (int i = 4; i < 16; i++)
			if (a->a[i])
				return false;
		return true;
	}
	return a->family == 6;
}

size_t clu_known_encode(const struct clu_known *k, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	if (k->nservices > CLU_KNOWN_SERVICES_MAX)
		return 0;
	wr_be(&w, k->kind, 1);
	wr_be(&w, k->proto, 1);
	wr_be(&w, k->port, 2);
	wr_be(&w, (uint64_t)k->ts_us, 8);
	wr_addr(&w, &k->host);
	wr_be(&w, k->nservices, 1);
	for (unsigned i = 0; i < k->nservices; i++) {
		if (k->service[i].len == 0 || k->service[i].len > CLU_SERVICE_NAME_MAX)
			return 0;
		wr_str(&w, 1, k->service[i].p, k->service[i].len);
	}
	return w.full ? 0 : w.len;
}

static bool printable(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return false;
	return true;
}

int clu_known_decode(const struct clu_msg *m, struct clu_known *k, char *errbuf)
{
	if (m->type != CLU_MSG_KNOWN) {
		clu__err(errbuf, "%s from %s: not a known report", clu_msg_type_name(m->type),
		         m->sender);
		return CLU_WIRE_EINVAL;
	}
	struct rd r = {.p = m->payload, .left = m->len};
	k->kind = rd_u8(&r);
	k->proto = rd_u8(&r);
	k->port = rd_u16(&r);
	k->ts_us = (int64_t)rd_u64(&r);
	bool ok = rd_addr(&r, &k->host);
	k->nservices = rd_u8(&r);
	ok &= k->nservices <= CLU_KNOWN_SERVICES_MAX;
	for (unsigned i = 0; ok && i < k->nservices; i++) {
		const char *p;
		size_t len;
		ok = rd_str(&r, 1, CLU_SERVICE_NAME_MAX, &p, &len) && len > 0 && printable(p, len);
		k->service[i].p = p;
		k->service[i].len = (uint8_t)len;
	}
	if (r.trunc) {
		clu__err(errbuf, "known report from %s: %u bytes, cut short", m->sender, m->len);
		return CLU_WIRE_ETRUNC;
	}
	if (k->kind == CLU_KNOWN_HOST)
		ok &= k->port == 0 && k->proto == 0 && k->nservices == 0;
	else
		ok &= k->kind == CLU_KNOWN_SERVICE;
	if (!ok || k->ts_us < 0 || r.left != 0) {
		clu__err(errbuf,
		         "known report from %s: kind %u, address family %u, %u services: "
		         "invalid",
		         m->sender, k->kind, k->host.family, k->nservices);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}
