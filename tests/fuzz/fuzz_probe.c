/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_probe.c: libFuzzer target for the probe verdict (steer/probe.h) fed hostile captures:
 * frames caught at the workers are whatever the wire carried. A fixed run of probe frames is
 * sent; the input is the capture, records of [worker byte][length byte][frame bytes]. The
 * verdict's counts must add up whatever arrives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/plan.h>
#include <steer/probe.h>

#include "config_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NONCE  0x5eed5eedu
#define FLOWS  4
#define FRAMES 3 /* per flow: two one way, one back */

static const char node_cfg[] = "[manager]\ntype = manager\nhost = h\n"
                               "[proxy-1]\ntype = proxy\nhost = h\n"
                               "[worker-1]\ntype = worker\nhost = h\ninterface = eth0\n"
                               "[worker-2]\ntype = worker\nhost = h\ninterface = eth0\n"
                               "[worker-3]\ntype = worker\nhost = h\ninterface = eth0\n";

static struct steer_plan *plan_once(void)
{
	static struct steer_plan *plan;
	if (plan)
		return plan;
	struct steer_config *cfg;
	struct steer_diags d = {0};
	char errbuf[STEER_ERRBUF_SIZE];
	if (steer__config_parse(node_cfg, sizeof(node_cfg) - 1, NULL, 0, NULL, 0, "fuzz", &cfg,
	                        &d) != 0 ||
	    steer_plan_build(cfg, &plan, errbuf) != 0)
		abort();
	steer_diags_free(&d);
	steer_config_free(cfg);
	return plan;
}

/* Probe frame n of flow f, direction dir: Ethernet / IPv4 / UDP, its payload of records. */
static void sent_frame(uint8_t *b, uint32_t f, unsigned dir, uint32_t n)
{
	memset(b, 0, 14 + 28);
	b[5] = 2;
	b[11] = 1;
	b[12] = 0x08;
	b[14] = 0x45;
	b[17] = 28 + 64;
	b[22] = 64;
	b[23] = 17;
	b[26 + 4 * dir] = 10;
	b[29 + 4 * dir] = (uint8_t)(1 + f);
	b[30 - 4 * dir] = 192;
	b[33 - 4 * dir] = 7;
	b[34 + 2 * dir] = 0x30;
	b[37 - 2 * dir] = 53;
	b[39] = 8 + 64;
	steer_probe_fill(b + 42, 64, NONCE, f, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct steer_plan *p = plan_once();
	struct steer_probe_opts o = {.predict = size & 1, .max_split = size % 3};
	struct steer_probe *pr;
	if (steer_probe_new(p, NONCE, &o, &pr) != 0)
		abort();
	uint8_t frame[106];
	for (uint32_t f = 0; f < FLOWS; f++) {
		uint32_t id;
		if (steer_probe_add_flow(pr, (enum steer_probe_kind)(f % STEER_PROBE__COUNT), "fuzz",
		                         &id) != 0 || id != f)
			abort();
		for (unsigned k = 0; k < FRAMES; k++) {
			sent_frame(frame, f, k == 2, steer_probe_next_frame(pr));
			if (steer_probe_sent(pr, f, k == 2, frame, sizeof(frame)) != 0)
				abort();
		}
	}
	uint64_t n[3] = {0}; /* calls that found an arrival, a stray, a foreign frame */
	for (size_t i = 0; i + 2 <= size;) {
		int worker = (int)(data[i] % (p->nworkers + 2)) - 2; /* -2 is out of range */
		size_t len = data[i + 1];
		i += 2;
		if (len > size - i)
			len = size - i;
		int rc = steer_probe_arrived(pr, worker, data + i, (uint32_t)len);
		if (worker < -1 ? rc != STEER_EINVAL : rc < 0)
			abort();
		if (rc >= 0)
			n[rc]++;
		i += len;
	}
	const struct steer_probe_result *r = steer_probe_finish(pr);
	if (!r)
		abort();
	const struct steer_probe_counts *t = &r->total;
	uint64_t received = 0, expected = 0, flows = 0, frames = 0;
	for (size_t w = 0; w < r->nworkers; w++) {
		received += r->received[w];
		expected += r->expected[w];
	}
	for (int k = 0; k < STEER_PROBE__COUNT; k++) {
		flows += r->kinds[k].flows;
		frames += r->kinds[k].frames;
	}
	if (t->flows != FLOWS || t->frames != FLOWS * FRAMES || flows != t->flows ||
	    frames != t->frames || r->arrived + t->lost != t->frames || received != r->arrived ||
	    expected > t->frames || r->stray != n[STEER_PROBE_STRAY] ||
	    r->foreign != n[STEER_PROBE_FOREIGN] || r->arrived > n[STEER_PROBE_ARRIVAL] ||
	    t->split + t->asymmetric > t->flows || r->nfaults > t->flows ||
	    (r->pass && (t->lost || t->duplicated || t->misdirected || r->stray)) ||
	    (!o.predict && t->misdirected))
		abort();
	for (size_t i = 1; i < r->nfaults; i++)
		if (r->faults[i].kind < r->faults[i - 1].kind)
			abort();
	steer_probe_free(pr);
	return 0;
}
