/* SPDX-License-Identifier: BSD-2-Clause */
/* steer_path.c: benchmark of the per-packet path (parse + flow key + hash + bucket lookup, and
 * with the MAC rewrite) over in-memory synthetic frames, one line per hash function. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/plan.h>

#define SLOT 128 /* bytes per frame slot: headers only, as a balancer reads them */

static uint64_t rng_state = 0x5eed;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic frames, run to run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

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

/* One frame of a random flow: 60% IPv4 TCP, 20% IPv4 UDP, 10% IPv6 TCP, 10% 802.1Q IPv4 TCP.
 * Returns the frame length. */
static size_t make_frame(uint8_t *f, uint32_t nflows)
{
	uint32_t flow = rnd() % nflows, kind = rnd() % 10;
	bool reply = rnd() & 1;
	size_t off = 12;
	memset(f, 0, SLOT);
	f[0] = 0x02;
	f[6] = 0x02;
	f[11] = 1;
	if (kind == 9) {
		put16(f + off, 0x8100);
		put16(f + off + 2, (uint16_t)(100 + flow % 8));
		off += 4;
	}
	uint32_t client = 0x0a000000u | (flow & 0xffffff), server = 0xc6336400u | (flow % 64);
	uint16_t cport = (uint16_t)(1024 + flow % 60000), sport = kind == 6 || kind == 7 ? 53 : 443;
	uint8_t proto = kind == 6 || kind == 7 ? 17 : 6;
	if (kind == 8) {
		put16(f + off, 0x86dd);
		off += 2;
		uint8_t *ip = f + off;
		ip[0] = 0x60;
		put16(ip + 4, 20);
		ip[6] = 6;
		ip[7] = 64;
		put32(ip + 8, 0x20010db8);
		put32(ip + 20, reply ? server : client);
		put32(ip + 24, 0x20010db8);
		put32(ip + 36, reply ? client : server);
		off += 40;
	} else {
		put16(f + off, 0x0800);
		off += 2;
		uint8_t *ip = f + off;
		ip[0] = 0x45;
		put16(ip + 2, 40);
		ip[8] = 64;
		ip[9] = proto;
		put32(ip + 12, reply ? server : client);
		put32(ip + 16, reply ? client : server);
		off += 20;
	}
	put16(f + off, reply ? sport : cport);
	put16(f + off + 2, reply ? cport : sport);
	return off + 20;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"frames", required_argument, NULL, 'n'},
		{"rounds", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long nframes = 1u << 20, rounds = 5;
	const char *dir = STEER_SOURCE_DIR "/etc";
	int c;
	while ((c = getopt_long(argc, argv, "n:r:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nframes = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			dir = optarg;
			break;
		case 'h':
			printf("Usage: steer_path [--frames N] [--rounds R] [--config DIR]\n"
			       "Parse + hash + bucket lookup over N in-memory frames (default 1048576),\n"
			       "best of R rounds (default 5), for every hash function.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (nframes == 0 || rounds == 0) {
		fprintf(stderr, "steer_path: --frames and --rounds must be positive\n");
		return 2;
	}
	uint8_t *frames = aligned_alloc(64, nframes * SLOT);
	uint16_t *lens = malloc(nframes * sizeof(*lens));
	if (!frames || !lens) {
		fprintf(stderr, "steer_path: out of memory\n");
		return 2;
	}
	for (unsigned long i = 0; i < nframes; i++)
		lens[i] = (uint16_t)make_frame(frames + i * SLOT, 100000);

	struct steer_diags d = {0};
	struct steer_config *cfg;
	if (steer_config_load(dir, &cfg, &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "steer_path: %s\n", d.v[i].text);
		return 2;
	}
	steer_diags_free(&d);

	printf("steer_path: %lu frames (60%% IPv4 TCP, 20%% IPv4 UDP, 10%% IPv6 TCP, 10%% 802.1Q), "
	       "best of %lu rounds, one core\n", nframes, rounds);
	static const struct {
		enum steer_hash_fn fn;
		enum steer_fields fields;
		const char *label;
		bool rewrite; /* also write the worker's MAC into the frame, as steerlb -w does */
	} runs[] = {
		{STEER_HASH_DEFAULT, STEER_FIELDS_5, "default (steer symmetric) 5-tuple", false},
		{STEER_HASH_TOEPLITZ, STEER_FIELDS_4, "toeplitz sym-key 4-tuple", false},
		{STEER_HASH_PFRING, STEER_FIELDS_5, "pfring 5-tuple", false},
		{STEER_HASH_NETMAP_LB, STEER_FIELDS_4, "netmap-lb 4-tuple", false},
		{STEER_HASH_XOR, STEER_FIELDS_2, "xor 2-tuple", false},
		{STEER_HASH_DEFAULT, STEER_FIELDS_5, "default 5-tuple + dst MAC rewrite", true},
	};
	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		char errbuf[STEER_ERRBUF_SIZE];
		struct steer_plan *plan;
		cfg->fe.hash.fn = runs[r].fn;
		cfg->fe.hash.fields = runs[r].fields;
		memcpy(cfg->fe.hash.key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
		if (steer_plan_build(cfg, &plan, errbuf) != 0) {
			fprintf(stderr, "steer_path: %s\n", errbuf);
			return 2;
		}
		struct steer_path *path = steer_path_new(plan, 0);
		double best = 1e30;
		unsigned long per_worker[64] = {0}, dropped = 0;
		for (unsigned long k = 0; k < rounds; k++) {
			double t0 = now();
			for (unsigned long i = 0; i < nframes; i++) {
				struct steer_pkt pkt;
				uint32_t h;
				int st = steer_parse(STEER_LINK_ETHERNET, frames + i * SLOT, lens[i],
				                     false, &pkt);
				int w = steer_path_classify(path, st, &pkt, &h);
				if (runs[r].rewrite && w >= 0 && pkt.eth_off >= 0)
					memcpy(frames + i * SLOT + pkt.eth_off, plan->workers[w].mac.b, 6);
				/* Counting keeps the result alive and shows the spread. */
				if (w >= 0)
					per_worker[w & 63]++;
				else
					dropped++;
			}
			double dt = now() - t0;
			if (dt < best)
				best = dt;
		}
		unsigned long most = 0, total = 0;
		for (size_t w = 0; w < plan->nworkers && w < 64; w++) {
			total += per_worker[w];
			most = per_worker[w] > most ? per_worker[w] : most;
		}
		double mean = (double)total / (double)(plan->nworkers < 64 ? plan->nworkers : 64);
		printf("%-36s %7.2f Mpps  %6.2f ns/pkt  busiest worker %.3fx the mean%s\n",
		       runs[r].label, nframes / best / 1e6, best * 1e9 / nframes,
		       mean > 0 ? (double)most / mean : 0.0, dropped ? " (some dropped)" : "");
		steer_path_free(path);
		steer_plan_free(plan);
	}
	steer_config_free(cfg);
	free(frames);
	free(lens);
	return 0;
}
