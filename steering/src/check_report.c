/* SPDX-License-Identifier: BSD-2-Clause */
/* check_report.c: the steering analysis' result, at a poll or the finish: findings from the flow
 * table and from what expired flows left, worst first; per-worker shares, imbalance, heaviest
 * flows, pass or fail. */
#include <stdlib.h>
#include <string.h>

#include <steer/check.h>

#include "check_int.h"

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define ONE_SIDED_MIN_PACKETS 3 /* a lone ACK at the edge of a capture is no finding */

static const char *const kind_names[STEER_FIND__COUNT] = {
	[STEER_FIND_SPLIT] = "split",
	[STEER_FIND_ASYMMETRIC] = "asymmetric",
	[STEER_FIND_UNKNOWN_DEST] = "unknown-dest",
	[STEER_FIND_MISDIRECTED] = "misdirected",
	[STEER_FIND_ONE_SIDED] = "one-sided-tcp",
	[STEER_FIND_IMBALANCE] = "imbalance",
};

const char *steer_finding_name(enum steer_finding_kind k)
{
	return (unsigned)k < STEER_FIND__COUNT ? kind_names[k] : "unknown";
}

static uint64_t flow_packets(const struct steer_flow *f)
{
	return f->packets[0] + f->packets[1];
}

/* One finding per flow: the worst that applies. */
bool steer__check_classify(const struct steer_check *c, const struct steer_flow *f,
                           struct steer_finding *out)
{
	unsigned ndir[2] = {f->more, f->more};
	for (unsigned i = 0; i < f->nseen; i++)
		for (int d = 0; d < 2; d++)
			ndir[d] += (f->seen[i].dirs >> d) & 1u;
	memset(out, 0, sizeof(*out));
	out->flow = f;
	out->worker = -1;
	out->vlan = -1;
	out->packets = flow_packets(f);
	out->bytes = f->bytes;
	if (ndir[0] > 1 || ndir[1] > 1) {
		out->kind = STEER_FIND_SPLIT;
		for (unsigned i = 0; i < f->nseen; i++)
			for (unsigned j = i + 1; j < f->nseen; j++)
				if (f->seen[i].dirs == f->seen[j].dirs &&
				    f->seen[i].packets == f->seen[j].packets)
					out->duplicated = true;
		return true;
	}
	if (steer_flow_nworkers(f) > 1) {
		out->kind = STEER_FIND_ASYMMETRIC;
		return true;
	}
	if (c->path && f->misdirected > 0 && f->predicted >= 0) {
		out->kind = STEER_FIND_MISDIRECTED;
		out->worker = f->predicted;
		out->packets = f->misdirected;
		return true;
	}
	if (f->key.family && f->key.proto == 6 && (f->packets[0] == 0) != (f->packets[1] == 0)) {
		int d = f->packets[0] ? 0 : 1;
		/* ACKs one way and nothing back: the answer went elsewhere or was lost. A SYN
		 * without an ACK (a scan, a refused connection) is not this. */
		if ((f->tcp_flags[d] & TCP_ACK) && f->packets[d] >= ONE_SIDED_MIN_PACKETS) {
			out->kind = STEER_FIND_ONE_SIDED;
			return true;
		}
	}
	return false;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct steer_finding *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->flow && y->flow)
		return memcmp(&x->flow->key, &y->flow->key, sizeof(x->flow->key));
	return x->worker - y->worker;
}

/* Keeps the top heaviest flows by bytes (insertion into a short sorted array). */
static void heavy_add(const struct steer_flow **h, size_t *n, size_t top,
                      const struct steer_flow *f)
{
	uint64_t b = f->bytes;
	if (*n == top && h[top - 1]->bytes >= b)
		return;
	size_t i = *n < top ? (*n)++ : top - 1;
	while (i > 0 && h[i - 1]->bytes < b) {
		h[i] = h[i - 1];
		i--;
	}
	h[i] = f;
}

static void shares(const struct steer_check *c, struct steer_check_result *r)
{
	const struct steer_plan *p = c->plan;
	uint64_t at_workers = 0, bytes_at = 0;
	for (size_t i = 0; i < p->nworkers; i++) {
		at_workers += c->res_workers[i].packets;
		bytes_at += c->res_workers[i].bytes;
	}
	uint64_t wsum = 0;
	for (size_t i = 0; i < p->nworkers; i++)
		if (p->workers[i].alive)
			wsum += p->select == STEER_SELECT_TABLE ? p->workers[i].nbuckets : 1;
	r->imbalance = 0;
	r->flow_imbalance = 0;
	for (size_t i = 0; i < p->nworkers; i++) {
		struct steer_check_worker *w = &c->res_workers[i];
		w->share_packets = at_workers ? (double)w->packets / (double)at_workers : 0;
		w->share_bytes = bytes_at ? (double)w->bytes / (double)bytes_at : 0;
		w->share_flows = r->flows ? (double)w->flows / (double)r->flows : 0;
		uint64_t wt = !p->workers[i].alive ? 0
		              : p->select == STEER_SELECT_TABLE ? p->workers[i].nbuckets : 1;
		w->expected = wsum ? (double)wt / (double)wsum : 0;
		if (w->expected > 0) {
			double ratio = w->share_packets / w->expected;
			if (ratio > r->imbalance) {
				r->imbalance = ratio;
				r->imbalance_worker = (int)i;
			}
			double fr = w->share_flows / w->expected;
			if (fr > r->flow_imbalance)
				r->flow_imbalance = fr;
		}
	}
	r->imbalance_judged = p->nalive > 1 && r->flows >= c->o.min_flows * p->nalive;
}

/* Appends x to the findings (growing them); false when out of memory. */
static bool add_finding(struct steer_check *c, size_t *n, const struct steer_finding *x)
{
	if (*n == c->findings_cap) {
		size_t cap = c->findings_cap ? 2 * c->findings_cap : 64;
		struct steer_finding *v = realloc(c->findings, cap * sizeof(*v));
		if (!v)
			return false;
		c->findings = v;
		c->findings_cap = cap;
	}
	c->findings[(*n)++] = *x;
	return true;
}

/* Keeps the first top findings of each kind (they are sorted by kind); returns how many. */
static size_t keep_worst(struct steer_finding *v, size_t n, size_t top)
{
	size_t out = 0, run = 0;
	for (size_t i = 0; i < n; i++) {
		run = i > 0 && v[i].kind == v[i - 1].kind ? run + 1 : 0;
		if (run < top)
			v[out++] = v[i];
	}
	return out;
}

/* The running totals into r. */
static void totals(const struct steer_check *c, struct steer_check_result *r)
{
	const struct check_gone *g = &c->gone;
	memset(r, 0, sizeof(*r));
	r->imbalance_worker = -1;
	r->packets = c->t.packets;
	r->bytes = c->t.bytes;
	r->flows = g->flows + steer_flowtab_count(c->flows);
	r->flows_expired = g->flows;
	r->flows_untracked = c->t.untracked;
	r->non_ip = c->t.non_ip;
	r->malformed = c->t.malformed;
	r->unknown_packets = c->t.unknown_packets;
	r->unknown_bytes = c->t.unknown_bytes;
	r->first_ns = c->t.first_ns;
	r->last_ns = c->t.last_ns;
	r->predicted = c->path != NULL;
	r->memory = steer_flowtab_memory(c->flows);
	r->bytes_per_flow = steer_flowtab_bytes_per_flow(c->flows);
	memcpy(r->count, g->count, sizeof(r->count));
	r->duplicated = g->duplicated;
}

/* The result of everything fed so far into c->res; false when out of memory. */
static bool analyse(struct steer_check *c)
{
	struct steer_check_result *r = &c->res;
	const struct steer_plan *p = c->plan;
	const struct check_gone *g = &c->gone;
	totals(c, r);
	memcpy(c->res_workers, c->workers, p->nworkers * sizeof(*c->res_workers));

	/* Expired flows (copies) and the flows held: flows per worker (expired ones are in
	 * c->workers already), heaviest flows, findings (the copies' are counted in g->count). */
	size_t n = 0;
	struct steer_finding x;
	for (size_t i = 0; i < g->heavy.n; i++)
		heavy_add(c->heaviest, &r->nheaviest, c->o.top, &g->heavy.v[i].flow);
	size_t pos = 0;
	for (const struct steer_flow *f; (f = steer_flowtab_next(c->flows, &pos));) {
		for (unsigned s = 0; s < f->nseen; s++)
			c->res_workers[f->seen[s].worker].flows++;
		heavy_add(c->heaviest, &r->nheaviest, c->o.top, f);
		if (steer__check_classify(c, f, &x)) {
			r->count[x.kind]++;
			r->duplicated += x.duplicated;
			if (!add_finding(c, &n, &x))
				return false;
		}
	}
	for (int k = 0; k < STEER_FIND__COUNT; k++)
		for (size_t i = 0; i < g->worst[k].n; i++)
			if (steer__check_classify(c, &g->worst[k].v[i].flow, &x) &&
			    !add_finding(c, &n, &x))
				return false;
	r->heaviest = c->heaviest;
	shares(c, r);
	r->workers = c->res_workers;
	r->nworkers = p->nworkers;

	for (size_t i = 0; i < c->nunknown; i++) {
		const struct check_unknown *u = &c->unknown[i];
		struct steer_finding y = {.kind = STEER_FIND_UNKNOWN_DEST, .flow = u->flow,
		                          .worker = -1, .mac = u->mac, .vlan = u->vlan,
		                          .packets = u->packets, .bytes = u->bytes};
		r->count[y.kind]++;
		if (!add_finding(c, &n, &y))
			return false;
	}
	if (r->imbalance_judged) {
		for (size_t i = 0; i < p->nworkers; i++) {
			const struct steer_check_worker *w = &c->res_workers[i];
			if (w->expected <= 0 || w->share_packets / w->expected <= c->o.max_imbalance)
				continue;
			struct steer_finding y = {.kind = STEER_FIND_IMBALANCE, .worker = (int)i,
			                          .vlan = -1, .packets = w->packets,
			                          .bytes = w->bytes,
			                          .ratio = w->share_packets / w->expected};
			r->count[y.kind]++;
			if (!add_finding(c, &n, &y))
				return false;
		}
	}
	if (n)
		qsort(c->findings, n, sizeof(*c->findings), cmp_finding);
	r->findings = c->findings;
	r->nfindings = keep_worst(c->findings, n, c->o.top);

	uint64_t splits = r->count[STEER_FIND_SPLIT] + r->count[STEER_FIND_ASYMMETRIC];
	uint64_t allowed = c->o.max_split;
	if (c->o.max_split_frac > 0)
		allowed = (uint64_t)(c->o.max_split_frac * (double)r->flows);
	/* no packet is no proof: an empty capture must not pass for a good one */
	r->empty = r->packets == 0;
	r->pass = !r->empty && splits <= allowed && r->unknown_packets == 0 &&
	          r->count[STEER_FIND_MISDIRECTED] == 0 && r->count[STEER_FIND_ONE_SIDED] == 0 &&
	          r->count[STEER_FIND_IMBALANCE] == 0;
	return true;
}

const struct steer_check_result *steer_check_poll(struct steer_check *c)
{
	if (c->finished)
		return &c->res;
	return analyse(c) ? &c->res : NULL;
}

const struct steer_check_result *steer_check_finish(struct steer_check *c)
{
	if (!c->finished && !analyse(c))
		return NULL;
	c->finished = true;
	return &c->res;
}
