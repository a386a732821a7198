/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/known.h: the keys of known_hosts and known_services (REFERENCE-cluster.md 4.1, 4.2) and
 * a set of them with Zeek's &create_expire: "is this key new?" answered from what this process
 * has seen in the last day, as a standalone Zeek decides (a worker of a cluster with proxies
 * leaves the decision to them: steer/clu_shared.h). Pure: no I/O, no globals. */
#ifndef STEER_KNOWN_H
#define STEER_KNOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

enum steer_known_kind {
	STEER_KNOWN_HOST = 1,    /* known_hosts: host */
	STEER_KNOWN_SERVICE = 2, /* known_services: host, port, transport */
};

/* A key; fields a kind does not use are zero (so that equal keys are equal bytes). */
struct steer_known_key {
	uint8_t kind;  /* enum steer_known_kind */
	uint8_t proto; /* services: enum steer_conn_proto (tcp, udp) */
	uint16_t port; /* services: the responder port */
	struct steer_addr host;
};

/* Zeek's Known::hosts / Known::services expiry (&create_expire = 1 day). */
#define STEER_KNOWN_EXPIRE_US (86400ll * 1000000)

/* The local answer: keys remembered for expire_us after they were first logged (a key logged
 * again once that has passed starts its day anew), at most max_keys at once (0: a million);
 * when full, expired keys are dropped first, and a key that still finds no room counts as new
 * every time (logged too often, never missed). */
struct steer_known_set;

/* Returns 0 with *out set (free with steer_known_set_free), or STEER_ENOMEM. */
int steer_known_set_new(int64_t expire_us, size_t max_keys, struct steer_known_set **out);
void steer_known_set_free(struct steer_known_set *s);
/* The question before a key is logged: true when it is new (log it now; it is remembered from
 * now_us), false when it is known. now_us: network time, microseconds since the epoch. */
bool steer_known_set_is_new(struct steer_known_set *s, const struct steer_known_key *k,
                            int64_t now_us);
/* Keys held now. */
size_t steer_known_set_count(const struct steer_known_set *s);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
