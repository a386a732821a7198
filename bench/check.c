/* SPDX-License-Identifier: BSD-2-Clause */
/* check.c (bench/steer_check): benchmark of the steering analysis (steer/check.h): a few million
 * synthetic TCP flows, one frame each way at the predicted worker, fed from memory; prints
 * packets/s of the feed, the time to finish, and what a flow costs in the table (bytes per flow). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/check.h>
#include <steer/config.h>
#include <steer/error.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/plan.h>

#define FRAME_LEN 54 /* Ethernet, IPv4, TCP without options */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Flow i's frame in direction reply (0: client to server): distinct 5-tuples for i < 2^32. */
static void make_frame(uint8_t *f, uint32_t i, bool reply)
{
	uint32_t client = 0x0a000000u | (i & 0xffffffu), server = 0xc6336400u | (i >> 24);
	uint16_t cport = (uint16_t)(1024 + i % 60000), sport = 443;
	memset(f, 0, FRAME_LEN);
	f[0] = 0x02;
	f[6] = 0x02;
	f[11] = 1;
	put16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	put16(ip + 2, 40);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, reply ? server : client);
	put32(ip + 16, reply ? client : server);
	uint8_t *tcp = ip + 20;
	put16(tcp, reply ? sport : cport);
	put16(tcp + 2, reply ? cport : sport);
	tcp[12] = 0x50;
	tcp[13] = 0x10; /* ACK */
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct steer_plan *load_plan(const char *dir)
{
	struct steer_config *cfg;
	struct steer_diags d = {0};
	struct steer_plan *plan = NULL;
	char errbuf[STEER_ERRBUF_SIZE];
	if (steer_config_load(dir, &cfg, &d) != 0) {
		fprintf(stderr, "steer_check: %s: configuration does not load\n", dir);
		steer_diags_free(&d);
		return NULL;
	}
	steer_diags_free(&d);
	if (steer_plan_build(cfg, &plan, errbuf) != 0)
		fprintf(stderr, "steer_check: %s\n", errbuf);
	steer_config_free(cfg);
	return plan;
}

/* The predicted worker of every flow (outside the timed part). */
static uint16_t *predict_all(const struct steer_plan *plan, uint32_t nflows)
{
	uint16_t *w = malloc((size_t)nflows * sizeof(*w));
	struct steer_path *path = steer_path_new(plan, 0);
	if (!w || !path) {
		free(w);
		steer_path_free(path);
		return NULL;
	}
	uint8_t f[FRAME_LEN];
	for (uint32_t i = 0; i < nflows; i++) {
		struct steer_pkt pkt;
		uint32_t h;
		make_frame(f, i, false);
		int st = steer_parse(STEER_LINK_ETHERNET, f, FRAME_LEN, plan->tunnels_inner, &pkt);
		int pw = steer_path_classify(path, st, &pkt, &h);
		w[i] = (uint16_t)(pw >= 0 ? pw : 0);
	}
	steer_path_free(path);
	return w;
}

struct bench {
	const struct steer_plan *plan;
	uint16_t *worker;       /* each flow's predicted worker */
	uint32_t nflows;
};

static int feed(struct steer_check *chk, const struct bench *b, uint32_t i, bool reply,
                uint64_t ts)
{
	uint8_t f[FRAME_LEN];
	make_frame(f, i, reply);
	return steer_check_feed(chk, b->worker[i], STEER_LINK_ETHERNET, f, FRAME_LEN, FRAME_LEN,
	                        ts);
}

/* Finished once, as steercheck pcap: every client frame (each flow new), then every server
 * frame (each flow found), 1 us apart. Best of rounds. */
static int finish_once(const struct bench *b, unsigned rounds)
{
	double best = 1e300, fin = 0;
	const struct steer_check_result *r = NULL;
	struct steer_check *chk = NULL;
	for (unsigned round = 0; round < rounds; round++) {
		char errbuf[STEER_ERRBUF_SIZE];
		struct steer_check_opts o = {.predict = true};
		steer_check_free(chk);
		if (steer_check_new(b->plan, &o, &chk, errbuf) != 0)
			return -1;
		uint64_t ts = 1700000000ull * 1000000000ull;
		double t0 = now();
		for (int reply = 0; reply < 2; reply++)
			for (uint32_t i = 0; i < b->nflows; i++)
				if (feed(chk, b, i, reply, ts += 1000) != 0)
					return -1;
		double t1 = now();
		r = steer_check_finish(chk);
		double t2 = now();
		if (!r)
			return -1;
		if (t1 - t0 < best) {
			best = t1 - t0;
			fin = t2 - t1;
		}
	}
	double pkts = 2.0 * b->nflows;
	printf("finish once: %u flows, %.0f packets: feed %.2f Mpps (%.0f ns/packet), finish "
	       "%.3f s\n",
	       b->nflows, pkts, pkts / best / 1e6, best / pkts * 1e9, fin);
	printf("  flow table %zu bytes: %.1f bytes per flow (record %zu bytes); findings %zu, "
	       "pass %s\n",
	       r->memory, r->bytes_per_flow, sizeof(struct steer_flow), r->nfindings,
	       r->pass ? "yes" : "no");
	steer_check_free(chk);
	return 0;
}

/* Long-running: a new flow every 20 us (50k a second), its answer 1000 flows (20 ms) later,
 * flows expired after 10 s idle, polled at the end. Best of rounds. */
static int long_running(const struct bench *b, unsigned rounds)
{
	enum { LAG = 1000, STEP_NS = 20000, IDLE_S = 10 };
	double best = 1e300, poll = 0;
	size_t peak = 0, peak_mem = 0;
	const struct steer_check_result *r = NULL;
	struct steer_check *chk = NULL;
	for (unsigned round = 0; round < rounds; round++) {
		char errbuf[STEER_ERRBUF_SIZE];
		struct steer_check_opts o = {.predict = true, .idle_s = IDLE_S};
		steer_check_free(chk);
		if (steer_check_new(b->plan, &o, &chk, errbuf) != 0)
			return -1;
		uint64_t ts = 1700000000ull * 1000000000ull;
		const struct steer_flowtab *t = steer_check_flows(chk);
		double t0 = now();
		for (uint32_t i = 0; i < b->nflows + LAG; i++, ts += STEP_NS) {
			if (i < b->nflows && feed(chk, b, i, false, ts) != 0)
				return -1;
			if (i >= LAG && feed(chk, b, i - LAG, true, ts + 1) != 0)
				return -1;
			if ((i & 0xffff) == 0 && steer_flowtab_count(t) > peak) {
				peak = steer_flowtab_count(t);
				peak_mem = steer_flowtab_memory(t);
			}
		}
		double t1 = now();
		r = steer_check_poll(chk);
		double t2 = now();
		if (!r || r->flows != b->nflows)
			return -1;
		if (t1 - t0 < best) {
			best = t1 - t0;
			poll = t2 - t1;
		}
	}
	double pkts = 2.0 * b->nflows;
	printf("long-running (50k new flows/s, %d s idle expiry): feed %.2f Mpps (%.0f ns/packet)\n",
	       IDLE_S, pkts / best / 1e6, best / pkts * 1e9);
	printf("  %llu flows, %llu expired; held at most %zu (%zu bytes); poll of %zu flows "
	       "%.3f s; findings %zu, pass %s\n",
	       (unsigned long long)r->flows, (unsigned long long)r->flows_expired, peak, peak_mem,
	       steer_flowtab_count(steer_check_flows(chk)), poll, r->nfindings,
	       r->pass ? "yes" : "no");
	steer_check_free(chk);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"flows", required_argument, NULL, 'n'},
		{"rounds", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long nflows = 3000000, rounds = 3;
	const char *dir = STEER_SOURCE_DIR "/etc";
	int c;
	while ((c = getopt_long(argc, argv, "n:r:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nflows = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			dir = optarg;
			break;
		case 'h':
			printf("Usage: steer_check [--flows N] [--rounds R] [--config DIR]\n"
			       "Feeds N synthetic TCP flows (default 3000000), one frame each way, to the\n"
			       "steering analysis, finished once and long-running with expiry; prints\n"
			       "packets/s (best of R rounds, default 3) and bytes per flow.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (nflows == 0 || nflows > UINT32_MAX - 1000 || rounds == 0 || rounds > 100) {
		fprintf(stderr, "steer_check: --flows 1 .. 4294966295, --rounds 1 .. 100\n");
		return 2;
	}
	struct steer_plan *plan = load_plan(dir);
	if (!plan)
		return 2;
	struct bench b = {plan, predict_all(plan, (uint32_t)nflows), (uint32_t)nflows};
	int rc = b.worker ? finish_once(&b, (unsigned)rounds) : -1;
	if (rc == 0)
		rc = long_running(&b, (unsigned)rounds);
	if (rc != 0)
		fprintf(stderr, "steer_check: out of memory, or a feed failed\n");
	free(b.worker);
	steer_plan_free(plan);
	return rc ? 2 : 0;
}
