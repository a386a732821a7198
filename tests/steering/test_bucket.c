/* SPDX-License-Identifier: BSD-2-Clause */
/* test_bucket.c: bucket tables: exact quotas, determinism, minimal movement on add and fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/bucket.h>
#include <steer/error.h>

#define B 4096u

static const char *names[] = {"worker-1", "worker-2", "worker-3", "worker-4", "worker-5",
                              "worker-6", "worker-7", "worker-8"};

static void make(struct steer_bucket_worker *w, size_t n, const uint32_t *weights)
{
	for (size_t i = 0; i < n; i++)
		w[i] = (struct steer_bucket_worker){names[i], weights ? weights[i] : 1};
}

static void counts(const uint16_t *t, uint32_t nb, size_t n, uint32_t *c)
{
	memset(c, 0, n * sizeof(*c));
	for (uint32_t b = 0; b < nb; b++) {
		assert_true(t[b] < n);
		c[t[b]]++;
	}
}

static void equal_weights_exact(void **state)
{
	(void)state;
	static uint16_t t[B];
	struct steer_bucket_worker w[4];
	uint32_t c[4];
	make(w, 4, NULL);
	assert_int_equal(steer_buckets_build(t, B, w, 4), 0);
	counts(t, B, 4, c);
	for (int i = 0; i < 4; i++)
		assert_int_equal(c[i], B / 4);
}

static void weights_honoured(void **state)
{
	(void)state;
	static uint16_t t[B];
	const uint32_t wt[] = {1, 2, 3, 4, 7, 1};
	struct steer_bucket_worker w[6];
	uint32_t c[6], sum = 0;
	make(w, 6, wt);
	for (int i = 0; i < 6; i++)
		sum += wt[i];
	assert_int_equal(steer_buckets_build(t, B, w, 6), 0);
	counts(t, B, 6, c);
	for (int i = 0; i < 6; i++) {
		double ideal = (double)B * wt[i] / sum;
		/* Within 1% of the ideal share, and in fact within one bucket. */
		assert_true(c[i] >= ideal * 0.99 && c[i] <= ideal * 1.01);
		assert_true(c[i] >= (uint32_t)ideal && c[i] <= (uint32_t)ideal + 1);
	}
}

static void deterministic_and_order_free(void **state)
{
	(void)state;
	static uint16_t t1[B], t2[B];
	struct steer_bucket_worker w[4], r[4];
	make(w, 4, NULL);
	for (int i = 0; i < 4; i++)
		r[i] = w[3 - i];
	assert_int_equal(steer_buckets_build(t1, B, w, 4), 0);
	assert_int_equal(steer_buckets_build(t2, B, w, 4), 0);
	assert_memory_equal(t1, t2, sizeof(t1));
	/* Listing the workers in another order gives every bucket to the same named worker. */
	assert_int_equal(steer_buckets_build(t2, B, r, 4), 0);
	for (uint32_t b = 0; b < B; b++)
		assert_string_equal(w[t1[b]].name, r[t2[b]].name);
}

static void fail_moves_only_failed(void **state)
{
	(void)state;
	static uint16_t before[B], after[B];
	struct steer_bucket_worker w[5];
	uint32_t c[5];
	bool failed[5] = {false, false, true, false, false};
	make(w, 5, NULL);
	assert_int_equal(steer_buckets_build(before, B, w, 5), 0);
	memcpy(after, before, sizeof(after));
	assert_int_equal(steer_buckets_fail(after, B, w, 5, failed), 0);
	for (uint32_t b = 0; b < B; b++) {
		if (before[b] == 2)
			assert_int_not_equal(after[b], 2);
		else
			assert_int_equal(after[b], before[b]);
	}
	counts(after, B, 5, c);
	assert_int_equal(c[2], 0);
	for (int i = 0; i < 5; i++)
		if (i != 2)
			assert_true(c[i] == B / 4);

	/* A second failure on top of the first again moves only that worker's buckets. */
	memcpy(before, after, sizeof(after));
	failed[0] = true;
	assert_int_equal(steer_buckets_fail(after, B, w, 5, failed), 0);
	for (uint32_t b = 0; b < B; b++)
		if (before[b] != 0)
			assert_int_equal(after[b], before[b]);
	counts(after, B, 5, c);
	assert_int_equal(c[0], 0);
	for (int i = 1; i < 5; i++)
		if (i != 2)
			assert_true(c[i] >= B / 3 && c[i] <= B / 3 + 1);
}

static void add_moves_about_one_share(void **state)
{
	(void)state;
	static uint16_t t4[B], t5[B];
	struct steer_bucket_worker w[8];
	make(w, 8, NULL);
	for (size_t n = 2; n < 8; n++) {
		assert_int_equal(steer_buckets_build(t4, B, w, n), 0);
		assert_int_equal(steer_buckets_build(t5, B, w, n + 1), 0);
		uint32_t moved = 0, to_new = 0;
		for (uint32_t b = 0; b < B; b++) {
			moved += t4[b] != t5[b];
			to_new += t5[b] == n;
		}
		double share = (double)B / (double)(n + 1);
		/* The new worker gets its share; little else is reshuffled. */
		assert_true(to_new >= (uint32_t)share);
		assert_true(moved <= share * 1.10);
		printf("# %zu -> %zu workers: moved %u buckets (B/(N+1) = %.0f)\n", n, n + 1, moved, share);
	}
}

static void rejects_bad_input(void **state)
{
	(void)state;
	static uint16_t t[B];
	struct steer_bucket_worker w[4];
	bool all[4] = {true, true, true, true};
	make(w, 4, NULL);
	assert_int_equal(steer_buckets_build(t, 1000, w, 4), STEER_EINVAL);
	assert_int_equal(steer_buckets_build(t, 2, w, 4), STEER_EINVAL);
	assert_int_equal(steer_buckets_build(t, B, w, 0), STEER_EINVAL);
	w[1].weight = 0;
	assert_int_equal(steer_buckets_build(t, B, w, 4), STEER_EINVAL);
	w[1].weight = 1;
	assert_int_equal(steer_buckets_build(t, B, w, 4), 0);
	assert_int_equal(steer_buckets_fail(t, B, w, 4, all), STEER_EINVAL);
}

static void score_is_stable(void **state)
{
	(void)state;
	struct steer_bucket_worker a = {"worker-1", 1}, b = {"worker-1", 3};
	double s1 = steer_bucket_score(&a, 17), s3 = steer_bucket_score(&b, 17);
	assert_true(s1 > 0);
	assert_true(s3 > s1 * 2.999 && s3 < s1 * 3.001); /* weight scales the score linearly */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_weights_exact),
		cmocka_unit_test(weights_honoured),
		cmocka_unit_test(deterministic_and_order_free),
		cmocka_unit_test(fail_moves_only_failed),
		cmocka_unit_test(add_moves_about_one_share),
		cmocka_unit_test(rejects_bad_input),
		cmocka_unit_test(score_is_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
