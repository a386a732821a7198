/* SPDX-License-Identifier: BSD-2-Clause */
/* frag_int.h: PRIVATE to libsteer. The bounded table that sends later IP fragments after their
 * first fragment, keyed by (family, proto, src, dst, id) as RFC 791 / RFC 8200 reassembly is. */
#ifndef STEER_FRAG_INT_H
#define STEER_FRAG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/packet.h>

struct steer__frag_entry {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint32_t hash;
	uint16_t worker;
	uint8_t family; /* 0 = empty slot */
	uint8_t proto;
};

/* Direct-mapped: a new first fragment overwrites whatever shared its slot, so memory is bounded
 * and an old, finished datagram never needs expiring. */
struct steer__frag_table {
	struct steer__frag_entry *slots;
	uint32_t mask;
};

int steer__frag_init(struct steer__frag_table *t, uint32_t slots);
void steer__frag_destroy(struct steer__frag_table *t);
void steer__frag_put(struct steer__frag_table *t, const struct steer_pkt *p, unsigned worker,
                     uint32_t hash);
bool steer__frag_get(const struct steer__frag_table *t, const struct steer_pkt *p,
                     unsigned *worker, uint32_t *hash);

#endif
