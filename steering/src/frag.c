/* SPDX-License-Identifier: BSD-2-Clause */
/* frag.c: the bounded first-fragment table (see frag_int.h). */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "frag_int.h"

int steer__frag_init(struct steer__frag_table *t, uint32_t slots)
{
	uint32_t n = 1;
	while (n < slots && n < (1u << 24))
		n <<= 1;
	t->slots = calloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	return t->slots ? 0 : STEER_ENOMEM;
}

void steer__frag_destroy(struct steer__frag_table *t)
{
	free(t->slots);
	t->slots = NULL;
}

static uint32_t slot_of(const struct steer__frag_table *t, const struct steer_pkt *p)
{
	uint64_t h = p->frag_id ^ ((uint64_t)p->proto << 32);
	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;
		memcpy(&a, p->src + i, 8);
		memcpy(&b, p->dst + i, 8);
		h = (h ^ a) * 0x9e3779b97f4a7c15ull;
		h = (h ^ b) * 0xc2b2ae3d27d4eb4full;
	}
	return (uint32_t)(h >> 32) & t->mask;
}

static bool same(const struct steer__frag_entry *e, const struct steer_pkt *p)
{
	return e->family == p->family && e->proto == p->proto && e->id == p->frag_id &&
	       memcmp(e->src, p->src, 16) == 0 && memcmp(e->dst, p->dst, 16) == 0;
}

void steer__frag_put(struct steer__frag_table *t, const struct steer_pkt *p, unsigned worker,
                     uint32_t hash)
{
	struct steer__frag_entry *e = &t->slots[slot_of(t, p)];
	memcpy(e->src, p->src, 16);
	memcpy(e->dst, p->dst, 16);
	e->id = p->frag_id;
	e->hash = hash;
	e->worker = (uint16_t)worker;
	e->family = p->family;
	e->proto = p->proto;
}

bool steer__frag_get(const struct steer__frag_table *t, const struct steer_pkt *p,
                     unsigned *worker, uint32_t *hash)
{
	const struct steer__frag_entry *e = &t->slots[slot_of(t, p)];
	if (!same(e, p))
		return false;
	*worker = e->worker;
	*hash = e->hash;
	return true;
}
