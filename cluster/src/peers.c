/* SPDX-License-Identifier: BSD-2-Clause */
/* peers.c: a node's links to the proxies of the cluster: one DEALER to each, a ping every
 * heartbeat interval answered with the proxy's state, and from those the two sets everything
 * else is decided on: the proxies alive (answering: the ring) and the proxies ready (synced:
 * they own keys and serve workers). A link that drops makes its proxy dead at once; one that
 * stays silent for heartbeat_misses intervals too. Also the record batches both sides build. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "state_int.h"

#define DRAIN_MAX 1024

/* ---- record batches ---- */

static int room(struct clu__recbuf *b, size_t need)
{
	if (b->cap - b->len >= need)
		return 0;
	size_t cap = b->cap ? b->cap * 2 : 4096;
	while (cap - b->len < need)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return STEER_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int clu__recbuf_raw(struct clu__recbuf *b, const uint8_t *rec, size_t len)
{
	if (room(b, len) != 0)
		return STEER_ENOMEM;
	memcpy(b->p + b->len, rec, len);
	b->len += len;
	b->count++;
	return 0;
}

int clu__recbuf_add(struct clu__recbuf *b, const struct clu_set_rec *r)
{
	if (room(b, CLU_SET_REC_MAX) != 0)
		return STEER_ENOMEM;
	size_t len = clu_set_rec_encode(r, b->p + b->len, b->cap - b->len);
	if (len == 0)
		return STEER_EINVAL;
	b->len += len;
	b->count++;
	return 0;
}

void clu__recbuf_reset(struct clu__recbuf *b)
{
	b->len = 0;
	b->count = 0;
}

void clu__recbuf_free(struct clu__recbuf *b)
{
	free(b->p);
	*b = (struct clu__recbuf){0};
}

uint8_t *clu__batch_msg(struct clu_node *n, zmq_msg_t *msg, uint8_t type, uint64_t seq,
                        const struct clu_set_batch *hdr, const void *recs, size_t len)
{
	bool ring = type == CLU_MSG_SET_RING;
	size_t hl = ring ? CLU_SET_RING_HDR : CLU_SET_BATCH_HDR;
	uint8_t *p = clu__msg_init(msg, type, seq, n->self->name, hl + len);
	if (!p)
		return NULL;
	clu_set_batch_header(p, hdr, ring);
	if (len)
		memcpy(p + hl, recs, len);
	return p;
}

#define LOOKAHEAD 6 /* records: about the table's miss latency over a merge */

bool clu__batch_walk(const struct clu_set_batch *b, struct clu_sset *s, size_t *off,
                     size_t *ahead, struct clu_set_rec *r)
{
	struct clu_set_rec a;
	if (*ahead == 0) /* the first call: start the window */
		for (int k = 0; k < LOOKAHEAD && clu_set_batch_next(b, ahead, &a); k++)
			clu_sset_prefetch(s, &a);
	else if (clu_set_batch_next(b, ahead, &a))
		clu_sset_prefetch(s, &a);
	return clu_set_batch_next(b, off, r);
}

/* ---- the links ---- */

uint64_t clu__random64(void)
{
	uint64_t v = 0;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint64_t)clu__wall_us() * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	return v ? v : 1;
}

int clu__peers_open(struct clu_node *n, struct clu__peers *ps, clu__peer_msg_fn on_msg,
                    char *errbuf)
{
	memset(ps, 0, sizeof(*ps));
	int rc = clu_pool_init(n->layout, &ps->pool, errbuf);
	if (rc != 0)
		return rc;
	ps->self = clu_pool_index(&ps->pool, n->self);
	ps->attached = -1;
	ps->incarnation = clu__random64();
	ps->on_msg = on_msg;
	ps->dead_us = (int64_t)n->cfg->cluster.heartbeat_ms * 1000 *
	              (int64_t)n->cfg->cluster.heartbeat_misses;
	for (size_t i = 0; i < ps->pool.n; i++)
		if ((int)i != ps->self &&
		    (rc = clu__connect(n, ps->pool.proc[i], &ps->p[i].lk, errbuf)) != 0)
			return rc;
	return 0;
}

void clu__peers_close(struct clu__peers *ps)
{
	for (size_t i = 0; i < ps->pool.n; i++)
		clu__link_close(&ps->p[i].lk);
}

size_t clu__peers_poll_items(struct clu__peers *ps, zmq_pollitem_t *items, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < ps->pool.n && k + 2 <= max; i++) {
		if (!ps->p[i].lk.sock)
			continue;
		items[k++] = (zmq_pollitem_t){.socket = ps->p[i].lk.sock, .events = ZMQ_POLLIN};
		items[k++] = (zmq_pollitem_t){.socket = ps->p[i].lk.mon, .events = ZMQ_POLLIN};
	}
	return k;
}

int clu__peers_send(struct clu_node *n, struct clu__peers *ps, int i, zmq_msg_t *msg)
{
	if (i < 0 || !ps->p[i].lk.sock || !(ps->alive >> i & 1))
		return -1;
	return clu__send(n, ps->p[i].lk.sock, NULL, msg);
}

static void send_ping(struct clu_node *n, struct clu__peers *ps, int i)
{
	uint8_t flags = i == ps->attached ? CLU_PING_ATTACHED : 0;
	if (ps->self >= 0 && (ps->alive >> i & 1))
		flags |= CLU_PING_RING;
	struct clu_ping pg = {.flags = flags, .incarnation = ps->incarnation};
	zmq_msg_t msg;
	uint8_t *p = clu__msg_init(&msg, CLU_MSG_PING, ++ps->pings, n->self->name, CLU_PING_LEN);
	if (!p)
		return;
	clu_ping_encode(&pg, p, CLU_PING_LEN);
	if (clu__send(n, ps->p[i].lk.sock, NULL, &msg) != 0)
		zmq_msg_close(&msg);
}

void clu__peers_pong(struct clu_node *n, struct clu__peers *ps, struct clu__rx *rx,
                     const struct clu_ping *in, bool subscribed)
{
	const struct clu_proc *from = clu_layout_find(n->layout, rx->m.sender);
	int i = from ? clu_pool_index(&ps->pool, from) : -1;
	if (i >= 0)
		ps->p[i].sees_me = in->flags & CLU_PING_RING;
	struct clu_sset *set = clu__proxy_set(n);
	struct clu_ping pg = {
	    .flags = (uint8_t)(ps->self_state | (subscribed ? CLU_PONG_SUBSCRIBED : 0)),
	    .incarnation = ps->incarnation,
	    .entries = set ? clu_sset_count(set) : 0};
	zmq_msg_t msg;
	uint8_t *p = clu__msg_init(&msg, CLU_MSG_PONG, rx->m.seq, n->self->name, CLU_PING_LEN);
	if (!p)
		return;
	clu_ping_encode(&pg, p, CLU_PING_LEN);
	if (clu__send(n, n->listen, &rx->route, &msg) != 0)
		zmq_msg_close(&msg);
}

static void on_pong(struct clu_node *n, struct clu__peer *pr, struct clu__rx *rx, int64_t now)
{
	struct clu_ping pg;
	char err[STEER_ERRBUF_SIZE];
	if (clu_ping_decode(&rx->m, &pg, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	pr->last_pong_us = now;
	pr->incarnation = pg.incarnation;
	pr->state = pg.flags & ~CLU_PONG_SUBSCRIBED;
	pr->subscribed = pg.flags & CLU_PONG_SUBSCRIBED;
	pr->pong_seq = rx->m.seq;
	pr->entries = pg.entries;
}

static void drain(struct clu_node *n, struct clu__peers *ps, int i, int64_t now)
{
	struct clu__peer *pr = &ps->p[i];
	for (int k = 0; k < DRAIN_MAX; k++) {
		struct clu__rx rx;
		int r = clu__recv(n, pr->lk.sock, false, &rx);
		if (r == 0)
			return;
		if (r < 0)
			continue;
		/* What comes on this link comes from that proxy (CURVE proves it; a name that
		 * disagrees is a misconfigured or lying peer). */
		if (strcmp(rx.m.sender, ps->pool.proc[i]->name) != 0)
			clu__drop(n, CLU__DROP_UNAUTH, "%s on the link to %s", rx.m.sender,
			          ps->pool.proc[i]->name);
		else if (rx.m.type == CLU_MSG_PONG)
			on_pong(n, pr, &rx, now);
		else
			ps->on_msg(n, i, &rx);
		clu__rx_close(&rx);
	}
}

int64_t clu__peers_tick(struct clu_node *n, struct clu__peers *ps, int64_t now)
{
	bool ping_all = now >= ps->next_ping_us;
	if (ping_all)
		ps->next_ping_us = now + (int64_t)n->cfg->cluster.heartbeat_ms * 1000;
	uint64_t alive = 0, ready = 0;
	for (size_t i = 0; i < ps->pool.n; i++) {
		struct clu__peer *pr = &ps->p[i];
		if ((int)i == ps->self) {
			alive |= UINT64_C(1) << i;
			if (ps->self_state == CLU_PROXY_READY)
				ready |= UINT64_C(1) << i;
			continue;
		}
		clu__link_events(n, &pr->lk);
		bool fresh = pr->lk.reconnected;
		if (fresh) {
			/* A new connection: nothing heard on it yet. */
			pr->lk.reconnected = false;
			pr->last_pong_us = 0;
			pr->sees_me = false;
			pr->epoch++;
		}
		if (pr->lk.up && (ping_all || fresh))
			send_ping(n, ps, (int)i);
		drain(n, ps, (int)i, now);
		bool up = pr->lk.up && pr->last_pong_us && now - pr->last_pong_us < ps->dead_us;
		if (up)
			alive |= UINT64_C(1) << i;
		if (up && pr->state == CLU_PROXY_READY)
			ready |= UINT64_C(1) << i;
	}
	ps->alive = alive;
	ps->ready = ready;
	return ps->next_ping_us;
}
