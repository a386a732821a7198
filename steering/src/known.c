/* SPDX-License-Identifier: BSD-2-Clause */
/* known.c: the keys of known_hosts / known_services and a set of them with Zeek's
 * &create_expire (known-hosts.zeek, known-services.zeek): an open-addressing table with linear
 * probing, grown by doubling, expired keys dropped when it is full. */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/known.h>

#define MIN_SLOTS   256
#define DEFAULT_MAX 1000000

struct slot {
	struct steer_known_key k;
	int64_t t; /* when it was logged, network time */
	bool used;
};

struct steer_known_set {
	struct slot *v;
	size_t nslots, n, max;
	int64_t expire;
};

int steer_known_set_new(int64_t expire_us, size_t max_keys, struct steer_known_set **out)
{
	struct steer_known_set *s = calloc(1, sizeof(*s));
	if (s)
		s->v = calloc(MIN_SLOTS, sizeof(*s->v));
	if (!s || !s->v) {
		free(s);
		*out = NULL;
		return STEER_ENOMEM;
	}
	s->nslots = MIN_SLOTS;
	s->max = max_keys ? max_keys : DEFAULT_MAX;
	s->expire = expire_us;
	*out = s;
	return 0;
}

void steer_known_set_free(struct steer_known_set *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

size_t steer_known_set_count(const struct steer_known_set *s)
{
	return s->n;
}

/* FNV-1a over the key's bytes (its padding is zero: keys are built zeroed). */
static size_t hash(const struct steer_known_key *k)
{
	uint8_t b[4 + 17];
	b[0] = k->kind;
	b[1] = k->proto;
	b[2] = (uint8_t)(k->port >> 8);
	b[3] = (uint8_t)k->port;
	b[4] = k->host.family;
	memcpy(b + 5, k->host.a, 16);
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < sizeof(b); i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static bool same(const struct steer_known_key *a, const struct steer_known_key *b)
{
	return a->kind == b->kind && a->proto == b->proto && a->port == b->port &&
	       a->host.family == b->host.family && memcmp(a->host.a, b->host.a, 16) == 0;
}

static struct slot *find(struct steer_known_set *s, const struct steer_known_key *k)
{
	size_t mask = s->nslots - 1;
	for (size_t i = hash(k) & mask;; i = (i + 1) & mask) {
		if (!s->v[i].used || same(&s->v[i].k, k))
			return &s->v[i];
	}
}

/* Rebuilds the table with nslots slots, keeping the keys not yet expired at now (all of them
 * with now INT64_MIN). Returns false when out of memory (the set unchanged). */
static bool rebuild(struct steer_known_set *s, size_t nslots, int64_t now)
{
	struct slot *old = s->v;
	size_t oldn = s->nslots;
	s->v = calloc(nslots, sizeof(*s->v));
	if (!s->v) {
		s->v = old;
		return false;
	}
	s->nslots = nslots;
	s->n = 0;
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].used || (now != INT64_MIN && now - old[i].t >= s->expire))
			continue;
		*find(s, &old[i].k) = old[i];
		s->n++;
	}
	free(old);
	return true;
}

bool steer_known_set_is_new(struct steer_known_set *s, const struct steer_known_key *k,
                            int64_t now_us)
{
	struct slot *e = find(s, k);
	if (e->used) {
		if (now_us - e->t < s->expire)
			return false;
		e->t = now_us; /* its day is over: logged again, and a new day starts */
		return true;
	}
	if (s->n >= s->max) {
		rebuild(s, s->nslots, now_us);
		if (s->n >= s->max)
			return true;
		e = find(s, k);
	}
	/* At most half full, so that probes stay short. */
	if ((s->n + 1) * 2 > s->nslots) {
		if (!rebuild(s, s->nslots * 2, INT64_MIN))
			return true;
		e = find(s, k);
	}
	e->k = *k;
	e->t = now_us;
	e->used = true;
	s->n++;
	return true;
}
