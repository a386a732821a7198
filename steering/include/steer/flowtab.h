/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/flowtab.h: a flow table keyed by canonical flow key: per-flow counters per direction, the
 * workers that saw each direction, TCP flags (open addressing, grows; no I/O). */
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

/* Workers remembered per flow; a flow seen at more sets steer_flow.more. Four is plenty: a
 * healthy flow has one, a fault shows with two. */
#define STEER_FLOW_MAX_SEEN 4

/* Directions of a flow: 0 is the canonical key's src -> dst, 1 the reverse. */
enum { STEER_DIR_FWD = 0, STEER_DIR_REV = 1 };

/* One worker that saw the flow. */
struct steer_flow_seen {
	uint16_t worker;  /* worker index (the caller's numbering) */
	uint8_t dirs;     /* bit 1 << STEER_DIR_*: the directions it saw */
	uint8_t pad;
	uint32_t packets; /* packets it saw (saturates at UINT32_MAX) */
};

/* One flow. Plain data, 144 bytes. */
struct steer_flow {
	struct steer_flow_key key;  /* canonical (steer_flow_key_canon) */
	uint64_t first_ns, last_ns; /* timestamps of the first and last packet */
	uint64_t packets[2];        /* per direction (STEER_DIR_*) */
	uint64_t bytes[2];          /* wire bytes per direction */
	struct steer_flow_seen seen[STEER_FLOW_MAX_SEEN]; /* in order of first sight */
	uint8_t nseen;              /* entries of seen[] in use */
	uint8_t more;               /* 1: at least one more worker saw it (not listed) */
	uint8_t tcp_flags[2];       /* TCP flags (FIN 0x01 ... ACK 0x10) seen per direction */
	uint32_t unknown;           /* packets delivered to no worker (unknown MAC / VLAN) */
	uint32_t misdirected;       /* packets at another worker than predicted */
	int32_t predicted;          /* predicted worker of the first packet, -1 none */
	uint32_t hash;              /* the table's hash of the key */
	uint32_t user;              /* the caller's, zero when the flow is added */
};

struct steer_flowtab;

/* A table that holds at most max_flows flows (0: no limit below 2^31). It starts small and
 * doubles; memory is about steer_flowtab_bytes_per_flow() per flow whatever the packet count.
 * Returns 0 with *out set (free with steer_flowtab_free), or STEER_ENOMEM with *out NULL. */
int steer_flowtab_new(size_t max_flows, struct steer_flowtab **out);
void steer_flowtab_free(struct steer_flowtab *t);

/* Finds the flow of key (either direction; key is not modified), adding it, zeroed but for its
 * canonical key, hash and predicted = -1, when new. *f points into the table and stays valid
 * until the next call that adds a flow; *dir is the direction key travels (STEER_DIR_*).
 * Returns 1 when the flow was added, 0 when found, STEER_EFULL (max_flows reached) or
 * STEER_ENOMEM (growing failed); on failure the table is unchanged and *f NULL.
 * Allocation-free except when the table grows. */
int steer_flowtab_get(struct steer_flowtab *t, const struct steer_flow_key *key,
                      struct steer_flow **f, int *dir);

/* Looks up key without adding: the flow or NULL; *dir as above (may be NULL). */
struct steer_flow *steer_flowtab_find(const struct steer_flowtab *t,
                                      const struct steer_flow_key *key, int *dir);

/* Number of flows, and flow i (0 <= i < count) in the order they were added. */
size_t steer_flowtab_count(const struct steer_flowtab *t);
struct steer_flow *steer_flowtab_at(const struct steer_flowtab *t, size_t i);

/* Bytes the table holds (records and index), and that divided by the flows (0 when empty). */
size_t steer_flowtab_memory(const struct steer_flowtab *t);
double steer_flowtab_bytes_per_flow(const struct steer_flowtab *t);

/* Records that worker saw one packet of f in direction dir: adds it to seen[] (or sets more
 * when seen[] is full and it is not listed). */
void steer_flow_note_worker(struct steer_flow *f, unsigned worker, int dir);

/* Distinct workers that saw f (seen entries, plus one when more is set: at least that). */
static inline unsigned steer_flow_nworkers(const struct steer_flow *f)
{
	return (unsigned)f->nseen + f->more;
}

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
