/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/bucket.h: bucket tables filled by weighted rendezvous (HRW) hashing with exact quotas. */
#ifndef STEER_BUCKET_H
#define STEER_BUCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

#define STEER_BUCKETS_MAX 65536u
#define STEER_WORKERS_MAX 4096u

/* A worker as the bucket table sees it. The name is its identity: a worker's scores depend only
 * on its own name and weight, so adding or removing another worker never changes them. */
struct steer_bucket_worker {
	const char *name;
	uint32_t weight; /* >= 1 */
};

/* Fills table[0..nbuckets) with worker indices.
 * Each worker w gets exactly its quota of buckets: nbuckets * weight_w / sum(weights), rounded
 * by largest remainder (ties to the lower index), so weights are honoured to within one bucket.
 * Which buckets it gets is decided by weighted rendezvous scores: every bucket goes to the worker
 * that scores highest for it among those with room left, strongest (bucket, worker) pairs first
 * (the unique stable assignment). Adding a worker therefore moves about nbuckets / (n + 1)
 * buckets, almost all of them to the new worker.
 * nbuckets: power of two, 1..STEER_BUCKETS_MAX, >= n; n: 1..STEER_WORKERS_MAX.
 * Returns 0, STEER_EINVAL (bad sizes or weight 0) or STEER_ENOMEM; deterministic. */
int steer_buckets_build(uint16_t *table, uint32_t nbuckets, const struct steer_bucket_worker *w,
                        size_t n);

/* Moves the buckets of the workers with failed[i] set, and only those, to the surviving workers:
 * each survivor is topped up towards its new quota among the survivors, and each moved bucket
 * goes to the survivor that scores highest for it among those with room. Buckets of survivors
 * never move. Returns 0, STEER_EINVAL (no survivor) or STEER_ENOMEM. */
int steer_buckets_fail(uint16_t *table, uint32_t nbuckets, const struct steer_bucket_worker *w,
                       size_t n, const bool *failed);

/* The rendezvous score of worker w for bucket b: -weight / ln(u), u in (0, 1) from a 64-bit hash
 * of (name, b). Exposed for tests and for tools that explain a placement. */
double steer_bucket_score(const struct steer_bucket_worker *w, uint32_t bucket);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
