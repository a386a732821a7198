/* SPDX-License-Identifier: BSD-2-Clause */
/* node_int.h: private to cluster/: the node runtime that node.c, the transport, the metrics and
 * the role files (manager.c, logger.c, proxy.c, worker.c, logsend.c) share. */
#ifndef STEER_CLU_NODE_INT_H
#define STEER_CLU_NODE_INT_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <zmq.h>

#include <steer/clu_keys.h>
#include <steer/clu_layout.h>
#include <steer/clu_log.h>
#include <steer/clu_node.h>
#include <steer/clu_wire.h>
#include <steer/config.h>
#include <steer/error.h>

#include "util_int.h"

/* ---- time ---- */

int64_t clu__mono_us(void);
uint64_t clu__wall_us(void);

/* ---- diagnostics: "steerd[NAME]: message" on stderr ---- */

void clu__say(const struct clu_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- metrics (metrics.c) ---- */

/* Why a received message was dropped. */
enum clu__drop {
	CLU__DROP_TRUNC,      /* CLU_WIRE_ETRUNC */
	CLU__DROP_FOREIGN,    /* CLU_WIRE_EFOREIGN */
	CLU__DROP_VERSION,    /* CLU_WIRE_EVERSION */
	CLU__DROP_INVALID,    /* CLU_WIRE_EINVAL, or a payload that does not decode */
	CLU__DROP_UNAUTH,     /* sender name is not its CURVE key's node */
	CLU__DROP_UNEXPECTED, /* a valid message this node does not take */
	CLU__DROP__N
};

/* Counters written by the main loop, read by the metrics thread: relaxed atomics. */
struct clu__metrics {
	_Atomic uint64_t msgs_in, msgs_out, bytes_in, bytes_out;
	_Atomic uint64_t dropped[CLU__DROP__N];
	_Atomic uint64_t send_refused; /* a peer unreachable or its queue full: not sent */
	_Atomic uint64_t zap_allowed, zap_denied;
	_Atomic uint64_t hb_sent, hb_recv;
	/* log sender (the outbox) */
	_Atomic uint64_t rec_added, rec_acked, rec_refused;
	_Atomic uint64_t batches_sent, batches_resent;
	_Atomic uint64_t outbox_batches, outbox_bytes, outbox_spool_bytes; /* gauges */
	/* log sink (the store) */
	_Atomic uint64_t rec_written, rec_dropped, batches_new, batches_dup, batches_gap;
	_Atomic uint64_t bytes_written;
	/* workers (clu_node_set_capture) */
	_Atomic uint64_t pkts_recv, pkts_drop;
	/* workers: shared-set records received, new to the replica or seen already */
	_Atomic uint64_t set_new, set_seen;
};

/* Starts the Prometheus endpoint on the node's metrics address and port. 0, or STEER_EIO with
 * errbuf. */
int clu__metrics_start(struct clu_node *n, char *errbuf);
void clu__metrics_stop(struct clu_node *n);

#define CLU__ADD(field, v) atomic_fetch_add_explicit(&(field), (v), memory_order_relaxed)
#define CLU__SET(field, v) atomic_store_explicit(&(field), (v), memory_order_relaxed)
#define CLU__GET(field)    atomic_load_explicit(&(field), memory_order_relaxed)

/* ---- CURVE keys and ZAP (keys.c, zap.c) ---- */

/* The cluster's public keys by node name, and this node's own pair, from keys_dir. */
struct clu__keys {
	char self_pub[41], self_sec[41]; /* Z85 */
	size_t n;
	struct clu__key {
		char name[CLU_NAME_MAX + 1];
		uint8_t pub[32];
		char pub_z85[41];
	} * v;
};

/* Reads DIR/SELF.key and .pub and every DIR/NAME.pub. 0, or STEER_EIO / STEER_EINVAL with
 * errbuf naming the file. */
int clu__keys_load(const char *dir, const char *self, struct clu__keys **out, char *errbuf);
void clu__keys_free(struct clu__keys *k);
const struct clu__key *clu__keys_find(const struct clu__keys *k, const char *name);

/* The ZAP handler (RFC 27) in its own thread: a CURVE client is let in only with a key of the
 * cluster, and its messages then carry that node's name as User-Id. */
int clu__zap_start(struct clu_node *n, char *errbuf);
void clu__zap_stop(struct clu_node *n);

/* ---- transport (transport.c) ---- */

/* A connecting socket to one peer (DEALER), with the monitor that reports its connection. */
struct clu__link {
	void *sock;
	void *mon; /* PAIR receiving the socket's events */
	const struct clu_proc *peer;
	bool up;          /* handshake done, no disconnect since */
	bool reconnected; /* set on each handshake, cleared by the user */
};

/* One received message: the ROUTER's route back to the sender, the frame, its decoding, and
 * the CURVE User-Id (the node name ZAP gave its key; "" without CURVE). */
struct clu__rx {
	zmq_msg_t route, body;
	bool has_route;
	struct clu_msg m;
	char user[CLU_NAME_MAX + 1];
};

/* Binds the node's ROUTER on its host and port (CURVE server with keys). */
int clu__listen(struct clu_node *n, void **sock, char *errbuf);
/* A DEALER for peer with the cluster's options (CURVE client with keys), not yet connected;
 * ep receives its endpoint. */
int clu__dealer(void *zctx, const struct clu__keys *keys, const char *keys_dir,
                const struct clu_proc *peer, void **sock, char *ep, size_t eplen, char *errbuf);
/* Connects a DEALER to peer (CURVE client with keys); it reconnects by itself. */
int clu__connect(struct clu_node *n, const struct clu_proc *peer, struct clu__link *lk,
                 char *errbuf);
void clu__link_close(struct clu__link *lk);
/* Reads the link's pending monitor events (up / reconnected / handshake failures). */
void clu__link_events(struct clu_node *n, struct clu__link *lk);

/* Receives one message from sock without blocking. Returns 1 with *rx filled (release with
 * clu__rx_close), 0 when there is none, -1 when one was dropped (counted and reported). */
int clu__recv(struct clu_node *n, void *sock, bool router, struct clu__rx *rx);
void clu__rx_close(struct clu__rx *rx);

/* A message being built: clu__msg_init sizes it and writes the header; the payload goes at the
 * returned pointer. NULL when out of memory or the name is invalid. */
uint8_t *clu__msg_init(zmq_msg_t *msg, uint8_t type, uint64_t seq, const char *sender,
                       size_t payload_len);
/* Sends msg (consumed on success; on failure the caller still owns it) on sock, after route
 * when route is given (a ROUTER's reply). Never blocks. Returns 0, or -1 when the peer is
 * unreachable or its queue is full (EAGAIN, EHOSTUNREACH) or on another error. */
int clu__send(struct clu_node *n, void *sock, zmq_msg_t *route, zmq_msg_t *msg);

/* ---- roles ---- */

struct clu__role_ops {
	int (*open)(struct clu_node *n, char *errbuf);
	/* A message on the listening socket that is not a log batch. */
	void (*on_msg)(struct clu_node *n, struct clu__rx *rx);
	/* Periodic work; returns when it wants to run next (mono us), INT64_MAX for never. */
	int64_t (*tick)(struct clu_node *n, int64_t now_us);
	void (*close)(struct clu_node *n);
	/* The role's own Prometheus samples (called from the metrics thread: atomics only);
	 * NULL: none. */
	void (*metrics)(const struct clu_node *n, FILE *f);
	/* A message from the manager on the heartbeat link (a reply to the role's request);
	 * NULL: none is expected. */
	void (*on_mgr_msg)(struct clu_node *n, struct clu__rx *rx);
	/* Poll items of the role's own sockets (the tick reads them); NULL: none. */
	size_t (*poll_items)(struct clu_node *n, zmq_pollitem_t *items, size_t max);
};
extern const struct clu__role_ops clu__manager_ops, clu__logger_ops, clu__proxy_ops,
    clu__worker_ops;

/* The log sink (logger.c): loggers, and the manager when node.cfg has no logger. */
struct clu__sink;
int clu__sink_open(struct clu_node *n, char *errbuf);
void clu__sink_on_batch(struct clu_node *n, struct clu__rx *rx);
/* Writes a batch of this node's own records (the manager as sink). 0 with *ack set, or a
 * STEER_E* code (the batch stays held and is tried again). */
int clu__sink_local(struct clu_node *n, const struct clu_logbatch *b, uint64_t *ack, bool *gap);
int64_t clu__sink_tick(struct clu_node *n, int64_t now_us);
void clu__sink_close(struct clu_node *n);

/* The log sender (logsend.c): every node that is not a logger. */
struct clu__sender;
int clu__sender_open(struct clu_node *n, char *errbuf);
int clu__sender_add(struct clu_node *n, const struct clu_log_stream *st, const char *line,
                    size_t len);
/* Seals every open batch. */
int clu__sender_flush(struct clu_node *n);
/* Sends what can go; returns when it wants to run next. With final, seals every open batch. */
int64_t clu__sender_tick(struct clu_node *n, int64_t now_us, bool final);
/* Poll items of the sender's links (sockets and monitors): fills up to max, returns count. */
size_t clu__sender_poll_items(struct clu_node *n, zmq_pollitem_t *items, size_t max);
void clu__sender_on_ready(struct clu_node *n);
/* Nothing held any more (every batch acknowledged). */
bool clu__sender_drained(const struct clu_node *n);
void clu__sender_close(struct clu_node *n);

/* ---- the node ---- */

struct clu_node {
	struct steer_config *cfg;
	struct clu_layout *layout;
	const struct clu_proc *self;
	char workdir[PATH_MAX]; /* state_dir/NAME */
	enum clu_log_format format;
	int64_t start_mono_us;
	uint64_t start_wall_us;
	struct clu__metrics m;
	struct MHD_Daemon *mhd;

	void *zctx;
	struct clu__keys *keys; /* NULL: plaintext */
	pthread_t zap_thread;
	void *zap_sock; /* the ZAP thread's, once it runs */
	bool zap_running;
	void *listen;         /* manager, loggers: ROUTER */
	struct clu__link mgr; /* heartbeats to the manager (everyone else) */
	uint64_t hb_seq;
	int64_t next_hb_us;

	struct clu__sender *sender; /* every node but the loggers */
	struct clu__sink *sink;     /* loggers; the manager without loggers */
	const struct clu__role_ops *ops;
	void *role;
	struct clu__shared *shared;   /* workers: the shared sets (shared.c) */
	struct clu__known *known;     /* workers and proxies: known hosts and services (known.c) */
	struct clu__notices *notices; /* every node but the manager (notice.c) */
	struct clu__noticemgr *noticemgr; /* the manager (notice_mgr.c) */

	struct clu_node_opts opts;
	int watch_fd; /* a descriptor the role wants the loop to wake on (a capture), or -1 */
	int pidfd;   /* WORKDIR/steerd.pid, write-locked while the node runs */
	bool failed; /* the log store cannot go on: the loop ends with fatal */
	char fatal[STEER_ERRBUF_SIZE];
	bool stopping;
	/* Drop diagnostics at most once a second, with the count since. */
	int64_t drop_said_us;
	uint64_t drops_unsaid;
};

/* Counts a dropped message and reports it (rate-limited). */
void clu__drop(struct clu_node *n, enum clu__drop why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
