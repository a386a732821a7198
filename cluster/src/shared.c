/* SPDX-License-Identifier: BSD-2-Clause */
/* shared.c: a worker's side of the shared sets (steer/clu_shared.h). The worker keeps a
 * replica; its insertions go in it at once and, batched once per turn of the loop, to the
 * proxy it is assigned to (clu_pool_assign over the ready proxies), which acknowledges a batch
 * once it has gone round the ring; unacknowledged batches are sent again to whichever proxy
 * serves the worker next. Attaching to a proxy (at start, after its home proxy died or came
 * back, after a reconnection or the proxy's restart) asks it for a copy of its replica, then
 * takes its deliveries; merging drops whatever was seen already. */
#include <stdlib.h>
#include <string.h>

#include <steer/clu_shared.h>

#include "state_int.h"

#define BACKLOG_MAX 65536 /* batches waiting for the ring */

struct batch {
	uint64_t seq;
	uint8_t *recs;
	size_t len;
	uint32_t count;
	int64_t sent_us;
	bool acked;
};

struct clu__shared {
	struct clu__peers peers;
	struct clu_sset *set;
	int target;          /* the proxy attached to, -1: none */
	uint64_t target_inc; /* its incarnation when attached */
	uint32_t target_epoch;
	uint64_t attach_ping; /* pings up to this one went before the attachment */
	bool synced;
	uint64_t sync_id;
	int64_t sync_us;
	int64_t resend_us;
	int64_t sweep_us;
	struct clu__recbuf open; /* this turn's insertions */
	struct batch *q;         /* circular, oldest first */
	size_t head, count, cap;
	uint64_t seq;
	void (*watch)(void *, struct clu_node *, const struct clu_set_rec *);
	void *watch_arg;
};

static struct clu__shared *sh_of(const struct clu_node *n)
{
	return n->shared;
}

struct clu_sset *clu__shared_set(struct clu_node *n)
{
	return n->shared ? sh_of(n)->set : NULL;
}

static struct batch *at(struct clu__shared *s, size_t i)
{
	return &s->q[(s->head + i) % s->cap];
}

/* Merges a delivery or a copy; what is new goes to the watcher. */
static void take(struct clu_node *n, const struct clu_set_batch *b)
{
	struct clu__shared *s = sh_of(n);
	int64_t now = (int64_t)clu__wall_us();
	size_t off = 0, ahead = 0;
	struct clu_set_rec r;
	while (clu__batch_walk(b, s->set, &off, &ahead, &r)) {
		int rc = clu_sset_merge(s->set, &r, now);
		if (rc == 1) {
			CLU__ADD(n->m.set_new, 1);
			if (s->watch)
				s->watch(s->watch_arg, n, &r);
		} else if (rc == 0) {
			CLU__ADD(n->m.set_seen, 1);
		}
	}
}

static void on_ack(struct clu__shared *s, uint64_t seq)
{
	for (size_t i = 0; i < s->count; i++)
		if (at(s, i)->seq == seq)
			at(s, i)->acked = true;
	while (s->count && at(s, 0)->acked) {
		free(at(s, 0)->recs);
		s->head = (s->head + 1) % s->cap;
		s->count--;
	}
}

static void on_msg(struct clu_node *n, int peer, struct clu__rx *rx)
{
	struct clu__shared *s = sh_of(n);
	char err[STEER_ERRBUF_SIZE];
	struct clu_set_batch b;
	switch (rx->m.type) {
	case CLU_MSG_SET_ACK:
		on_ack(s, rx->m.seq);
		return;
	case CLU_MSG_SET_DELIVER:
	case CLU_MSG_SYNC:
		if (clu_set_batch_decode(&rx->m, &b, err) != CLU_WIRE_OK) {
			clu__drop(n, CLU__DROP_INVALID, "%s", err);
			return;
		}
		take(n, &b);
		if (rx->m.type == CLU_MSG_SYNC && peer == s->target && rx->m.seq == s->sync_id &&
		    (b.flags & CLU_SYNC_LAST))
			s->synced = true;
		return;
	default:
		clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for a worker",
		          clu_msg_type_name(rx->m.type), rx->m.sender);
	}
}

int clu__shared_open(struct clu_node *n, char *errbuf)
{
	struct clu__shared *s = calloc(1, sizeof(*s));
	if (!s) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->shared = s;
	s->target = -1;
	int rc = clu__peers_open(n, &s->peers, on_msg, errbuf);
	if (rc != 0)
		return rc;
	s->resend_us = s->peers.dead_us * 4 > 2000000 ? s->peers.dead_us * 4 : 2000000;
	if (clu_sset_new(SIZE_MAX, &s->set) != 0) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	return 0;
}

void clu__shared_close(struct clu_node *n)
{
	struct clu__shared *s = sh_of(n);
	if (!s)
		return;
	clu__peers_close(&s->peers);
	for (size_t i = 0; i < s->count; i++)
		free(at(s, i)->recs);
	free(s->q);
	clu__recbuf_free(&s->open);
	clu_sset_free(s->set);
	free(s);
	n->shared = NULL;
}

size_t clu__shared_poll_items(struct clu_node *n, zmq_pollitem_t *items, size_t max)
{
	return clu__peers_poll_items(&sh_of(n)->peers, items, max);
}

static void send_batch(struct clu_node *n, struct batch *b, int64_t now)
{
	struct clu__shared *s = sh_of(n);
	b->sent_us = now;
	zmq_msg_t msg;
	struct clu_set_batch h = {.count = b->count};
	if (!clu__batch_msg(n, &msg, CLU_MSG_SET_INSERT, b->seq, &h, b->recs, b->len))
		return;
	if (clu__peers_send(n, &s->peers, s->target, &msg) != 0)
		zmq_msg_close(&msg); /* sent again on the next attachment or timeout */
}

/* This turn's insertions become a numbered batch, kept until acknowledged. */
static int seal(struct clu_node *n, int64_t now)
{
	struct clu__shared *s = sh_of(n);
	if (s->open.count == 0)
		return 0;
	if (s->peers.pool.n == 0) { /* no proxies: nobody to share with */
		clu__recbuf_reset(&s->open);
		return 0;
	}
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		if (cap > BACKLOG_MAX)
			return STEER_EFULL;
		struct batch *q = malloc(cap * sizeof(*q));
		if (!q)
			return STEER_ENOMEM;
		for (size_t i = 0; i < s->count; i++)
			q[i] = *at(s, i);
		free(s->q);
		s->q = q;
		s->head = 0;
		s->cap = cap;
	}
	struct batch *b = at(s, s->count);
	*b = (struct batch){.seq = ++s->seq, .len = s->open.len, .count = s->open.count};
	/* The open buffer becomes the batch's: no copy. */
	b->recs = s->open.p;
	s->open = (struct clu__recbuf){0};
	s->count++;
	if (s->target >= 0)
		send_batch(n, b, now);
	else
		b->sent_us = now;
	return 0;
}

void clu__shared_flush(struct clu_node *n, int64_t now)
{
	if (seal(n, now) != 0)
		clu__say(n, "shared state: %zu batches wait for the proxies: insertions dropped",
		         sh_of(n)->count);
}

static void attach(struct clu_node *n, int target, int64_t now)
{
	struct clu__shared *s = sh_of(n);
	struct clu__peers *ps = &s->peers;
	if (target != s->target)
		clu__say(n, "shared state: taking deliveries from %s",
		         target >= 0 ? ps->pool.proc[target]->name : "no proxy (none ready)");
	s->target = ps->attached = target;
	s->synced = false;
	if (target < 0)
		return;
	s->target_inc = ps->p[target].incarnation;
	s->target_epoch = ps->p[target].epoch;
	s->attach_ping = ps->pings;
	s->sync_us = now;
	zmq_msg_t msg;
	if (clu__msg_init(&msg, CLU_MSG_SYNC_REQ, ++s->sync_id, n->self->name, 0) &&
	    clu__peers_send(n, ps, target, &msg) != 0)
		zmq_msg_close(&msg);
	for (size_t i = 0; i < s->count; i++)
		if (!at(s, i)->acked)
			send_batch(n, at(s, i), now);
}

int64_t clu__shared_tick(struct clu_node *n, int64_t now)
{
	struct clu__shared *s = sh_of(n);
	struct clu__peers *ps = &s->peers;
	int64_t next = clu__peers_tick(n, ps, now);
	int t = clu_pool_assign(&ps->pool, n->layout, n->self, ps->ready);
	/* Starting, with the home proxy up but still syncing: wait for it rather than take
	 * another's copy for a moment. */
	int home = clu_pool_home(&ps->pool, n->layout, n->self);
	if (s->target < 0 && t != home && home >= 0 && (ps->alive >> home & 1) &&
	    now - n->start_mono_us < 2 * ps->dead_us)
		t = -1;
	/* The same proxy, the same process, the same connection, and it still delivers to us
	 * (a pong to a ping sent after the attachment says so). */
	bool same = t >= 0 && t == s->target && ps->p[t].incarnation == s->target_inc &&
	            ps->p[t].epoch == s->target_epoch &&
	            (ps->p[t].pong_seq <= s->attach_ping || ps->p[t].subscribed);
	if (!same && (t >= 0 || s->target >= 0))
		attach(n, t, now);
	else if (t >= 0 && !s->synced && now - s->sync_us > 4 * ps->dead_us)
		attach(n, t, now); /* the copy did not come: ask again */
	clu__shared_flush(n, now);
	for (size_t i = 0; i < s->count && s->target >= 0; i++) {
		struct batch *b = at(s, i);
		if (!b->acked && now - b->sent_us >= s->resend_us)
			send_batch(n, b, now);
	}
	if (now >= s->sweep_us) { /* a piece every 100 ms: 650k slots a second */
		s->sweep_us = now + 100000;
		clu_sset_sweep(s->set, (int64_t)clu__wall_us(), 1u << 16);
	}
	return next;
}

int clu_shared_insert(struct clu_node *n, const char *set, const void *key, size_t len,
                      int64_t lifetime_us)
{
	struct clu__shared *s = sh_of(n);
	if (!s)
		return STEER_ENOTSUP;
	size_t setlen = strnlen(set, CLU_SET_NAME_MAX + 1);
	if (len == 0 || len > CLU_SET_KEY_MAX || setlen > CLU_SET_NAME_MAX || lifetime_us < 0)
		return STEER_EINVAL;
	if (s->count >= BACKLOG_MAX)
		return STEER_EFULL;
	int64_t ts = (int64_t)clu__wall_us();
	struct clu_set_rec r = {.set = set,
	                        .setlen = (uint8_t)setlen,
	                        .key = key,
	                        .keylen = (uint16_t)len,
	                        .ts_us = ts,
	                        .expire_us =
	                            ts + (lifetime_us ? lifetime_us : CLU_SHARED_LIFETIME_US),
	                        .origin = (uint16_t)(n->self - n->layout->procs)};
	int rc = clu__recbuf_add(&s->open, &r);
	if (rc != 0)
		return rc;
	rc = clu_sset_merge(s->set, &r, ts);
	if (rc < 0) {
		/* Not kept here (full): still shared; the caller hears it. */
		return rc;
	}
	if (s->open.len >= CLU__BATCH_BYTES)
		return seal(n, clu__mono_us());
	return 0;
}

bool clu_shared_contains(struct clu_node *n, const char *set, const void *key, size_t len)
{
	struct clu__shared *s = sh_of(n);
	return s && clu_sset_find(s->set, set, strnlen(set, CLU_SET_NAME_MAX + 1), key, len,
	                          (int64_t)clu__wall_us(), NULL);
}

void clu_shared_watch(struct clu_node *n,
                      void (*fn)(void *arg, struct clu_node *n, const struct clu_set_rec *r),
                      void *arg)
{
	if (!n->shared)
		return;
	sh_of(n)->watch = fn;
	sh_of(n)->watch_arg = arg;
}

bool clu_shared_ready(const struct clu_node *n)
{
	return n->shared && sh_of(n)->target >= 0 && sh_of(n)->synced;
}

bool clu__shared_settled(const struct clu_node *n)
{
	const struct clu__shared *s = sh_of(n);
	size_t np = s ? s->peers.pool.n : 0;
	uint64_t all = np >= 64 ? ~0ull : (1ull << np) - 1;
	return clu_shared_ready(n) && (s->peers.ready & all) == all;
}

bool clu__shared_any_ready(const struct clu_node *n)
{
	const struct clu__shared *s = sh_of(n);
	return s && s->peers.ready != 0;
}

size_t clu_shared_backlog(const struct clu_node *n)
{
	return n->shared ? sh_of(n)->count : 0;
}

int clu__shared_send_owner(struct clu_node *n, uint32_t digest, zmq_msg_t *msg)
{
	struct clu__shared *s = sh_of(n);
	int o = clu_pool_owner(&s->peers.pool, digest, s->peers.ready);
	return o < 0 ? -1 : clu__peers_send(n, &s->peers, o, msg);
}
