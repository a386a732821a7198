/* SPDX-License-Identifier: BSD-2-Clause */
/* check_expire.c: expiry of idle flows for a long-running analysis: each expired flow is
 * summarised (flow counts, findings per kind, and a copy when it is among the worst findings of
 * its kind or the heaviest flows) before it leaves the table, so that results stay whole. */
#include <stdlib.h>
#include <string.h>

#include <steer/check.h>

#include "check_int.h"

/* a ranks ahead of b in the report: higher rank, then more bytes, then the lower key. */
static bool ahead(const struct check_kept *a, const struct check_kept *b)
{
	if (a->rank != b->rank)
		return a->rank > b->rank;
	if (a->flow.bytes != b->flow.bytes)
		return a->flow.bytes > b->flow.bytes;
	return memcmp(&a->flow.key, &b->flow.key, sizeof(a->flow.key)) < 0;
}

static void swap(struct check_kept *a, struct check_kept *b)
{
	struct check_kept t = *a;
	*a = *b;
	*b = t;
}

/* Keeps a copy of f in b when it is among the best top by rank. The heap's root ranks last of
 * those kept, so a better flow replaces it in O(log top). Out of memory, the copy is not kept
 * (the counts still are). */
static void keep(struct check_best *b, size_t top, const struct steer_flow *f, uint64_t rank)
{
	struct check_kept k = {.flow = *f, .rank = rank};
	size_t i;
	if (b->n < top) {
		if (b->n == b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 16;
			cap = cap < top ? cap : top;
			struct check_kept *v = realloc(b->v, cap * sizeof(*v));
			if (!v)
				return;
			b->v = v;
			b->cap = cap;
		}
		i = b->n++;
		b->v[i] = k;
		while (i > 0 && ahead(&b->v[(i - 1) / 2], &b->v[i])) { /* sift up */
			swap(&b->v[(i - 1) / 2], &b->v[i]);
			i = (i - 1) / 2;
		}
		return;
	}
	if (!ahead(&k, &b->v[0]))
		return;
	b->v[0] = k;
	for (i = 0;;) { /* sift down: swap with the child that ranks last, while it does */
		size_t l = 2 * i + 1, r = l + 1, last = i;
		if (l < b->n && ahead(&b->v[last], &b->v[l]))
			last = l;
		if (r < b->n && ahead(&b->v[last], &b->v[r]))
			last = r;
		if (last == i)
			return;
		swap(&b->v[i], &b->v[last]);
		i = last;
	}
}

/* What f leaves in the results once it is gone. */
static void fold(struct steer_check *c, const struct steer_flow *f)
{
	struct check_gone *g = &c->gone;
	g->flows++;
	for (unsigned s = 0; s < f->nseen; s++)
		c->workers[f->seen[s].worker].flows++;
	struct steer_finding x;
	if (steer__check_classify(c, f, &x)) {
		g->count[x.kind]++;
		g->duplicated += x.duplicated;
		keep(&g->worst[x.kind], c->o.top, f, x.packets);
	}
	keep(&g->heavy, c->o.top, f, f->bytes);
	for (size_t i = 0; i < c->nunknown; i++) {
		struct check_unknown *u = &c->unknown[i];
		if (u->flow == f) {
			u->copy = *f;
			u->flow = &u->copy;
		}
	}
}

/* c->now_s is the latest of every packet's time fed: never before f->last_s. */
void steer__check_expire_idle(void *arg, void *rec)
{
	struct steer_check *c = arg;
	struct steer_flow *f = rec;
	if (c->now_s - f->last_s > c->o.idle_s) {
		fold(c, f);
		steer_flowtab_remove(c->flows, f);
	}
}

size_t steer_check_expire(struct steer_check *c, uint64_t now_ns)
{
	if (!c->o.idle_s || c->finished)
		return 0;
	if (check_seconds(now_ns) > c->now_s)
		c->now_s = check_seconds(now_ns);
	size_t before = steer_flowtab_count(c->flows);
	steer_flowtab_sweep(c->flows, steer_flowtab_positions(c->flows), steer__check_expire_idle,
	                    c);
	return before - steer_flowtab_count(c->flows);
}

void steer__check_gone_free(struct check_gone *g)
{
	for (int k = 0; k < STEER_FIND__COUNT; k++)
		free(g->worst[k].v);
	free(g->heavy.v);
}
