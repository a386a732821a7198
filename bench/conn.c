/* SPDX-License-Identifier: BSD-2-Clause */
/* conn.c: benchmark of the connection tracker: bytes per tracked connection with a million (or
 * --concurrent) connections held at once, and packets/s and connections/s over a synthetic
 * trace of whole TCP and UDP conversations (or a capture given with --read). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/cap_pcap.h>
#include <steer/conn.h>
#include <steer/error.h>
#include <steer/packet.h>

#define SLOT 128 /* bytes per frame: headers and a little payload */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static uint16_t csum(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One Ethernet/IPv4 frame of flow `flow` (client 10.x.y.z:port, server 198.51.100.x:443/53),
 * with valid checksums. Returns its length. */
static size_t frame(uint8_t *f, uint32_t flow, bool udp, bool from_client, uint8_t flags,
                    uint32_t seq, uint32_t ack, unsigned payload)
{
	uint32_t client = 0x0a000000u | (flow & 0xffffff), server = 0xc6336400u | (flow % 200);
	uint16_t cport = (uint16_t)(1024 + (flow >> 24) * 1000 + flow % 1000);
	size_t l4 = udp ? 8 : 20, ip = 14, len = ip + 20 + l4 + payload;

	memset(f, 0, len);
	f[0] = 2;
	f[6] = 2;
	put16(f + 12, 0x0800);
	f[ip] = 0x45;
	put16(f + ip + 2, (uint16_t)(len - ip));
	f[ip + 8] = 64;
	f[ip + 9] = udp ? 17 : 6;
	put32(f + ip + 12, from_client ? client : server);
	put32(f + ip + 16, from_client ? server : client);
	put16(f + ip + 10, csum(0, f + ip, 20));
	uint8_t *t = f + ip + 20;
	put16(t, from_client ? cport : (udp ? 53 : 443));
	put16(t + 2, from_client ? (udp ? 53 : 443) : cport);
	if (udp) {
		put16(t + 4, (uint16_t)(8 + payload));
	} else {
		put32(t + 4, seq);
		put32(t + 8, ack);
		t[12] = 5 << 4;
		t[13] = flags;
		put16(t + 14, 65535);
	}
	for (unsigned i = 0; i < payload; i++)
		t[l4 + i] = (uint8_t)i;
	uint32_t ph = 0;
	for (int i = 0; i < 8; i += 2)
		ph += (uint32_t)f[ip + 12 + i] << 8 | f[ip + 13 + i];
	ph += (uint32_t)(udp ? 17 : 6) + (uint32_t)(l4 + payload);
	put16(t + (udp ? 6 : 16), csum(ph, t, l4 + payload));
	return len;
}

struct counts {
	unsigned long conns;
};

static void on_conn(void *arg, const struct steer_conn_rec *r)
{
	(void)r;
	((struct counts *)arg)->conns++;
}

static struct steer_conn *tracker(struct counts *c)
{
	struct steer_conn_opts o;
	struct steer_conn *t;
	char err[STEER_ERRBUF_SIZE];

	steer_conn_opts_default(&o);
	o.on_conn = on_conn;
	o.arg = c;
	o.uid_seed = 42;
	if (steer_conn_new(&o, &t, err)) {
		fprintf(stderr, "bench conn: %s\n", err);
		exit(1);
	}
	return t;
}

/* A million connections held at once: each a handshake and one request, still open. */
static void memory_run(unsigned long n)
{
	struct counts c = {0};
	struct steer_conn *t = tracker(&c);
	uint8_t f[SLOT];
	int64_t ts = 1700000000ll * 1000000000ll;
	double t0 = now_s();

	for (unsigned long i = 0; i < n; i++) {
		uint32_t s = (uint32_t)i * 7919u, a = ~s;
		bool udp = i % 5 == 4;
		size_t len;
		ts += 1000;
		if (udp) {
			len = frame(f, (uint32_t)i, true, true, 0, 0, 0, 32);
			steer_conn_packet(t, STEER_LINK_ETHERNET, f, (uint32_t)len, (uint32_t)len, ts);
			len = frame(f, (uint32_t)i, true, false, 0, 0, 0, 64);
			steer_conn_packet(t, STEER_LINK_ETHERNET, f, (uint32_t)len, (uint32_t)len, ts);
			continue;
		}
		len = frame(f, (uint32_t)i, false, true, 0x02, s, 0, 0);
		steer_conn_packet(t, STEER_LINK_ETHERNET, f, (uint32_t)len, (uint32_t)len, ts);
		len = frame(f, (uint32_t)i, false, false, 0x12, a, s + 1, 0);
		steer_conn_packet(t, STEER_LINK_ETHERNET, f, (uint32_t)len, (uint32_t)len, ts);
		len = frame(f, (uint32_t)i, false, true, 0x18, s + 1, a + 1, 40);
		steer_conn_packet(t, STEER_LINK_ETHERNET, f, (uint32_t)len, (uint32_t)len, ts);
	}
	double dt = now_s() - t0;
	size_t held = steer_conn_count(t);
	printf("conn: %zu connections held at once (80%% TCP after a request, 20%% UDP answered): "
	       "%.1f bytes per connection (record + index + spilled state), %.1f s to build\n",
	       held, steer_conn_bytes_per_conn(t), dt);
	if (held != n)
		printf("conn: ERROR: %zu held, %lu expected\n", held, n);
	steer_conn_free(t);
}

/* Whole conversations, `conc` at a time: TCP (handshake, request, response, FIN both ways, last
 * ACK) and UDP (query, answer). */
static void throughput_run(unsigned long nconns, unsigned conc, unsigned rounds)
{
	size_t per = 9, total = nconns * per, used = 0;
	uint8_t *frames = malloc(total * SLOT);
	uint32_t *lens = malloc(total * sizeof(*lens));
	if (!frames || !lens) {
		fprintf(stderr, "bench conn: out of memory\n");
		exit(1);
	}
	/* Interleave conc conversations: packet k of each, then k + 1. */
	for (unsigned long base = 0; base < nconns; base += conc) {
		unsigned long end = base + conc < nconns ? base + conc : nconns;
		for (unsigned k = 0; k < per; k++) {
			for (unsigned long i = base; i < end; i++) {
				uint32_t s = (uint32_t)i * 7919u, a = ~s;
				uint8_t *f = frames + used * SLOT;
				size_t len = 0;
				if (i % 5 == 4) {
					if (k < 2)
						len = frame(f, (uint32_t)i, true, k == 0, 0, 0, 0,
						            k ? 64 : 32);
				} else {
					switch (k) {
					case 0: len = frame(f, (uint32_t)i, false, true, 0x02, s, 0, 0); break;
					case 1: len = frame(f, (uint32_t)i, false, false, 0x12, a, s + 1, 0); break;
					case 2: len = frame(f, (uint32_t)i, false, true, 0x10, s + 1, a + 1, 0); break;
					case 3: len = frame(f, (uint32_t)i, false, true, 0x18, s + 1, a + 1, 40); break;
					case 4: len = frame(f, (uint32_t)i, false, false, 0x18, a + 1, s + 41, 60); break;
					case 5: len = frame(f, (uint32_t)i, false, true, 0x11, s + 41, a + 61, 0); break;
					case 6: len = frame(f, (uint32_t)i, false, false, 0x11, a + 61, s + 42, 0); break;
					case 7: len = frame(f, (uint32_t)i, false, true, 0x10, s + 42, a + 62, 0); break;
					}
				}
				if (len)
					lens[used++] = (uint32_t)len;
			}
		}
	}
	double best = 1e30;
	struct counts c = {0};
	for (unsigned r = 0; r < rounds; r++) {
		c.conns = 0;
		struct steer_conn *t = tracker(&c);
		int64_t ts = 1700000000ll * 1000000000ll;
		double t0 = now_s();
		for (size_t i = 0; i < used; i++)
			steer_conn_packet(t, STEER_LINK_ETHERNET, frames + i * SLOT, lens[i], lens[i],
			                  ts += 2000);
		steer_conn_flush(t);
		double dt = now_s() - t0;
		if (dt < best)
			best = dt;
		steer_conn_free(t);
	}
	printf("conn: synthetic, %lu conversations (80%% TCP, 20%% UDP) %u at a time, %zu packets, "
	       "best of %u: %.2f Mpps, %.0f k connections/s, %.0f ns/packet\n",
	       nconns, conc, used, rounds, (double)used / best / 1e6, (double)c.conns / best / 1e3,
	       best * 1e9 / (double)used);
	free(frames);
	free(lens);
}

static int read_run(const char *path)
{
	char err[STEER_ERRBUF_SIZE];
	struct cap_reader *r;
	struct cap_pkthdr h;
	const uint8_t *d;
	struct counts c = {0};
	unsigned long n = 0;
	int rc;

	if (cap_reader_open_file(path, 0, &r, err)) {
		fprintf(stderr, "bench conn: %s\n", err);
		return 2;
	}
	struct steer_conn *t = tracker(&c);
	int link = cap_reader_linktype(r);
	int64_t scale = cap_reader_precision(r) == CAP_TS_NANO ? 1 : 1000;
	size_t peak = 0;
	double peak_bpc = 0, t0 = now_s();
	while ((rc = cap_reader_next(r, &h, &d)) == CAP_PACKET) {
		steer_conn_packet(t, link, d, h.caplen, h.len,
		                  h.ts_sec * 1000000000ll + (int64_t)h.ts_frac * scale);
		if (++n % 65536 == 0 && steer_conn_count(t) > peak) {
			peak = steer_conn_count(t);
			peak_bpc = steer_conn_bytes_per_conn(t);
		}
	}
	steer_conn_flush(t);
	double dt = now_s() - t0;
	if (rc < 0)
		fprintf(stderr, "bench conn: %s: %s\n", path, cap_reader_error(r));
	printf("conn: %s: %lu frames, %lu connections in %.3f s (reading included): %.2f Mpps, "
	       "%.0f k connections/s; at the peak of %zu held, %.1f bytes per connection\n",
	       path, n, c.conns, dt, (double)n / dt / 1e6, (double)c.conns / dt / 1e3, peak,
	       peak_bpc);
	steer_conn_free(t);
	cap_reader_close(r);
	return rc < 0 ? 2 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"concurrent", required_argument, NULL, 'c'},
	    {"conns", required_argument, NULL, 'n'},
	    {"rounds", required_argument, NULL, 'R'},
	    {"read", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned long concurrent = 1000000, nconns = 200000, rounds = 3;
	const char *path = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:n:R:r:h", longopts, NULL)) != -1) {
		char *end;
		switch (ch) {
		case 'c':
		case 'n':
		case 'R': {
			unsigned long v = strtoul(optarg, &end, 10);
			if (end == optarg || *end || v == 0 || v > 100000000) {
				fprintf(stderr, "bench conn: bad number '%s'\n", optarg);
				return 2;
			}
			if (ch == 'c')
				concurrent = v;
			else if (ch == 'n')
				nconns = v;
			else
				rounds = v;
			break;
		}
		case 'r':
			path = optarg;
			break;
		case 'h':
			printf("Usage: conn [--concurrent N] [--conns N] [--rounds R] [--read FILE]\n"
			       "Bytes per connection with N held at once (default 1000000), and packets/s\n"
			       "and connections/s over N synthetic conversations (default 200000), best of\n"
			       "R rounds; with --read, over a capture instead.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (path)
		return read_run(path);
	/* Right after the index doubled (3/4 of 2^17 slots, plus one) a connection costs most. */
	memory_run(98305);
	memory_run(concurrent);
	throughput_run(nconns, 1000, (unsigned)rounds);
	return 0;
}
