/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_sset.h: a replica of the cluster's shared sets: named sets of keys, each key with
 * the insertion that put it there (time, expiry, origin). Every proxy and every worker holds
 * one; insertions merge in any order to the same content, so replicas that have seen the same
 * insertions agree, whatever the path each insertion took. */
#ifndef STEER_CLU_SSET_H
#define STEER_CLU_SSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/clu_wire.h>

#pragma GCC visibility push(default)

/* Distinct set names one replica holds. */
#define CLU_SSET_SETS_MAX 64

struct clu_sset;

/* An empty replica of at most max_entries keys (all sets together). Returns 0 with *out set,
 * or STEER_ENOMEM. */
int clu_sset_new(size_t max_entries, struct clu_sset **out);
void clu_sset_free(struct clu_sset *s);

/* Merges one insertion (a record from clu_set_batch_next, or made by the caller) at wall time
 * now_us. A key keeps the latest insertion it had, by (ts_us, origin): an insertion that is
 * later than the key's, or of a key that is absent or expired, replaces it. An insertion that
 * has expired already (expire_us <= now_us) changes nothing, wherever it arrives.
 * Returns 1 when the replica changed (the insertion is new here: pass it on), 0 when it did
 * not, STEER_EFULL (max_entries live keys, or CLU_SSET_SETS_MAX names) or STEER_ENOMEM. */
int clu_sset_merge(struct clu_sset *s, const struct clu_set_rec *r, int64_t now_us);

/* Starts loading the memory a merge or find of r's key will touch (a hint, no effect on the
 * content): a caller walking a batch calls it a few records ahead, so that the table's cache
 * misses overlap. */
void clu_sset_prefetch(const struct clu_sset *s, const struct clu_set_rec *r);

/* The live entry of key in set, or false. *out (may be NULL) then points into the replica
 * until the next change. */
bool clu_sset_find(const struct clu_sset *s, const char *set, size_t setlen, const void *key,
                   size_t keylen, int64_t now_us, struct clu_set_rec *out);

/* Walks the live entries: *cursor starts at 0; each call fills *out with the next one (valid
 * until the next change) and returns true, false after the last. A change during the walk may
 * make it miss or repeat entries: take a walk within one turn of the loop. */
bool clu_sset_next(const struct clu_sset *s, size_t *cursor, int64_t now_us,
                   struct clu_set_rec *out);

/* Frees expired entries, looking at no more than budget slots from where the last call
 * stopped (so a large replica is swept a piece per turn; a table still growing spends the
 * budget on its growth first). Returns the entries freed. Entries are dead from their expiry
 * on whether or not they are swept yet. */
size_t clu_sset_sweep(struct clu_sset *s, int64_t now_us, size_t budget);

/* Entries held (live or not yet swept). */
size_t clu_sset_count(const struct clu_sset *s);

#pragma GCC visibility pop
#endif
