/* SPDX-License-Identifier: BSD-2-Clause */
/* flowtab.c: the flow table: records in fixed-size chunks that never move (so a record's address
 * is stable while its flow lives), found through an open-addressing index of (hash, record
 * number) pairs with linear probing and backward-shift deletion (no tombstones, so a table that
 * lives for months does not degrade). Freed records are reused through a free list. */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/flowtab.h>

/* 1024 records a chunk: large enough that a chunk is one allocation among many, small enough
 * that the last, partly used one adds at most 1% at 100,000 flows. */
#define CHUNK_SHIFT 10u
#define CHUNK_RECS (1u << CHUNK_SHIFT)
#define INITIAL_SLOTS 1024u
#define FREE_FAMILY 0xffu /* key.family of a free record (real keys use 0, 4 or 6) */
#define NO_ID UINT32_MAX

struct steer_flowtab {
	size_t stride;    /* bytes of one record, a multiple of 8 */
	size_t max;       /* flows held at most */
	size_t count;     /* flows held */
	uint32_t high;    /* record positions handed out (used or free) */
	uint32_t free_id; /* first free record, NO_ID when none */
	uint32_t cursor;  /* where the next sweep starts */
	unsigned char **chunks;
	size_t nchunks, chunks_cap;
	uint64_t *slots;  /* hash << 32 | (record number + 1); 0 = empty */
	size_t nslots;    /* a power of two; count stays at most 3/4 of it */
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

static inline unsigned char *rec_at(const struct steer_flowtab *t, uint32_t id)
{
	return t->chunks[id >> CHUNK_SHIFT] + (size_t)(id & (CHUNK_RECS - 1)) * t->stride;
}

static inline bool is_free(const unsigned char *r)
{
	return r[0] == FREE_FAMILY;
}

int steer_flowtab_new(size_t record_size, size_t max_flows, struct steer_flowtab **out)
{
	*out = NULL;
	if (record_size < sizeof(struct steer_flow_key) || record_size > STEER_FLOWTAB_MAX_RECORD)
		return STEER_EINVAL;
	struct steer_flowtab *t = calloc(1, sizeof(*t));
	if (!t)
		return STEER_ENOMEM;
	t->stride = (record_size + 7) & ~(size_t)7;
	t->max = max_flows == 0 || max_flows > STEER_FLOWTAB_MAX_FLOWS ? STEER_FLOWTAB_MAX_FLOWS
	                                                                : max_flows;
	t->free_id = NO_ID;
	t->nslots = INITIAL_SLOTS;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return STEER_ENOMEM;
	}
	*out = t;
	return 0;
}

void steer_flowtab_free(struct steer_flowtab *t)
{
	if (!t)
		return;
	for (size_t c = 0; c < t->nchunks; c++)
		free(t->chunks[c]);
	free(t->chunks);
	free(t->slots);
	free(t);
}

/* The index slot holding k (canonical, hash h), or the empty slot where it would go. */
static size_t probe(const struct steer_flowtab *t, const struct steer_flow_key *k, uint32_t h,
                    unsigned char **found)
{
	size_t mask = t->nslots - 1, s = h & mask;
	for (;;) {
		uint64_t v = t->slots[s];
		if (!v) {
			*found = NULL;
			return s;
		}
		if ((uint32_t)(v >> 32) == h) {
			unsigned char *r = rec_at(t, (uint32_t)v - 1);
			if (memcmp(r, k, sizeof(*k)) == 0) {
				*found = r;
				return s;
			}
		}
		s = (s + 1) & mask;
	}
}

/* Doubles the index. The new one is complete before the old one is freed, so a failure leaves
 * the table as it was. */
static int grow_index(struct steer_flowtab *t)
{
	size_t nslots = t->nslots * 2, mask = nslots - 1;
	uint64_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return STEER_ENOMEM;
	for (size_t i = 0; i < t->nslots; i++) {
		uint64_t v = t->slots[i];
		if (!v)
			continue;
		size_t s = (uint32_t)(v >> 32) & mask;
		while (slots[s])
			s = (s + 1) & mask;
		slots[s] = v;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

/* A record position for a new flow: a freed one, else the next never used (adding a chunk). */
static int take_record(struct steer_flowtab *t, uint32_t *id)
{
	if (t->free_id != NO_ID) {
		*id = t->free_id;
		memcpy(&t->free_id, rec_at(t, *id) + 4, sizeof(t->free_id));
		return 0;
	}
	if ((t->high >> CHUNK_SHIFT) == t->nchunks) {
		if (t->nchunks == t->chunks_cap) {
			size_t cap = t->chunks_cap ? 2 * t->chunks_cap : 16;
			unsigned char **c = realloc(t->chunks, cap * sizeof(*c));
			if (!c)
				return STEER_ENOMEM;
			t->chunks = c;
			t->chunks_cap = cap;
		}
		unsigned char *chunk = malloc((size_t)CHUNK_RECS * t->stride);
		if (!chunk)
			return STEER_ENOMEM;
		t->chunks[t->nchunks++] = chunk;
	}
	*id = t->high++;
	return 0;
}

int steer_flowtab_get(struct steer_flowtab *t, const struct steer_flow_key *key, void **rec,
                      int *dir)
{
	struct steer_flow_key k = *key;
	*dir = steer_flow_key_canon(&k) ? STEER_DIR_REV : STEER_DIR_FWD;
	uint32_t h = key_hash(&k);
	unsigned char *r;
	size_t s = probe(t, &k, h, &r);
	*rec = r;
	if (r)
		return 0;
	if (t->count >= t->max)
		return STEER_EFULL;
	if (4 * (t->count + 1) > 3 * t->nslots) {
		int rc = grow_index(t);
		if (rc)
			return rc;
		s = probe(t, &k, h, &r);
	}
	uint32_t id;
	int rc = take_record(t, &id);
	if (rc)
		return rc;
	r = rec_at(t, id);
	memset(r, 0, t->stride);
	memcpy(r, &k, sizeof(k));
	t->slots[s] = (uint64_t)h << 32 | ((uint64_t)id + 1);
	t->count++;
	*rec = r;
	return 1;
}

void *steer_flowtab_find(struct steer_flowtab *t, const struct steer_flow_key *key,
                         int *dir)
{
	struct steer_flow_key k = *key;
	bool rev = steer_flow_key_canon(&k);
	if (dir)
		*dir = rev ? STEER_DIR_REV : STEER_DIR_FWD;
	unsigned char *r;
	probe(t, &k, key_hash(&k), &r);
	return r;
}

void steer_flowtab_remove(struct steer_flowtab *t, void *rec)
{
	unsigned char *r = rec;
	size_t mask = t->nslots - 1, s = key_hash(rec) & mask;
	while (rec_at(t, (uint32_t)t->slots[s] - 1) != r)
		s = (s + 1) & mask;
	uint32_t id = (uint32_t)t->slots[s] - 1;
	/* Backward-shift deletion: move later entries of the probe run into the hole when their
	 * home slot does not lie cyclically in (hole, their slot]. */
	size_t hole = s;
	for (size_t j = (hole + 1) & mask; t->slots[j]; j = (j + 1) & mask) {
		size_t home = (uint32_t)(t->slots[j] >> 32) & mask;
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (!stays) {
			t->slots[hole] = t->slots[j];
			hole = j;
		}
	}
	t->slots[hole] = 0;
	r[0] = FREE_FAMILY;
	memcpy(r + 4, &t->free_id, sizeof(t->free_id));
	t->free_id = id;
	t->count--;
}

size_t steer_flowtab_count(const struct steer_flowtab *t)
{
	return t->count;
}

size_t steer_flowtab_positions(const struct steer_flowtab *t)
{
	return t->high;
}

void *steer_flowtab_next(struct steer_flowtab *t, size_t *pos)
{
	for (; *pos < t->high; ++*pos) {
		unsigned char *r = rec_at(t, (uint32_t)*pos);
		if (!is_free(r)) {
			++*pos;
			return r;
		}
	}
	return NULL;
}

size_t steer_flowtab_sweep(struct steer_flowtab *t, size_t n, void (*fn)(void *arg, void *rec),
                           void *arg)
{
	size_t visited = 0;
	if (t->high == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (t->cursor >= t->high)
			t->cursor = 0;
		unsigned char *r = rec_at(t, t->cursor++);
		if (!is_free(r)) {
			visited++;
			fn(arg, r);
		}
	}
	return visited;
}

size_t steer_flowtab_memory(const struct steer_flowtab *t)
{
	return sizeof(*t) + t->nchunks * (size_t)CHUNK_RECS * t->stride +
	       t->chunks_cap * sizeof(*t->chunks) + t->nslots * sizeof(*t->slots);
}

double steer_flowtab_bytes_per_flow(const struct steer_flowtab *t)
{
	return t->count ? (double)steer_flowtab_memory(t) / (double)t->count : 0.0;
}
