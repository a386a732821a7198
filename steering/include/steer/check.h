/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/check.h: steering analysis: packets seen at workers in, findings out (split, asymmetric,
 * unknown destination, misdirected, one-sided TCP, imbalance), worst first. No I/O. */
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

/* What the analysis keeps of one flow: its record in the flow table (steer/flowtab.h). */
struct steer_flow {
	struct steer_flow_key key;  /* canonical (steer_flow_key_canon); the table's */
	uint64_t first_ns, last_ns; /* timestamps of the first and last packet */
	uint64_t packets[2];        /* per direction (STEER_DIR_*) */
	uint64_t bytes[2];          /* wire bytes per direction */
	struct steer_flow_seen seen[STEER_FLOW_MAX_SEEN]; /* in order of first sight */
	uint8_t nseen;              /* entries of seen[] in use */
	uint8_t more;               /* 1: at least one more worker saw it (not listed) */
	uint8_t tcp_flags[2];       /* TCP flags (FIN 0x01 ... ACK 0x10) seen per direction */
	uint32_t unknown;           /* packets delivered to no worker (unknown MAC / VLAN) */
	uint32_t misdirected;       /* packets at another worker than predicted */
	int32_t predicted;          /* predicted worker of the first packet, -1 none */
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
                                  * the outermost VLAN (delivery vlan) names the worker */

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
	size_t top;            /* heaviest flows kept; 0: 10 */
	size_t max_flows;      /* flow table bound (0: none); flows beyond are counted only */
};

struct steer_check_result {
	uint64_t packets, bytes;       /* everything fed */
	uint64_t flows;                /* distinct flows (canonical keys) */
	uint64_t flows_untracked;      /* packets of new flows beyond max_flows */
	uint64_t non_ip, malformed;    /* non-IP frames; truncated or invalid ones */
	uint64_t unknown_packets, unknown_bytes; /* at no worker */
	uint64_t count[STEER_FIND__COUNT]; /* findings per kind */
	uint64_t duplicated;           /* split flows whose packets were seen twice */
	uint64_t first_ns, last_ns;
	double imbalance;              /* max over workers of share_packets / expected */
	int imbalance_worker;          /* where it is, -1 none */
	bool imbalance_judged;         /* enough flows to judge it (opts.min_flows) */
	double flow_imbalance;         /* the same on flow shares */
	bool predicted;                /* predictions were checked */
	bool pass;                     /* within every threshold */
	const struct steer_check_worker *workers; /* plan->nworkers entries */
	size_t nworkers;
	const struct steer_finding *findings;     /* every finding, worst first */
	size_t nfindings;
	const struct steer_flow *const *heaviest; /* by bytes, heaviest first */
	size_t nheaviest;
	size_t memory;                 /* bytes of the flow table */
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
 * may come from any number of sources in any order.
 * Returns 0, STEER_ENOTSUP (a link type steer cannot parse: nothing counted), STEER_EINVAL
 * (worker out of range, or BY_DEST with delivery port) or STEER_ENOMEM (the packet is lost
 * to the analysis; the check stays usable). Allocation-free except when the flow table
 * grows. Not to be called after steer_check_finish. */
int steer_check_feed(struct steer_check *c, int worker, int linktype, const uint8_t *frame,
                     uint32_t caplen, uint32_t wirelen, uint64_t ts_ns);

/* The worker a balanced-capture frame was delivered to (as BY_DEST finds it): a plan index or
 * STEER_CHECK_UNKNOWN. */
int steer_check_worker_of(const struct steer_check *c, int linktype, const uint8_t *frame,
                          uint32_t caplen);

/* Ends the feeding and analyses. Returns the result (owned by c, valid until it is freed), or
 * NULL when out of memory. Calling it again returns the same result. */
const struct steer_check_result *steer_check_finish(struct steer_check *c);

/* The flow table (live view while feeding: for progress and statistics). */
const struct steer_flowtab *steer_check_flows(const struct steer_check *c);
const struct steer_plan *steer_check_plan(const struct steer_check *c);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
