/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_health.c: steering health of one worker process: each frame classified as the
 * balancer does (steer_parse, steer_path_classify, then the lb_procs split), the connections it
 * created counted as misdirected when the plan gives it elsewhere, finished TCP connections
 * that were one-sided or split-routed, and per interval the verdicts against the thresholds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/worker.h>

#define MIN_PACKETS 1000 /* below this many packets in the cluster a share means nothing */

struct steer_health {
	const struct steer_plan *plan;
	struct steer_path *path; /* NULL without a plan worker */
	int worker;
	unsigned proc, nprocs;
	struct steer_health_limits lim;
	double expected;
	struct steer_health_counts c;
	uint64_t acks_unseen_base; /* the tracker's counter at the start of the interval */
};

int steer_health_new(const struct steer_plan *plan, int worker, unsigned proc, unsigned nprocs,
                     const struct steer_health_limits *lim, struct steer_health **out, char *errbuf)
{
	*out = NULL;
	if (worker >= 0 && (!plan || (size_t)worker >= plan->nworkers)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "steering health: no worker %d in the plan",
		         worker);
		return STEER_EINVAL;
	}
	if (nprocs == 0 || proc >= nprocs) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "steering health: process %u of %u", proc,
		         nprocs);
		return STEER_EINVAL;
	}
	struct steer_health *h = calloc(1, sizeof(*h));
	if (!h || (worker >= 0 && !(h->path = steer_path_new(plan, 0)))) {
		free(h);
		snprintf(errbuf, STEER_ERRBUF_SIZE, "steering health: out of memory");
		return STEER_ENOMEM;
	}
	h->plan = plan;
	h->worker = worker;
	h->proc = proc;
	h->nprocs = nprocs;
	if (lim)
		h->lim = *lim;
	if (!h->lim.min_packets)
		h->lim.min_packets = MIN_PACKETS;
	h->expected = 1.0 / nprocs;
	if (worker >= 0) {
		uint64_t total = 0;
		for (size_t i = 0; i < plan->nworkers; i++)
			total += plan->workers[i].alive ? plan->workers[i].weight : 0;
		const struct steer_plan_worker *w = &plan->workers[worker];
		h->expected = total && w->alive ? (double)w->weight / (double)total / nprocs : 0;
	}
	*out = h;
	return 0;
}

void steer_health_free(struct steer_health *h)
{
	if (!h)
		return;
	steer_path_free(h->path);
	free(h);
}

double steer_health_expected(const struct steer_health *h)
{
	return h->expected;
}

bool steer_health_frame(struct steer_health *h, int linktype, const uint8_t *frame, uint32_t caplen,
                        uint32_t wirelen)
{
	h->c.packets++;
	h->c.bytes += wirelen;
	if (!h->path)
		return true;
	struct steer_pkt pkt;
	uint32_t hash;
	int st = steer_parse(linktype, frame, caplen, h->plan->tunnels_inner, &pkt);
	if (st == STEER_PKT_UNSUPPORTED_LINK)
		return true; /* nothing the balancer could have steered either */
	if (steer_path_classify(h->path, st, &pkt, &hash) != h->worker)
		return false;
	return steer_proc_of(linktype, frame, caplen, h->nprocs) == h->proc;
}

void steer_health_created(struct steer_health *h, uint64_t n, bool mine)
{
	h->c.conns += n;
	if (!mine)
		h->c.misdirected += n;
}

void steer_health_finished(struct steer_health *h, const struct steer_conn_rec *r)
{
	if (r->proto != STEER_CONN_TCP)
		return;
	h->c.tcp_done++;
	if (r->flags & STEER_CONN_F_ONE_SIDED)
		h->c.one_sided++;
	if (r->flags & STEER_CONN_F_SPLIT_ROUTING)
		h->c.split_routing++;
}

void steer_health_unexpected(struct steer_health *h, uint64_t n)
{
	h->c.unexpected_dest += n;
}

void steer_health_interval(struct steer_health *h, uint64_t acks_unseen_total, uint64_t own_packets,
                           uint64_t cluster_packets, struct steer_health_report *out)
{
	const struct steer_health_limits *l = &h->lim;
	memset(out, 0, sizeof(*out));
	out->c = h->c;
	out->c.acks_unseen = acks_unseen_total - h->acks_unseen_base;
	out->expected = h->expected;
	out->share = out->ratio = NAN;
	if (cluster_packets) {
		out->share = (double)own_packets / (double)cluster_packets;
		out->ratio = h->expected > 0 ? out->share / h->expected : NAN;
		if (l->max_imbalance > 0 && cluster_packets >= l->min_packets &&
		    out->ratio > l->max_imbalance)
			out->verdicts |= STEER_HEALTH_IMBALANCE;
	}
	const struct steer_health_counts *c = &out->c;
	if (c->misdirected && (double)c->misdirected > l->max_misdirected * (double)c->conns)
		out->verdicts |= STEER_HEALTH_MISDIRECTED;
	if (c->split_routing &&
	    (double)c->split_routing > l->max_split_routing * (double)c->tcp_done)
		out->verdicts |= STEER_HEALTH_SPLIT_ROUTING;
	if (c->unexpected_dest > l->max_unexpected_dest)
		out->verdicts |= STEER_HEALTH_UNEXPECTED_DEST;
	memset(&h->c, 0, sizeof(h->c));
	h->acks_unseen_base = acks_unseen_total;
}
