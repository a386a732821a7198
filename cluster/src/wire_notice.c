/* SPDX-License-Identifier: BSD-2-Clause */
/* wire_notice.c: the payloads of notices (steer/clu_wire.h): a notice raised on a node, and the
 * suppressions the manager announces. */
#include <stdio.h>

#include <steer/clu_wire.h>
#include <steer/error.h>

#include "util_int.h"
#include "wire_int.h"

static void wr_addr(struct wr *w, const struct steer_addr *a)
{
	wr_be(w, a->family, 1);
	wr_bytes(w, a->a, 16);
}

/* An address field: family 0 (absent), 4 (last 12 bytes zero) or 6. */
static bool rd_addr(struct rd *r, struct steer_addr *a, bool present)
{
	a->family = rd_u8(r);
	const uint8_t *p = rd_take(r, 16);
	if (!p)
		return false;
	memcpy(a->a, p, 16);
	bool zero_tail = true, zero = true;
	for (int i = 0; i < 16; i++) {
		zero &= a->a[i] == 0;
		if (i >= 4)
			zero_tail &= a->a[i] == 0;
	}
	if (!present)
		return a->family == 0 && zero;
	return (a->family == 4 && zero_tail) || a->family == 6;
}

static void wr_wstr(struct wr *w, struct clu_wstr s)
{
	wr_str(w, 2, s.p ? s.p : "", s.p ? s.len : 0);
}

/* A string field of at most max bytes; an absent one (present false) must be empty. */
static bool rd_wstr(struct rd *r, size_t max, bool present, struct clu_wstr *s)
{
	const char *p;
	size_t len;
	bool ok = rd_str(r, 2, max, &p, &len);
	s->p = present && ok ? p : NULL;
	s->len = present && ok ? (uint16_t)len : 0;
	return ok && (present || len == 0);
}

size_t clu_notice_encode(const struct clu_notice_msg *nm, uint8_t *out, size_t cap)
{
	static const struct steer_addr none;
	uint16_t f = nm->flags;
	if ((f & ~CLU_NF__ALL) || !nm->note.p || nm->note.len == 0 || nm->note.len > CLU_NOTE_MAX ||
	    nm->msg.len > CLU_MSG_MAX || nm->sub.len > CLU_MSG_MAX ||
	    nm->ident.len > CLU_IDENT_MAX || nm->uid.len > CLU_UID_MAX)
		return 0;
	struct wr w = {.p = out, .cap = cap};
	wr_be(&w, (uint64_t)nm->ts_us, 8);
	wr_be(&w, f, 2);
	wr_wstr(&w, nm->note);
	wr_wstr(&w, nm->msg);
	wr_wstr(&w, (f & CLU_NF_SUB) ? nm->sub : (struct clu_wstr){0});
	wr_wstr(&w, (f & CLU_NF_IDENT) ? nm->ident : (struct clu_wstr){0});
	bool conn = f & CLU_NF_CONN;
	wr_wstr(&w, conn ? nm->uid : (struct clu_wstr){0});
	wr_addr(&w, conn ? &nm->orig_h : &none);
	wr_be(&w, conn ? nm->orig_p : 0, 2);
	wr_addr(&w, conn ? &nm->resp_h : &none);
	wr_be(&w, conn ? nm->resp_p : 0, 2);
	wr_be(&w, conn ? nm->proto : 0, 1);
	wr_addr(&w, (f & CLU_NF_SRC) ? &nm->src : &none);
	wr_addr(&w, (f & CLU_NF_DST) ? &nm->dst : &none);
	wr_be(&w, (f & CLU_NF_P) ? nm->p : 0, 2);
	wr_be(&w, (f & CLU_NF_N) ? nm->n : 0, 8);
	return w.full ? 0 : w.len;
}

static bool note_ok(struct clu_wstr s)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.p[i] <= 0x20 || (unsigned char)s.p[i] >= 0x7f)
			return false;
	return true;
}

int clu_notice_decode(const struct clu_msg *m, struct clu_notice_msg *nm, char *errbuf)
{
	if (m->type != CLU_MSG_NOTICE) {
		clu__err(errbuf, "%s from %s: not a notice", clu_msg_type_name(m->type), m->sender);
		return CLU_WIRE_EINVAL;
	}
	struct rd r = {.p = m->payload, .left = m->len};
	nm->ts_us = (int64_t)rd_u64(&r);
	uint16_t f = nm->flags = rd_u16(&r);
	bool conn = f & CLU_NF_CONN;
	bool ok = rd_wstr(&r, CLU_NOTE_MAX, true, &nm->note);
	ok &= rd_wstr(&r, CLU_MSG_MAX, true, &nm->msg);
	ok &= rd_wstr(&r, CLU_MSG_MAX, f & CLU_NF_SUB, &nm->sub);
	ok &= rd_wstr(&r, CLU_IDENT_MAX, f & CLU_NF_IDENT, &nm->ident);
	ok &= rd_wstr(&r, CLU_UID_MAX, conn, &nm->uid);
	ok &= rd_addr(&r, &nm->orig_h, conn);
	nm->orig_p = rd_u16(&r);
	ok &= rd_addr(&r, &nm->resp_h, conn);
	nm->resp_p = rd_u16(&r);
	nm->proto = rd_u8(&r);
	ok &= rd_addr(&r, &nm->src, f & CLU_NF_SRC);
	ok &= rd_addr(&r, &nm->dst, f & CLU_NF_DST);
	nm->p = rd_u16(&r);
	nm->n = rd_u64(&r);
	if (r.trunc) {
		clu__err(errbuf, "notice from %s: %u bytes, cut short", m->sender, m->len);
		return CLU_WIRE_ETRUNC;
	}
	if (!conn)
		ok &= nm->orig_p == 0 && nm->resp_p == 0 && nm->proto == 0;
	if (!(f & CLU_NF_P))
		ok &= nm->p == 0;
	if (!(f & CLU_NF_N))
		ok &= nm->n == 0;
	if (!ok || (f & ~CLU_NF__ALL) || !note_ok(nm->note) || nm->ts_us < 0 || r.left != 0) {
		clu__err(errbuf, "notice from %s: flags 0x%04x: a field out of range", m->sender,
		         f);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}

size_t clu_suppress_encode(const struct clu_suppress *v, size_t n, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	if (n > UINT16_MAX)
		return 0;
	wr_be(&w, n, 2);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].note.p || v[i].note.len == 0 || v[i].note.len > CLU_NOTE_MAX ||
		    v[i].ident.len > CLU_IDENT_MAX || v[i].until_us < 0)
			return 0;
		wr_wstr(&w, v[i].note);
		wr_wstr(&w, v[i].ident);
		wr_be(&w, (uint64_t)v[i].until_us, 8);
	}
	return w.full ? 0 : w.len;
}

int clu_suppress_decode(const struct clu_msg *m, struct clu_suppress *v, size_t max, size_t *n,
                        char *errbuf)
{
	*n = 0;
	if (m->type != CLU_MSG_SUPPRESS) {
		clu__err(errbuf, "%s from %s: not a suppression", clu_msg_type_name(m->type),
		         m->sender);
		return CLU_WIRE_EINVAL;
	}
	struct rd r = {.p = m->payload, .left = m->len};
	uint16_t count = rd_u16(&r);
	for (uint16_t i = 0; i < count && !r.trunc; i++) {
		struct clu_suppress e;
		bool ok = rd_wstr(&r, CLU_NOTE_MAX, true, &e.note);
		ok &= rd_wstr(&r, CLU_IDENT_MAX, true, &e.ident);
		e.until_us = (int64_t)rd_u64(&r);
		if (r.trunc)
			break;
		if (!ok || !note_ok(e.note) || e.until_us < 0) {
			clu__err(errbuf, "suppression from %s: entry %u: invalid", m->sender,
			         i + 1);
			return CLU_WIRE_EINVAL;
		}
		if (*n < max)
			v[(*n)++] = e;
	}
	if (r.trunc) {
		clu__err(errbuf, "suppression from %s: %u bytes, cut short", m->sender, m->len);
		return CLU_WIRE_ETRUNC;
	}
	if (r.left != 0) {
		clu__err(errbuf, "suppression from %s: %zu bytes after %u entries", m->sender,
		         r.left, count);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}
