/* SPDX-License-Identifier: BSD-2-Clause */
/* flowtab.c: the flow table: records in one dense array, found through an open-addressing
 * index (linear probing) of (hash, record number) pairs. */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/flowtab.h>

#define FLOWTAB_MAX ((size_t)1 << 31)
#define INITIAL_SLOTS 1024u /* index slots; records start at half that */

struct steer_flowtab {
	struct steer_flow *flows; /* dense, in insertion order */
	size_t nflows, cap;       /* records used, allocated */
	uint64_t *slots;          /* hash << 32 | (record number + 1); 0 = empty */
	size_t nslots;            /* a power of two, at least 2 * cap */
	size_t max;
};

/* A 64-bit mix of the 40-byte key (read as five words), finished as MurmurHash3's fmix64. */
static uint32_t key_hash(const struct steer_flow_key *k)
{
	uint64_t w[5], h = 0x9e3779b97f4a7c15ull;
	_Static_assert(sizeof(*k) == sizeof(w), "flow key is five words");
	memcpy(w, k, sizeof(w));
	for (int i = 0; i < 5; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

int steer_flowtab_new(size_t max_flows, struct steer_flowtab **out)
{
	*out = NULL;
	struct steer_flowtab *t = calloc(1, sizeof(*t));
	if (!t)
		return STEER_ENOMEM;
	t->max = max_flows == 0 || max_flows > FLOWTAB_MAX ? FLOWTAB_MAX : max_flows;
	t->nslots = INITIAL_SLOTS;
	t->cap = INITIAL_SLOTS / 2;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	t->flows = malloc(t->cap * sizeof(*t->flows));
	if (!t->slots || !t->flows) {
		steer_flowtab_free(t);
		return STEER_ENOMEM;
	}
	*out = t;
	return 0;
}

void steer_flowtab_free(struct steer_flowtab *t)
{
	if (!t)
		return;
	free(t->flows);
	free(t->slots);
	free(t);
}

/* Doubles the records and the index. Both new arrays are obtained before either old one is
 * given up, so a failure leaves the table as it was. */
static int grow(struct steer_flowtab *t)
{
	size_t ncap = t->cap * 2, nslots = t->nslots * 2;
	uint64_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return STEER_ENOMEM;
	struct steer_flow *flows = realloc(t->flows, ncap * sizeof(*flows));
	if (!flows) {
		free(slots);
		return STEER_ENOMEM;
	}
	size_t mask = nslots - 1;
	for (size_t i = 0; i < t->nflows; i++) {
		size_t s = flows[i].hash & mask;
		while (slots[s])
			s = (s + 1) & mask;
		slots[s] = (uint64_t)flows[i].hash << 32 | (uint64_t)(i + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	t->flows = flows;
	t->cap = ncap;
	return 0;
}

/* The index slot holding k (canonical, hash h), or the empty slot where it would go. */
static size_t probe(const struct steer_flowtab *t, const struct steer_flow_key *k, uint32_t h,
                    struct steer_flow **found)
{
	size_t mask = t->nslots - 1, s = h & mask;
	for (;;) {
		uint64_t v = t->slots[s];
		if (!v) {
			*found = NULL;
			return s;
		}
		if ((uint32_t)(v >> 32) == h) {
			struct steer_flow *f = &t->flows[(uint32_t)v - 1];
			if (memcmp(&f->key, k, sizeof(*k)) == 0) {
				*found = f;
				return s;
			}
		}
		s = (s + 1) & mask;
	}
}

int steer_flowtab_get(struct steer_flowtab *t, const struct steer_flow_key *key,
                      struct steer_flow **f, int *dir)
{
	struct steer_flow_key k = *key;
	*dir = steer_flow_key_canon(&k) ? STEER_DIR_REV : STEER_DIR_FWD;
	uint32_t h = key_hash(&k);
	size_t s = probe(t, &k, h, f);
	if (*f)
		return 0;
	if (t->nflows >= t->max)
		return STEER_EFULL;
	if (t->nflows == t->cap) {
		int rc = grow(t);
		if (rc)
			return rc;
		s = probe(t, &k, h, f);
	}
	struct steer_flow *n = &t->flows[t->nflows];
	memset(n, 0, sizeof(*n));
	n->key = k;
	n->hash = h;
	n->predicted = -1;
	t->slots[s] = (uint64_t)h << 32 | (uint64_t)(t->nflows + 1);
	t->nflows++;
	*f = n;
	return 1;
}

struct steer_flow *steer_flowtab_find(const struct steer_flowtab *t,
                                      const struct steer_flow_key *key, int *dir)
{
	struct steer_flow_key k = *key;
	bool rev = steer_flow_key_canon(&k);
	if (dir)
		*dir = rev ? STEER_DIR_REV : STEER_DIR_FWD;
	struct steer_flow *f;
	probe(t, &k, key_hash(&k), &f);
	return f;
}

size_t steer_flowtab_count(const struct steer_flowtab *t)
{
	return t->nflows;
}

struct steer_flow *steer_flowtab_at(const struct steer_flowtab *t, size_t i)
{
	return i < t->nflows ? &t->flows[i] : NULL;
}

size_t steer_flowtab_memory(const struct steer_flowtab *t)
{
	return sizeof(*t) + t->cap * sizeof(*t->flows) + t->nslots * sizeof(*t->slots);
}

double steer_flowtab_bytes_per_flow(const struct steer_flowtab *t)
{
	return t->nflows ? (double)steer_flowtab_memory(t) / (double)t->nflows : 0.0;
}

void steer_flow_note_worker(struct steer_flow *f, unsigned worker, int dir)
{
	uint8_t bit = (uint8_t)(1u << (dir & 1));
	for (unsigned i = 0; i < f->nseen; i++) {
		struct steer_flow_seen *s = &f->seen[i];
		if (s->worker == worker) {
			s->dirs |= bit;
			if (s->packets != UINT32_MAX)
				s->packets++;
			return;
		}
	}
	if (f->nseen < STEER_FLOW_MAX_SEEN) {
		struct steer_flow_seen *s = &f->seen[f->nseen++];
		s->worker = (uint16_t)worker;
		s->dirs = bit;
		s->packets = 1;
	} else {
		f->more = 1;
	}
}
