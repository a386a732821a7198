/* SPDX-License-Identifier: BSD-2-Clause */
/* proxy_ring.c: insertions round the ring of proxies. A batch enters the ring at one proxy
 * (its worker's, or the owner of a known key), which numbers it (origin, incarnation, seq) and
 * keeps it; every proxy merges its records (clu_sset.h), delivers those new to its replica to
 * its workers, and passes the batch to the next live proxy; the proxy that would pass it on
 * to the origin, or beyond where the origin was, hands it back to the origin (a completion) or
 * drops it if the origin is dead. The origin sends a batch round again when a proxy dies (it
 * may have died holding it) or when it does not come back in time; records already merged
 * are then not delivered again, so each worker gets each insertion once. A completion is what
 * the worker's insertion batch is acknowledged on. */
#include <stdlib.h>
#include <string.h>

#include "proxy_int.h"

static struct pend *pend_at(struct clu__proxy *px, size_t i)
{
	return &px->q[(px->head + i) % px->cap];
}

void clu__ring_free(struct clu__proxy *px)
{
	for (size_t i = 0; i < px->count; i++)
		free(pend_at(px, i)->payload);
	free(px->q);
}

/* The pool index to send a batch of ring origin o to from this proxy: the next live proxy; o
 * itself when the batch has gone round (a completion); -1 when there is none to send to (the
 * origin is dead, or this proxy is alone). */
static int ring_next(const struct clu__proxy *px, int o)
{
	const struct clu__peers *ps = &px->peers;
	int n = (int)ps->pool.n;
	for (int k = 1; k < n; k++) {
		int i = (ps->self + k) % n;
		if (i == o)
			return ps->alive >> o & 1 ? o : -1;
		if (ps->alive >> i & 1)
			return i;
	}
	return -1;
}

static void send_ack(struct clu_node *n, int worker, uint64_t wseq)
{
	struct sub *s = &px_of(n)->subs[worker];
	zmq_msg_t msg;
	if (!s->has_route || !clu__msg_init(&msg, CLU_MSG_SET_ACK, wseq, n->self->name, 0))
		return;
	if (clu__send(n, n->listen, &s->route, &msg) != 0)
		zmq_msg_close(&msg);
}

static void complete(struct clu_node *n, struct pend *p)
{
	struct clu__proxy *px = px_of(n);
	if (p->done)
		return;
	p->done = true;
	CLU__ADD(px->st.ring_done, 1);
	if (p->worker >= 0)
		send_ack(n, p->worker, p->wseq);
}

/* Frees the completed batches at the front (not in complete(): the tick walks the queue by
 * index while it completes). */
static void pop_done(struct clu__proxy *px)
{
	while (px->count && pend_at(px, 0)->done) {
		free(pend_at(px, 0)->payload);
		px->head = (px->head + 1) % px->cap;
		px->count--;
	}
}

/* Sends pending batch p (hops 0) to the next proxy, or completes it when there is none. */
static void launch(struct clu_node *n, struct pend *p, int64_t now)
{
	struct clu__proxy *px = px_of(n);
	int nx = ring_next(px, px->peers.self);
	p->sent_us = now;
	if (nx < 0) {
		complete(n, p);
		return;
	}
	zmq_msg_t msg;
	uint8_t *b = clu__msg_init(&msg, CLU_MSG_SET_RING, p->seq, n->self->name, p->len);
	if (!b)
		return;
	memcpy(b, p->payload, p->len);
	if (clu__peers_send(n, &px->peers, nx, &msg) == 0)
		CLU__ADD(px->st.ring_out, 1);
	else
		zmq_msg_close(&msg); /* sent again by the tick */
}

/* Puts records (already merged here) on the ring as a batch of this proxy. */
static int originate(struct clu_node *n, const uint8_t *recs, size_t len, uint32_t count,
                     int worker, uint64_t wseq)
{
	struct clu__proxy *px = px_of(n);
	if (px->count == px->cap) {
		size_t cap = px->cap ? px->cap * 2 : 256;
		if (cap > PENDING_MAX)
			return STEER_EFULL;
		struct pend *q = malloc(cap * sizeof(*q));
		if (!q)
			return STEER_ENOMEM;
		for (size_t i = 0; i < px->count; i++)
			q[i] = *pend_at(px, i);
		free(px->q);
		px->q = q;
		px->head = 0;
		px->cap = cap;
	}
	struct pend *p = pend_at(px, px->count);
	/* Numbered only once kept: the queue's seqs are consecutive (completions index it). */
	*p = (struct pend){.worker = worker, .wseq = wseq};
	if (!(p->payload = malloc(CLU_SET_RING_HDR + len)))
		return STEER_ENOMEM;
	p->seq = ++px->ring_seq;
	struct clu_set_batch h = {.count = count,
	                          .ring_origin = (uint16_t)(n->self - n->layout->procs),
	                          .ring_incarnation = px->peers.incarnation};
	clu_set_batch_header(p->payload, &h, true);
	memcpy(p->payload + CLU_SET_RING_HDR, recs, len);
	p->len = CLU_SET_RING_HDR + len;
	px->count++;
	int64_t now = clu__mono_us();
	if (now + px->resend_us < px->next_resend_us)
		px->next_resend_us = now + px->resend_us;
	launch(n, p, now);
	pop_done(px);
	return 0;
}

/* Sends worker w its pending delivery; a worker detached since takes none (it asks for a
 * copy): what was pending for it goes. */
static void deliver(struct clu_node *n, size_t w)
{
	struct clu__proxy *px = px_of(n);
	struct sub *s = &px->subs[w];
	if (s->out.count == 0)
		return;
	zmq_msg_t m;
	struct clu_set_batch h = {.count = s->out.count};
	if (s->attached && s->has_route &&
	    clu__batch_msg(n, &m, CLU_MSG_SET_DELIVER, 0, &h, s->out.p, s->out.len)) {
		if (clu__send(n, n->listen, &s->route, &m) == 0) {
			CLU__ADD(px->st.delivered, s->out.count);
		} else {
			/* Gone, or too far behind: it has missed this delivery. It learns so from
			 * the next pong and asks for a copy. */
			zmq_msg_close(&m);
			s->attached = false;
		}
	}
	clu__recbuf_reset(&s->out);
}

void clu__ring_deliver(struct clu_node *n)
{
	for (size_t w = 0; w < n->layout->n; w++)
		deliver(n, w);
}

void clu__ring_apply(struct clu_node *n, const struct clu_set_batch *b, int64_t now)
{
	struct clu__proxy *px = px_of(n);
	size_t off = 0, ahead = 0;
	struct clu_set_rec r;
	uint64_t changed = 0;
	for (size_t at = 0; clu__batch_walk(b, px->set, &off, &ahead, &r); at = off) {
		int rc = clu_sset_merge(px->set, &r, now);
		if (rc == STEER_EFULL || rc == STEER_ENOMEM)
			CLU__ADD(px->st.full, 1);
		if (rc != 1)
			continue;
		changed++;
		for (size_t w = 0; w < n->layout->n; w++) {
			struct sub *s = &px->subs[w];
			if (!s->attached || r.origin == w)
				continue;
			if (clu__recbuf_raw(&s->out, b->recs + at, off - at) != 0)
				s->attached = false; /* out of memory: it asks for a copy */
			else if (s->out.len >= CLU__BATCH_BYTES)
				deliver(n, w);
		}
	}
	CLU__ADD(px->st.changed, changed);
}

void clu__ring_on_insert(struct clu_node *n, struct clu__rx *rx)
{
	struct clu__proxy *px = px_of(n);
	char err[STEER_ERRBUF_SIZE];
	struct clu_set_batch b;
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || p->role != CLU_ROLE_WORKER) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "set insert from %s: not a worker",
		          rx->m.sender);
		return;
	}
	if (clu_set_batch_decode(&rx->m, &b, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	int w = (int)(p - n->layout->procs);
	size_t off = 0;
	struct clu_set_rec r;
	while (clu_set_batch_next(&b, &off, &r))
		if (r.origin != w) {
			clu__drop(n, CLU__DROP_INVALID, "set insert from %s: a record of origin %u",
			          rx->m.sender, r.origin);
			return;
		}
	if (!clu__proxy_ready(n)) {
		CLU__ADD(px->st.refused, 1); /* not acknowledged: the worker sends it elsewhere */
		return;
	}
	CLU__ADD(px->st.inserted, b.count);
	clu__ring_apply(n, &b, (int64_t)clu__wall_us());
	if (originate(n, b.recs, b.len, b.count, w, rx->m.seq) != 0)
		CLU__ADD(px->st.refused, 1);
}

int clu__proxy_originate(struct clu_node *n, const struct clu__recbuf *rb)
{
	struct clu_set_batch b = {.recs = rb->p, .len = rb->len, .count = rb->count};
	clu__ring_apply(n, &b, (int64_t)clu__wall_us());
	return originate(n, rb->p, rb->len, rb->count, -1, 0);
}

void clu__ring_on_ring(struct clu_node *n, struct clu__rx *rx)
{
	struct clu__proxy *px = px_of(n);
	struct clu__peers *ps = &px->peers;
	char err[STEER_ERRBUF_SIZE];
	struct clu_set_batch b;
	const struct clu_proc *from = clu_layout_find(n->layout, rx->m.sender);
	if (!from || from->role != CLU_ROLE_PROXY) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "set ring from %s: not a proxy", rx->m.sender);
		return;
	}
	if (clu_set_batch_decode(&rx->m, &b, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	int o = b.ring_origin < n->layout->n
	            ? clu_pool_index(&ps->pool, &n->layout->procs[b.ring_origin])
	            : -1;
	if (o < 0) {
		clu__drop(n, CLU__DROP_INVALID, "set ring from %s: origin %u is not a proxy",
		          rx->m.sender, b.ring_origin);
		return;
	}
	CLU__ADD(px->st.ring_in, 1);
	if (o == ps->self) {
		/* Back home: complete, if it is this incarnation's and still pending. */
		if (b.ring_incarnation == ps->incarnation && px->count &&
		    rx->m.seq >= pend_at(px, 0)->seq && rx->m.seq - pend_at(px, 0)->seq < px->count)
			complete(n, pend_at(px, (size_t)(rx->m.seq - pend_at(px, 0)->seq)));
		pop_done(px);
		return;
	}
	if (b.hops >= ps->pool.n) {
		CLU__ADD(px->st.ring_dropped, 1);
		return;
	}
	clu__ring_apply(n, &b, (int64_t)clu__wall_us());
	int nx = ring_next(px, o);
	if (nx < 0)
		return;
	zmq_msg_t msg;
	uint8_t *p = clu__msg_init(&msg, CLU_MSG_SET_RING, rx->m.seq, n->self->name, rx->m.len);
	if (!p)
		return;
	memcpy(p, rx->m.payload, rx->m.len);
	p[2] = (uint8_t)(b.hops + 1); /* the hop count (wire layout: u16 origin, u8 hops) */
	if (clu__peers_send(n, ps, nx, &msg) == 0)
		CLU__ADD(px->st.ring_out, 1);
	else
		zmq_msg_close(&msg); /* the origin sends it again */
}

int64_t clu__ring_tick(struct clu_node *n, int64_t now)
{
	struct clu__proxy *px = px_of(n);
	bool changed = px->peers.alive != px->last_alive;
	px->last_alive = px->peers.alive;
	if (!changed && now < px->next_resend_us)
		return px->next_resend_us;
	int64_t next = INT64_MAX;
	/* A proxy that died may have held any batch still out: send them all round again. */
	for (size_t i = 0; i < px->count; i++) {
		struct pend *p = pend_at(px, i);
		if (p->done)
			continue;
		if (changed || now - p->sent_us >= px->resend_us) {
			CLU__ADD(px->st.ring_resent, 1);
			launch(n, p, now);
		}
		if (!p->done && p->sent_us + px->resend_us < next)
			next = p->sent_us + px->resend_us;
	}
	pop_done(px);
	px->next_resend_us = next;
	return next;
}
