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
		fprintf(stderr, "bench/check: %s: configuration does not load\n", dir);
		steer_diags_free(&d);
		return NULL;
	}
	steer_diags_free(&d);
	if (steer_plan_build(cfg, &plan, errbuf) != 0)
		fprintf(stderr, "bench/check: %s\n", errbuf);
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"flows", required_argument, NULL, 'n'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long nflows = 3000000;
	const char *dir = STEER_SOURCE_DIR "/etc";
	int c;
	while ((c = getopt_long(argc, argv, "n:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nflows = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			dir = optarg;
			break;
		case 'h':
			printf("Usage: check [--flows N] [--config DIR]\n"
			       "Feeds N synthetic TCP flows (default 3000000), one frame each way, to the\n"
			       "steering analysis; prints packets/s and bytes per flow.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (nflows == 0 || nflows > UINT32_MAX) {
		fprintf(stderr, "bench/check: --flows: 1 .. %u\n", UINT32_MAX);
		return 2;
	}
	struct steer_plan *plan = load_plan(dir);
	if (!plan)
		return 2;
	uint16_t *worker = predict_all(plan, (uint32_t)nflows);
	struct steer_check *chk;
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_check_opts o = {.predict = true};
	if (!worker || steer_check_new(plan, &o, &chk, errbuf) != 0) {
		fprintf(stderr, "bench/check: out of memory\n");
		return 2;
	}

	/* The client's frames (every flow new), then the server's (every flow found). */
	uint8_t f[FRAME_LEN];
	uint64_t ts = 1700000000ull * 1000000000ull;
	double t0 = now();
	for (int reply = 0; reply < 2; reply++) {
		for (uint32_t i = 0; i < nflows; i++) {
			make_frame(f, i, reply);
			ts += 1000;
			if (steer_check_feed(chk, worker[i], STEER_LINK_ETHERNET, f, FRAME_LEN,
			                     FRAME_LEN, ts) != 0) {
				fprintf(stderr, "bench/check: feed failed\n");
				return 2;
			}
		}
	}
	double t1 = now();
	const struct steer_check_result *r = steer_check_finish(chk);
	double t2 = now();
	if (!r) {
		fprintf(stderr, "bench/check: out of memory\n");
		return 2;
	}
	double pkts = 2.0 * (double)nflows;
	printf("steer_check: %lu flows, %.0f packets: feed %.2f Mpps (%.0f ns/packet), finish "
	       "%.3f s\n",
	       nflows, pkts, pkts / (t1 - t0) / 1e6, (t1 - t0) / pkts * 1e9, t2 - t1);
	printf("flow table: %zu bytes, %.1f bytes per flow (record %zu bytes); findings %zu, "
	       "pass %s\n",
	       r->memory, r->bytes_per_flow, sizeof(struct steer_flow), r->nfindings,
	       r->pass ? "yes" : "no");
	steer_check_free(chk);
	free(worker);
	steer_plan_free(plan);
	return 0;
}
