/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/worker.h: what a worker takes from the plan, pure (no I/O, no globals): the split of a
 * worker's traffic among its lb_procs processes (a BPF filter and the same arithmetic in C),
 * and steering health: which frames and connections the plan gives this process, counted per
 * interval, and the verdicts that raise the Steer:: notices. */
#ifndef STEER_WORKER_H
#define STEER_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/conn.h>
#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* ---- the process split (lb_procs) ----
 * The processes of one worker share its interface and its MAC (or VLAN): each keeps the frames
 * whose address pair hashes to it, both directions alike. The hash is the XOR of the IPv4
 * addresses (IPv6: their last 32 bits), mixed by a multiplication (Knuth's 2654435761) so that
 * it does not repeat the balancer's own bits, then (x * 2654435761 >> 16) % nprocs. It reads
 * Ethernet frames at fixed offsets, untagged and under one 802.1Q tag alike; every other frame
 * (non-IP, QinQ, MPLS, other link types) goes to process 0. A fragmented or tunnelled flow stays
 * whole: only the outer addresses count. */

/* The BPF filter (pcap-filter(7)) of process k (0-based) of nprocs, to be and-ed with the
 * worker's own filter: "" when nprocs is 1. Written into buf (n bytes; 1024 are enough).
 * Returns 0, or STEER_EINVAL (k >= nprocs, nprocs 0) / STEER_ERANGE (buf too small) with buf
 * empty. */
int steer_proc_filter(unsigned k, unsigned nprocs, char *buf, size_t n);

/* The process (0 .. nprocs-1) the filters give a frame of the given link type. */
unsigned steer_proc_of(int linktype, const uint8_t *frame, uint32_t caplen, unsigned nprocs);

/* ---- steering health ---- */

/* Counts of one interval. */
struct steer_health_counts {
	uint64_t packets, bytes;  /* frames analysed, and their wire bytes */
	uint64_t conns;           /* connections created */
	uint64_t misdirected;     /* ... whose first frame the plan gives another worker or
	                           * process */
	uint64_t unexpected_dest; /* frames on the interface to a MAC of none of its workers */
	uint64_t tcp_done;        /* TCP connections finished */
	uint64_t one_sided;       /* ... with one direction only */
	uint64_t split_routing;   /* ... with Zeek's possible_split_routing */
	uint64_t acks_unseen;     /* ACKs for data never seen (the tracker's counter) */
};

/* When a verdict is raised: the steer.cfg thresholds (struct steer_cluster_opts). */
struct steer_health_limits {
	double max_imbalance;         /* share / expected share, above: Imbalance (0: never) */
	double max_misdirected;       /* misdirected / conns, above: Misdirected */
	double max_split_routing;     /* split_routing / tcp_done, above: Split_Routing */
	uint64_t max_unexpected_dest; /* unexpected_dest, above: Unexpected_Destination */
	uint64_t min_packets;         /* the cluster's packets in the interval below which a
	                               * share says nothing (0: 1000) */
};

/* The verdicts of one interval. */
enum {
	STEER_HEALTH_IMBALANCE = 1u << 0,
	STEER_HEALTH_MISDIRECTED = 1u << 1,
	STEER_HEALTH_SPLIT_ROUTING = 1u << 2,
	STEER_HEALTH_UNEXPECTED_DEST = 1u << 3,
};

struct steer_health_report {
	struct steer_health_counts c;
	double expected;   /* this process's expected share of the cluster's packets */
	double share;      /* its share, or NaN when unknown (no cluster view) */
	double ratio;      /* share / expected, NaN when unknown */
	unsigned verdicts; /* STEER_HEALTH_* */
};

struct steer_health;

/* Health of process proc (0-based) of nprocs of the plan's worker `worker` (an index of plan,
 * which must outlive it), judged by lim. worker -1: no plan worker (a standalone node): no
 * frame is misdirected and the expected share is 1. Returns 0 with *out set (free with
 * steer_health_free), or STEER_EINVAL (worker or proc out of range) / STEER_ENOMEM with errbuf
 * (STEER_ERRBUF_SIZE) and *out NULL. */
int steer_health_new(const struct steer_plan *plan, int worker, unsigned proc, unsigned nprocs,
                     const struct steer_health_limits *lim, struct steer_health **out,
                     char *errbuf);
void steer_health_free(struct steer_health *h);

/* One frame, before the tracker sees it: counted, and classified as the balancer does
 * (steer_path: fragments, tunnels, non-IP by the plan's policies; then the process split).
 * Returns true when the plan gives it to this process. Allocation-free. */
bool steer_health_frame(struct steer_health *h, int linktype, const uint8_t *frame, uint32_t caplen,
                        uint32_t wirelen);
/* The tracker created n connections from the last frame, which was (mine) or was not this
 * process's by the plan. */
void steer_health_created(struct steer_health *h, uint64_t n, bool mine);
/* A finished connection (the tracker's record). */
void steer_health_finished(struct steer_health *h, const struct steer_conn_rec *r);
/* Frames seen on the interface that belong to no worker (the stray capture). */
void steer_health_unexpected(struct steer_health *h, uint64_t n);

/* Ends an interval: fills *out with its counts (acks_unseen from the tracker's cumulative
 * counter), the share given by the cluster view (this process's packets and all workers'
 * packets in the interval; cluster_packets 0: unknown) and the verdicts, then starts the next
 * interval. */
void steer_health_interval(struct steer_health *h, uint64_t acks_unseen_total, uint64_t own_packets,
                           uint64_t cluster_packets, struct steer_health_report *out);

/* This process's expected share of the cluster's packets: its worker's weight over the alive
 * workers' weights, over nprocs (1 without a plan worker). */
double steer_health_expected(const struct steer_health *h);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
