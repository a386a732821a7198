/* SPDX-License-Identifier: BSD-2-Clause */
/* test_sset.c: the shared-set replica: merge rules (latest insertion wins, expired ones change
 * nothing), the same content whatever the order, expiry and sweeping, the walk, the limits. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_sweep_and_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
