/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_shared.h: what a worker shares with the rest of the cluster through the proxies:
 * shared sets (a named set of keys with an expiry, the same on every worker), and known hosts
 * and services, each logged once cluster-wide by the proxy that owns its key. */
#ifndef STEER_CLU_SHARED_H
#define STEER_CLU_SHARED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/clu_node.h>
#include <steer/clu_wire.h>

#pragma GCC visibility push(default)

/* A key's lifetime when the caller gives 0: one day, Zeek's &create_expire of Known::hosts. */
#define CLU_SHARED_LIFETIME_US 86400000000ll

/* Inserts key (1..CLU_SET_KEY_MAX bytes) into the shared set named set (1..CLU_SET_NAME_MAX of
 * A-Z a-z 0-9 _ . -), live for lifetime_us (0: the default) from now. It is in this worker's
 * replica at once; it goes to the worker's proxy, round the ring and to every other worker,
 * each of which sees it once (clu_shared_watch). A key inserted again is renewed. Returns 0,
 * STEER_EINVAL (a name or key out of range), STEER_EFULL (the replica is full, or too much is
 * waiting for the proxies: see clu_shared_backlog), STEER_ENOMEM, or STEER_ENOTSUP on a node
 * that is not a worker. The insertion survives the death of any one proxy. */
int clu_shared_insert(struct clu_node *n, const char *set, const void *key, size_t len,
                      int64_t lifetime_us);

/* True when key is live in set in this worker's replica. */
bool clu_shared_contains(struct clu_node *n, const char *set, const void *key, size_t len);

/* Calls fn for every insertion that reaches this worker from the others and is new to its
 * replica (never for its own): once per insertion, in the loop's thread. r points into a
 * message: copy what must outlive the call. fn NULL: none. */
void clu_shared_watch(struct clu_node *n,
                      void (*fn)(void *arg, struct clu_node *n, const struct clu_set_rec *r),
                      void *arg);

/* True once the worker takes deliveries from a ready proxy and has merged its copy of the
 * replica. */
bool clu_shared_ready(const struct clu_node *n);

/* Insertions this worker made that its proxy has not yet seen round the ring. */
size_t clu_shared_backlog(const struct clu_node *n);

/* A host seen in an established connection (Known::hosts): unless this worker's replica knows
 * it already (or asked lately), it asks the proxy that owns the address (HRW among the ready
 * proxies, as Zeek's Cluster::publish_hrw); that proxy writes the known_hosts.log line (ts,
 * host) if it is new cluster-wide and inserts it into the shared set "known_hosts", so each
 * host is logged once per day however many workers see it at once. ts_us is the line's ts.
 * The questions wait, in order, up to 65536 of them, while not every proxy is ready (the
 * cluster starting, a proxy restarting), so that every worker asks the same owner and the
 * owners pass on what they decide; a proxy that stays down holds them up for four heartbeat
 * timeouts after another is ready, not longer (Zeek's would go to whichever proxies are up, or
 * be lost). Past 65536 they are dropped, counted and reported, and a later sighting asks
 * again. Returns 0, STEER_ENOTSUP on a node that is not a worker, or STEER_ENOMEM. */
int clu_known_host(struct clu_node *n, int64_t ts_us, const struct steer_addr *host);

/* A service (Known::services): host:port over proto (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6) runs
 * the nservices analyzer names given (as Zeek writes them, "HTTP"); the owner of
 * "host port/proto" logs a known_services.log line with those of them new for that host and
 * port (an empty list logs "(empty)" once). Returns as clu_known_host, or STEER_EINVAL
 * (more than CLU_KNOWN_SERVICES_MAX names, or a name out of range). */
int clu_known_service(struct clu_node *n, int64_t ts_us, const struct steer_addr *host,
                      uint16_t port, uint8_t proto, const char *const *services, size_t nservices);

#pragma GCC visibility pop
#endif
