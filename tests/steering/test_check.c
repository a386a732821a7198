/* SPDX-License-Identifier: BSD-2-Clause */
/* test_check.c: the steering analysis on the flow table (split, asymmetric, unknown destination,
 * misdirected, one-sided, imbalance) and its per-flow worker list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/check.h>
#include <steer/config.h>
#include <steer/error.h>
#include <steer/plan.h>

static void workers_per_flow(void **state)
{
	(void)state;
	struct steer_flow f;
	memset(&f, 0, sizeof(f));
	steer_flow_note_worker(&f, 3, STEER_DIR_FWD);
	steer_flow_note_worker(&f, 3, STEER_DIR_REV);
	steer_flow_note_worker(&f, 3, STEER_DIR_REV);
	assert_int_equal(f.nseen, 1);
	assert_int_equal(f.seen[0].dirs, 3);
	assert_int_equal(f.seen[0].packets, 3);
	for (unsigned w = 10; w < 14; w++)
		steer_flow_note_worker(&f, w, STEER_DIR_FWD);
	assert_int_equal(f.nseen, STEER_FLOW_MAX_SEEN);
	assert_int_equal(f.more, 1);
	assert_int_equal(steer_flow_nworkers(&f), STEER_FLOW_MAX_SEEN + 1);
}

static struct steer_plan *plan;

static int setup(void **state)
{
	(void)state;
	struct steer_config *cfg;
	struct steer_diags d = {0};
	char errbuf[STEER_ERRBUF_SIZE];
	if (steer_config_load(STEER_SOURCE_DIR "/etc", &cfg, &d) != 0)
		return -1;
	steer_diags_free(&d);
	int rc = steer_plan_build(cfg, &plan, errbuf);
	steer_config_free(cfg);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	steer_plan_free(plan);
	return 0;
}

/* Ethernet / IPv4 / TCP, 54 bytes, to dst MAC mac (NULL: 00:16:3e:00:00:02). */
static size_t frame(uint8_t *b, const uint8_t *mac, uint32_t src, uint32_t dst, uint16_t sp,
                    uint16_t dp, uint8_t flags)
{
	static const uint8_t def[6] = {0x00, 0x16, 0x3e, 0, 0, 2};
	memset(b, 0, 54);
	memcpy(b, mac ? mac : def, 6);
	b[6] = 0x00, b[7] = 0x16, b[8] = 0x3e, b[11] = 1;
	b[12] = 0x08;
	b[14] = 0x45;
	b[17] = 40;
	b[22] = 64;
	b[23] = 6;
	for (int i = 0; i < 4; i++) {
		b[26 + i] = (uint8_t)(src >> (24 - 8 * i));
		b[30 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	b[34] = (uint8_t)(sp >> 8), b[35] = (uint8_t)sp;
	b[36] = (uint8_t)(dp >> 8), b[37] = (uint8_t)dp;
	b[46] = 0x50;
	b[47] = flags;
	return 54;
}

static const struct steer_check_result *run(struct steer_check *c)
{
	const struct steer_check_result *r = steer_check_finish(c);
	assert_non_null(r);
	return r;
}

/* A flow's predicted worker, from its first frame. */
static int predicted(const uint8_t *b, size_t n)
{
	struct steer_check *c;
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check_opts o = {.predict = true};
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	assert_int_equal(steer_check_feed(c, 0, 1, b, (uint32_t)n, (uint32_t)n, 0), 0);
	const struct steer_check_result *r = run(c);
	int w = r->count[STEER_FIND_MISDIRECTED] ? r->findings[0].worker : 0;
	steer_check_free(c);
	return w;
}

static void check_findings(void **state)
{
	(void)state;
	uint8_t b[64], r2[64];
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check *c;
	struct steer_check_opts o = {.predict = true};
	size_t n = frame(b, NULL, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
	frame(r2, NULL, 0xc0000207, 0x0a000001, 443, 51000, 0x10);
	int w = predicted(b, n);

	/* right: both directions at the predicted worker */
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(steer_check_feed(c, w, 1, b, 54, 54, 1000u * i), 0);
		assert_int_equal(steer_check_feed(c, w, 1, r2, 54, 54, 1000u * i + 1), 0);
	}
	const struct steer_check_result *r = run(c);
	assert_true(r->pass);
	assert_int_equal(r->flows, 1);
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(r->workers[w].packets, 8);
	assert_ptr_equal(run(c), r); /* finish twice: the same result */
	steer_check_free(c);

	/* asymmetric: the reply at another worker */
	int other = (w + 1) % (int)plan->nworkers;
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	steer_check_feed(c, w, 1, b, 54, 54, 0);
	steer_check_feed(c, other, 1, r2, 54, 54, 1);
	r = run(c);
	assert_false(r->pass);
	assert_int_equal(r->count[STEER_FIND_ASYMMETRIC], 1);
	assert_int_equal(r->findings[0].kind, STEER_FIND_ASYMMETRIC);
	assert_int_equal(r->findings[0].flow->nseen, 2);
	steer_check_free(c);

	/* split and duplicated: the same packets at two workers (no predictions) */
	struct steer_check_opts np = {0};
	assert_int_equal(steer_check_new(plan, &np, &c, errbuf), 0);
	for (int k = 0; k < 2; k++) {
		steer_check_feed(c, k, 1, b, 54, 54, 0);
		steer_check_feed(c, k, 1, r2, 54, 54, 1);
	}
	r = run(c);
	assert_int_equal(r->count[STEER_FIND_SPLIT], 1);
	assert_true(r->findings[0].duplicated);
	assert_int_equal(r->duplicated, 1);
	steer_check_free(c);

	/* misdirected: both ways at one worker, not the predicted one */
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	steer_check_feed(c, other, 1, b, 54, 54, 0);
	steer_check_feed(c, other, 1, r2, 54, 54, 1);
	r = run(c);
	assert_int_equal(r->count[STEER_FIND_MISDIRECTED], 1);
	assert_int_equal(r->findings[0].worker, w);
	steer_check_free(c);

	/* one-sided TCP: ACKs one way only */
	assert_int_equal(steer_check_new(plan, &np, &c, errbuf), 0);
	for (int i = 0; i < 3; i++)
		steer_check_feed(c, 0, 1, b, 54, 54, (uint64_t)i);
	r = run(c);
	assert_int_equal(r->count[STEER_FIND_ONE_SIDED], 1);
	steer_check_free(c);

	/* by destination: a worker's MAC counts there, an unknown MAC is a finding */
	static const uint8_t bogus[6] = {0x02, 0x99, 0, 0, 0, 1};
	assert_int_equal(steer_check_new(plan, &np, &c, errbuf), 0);
	frame(b, plan->workers[2].mac.b, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
	assert_int_equal(steer_check_worker_of(c, 1, b, 54), 2);
	steer_check_feed(c, STEER_CHECK_BY_DEST, 1, b, 54, 54, 0);
	frame(b, bogus, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
	steer_check_feed(c, STEER_CHECK_BY_DEST, 1, b, 54, 54, 0);
	r = run(c);
	assert_int_equal(r->workers[2].packets, 1);
	assert_int_equal(r->unknown_packets, 1);
	assert_int_equal(r->count[STEER_FIND_UNKNOWN_DEST], 1);
	assert_memory_equal(r->findings[0].mac.b, bogus, 6);
	assert_false(r->pass);
	steer_check_free(c);

	/* bad arguments */
	assert_int_equal(steer_check_new(plan, NULL, &c, errbuf), 0);
	assert_int_equal(steer_check_feed(c, 99, 1, b, 54, 54, 0), STEER_EINVAL);
	assert_int_equal(steer_check_feed(c, 0, 147, b, 54, 54, 0), STEER_ENOTSUP);
	r = run(c);
	assert_int_equal(r->packets, 0);
	assert_true(r->pass);
	steer_check_free(c);
}

/* Shares and imbalance: many flows, all at the predicted worker, except a worker given
 * everything. */
static void check_imbalance(void **state)
{
	(void)state;
	uint8_t b[64];
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check *c;
	struct steer_check_opts o = {.max_imbalance = 1.5, .min_flows = 10};
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	for (uint32_t i = 0; i < 400; i++) {
		frame(b, NULL, 0x0a000000 + i, 0xc0000207, 1000, 80, 0x10);
		steer_check_feed(c, i % 8 < 5 ? 0 : (int)(i % 4), 1, b, 54, 54, i);
	}
	const struct steer_check_result *r = run(c);
	assert_true(r->imbalance_judged);
	assert_true(r->imbalance > 1.5);
	assert_int_equal(r->imbalance_worker, 0);
	assert_int_equal(r->count[STEER_FIND_IMBALANCE], 1);
	assert_false(r->pass);
	assert_int_equal(r->nheaviest, 10);
	steer_check_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(workers_per_flow),
		cmocka_unit_test(check_findings),
		cmocka_unit_test(check_imbalance),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
