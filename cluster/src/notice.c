/* SPDX-License-Identifier: BSD-2-Clause */
/* notice.c: raising a notice (steer/clu_notice.h) on any node: checked, dropped when the
 * manager said its (note, identifier) is suppressed, else sent to the manager over the
 * heartbeat link, or held (a bounded number) while the manager is away. The suppressions the
 * manager announces arrive on that link too. */
#include <stdlib.h>
#include <string.h>

#include "notice_int.h"

#define HELD_MAX   1024 /* notices held while the manager is away */
#define SUPP_MAX   (1u << 18)
#define NOTICE_BUF 16384 /* largest encoded notice: the field limits add up to less */

struct clu__notices {
	struct clu_sset *supp;
	struct {
		uint8_t *p;
		size_t len;
	} held[HELD_MAX];
	size_t head, nheld;
	uint64_t seq;
	int64_t sweep_us;
	int64_t said_us;
};

/* ---- shared with the manager ---- */

static struct clu_wstr wstr(const char *s, size_t max, bool *ok)
{
	size_t len = s ? strnlen(s, max + 1) : 0;
	*ok &= len <= max;
	return (struct clu_wstr){.p = s, .len = (uint16_t)(len > max ? max : len)};
}

int clu__notice_msg(const struct clu_notice *nt, int64_t now_us, struct clu_notice_msg *nm)
{
	bool ok = nt->note && nt->msg;
	memset(nm, 0, sizeof(*nm));
	if (!ok)
		return STEER_EINVAL;
	nm->ts_us = nt->ts_us ? nt->ts_us : now_us;
	nm->note = wstr(nt->note, CLU_NOTE_MAX, &ok);
	nm->msg = wstr(nt->msg, CLU_MSG_MAX, &ok);
	for (size_t i = 0; i < nm->note.len; i++)
		ok &= (unsigned char)nm->note.p[i] > 0x20 && (unsigned char)nm->note.p[i] < 0x7f;
	ok &= nm->note.len > 0;
	if (nt->sub) {
		nm->flags |= CLU_NF_SUB;
		nm->sub = wstr(nt->sub, CLU_MSG_MAX, &ok);
	}
	if (nt->identifier) {
		nm->flags |= CLU_NF_IDENT;
		nm->ident = wstr(nt->identifier, CLU_IDENT_MAX, &ok);
	}
	const struct clu_notice_conn *c = nt->conn;
	if (c) {
		nm->flags |= CLU_NF_CONN;
		nm->uid = wstr(c->uid, CLU_UID_MAX, &ok);
		nm->orig_h = c->orig_h;
		nm->resp_h = c->resp_h;
		nm->orig_p = c->orig_p;
		nm->resp_p = c->resp_p;
		nm->proto = c->proto;
		ok &= (c->orig_h.family == 4 || c->orig_h.family == 6) &&
		      (c->resp_h.family == 4 || c->resp_h.family == 6);
	}
	/* Zeek's defaults: src, dst and p from the connection's id. */
	const struct steer_addr *src = nt->src ? nt->src : c ? &c->orig_h : NULL;
	const struct steer_addr *dst = nt->dst ? nt->dst : c ? &c->resp_h : NULL;
	if (src) {
		nm->flags |= CLU_NF_SRC;
		nm->src = *src;
		ok &= src->family == 4 || src->family == 6;
	}
	if (dst) {
		nm->flags |= CLU_NF_DST;
		nm->dst = *dst;
		ok &= dst->family == 4 || dst->family == 6;
	}
	if (nt->has_p || c) {
		nm->flags |= CLU_NF_P;
		nm->p = nt->has_p ? nt->p : c->resp_p;
	}
	if (nt->has_n) {
		nm->flags |= CLU_NF_N;
		nm->n = nt->n;
	}
	ok &= nm->ts_us >= 0;
	return ok ? 0 : STEER_EINVAL;
}

/* The table's key: note, a NUL, identifier (both fit CLU_SET_KEY_MAX). */
static size_t supp_key(struct clu_wstr note, struct clu_wstr ident, uint8_t *out)
{
	memcpy(out, note.p, note.len);
	out[note.len] = 0;
	if (ident.len)
		memcpy(out + note.len + 1, ident.p, ident.len);
	return note.len + 1u + ident.len;
}

bool clu__supp_active(struct clu_sset *s, struct clu_wstr note, struct clu_wstr ident, int64_t now)
{
	uint8_t key[CLU_NOTE_MAX + 1 + CLU_IDENT_MAX];
	return clu_sset_find(s, "supp", 4, key, supp_key(note, ident, key), now, NULL);
}

void clu__supp_add(struct clu_sset *s, struct clu_wstr note, struct clu_wstr ident, int64_t now,
                   int64_t until)
{
	uint8_t key[CLU_NOTE_MAX + 1 + CLU_IDENT_MAX];
	if (until <= now)
		return;
	struct clu_set_rec r = {.set = "supp",
	                        .setlen = 4,
	                        .key = key,
	                        .keylen = (uint16_t)supp_key(note, ident, key),
	                        .ts_us = now,
	                        .expire_us = until};
	(void)clu_sset_merge(s, &r, now); /* full: the manager still suppresses */
}

/* ---- a node's side ---- */

int clu__notices_open(struct clu_node *n, char *errbuf)
{
	struct clu__notices *x = calloc(1, sizeof(*x));
	if (!x || clu_sset_new(SUPP_MAX, &x->supp) != 0) {
		free(x);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->notices = x;
	return 0;
}

void clu__notices_close(struct clu_node *n)
{
	struct clu__notices *x = n->notices;
	if (!x)
		return;
	for (size_t i = 0; i < x->nheld; i++)
		free(x->held[(x->head + i) % HELD_MAX].p);
	clu_sset_free(x->supp);
	free(x);
	n->notices = NULL;
}

static int send_bytes(struct clu_node *n, const uint8_t *p, size_t len)
{
	struct clu__notices *x = n->notices;
	zmq_msg_t msg;
	uint8_t *b = clu__msg_init(&msg, CLU_MSG_NOTICE, ++x->seq, n->self->name, len);
	if (!b)
		return STEER_ENOMEM;
	memcpy(b, p, len);
	if (clu__send(n, n->mgr.sock, NULL, &msg) != 0) {
		zmq_msg_close(&msg);
		return STEER_EIO;
	}
	return 0;
}

int clu_node_notice(struct clu_node *n, const struct clu_notice *nt)
{
	struct clu_notice_msg nm;
	int64_t now = (int64_t)clu__wall_us();
	if (clu__notice_msg(nt, now, &nm) != 0)
		return STEER_EINVAL;
	if (n->self->role == CLU_ROLE_MANAGER) {
		clu__noticemgr_handle(n, &nm, n->self->name);
		return 0;
	}
	struct clu__notices *x = n->notices;
	if (!x)
		return STEER_ENOTSUP;
	if ((nm.flags & CLU_NF_IDENT) && clu__supp_active(x->supp, nm.note, nm.ident, now))
		return 0;
	uint8_t buf[NOTICE_BUF];
	size_t len = clu_notice_encode(&nm, buf, sizeof(buf));
	if (len == 0)
		return STEER_EINVAL;
	if (x->nheld == 0 && send_bytes(n, buf, len) == 0)
		return 0;
	/* The manager is away (or earlier notices wait): keep it, in order. */
	if (x->nheld == HELD_MAX) {
		if (now - x->said_us > 1000000) {
			clu__say(n, "notices: %d held for the manager already: %.*s dropped",
			         HELD_MAX, (int)nm.note.len, nm.note.p);
			x->said_us = now;
		}
		return 0;
	}
	uint8_t *copy = malloc(len);
	if (!copy)
		return STEER_ENOMEM;
	memcpy(copy, buf, len);
	size_t i = (x->head + x->nheld++) % HELD_MAX;
	x->held[i].p = copy;
	x->held[i].len = len;
	return 0;
}

int64_t clu__notices_tick(struct clu_node *n, int64_t now)
{
	struct clu__notices *x = n->notices;
	while (x->nheld && send_bytes(n, x->held[x->head].p, x->held[x->head].len) == 0) {
		free(x->held[x->head].p);
		x->head = (x->head + 1) % HELD_MAX;
		x->nheld--;
	}
	if (now >= x->sweep_us) { /* expired suppressions go, a piece every 100 ms */
		x->sweep_us = now + 100000;
		clu_sset_sweep(x->supp, (int64_t)clu__wall_us(), 1u << 14);
	}
	return x->nheld ? now + 100000 : INT64_MAX;
}

bool clu__notices_drained(const struct clu_node *n)
{
	return n->notices->nheld == 0;
}

void clu__notices_on_suppress(struct clu_node *n, struct clu__rx *rx)
{
	struct clu__notices *x = n->notices;
	struct clu_suppress v[CLU_SUPPRESS_PER_MSG];
	size_t nv;
	char err[STEER_ERRBUF_SIZE];
	if (clu_suppress_decode(&rx->m, v, CLU_SUPPRESS_PER_MSG, &nv, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	int64_t now = (int64_t)clu__wall_us();
	for (size_t i = 0; i < nv; i++)
		clu__supp_add(x->supp, v[i].note, v[i].ident, now, v[i].until_us);
}
