/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/plan.h: the resolved steering plan: workers, hash, bucket table; deterministic, as JSON. */
#ifndef STEER_PLAN_H
#define STEER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/config.h>
#include <steer/flowkey.h>
#include <steer/hash.h>
#include <steer/json.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

struct steer_plan_worker {
	char *name;            /* node.cfg section name */
	char *host;
	char *interface;
	struct steer_mac mac;  /* steer.mac, or assigned from mac_base */
	int vlan;              /* steer.vlan, assigned from vlan_base with delivery vlan, else -1 */
	int port;              /* steer.port, assigned 1, 2, ... with delivery port, else -1 */
	uint32_t weight;       /* steer.weight, else lb_procs */
	unsigned procs;        /* lb_procs: the Zeek processes behind this worker's MAC */
	bool alive;            /* false once failed: it then holds no bucket */
	bool mac_assigned, vlan_assigned, port_assigned; /* true when steer chose the value */
	uint32_t nbuckets;     /* buckets it holds */
};

/* How a hash picks a worker. */
enum steer_select {
	STEER_SELECT_TABLE = 0, /* table[hash & mask]: steer's own, OpenFlow, Click, cPacket, ... */
	STEER_SELECT_MODULO,    /* alive[hash % nalive]: PF_RING, netmap lb (emulation only) */
};

struct steer_plan {
	char *profile;
	struct steer_hasher *hasher;      /* hasher->spec is the hash spec */
	enum steer_frag_policy fragments;
	enum steer_nonip_policy non_ip;
	int nonip_worker;                 /* with STEER_NONIP_WORKER, else -1 */
	bool tunnels_inner;
	bool vlan_in_key;
	enum steer_delivery delivery;
	uint32_t nbuckets;                /* a power of two */
	uint32_t mask;                    /* nbuckets - 1: bucket = hash & mask */
	uint16_t *table;                  /* bucket -> worker index */
	enum steer_select select;         /* STEER_SELECT_TABLE unless a device is emulated */
	uint32_t l2_opaque;               /* STEER_F_* encapsulation flags (steer/packet.h) the
	                                   * balancer does not parse through: an IP packet under
	                                   * one is steered as non-IP, as that device does. 0 (steer
	                                   * sees through all) unless a device is emulated */
	uint16_t *alive;                  /* indices of the alive workers, in worker order */
	uint32_t nalive;
	struct steer_plan_worker *workers;
	size_t nworkers;
};

/* Resolves a loaded configuration into a plan: assigns unset MACs (mac_base upward, skipping
 * any MAC a worker set, always unicast), VLANs and ports as delivery needs, weights, and fills
 * the bucket table (steer/bucket.h). Deterministic: the same configuration gives the same plan.
 * Returns 0 with *out set (free with steer_plan_free), or a STEER_E* code with a one-line reason
 * in errbuf (STEER_ERRBUF_SIZE) and *out NULL. */
int steer_plan_build(const struct steer_config *cfg, struct steer_plan **out, char *errbuf);
void steer_plan_free(struct steer_plan *p);

/* Warnings about a valid plan that is probably not what was meant, appended to diags in their
 * one-line form ("steer.cfg:LINE: warning: ..."): a hash that is not symmetric (the two
 * directions of a flow can reach different workers: the plan splits flows), and an alive
 * worker that holds no bucket (its weight is too small against the others': it receives
 * nothing). cfg is the configuration p was built from. Returns the number of warnings
 * added. */
unsigned steer_plan_lint(const struct steer_plan *p, const struct steer_config *cfg,
                         struct steer_diags *diags);

/* Marks worker i failed and moves its buckets, and only those, to the alive workers. When i is
 * the non_ip = worker:NAME worker, non-IP frames move to the next alive worker in node.cfg
 * order (wrapping): a failed worker receives nothing.
 * Returns 0, STEER_EINVAL (no such worker, already failed, or the last alive one; plan
 * unchanged) or STEER_ENOMEM (plan unchanged). */
int steer_plan_fail(struct steer_plan *p, size_t i);

/* Index of the worker named name, or -1. */
int steer_plan_find(const struct steer_plan *p, const char *name);

/* The worker a flow key reaches: hash, bucket, table. *hash and *bucket are set when non-NULL.
 * The key's fields beyond the plan's are ignored by the hash. */
static inline unsigned steer_plan_lookup(const struct steer_plan *p,
                                         const struct steer_flow_key *k, uint32_t *hash,
                                         uint32_t *bucket)
{
	uint32_t h = steer_hash(p->hasher, k), b = h & p->mask;
	if (hash)
		*hash = h;
	if (bucket)
		*bucket = b;
	if (p->select == STEER_SELECT_MODULO)
		return p->alive[h % p->nalive];
	return p->table[b];
}

/* 16 hex digits identifying the plan's content (FNV-1a 64 over its compact JSON form without
 * the fingerprint). Written into buf (17 bytes); returns buf, or NULL when out of memory. */
char *steer_plan_fingerprint(const struct steer_plan *p, char *buf);

/* Writes the plan as one JSON object (the value at key, or the top-level value when key is
 * NULL) to j's stream: version, fingerprint, frontend settings, workers, and the bucket table.
 * Returns 0 when the whole object went to the stream without an error (stdio may still hold
 * it: the caller flushes and checks), STEER_ENOMEM before anything is written (the
 * fingerprint could not be computed: j and its stream unchanged), or STEER_EIO when the
 * stream reported a write error (ferror): the output is then cut at an unknown point and is
 * not a JSON document; discard it. j's nesting is back where it was in every case, so that
 * the caller can close what it opened. */
int steer_plan_write_json(const struct steer_plan *p, struct steer_json *j, const char *key);
/* The same members without the enclosing object, for a caller that adds its own members to
 * it (steerctl plan: the proxies). Same returns. */
int steer_plan_write_json_members(const struct steer_plan *p, struct steer_json *j);

/* "table", "modulo" ("?" out of range), and back: 0 or STEER_EINVAL. */
const char *steer_select_name(enum steer_select s);
int steer_select_from_name(const char *s, enum steer_select *sel);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
