/* SPDX-License-Identifier: BSD-2-Clause */
/* state_int.h: private to cluster/: the shared state at run time: the links to the proxies and
 * their liveness (peers.c), batches of set records being built (peers.c), the proxy role
 * (proxy.c, proxy_ring.c, proxy_sync.c), the client on the workers (shared.c), known hosts
 * and services (known.c). */
#ifndef STEER_CLU_STATE_INT_H
#define STEER_CLU_STATE_INT_H

#include <steer/clu_hrw.h>
#include <steer/clu_sset.h>

#include "node_int.h"

/* Zeek's &create_expire of Known::hosts and Known::services, and the default lifetime of a
 * shared set's key. */
#define CLU__DAY_US 86400000000ll
/* Largest batch of records one message carries. */
#define CLU__BATCH_BYTES (256u << 10)

/* ---- a batch of records being built (peers.c) ---- */

struct clu__recbuf {
	uint8_t *p;
	size_t len, cap;
	uint32_t count;
};
/* Appends one record (encoded); 0, STEER_EINVAL (a field out of range) or STEER_ENOMEM. */
int clu__recbuf_add(struct clu__recbuf *b, const struct clu_set_rec *r);
/* Appends one record as encoded already (len bytes of a checked batch). 0 or STEER_ENOMEM. */
int clu__recbuf_raw(struct clu__recbuf *b, const uint8_t *rec, size_t len);
void clu__recbuf_reset(struct clu__recbuf *b);
void clu__recbuf_free(struct clu__recbuf *b);
/* A message of type (a set batch; ring != NULL for CLU_MSG_SET_RING) holding b's records:
 * NULL when out of memory. */
uint8_t *clu__batch_msg(struct clu_node *n, zmq_msg_t *msg, uint8_t type, uint64_t seq,
                        const struct clu_set_batch *hdr, const void *recs, size_t len);

/* Walks a decoded batch like clu_set_batch_next, hinting the replica a few records ahead
 * (clu_sset_prefetch). *ahead starts at 0 with *off. */
bool clu__batch_walk(const struct clu_set_batch *b, struct clu_sset *s, size_t *off,
                     size_t *ahead, struct clu_set_rec *r);

/* ---- the proxies as one node sees them (peers.c) ---- */

struct clu__peer {
	struct clu__link lk;  /* NULL sock: this node itself */
	int64_t last_pong_us; /* mono; 0: none since the link came up */
	uint64_t incarnation; /* from its pongs */
	uint8_t state;        /* enum clu_proxy_state; 0 before its first pong */
	bool subscribed;      /* its last pong: this node takes its deliveries */
	uint64_t pong_seq;    /* the ping its last pong answered */
	uint64_t entries;
	uint32_t epoch; /* counts the link's connections: a new one may have lost state */
	bool sees_me;   /* proxies: its last ping said this proxy is in its ring */
};

/* Called for every message a proxy sends on a peer link other than a pong. */
typedef void (*clu__peer_msg_fn)(struct clu_node *n, int peer, struct clu__rx *rx);

struct clu__peers {
	struct clu_pool pool;
	struct clu__peer p[CLU_POOL_MAX];
	int self;                   /* this node's pool index (proxies), else -1 */
	uint64_t alive, ready;      /* pool masks; a proxy counts itself (ready once synced) */
	_Atomic uint8_t self_state; /* a proxy's own state (read by the metrics thread) */
	uint64_t incarnation;       /* this node's, random */
	int attached;               /* the proxy whose deliveries this node takes (-1: none) */
	int64_t dead_us;            /* silence after which a peer is dead */
	int64_t next_ping_us;
	uint64_t pings;
	clu__peer_msg_fn on_msg;
};

/* Connects to every proxy but this node. 0 or STEER_E* with errbuf. */
int clu__peers_open(struct clu_node *n, struct clu__peers *ps, clu__peer_msg_fn on_msg,
                    char *errbuf);
void clu__peers_close(struct clu__peers *ps);
/* Pings when due, reads the links' events and messages, recomputes alive and ready. Returns
 * when it wants to run again. */
int64_t clu__peers_tick(struct clu_node *n, struct clu__peers *ps, int64_t now);
size_t clu__peers_poll_items(struct clu__peers *ps, zmq_pollitem_t *items, size_t max);
/* Sends msg to proxy i (consumed on success). 0, or -1 when it cannot go now. */
int clu__peers_send(struct clu_node *n, struct clu__peers *ps, int i, zmq_msg_t *msg);
/* Answers a ping that came to this proxy's ROUTER, and notes whether a proxy's ping says
 * this proxy is in its ring. */
void clu__peers_pong(struct clu_node *n, struct clu__peers *ps, struct clu__rx *rx,
                     const struct clu_ping *pg, bool subscribed);
/* A random non-zero 64-bit number. */
uint64_t clu__random64(void);

/* ---- the proxy role (proxy.c, proxy_ring.c, proxy_sync.c) ---- */

struct clu__proxy;
/* Applies records that this proxy originates (a known host it owns, found new): delivers them
 * to its workers and sends them round the ring. */
int clu__proxy_originate(struct clu_node *n, const struct clu__recbuf *b);
/* The proxy's replica and whether it serves (owns keys, takes workers). */
struct clu_sset *clu__proxy_set(struct clu_node *n);
bool clu__proxy_ready(const struct clu_node *n);

/* ---- the client on a worker (shared.c) ---- */

int clu__shared_open(struct clu_node *n, char *errbuf);
void clu__shared_close(struct clu_node *n);
int64_t clu__shared_tick(struct clu_node *n, int64_t now);
/* Sends this turn's insertions now (the loop calls it after the work hook). */
void clu__shared_flush(struct clu_node *n, int64_t now);
size_t clu__shared_poll_items(struct clu_node *n, zmq_pollitem_t *items, size_t max);
/* The proxy that owns digest among the ready ones, and sends msg to it. 0, or -1. */
int clu__shared_send_owner(struct clu_node *n, uint32_t digest, zmq_msg_t *msg);
struct clu_sset *clu__shared_set(struct clu_node *n);
/* True once the worker takes deliveries from a ready proxy and sees every proxy of node.cfg
 * ready: then every worker asks the same owner for a key (until a proxy dies). */
bool clu__shared_settled(const struct clu_node *n);
/* True when the worker sees at least one proxy ready. */
bool clu__shared_any_ready(const struct clu_node *n);

/* ---- known hosts and services (known.c) ---- */

/* A proxy's handling of CLU_MSG_KNOWN: logs and inserts what its replica does not hold. */
void clu__known_on_msg(struct clu_node *n, struct clu__rx *rx);
int clu__known_open(struct clu_node *n, char *errbuf);
void clu__known_close(struct clu_node *n);
/* A worker's questions held while not every proxy was ready go when they may (known.c).
 * Returns when it wants to run again. */
int64_t clu__known_tick(struct clu_node *n, int64_t now);

#endif
