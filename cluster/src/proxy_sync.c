/* SPDX-License-Identifier: BSD-2-Clause */
/* proxy_sync.c: copying a replica. A starting proxy is in the ring at once (it merges and
 * passes on what goes round) but serves nothing until it has merged a copy of a ready
 * neighbour's replica, the next ready proxy after it in ring order; when no proxy is ready
 * for heartbeat_misses intervals (a cluster starting), it starts empty. Merging is order-free
 * (clu_sset.h), so what goes round during the copy and the copy itself give the neighbour's
 * content plus everything since. The same copy, asked by a worker, starts its deliveries. */
#include <stdlib.h>
#include <string.h>

#include "proxy_int.h"

/* Sends the replica in chunks of message type SYNC numbered seq, the last flagged: back to
 * a requester (rx), or pushed to proxy peer. Stops at the first chunk the socket refuses (the
 * requester asks again). */
static void serve(struct clu_node *n, struct clu__rx *rx, int peer, uint64_t seq)
{
	struct clu__proxy *px = px_of(n);
	struct clu__recbuf b = {0};
	size_t cur = 0;
	int64_t now = (int64_t)clu__wall_us();
	struct clu_set_rec r;
	bool more = true;
	while (more) {
		clu__recbuf_reset(&b);
		while ((more = clu_sset_next(px->set, &cur, now, &r))) {
			if (clu__recbuf_add(&b, &r) != 0 || b.len >= CLU__BATCH_BYTES)
				break;
		}
		struct clu_set_batch h = {.flags = more ? 0 : CLU_SYNC_LAST, .count = b.count};
		zmq_msg_t msg;
		if (!clu__batch_msg(n, &msg, CLU_MSG_SYNC, seq, &h, b.p, b.len))
			break;
		int rc = rx ? clu__send(n, n->listen, &rx->route, &msg)
		            : clu__peers_send(n, &px->peers, peer, &msg);
		if (rc != 0) {
			zmq_msg_close(&msg);
			clu__say(n, "copy of the replica for %s cut short (its queue is full)",
			         rx ? rx->m.sender : px->peers.pool.proc[peer]->name);
			break;
		}
	}
	clu__recbuf_free(&b);
	CLU__ADD(px->st.syncs_served, 1);
}

void clu__sync_on_req(struct clu_node *n, struct clu__rx *rx)
{
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || (p->role != CLU_ROLE_WORKER && p->role != CLU_ROLE_PROXY) || rx->m.len != 0) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "sync request from %s: not a worker or proxy",
		          rx->m.sender);
		return;
	}
	if (!clu__proxy_ready(n))
		return; /* it asks another */
	/* A worker takes deliveries from now on: anything after the copy's walk comes as a
	 * delivery, anything before is in the copy (or both: merging drops the repeat). */
	if (p->role == CLU_ROLE_WORKER)
		clu__proxy_subscribe(n, rx, true);
	serve(n, rx, -1, rx->m.seq);
}

void clu__sync_on_push(struct clu_node *n, struct clu__rx *rx)
{
	char err[STEER_ERRBUF_SIZE];
	struct clu_set_batch b;
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || p->role != CLU_ROLE_PROXY || rx->m.seq != 0) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "sync from %s: not a proxy's push",
		          rx->m.sender);
		return;
	}
	if (clu_set_batch_decode(&rx->m, &b, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	clu__ring_apply(n, &b, (int64_t)clu__wall_us());
}

void clu__sync_push_rejoined(struct clu_node *n)
{
	struct clu__proxy *px = px_of(n);
	struct clu__peers *ps = &px->peers;
	uint64_t back = ps->ready & ~px->pushed & ~(UINT64_C(1) << ps->self);
	px->pushed = ps->ready;
	if (ps->self_state != CLU_PROXY_READY)
		return;
	for (size_t i = 0; i < ps->pool.n; i++)
		if (back >> i & 1) {
			/* seq 0: unasked. */
			serve(n, NULL, (int)i, 0);
		}
}

void clu__sync_on_chunk(struct clu_node *n, int peer, struct clu__rx *rx)
{
	struct clu__proxy *px = px_of(n);
	char err[STEER_ERRBUF_SIZE];
	struct clu_set_batch b;
	if (clu_set_batch_decode(&rx->m, &b, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	if (peer != px->sync_from || rx->m.seq != px->sync_id ||
	    px->peers.self_state == CLU_PROXY_READY)
		return; /* an answer to an earlier request */
	int64_t now = (int64_t)clu__wall_us();
	size_t off = 0;
	struct clu_set_rec r;
	while (clu_set_batch_next(&b, &off, &r))
		if (clu_sset_merge(px->set, &r, now) == 1)
			px->synced++;
	px->sync_progress_us = clu__mono_us();
	if (b.flags & CLU_SYNC_LAST) {
		px->peers.self_state = CLU_PROXY_READY;
		clu__say(n, "replica copied from %s: %llu entries in %.1f ms; serving",
		         rx->m.sender, (unsigned long long)px->synced,
		         (double)(px->sync_progress_us - px->start_us) / 1e3);
	}
}

int64_t clu__sync_tick(struct clu_node *n, int64_t now)
{
	struct clu__proxy *px = px_of(n);
	struct clu__peers *ps = &px->peers;
	if (ps->self_state == CLU_PROXY_READY)
		return INT64_MAX;
	if (px->sync_from >= 0) {
		/* Waiting for a copy: go on while the neighbour lives and the chunks come. */
		bool alive = ps->alive >> px->sync_from & 1;
		if (alive && now - px->sync_progress_us < 4 * ps->dead_us)
			return px->sync_progress_us + 4 * ps->dead_us;
		px->sync_from = -1;
	}
	uint64_t others = ps->ready & ~(UINT64_C(1) << ps->self);
	if (!others) {
		if (now - px->start_us < ps->dead_us)
			return px->start_us + ps->dead_us;
		ps->self_state = CLU_PROXY_READY;
		clu__say(n, "no proxy ready to copy from: serving with an empty replica");
		return INT64_MAX;
	}
	/* Every live proxy sends round through this one before the copy is taken. */
	for (size_t i = 0; i < ps->pool.n; i++)
		if ((int)i != ps->self && (ps->alive >> i & 1) && !ps->p[i].sees_me) {
			px->in_ring_us = 0;
			return now + 10000;
		}
	if (!px->in_ring_us)
		px->in_ring_us = now;
	int64_t drain = (int64_t)n->cfg->cluster.heartbeat_ms * 1000;
	if (now - px->in_ring_us < drain)
		return px->in_ring_us + drain;
	int np = (int)ps->pool.n, from = -1;
	for (int k = 1; k < np && from < 0; k++)
		if (others >> ((ps->self + k) % np) & 1)
			from = (ps->self + k) % np;
	zmq_msg_t msg;
	if (!clu__msg_init(&msg, CLU_MSG_SYNC_REQ, ++px->sync_id, n->self->name, 0))
		return now + 1000;
	if (clu__peers_send(n, ps, from, &msg) != 0) {
		zmq_msg_close(&msg);
		return now + 100000;
	}
	px->sync_from = from;
	px->sync_progress_us = now;
	clu__say(n, "copying the replica from %s", ps->pool.proc[from]->name);
	return now + 4 * ps->dead_us;
}
