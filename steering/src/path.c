/* SPDX-License-Identifier: BSD-2-Clause */
/* path.c: the per-packet steering decision (parse result -> flow key -> hash -> bucket -> worker). */
#include <stdlib.h>

#include <steer/path.h>

#include "frag_int.h"

struct steer_path {
	const struct steer_plan *plan;
	struct steer__frag_table frags;
	struct steer_path_stats stats;
};

struct steer_path *steer_path_new(const struct steer_plan *plan, uint32_t frag_slots)
{
	struct steer_path *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->plan = plan;
	if (steer__frag_init(&p->frags, frag_slots ? frag_slots : 4096) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

void steer_path_free(struct steer_path *p)
{
	if (!p)
		return;
	steer__frag_destroy(&p->frags);
	free(p);
}

const struct steer_path_stats *steer_path_stats(const struct steer_path *p)
{
	return &p->stats;
}

/* Non-IP, truncated and invalid frames all follow the non_ip policy: a malformed frame still has
 * to reach exactly one worker (or be dropped on purpose), never vanish. */
static int classify_other(struct steer_path *p, const struct steer_pkt *pkt, uint32_t *hash)
{
	const struct steer_plan *plan = p->plan;
	struct steer_flow_key k;
	switch (plan->non_ip) {
	case STEER_NONIP_DROP:
		p->stats.dropped++;
		*hash = 0;
		return STEER_PATH_DROP;
	case STEER_NONIP_WORKER:
		*hash = 0;
		return plan->nonip_worker;
	case STEER_NONIP_MAC:
		break;
	}
	/* A truncated or invalid IP packet is hashed by its MAC pair too. */
	struct steer_pkt l2 = *pkt;
	l2.family = 0;
	steer_flow_key_from_pkt(&l2, plan->vlan_in_key, &k);
	return (int)steer_plan_lookup(plan, &k, hash, NULL);
}

int steer_path_classify(struct steer_path *p, int status, const struct steer_pkt *pkt,
                        uint32_t *hash)
{
	const struct steer_plan *plan = p->plan;
	/* An IP packet under an encapsulation the emulated device does not parse is, to it, a
	 * frame of that EtherType: non-IP. One test covers both cases on the common path. */
	if (!steer_path_sees_ip(plan, status, pkt)) {
		if (status == STEER_PKT_NONIP || status == STEER_PKT_IP)
			p->stats.non_ip++;
		else
			p->stats.malformed++;
		return classify_other(p, pkt, hash);
	}
	p->stats.ip++;
	struct steer_flow_key k;
	steer_flow_key_from_pkt(pkt, plan->vlan_in_key, &k);
	if (plan->fragments == STEER_FRAG_L3) {
		k.sport = k.dport = 0;
		return (int)steer_plan_lookup(plan, &k, hash, NULL);
	}
	if (!(pkt->flags & STEER_F_FRAG))
		return (int)steer_plan_lookup(plan, &k, hash, NULL);
	if (plan->fragments == STEER_FRAG_BLIND) {
		/* the device reads a later fragment's data where the ports would be */
		if (pkt->frag_offset) {
			k.sport = (uint16_t)(pkt->frag_head >> 16);
			k.dport = (uint16_t)pkt->frag_head;
		}
		return (int)steer_plan_lookup(plan, &k, hash, NULL);
	}
	unsigned w;
	if (pkt->flags & STEER_F_FRAG_FIRST) {
		w = steer_plan_lookup(plan, &k, hash, NULL);
		steer__frag_put(&p->frags, pkt, w, *hash);
		p->stats.frag_first++;
		return (int)w;
	}
	/* A remembered worker that has failed since is forgotten: its buckets moved on. */
	if (steer__frag_get(&p->frags, pkt, &w, hash) && plan->workers[w].alive) {
		p->stats.frag_hit++;
		return (int)w;
	}
	p->stats.frag_miss++;
	return (int)steer_plan_lookup(plan, &k, hash, NULL);
}
