/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/flowtab.h: a table of flows keyed by canonical flow key, each a fixed-size record of the
 * caller's that begins with the key: the steering analysis keeps its per-flow counters in it, the
 * worker its Zeek-style connection state. Made for long-running processes: flows are removed one by one, records never
 * move while their flow lives, and an incremental sweep visits every flow in bounded steps so
 * that idle ones can be expired without a timer per flow. No I/O. */
#ifndef STEER_FLOWTAB_H
#define STEER_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/flowkey.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Directions of a flow: 0 is the canonical key's src -> dst, 1 the reverse. */
enum { STEER_DIR_FWD = 0, STEER_DIR_REV = 1 };

/* Records are at most this many bytes. */
#define STEER_FLOWTAB_MAX_RECORD 4096u
/* Flows held at once are at most this many, whatever max_flows asks. */
#define STEER_FLOWTAB_MAX_FLOWS ((size_t)1 << 30)

struct steer_flowtab;

/* A table of records of record_size bytes (sizeof(struct steer_flow_key) ..
 * STEER_FLOWTAB_MAX_RECORD; each aligned to 8 bytes in memory), holding at most max_flows flows
 * at once (0: the maximum). Every record begins with a struct steer_flow_key: the table writes
 * the flow's canonical key there and the caller must not change it; the rest is the caller's.
 * Memory grows with the flows held (no up-front allocation proportional to max_flows) and
 * shrinks back only when the table is freed.
 * Returns 0 with *out set (free with steer_flowtab_free), STEER_EINVAL (record_size out of range)
 * or STEER_ENOMEM, with *out NULL. */
int steer_flowtab_new(size_t record_size, size_t max_flows, struct steer_flowtab **out);
void steer_flowtab_free(struct steer_flowtab *t);

/* Finds the flow of key (either direction; key itself is not modified), adding it when new with
 * its record zeroed but for the canonical key. *rec points at the record, which stays at the same
 * address until the flow is removed (adding other flows never moves it); *dir is the direction
 * key travels (STEER_DIR_*) relative to the canonical key.
 * Returns 1 when the flow was added, 0 when found, STEER_EFULL (max_flows held) or STEER_ENOMEM;
 * on failure the table is unchanged and *rec NULL. Allocation-free except when the table grows;
 * O(1) expected. */
int steer_flowtab_get(struct steer_flowtab *t, const struct steer_flow_key *key, void **rec,
                      int *dir);

/* Looks key up without adding: the record or NULL; *dir as above (dir may be NULL). Not const:
 * the record it returns is writable. */
void *steer_flowtab_find(struct steer_flowtab *t, const struct steer_flow_key *key,
                         int *dir);

/* Removes the flow whose record is rec (a record of this table whose flow is held); rec is
 * invalid afterwards (its storage is reused by a later flow). O(1) expected; never allocates. */
void steer_flowtab_remove(struct steer_flowtab *t, void *rec);

/* Flows held now. */
size_t steer_flowtab_count(const struct steer_flowtab *t);

/* Iteration over every flow held: set *pos to 0, then call until NULL; each call returns the next
 * record in storage order and advances *pos past it. The order is deterministic for a given
 * sequence of calls (not the order of adding once flows have been removed). The record just
 * returned may be removed; flows added during an iteration may or may not be visited. */
void *steer_flowtab_next(struct steer_flowtab *t, size_t *pos);

/* An incremental sweep: examines the next n record positions from where the previous sweep
 * stopped, wrapping round, and calls fn(arg, record) for each that holds a flow; fn may remove
 * the record it is given (e.g. to expire it). Every flow held throughout is visited once per
 * steer_flowtab_positions() positions examined, so a caller that sweeps k positions per packet
 * sees each flow again within positions()/k packets. Returns the number of flows visited. */
size_t steer_flowtab_sweep(struct steer_flowtab *t, size_t n, void (*fn)(void *arg, void *rec),
                           void *arg);

/* Record positions in use or freed for reuse (the high-water mark of flows held at once). */
size_t steer_flowtab_positions(const struct steer_flowtab *t);

/* Bytes the table holds now (records, index, bookkeeping), and that divided by the flows held
 * (0 when empty): what a flow costs in memory, whatever its packet count. */
size_t steer_flowtab_memory(const struct steer_flowtab *t);
double steer_flowtab_bytes_per_flow(const struct steer_flowtab *t);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
