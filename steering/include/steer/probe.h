/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/probe.h: the verdict of active probing: crafted probe frames sent into a balancer, the
 * frames caught at the workers, and what went wrong (lost, duplicated, split, asymmetric,
 * misdirected). No I/O: the caller builds and sends the frames and captures what arrives. */
#ifndef STEER_PROBE_H
#define STEER_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* What a probe flow exercises (its encapsulation), for the per-kind counts. */
enum steer_probe_kind {
	STEER_PROBE_TCP = 0,
	STEER_PROBE_UDP,
	STEER_PROBE_ICMP,
	STEER_PROBE_IPV6,  /* TCP, UDP and ICMPv6 over IPv6 */
	STEER_PROBE_VLAN,  /* one 802.1Q tag */
	STEER_PROBE_QINQ,  /* 802.1ad + 802.1Q */
	STEER_PROBE_MPLS,
	STEER_PROBE_FRAG,  /* IPv4 fragments */
	STEER_PROBE_FRAG6, /* IPv6 fragments */
	STEER_PROBE_GRE,
	STEER_PROBE_VXLAN,
	STEER_PROBE__COUNT
};

/* "tcp", "udp", "icmp", "ipv6", "vlan", "qinq", "mpls", "frag", "frag6", "gre", "vxlan";
 * "?" out of range. steer_probe_kind_from_name takes the name's first n bytes and returns 0 or
 * STEER_EINVAL. */
const char *steer_probe_kind_name(enum steer_probe_kind k);
int steer_probe_kind_from_name(const char *s, size_t n, enum steer_probe_kind *k);

/* ---- the record every probe payload carries ----
 * STEER_PROBE_REC_LEN bytes: "SPRB", the run's nonce, the probe flow and the frame number (each
 * 32-bit big-endian), repeated through the payload so that any fragment of it still names its
 * frame. The nonce keeps frames of an earlier run (late in some buffer) out of this one. */
#define STEER_PROBE_REC_LEN 16u

/* Fills p[0..len) with records of (nonce, flow, frame), starting at a record boundary. */
void steer_probe_fill(uint8_t *p, size_t len, uint32_t nonce, uint32_t flow, uint32_t frame);

/* ---- the verdict ---- */

/* steer_probe_arrived's worker argument besides a plan index: the frame was caught where no
 * worker should see it (an unknown destination MAC or VLAN on a balanced capture point). */
#define STEER_PROBE_NO_WORKER (-1)

/* A probe flow direction's worker in a fault: a plan index, or: */
#define STEER_PROBE_NONE (-1)    /* no frame of that direction arrived */
#define STEER_PROBE_SEVERAL (-2) /* its frames arrived at more than one worker */

struct steer_probe_opts {
	bool predict;          /* hold every frame to the worker the plan predicts (the
	                        * balancer's hash is known: hwp_profile.hash_known) */
	uint64_t max_split;    /* split + asymmetric flows tolerated (default 0) ... */
	double max_split_frac; /* ... or, when > 0, as a fraction of the probe flows */
};

/* The faults a probe flow can have, worst first; a flow is reported under its worst one. */
enum steer_probe_fault_kind {
	STEER_PROBE_SPLIT = 0,   /* one direction's frames reached more than one worker */
	STEER_PROBE_ASYMMETRIC,  /* each direction at one worker, not the same one */
	STEER_PROBE_LOST,        /* frames that never arrived */
	STEER_PROBE_DUPLICATED,  /* frames that arrived more than once */
	STEER_PROBE_MISDIRECTED, /* frames at another worker than the plan predicts */
	STEER_PROBE_FAULT__COUNT
};

/* "split", "asymmetric", "lost", "duplicated", "misdirected". */
const char *steer_probe_fault_name(enum steer_probe_fault_kind k);

/* Frame and flow counts, for the whole run or one kind. lost, duplicated and misdirected count
 * frames; split and asymmetric count flows. */
struct steer_probe_counts {
	uint64_t flows, frames;
	uint64_t lost, duplicated, misdirected;
	uint64_t split, asymmetric;
};

struct steer_probe_fault {
	enum steer_probe_fault_kind kind;
	uint32_t flow;                 /* the probe flow (steer_probe_add_flow's number) */
	enum steer_probe_kind probe_kind;
	const char *desc;              /* as given to steer_probe_add_flow */
	int worker[2];                 /* where each direction (0 client to server, 1 back)
	                                * arrived: a plan index, STEER_PROBE_NONE or _SEVERAL */
	uint64_t frames, lost, duplicated, misdirected; /* the flow's frames */
	int misdirected_to, predicted; /* a misdirected frame's worker and its predicted one,
	                                * -1 when none is misdirected */
};

struct steer_probe_result {
	bool pass;                  /* nothing lost, duplicated, misdirected or at no worker, and
	                             * split + asymmetric flows within the tolerance */
	bool predicted;             /* frames were held to the predicted worker */
	struct steer_probe_counts total;
	uint64_t arrived;           /* frames that arrived at least once */
	uint64_t lost_flows;        /* flows of which no frame arrived */
	uint64_t separate_flows;    /* flows whose two directions the balancer hashes as two
	                             * flows (their canonical keys differ: VXLAN hashed on the
	                             * outer header); each direction is held to one worker and its
	                             * prediction, not to the other direction's worker */
	uint64_t stray;             /* frames of this run caught at no worker */
	uint64_t foreign;           /* other frames caught (not of this run) */
	uint64_t split_tolerated;   /* the tolerance, in flows */
	struct steer_probe_counts kinds[STEER_PROBE__COUNT];
	const uint64_t *received;   /* per plan worker: frames that arrived there first */
	const uint64_t *expected;   /* per plan worker: frames predicted there */
	size_t nworkers;
	const struct steer_probe_fault *faults; /* every faulty flow, worst kind first, then in
	                                         * the order the flows were added */
	size_t nfaults;
	size_t memory;              /* bytes the probe holds */
};

struct steer_probe;

/* A probe run against plan (borrowed: it must outlive the probe), with the run's nonce
 * (the caller's choice: time and process id, say). opts may be NULL (defaults: no
 * predictions, nothing tolerated). Returns 0 with *out set (free with steer_probe_free), or
 * STEER_ENOMEM with *out NULL. */
int steer_probe_new(const struct steer_plan *plan, uint32_t nonce,
                    const struct steer_probe_opts *opts, struct steer_probe **out);
void steer_probe_free(struct steer_probe *pr);

/* ---- feeding what was sent, in the order it is sent ---- */

/* Adds a probe flow of kind with a description for the report (copied; NULL: ""). Returns 0
 * with *flow set to its number (0, 1, ...), STEER_EINVAL (kind out of range) or STEER_ENOMEM;
 * the probe is unchanged on failure. */
int steer_probe_add_flow(struct steer_probe *pr, enum steer_probe_kind kind, const char *desc,
                         uint32_t *flow);

/* The number the next frame given to steer_probe_sent gets (0, 1, ...): the frame number its
 * payload's records must carry. A packet cut into fragments gets consecutive numbers, one per
 * fragment, in sending order. */
uint32_t steer_probe_next_frame(const struct steer_probe *pr);

/* Records one Ethernet frame sent for flow in direction dir (0 client to server, 1 back), in
 * the order of sending: the plan's prediction is computed from its bytes as the balancer's
 * path would (later fragments follow their first). Returns 0, STEER_EINVAL (no such flow, dir
 * above 1, or steer_probe_finish was called) or STEER_ENOMEM (not recorded). */
int steer_probe_sent(struct steer_probe *pr, uint32_t flow, unsigned dir, const uint8_t *frame,
                     uint32_t len);

/* ---- feeding what arrived, in any order ---- */

/* What steer_probe_arrived found. */
enum steer_probe_arrival {
	STEER_PROBE_ARRIVAL = 0, /* a frame of this run, at a worker */
	STEER_PROBE_STRAY,       /* a frame of this run, at no worker */
	STEER_PROBE_FOREIGN,     /* not a probe frame of this run (counted, else ignored) */
};

/* A frame (caplen bytes as captured, any link type) caught at worker (a plan index or
 * STEER_PROBE_NO_WORKER). The frame is found by the first record of this run in its bytes.
 * Returns an enum steer_probe_arrival, or STEER_EINVAL (worker out of range, or called
 * after steer_probe_finish: nothing counted). Allocation-free. */
int steer_probe_arrived(struct steer_probe *pr, int worker, const uint8_t *frame,
                        uint32_t caplen);

/* True when every frame sent has arrived at least once (the caller may stop waiting). */
bool steer_probe_complete(const struct steer_probe *pr);

/* ---- the verdict ---- */

/* Ends the run and judges it. Returns the result (owned by pr, valid until it is freed), or
 * NULL when out of memory (the probe stays as it was: finish may be called again). Calling it
 * again returns the same result. */
const struct steer_probe_result *steer_probe_finish(struct steer_probe *pr);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
