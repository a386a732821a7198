/* SPDX-License-Identifier: BSD-2-Clause */
/* sset.c: a shared-set replica (steer/clu_sset.h): one open-addressing table (linear probing,
 * backward-shift deletion) over every set, each entry one allocation holding its key. A slot
 * keeps the entry's hash beside its pointer, so a probe reads the entry only on a hash match:
 * an insertion of a new key (the common case) touches no entry at all.
 * The table grows by doubling, incrementally: the old table stays beside the new one and each
 * merge moves a few of its slots across, so that no single merge pays for rehashing the whole
 * replica (a million keys took 70 ms, a pause every replica of the cluster took at about the
 * same moment); the next table is faulted in ahead of the doubling, and the old table's memory
 * goes back as it empties (unmapping 32 MB at once took 3 ms). */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS, MADV_DONTNEED */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <steer/clu_sset.h>
#include <steer/error.h>

#define MIN_SLOTS 1024
#define MAPPED_BYTES ((size_t)2 << 20) /* tables this large are mapped, and given back in
                                          * pieces this large once moved */
#define MOVE_PER_MERGE 4 /* slots moved per merge: done long before the next doubling */
#define PAGE_BYTES 4096
#define TOUCH_EVERY 4 /* merges per page of the next table faulted in ahead of its use */

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
	struct slot *old; /* the table being moved into slot, NULL when none */
	size_t old_mask;
	size_t old_at;   /* old slots below this one have moved (and may be given back) */
	size_t old_gone; /* bytes of the old table given back */
	struct slot *spare; /* the next table (twice as large), being faulted in, or NULL */
	size_t spare_touched; /* bytes of it faulted in */
	unsigned spare_tick;
	size_t n, max;
	size_t sweep_at;
	unsigned nsets;
	struct {
		uint8_t len;
		char name[CLU_SET_NAME_MAX];
	} sets[CLU_SSET_SETS_MAX];
};

/* A zeroed table of `slots` slots: a large one mapped (so that it can be given back a piece at
 * a time while it is moved), a small one from the heap. */
static struct slot *table_new(size_t slots)
{
	size_t bytes = slots * sizeof(struct slot);
	if (bytes < MAPPED_BYTES)
		return calloc(slots, sizeof(struct slot));
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void table_free(struct slot *t, size_t slots)
{
	if (slots * sizeof(struct slot) < MAPPED_BYTES)
		free(t);
	else if (t)
		munmap(t, slots * sizeof(struct slot));
}

int clu_sset_new(size_t max_entries, struct clu_sset **out)
{
	struct clu_sset *s = calloc(1, sizeof(*s));
	if (!s || !(s->slot = table_new(MIN_SLOTS))) {
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
	if (s->old) {
		for (size_t i = s->old_at; i <= s->old_mask; i++)
			free(s->old[i].e);
		table_free(s->old, s->old_mask + 1);
	}
	table_free(s->slot, s->mask + 1);
	table_free(s->spare, (s->mask + 1) * 2);
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

static bool holds(const struct slot *sl, uint64_t h, int set, const uint8_t *k, size_t n)
{
	return sl->h == h && sl->e->set == set && sl->e->keylen == n &&
	       memcmp(sl->e->key, k, n) == 0;
}

/* The slot of the current table holding (set, key), or the empty slot where it would go. */
static size_t probe(const struct clu_sset *s, uint64_t h, int set, const uint8_t *k, size_t n)
{
	size_t i = h & s->mask;
	for (;; i = (i + 1) & s->mask) {
		const struct slot *sl = &s->slot[i];
		if (!sl->e || holds(sl, h, set, k, n))
			return i;
	}
}

/* The entry of (set, key): in the current table, else in the old one's slots not yet moved
 * (those moved are in the current table, or were never there). NULL when absent; *at is then
 * the current table's slot where it would go. */
static struct ent *lookup(const struct clu_sset *s, uint64_t h, int set, const uint8_t *k,
                          size_t n, size_t *at)
{
	*at = probe(s, h, set, k, n);
	if (s->slot[*at].e || !s->old)
		return s->slot[*at].e;
	/* Slots below old_at are not read (they may be given back): a probe run that reaches
	 * them goes on at old_at, since they were all occupied when they moved. */
	size_t i = h & s->old_mask;
	for (size_t left = s->old_mask + 1 - s->old_at; left; left--, i = (i + 1) & s->old_mask) {
		if (i < s->old_at)
			i = s->old_at;
		const struct slot *sl = &s->old[i];
		if (!sl->e)
			return NULL;
		if (holds(sl, h, set, k, n))
			return sl->e;
	}
	return NULL;
}

/* Moves up to budget slots of the old table into the current one, gives back the pieces it
 * has moved, and frees it once empty. */
static void move_old(struct clu_sset *s, size_t budget)
{
	for (; budget && s->old_at <= s->old_mask; budget--, s->old_at++) {
		const struct slot *sl = &s->old[s->old_at];
		if (!sl->e)
			continue;
		size_t j = sl->h & s->mask;
		while (s->slot[j].e)
			j = (j + 1) & s->mask;
		s->slot[j] = *sl;
	}
	if (s->old_at > s->old_mask) {
		table_free(s->old, s->old_mask + 1);
		s->old = NULL;
		return;
	}
	size_t moved = s->old_at * sizeof(struct slot) / MAPPED_BYTES * MAPPED_BYTES;
	if (moved > s->old_gone) {
		(void)madvise((uint8_t *)s->old + s->old_gone, moved - s->old_gone, MADV_DONTNEED);
		s->old_gone = moved;
	}
}

/* From seven-sixteenths full on, the next table is mapped and a page of it faulted in every few
 * merges, so that the doubling finds it ready: its 16k page faults at once (64 MB) took a
 * process 30 ms, and every replica of a cluster doubles at about the same moment. */
static void prepare(struct clu_sset *s)
{
	size_t bytes = (s->mask + 1) * 2 * sizeof(struct slot);
	if (bytes < MAPPED_BYTES)
		return; /* a small table is made when needed */
	if (!s->spare && !(s->spare = table_new((s->mask + 1) * 2)))
		return;
	if (s->spare_touched < bytes && ++s->spare_tick % TOUCH_EVERY == 0) {
		((volatile uint8_t *)s->spare)[s->spare_touched] = 0;
		s->spare_touched += PAGE_BYTES;
	}
}

/* Doubles the table: the current one becomes the old one, moved across merge by merge. */
static int grow(struct clu_sset *s)
{
	if (s->old)
		move_old(s, SIZE_MAX); /* not expected: moving ends long before the next doubling */
	size_t slots = (s->mask + 1) * 2;
	struct slot *t = s->spare ? s->spare : table_new(slots);
	if (!t)
		return STEER_ENOMEM;
	s->spare = NULL;
	s->spare_touched = 0;
	s->old = s->slot;
	s->old_mask = s->mask;
	s->old_at = 0;
	s->old_gone = 0;
	s->slot = t;
	s->mask = slots - 1;
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
	if (s->old)
		move_old(s, MOVE_PER_MERGE);
	uint64_t h = hash(set, r->key, r->keylen);
	size_t i;
	struct ent *e = lookup(s, h, set, r->key, r->keylen, &i);
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
	else if (s->n * 16 > (s->mask + 1) * 7)
		prepare(s);
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
	size_t at;
	const struct ent *e = lookup(s, hash(id, key, keylen), id, key, keylen, &at);
	if (!e || e->expire <= now_us)
		return false;
	if (out)
		set_rec(s, e, out);
	return true;
}

/* The cursor runs over the current table's slots, then over the old table's. */
bool clu_sset_next(const struct clu_sset *s, size_t *cursor, int64_t now_us,
                   struct clu_set_rec *out)
{
	size_t cur = s->mask + 1, all = cur + (s->old ? s->old_mask + 1 : 0);
	for (size_t i = *cursor; i < all; i++) {
		if (i >= cur && i - cur < s->old_at)
			i = cur + s->old_at; /* moved already */
		if (i >= all)
			break;
		const struct ent *e = i < cur ? s->slot[i].e : s->old[i - cur].e;
		if (e && e->expire > now_us) {
			set_rec(s, e, out);
			*cursor = i + 1;
			return true;
		}
	}
	*cursor = all;
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
	if (s->old) { /* the budget moves the old table first */
		size_t from = s->old_at;
		move_old(s, budget);
		budget -= s->old_at - from < budget ? s->old_at - from : budget;
	}
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
