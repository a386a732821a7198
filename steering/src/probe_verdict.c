/* SPDX-License-Identifier: BSD-2-Clause */
/* probe_verdict.c: the verdict of a probe run: per frame lost, duplicated or misdirected; per
 * flow split (a direction at several workers) or asymmetric (the directions at different
 * workers); per kind and per worker counts; the faulty flows, worst first. */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/names.h>

#include "probe_int.h"

static const struct steer_name fault_names[] = {
	{STEER_PROBE_SPLIT, "split"},
	{STEER_PROBE_ASYMMETRIC, "asymmetric"},
	{STEER_PROBE_LOST, "lost"},
	{STEER_PROBE_DUPLICATED, "duplicated"},
	{STEER_PROBE_MISDIRECTED, "misdirected"},
};

const char *steer_probe_fault_name(enum steer_probe_fault_kind k)
{
	return steer_name_of(fault_names, STEER_NAMES_LEN(fault_names), (int)k, "?");
}

/* What the frames of one flow did. */
struct agg {
	int dw[2]; /* worker of each direction: plan index, STEER_PROBE_NONE or _SEVERAL */
	uint64_t frames, lost, dup, mis;
	int mis_to, mis_pred;
};

static bool misdirected(const struct steer_probe *pr, const struct steer__probe_frame *f)
{
	return pr->opts.predict && f->arrivals && f->predicted >= 0 && f->worker != f->predicted;
}

static void aggregate(const struct steer_probe *pr, struct agg *a)
{
	for (uint32_t i = 0; i < pr->nfl; i++)
		a[i] = (struct agg){{STEER_PROBE_NONE, STEER_PROBE_NONE}, 0, 0, 0, 0, -1, -1};
	for (uint32_t j = 0; j < pr->nfr; j++) {
		const struct steer__probe_frame *f = &pr->fr[j];
		struct agg *x = &a[f->flow];
		x->frames++;
		x->lost += f->arrivals == 0;
		x->dup += f->arrivals > 1;
		if (misdirected(pr, f)) {
			x->mis++;
			x->mis_to = f->worker;
			x->mis_pred = f->predicted;
		}
		if (!f->arrivals)
			continue;
		int w = f->elsewhere ? STEER_PROBE_SEVERAL : f->worker;
		if (x->dw[f->dir] == STEER_PROBE_NONE)
			x->dw[f->dir] = w;
		else if (x->dw[f->dir] != w)
			x->dw[f->dir] = STEER_PROBE_SEVERAL;
	}
}

static bool one_flow(const struct steer__probe_flow *fl)
{
	return fl->have == 3 && memcmp(&fl->key[0], &fl->key[1], sizeof(fl->key[0])) == 0;
}

/* The flow's worst fault, or -1 when it has none. */
static int worst(const struct steer__probe_flow *fl, const struct agg *x, bool *split,
                 bool *asym)
{
	*split = x->dw[0] == STEER_PROBE_SEVERAL || x->dw[1] == STEER_PROBE_SEVERAL;
	/* directions the balancer hashes as two flows may go two ways */
	*asym = !*split && one_flow(fl) && x->dw[0] >= 0 && x->dw[1] >= 0 && x->dw[0] != x->dw[1];
	if (*split)
		return STEER_PROBE_SPLIT;
	if (*asym)
		return STEER_PROBE_ASYMMETRIC;
	if (x->lost)
		return STEER_PROBE_LOST;
	if (x->dup)
		return STEER_PROBE_DUPLICATED;
	if (x->mis)
		return STEER_PROBE_MISDIRECTED;
	return -1;
}

static void count(struct steer_probe_counts *c, const struct agg *x, bool split, bool asym)
{
	c->flows++;
	c->frames += x->frames;
	c->lost += x->lost;
	c->duplicated += x->dup;
	c->misdirected += x->mis;
	c->split += split;
	c->asymmetric += asym;
}

void steer__probe_result_free(struct steer_probe *pr)
{
	free(pr->result);
	free(pr->per_worker);
	free(pr->faults);
	pr->result = NULL;
	pr->per_worker = NULL;
	pr->faults = NULL;
}

const struct steer_probe_result *steer_probe_finish(struct steer_probe *pr)
{
	if (pr->result)
		return pr->result;
	size_t nw = pr->plan->nworkers;
	struct steer_probe_result *r = calloc(1, sizeof(*r));
	struct agg *a = calloc(pr->nfl ? pr->nfl : 1, sizeof(*a));
	int *kind_of = calloc(pr->nfl ? pr->nfl : 1, sizeof(*kind_of)); /* worst fault, -1 none */
	pr->per_worker = calloc(2 * (nw ? nw : 1), sizeof(*pr->per_worker));
	pr->faults = calloc(pr->nfl ? pr->nfl : 1, sizeof(*pr->faults));
	if (!r || !a || !kind_of || !pr->per_worker || !pr->faults) {
		free(r);
		free(a);
		free(kind_of);
		steer__probe_result_free(pr);
		return NULL;
	}
	r->predicted = pr->opts.predict;
	r->arrived = pr->arrived;
	r->stray = pr->stray;
	r->foreign = pr->foreign;
	r->nworkers = nw;
	r->received = pr->per_worker;
	r->expected = pr->per_worker + nw;
	for (uint32_t j = 0; j < pr->nfr; j++) {
		const struct steer__probe_frame *f = &pr->fr[j];
		if (f->arrivals)
			pr->per_worker[f->worker]++;
		if (f->predicted >= 0)
			pr->per_worker[nw + (size_t)f->predicted]++;
	}

	aggregate(pr, a);
	/* faults grouped by kind, worst kind first, flows in their order within a kind */
	size_t nkind[STEER_PROBE_FAULT__COUNT] = {0}, at[STEER_PROBE_FAULT__COUNT];
	for (uint32_t i = 0; i < pr->nfl; i++) {
		const struct steer__probe_flow *fl = &pr->fl[i];
		bool split, asym;
		int k = worst(fl, &a[i], &split, &asym);
		kind_of[i] = k;
		count(&r->total, &a[i], split, asym);
		count(&r->kinds[fl->kind], &a[i], split, asym);
		r->lost_flows += a[i].dw[0] == STEER_PROBE_NONE && a[i].dw[1] == STEER_PROBE_NONE;
		r->separate_flows += !one_flow(fl);
		if (k >= 0)
			nkind[k]++;
	}
	size_t sum = 0;
	for (int k = 0; k < STEER_PROBE_FAULT__COUNT; k++) {
		at[k] = sum;
		sum += nkind[k];
	}
	for (uint32_t i = 0; i < pr->nfl; i++) {
		if (kind_of[i] < 0)
			continue;
		const struct agg *x = &a[i];
		struct steer_probe_fault *ft = &pr->faults[at[kind_of[i]]++];
		ft->kind = (enum steer_probe_fault_kind)kind_of[i];
		ft->flow = i;
		ft->probe_kind = pr->fl[i].kind;
		ft->desc = pr->fl[i].desc;
		ft->worker[0] = x->dw[0];
		ft->worker[1] = x->dw[1];
		ft->frames = x->frames;
		ft->lost = x->lost;
		ft->duplicated = x->dup;
		ft->misdirected = x->mis;
		ft->misdirected_to = x->mis_to;
		ft->predicted = x->mis_pred;
	}
	r->faults = pr->faults;
	r->nfaults = sum;
	r->split_tolerated = pr->opts.max_split_frac > 0
	                             ? (uint64_t)(pr->opts.max_split_frac * (double)r->total.flows)
	                             : pr->opts.max_split;
	r->pass = !r->total.lost && !r->total.duplicated && !r->total.misdirected && !r->stray &&
	          r->total.split + r->total.asymmetric <= r->split_tolerated;
	r->memory = sizeof(*pr) + (size_t)pr->capfr * sizeof(*pr->fr) +
	            (size_t)pr->capfl * sizeof(*pr->fl) + sizeof(*r) +
	            2 * nw * sizeof(*pr->per_worker) + (size_t)pr->nfl * sizeof(*pr->faults);
	for (uint32_t i = 0; i < pr->nfl; i++)
		r->memory += strlen(pr->fl[i].desc) + 1;
	free(a);
	free(kind_of);
	pr->result = r;
	return r;
}
