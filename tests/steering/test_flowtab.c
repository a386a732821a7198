/* SPDX-License-Identifier: BSD-2-Clause */
/* test_flowtab.c: the flow table: both directions of a flow, growth with stable records, bounds,
 * removal (checked against a reference model through many random adds and removes), reuse,
 * iteration, the incremental sweep and the memory a flow costs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/error.h>
#include <steer/flowtab.h>

/* A caller's record: the key the table owns, then the caller's part. */
struct rec {
	struct steer_flow_key key;
	uint64_t packets[2];
	uint32_t id;
	uint32_t visits;
};

static struct steer_flow_key key4(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp)
{
	struct steer_flow_key k;
	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.proto = 6;
	for (int i = 0; i < 4; i++) {
		k.src[i] = (uint8_t)(src >> (24 - 8 * i));
		k.dst[i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	k.sport = sp;
	k.dport = dp;
	return k;
}

/* Flow i of the random tests: distinct keys, half of them written in reverse. */
static struct steer_flow_key key_n(uint32_t i)
{
	return i & 1 ? key4(0xc0000201, 0x0a000000 + i, 80, (uint16_t)i)
	             : key4(0x0a000000 + i, 0xc0000201, (uint16_t)i, 80);
}

static struct steer_flowtab *table(size_t max)
{
	struct steer_flowtab *t;
	assert_int_equal(steer_flowtab_new(sizeof(struct rec), max, &t), 0);
	return t;
}

static void both_directions_one_flow(void **state)
{
	(void)state;
	struct steer_flowtab *t = table(0);
	struct steer_flow_key a = key4(0x0a000001, 0xc0000207, 51000, 443);
	struct steer_flow_key b = key4(0xc0000207, 0x0a000001, 443, 51000);
	void *f, *g;
	int da, db;
	assert_int_equal(steer_flowtab_get(t, &a, &f, &da), 1);
	struct rec *r = f;
	assert_int_equal(r->packets[0] + r->packets[1], 0); /* zeroed */
	r->packets[da]++;
	assert_int_equal(steer_flowtab_get(t, &b, &g, &db), 0);
	assert_ptr_equal(f, g);
	assert_int_not_equal(da, db);
	/* the record begins with the canonical key: the same whichever direction came first */
	struct steer_flow_key canon = a;
	steer_flow_key_canon(&canon);
	assert_memory_equal(&r->key, &canon, sizeof(canon));
	assert_int_equal(steer_flowtab_count(t), 1);
	int d;
	assert_ptr_equal(steer_flowtab_find(t, &b, &d), f);
	assert_int_equal(d, db);
	struct steer_flow_key c = key4(0x0a000001, 0xc0000207, 51001, 443);
	assert_null(steer_flowtab_find(t, &c, NULL));
	steer_flowtab_free(t);
}

static void bad_record_size(void **state)
{
	(void)state;
	struct steer_flowtab *t = (void *)1;
	assert_int_equal(steer_flowtab_new(sizeof(struct steer_flow_key) - 1, 0, &t), STEER_EINVAL);
	assert_null(t);
	assert_int_equal(steer_flowtab_new(STEER_FLOWTAB_MAX_RECORD + 1, 0, &t), STEER_EINVAL);
	assert_null(t);
}

/* Records keep their address while the table grows round them. */
static void grows_records_stay(void **state)
{
	(void)state;
	struct steer_flowtab *t = table(0);
	const uint32_t n = 200000;
	struct rec **where = calloc(n, sizeof(*where));
	assert_non_null(where);
	for (uint32_t i = 0; i < n; i++) {
		struct steer_flow_key k = key_n(i);
		void *v;
		int d;
		assert_int_equal(steer_flowtab_get(t, &k, &v, &d), 1);
		where[i] = v;
		where[i]->id = i;
	}
	assert_int_equal(steer_flowtab_count(t), n);
	for (uint32_t i = 0; i < n; i++) {
		struct steer_flow_key k = key_n(i);
		steer_flow_key_reverse(&k);
		struct rec *r = steer_flowtab_find(t, &k, NULL);
		assert_ptr_equal(r, where[i]);
		assert_int_equal(r->id, i);
	}
	free(where);
	steer_flowtab_free(t);
}

static void bounded(void **state)
{
	(void)state;
	struct steer_flowtab *t = table(3);
	void *f;
	int d;
	for (uint32_t i = 0; i < 3; i++) {
		struct steer_flow_key k = key4(i, 9, 1, 2);
		assert_int_equal(steer_flowtab_get(t, &k, &f, &d), 1);
	}
	struct steer_flow_key k = key4(7, 9, 1, 2);
	assert_int_equal(steer_flowtab_get(t, &k, &f, &d), STEER_EFULL);
	assert_null(f);
	k = key4(9, 1, 2, 1); /* an existing flow, reversed, is still found */
	assert_int_equal(steer_flowtab_get(t, &k, &f, &d), 0);
	/* a removal makes room: a long-running process does not stop tracking */
	steer_flowtab_remove(t, f);
	k = key4(7, 9, 1, 2);
	assert_int_equal(steer_flowtab_get(t, &k, &f, &d), 1);
	assert_int_equal(steer_flowtab_count(t), 3);
	steer_flowtab_free(t);
}

/* splitmix64, for a reproducible random sequence. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Random adds and removes against a reference (which of N keys are present, and where): every
 * present key is found at its record, every absent one is not, after each step's batch. Small
 * key space and many removals stress the backward-shift deletion in long probe runs. */
static void remove_matches_model(void **state)
{
	(void)state;
	enum { N = 6000, STEPS = 400000 };
	struct steer_flowtab *t = table(0);
	struct rec **at = calloc(N, sizeof(*at));
	assert_non_null(at);
	uint64_t seed = 42;
	size_t present = 0;
	for (uint32_t step = 0; step < STEPS; step++) {
		uint32_t i = (uint32_t)(rnd(&seed) % N);
		struct steer_flow_key k = key_n(i);
		if (at[i] && rnd(&seed) % 3 == 0) {
			steer_flowtab_remove(t, at[i]);
			at[i] = NULL;
			present--;
		} else {
			void *v;
			int d;
			int rc = steer_flowtab_get(t, &k, &v, &d);
			assert_int_equal(rc, at[i] ? 0 : 1);
			if (at[i])
				assert_ptr_equal(v, at[i]);
			else
				present++;
			at[i] = v;
			at[i]->id = i;
		}
		if (step % 50000 == 0 || step == STEPS - 1) {
			assert_int_equal(steer_flowtab_count(t), present);
			for (uint32_t j = 0; j < N; j++) {
				struct steer_flow_key q = key_n(j);
				struct rec *r = steer_flowtab_find(t, &q, NULL);
				assert_ptr_equal(r, at[j]);
				if (r)
					assert_int_equal(r->id, j);
			}
		}
	}
	/* freed records are reused: positions never exceed the most ever held at once */
	assert_true(steer_flowtab_positions(t) <= N);
	free(at);
	steer_flowtab_free(t);
}

static void iterate_and_remove(void **state)
{
	(void)state;
	struct steer_flowtab *t = table(0);
	enum { N = 10000 };
	for (uint32_t i = 0; i < N; i++) {
		struct steer_flow_key k = key_n(i);
		void *v;
		int d;
		assert_int_equal(steer_flowtab_get(t, &k, &v, &d), 1);
		((struct rec *)v)->id = i;
	}
	/* storage order is adding order while nothing was removed; remove every odd one on the way */
	size_t pos = 0, n = 0;
	for (struct rec *r; (r = steer_flowtab_next(t, &pos));) {
		assert_int_equal(r->id, n);
		if (n++ & 1)
			steer_flowtab_remove(t, r);
	}
	assert_int_equal(n, N);
	assert_int_equal(steer_flowtab_count(t), N / 2);
	pos = 0, n = 0;
	for (struct rec *r; (r = steer_flowtab_next(t, &pos));) {
		assert_int_equal(r->id % 2, 0);
		n++;
	}
	assert_int_equal(n, N / 2);
	steer_flowtab_free(t);
}

struct sweep_arg {
	struct steer_flowtab *t;
	uint32_t expire_below; /* remove flows with id below this */
	size_t removed;
};

static void on_sweep(void *arg, void *rec)
{
	struct sweep_arg *a = arg;
	struct rec *r = rec;
	r->visits++;
	if (r->id < a->expire_below) {
		steer_flowtab_remove(a->t, r);
		a->removed++;
	}
}

static void sweep_visits_each_once(void **state)
{
	(void)state;
	struct steer_flowtab *t = table(0);
	enum { N = 5000 };
	for (uint32_t i = 0; i < N; i++) {
		struct steer_flow_key k = key_n(i);
		void *v;
		int d;
		assert_int_equal(steer_flowtab_get(t, &k, &v, &d), 1);
		((struct rec *)v)->id = i;
	}
	struct sweep_arg a = {.t = t, .expire_below = 1000};
	/* one full round in small steps: every flow visited exactly once, the old ones expired */
	size_t positions = steer_flowtab_positions(t), visited = 0;
	for (size_t done = 0; done < positions; done += 7)
		visited += steer_flowtab_sweep(t, positions - done < 7 ? positions - done : 7, on_sweep,
		                               &a);
	assert_int_equal(visited, N);
	assert_int_equal(a.removed, 1000);
	assert_int_equal(steer_flowtab_count(t), N - 1000);
	size_t pos = 0;
	for (struct rec *r; (r = steer_flowtab_next(t, &pos));)
		assert_int_equal(r->visits, 1);
	/* the next round starts where the last stopped and skips the freed positions */
	a.expire_below = 0;
	assert_int_equal(steer_flowtab_sweep(t, positions, on_sweep, &a), N - 1000);
	steer_flowtab_free(t);
	struct steer_flowtab *e = table(0);
	assert_int_equal(steer_flowtab_sweep(e, 100, on_sweep, &a), 0);
	steer_flowtab_free(e);
}

/* What a flow costs: the record plus the index, without slack growing with the packet count. */
static void memory_per_flow(void **state)
{
	(void)state;
	struct steer_flowtab *t = table(0);
	assert_true(steer_flowtab_bytes_per_flow(t) == 0.0);
	enum { N = 1 << 20 };
	for (uint32_t i = 0; i < N; i++) {
		struct steer_flow_key k = key4(0x0a000000 + i, 0xc0000201, (uint16_t)i, 80);
		void *v;
		int d;
		assert_int_equal(steer_flowtab_get(t, &k, &v, &d), 1);
	}
	/* 64-byte records (sizeof(struct rec)), an index of 8-byte slots at most 3/4 full */
	double bpf = steer_flowtab_bytes_per_flow(t);
	assert_true(bpf >= sizeof(struct rec) + 8 * 4.0 / 3);
	assert_true(bpf <= sizeof(struct rec) + 8 * 8.0 / 3 + 1);
	steer_flowtab_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_directions_one_flow),
		cmocka_unit_test(bad_record_size),
		cmocka_unit_test(grows_records_stay),
		cmocka_unit_test(bounded),
		cmocka_unit_test(remove_matches_model),
		cmocka_unit_test(iterate_and_remove),
		cmocka_unit_test(sweep_visits_each_once),
		cmocka_unit_test(memory_per_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
