/* SPDX-License-Identifier: BSD-2-Clause */
/* proxy.c: the proxy role: it listens on its port of the layout (zeekctl gives every node
 * one), where its workers and the other proxies reach it, and holds a replica of the shared
 * sets. Its workers (workers dealt round-robin to the proxies, clu_hrw.h) take deliveries
 * from it; the proxies form a ring along which insertions travel once round
 * (proxy_ring.c); a starting proxy copies its replica from a ready neighbour before it owns
 * keys or takes workers (proxy_sync.c); the owner of a known host or service logs it
 * (known.c). */
#include <stdlib.h>
#include <string.h>

#include "proxy_int.h"

static void on_peer_msg(struct clu_node *n, int peer, struct clu__rx *rx)
{
	if (rx->m.type == CLU_MSG_SYNC)
		clu__sync_on_chunk(n, peer, rx);
	else
		clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for a proxy's link",
		          clu_msg_type_name(rx->m.type), rx->m.sender);
}

static int proxy_open(struct clu_node *n, char *errbuf)
{
	struct clu__proxy *px = calloc(1, sizeof(*px));
	if (!px || !(px->subs = calloc(n->layout->n, sizeof(*px->subs)))) {
		free(px);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->role = px;
	px->sync_from = -1;
	px->start_us = clu__mono_us();
	int rc = clu__peers_open(n, &px->peers, on_peer_msg, errbuf);
	if (rc != 0)
		return rc;
	px->peers.self_state = CLU_PROXY_SYNCING;
	px->resend_us = px->peers.dead_us * 4 > 2000000 ? px->peers.dead_us * 4 : 2000000;
	if (clu_sset_new(SIZE_MAX, &px->set) != 0) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	return clu__known_open(n, errbuf);
}

static void proxy_close(struct clu_node *n)
{
	struct clu__proxy *px = px_of(n);
	if (!px)
		return;
	clu__known_close(n);
	clu__peers_close(&px->peers);
	clu__ring_free(px);
	for (size_t i = 0; px->subs && i < n->layout->n; i++) {
		if (px->subs[i].has_route)
			zmq_msg_close(&px->subs[i].route);
		clu__recbuf_free(&px->subs[i].out);
	}
	free(px->subs);
	clu_sset_free(px->set);
	free(px);
	n->role = NULL;
}

struct clu_sset *clu__proxy_set(struct clu_node *n)
{
	return n->self->role == CLU_ROLE_PROXY && px_of(n) ? px_of(n)->set : NULL;
}

bool clu__proxy_ready(const struct clu_node *n)
{
	return px_of(n)->peers.self_state == CLU_PROXY_READY;
}

bool clu__proxy_subscribe(struct clu_node *n, struct clu__rx *rx, bool attached)
{
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || p->role != CLU_ROLE_WORKER)
		return false;
	struct sub *s = &px_of(n)->subs[p - n->layout->procs];
	if (s->has_route)
		zmq_msg_close(&s->route);
	zmq_msg_init(&s->route);
	s->has_route = zmq_msg_copy(&s->route, &rx->route) == 0;
	s->attached = attached;
	s->last_us = clu__mono_us();
	return true;
}

static void on_ping(struct clu_node *n, struct clu__rx *rx)
{
	struct clu_ping pg;
	char err[STEER_ERRBUF_SIZE];
	if (clu_ping_decode(&rx->m, &pg, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || (p->role != CLU_ROLE_WORKER && p->role != CLU_ROLE_PROXY)) {
		clu__drop(n, CLU__DROP_UNEXPECTED,
		          "ping from %s: not a worker or proxy of node.cfg", rx->m.sender);
		return;
	}
	bool subscribed = false;
	if (p->role == CLU_ROLE_WORKER) {
		/* A worker that says it is attached stays so only while its deliveries go
		 * out: after one was refused it must ask for a copy again (the pong says so). */
		struct sub *s = &px_of(n)->subs[p - n->layout->procs];
		bool was = s->attached;
		clu__proxy_subscribe(n, rx, was && (pg.flags & CLU_PING_ATTACHED));
		subscribed = s->attached;
	}
	clu__peers_pong(n, &px_of(n)->peers, rx, &pg, subscribed);
}

static void proxy_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	switch (rx->m.type) {
	case CLU_MSG_PING:
		on_ping(n, rx);
		break;
	case CLU_MSG_SET_INSERT:
		clu__ring_on_insert(n, rx);
		break;
	case CLU_MSG_SET_RING:
		clu__ring_on_ring(n, rx);
		break;
	case CLU_MSG_SYNC_REQ:
		clu__sync_on_req(n, rx);
		break;
	case CLU_MSG_SYNC:
		clu__sync_on_push(n, rx);
		break;
	case CLU_MSG_KNOWN:
		clu__known_on_msg(n, rx);
		break;
	default:
		clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for a proxy",
		          clu_msg_type_name(rx->m.type), rx->m.sender);
		break;
	}
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t proxy_tick(struct clu_node *n, int64_t now)
{
	struct clu__proxy *px = px_of(n);
	int64_t next = clu__peers_tick(n, &px->peers, now);
	next = min64(next, clu__sync_tick(n, now));
	clu__sync_push_rejoined(n);
	next = min64(next, clu__ring_tick(n, now));
	/* Workers that went silent take nothing more; expired keys go, a piece per turn. */
	for (size_t i = 0; i < n->layout->n; i++) {
		struct sub *s = &px->subs[i];
		if (s->attached && now - s->last_us > px->peers.dead_us)
			s->attached = false;
	}
	if (now >= px->sweep_us) { /* a piece every 100 ms: 650k slots a second */
		px->sweep_us = now + 100000;
		clu_sset_sweep(px->set, (int64_t)clu__wall_us(), 1u << 16);
	}
	CLU__SET(px->st.entries, clu_sset_count(px->set));
	/* Last: what the previous turn's messages and this tick merged goes out now. */
	clu__ring_deliver(n);
	return next;
}

static size_t proxy_poll_items(struct clu_node *n, zmq_pollitem_t *items, size_t max)
{
	return clu__peers_poll_items(&px_of(n)->peers, items, max);
}

static void proxy_metrics(const struct clu_node *n, FILE *f)
{
	const struct clu__proxy *px = n->role;
	const struct proxy_stats *s = &px->st;
	static const struct {
		const char *name, *help;
		size_t off;
	} c[] = {
	    {"inserted", "Worker insertions taken", offsetof(struct proxy_stats, inserted)},
	    {"ring_in", "Ring batches received", offsetof(struct proxy_stats, ring_in)},
	    {"ring_out", "Ring batches sent on", offsetof(struct proxy_stats, ring_out)},
	    {"ring_done", "Batches of this proxy back from round the ring",
	     offsetof(struct proxy_stats, ring_done)},
	    {"ring_resent", "Batches sent round again (a proxy died, or no return in time)",
	     offsetof(struct proxy_stats, ring_resent)},
	    {"ring_dropped", "Ring batches dropped (too many hops, full)",
	     offsetof(struct proxy_stats, ring_dropped)},
	    {"changed", "Records new to this replica", offsetof(struct proxy_stats, changed)},
	    {"delivered", "Records delivered to workers", offsetof(struct proxy_stats, delivered)},
	    {"syncs_served", "Replica copies sent", offsetof(struct proxy_stats, syncs_served)},
	    {"full", "Records refused: replica full", offsetof(struct proxy_stats, full)},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const _Atomic uint64_t *v = (const _Atomic uint64_t *)((const char *)s + c[i].off);
		fprintf(f,
		        "# HELP steer_proxy_%s_total %s.\n# TYPE steer_proxy_%s_total counter\n"
		        "steer_proxy_%s_total{node=\"%s\"} %llu\n",
		        c[i].name, c[i].help, c[i].name, c[i].name, n->self->name,
		        (unsigned long long)CLU__GET(*v));
	}
	fprintf(f,
	        "# HELP steer_proxy_entries Keys in the proxy's replica of the shared sets.\n"
	        "# TYPE steer_proxy_entries gauge\nsteer_proxy_entries{node=\"%s\"} %llu\n",
	        n->self->name, (unsigned long long)CLU__GET(s->entries));
	fprintf(f,
	        "# HELP steer_proxy_ready Whether the proxy serves (1) or still copies its "
	        "replica (0).\n# TYPE steer_proxy_ready gauge\nsteer_proxy_ready{node=\"%s\"} %d\n",
	        n->self->name, atomic_load(&px->peers.self_state) == CLU_PROXY_READY);
}

const struct clu__role_ops clu__proxy_ops = {
    .open = proxy_open,
    .on_msg = proxy_on_msg,
    .tick = proxy_tick,
    .close = proxy_close,
    .metrics = proxy_metrics,
    .poll_items = proxy_poll_items,
};
