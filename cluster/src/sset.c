/* SPDX-License-Identifier: BSD-2-Clause */
/* sset.c: a shared-set replica (steer/clu_sset.h): one open-addressing table (linear probing,
 * backward-shift deletion) over every set, each entry one allocation holding its key. A slot
 * keeps the entry's hash beside its pointer, so a probe reads the entry only on a hash match:
 * an insertion of a new key (the common case) touches no entry at all. */
#include <stdlib.h>
#include <string.h>

#include <steer/clu_sset.h>
#include <steer/error.h>

#define MIN_SLOTS 1024

struct ent {
	int64_t ts, expire;
	uint16_t origin, keylen;
	uint8_t set;
	uint8_t key[];
};

struct slot {
	uint64_t h;
	struct ent *e; /* NULL: empty */
};

struct clu_sset {
	struct slot *slot;
	size_t mask; /* slots - 1 */
	size_t n, max;
	size_t sweep_at;
	unsigned nsets;
	struct {
		uint8_t len;
		char name[CLU_SET_NAME_MAX];
	} sets[CLU_SSET_SETS_MAX];
};

int clu_sset_new(size_t max_entries, struct clu_sset **out)
{
	struct clu_sset *s = calloc(1, sizeof(*s));
	if (!s || !(s->slot = calloc(MIN_SLOTS, sizeof(*s->slot)))) {
		free(s);
		*out = NULL;
		return STEER_ENOMEM;
	}
	s->mask = MIN_SLOTS - 1;
	s->max = max_entries;
	*out = s;
	return 0;
}

void clu_sset_free(struct clu_sset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i <= s->mask; i++)
		free(s->slot[i].e);
	free(s->slot);
	free(s);
}

size_t clu_sset_count(const struct clu_sset *s)
{
	return s->n;
}

/* The set's index, -1 when unknown. */
static int set_id(const struct clu_sset *s, const char *name, size_t len)
{
	for (unsigned i = 0; i < s->nsets; i++)
		if (s->sets[i].len == len && memcmp(s->sets[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* 64-bit multiply-xorshift over 8-byte words: keys are addresses and short strings. */
static uint64_t hash(int set, const uint8_t *k, size_t n)
{
	const uint64_t m = 0x9e3779b97f4a7c15ull;
	uint64_t h = ((uint64_t)set + 1) * m ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, k, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
		k += 8;
		n -= 8;
	}
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)k[i] << (8 * i);
	h = (h ^ w) * m;
	h ^= h >> 32;
	return h * 0xd6e8feb86659fd93ull ^ h >> 29;
}

/* The slot holding (set, key), or the empty slot where it would go. */
static size_t probe(const struct clu_sset *s, uint64_t h, int set, const uint8_t *k, size_t n)
{
	size_t i = h & s->mask;
	for (;; i = (i + 1) & s->mask) {
		const struct slot *sl = &s->slot[i];
		if (!sl->e)
			return i;
		if (sl->h == h && sl->e->set == set && sl->e->keylen == n &&
		    memcmp(sl->e->key, k, n) == 0)
			return i;
	}
}

static int grow(struct clu_sset *s)
{
	size_t slots = (s->mask + 1) * 2;
	struct slot *old = s->slot;
	size_t oldn = s->mask + 1;
	if (!(s->slot = calloc(slots, sizeof(*s->slot)))) {
		s->slot = old;
		return STEER_ENOMEM;
	}
	s->mask = slots - 1;
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].e)
			continue;
		size_t j = old[i].h & s->mask;
		while (s->slot[j].e)
			j = (j + 1) & s->mask;
		s->slot[j] = old[i];
	}
	free(old);
	s->sweep_at = 0;
	return 0;
}

static void set_rec(const struct clu_sset *s, const struct ent *e, struct clu_set_rec *r)
{
	r->set = s->sets[e->set].name;
	r->setlen = s->sets[e->set].len;
	r->key = e->key;
	r->keylen = e->keylen;
	r->ts_us = e->ts;
	r->expire_us = e->expire;
	r->origin = e->origin;
}

int clu_sset_merge(struct clu_sset *s, const struct clu_set_rec *r, int64_t now_us)
{
	if (r->expire_us <= now_us)
		return 0;
	int set = set_id(s, r->set, r->setlen);
	if (set < 0) {
		if (s->nsets == CLU_SSET_SETS_MAX || r->setlen > CLU_SET_NAME_MAX)
			return STEER_EFULL;
		set = (int)s->nsets++;
		s->sets[set].len = r->setlen;
		memcpy(s->sets[set].name, r->set, r->setlen);
	}
	uint64_t h = hash(set, r->key, r->keylen);
	size_t i = probe(s, h, set, r->key, r->keylen);
	struct ent *e = s->slot[i].e;
	if (e) {
		bool dead = e->expire <= now_us;
		bool later = r->ts_us > e->ts || (r->ts_us == e->ts && r->origin > e->origin);
		if (!dead && !later)
			return 0;
		e->ts = r->ts_us;
		e->expire = r->expire_us;
		e->origin = r->origin;
		return 1;
	}
	if (s->n >= s->max)
		return STEER_EFULL;
	if (!(e = malloc(sizeof(*e) + r->keylen)))
		return STEER_ENOMEM;
	*e = (struct ent){.ts = r->ts_us,
	                  .expire = r->expire_us,
	                  .origin = r->origin,
	                  .keylen = r->keylen,
	                  .set = (uint8_t)set};
	memcpy(e->key, r->key, r->keylen);
	s->slot[i] = (struct slot){.h = h, .e = e};
	s->n++;
	/* Half full at most: probes stay short. A failed grow leaves a fuller, working table. */
	if (s->n * 2 > s->mask + 1)
		(void)grow(s);
	return 1;
}

void clu_sset_prefetch(const struct clu_sset *s, const struct clu_set_rec *r)
{
	int set = set_id(s, r->set, r->setlen);
	if (set >= 0)
		__builtin_prefetch(&s->slot[hash(set, r->key, r->keylen) & s->mask]);
}

bool clu_sset_find(const struct clu_sset *s, const char *set, size_t setlen, const void *key,
                   size_t keylen, int64_t now_us, struct clu_set_rec *out)
{
	int id = set_id(s, set, setlen);
	if (id < 0)
		return false;
	const struct ent *e = s->slot[probe(s, hash(id, key, keylen), id, key, keylen)].e;
	if (!e || e->expire <= now_us)
		return false;
	if (out)
		set_rec(s, e, out);
	return true;
}

bool clu_sset_next(const struct clu_sset *s, size_t *cursor, int64_t now_us,
                   struct clu_set_rec *out)
{
	for (size_t i = *cursor; i <= s->mask; i++) {
		const struct ent *e = s->slot[i].e;
		if (e && e->expire > now_us) {
			set_rec(s, e, out);
			*cursor = i + 1;
			return true;
		}
	}
	*cursor = s->mask + 1;
	return false;
}

/* Empties slot i and shifts later members of its probe run back (Knuth's algorithm R), so
 * that no lookup stops early at the hole. */
static void remove_at(struct clu_sset *s, size_t i)
{
	free(s->slot[i].e);
	s->slot[i].e = NULL;
	s->n--;
	for (size_t j = (i + 1) & s->mask; s->slot[j].e; j = (j + 1) & s->mask) {
		size_t home = s->slot[j].h & s->mask;
		/* It may move to i when i lies cyclically between its home and j. */
		bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
		if (movable) {
			s->slot[i] = s->slot[j];
			s->slot[j].e = NULL;
			i = j;
		}
	}
}

size_t clu_sset_sweep(struct clu_sset *s, int64_t now_us, size_t budget)
{
	size_t freed = 0, i = s->sweep_at & s->mask;
	for (size_t k = 0; k < budget && k <= s->mask; k++) {
		struct ent *e = s->slot[i].e;
		if (e && e->expire <= now_us) {
			remove_at(s, i);
			freed++;
			continue; /* slot i may hold a shifted entry now: look at it again */
		}
		i = (i + 1) & s->mask;
	}
	s->sweep_at = i;
	return freed;
}
