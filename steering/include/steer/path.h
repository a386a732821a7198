/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/path.h: the per-packet steering decision: parsed packet -> worker, with the fragment and
 * non-IP policies of the plan. */
#ifndef STEER_PATH_H
#define STEER_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/packet.h>
#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

#define STEER_PATH_DROP (-1)

struct steer_path_stats {
	uint64_t ip;          /* IP packets steered */
	uint64_t non_ip;      /* non-IP frames, and IP under an encapsulation the plan's device
	                       * does not parse (plan l2_opaque): by the non_ip policy */
	uint64_t malformed;   /* truncated or invalid frames (steered as non-IP) */
	uint64_t frag_first;  /* first fragments remembered */
	uint64_t frag_hit;    /* later fragments that followed their first fragment */
	uint64_t frag_miss;   /* later fragments seen before their first (hashed by addresses) */
	uint64_t dropped;     /* by policy */
};

struct steer_path;

/* A steering context over plan (borrowed: it must outlive the path; a failover through
 * steer_plan_fail() is seen by the next packet). frag_slots: size of the fragment table for
 * the "remember" policy, rounded up to a power of two (0 = 4096).
 * Returns NULL when out of memory. */
struct steer_path *steer_path_new(const struct steer_plan *plan, uint32_t frag_slots);
void steer_path_free(struct steer_path *p);

/* The worker index for one parsed packet (status as returned by steer_parse), or
 * STEER_PATH_DROP. *hash is the flow hash used (0 for a dropped packet). Allocation-free. */
int steer_path_classify(struct steer_path *p, int status, const struct steer_pkt *pkt,
                        uint32_t *hash);

const struct steer_path_stats *steer_path_stats(const struct steer_path *p);

/* Whether the plan's balancer steers the parsed frame as IP (by its addresses): an IP packet
 * not under an encapsulation it cannot parse (plan l2_opaque). Otherwise it goes by the non_ip
 * policy, the MAC pair included. */
static inline bool steer_path_sees_ip(const struct steer_plan *plan, int status,
                                      const struct steer_pkt *pkt)
{
	return status == STEER_PKT_IP && !(pkt->flags & plan->l2_opaque);
}

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
