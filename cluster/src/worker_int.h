/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_int.h: private to cluster/: the worker's parts: the analysis (frames, tracker,
 * intervals: worker_analysis.c), its log records (worker_logs.c), a standalone run's notices
 * (worker_notice.c), its live capture (worker_capture.c); the role (worker.c) and the
 * standalone run (worker_run.c) put them together. */
#ifndef STEER_CLU_WORKER_INT_H
#define STEER_CLU_WORKER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/clu_log.h>
#include <steer/clu_notice.h>
#include <steer/clu_worker.h>
#include <steer/config.h>
#include <steer/conn.h>
#include <steer/plan.h>
#include <steer/worker.h>

/* Where a worker's records go: the node's outbox (clu_node_log) or a log directory. Returns
 * 0 or a STEER_E* code (the record is lost: counted by the caller). */
struct clu__wsink {
	int (*put)(void *arg, const struct clu_log_stream *st, const char *line, size_t len);
	void *arg;
};

/* ---- where the analysis' notices and known hosts go ---- */

/* A notice the analysis raises: to the manager in a cluster (clu_node_notice), into a
 * standalone run's notice.log (clu__wnotices_raise). */
struct clu__wnotify {
	void (*raise)(void *arg, const struct clu_notice *nt);
	void *arg;
};

/* Known hosts and services decided cluster-wide (clu_known_host, clu_known_service: the owner
 * proxy decides and logs): the analysis reports each candidate. ip_proto: 6 TCP, 17 UDP. */
struct clu__wknown {
	void (*host)(void *arg, int64_t ts_us, const struct steer_addr *host);
	void (*service)(void *arg, int64_t ts_us, const struct steer_addr *host, uint16_t port,
	                uint8_t ip_proto);
	void *arg;
};

/* ---- a standalone run's notices (worker_notice.c) ---- */

struct clu__wnotices;

/* The notice framework of a node without a manager (zeek -r): the policy of notice.cfg in
 * cfg's directory (Zeek's defaults without one), suppression in network time, notice.log
 * records to sink. Returns 0, STEER_ECONFIG (notice.cfg is wrong: errbuf names the line),
 * STEER_EIO or STEER_ENOMEM with errbuf. */
int clu__wnotices_new(const struct steer_config *cfg, enum clu_log_format fmt,
                      const struct clu__wsink *sink, struct clu__wnotices **out, char *errbuf);
void clu__wnotices_free(struct clu__wnotices *w);
/* struct clu__wnotify.raise (arg: the clu__wnotices). */
void clu__wnotices_raise(void *arg, const struct clu_notice *nt);

/* ---- log records (worker_logs.c) ---- */

enum clu__wlog {
	CLU__WLOG_CONN,
	CLU__WLOG_KNOWN_HOSTS,
	CLU__WLOG_KNOWN_SERVICES,
	CLU__WLOG_CAPTURE_LOSS,
	CLU__WLOG_STATS,
	CLU__WLOG_STEERING,
	CLU__WLOG__N
};

/* The streams and record builders of a worker's logs, and the sink they go to. */
struct clu__wlogs;

int clu__wlogs_new(enum clu_log_format fmt, const struct clu__wsink *sink, struct clu__wlogs **out,
                   char *errbuf);
void clu__wlogs_free(struct clu__wlogs *l);
/* Records refused by the sink so far. */
uint64_t clu__wlogs_lost(const struct clu__wlogs *l);

void clu__wlog_conn(struct clu__wlogs *l, const struct steer_conn_rec *r);
void clu__wlog_known_host(struct clu__wlogs *l, int64_t ts_us, const struct steer_addr *host);
void clu__wlog_known_service(struct clu__wlogs *l, int64_t ts_us, const struct steer_addr *host,
                             uint16_t port, int proto);
void clu__wlog_capture_loss(struct clu__wlogs *l, int64_t ts_us, int64_t delta_us, const char *peer,
                            uint64_t gaps, uint64_t acks);

/* One stats.log row (Zeek's columns; what steer has no counterpart for is unset). Counts are of
 * the interval, active_* of now. */
struct clu__wstats {
	int64_t ts_us;
	const char *peer;
	uint64_t mem_mb;
	uint64_t pkts_proc, bytes_recv;
	bool live; /* pkts_dropped, pkts_link and pkt_lag are set */
	uint64_t pkts_dropped, pkts_link;
	int64_t pkt_lag_us;
	uint64_t active[3], conns[3]; /* tcp, udp, icmp */
};
void clu__wlog_stats(struct clu__wlogs *l, const struct clu__wstats *s);

/* One steering.log row. */
struct clu__wsteer {
	int64_t ts_us, delta_us;
	const char *peer, *worker;
	const struct steer_health_report *rep;
	const char *const *notes; /* the notes raised, n_notes of them */
	unsigned n_notes;
};
void clu__wlog_steering(struct clu__wlogs *l, const struct clu__wsteer *s);

/* ---- the analysis (worker_analysis.c) ---- */

struct clu__wa_conf {
	const struct steer_config *cfg;  /* networks, log format, intervals, thresholds */
	const struct clu_worker_opts *o; /* may be NULL: defaults */
	const char *peer;                /* the node's name ("steerd" standalone) */
	/* steering health: the plan's worker (-1: none, a standalone node: no steering.log) */
	const struct steer_plan *plan;
	int worker;
	unsigned proc, nprocs;
	struct clu__wsink sink;
	struct clu__wnotify notify;
	/* NULL: known hosts and services are decided by this process alone (its own set with
	 * Zeek's one-day expiry) and logged to sink, as a standalone Zeek does. */
	const struct clu__wknown *known;
	/* A steering interval has ended: the caller may find the cluster's packets for the
	 * share and then call clu__wa_steering_row; NULL: the row is written at once without a
	 * share. */
	void (*steering_due)(void *arg);
	void *arg;
};

struct clu__wa;

int clu__wa_new(const struct clu__wa_conf *c, struct clu__wa **out, char *errbuf);
void clu__wa_free(struct clu__wa *a);

/* One captured frame at ts_ns (network time moves to it first). */
void clu__wa_frame(struct clu__wa *a, int linktype, const uint8_t *frame, uint32_t caplen,
                   uint32_t wirelen, int64_t ts_ns);
/* Network time moves to now_ns without a packet (a live worker on an idle link): idle
 * connections expire, intervals end. */
void clu__wa_time(struct clu__wa *a, int64_t now_ns);
/* The kernel's drop counter of a live capture (the stats rows then carry pkts_dropped). */
void clu__wa_capture(struct clu__wa *a, uint64_t dropped);
/* Frames to a MAC of none of the interface's workers, seen on it (live); mac: the last one. */
void clu__wa_unexpected(struct clu__wa *a, uint64_t n, const struct steer_mac *mac, int vlan);
/* Writes the steering row of the interval that ended (after steering_due), with the share
 * of the cluster's packets when cluster_packets > 0. No-op when none is pending. */
void clu__wa_steering_row(struct clu__wa *a, uint64_t own_packets, uint64_t cluster_packets);
/* The end of the input (zeek -r's end, or a stop): every connection still open is written,
 * then the last interval's rows (stats, steering). */
void clu__wa_finish(struct clu__wa *a);

struct clu__wa_stats {
	uint64_t packets, bytes, conns_logged;
	size_t conns_active, peak_conns;
	double bytes_per_conn; /* at the peak */
	uint64_t records_lost;
};
void clu__wa_stats(const struct clu__wa *a, struct clu__wa_stats *out);

/* ---- live capture (worker_capture.c) ---- */

struct clu__wcap;

/* Opens the capture of process proc of nprocs of the plan's worker: its interface (in the
 * namespace the process already runs in) with snaplen, buffer and promiscuous mode from cfg,
 * the plan's filter for the worker (filter_expr, as steerctl generate writes it) and-ed with
 * the process split; and, on the first process of the plan on that host and interface, the
 * stray capture: frames to a MAC of none of the interface's workers (not multicast).
 * Returns 0 with *out set, or STEER_EIO / STEER_EINVAL / STEER_ENOMEM with errbuf. */
int clu__wcap_open(const struct steer_config *cfg, const struct steer_plan *plan, int worker,
                   unsigned proc, unsigned nprocs, const char *filter_expr, bool strays,
                   struct clu__wcap **out, char *errbuf);
void clu__wcap_close(struct clu__wcap *c);
/* A descriptor that becomes readable when frames wait (the node's loop polls it). */
int clu__wcap_fd(const struct clu__wcap *c);
int clu__wcap_linktype(const struct clu__wcap *c);
/* Hands up to max frames (0: all waiting) to a, and the stray ones to
 * clu__wa_unexpected. Returns the frames handed, or STEER_EIO with errbuf. */
long clu__wcap_read(struct clu__wcap *c, struct clu__wa *a, unsigned max, char *errbuf);
/* Frames the kernel dropped on the main capture. */
uint64_t clu__wcap_drops(struct clu__wcap *c);

#endif
