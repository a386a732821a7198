/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_hrw.h: where shared state lives: the proxy pool, rendezvous (HRW) hashing exactly as
 * Zeek's Cluster::publish_hrw places a key (REFERENCE-cluster.md 4.3), and the deterministic
 * assignment of workers to proxies. */
#ifndef STEER_CLU_HRW_H
#define STEER_CLU_HRW_H

#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/clu_layout.h>

#pragma GCC visibility push(default)

/* Most proxies a cluster may have: a pool's live set is one 64-bit mask. */
#define CLU_POOL_MAX 64

/* FNV-1a, 32 bits (offset 2166136261, prime 16777619), over len bytes: Zeek's fnv1a32 of a
 * string. */
uint32_t clu_fnv1a32(const void *p, size_t len);

/* Zeek's hrw_weight(digest, site): the weight function of Thaler and Ravishankar's paper,
 * ((a * ((a * site + b) mod 2^32 XOR (digest & 0x7fffffff)) + b) mod 2^32) mod 2^31 with
 * a = 1103515245, b = 12345. */
uint32_t clu_hrw_weight(uint32_t digest, uint32_t site);

/* The digest Zeek's fnv1a32 computes for an addr value (its binary description: the type tag
 * 11 as a 4-byte host-order integer, the address text, a NUL): the key of known_hosts. */
uint32_t clu_hrw_digest_addr(const struct steer_addr *a);
/* The digest of the string cat(host, port) ("10.0.0.5443/tcp"): the key of known_services.
 * proto is the port's protocol name ("tcp", "udp", "icmp", "unknown"). */
uint32_t clu_hrw_digest_service(const struct steer_addr *a, uint16_t port, const char *proto);

/* The proxies of a layout, in layout order, with their HRW site ids: FNV-1a of "NAME.0", or
 * "NAME.1", ... when that id is taken already (Zeek's Cluster::init_pool_node). */
struct clu_pool {
	size_t n;
	const struct clu_proc *proc[CLU_POOL_MAX];
	uint32_t site[CLU_POOL_MAX];
};

/* Fills *out from l. Returns 0, or STEER_ERANGE with errbuf when l has more than
 * CLU_POOL_MAX proxies. */
int clu_pool_init(const struct clu_layout *l, struct clu_pool *out, char *errbuf);

/* The pool index of p, or -1 when p is not one of its proxies. */
int clu_pool_index(const struct clu_pool *pool, const struct clu_proc *p);

/* The member of alive (bit i: pool index i) with the highest weight for digest, ties to the
 * larger site id (HashHRW::get_site); -1 when none is alive. Removing a member moves only the
 * keys it owned. */
int clu_pool_owner(const struct clu_pool *pool, uint32_t digest, uint64_t alive);

/* The proxy that serves worker w (a worker process of l): its home proxy, the workers in
 * layout order dealt round-robin to the proxies (worker k to proxy k mod n, so no proxy has
 * more than one worker more than another), while the home is in alive; otherwise the member of
 * alive that HRW picks for the worker's name, which spreads a dead proxy's workers over the
 * others. -1 when no proxy is alive or w is not a worker. */
int clu_pool_home(const struct clu_pool *pool, const struct clu_layout *l,
                  const struct clu_proc *w);
int clu_pool_assign(const struct clu_pool *pool, const struct clu_layout *l,
                    const struct clu_proc *w, uint64_t alive);

/* Every member: the mask of all n proxies. */
static inline uint64_t clu_pool_all(const struct clu_pool *pool)
{
	return pool->n >= 64 ? UINT64_MAX : (UINT64_C(1) << pool->n) - 1;
}

#pragma GCC visibility pop
#endif
