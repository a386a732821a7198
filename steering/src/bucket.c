/* SPDX-License-Identifier: BSD-2-Clause */
/* bucket.c: bucket tables by weighted rendezvous hashing (Thaler & Ravishankar, "Using name-based
 * mappings to increase hit rates", 1998; weighted form -w / ln(u) as in Schindelhauer & Schomaker)
 * with exact quotas, computed as the stable (bucket, worker) assignment by deferred acceptance. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <steer/bucket.h>
#include <steer/error.h>
#include <steer/splitmix.h>

/* FNV-1a 64 of the worker name: the worker's identity in every score. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static double score(uint64_t nh, uint32_t weight, uint32_t bucket)
{
	/* the bucket's splitmix64 number, mixed with the worker's identity */
	uint64_t b = bucket;
	uint64_t h = steer_splitmix64_mix(nh ^ steer_splitmix64(&b));
	/* u in (0, 1) exclusive at both ends, so ln(u) is finite and negative. */
	double u = ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
	return -(double)weight / log(u);
}

double steer_bucket_score(const struct steer_bucket_worker *w, uint32_t bucket)
{
	return score(name_hash(w->name), w->weight, bucket);
}

/* (score, index) order: a higher score wins; equal scores go to the lower index. */
static int better(double s1, size_t i1, double s2, size_t i2)
{
	return s1 > s2 || (s1 == s2 && i1 < i2);
}

struct held {
	uint32_t bucket;
	double score;
};

static int held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->bucket < y->bucket ? -1 : x->bucket > y->bucket;
}

/* Largest-remainder apportionment of total among the weights of the workers not excluded. */
static void quotas(uint32_t total, const struct steer_bucket_worker *w, size_t n,
                   const bool *excluded, uint32_t *q, uint64_t *rem)
{
	uint64_t sum = 0, given = 0;
	for (size_t i = 0; i < n; i++)
		sum += excluded && excluded[i] ? 0 : w[i].weight;
	for (size_t i = 0; i < n; i++) {
		uint64_t share = excluded && excluded[i] ? 0 : (uint64_t)total * w[i].weight;
		q[i] = (uint32_t)(share / sum);
		rem[i] = excluded && excluded[i] ? 0 : share % sum;
		given += q[i];
	}
	for (; given < total; given++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++) {
			if (excluded && excluded[i])
				continue;
			if (best == n || rem[i] > rem[best])
				best = i;
		}
		q[best]++;
		rem[best] = 0;
	}
}

/* Deferred acceptance: the buckets in pend[] propose to workers in score order; worker i accepts
 * up to cap[i] of them, keeping the highest-scoring. With one score on both sides the result is
 * the unique stable assignment, independent of proposal order. Writes table[] for those buckets; pend[] is used as scratch. */
static int assign(uint16_t *table, const struct steer_bucket_worker *w, const uint64_t *nh,
                  size_t n, const bool *excluded, const uint32_t *cap, uint32_t *pend,
                  size_t nfree, size_t nbuckets)
{
	/* Per bucket: the (score, index) of the last worker it proposed to, to find the next. */
	double *last_s = malloc(nbuckets * sizeof(*last_s));
	uint32_t *last_w = malloc(nbuckets * sizeof(*last_w));
	uint32_t *count = calloc(n, sizeof(*count));
	uint32_t *start = calloc(n + 1, sizeof(*start));
	struct held *held = malloc((nfree ? nfree : 1) * sizeof(*held));
	uint32_t *members = malloc((nfree ? nfree : 1) * sizeof(*members));
	uint32_t *owner = malloc(nbuckets * sizeof(*owner));
	int rc = STEER_ENOMEM;
	if (!last_s || !last_w || !count || !start || !held || !members || !owner)
		goto out;

	for (size_t k = 0; k < nfree; k++) {
		last_s[pend[k]] = INFINITY;
		last_w[pend[k]] = 0;
	}
	size_t pending = nfree;
	uint32_t *all = members; /* reused below as the list of every proposing bucket */
	memcpy(all, pend, nfree * sizeof(*all));
	while (pending > 0) {
		/* Every free bucket proposes to its best worker below its last proposal. */
		for (size_t k = 0; k < pending; k++) {
			uint32_t b = pend[k];
			size_t best = n;
			double bs = 0;
			for (size_t i = 0; i < n; i++) {
				if ((excluded && excluded[i]) || cap[i] == 0)
					continue;
				double s = score(nh[i], w[i].weight, b);
				if (!better(last_s[b], last_w[b], s, i))
					continue;
				if (best == n || better(s, i, bs, best)) {
					best = i;
					bs = s;
				}
			}
			if (best == n) {
				rc = STEER_EINVAL; /* capacity exhausted: cannot happen with sum(cap) >= nfree */
				goto out;
			}
			last_s[b] = bs;
			last_w[b] = (uint32_t)best;
			owner[b] = (uint32_t)best;
		}
		/* Each worker keeps its cap[i] best proposals (old and new) and rejects the rest. */
		memset(count, 0, n * sizeof(*count));
		for (size_t k = 0; k < nfree; k++)
			count[owner[all[k]]]++;
		start[0] = 0;
		for (size_t i = 0; i < n; i++)
			start[i + 1] = start[i] + count[i];
		memset(count, 0, n * sizeof(*count));
		for (size_t k = 0; k < nfree; k++) {
			uint32_t b = all[k], i = owner[b];
			held[start[i] + count[i]++] = (struct held){b, last_s[b]};
		}
		pending = 0;
		for (size_t i = 0; i < n; i++) {
			if (count[i] <= cap[i])
				continue;
			qsort(held + start[i], count[i], sizeof(*held), held_cmp);
			for (uint32_t k = cap[i]; k < count[i]; k++)
				pend[pending++] = held[start[i] + k].bucket;
		}
	}
	for (size_t k = 0; k < nfree; k++)
		table[all[k]] = (uint16_t)owner[all[k]];
	rc = 0;
out:
	free(last_s);
	free(last_w);
	free(count);
	free(start);
	free(held);
	free(members);
	free(owner);
	return rc;
}

static int check_workers(uint32_t nbuckets, const struct steer_bucket_worker *w, size_t n)
{
	if (n == 0 || n > STEER_WORKERS_MAX || nbuckets == 0 || nbuckets > STEER_BUCKETS_MAX ||
	    (nbuckets & (nbuckets - 1)) != 0 || nbuckets < n)
		return STEER_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (w[i].weight == 0 || !w[i].name)
			return STEER_EINVAL;
	return 0;
}

/* Shared set-up of both entry points: name hashes and scratch arrays. */
static int run(uint16_t *table, uint32_t nbuckets, const struct steer_bucket_worker *w, size_t n,
               const bool *failed)
{
	int rc = check_workers(nbuckets, w, n);
	if (rc)
		return rc;
	uint64_t *nh = malloc(n * sizeof(*nh));
	uint64_t *rem = malloc(n * sizeof(*rem));
	uint32_t *cap = malloc(n * sizeof(*cap));
	uint32_t *pend = malloc(nbuckets * sizeof(*pend));
	rc = STEER_ENOMEM;
	if (!nh || !rem || !cap || !pend)
		goto out;
	size_t survivors = 0;
	for (size_t i = 0; i < n; i++) {
		nh[i] = name_hash(w[i].name);
		survivors += !(failed && failed[i]);
	}
	rc = STEER_EINVAL;
	if (survivors == 0)
		goto out;
	quotas(nbuckets, w, n, failed, cap, rem);
	size_t npend = 0;
	if (!failed) {
		for (uint32_t b = 0; b < nbuckets; b++)
			pend[npend++] = b;
	} else {
		/* Survivors keep what they hold and have room for the rest of their new quota. */
		for (uint32_t b = 0; b < nbuckets; b++) {
			if (table[b] >= n)
				goto out;
			if (failed[table[b]])
				pend[npend++] = b;
			else if (cap[table[b]] > 0)
				cap[table[b]]--;
		}
	}
	rc = assign(table, w, nh, n, failed, cap, pend, npend, nbuckets);
out:
	free(nh);
	free(rem);
	free(cap);
	free(pend);
	return rc;
}

int steer_buckets_build(uint16_t *table, uint32_t nbuckets, const struct steer_bucket_worker *w,
                        size_t n)
{
	return run(table, nbuckets, w, n, NULL);
}

int steer_buckets_fail(uint16_t *table, uint32_t nbuckets, const struct steer_bucket_worker *w,
                       size_t n, const bool *failed)
{
	return run(table, nbuckets, w, n, failed);
}
