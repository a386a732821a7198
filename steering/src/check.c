/* SPDX-License-Identifier: BSD-2-Clause */
/* check.c: the steering analysis: per-packet accounting into the flow table (steer_check_feed)
 * and the worker of a frame by its destination; expiry is in check_expire.c, the findings are
 * made in check_report.c. */
#include <stdlib.h>
#include <string.h>

#include <steer/check.h>
#include <steer/error.h>
#include <steer/path.h>

#include "check_int.h"

/* What a flow costs is measured (bench/steer_check): a larger record is a decision. */
_Static_assert(sizeof(struct steer_flow) == 112, "struct steer_flow is 112 bytes");

int steer_check_new(const struct steer_plan *plan, const struct steer_check_opts *opts,
                    struct steer_check **out, char *errbuf)
{
	*out = NULL;
	struct steer_check *c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->plan = plan;
	if (opts)
		c->o = *opts;
	if (c->o.max_imbalance <= 0)
		c->o.max_imbalance = 1.5;
	if (c->o.min_flows == 0)
		c->o.min_flows = 20;
	if (c->o.top == 0)
		c->o.top = 10;
	size_t nw = plan->nworkers ? plan->nworkers : 1;
	c->workers = calloc(nw, sizeof(*c->workers));
	c->res_workers = calloc(nw, sizeof(*c->res_workers));
	c->heaviest = calloc(c->o.top, sizeof(*c->heaviest));
	c->frags = calloc(CHECK_FRAG_SLOTS, sizeof(*c->frags));
	if (!c->workers || !c->res_workers || !c->heaviest || !c->frags ||
	    steer_flowtab_new(sizeof(struct steer_flow), c->o.max_flows, &c->flows) != 0)
		goto nomem;
	if (c->o.predict) {
		c->path = steer_path_new(plan, 0);
		if (!c->path)
			goto nomem;
	}
	*out = c;
	return 0;
nomem:
	steer_check_free(c);
	if (errbuf)
		strcpy(errbuf, "steercheck: out of memory");
	return STEER_ENOMEM;
}

void steer_check_free(struct steer_check *c)
{
	if (!c)
		return;
	steer_flowtab_free(c->flows);
	steer_path_free(c->path);
	free(c->workers);
	free(c->res_workers);
	free(c->frags);
	steer__check_gone_free(&c->gone);
	free(c->findings);
	free(c->heaviest);
	free(c);
}

int steer_check_worker_of(const struct steer_plan *plan, int linktype, const uint8_t *frame,
                          uint32_t caplen)
{
	struct steer_pkt pkt;
	int st = steer_parse(linktype, frame, caplen, false, &pkt);
	if (st == STEER_PKT_UNSUPPORTED_LINK)
		return STEER_CHECK_UNKNOWN;
	return steer__check_dest(plan, &pkt);
}

/* A scan of the workers, without a cache: the plan has a handful to a few hundred, and a
 * balanced capture interleaves them, so a "last one" cache rarely hits. */
int steer__check_dest(const struct steer_plan *p, const struct steer_pkt *pkt)
{
	if (p->delivery == STEER_DELIVER_VLAN) {
		if (!(pkt->flags & STEER_F_VLAN))
			return STEER_CHECK_UNKNOWN;
		for (size_t i = 0; i < p->nworkers; i++)
			if (p->workers[i].vlan == (int)pkt->vlan[0])
				return (int)i;
		return STEER_CHECK_UNKNOWN;
	}
	if (!(pkt->flags & STEER_F_L2) || pkt->eth_off < 0)
		return STEER_CHECK_UNKNOWN;
	for (size_t i = 0; i < p->nworkers; i++)
		if (memcmp(p->workers[i].mac.b, pkt->mac_dst, 6) == 0)
			return (int)i;
	return STEER_CHECK_UNKNOWN;
}

/* Later fragments carry no ports: they take the ports of their first fragment, found by
 * (family, proto, src, dst, id) in a direct-mapped table, so that a fragmented datagram is
 * one flow with its first fragment and not a flow of its own. */
static uint32_t frag_slot(const struct steer_pkt *pkt)
{
	uint32_t h = pkt->frag_id * 0x9e3779b1u ^ pkt->proto;
	for (int i = 0; i < 16; i += 4) {
		uint32_t a, b;
		memcpy(&a, pkt->src + i, 4);
		memcpy(&b, pkt->dst + i, 4);
		h = (h ^ a ^ b) * 0x85ebca6bu;
		h ^= h >> 15;
	}
	return h & (CHECK_FRAG_SLOTS - 1);
}

static void frag_ports(struct steer_check *c, const struct steer_pkt *pkt,
                       struct steer_flow_key *k)
{
	struct check_frag *e = &c->frags[frag_slot(pkt)];
	if (pkt->flags & STEER_F_PORTS) { /* the first fragment: remember its ports */
		e->used = 1;
		e->family = pkt->family;
		e->proto = pkt->proto;
		e->id = pkt->frag_id;
		memcpy(e->src, pkt->src, 16);
		memcpy(e->dst, pkt->dst, 16);
		e->sport = pkt->sport;
		e->dport = pkt->dport;
		return;
	}
	if (e->used && e->id == pkt->frag_id && e->proto == pkt->proto &&
	    e->family == pkt->family && memcmp(e->src, pkt->src, 16) == 0 &&
	    memcmp(e->dst, pkt->dst, 16) == 0) {
		k->sport = e->sport;
		k->dport = e->dport;
	}
}

/* Remembers a destination that belongs to no worker, with f the first flow sent there (bounded:
 * further ones are counted in the totals only). */
static void note_unknown(struct steer_check *c, const struct steer_pkt *pkt,
                         const struct steer_flow *f, uint32_t wirelen)
{
	struct steer_mac mac = {{0}};
	int vlan = -1;
	if (c->plan->delivery == STEER_DELIVER_VLAN)
		vlan = (pkt->flags & STEER_F_VLAN) ? pkt->vlan[0] : 0;
	else if ((pkt->flags & STEER_F_L2) && pkt->eth_off >= 0)
		memcpy(mac.b, pkt->mac_dst, 6);
	for (size_t i = 0; i < c->nunknown; i++) {
		struct check_unknown *u = &c->unknown[i];
		if (u->vlan == vlan && memcmp(u->mac.b, mac.b, 6) == 0) {
			u->packets++;
			u->bytes += wirelen;
			return;
		}
	}
	if (c->nunknown == CHECK_MAX_UNKNOWN)
		return;
	struct check_unknown *u = &c->unknown[c->nunknown++];
	u->mac = mac;
	u->vlan = vlan;
	u->packets = 1;
	u->bytes = wirelen;
	u->flow = f;
}

/* The flow's record (NULL when it goes untracked: the table is full), with expiry making room
 * in a full table first. */
static int flow_of(struct steer_check *c, const struct steer_flow_key *k, struct steer_flow **f,
                   int *dir)
{
	void *rec;
	int rc = steer_flowtab_get(c->flows, k, &rec, dir);
	if (rc == STEER_EFULL && c->o.idle_s) {
		steer_flowtab_sweep(c->flows, CHECK_SWEEP_WHEN_FULL, steer__check_expire_idle, c);
		rc = steer_flowtab_get(c->flows, k, &rec, dir);
	}
	*f = rec;
	return rc;
}

/* The frame as the balancer parsed it: without the worker's tag it pushed (delivery vlan),
 * which would otherwise count as one more encapsulation (plan l2_opaque) or key VLAN. */
static const struct steer_pkt *as_balanced(const struct steer_plan *p,
                                           const struct steer_pkt *pkt, struct steer_pkt *tmp)
{
	if (p->delivery != STEER_DELIVER_VLAN || steer__check_dest(p, pkt) < 0)
		return pkt;
	*tmp = *pkt;
	tmp->nvlan--;
	tmp->vlan[0] = tmp->vlan[1];
	tmp->vlan[1] = 0; /* a third tag's id is not kept; keys with vlan_in_key read vlan[0] */
	if (tmp->nvlan < 2)
		tmp->flags &= ~(uint32_t)STEER_F_QINQ;
	if (tmp->nvlan == 0)
		tmp->flags &= ~(uint32_t)STEER_F_VLAN;
	return tmp;
}

/* Accounts one parsed packet to its flow and worker. */
static int account(struct steer_check *c, int st, const struct steer_pkt *pkt, int worker,
                   const uint8_t *frame, uint32_t caplen, uint32_t wirelen, uint64_t ts_ns)
{
	const struct steer_plan *p = c->plan;
	struct check_totals *t = &c->t;
	struct steer_flow_key k;
	steer_flow_key_from_pkt(pkt, p->vlan_in_key, &k);
	if (st == STEER_PKT_IP && (pkt->flags & STEER_F_FRAG))
		frag_ports(c, pkt, &k);
	struct steer_flow *f;
	int dir;
	int rc = flow_of(c, &k, &f, &dir);
	if (rc < 0) {
		if (rc != STEER_EFULL)
			return rc;
		t->untracked++;
		if (worker >= 0) {
			c->workers[worker].packets++;
			c->workers[worker].bytes += wirelen;
		} else {
			t->unknown_packets++;
			t->unknown_bytes += wirelen;
		}
		return 0;
	}
	if (rc == 1)
		f->predicted = -1;
	uint32_t ts_s = check_seconds(ts_ns);
	if (ts_s > f->last_s)
		f->last_s = ts_s;
	f->packets[dir]++;
	f->bytes += wirelen;
	if (st == STEER_PKT_IP && pkt->proto == 6 && (pkt->flags & STEER_F_PORTS) &&
	    (uint32_t)pkt->l4_off + 14 <= caplen)
		f->tcp_flags[dir] |= frame[pkt->l4_off + 13];
	if (worker >= 0) {
		steer_flow_note_worker(f, (unsigned)worker, dir);
		c->workers[worker].packets++;
		c->workers[worker].bytes += wirelen;
	} else {
		t->unknown_packets++;
		t->unknown_bytes += wirelen;
		note_unknown(c, pkt, f, wirelen);
	}
	/* A non-IP frame (to the balancer: plan l2_opaque) is predicted by its MAC pair, which a
	 * MAC-rewriting balancer has changed by the time it is captured at (or after) the
	 * worker: not predictable. */
	struct steer_pkt tmp;
	const struct steer_pkt *seen = as_balanced(p, pkt, &tmp);
	if (c->path && !(!steer_path_sees_ip(p, st, seen) && p->delivery == STEER_DELIVER_MAC &&
	                 steer__check_dest(p, pkt) >= 0)) {
		uint32_t hash;
		int pw = steer_path_classify(c->path, st, seen, &hash);
		if (rc == 1)
			f->predicted = pw;
		if (worker >= 0 && pw >= 0 && pw != worker) {
			if (f->misdirected != UINT32_MAX)
				f->misdirected++;
			if (f->predicted < 0)
				f->predicted = pw;
		}
	}
	return 0;
}

int steer_check_feed(struct steer_check *c, int worker, int linktype, const uint8_t *frame,
                     uint32_t caplen, uint32_t wirelen, uint64_t ts_ns)
{
	const struct steer_plan *p = c->plan;
	if (c->finished)
		return STEER_EINVAL;
	struct steer_pkt pkt;
	int st = steer_parse(linktype, frame, caplen, p->tunnels_inner, &pkt);
	if (st == STEER_PKT_UNSUPPORTED_LINK)
		return STEER_ENOTSUP;
	if (worker == STEER_CHECK_BY_DEST) {
		if (p->delivery == STEER_DELIVER_PORT)
			return STEER_EINVAL;
		worker = steer__check_dest(p, &pkt);
	} else if (worker < STEER_CHECK_UNKNOWN || (worker >= 0 && (size_t)worker >= p->nworkers)) {
		return STEER_EINVAL;
	}
	if (wirelen < caplen)
		wirelen = caplen;
	struct check_totals *t = &c->t;
	t->packets++;
	t->bytes += wirelen;
	if (st == STEER_PKT_NONIP)
		t->non_ip++;
	else if (st != STEER_PKT_IP)
		t->malformed++;
	if (t->packets == 1 || ts_ns < t->first_ns)
		t->first_ns = ts_ns;
	if (ts_ns > t->last_ns)
		t->last_ns = ts_ns;
	if (c->o.idle_s && check_seconds(ts_ns) > c->now_s)
		c->now_s = check_seconds(ts_ns);
	int rc = account(c, st, &pkt, worker, frame, caplen, wirelen, ts_ns);
	/* After the packet is accounted: its own flow is not idle, and no pointer to a record is
	 * held across the sweep. */
	if (c->o.idle_s)
		steer_flowtab_sweep(c->flows, CHECK_SWEEP_PER_PACKET, steer__check_expire_idle, c);
	return rc;
}

const struct steer_flowtab *steer_check_flows(const struct steer_check *c)
{
	return c->flows;
}

const struct steer_plan *steer_check_plan(const struct steer_check *c)
{
	return c->plan;
}

void steer_flow_note_worker(struct steer_flow *f, unsigned worker, int dir)
{
	uint8_t bit = (uint8_t)(1u << (dir & 1));
	for (unsigned i = 0; i < f->nseen; i++) {
		struct steer_flow_seen *s = &f->seen[i];
		if (s->worker == worker) {
			s->dirs |= bit;
			if (s->packets != UINT32_MAX)
				s->packets++;
			return;
		}
	}
	if (f->nseen < STEER_FLOW_MAX_SEEN) {
		struct steer_flow_seen *s = &f->seen[f->nseen++];
		s->worker = (uint16_t)worker;
		s->dirs = bit;
		s->packets = 1;
	} else {
		f->more = 1;
	}
}
