/* SPDX-License-Identifier: BSD-2-Clause */
/* proxy_int.h: private to the proxy role (proxy.c: sockets, pings, workers; proxy_ring.c: the
 * ring; proxy_sync.c: copying a replica). */
#ifndef STEER_CLU_PROXY_INT_H
#define STEER_CLU_PROXY_INT_H

#include "state_int.h"

/* Batches this proxy put on the ring and has not seen come back. */
#define PENDING_MAX 65536

/* A worker that takes this proxy's deliveries (indexed by layout position). */
struct sub {
	zmq_msg_t route;
	bool has_route;
	bool attached;
	int64_t last_us;        /* its last ping or request */
	struct clu__recbuf out; /* its next delivery: what this turn of the loop merged */
};

/* A batch this proxy originated: until it has gone round, kept to send again. */
struct pend {
	uint64_t seq;
	uint8_t *payload; /* the ring message's payload (hops 0) */
	size_t len;
	int worker;    /* layout index of the worker whose batch it is, -1: this proxy's own */
	uint64_t wseq; /* that worker's batch number, acknowledged on completion */
	int64_t sent_us;
	bool done;
};

struct proxy_stats {
	_Atomic uint64_t inserted, ring_in, ring_out, ring_done, ring_resent, ring_dropped;
	_Atomic uint64_t delivered, changed, refused, syncs_served, full;
	_Atomic uint64_t entries; /* gauge: keys in the replica */
};

struct clu__proxy {
	struct clu__peers peers;
	struct clu_sset *set;
	struct sub *subs; /* n->layout->n */
	int64_t resend_us;
	int64_t sweep_us;

	/* the ring */
	uint64_t ring_seq;
	struct pend *q; /* circular, q[head] has seq base */
	size_t head, count, cap;
	uint64_t last_alive;
	int64_t next_resend_us;     /* the earliest pending batch's resend time */

	/* copying the replica at start */
	int64_t start_us;
	int64_t in_ring_us; /* since when every live proxy has this one in its ring (0: not) */
	int sync_from;      /* pool index, -1: none asked */
	uint64_t sync_id;
	int64_t sync_progress_us;
	uint64_t synced;
	uint64_t pushed; /* the ready proxies at the last push check */

	struct proxy_stats st;
};

static inline struct clu__proxy *px_of(const struct clu_node *n)
{
	return n->role;
}

/* proxy_ring.c */
void clu__ring_on_insert(struct clu_node *n, struct clu__rx *rx);
void clu__ring_on_ring(struct clu_node *n, struct clu__rx *rx);
int64_t clu__ring_tick(struct clu_node *n, int64_t now);
void clu__ring_free(struct clu__proxy *px);
/* Merges the batch's records; those new here go to the workers (but not back to their
 * origin) with the turn's delivery (clu__ring_deliver). */
void clu__ring_apply(struct clu_node *n, const struct clu_set_batch *b, int64_t now);
/* Sends each worker the records merged for it since the last call as one delivery: a turn
 * of the loop that took many messages delivers them in one (a message costs far more than a
 * record). */
void clu__ring_deliver(struct clu_node *n);

/* proxy_sync.c */
void clu__sync_on_req(struct clu_node *n, struct clu__rx *rx);
void clu__sync_on_chunk(struct clu_node *n, int peer, struct clu__rx *rx);
/* A copy pushed by a proxy that saw this one come back: merged and delivered. */
void clu__sync_on_push(struct clu_node *n, struct clu__rx *rx);
/* Pushes a copy to every ready proxy that was not ready (or not alive) at the last call. */
void clu__sync_push_rejoined(struct clu_node *n);
int64_t clu__sync_tick(struct clu_node *n, int64_t now);

/* proxy.c: a worker's subscription (route refreshed); false when sender is not a worker */
bool clu__proxy_subscribe(struct clu_node *n, struct clu__rx *rx, bool attached);

#endif
