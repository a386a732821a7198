/* SPDX-License-Identifier: BSD-2-Clause */
/* test_worker.c: the worker's pure logic: steering health (frames classified as the plan steers
 * them, misdirected connections, the verdicts against their thresholds, the expected share),
 * the process split in C, and the known hosts / services set with Zeek's one-day expiry. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/known.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/plan.h>
#include <steer/worker.h>

#include "frame.h"
#include "plan_fixture.h"

static struct steer_plan *plan;

static int setup(void **state)
{
	(void)state;
	return test_plan_load(STEER_SOURCE_DIR "/etc", &plan);
}

static int teardown(void **state)
{
	(void)state;
	steer_plan_free(plan);
	return 0;
}

/* A TCP frame of flow i, either way. */
static void tcp_frame(struct tframe *f, unsigned i, bool reply)
{
	char a[32], b[32];
	snprintf(a, sizeof(a), "10.%u.%u.1", (i >> 8) & 255, i & 255);
	snprintf(b, sizeof(b), "192.0.2.%u", 1 + i % 200);
	f->n = 0;
	if (reply)
		tf_eth_tcp(f, b, 443, a, 40000 + i % 20000, 1000, 2001, 0x12, 0);
	else
		tf_eth_tcp(f, a, 40000 + i % 20000, b, 443, 2000, 0, 0x02, 0);
}

/* The worker the plan gives a frame (what steerlb does). */
static int owner(struct steer_path *p, const struct tframe *f)
{
	struct steer_pkt pkt;
	uint32_t h;
	int st = steer_parse(STEER_LINK_ETHERNET, f->b, f->n, plan->tunnels_inner, &pkt);
	return steer_path_classify(p, st, &pkt, &h);
}

static void health_classifies_as_the_plan(void **state)
{
	(void)state;
	char err[STEER_ERRBUF_SIZE];
	struct steer_path *p = steer_path_new(plan, 0);
	struct steer_health *h;
	assert_int_equal(steer_health_new(plan, 1, 0, 1, NULL, &h, err), 0);
	unsigned mine = 0;
	for (unsigned i = 0; i < 400; i++) {
		struct tframe f;
		tcp_frame(&f, i, false);
		bool m =
		    steer_health_frame(h, STEER_LINK_ETHERNET, f.b, (uint32_t)f.n, (uint32_t)f.n);
		assert_int_equal(m, owner(p, &f) == 1);
		/* both directions alike */
		tcp_frame(&f, i, true);
		assert_int_equal(m, steer_health_frame(h, STEER_LINK_ETHERNET, f.b, (uint32_t)f.n,
		                                       (uint32_t)f.n));
		mine += m;
	}
	/* worker-1..4 of etc/ weigh the same: about a quarter each */
	assert_in_range(mine, 60, 140);
	struct steer_health_report r;
	steer_health_interval(h, 0, 0, 0, &r);
	assert_int_equal(r.c.packets, 800);
	assert_true(isnan(r.share));
	assert_true(fabs(r.expected - 0.25) < 1e-9);
	steer_health_free(h);
	steer_path_free(p);
}

static void health_verdicts(void **state)
{
	(void)state;
	char err[STEER_ERRBUF_SIZE];
	struct steer_health_limits lim = {.max_imbalance = 1.5,
	                                  .max_misdirected = 0,
	                                  .max_split_routing = 0.1,
	                                  .max_unexpected_dest = 2};
	struct steer_health *h;
	/* process 2 of 2 of worker-3: expected an eighth */
	assert_int_equal(steer_health_new(plan, 2, 1, 2, &lim, &h, err), 0);
	assert_true(fabs(steer_health_expected(h) - 0.125) < 1e-9);
	struct steer_health_report r;

	/* a clean interval: nothing raised, the share known and fair */
	steer_health_created(h, 10, true);
	struct steer_conn_rec rec = {.proto = STEER_CONN_TCP};
	for (int i = 0; i < 20; i++)
		steer_health_finished(h, &rec);
	steer_health_unexpected(h, 2);
	steer_health_interval(h, 7, 1300, 10000, &r);
	assert_int_equal(r.verdicts, 0);
	assert_true(fabs(r.share - 0.13) < 1e-9);
	assert_true(fabs(r.ratio - 1.04) < 1e-9);
	assert_int_equal(r.c.acks_unseen, 7);
	assert_int_equal(r.c.tcp_done, 20);

	/* one misdirected connection is one too many; 3 split of 20 is above 10 %; three strays
	 * are above two; twice the expected share is an imbalance */
	steer_health_created(h, 5, true);
	steer_health_created(h, 1, false);
	rec.flags = STEER_CONN_F_SPLIT_ROUTING | STEER_CONN_F_ONE_SIDED;
	for (int i = 0; i < 3; i++)
		steer_health_finished(h, &rec);
	rec.flags = 0;
	for (int i = 0; i < 17; i++)
		steer_health_finished(h, &rec);
	steer_health_unexpected(h, 3);
	steer_health_interval(h, 10, 2500, 10000, &r);
	assert_int_equal(r.verdicts, STEER_HEALTH_MISDIRECTED | STEER_HEALTH_SPLIT_ROUTING |
	                                 STEER_HEALTH_UNEXPECTED_DEST | STEER_HEALTH_IMBALANCE);
	assert_int_equal(r.c.misdirected, 1);
	assert_int_equal(r.c.conns, 6);
	assert_int_equal(r.c.one_sided, 3);
	assert_int_equal(r.c.acks_unseen, 3); /* the interval's, not the total */

	/* the counts start again; a share from too few packets says nothing */
	steer_health_interval(h, 10, 900, 950, &r);
	assert_int_equal(r.verdicts, 0);
	assert_int_equal(r.c.conns, 0);
	steer_health_free(h);

	/* out of range */
	assert_int_equal(steer_health_new(plan, 9, 0, 1, NULL, &h, err), STEER_EINVAL);
	assert_int_equal(steer_health_new(plan, 0, 2, 2, NULL, &h, err), STEER_EINVAL);
	/* no plan worker: everything is this node's */
	assert_int_equal(steer_health_new(NULL, -1, 0, 1, NULL, &h, err), 0);
	struct tframe f;
	tcp_frame(&f, 1, false);
	assert_true(steer_health_frame(h, STEER_LINK_ETHERNET, f.b, (uint32_t)f.n, (uint32_t)f.n));
	assert_true(fabs(steer_health_expected(h) - 1.0) < 1e-9);
	steer_health_free(h);
}

static void proc_of_both_ways(void **state)
{
	(void)state;
	unsigned count[5] = {0};
	for (unsigned i = 0; i < 2000; i++) {
		struct tframe f;
		tcp_frame(&f, i * 7919, false);
		unsigned k = steer_proc_of(STEER_LINK_ETHERNET, f.b, (uint32_t)f.n, 5);
		assert_true(k < 5);
		tcp_frame(&f, i * 7919, true);
		assert_int_equal(k, steer_proc_of(STEER_LINK_ETHERNET, f.b, (uint32_t)f.n, 5));
		count[k]++;
	}
	for (int k = 0; k < 5; k++)
		assert_in_range(count[k], 300, 500);
	/* one process, another link type, a frame cut short: process 0 */
	struct tframe f;
	tcp_frame(&f, 3, false);
	assert_int_equal(steer_proc_of(STEER_LINK_ETHERNET, f.b, (uint32_t)f.n, 1), 0);
	assert_int_equal(steer_proc_of(STEER_LINK_RAW, f.b + 14, (uint32_t)f.n - 14, 4), 0);
	assert_int_equal(steer_proc_of(STEER_LINK_ETHERNET, f.b, 20, 4), 0);
	char buf[1024];
	assert_int_equal(steer_proc_filter(0, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(steer_proc_filter(3, 3, buf, sizeof(buf)), STEER_EINVAL);
	assert_int_equal(steer_proc_filter(0, 4, buf, 100), STEER_ERANGE);
	assert_string_equal(buf, "");
}

static void known_set_expires(void **state)
{
	(void)state;
	struct steer_known_set *s;
	const int64_t day = STEER_KNOWN_EXPIRE_US;
	assert_int_equal(steer_known_set_new(day, 0, &s), 0);
	struct steer_known_key h = {.kind = STEER_KNOWN_HOST};
	assert_int_equal(steer_addr_parse("10.0.0.5", &h.host), 0);
	struct steer_known_key v = h;
	v.kind = STEER_KNOWN_SERVICE;
	v.port = 443;
	v.proto = STEER_CONN_TCP;
	int64_t t = 1700000000ll * 1000000;
	assert_true(steer_known_set_is_new(s, &h, t));
	assert_false(steer_known_set_is_new(s, &h, t + 1000));
	assert_true(steer_known_set_is_new(s, &v, t + 1000)); /* another kind, another key */
	v.port = 80;
	assert_true(steer_known_set_is_new(s, &v, t + 1000));
	assert_false(steer_known_set_is_new(s, &h, t + day - 1));
	assert_true(steer_known_set_is_new(s, &h, t + day)); /* a day later: logged again */
	assert_false(steer_known_set_is_new(s, &h, t + day + 1));
	/* many hosts: the table grows, every one new once */
	for (unsigned i = 0; i < 5000; i++) {
		struct steer_known_key k = {.kind = STEER_KNOWN_HOST};
		k.host.family = 6;
		k.host.a[0] = 0x20;
		k.host.a[14] = (uint8_t)(i >> 8);
		k.host.a[15] = (uint8_t)i;
		assert_true(steer_known_set_is_new(s, &k, t));
		assert_false(steer_known_set_is_new(s, &k, t + 5));
	}
	assert_int_equal(steer_known_set_count(s), 5003);
	steer_known_set_free(s);

	/* full: expired keys make room; without any, a key is new every time (never missed) */
	assert_int_equal(steer_known_set_new(day, 2, &s), 0);
	struct steer_known_key a = h, b = h, c = h;
	b.host.a[3] = 6;
	c.host.a[3] = 7;
	assert_true(steer_known_set_is_new(s, &a, t));
	assert_true(steer_known_set_is_new(s, &b, t));
	assert_true(steer_known_set_is_new(s, &c, t));
	assert_true(steer_known_set_is_new(s, &c, t + 1));
	assert_false(steer_known_set_is_new(s, &a, t + 2));
	assert_true(steer_known_set_is_new(s, &c, t + day)); /* a and b expired: room */
	assert_false(steer_known_set_is_new(s, &c, t + day + 1));
	assert_int_equal(steer_known_set_count(s), 1);
	steer_known_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(health_classifies_as_the_plan),
	    cmocka_unit_test(health_verdicts),
	    cmocka_unit_test(proc_of_both_ways),
	    cmocka_unit_test(known_set_expires),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
