/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/check.h: steering analysis: packets seen at workers in, findings out (split, asymmetric,
 * unknown destination, misdirected, one-sided TCP, imbalance), worst first; finished once, or
 * polled while feeding continues with idle flows expired (a long-running process). No I/O. */
#ifndef STEER_CHECK_H
#define STEER_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/flowtab.h>
#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Workers remembered per flow; a flow seen at more sets steer_flow.more. Four is plenty: a
 * healthy flow has one, a fault shows with two. */
#define STEER_FLOW_MAX_SEEN 4

/* One worker that saw the flow. */
struct steer_flow_seen {
	uint16_t worker;  /* worker index (the caller's numbering) */
	uint8_t dirs;     /* bit 1 << STEER_DIR_*: the directions it saw */
	uint8_t pad;
	uint32_t packets; /* packets it saw (saturates at UINT32_MAX) */
};

/* What the analysis keeps of one flow: its record in the flow table (steer/flowtab.h), 112
 * bytes. Only what the findings and the report need: per-direction packets (one-sided TCP), the
 * workers that saw it, the predicted worker, and the second of its last packet (expiry). */
struct steer_flow {
	struct steer_flow_key key;  /* canonical (steer_flow_key_canon); the table's */
	uint64_t packets[2];        /* per direction (STEER_DIR_*) */
	uint64_t bytes;             /* wire bytes, both directions */
	struct steer_flow_seen seen[STEER_FLOW_MAX_SEEN]; /* in order of first sight */
	uint32_t last_s;            /* latest packet's time in whole seconds since the epoch */
	uint32_t misdirected;       /* packets at another worker than predicted (saturates) */
	int32_t predicted;          /* predicted worker of the first packet, -1 none */
	uint8_t nseen;              /* entries of seen[] in use */
	uint8_t more;               /* 1: at least one more worker saw it (not listed) */
	uint8_t tcp_flags[2];       /* TCP flags (FIN 0x01 ... ACK 0x10) seen per direction */
};

/* Records that worker saw one packet of f in direction dir: adds it to seen[] (or sets more
 * when seen[] is full and it is not listed). */
void steer_flow_note_worker(struct steer_flow *f, unsigned worker, int dir);

/* Distinct workers that saw f (seen entries, plus one when more is set: at least that). */
static inline unsigned steer_flow_nworkers(const struct steer_flow *f)
{
	return (unsigned)f->nseen + f->more;
}

/* steer_check_feed's worker argument besides a plan worker index: */
#define STEER_CHECK_UNKNOWN (-1) /* the packet reached no worker (an unknown MAC or VLAN) */
#define STEER_CHECK_BY_DEST (-2) /* one balanced capture: the destination MAC (delivery mac) or
                                  * the outermost VLAN (delivery vlan) names the worker, as
                                  * steer_check_worker_of finds it */

/* The kinds of finding, worst first (the order of the report). */
enum steer_finding_kind {
	STEER_FIND_SPLIT = 0,    /* one direction of a flow reached more than one worker */
	STEER_FIND_ASYMMETRIC,   /* each direction at one worker, but not the same one */
	STEER_FIND_UNKNOWN_DEST, /* packets to a MAC or VLAN that belongs to no worker */
	STEER_FIND_MISDIRECTED,  /* at one worker, but not the one the plan predicts */
	STEER_FIND_ONE_SIDED,    /* TCP seen one way only, ACKs and no handshake answer */
	STEER_FIND_IMBALANCE,    /* a worker's share of packets above max_imbalance x its own */
	STEER_FIND__COUNT
};

/* "split", "asymmetric", "unknown-dest", "misdirected", "one-sided-tcp", "imbalance". */
const char *steer_finding_name(enum steer_finding_kind k);

struct steer_finding {
	enum steer_finding_kind kind;
	const struct steer_flow *flow; /* the flow (workers in flow->seen); for unknown-dest the
	                                * first flow sent there; NULL for imbalance */
	int worker;                    /* misdirected: the predicted worker; imbalance: the
	                                * overloaded one; else -1 */
	struct steer_mac mac;          /* unknown-dest: the destination MAC (delivery mac) */
	int vlan;                      /* unknown-dest: the VLAN (delivery vlan), else -1 */
	uint64_t packets, bytes;       /* the traffic the finding covers */
	double ratio;                  /* imbalance: share / expected share */
	bool duplicated;               /* split: two workers saw the same directions and the
	                                * same number of packets: the same packets twice (an
	                                * overlapping filter, a capture counted twice) */
};

struct steer_check_worker {
	uint64_t packets, bytes, flows; /* flows: distinct flows it saw */
	double share_packets, share_bytes, share_flows; /* of the packets / bytes / flows at
	                                                 * workers (flow shares can sum above 1
	                                                 * when flows are split) */
	double expected;                /* its weight / the alive workers' weight */
};

struct steer_check_opts {
	bool predict;          /* hold workers to the plan's predictions (the profile's hash is
	                        * known: hwp_profile.hash_known) */
	uint64_t max_split;    /* split + asymmetric flows tolerated (default 0) ... */
	double max_split_frac; /* ... or, when > 0, as a fraction of the flows */
	double max_imbalance;  /* highest share / expected share tolerated; 0: 1.5 */
	uint64_t min_flows;    /* imbalance is judged from this many flows per worker on
	                        * (fewer say nothing about the hash); 0: 20 */
	size_t top;            /* findings listed per kind, and heaviest flows; 0: 10 */
	size_t max_flows;      /* flow table bound (0: none); flows beyond are counted only */
	uint32_t idle_s;       /* expire flows without a packet for longer than this many seconds
	                        * (0: never): each is summarised into the totals, counts and lists
	                        * of the results, then removed, so that the table holds the flows
	                        * alive now. The clock is the packets' timestamps: only for packets
	                        * fed in time order (a live capture); captures fed one after the
	                        * other would expire flows before their packets in the next one. */
};

struct steer_check_result {
	uint64_t packets, bytes;       /* everything fed */
	uint64_t flows;                /* distinct flows (canonical keys); a flow that comes back
	                                * after it expired counts again */
	uint64_t flows_expired;        /* of those, expired and no longer in the table */
	uint64_t flows_untracked;      /* packets of new flows beyond max_flows */
	uint64_t non_ip, malformed;    /* non-IP frames; truncated or invalid ones */
	uint64_t unknown_packets, unknown_bytes; /* at no worker */
	uint64_t count[STEER_FIND__COUNT]; /* findings per kind, all of them */
	uint64_t duplicated;           /* split flows whose packets were seen twice */
	uint64_t first_ns, last_ns;
	double imbalance;              /* max over workers of share_packets / expected */
	int imbalance_worker;          /* where it is, -1 none */
	bool imbalance_judged;         /* enough flows to judge it (opts.min_flows) */
	double flow_imbalance;         /* the same on flow shares */
	bool predicted;                /* predictions were checked */
	bool empty;                    /* no packet was fed: nothing is proven, and pass is
	                                * false */
	bool pass;                     /* packets seen, and within every threshold */
	const struct steer_check_worker *workers; /* plan->nworkers entries */
	size_t nworkers;
	const struct steer_finding *findings;     /* the worst opts.top of each kind (of count[]),
	                                           * worst first */
	size_t nfindings;
	const struct steer_flow *const *heaviest; /* by bytes, heaviest first */
	size_t nheaviest;
	size_t memory;                 /* bytes of the flow table now */
	double bytes_per_flow;
};

struct steer_check;

/* An analysis against plan (borrowed: it must outlive the check). opts may be NULL (defaults).
 * Returns 0 with *out set (free with steer_check_free), or STEER_ENOMEM / STEER_EINVAL with a
 * line in errbuf (STEER_ERRBUF_SIZE) and *out NULL. */
int steer_check_new(const struct steer_plan *plan, const struct steer_check_opts *opts,
                    struct steer_check **out, char *errbuf);
void steer_check_free(struct steer_check *c);

/* Feeds one frame (linktype LINKTYPE_*, caplen bytes captured of wirelen, time in ns since the
 * epoch) seen at worker (a plan index, STEER_CHECK_UNKNOWN or STEER_CHECK_BY_DEST). Packets
 * may come from any number of sources in any order (but see opts.idle_s). With opts.idle_s,
 * also examines a few flows for expiry, and when the table is full (opts.max_flows) looks for
 * idle flows to make room before a new flow goes untracked.
 * Returns 0, STEER_ENOTSUP (a link type steer cannot parse: nothing counted), STEER_EINVAL
 * (worker out of range, BY_DEST with delivery port, or called after steer_check_finish) or
 * STEER_ENOMEM (the packet is lost to the analysis; the check stays usable). Allocation-free
 * except when the flow table grows or an expired flow is kept for the lists. */
int steer_check_feed(struct steer_check *c, int worker, int linktype, const uint8_t *frame,
                     uint32_t caplen, uint32_t wirelen, uint64_t ts_ns);

/* Expires every flow without a packet for longer than opts.idle_s at now_ns (on the packets'
 * clock; the analysis' clock never goes back: an earlier now_ns means its latest packet's time).
 * For a caller whose traffic has stopped, or before a poll. O(flows held). Returns the number
 * of flows expired (0 without opts.idle_s, or after steer_check_finish). */
size_t steer_check_expire(struct steer_check *c, uint64_t now_ns);

/* The analysis of everything fed so far, while feeding may continue: for periodic reports.
 * Counts and totals are cumulative (subtract two polls for an interval). O(flows held).
 * Returns the result, owned by c and valid, with everything it points to, until the next
 * call of steer_check_feed, _expire, _poll, _finish or _free on c; or NULL when out of memory
 * (the check stays usable). After steer_check_finish, returns the final result. */
const struct steer_check_result *steer_check_poll(struct steer_check *c);

/* Ends the feeding and polls a last time. Returns the result (owned by c, valid until it is
 * freed), or NULL when out of memory (the check is not finished then: it may be called again).
 * Calling it again returns the same result. */
const struct steer_check_result *steer_check_finish(struct steer_check *c);

/* The worker a frame of a balanced capture was delivered to, by plan: the first worker whose
 * VLAN is the frame's outermost VLAN id (delivery vlan), else whose MAC is its destination
 * MAC; a plan index, or STEER_CHECK_UNKNOWN (no such worker, no tag or Ethernet header, a link
 * type steer cannot parse). What STEER_CHECK_BY_DEST uses. No state, allocation-free. */
int steer_check_worker_of(const struct steer_plan *plan, int linktype, const uint8_t *frame,
                          uint32_t caplen);

/* The flow table (live view while feeding: for progress and statistics). */
const struct steer_flowtab *steer_check_flows(const struct steer_check *c);
const struct steer_plan *steer_check_plan(const struct steer_check *c);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
