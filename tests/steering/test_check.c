/* SPDX-License-Identifier: BSD-2-Clause */
/* test_check.c: the steering analysis on the flow table (split, asymmetric, unknown destination,
 * misdirected, one-sided, imbalance), its per-flow worker list, the worker of a frame, and the
 * long-running use: polled while fed, idle flows expired without losing what they showed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/check.h>
#include <steer/config.h>
#include <steer/error.h>
#include <steer/plan.h>

#include "plan_fixture.h"

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
	return test_plan_load(STEER_SOURCE_DIR "/etc", &plan);
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
	assert_int_equal(steer_check_worker_of(plan, 1, b, 54), 2);
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
	/* no packet is no proof (issue 13 item 15) */
	assert_true(r->empty);
	assert_false(r->pass);
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

/* The worker of a frame, by the plan alone (no check, no cache), for MAC and VLAN delivery;
 * BY_DEST feeds count where it says. */
static void worker_of_frame(void **state)
{
	(void)state;
	uint8_t b[64];
	static const uint8_t bogus[6] = {0x02, 0x99, 0, 0, 0, 1};
	const struct steer_plan *cp = plan;
	for (size_t w = 0; w < cp->nworkers; w++) {
		frame(b, cp->workers[w].mac.b, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
		assert_int_equal(steer_check_worker_of(cp, 1, b, 54), (int)w);
	}
	frame(b, bogus, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
	assert_int_equal(steer_check_worker_of(cp, 1, b, 54), STEER_CHECK_UNKNOWN);
	assert_int_equal(steer_check_worker_of(cp, 147, b, 54), STEER_CHECK_UNKNOWN);
	assert_int_equal(steer_check_worker_of(cp, 1, b, 5), STEER_CHECK_UNKNOWN); /* cut */
	/* raw IP (LINKTYPE_RAW 101) has no destination MAC */
	assert_int_equal(steer_check_worker_of(cp, 101, b + 14, 40), STEER_CHECK_UNKNOWN);

	/* Interleaved workers through BY_DEST land where worker_of says, every time. */
	struct steer_check *c;
	char errbuf[STEER_ERRBUF_SIZE];
	assert_int_equal(steer_check_new(plan, NULL, &c, errbuf), 0);
	for (unsigned i = 0; i < 40; i++) {
		size_t w = (i * 7) % plan->nworkers;
		frame(b, plan->workers[w].mac.b, 0x0a000100 + i, 0xc0000207, 51000, 443, 0x10);
		assert_int_equal(steer_check_feed(c, STEER_CHECK_BY_DEST, 1, b, 54, 54, i), 0);
	}
	const struct steer_check_result *r = run(c);
	for (size_t w = 0; w < plan->nworkers; w++) {
		uint64_t want = 0;
		for (unsigned i = 0; i < 40; i++)
			want += (i * 7) % plan->nworkers == w;
		assert_int_equal(r->workers[w].packets, want);
	}
	steer_check_free(c);

	/* VLAN delivery: the outermost tag names the worker. */
	struct steer_config *cfg;
	struct steer_diags d = {0};
	struct steer_plan *vp;
	assert_int_equal(steer_config_load(STEER_SOURCE_DIR "/etc", &cfg, &d), 0);
	steer_diags_free(&d);
	cfg->fe.delivery = STEER_DELIVER_VLAN;
	assert_int_equal(steer_plan_build(cfg, &vp, errbuf), 0);
	steer_config_free(cfg);
	uint8_t t[68];
	frame(b, NULL, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
	memcpy(t, b, 12);
	memcpy(t + 16, b + 12, 42);
	t[12] = 0x81, t[13] = 0x00;
	for (size_t w = 0; w < vp->nworkers; w++) {
		t[14] = (uint8_t)(vp->workers[w].vlan >> 8), t[15] = (uint8_t)vp->workers[w].vlan;
		assert_int_equal(steer_check_worker_of(vp, 1, t, 58), (int)w);
	}
	t[14] = 0x0f, t[15] = 0xfe; /* 4094: nobody's */
	assert_int_equal(steer_check_worker_of(vp, 1, t, 58), STEER_CHECK_UNKNOWN);
	assert_int_equal(steer_check_worker_of(vp, 1, b, 54), STEER_CHECK_UNKNOWN); /* untagged */
	steer_plan_free(vp);
}

/* ---- the long-running use ---- */

enum { MIX_FLOWS = 60 };

/* Feeds packet j of the mixed traffic (MIX_FLOWS flows of six kinds, a second apart, each
 * 3..6 packets a direction 100 ms apart, distinct sizes); returns false past the end.
 * pred[i] is flow i's predicted worker. */
static bool mix_packet(struct steer_check *c, const int *pred, unsigned j)
{
	unsigned i = j / 12, k = j % 12, n = 3 + i % 4, nw = (unsigned)plan->nworkers;
	if (i >= MIX_FLOWS)
		return false;
	if (k >= 2 * n)
		return true;
	uint8_t b[64], mac[6] = {0x02, 0x99, 0, 0, 0, (uint8_t)i};
	bool reply = k & 1;
	uint32_t cl = 0x0a000000 + i, sv = 0xc0000207;
	uint16_t cp = (uint16_t)(40000 + i);
	frame(b, mac, reply ? sv : cl, reply ? cl : sv, reply ? 443 : cp, reply ? cp : 443, 0x10);
	int w = pred[i];
	switch (i % 6) {
	case 1: /* asymmetric */
		w = reply ? (w + 1) % (int)nw : w;
		break;
	case 2: /* split: the client's packets alternate between two workers */
		w = reply ? w : (w + (int)(k / 2 % 2)) % (int)nw;
		break;
	case 3: /* misdirected */
		w = (w + 2) % (int)nw;
		break;
	case 4: /* one-sided: the replies are lost */
		if (reply)
			return true;
		break;
	case 5: /* the client's packets to an unknown MAC */
		w = reply ? w : STEER_CHECK_BY_DEST;
		break;
	}
	uint64_t ts = (uint64_t)i * 1000000000u + (uint64_t)(k / 2) * 100000000u + reply;
	uint32_t len = 54 + i;
	assert_int_equal(steer_check_feed(c, w, 1, b, 54, len, ts), 0);
	return true;
}

static int *mix_predictions(void)
{
	int *pred = calloc(MIX_FLOWS, sizeof(*pred));
	assert_non_null(pred);
	uint8_t b[64];
	for (unsigned i = 0; i < MIX_FLOWS; i++) {
		size_t n = frame(b, NULL, 0x0a000000 + i, 0xc0000207, (uint16_t)(40000 + i), 443, 0);
		pred[i] = predicted(b, n);
	}
	return pred;
}

/* The same findings, totals and lists (flows compared by content: copies or records). */
static void same_result(const struct steer_check_result *a, const struct steer_check_result *b)
{
	assert_int_equal(a->packets, b->packets);
	assert_int_equal(a->bytes, b->bytes);
	assert_int_equal(a->flows, b->flows);
	assert_int_equal(a->unknown_packets, b->unknown_packets);
	assert_memory_equal(a->count, b->count, sizeof(a->count));
	assert_int_equal(a->duplicated, b->duplicated);
	assert_int_equal(a->pass, b->pass);
	assert_true(a->imbalance == b->imbalance);
	for (size_t w = 0; w < a->nworkers; w++) {
		assert_int_equal(a->workers[w].packets, b->workers[w].packets);
		assert_int_equal(a->workers[w].flows, b->workers[w].flows);
	}
	assert_int_equal(a->nfindings, b->nfindings);
	for (size_t i = 0; i < a->nfindings; i++) {
		const struct steer_finding *x = &a->findings[i], *y = &b->findings[i];
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->packets, y->packets);
		assert_int_equal(x->bytes, y->bytes);
		assert_int_equal(x->worker, y->worker);
		assert_int_equal(x->flow != NULL, y->flow != NULL);
		if (x->flow)
			assert_memory_equal(x->flow, y->flow, sizeof(*x->flow));
	}
	assert_int_equal(a->nheaviest, b->nheaviest);
	for (size_t i = 0; i < a->nheaviest; i++)
		assert_memory_equal(a->heaviest[i], b->heaviest[i], sizeof(*a->heaviest[i]));
}

/* Flows expired along the way (and the rest at the end) leave the same result as a check that
 * kept them all: counts, the worst of each kind, heaviest flows, workers' flows. */
static void expiry_forgets_nothing(void **state)
{
	(void)state;
	int *pred = mix_predictions();
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check *all, *exp;
	struct steer_check_opts o = {.predict = true, .top = 3};
	assert_int_equal(steer_check_new(plan, &o, &all, errbuf), 0);
	o.idle_s = 5;
	assert_int_equal(steer_check_new(plan, &o, &exp, errbuf), 0);
	size_t most = 0;
	for (unsigned j = 0; mix_packet(all, pred, j); j++) {
		mix_packet(exp, pred, j);
		size_t held = steer_flowtab_count(steer_check_flows(exp));
		most = held > most ? held : most;
	}
	assert_true(most <= 7); /* a flow a second, gone within 5 + 1 s idle + a sweep */
	assert_int_equal(steer_check_expire(exp, 59ull * 1000000000u), 0); /* not idle yet */
	size_t left = steer_flowtab_count(steer_check_flows(exp));
	assert_int_equal(steer_check_expire(exp, 100ull * 1000000000u), left);
	assert_int_equal(steer_flowtab_count(steer_check_flows(exp)), 0);

	const struct steer_check_result *a = run(all), *e = run(exp);
	assert_int_equal(e->flows_expired, MIX_FLOWS);
	assert_int_equal(a->flows_expired, 0);
	for (int k = STEER_FIND_SPLIT; k <= STEER_FIND_ONE_SIDED; k++)
		assert_int_equal(a->count[k], MIX_FLOWS / 6);
	assert_int_equal(a->nfindings, 3 * 5 + (a->count[STEER_FIND_IMBALANCE] < 3
	                                             ? a->count[STEER_FIND_IMBALANCE] : 3));
	same_result(a, e);
	/* the unknown destination's first flow, from its copy */
	assert_non_null(e->findings[6].flow);
	assert_int_equal(e->findings[6].kind, STEER_FIND_UNKNOWN_DEST);
	steer_check_free(all);
	steer_check_free(exp);
	free(pred);
}

/* Polls while feeding: each is the analysis so far (cumulative, polling twice changes
 * nothing), and the last is what finishing once gives. */
static void poll_while_feeding(void **state)
{
	(void)state;
	int *pred = mix_predictions();
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check *once, *c;
	struct steer_check_opts o = {.predict = true, .top = 4};
	assert_int_equal(steer_check_new(plan, &o, &once, errbuf), 0);
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	uint64_t flows = 0, split = 0, packets = 0;
	for (unsigned j = 0; mix_packet(once, pred, j); j++) {
		mix_packet(c, pred, j);
		if (j % 7)
			continue;
		const struct steer_check_result *r = steer_check_poll(c);
		assert_non_null(r);
		assert_true(r->flows >= flows && r->count[STEER_FIND_SPLIT] >= split);
		assert_true(r->packets >= packets);
		flows = r->flows;
		split = r->count[STEER_FIND_SPLIT];
		packets = r->packets;
		assert_int_equal(r->flows, j / 12 + 1);
		uint64_t wflows = r->workers[0].flows;
		r = steer_check_poll(c);
		assert_int_equal(r->flows, flows);
		assert_int_equal(r->workers[0].flows, wflows);
	}
	const struct steer_check_result *r = steer_check_poll(c);
	same_result(run(once), r);
	const struct steer_check_result *f = run(c);
	same_result(run(once), f);
	/* finished: the same result from poll, nothing more fed or expired */
	assert_ptr_equal(steer_check_poll(c), f);
	uint8_t b[64];
	frame(b, NULL, 0x0a000001, 0xc0000207, 51000, 443, 0x10);
	assert_int_equal(steer_check_feed(c, 0, 1, b, 54, 54, 0), STEER_EINVAL);
	assert_int_equal(steer_check_expire(c, UINT64_MAX), 0);
	steer_check_free(once);
	steer_check_free(c);
	free(pred);
}

/* A full table makes room by expiring idle flows instead of leaving new ones untracked; an
 * expired flow that comes back counts again; expire() is driven by the caller's clock. */
static void expiry_makes_room(void **state)
{
	(void)state;
	uint8_t b[64];
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check *c;
	const uint64_t s = 1000000000u;
	for (uint32_t idle = 0; idle <= 10; idle += 10) {
		struct steer_check_opts o = {.max_flows = 2, .idle_s = idle};
		assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
		for (uint32_t i = 0; i < 3; i++) { /* two flows at 0 s, the third at 20 s */
			frame(b, NULL, 0x0a000001 + i, 0xc0000207, 1000, 80, 0x10);
			assert_int_equal(steer_check_feed(c, 0, 1, b, 54, 54, i / 2 * 20 * s), 0);
		}
		const struct steer_check_result *r = run(c);
		assert_int_equal(r->flows_untracked, idle ? 0 : 1);
		assert_int_equal(r->flows, idle ? 3 : 2);
		assert_int_equal(r->flows_expired, idle ? 2 : 0);
		assert_int_equal(r->workers[0].flows, r->flows);
		steer_check_free(c);
	}

	struct steer_check_opts o = {.idle_s = 5};
	assert_int_equal(steer_check_new(plan, &o, &c, errbuf), 0);
	frame(b, NULL, 0x0a000001, 0xc0000207, 1000, 80, 0x10);
	assert_int_equal(steer_check_feed(c, 1, 1, b, 54, 54, 100 * s), 0);
	assert_int_equal(steer_check_expire(c, 105 * s + s / 2), 0); /* 5 s idle: not longer */
	assert_int_equal(steer_check_expire(c, 50 * s), 0); /* the clock does not go back */
	assert_int_equal(steer_check_expire(c, 106 * s), 1);
	assert_int_equal(steer_flowtab_count(steer_check_flows(c)), 0);
	const struct steer_check_result *r = steer_check_poll(c);
	assert_int_equal(r->flows, 1);
	assert_int_equal(r->flows_expired, 1);
	assert_int_equal(r->nheaviest, 1);
	assert_int_equal(r->heaviest[0]->seen[0].worker, 1);
	assert_int_equal(r->workers[1].flows, 1);
	/* it comes back: a new flow */
	assert_int_equal(steer_check_feed(c, 1, 1, b, 54, 54, 107 * s), 0);
	r = run(c);
	assert_int_equal(r->flows, 2);
	assert_int_equal(r->flows_expired, 1);
	assert_int_equal(r->workers[1].flows, 2);
	steer_check_free(c);

	/* without idle_s nothing expires */
	assert_int_equal(steer_check_new(plan, NULL, &c, errbuf), 0);
	assert_int_equal(steer_check_feed(c, 1, 1, b, 54, 54, 0), 0);
	assert_int_equal(steer_check_expire(c, UINT64_MAX), 0);
	steer_check_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(workers_per_flow),
		cmocka_unit_test(check_findings),
		cmocka_unit_test(check_imbalance),
		cmocka_unit_test(worker_of_frame),
		cmocka_unit_test(expiry_forgets_nothing),
		cmocka_unit_test(poll_while_feeding),
		cmocka_unit_test(expiry_makes_room),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
