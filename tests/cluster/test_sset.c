/* SPDX-License-Identifier: BSD-2-Clause */
/* test_sset.c: the shared-set replica: merge rules (latest insertion wins, expired ones change
 * nothing), the same content whatever the order, expiry and sweeping, the walk, the limits, and
 * all of it while the table grows (its old half moved across merge by merge, given back in
 * pieces). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/clu_sset.h>
#include <steer/error.h>

static struct clu_set_rec rec(const char *set, const char *key, int64_t ts, int64_t exp,
                              uint16_t origin)
{
	return (struct clu_set_rec){.set = set,
	                            .setlen = (uint8_t)strlen(set),
	                            .key = (const uint8_t *)key,
	                            .keylen = (uint16_t)strlen(key),
	                            .ts_us = ts,
	                            .expire_us = exp,
	                            .origin = origin};
}

static void test_merge(void **state)
{
	(void)state;
	struct clu_sset *s;
	assert_int_equal(clu_sset_new(100, &s), 0);
	struct clu_set_rec r = rec("known_hosts", "a", 100, 1100, 3), got;
	assert_int_equal(clu_sset_merge(s, &r, 50), 1);
	assert_int_equal(clu_sset_merge(s, &r, 50), 0); /* the same again: nothing new */
	struct clu_set_rec older = rec("known_hosts", "a", 90, 1090, 9);
	assert_int_equal(clu_sset_merge(s, &older, 50), 0);
	struct clu_set_rec tie = rec("known_hosts", "a", 100, 1100, 2);
	assert_int_equal(clu_sset_merge(s, &tie, 50), 0); /* ties go to the larger origin */
	assert_true(clu_sset_find(s, "known_hosts", 11, "a", 1, 50, &got));
	assert_int_equal(got.origin, 3);
	struct clu_set_rec later = rec("known_hosts", "a", 200, 1200, 1);
	assert_int_equal(clu_sset_merge(s, &later, 50), 1);
	assert_true(clu_sset_find(s, "known_hosts", 11, "a", 1, 50, &got));
	assert_int_equal(got.ts_us, 200);
	assert_int_equal(got.expire_us, 1200);
	/* Sets are apart: the same key elsewhere is another entry. */
	assert_false(clu_sset_find(s, "known_services", 14, "a", 1, 50, NULL));
	struct clu_set_rec other = rec("known_services", "a", 100, 1100, 3);
	assert_int_equal(clu_sset_merge(s, &other, 50), 1);
	assert_int_equal(clu_sset_count(s), 2);
	/* Expired on arrival: changes nothing. */
	struct clu_set_rec stale = rec("known_hosts", "b", 10, 40, 1);
	assert_int_equal(clu_sset_merge(s, &stale, 50), 0);
	assert_false(clu_sset_find(s, "known_hosts", 11, "b", 1, 50, NULL));
	/* Expiry: dead at its time, swept later; a new insertion makes it live again. */
	assert_false(clu_sset_find(s, "known_hosts", 11, "a", 1, 1200, NULL));
	assert_true(clu_sset_find(s, "known_hosts", 11, "a", 1, 1199, NULL));
	struct clu_set_rec again = rec("known_hosts", "a", 150, 1300, 0);
	assert_int_equal(clu_sset_merge(s, &again, 1250), 1); /* older ts, but the key was dead */
	assert_true(clu_sset_find(s, "known_hosts", 11, "a", 1, 1250, NULL));
	clu_sset_free(s);
}

/* Replicas that see the same insertions in any order hold the same content. */
static void test_order(void **state)
{
	(void)state;
	enum { N = 3000 };
	static char keys[N][8];
	static struct clu_set_rec v[N];
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i % 700);
		v[i] = rec("s", keys[i], 1000 + (i * 7919) % 500, 100000, (uint16_t)(i % 5));
	}
	struct clu_sset *a, *b;
	assert_int_equal(clu_sset_new(N, &a), 0);
	assert_int_equal(clu_sset_new(N, &b), 0);
	for (int i = 0; i < N; i++) {
		assert_true(clu_sset_merge(a, &v[i], 0) >= 0);
		assert_true(clu_sset_merge(b, &v[N - 1 - i], 0) >= 0);
	}
	assert_int_equal(clu_sset_count(a), 700);
	assert_int_equal(clu_sset_count(b), 700);
	size_t cur = 0, n = 0;
	struct clu_set_rec e, f;
	while (clu_sset_next(a, &cur, 0, &e)) {
		assert_true(clu_sset_find(b, "s", 1, e.key, e.keylen, 0, &f));
		assert_int_equal(e.ts_us, f.ts_us);
		assert_int_equal(e.origin, f.origin);
		n++;
	}
	assert_int_equal(n, 700);
	clu_sset_free(a);
	clu_sset_free(b);
}

static void test_sweep_and_limits(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct clu_sset *s;
	assert_int_equal(clu_sset_new(N, &s), 0);
	static char keys[N][12];
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key-%d", i);
		struct clu_set_rec r = rec("t", keys[i], 1, i % 2 ? 100 : 1000, 0);
		assert_int_equal(clu_sset_merge(s, &r, 0), 1);
	}
	struct clu_set_rec one_more = rec("t", "x", 1, 1000, 0);
	assert_int_equal(clu_sset_merge(s, &one_more, 0), STEER_EFULL);
	/* Sweep in pieces: every odd key goes, every even one stays findable throughout. */
	size_t freed = 0;
	for (int k = 0; k < 100; k++)
		freed += clu_sset_sweep(s, 500, 1000);
	assert_int_equal(freed, N / 2);
	assert_int_equal(clu_sset_count(s), N / 2);
	for (int i = 0; i < N; i++)
		assert_int_equal(clu_sset_find(s, "t", 1, keys[i], strlen(keys[i]), 500, NULL),
		                 i % 2 == 0);
	assert_int_equal(clu_sset_merge(s, &one_more, 500), 1);
	/* Too many set names. */
	char name[8];
	int rc = 0;
	for (int i = 0; i < CLU_SSET_SETS_MAX && rc >= 0; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		struct clu_set_rec r = rec(name, "k", 1, 1000, 0);
		rc = clu_sset_merge(s, &r, 0);
	}
	assert_int_equal(rc, STEER_EFULL);
	clu_sset_free(s);
}

/* Through two doublings, the second of a table large enough to be given back in pieces while
 * it moves: every key stays findable, absent keys stay absent, keys still in the old table
 * take updates, the walk sees each key once, sweeping and freeing work mid-move. */
static void key_of(char *buf, size_t size, int i)
{
	snprintf(buf, size, "g-%d", i);
}

static void expect_walk(const struct clu_sset *s, int n)
{
	static unsigned char seen[300000];
	memset(seen, 0, sizeof(seen));
	size_t cur = 0;
	int count = 0;
	struct clu_set_rec e;
	while (clu_sset_next(s, &cur, 0, &e)) {
		char key[24];
		assert_true(e.keylen < sizeof(key));
		memcpy(key, e.key, e.keylen);
		key[e.keylen] = 0;
		int i = atoi(key + 2);
		assert_true(i >= 0 && i < n);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		count++;
	}
	assert_int_equal(count, n);
}

static void test_growth(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct clu_sset *s;
	assert_int_equal(clu_sset_new(N, &s), 0);
	char k[24], other[24];
	for (int i = 0; i < N; i++) {
		key_of(k, sizeof(k), i);
		struct clu_set_rec r = rec("g", k, 10, 1000, 0);
		assert_int_equal(clu_sset_merge(s, &r, 0), 1);
		if (i % 97 == 0) {
			key_of(other, sizeof(other), i / 2);
			assert_true(clu_sset_find(s, "g", 1, other, strlen(other), 0, NULL));
			key_of(other, sizeof(other), i + 1);
			assert_false(clu_sset_find(s, "g", 1, other, strlen(other), 0, NULL));
		}
		if (i % 4999 == 0 && i > 0) {
			/* An older key (perhaps still in the old table) takes a later insertion once. */
			key_of(other, sizeof(other), (i * 7) % i);
			struct clu_set_rec later = rec("g", other, 20 + i, 1000, 1), got;
			assert_int_equal(clu_sset_merge(s, &later, 0), 1);
			assert_int_equal(clu_sset_merge(s, &later, 0), 0);
			assert_true(clu_sset_find(s, "g", 1, other, strlen(other), 0, &got));
			assert_int_equal(got.ts_us, 20 + i);
		}
		/* Mid-move: the first doubling to 256k slots at 65537 keys, the second to 512k at
		 * 131073, whose old half is given back from 131073 + 32768 on. */
		if (i == 70000 || i == 140000 || i == 170000) {
			expect_walk(s, i + 1);
			for (int j = 0; j <= i; j++) { /* those whose probe run crosses a piece given back */
				key_of(other, sizeof(other), j);
				assert_true(clu_sset_find(s, "g", 1, other, strlen(other), 0, NULL));
			}
		}
	}
	assert_int_equal(clu_sset_count(s), N);
	expect_walk(s, N);
	for (int i = 0; i < N; i += 13) {
		key_of(k, sizeof(k), i);
		assert_true(clu_sset_find(s, "g", 1, k, strlen(k), 0, NULL));
	}
	size_t freed = 0;
	for (int round = 0; round < 100 && clu_sset_count(s); round++)
		freed += clu_sset_sweep(s, 1000, 1u << 16);
	assert_int_equal(freed, N);
	assert_int_equal(clu_sset_count(s), 0);
	clu_sset_free(s);

	/* Freed while its old table is half moved: nothing leaks (ASan), nothing freed twice. */
	assert_int_equal(clu_sset_new(N, &s), 0);
	for (int i = 0; i < 140000; i++) {
		key_of(k, sizeof(k), i);
		struct clu_set_rec r = rec("g", k, 10, 1000, 0);
		assert_int_equal(clu_sset_merge(s, &r, 0), 1);
	}
	clu_sset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_sweep_and_limits),
	    cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
