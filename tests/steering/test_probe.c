/* SPDX-License-Identifier: BSD-2-Clause */
/* test_probe.c: the probe verdict (steer/probe.h): frames sent, frames caught at workers, and
 * lost, duplicated, split, asymmetric, misdirected, stray and foreign frames judged from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/plan.h>
#include <steer/probe.h>

#include "plan_fixture.h"

#define NONCE 0x1234abcdu

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

static void put_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

/* One frame as the probe builds them: Ethernet / IPv4 / TCP or UDP, a payload of records. */
struct fr {
	uint8_t b[256];
	uint32_t len;
};

static struct fr frame4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sp, uint16_t dp,
                        uint32_t nonce, uint32_t flow, uint32_t frame)
{
	struct fr f;
	memset(&f, 0, sizeof(f));
	uint8_t *b = f.b;
	static const uint8_t macs[12] = {2, 0x53, 0x50, 0, 0, 2, 2, 0x53, 0x50, 0, 0, 1};
	memcpy(b, macs, 12);
	put_be16(b + 12, 0x0800);
	uint8_t *ip = b + 14, *l4 = ip + 20;
	unsigned l4len = proto == 6 ? 20 : 8, plen = 64;
	ip[0] = 0x45;
	put_be16(ip + 2, 20 + l4len + plen);
	ip[8] = 64;
	ip[9] = proto;
	put_be32(ip + 12, src);
	put_be32(ip + 16, dst);
	put_be16(l4, sp);
	put_be16(l4 + 2, dp);
	if (proto == 6)
		l4[12] = 0x50;
	else
		put_be16(l4 + 4, 8 + plen);
	steer_probe_fill(l4 + l4len, plen, nonce, flow, frame);
	f.len = 14 + 20 + l4len + plen;
	return f;
}

/* The worker the plan gives an unfragmented frame. */
static int predict(const struct fr *f)
{
	struct steer_path *path = steer_path_new(plan, 0);
	struct steer_pkt pkt;
	uint32_t h;
	int st = steer_parse(STEER_LINK_ETHERNET, f->b, f->len, false, &pkt);
	int w = steer_path_classify(path, st, &pkt, &h);
	steer_path_free(path);
	return w;
}

/* A TCP flow of 2 frames each way, sent; frames in out[0..4) (c2s, s2c, c2s, s2c). */
static uint32_t tcp_flow(struct steer_probe *pr, uint32_t i, struct fr out[4])
{
	uint32_t flow;
	char desc[64];
	snprintf(desc, sizeof(desc), "tcp flow %u", i);
	assert_int_equal(steer_probe_add_flow(pr, STEER_PROBE_TCP, desc, &flow), 0);
	uint32_t c = 0x0a530000u + i * 7919u, s = 0xc6336401u + i;
	uint16_t sp = (uint16_t)(20000 + i * 13), dp = 443;
	for (unsigned k = 0; k < 4; k++) {
		unsigned dir = k & 1;
		uint32_t n = steer_probe_next_frame(pr);
		out[k] = dir ? frame4(s, c, 6, dp, sp, NONCE, flow, n)
		             : frame4(c, s, 6, sp, dp, NONCE, flow, n);
		assert_int_equal(steer_probe_sent(pr, flow, dir, out[k].b, out[k].len), 0);
		assert_int_equal(steer_probe_next_frame(pr), n + 1);
	}
	return flow;
}

static struct steer_probe *new_probe(bool predict_on, uint64_t max_split, double frac)
{
	struct steer_probe_opts o = {predict_on, max_split, frac};
	struct steer_probe *pr;
	assert_int_equal(steer_probe_new(plan, NONCE, &o, &pr), 0);
	return pr;
}

static void arrive(struct steer_probe *pr, int worker, const struct fr *f, int want)
{
	assert_int_equal(steer_probe_arrived(pr, worker, f->b, f->len), want);
}

static void every_frame_at_its_worker_passes(void **state)
{
	(void)state;
	struct steer_probe *pr = new_probe(true, 0, 0);
	struct fr f[8][4];
	uint64_t want[64] = {0};
	for (uint32_t i = 0; i < 8; i++)
		tcp_flow(pr, i, f[i]);
	assert_false(steer_probe_complete(pr));
	for (uint32_t i = 0; i < 8; i++) {
		for (int k = 0; k < 4; k++) {
			int w = predict(&f[i][k]);
			assert_true(w >= 0);
			/* symmetric hash: both directions predicted at one worker */
			assert_int_equal(w, predict(&f[i][0]));
			want[w]++;
			arrive(pr, w, &f[i][k], STEER_PROBE_ARRIVAL);
		}
	}
	assert_true(steer_probe_complete(pr));
	const struct steer_probe_result *r = steer_probe_finish(pr);
	assert_non_null(r);
	assert_true(r->pass);
	assert_true(r->predicted);
	assert_int_equal(r->total.flows, 8);
	assert_int_equal(r->total.frames, 32);
	assert_int_equal(r->arrived, 32);
	assert_int_equal(r->total.lost + r->total.duplicated + r->total.misdirected, 0);
	assert_int_equal(r->total.split + r->total.asymmetric, 0);
	assert_int_equal(r->nfaults, 0);
	assert_int_equal(r->separate_flows, 0);
	assert_int_equal(r->kinds[STEER_PROBE_TCP].flows, 8);
	assert_int_equal(r->kinds[STEER_PROBE_TCP].frames, 32);
	assert_int_equal(r->kinds[STEER_PROBE_UDP].flows, 0);
	assert_int_equal(r->nworkers, plan->nworkers);
	for (size_t w = 0; w < plan->nworkers; w++) {
		assert_int_equal(r->received[w], want[w]);
		assert_int_equal(r->expected[w], want[w]);
	}
	assert_true(r->memory > 32 * 8);
	/* finished: the same result, and nothing more is taken */
	assert_ptr_equal(steer_probe_finish(pr), r);
	arrive(pr, 0, &f[0][0], STEER_EINVAL);
	assert_int_equal(steer_probe_sent(pr, 0, 0, f[0][0].b, f[0][0].len), STEER_EINVAL);
	uint32_t flow;
	assert_int_equal(steer_probe_add_flow(pr, STEER_PROBE_UDP, "x", &flow), STEER_EINVAL);
	steer_probe_free(pr);
}

static void lost_and_duplicated(void **state)
{
	(void)state;
	struct steer_probe *pr = new_probe(true, 0, 0);
	struct fr f[3][4];
	for (uint32_t i = 0; i < 3; i++)
		tcp_flow(pr, i, f[i]);
	for (int k = 0; k < 4; k++) {
		if (k != 2) /* flow 0: its second c2s frame is lost */
			arrive(pr, predict(&f[0][k]), &f[0][k], STEER_PROBE_ARRIVAL);
		arrive(pr, predict(&f[1][k]), &f[1][k], STEER_PROBE_ARRIVAL);
	}
	/* flow 1: one frame twice at its worker; flow 2: nothing at all */
	arrive(pr, predict(&f[1][3]), &f[1][3], STEER_PROBE_ARRIVAL);
	assert_false(steer_probe_complete(pr));
	const struct steer_probe_result *r = steer_probe_finish(pr);
	assert_false(r->pass);
	assert_int_equal(r->total.lost, 1 + 4);
	assert_int_equal(r->total.duplicated, 1);
	assert_int_equal(r->total.misdirected, 0);
	assert_int_equal(r->lost_flows, 1);
	assert_int_equal(r->arrived, 7);
	assert_int_equal(r->nfaults, 3);
	/* worst first: the lost flows (in their order), then the duplicated one */
	assert_int_equal(r->faults[0].kind, STEER_PROBE_LOST);
	assert_int_equal(r->faults[0].flow, 0);
	assert_int_equal(r->faults[0].lost, 1);
	assert_string_equal(r->faults[0].desc, "tcp flow 0");
	assert_int_equal(r->faults[0].worker[0], predict(&f[0][0]));
	assert_int_equal(r->faults[1].kind, STEER_PROBE_LOST);
	assert_int_equal(r->faults[1].flow, 2);
	assert_int_equal(r->faults[1].worker[0], STEER_PROBE_NONE);
	assert_int_equal(r->faults[1].worker[1], STEER_PROBE_NONE);
	assert_int_equal(r->faults[2].kind, STEER_PROBE_DUPLICATED);
	assert_int_equal(r->faults[2].flow, 1);
	assert_int_equal(r->faults[2].duplicated, 1);
	assert_int_equal(r->faults[2].frames, 4);
	assert_string_equal(steer_probe_fault_name(r->faults[2].kind), "duplicated");
	steer_probe_free(pr);
}

/* A worker other than w. */
static int other(int w)
{
	return (w + 1) % (int)plan->nworkers;
}

static void split_asymmetric_and_tolerance(void **state)
{
	(void)state;
	for (int round = 0; round < 4; round++) {
		/* round 0: nothing tolerated; 1: 2 flows; 2: 50% of 4 flows; 3: 1 flow */
		uint64_t max = round == 1 ? 2 : round == 3 ? 1 : 0;
		struct steer_probe *pr = new_probe(false, max, round == 2 ? 0.5 : 0);
		struct fr f[4][4];
		for (uint32_t i = 0; i < 4; i++)
			tcp_flow(pr, i, f[i]);
		for (uint32_t i = 0; i < 4; i++) {
			int w = predict(&f[i][0]);
			for (int k = 0; k < 4; k++) {
				int at = w;
				if (i == 1 && k == 2)
					at = other(w); /* flow 1: one c2s frame elsewhere: split */
				if (i == 3 && (k & 1))
					at = other(w); /* flow 3: the whole s2c direction elsewhere */
				arrive(pr, at, &f[i][k], STEER_PROBE_ARRIVAL);
			}
		}
		const struct steer_probe_result *r = steer_probe_finish(pr);
		assert_int_equal(r->total.split, 1);
		assert_int_equal(r->total.asymmetric, 1);
		assert_int_equal(r->total.lost + r->total.duplicated, 0);
		assert_int_equal(r->total.misdirected, 0); /* predictions off */
		assert_int_equal(r->split_tolerated, round == 0 ? 0 : round == 3 ? 1 : 2);
		assert_int_equal(r->pass, round == 1 || round == 2);
		assert_int_equal(r->nfaults, 2);
		assert_int_equal(r->faults[0].kind, STEER_PROBE_SPLIT);
		assert_int_equal(r->faults[0].flow, 1);
		assert_int_equal(r->faults[0].worker[0], STEER_PROBE_SEVERAL);
		assert_int_equal(r->faults[0].worker[1], predict(&f[1][0]));
		assert_int_equal(r->faults[1].kind, STEER_PROBE_ASYMMETRIC);
		assert_int_equal(r->faults[1].flow, 3);
		assert_int_equal(r->faults[1].worker[1], other(predict(&f[3][0])));
		assert_int_equal(r->kinds[STEER_PROBE_TCP].split, 1);
		assert_int_equal(r->kinds[STEER_PROBE_TCP].asymmetric, 1);
		steer_probe_free(pr);
	}
}

static void misdirected_only_with_predictions(void **state)
{
	(void)state;
	for (int on = 0; on < 2; on++) {
		struct steer_probe *pr = new_probe(on, 0, 0);
		struct fr f[2][4];
		for (uint32_t i = 0; i < 2; i++)
			tcp_flow(pr, i, f[i]);
		int w0 = predict(&f[0][0]);
		for (int k = 0; k < 4; k++) {
			arrive(pr, w0, &f[0][k], STEER_PROBE_ARRIVAL);
			/* flow 1: both directions together, at the wrong worker */
			arrive(pr, other(predict(&f[1][0])), &f[1][k], STEER_PROBE_ARRIVAL);
		}
		const struct steer_probe_result *r = steer_probe_finish(pr);
		assert_int_equal(r->predicted, on);
		assert_int_equal(r->pass, !on);
		assert_int_equal(r->total.misdirected, on ? 4 : 0);
		assert_int_equal(r->total.asymmetric, 0);
		assert_int_equal(r->nfaults, on ? 1 : 0);
		if (on) {
			const struct steer_probe_fault *ft = &r->faults[0];
			assert_int_equal(ft->kind, STEER_PROBE_MISDIRECTED);
			assert_int_equal(ft->flow, 1);
			assert_int_equal(ft->misdirected, 4);
			assert_int_equal(ft->misdirected_to, other(predict(&f[1][0])));
			assert_int_equal(ft->predicted, predict(&f[1][0]));
		}
		steer_probe_free(pr);
	}
}

static void foreign_and_stray_frames(void **state)
{
	(void)state;
	struct steer_probe *pr = new_probe(true, 0, 0);
	struct fr f[4];
	tcp_flow(pr, 0, f);
	for (int k = 0; k < 4; k++)
		arrive(pr, predict(&f[k]), &f[k], STEER_PROBE_ARRIVAL);
	assert_true(steer_probe_complete(pr));
	/* another run's nonce, no record at all, a record naming a frame never sent or sent for
	 * another flow: all foreign */
	struct fr x = frame4(0x0a000001, 0x0a000002, 17, 1, 2, NONCE + 1, 0, 0);
	arrive(pr, 0, &x, STEER_PROBE_FOREIGN);
	memset(x.b + 42, 0, 64);
	arrive(pr, 0, &x, STEER_PROBE_FOREIGN);
	x = frame4(0x0a000001, 0x0a000002, 17, 1, 2, NONCE, 0, 4);
	arrive(pr, 0, &x, STEER_PROBE_FOREIGN);
	x = frame4(0x0a000001, 0x0a000002, 17, 1, 2, NONCE, 1, 0);
	arrive(pr, 0, &x, STEER_PROBE_FOREIGN);
	/* a record cut by the capture is no record */
	arrive(pr, 0, &f[0], STEER_PROBE_ARRIVAL);
	struct fr cut = f[1];
	cut.len = 54 + STEER_PROBE_REC_LEN - 1;
	arrive(pr, 0, &cut, STEER_PROBE_FOREIGN);
	/* this run's frame where no worker should see it */
	arrive(pr, STEER_PROBE_NO_WORKER, &f[1], STEER_PROBE_STRAY);
	/* out of range workers: nothing counted */
	arrive(pr, (int)plan->nworkers, &f[1], STEER_EINVAL);
	arrive(pr, -2, &f[1], STEER_EINVAL);
	const struct steer_probe_result *r = steer_probe_finish(pr);
	assert_int_equal(r->foreign, 5);
	assert_int_equal(r->stray, 1);
	assert_int_equal(r->total.duplicated, 1);
	assert_false(r->pass);
	steer_probe_free(pr);
}

/* Directions that the balancer hashes as two flows are held to their own predictions only. */
static void separate_directions_are_not_asymmetric(void **state)
{
	(void)state;
	struct steer_probe *pr = new_probe(true, 0, 0);
	uint32_t flow;
	assert_int_equal(steer_probe_add_flow(pr, STEER_PROBE_VXLAN, NULL, &flow), 0);
	/* the "reply" does not mirror the request (as VXLAN's outer UDP header does not) */
	struct fr a = frame4(0xc0000201, 0xc6120001, 17, 50000, 4789, NONCE, flow, 0);
	struct fr b = frame4(0xc6120001, 0xc0000201, 17, 50000, 4789, NONCE, flow, 1);
	assert_int_equal(steer_probe_sent(pr, flow, 0, a.b, a.len), 0);
	assert_int_equal(steer_probe_sent(pr, flow, 1, b.b, b.len), 0);
	int wa = predict(&a), wb = predict(&b);
	arrive(pr, wa, &a, STEER_PROBE_ARRIVAL);
	arrive(pr, wb, &b, STEER_PROBE_ARRIVAL);
	const struct steer_probe_result *r = steer_probe_finish(pr);
	assert_int_equal(r->separate_flows, 1);
	assert_int_equal(r->total.asymmetric, 0);
	assert_true(r->pass);
	assert_int_equal(r->kinds[STEER_PROBE_VXLAN].flows, 1);
	steer_probe_free(pr);
}

/* The two fragments of one UDP packet: the later one, without ports, is predicted at its first
 * fragment's worker (fragments = remember), and each carries its own frame number. */
static void fragments_follow_their_first(void **state)
{
	(void)state;
	struct steer_probe *pr = new_probe(true, 0, 0);
	uint32_t flow;
	assert_int_equal(steer_probe_add_flow(pr, STEER_PROBE_FRAG, "frag", &flow), 0);
	struct fr f[2];
	for (int k = 0; k < 2; k++) {
		memset(&f[k], 0, sizeof(f[k]));
		uint8_t *b = f[k].b, *ip = b + 14;
		static const uint8_t macs[12] = {2, 0x53, 0x50, 0, 0, 2, 2, 0x53, 0x50, 0, 0, 1};
		memcpy(b, macs, 12);
		put_be16(b + 12, 0x0800);
		ip[0] = 0x45;
		put_be16(ip + 2, 20 + 64);
		put_be16(ip + 4, 0x4242);
		put_be16(ip + 6, k == 0 ? 0x2000 : 64 / 8); /* MF, then offset 64 */
		ip[8] = 64;
		ip[9] = 17;
		put_be32(ip + 12, 0x0a530101);
		put_be32(ip + 16, 0xc6336405);
		uint8_t *pl = ip + 20;
		if (k == 0) {
			put_be16(pl, 40001);
			put_be16(pl + 2, 53);
			put_be16(pl + 4, 8 + 120);
			pl += 8;
		}
		steer_probe_fill(pl, k == 0 ? 56 : 64, NONCE, flow, steer_probe_next_frame(pr));
		f[k].len = 14 + 20 + 64;
		assert_int_equal(steer_probe_sent(pr, flow, 0, f[k].b, f[k].len), 0);
	}
	int w = predict(&f[0]);
	/* on its own, the later fragment hashes on addresses only, to another worker here */
	assert_int_not_equal(predict(&f[1]), w);
	arrive(pr, w, &f[1], STEER_PROBE_ARRIVAL);
	arrive(pr, w, &f[0], STEER_PROBE_ARRIVAL);
	const struct steer_probe_result *r = steer_probe_finish(pr);
	assert_true(r->pass);
	assert_int_equal(r->expected[w], 2);
	assert_int_equal(r->received[w], 2);
	assert_int_equal(r->total.duplicated, 0);
	steer_probe_free(pr);
}

static void bad_arguments(void **state)
{
	(void)state;
	struct steer_probe *pr = new_probe(false, 0, 0);
	uint32_t flow;
	struct fr x = frame4(1, 2, 6, 3, 4, NONCE, 0, 0);
	assert_int_equal(steer_probe_add_flow(pr, STEER_PROBE__COUNT, "x", &flow), STEER_EINVAL);
	assert_int_equal(steer_probe_sent(pr, 0, 0, x.b, x.len), STEER_EINVAL); /* no flow yet */
	assert_int_equal(steer_probe_add_flow(pr, STEER_PROBE_UDP, "x", &flow), 0);
	assert_int_equal(flow, 0);
	assert_int_equal(steer_probe_sent(pr, 0, 2, x.b, x.len), STEER_EINVAL);
	assert_int_equal(steer_probe_sent(pr, 1, 0, x.b, x.len), STEER_EINVAL);
	assert_int_equal(steer_probe_next_frame(pr), 0);
	/* a frame that does not parse is still a frame sent: it has no prediction */
	assert_int_equal(steer_probe_sent(pr, 0, 0, x.b, 3), 0);
	const struct steer_probe_result *r = steer_probe_finish(pr);
	assert_int_equal(r->total.frames, 1);
	assert_int_equal(r->total.lost, 1);
	steer_probe_free(pr);
	steer_probe_free(NULL);
	/* nothing sent: an empty run passes */
	pr = new_probe(true, 0, 0);
	r = steer_probe_finish(pr);
	assert_true(r->pass);
	assert_true(steer_probe_complete(pr));
	assert_int_equal(r->total.flows, 0);
	steer_probe_free(pr);
}

static void names(void **state)
{
	(void)state;
	for (int k = 0; k < STEER_PROBE__COUNT; k++) {
		const char *n = steer_probe_kind_name((enum steer_probe_kind)k);
		enum steer_probe_kind back;
		assert_string_not_equal(n, "?");
		assert_int_equal(steer_probe_kind_from_name(n, strlen(n), &back), 0);
		assert_int_equal(back, k);
	}
	enum steer_probe_kind k;
	assert_int_equal(steer_probe_kind_from_name("tcp,udp", 3, &k), 0);
	assert_int_equal(k, STEER_PROBE_TCP);
	assert_int_equal(steer_probe_kind_from_name("tc", 2, &k), STEER_EINVAL);
	assert_string_equal(steer_probe_kind_name(STEER_PROBE__COUNT), "?");
	assert_string_equal(steer_probe_kind_name(STEER_PROBE_FRAG6), "frag6");
	assert_string_equal(steer_probe_fault_name(STEER_PROBE_SPLIT), "split");
	assert_string_equal(steer_probe_fault_name(STEER_PROBE_FAULT__COUNT), "?");
	uint8_t rec[40];
	steer_probe_fill(rec, sizeof(rec), 0x01020304, 5, 6);
	static const uint8_t want[16] = {'S', 'P', 'R', 'B', 1, 2, 3, 4, 0, 0, 0, 5, 0, 0, 0, 6};
	assert_memory_equal(rec, want, 16);
	assert_memory_equal(rec + 16, want, 16);
	assert_memory_equal(rec + 32, want, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_frame_at_its_worker_passes),
		cmocka_unit_test(lost_and_duplicated),
		cmocka_unit_test(split_asymmetric_and_tolerance),
		cmocka_unit_test(misdirected_only_with_predictions),
		cmocka_unit_test(foreign_and_stray_frames),
		cmocka_unit_test(separate_directions_are_not_asymmetric),
		cmocka_unit_test(fragments_follow_their_first),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
