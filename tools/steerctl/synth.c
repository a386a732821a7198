/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/synth.c: "steerctl synth": a deterministic synthetic capture (classic pcap,
 * tcpdump.org/manpages/pcap-savefile.5) of many interleaved flows, frames built with libnet. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/addr.h>
#include <steer/cap_frame.h>
#include <steer/cap_pcap.h>
#include <steer/error.h>
#include <steer/flowkey.h>
#include <steer/proto.h>
#include <steer/splitmix.h>

#include "cli.h"
#include "ofile.h"
#include "steerctl.h"

static const char usage[] =
	"Usage: steerctl synth --flows N --out FILE.pcap [--seed S] [--mix LIST]\n"
	"                      [--size BYTES] [--concurrency K] [--nano] [--truth FILE]\n"
	"\n"
	"Write a deterministic synthetic capture: the same options give the same file,\n"
	"byte for byte. Flows are interleaved; flow sizes are heavy-tailed (Pareto).\n"
	"\n"
	"Flow kinds (the --mix LIST is KIND[:WEIGHT],...; default: all):\n"
	"  tcp    IPv4 TCP: handshake, data both ways, FIN or RST\n"
	"  udp    IPv4 UDP request / response\n"
	"  icmp   IPv4 ICMP echo request / reply\n"
	"  ipv6   TCP, UDP or ICMPv6 echo over IPv6\n"
	"  vlan   an 802.1Q-tagged TCP or UDP flow      qinq   802.1ad + 802.1Q tags\n"
	"  mpls   under one or two MPLS labels\n"
	"  gre    TCP or UDP inside IPv4 GRE            vxlan  inside VXLAN (UDP 4789)\n"
	"  frag   fragmented IPv4 UDP                   frag6  fragmented IPv6 UDP\n"
	"  arp    ARP request / reply (non-IP)\n"
	"\n"
	"Options:\n"
	"      --flows N        number of flows (default 1000; with --size: no limit)\n"
	"  -o, --out FILE       the capture to write (required; '-': standard output)\n"
	"      --seed S         random seed (default 1)\n"
	"      --mix LIST       flow kinds and weights, e.g. tcp:5,udp:2,arp (or all)\n"
	"      --size BYTES     stop starting flows once the file reaches BYTES (K, M, G\n"
	"                       suffixes: 1024-based), e.g. --size 1G for a benchmark\n"
	"      --concurrency K  flows in progress at once, interleaved (default 32)\n"
	"      --nano           nanosecond timestamps (default microseconds)\n"
	"      --truth FILE     also write the ground truth ('-': standard output):\n"
	"                       'F ID KIND OUTER INNER' per\n"
	"                       flow (steerctl which arguments, '-' for none; tunnels\n"
	"                       give the outer and the inner tuple) and 'P N ID DIR' per\n"
	"                       packet (N counts from 1, DIR is c2s or s2c)\n"
	"  -h, --help           show this help\n";

enum kind { K_TCP, K_UDP, K_ICMP, K_IPV6, K_VLAN, K_QINQ, K_MPLS, K_GRE, K_VXLAN, K_FRAG,
            K_FRAG6, K_ARP, K__COUNT };

static const struct {
	const char *name;
	unsigned weight; /* in the default mix */
} kinds[K__COUNT] = {
	[K_TCP] = {"tcp", 30},   [K_UDP] = {"udp", 12},    [K_ICMP] = {"icmp", 4},
	[K_IPV6] = {"ipv6", 12}, [K_VLAN] = {"vlan", 8},   [K_QINQ] = {"qinq", 4},
	[K_MPLS] = {"mpls", 4},  [K_GRE] = {"gre", 4},     [K_VXLAN] = {"vxlan", 4},
	[K_FRAG] = {"frag", 3},  [K_FRAG6] = {"frag6", 2}, [K_ARP] = {"arp", 2},
};

/* splitmix64 (steer/splitmix.h): deterministic on every platform. */
struct rng {
	uint64_t s;
};

static uint64_t rnd64(struct rng *r)
{
	return steer_splitmix64(&r->s);
}

static uint32_t rndn(struct rng *r, uint32_t n)
{
	return (uint32_t)((rnd64(r) >> 32) * n >> 32);
}

static double rndu(struct rng *r)
{
	return (double)((rnd64(r) >> 11) + 1) / 9007199254740993.0; /* (0, 1] */
}

/* Pareto(xm, alpha), capped: the heavy tail of flow sizes. */
static uint32_t pareto(struct rng *r, double xm, double alpha, uint32_t cap)
{
	double v = xm / pow(rndu(r), 1.0 / alpha);
	return v > cap ? cap : (uint32_t)v;
}

struct flow {
	uint64_t id;
	enum kind kind;
	struct rng rng;
	struct cap_frame_spec c2s; /* the client-to-server template */
	uint32_t step, ndata, nround;
	uint32_t cseq, sseq;
	bool rst, done;
};

struct synth {
	struct cap_framer *fr;
	struct cap_writer *w;
	FILE *truth;
	struct rng rng;
	uint64_t ts_ns;
	bool nano;
	uint64_t npkts, bytes;
	uint8_t payload[CAP_FRAME_MAX];
	uint8_t frame[CAP_FRAME_MAX];
	uint8_t frags[16][2048];
	size_t fraglens[16];
	char errbuf[STEER_ERRBUF_SIZE];
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* "PROTO SRC[:PORT] DST[:PORT]" as steerctl which takes it, for a frame spec's IP packet. */
static void which_args(char *buf, size_t n, uint8_t family, uint8_t proto, const uint8_t *src,
                       const uint8_t *dst, uint16_t sp, uint16_t dp)
{
	struct steer_flow_key k = {.family = family, .proto = proto, .sport = sp, .dport = dp};
	char pb[STEER_PROTO_STRLEN], se[STEER_ENDPOINT_STRLEN], de[STEER_ENDPOINT_STRLEN];
	memcpy(k.src, src, 16);
	memcpy(k.dst, dst, 16);
	snprintf(buf, n, "%s %s %s", steer_proto_text(proto, pb),
	         steer_flow_endpoint_format(&k, false, se), steer_flow_endpoint_format(&k, true, de));
}

static void set_v4(uint8_t *a, uint32_t v)
{
	memset(a, 0, 16);
	put_be32(a, v);
}

static void set_v6(uint8_t *a, uint32_t prefix_hi, uint64_t lo)
{
	memset(a, 0, 16);
	put_be32(a, 0x20010db8u);
	put_be32(a + 4, prefix_hi);
	put_be32(a + 8, (uint32_t)(lo >> 32));
	put_be32(a + 12, (uint32_t)lo);
}

/* A new flow's addresses, ports and encapsulation (client to server). */
static void flow_init(struct flow *f, uint64_t id, enum kind kind, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->kind = kind;
	f->rng.s = seed ^ (id * STEER_SPLITMIX64_GAMMA) ^ 0x5eedull;
	struct rng *r = &f->rng;
	struct cap_frame_spec *s = &f->c2s;
	uint64_t h = rnd64(r);
	static const uint8_t cmac[6] = {0x00, 0x16, 0x3e, 0x10, 0x00, 0x01};
	static const uint8_t smac[6] = {0x00, 0x16, 0x3e, 0x20, 0x00, 0x01};
	memcpy(s->mac_src, cmac, 6);
	memcpy(s->mac_dst, smac, 6);
	s->mac_src[5] = (uint8_t)(h >> 40);
	s->mac_dst[5] = (uint8_t)(h >> 48);
	bool v6 = kind == K_IPV6 || kind == K_FRAG6 || ((kind == K_VLAN || kind == K_MPLS) &&
	                                                 (h & 3) == 0);
	s->family = v6 ? 6 : 4;
	if (v6) {
		set_v6(s->src, 0x000c0000u, h & 0xffffffffffull);
		set_v6(s->dst, 0x00050000u, 1 + (h >> 58));
	} else {
		set_v4(s->src, 0x0a000000u | (uint32_t)(h & 0xffffff));
		set_v4(s->dst, (h >> 60 & 1 ? 0xc6336400u : 0xcb007100u) | (uint32_t)(1 + (h >> 53 & 63)));
	}
	uint32_t pick = rndn(r, 10);
	s->proto = pick < 6 ? 6 : 17;
	if (kind == K_TCP)
		s->proto = 6;
	if (kind == K_UDP || kind == K_FRAG || kind == K_FRAG6)
		s->proto = 17;
	if (kind == K_ICMP || (kind == K_IPV6 && pick == 9))
		s->proto = v6 ? 58 : 1;
	s->sport = (uint16_t)(32768 + rndn(r, 28000));
	static const uint16_t tcp_ports[] = {443, 443, 443, 80, 80, 22, 25, 8080};
	static const uint16_t udp_ports[] = {53, 53, 123, 443, 5353, 514};
	s->dport = s->proto == 6 ? tcp_ports[rndn(r, 8)] : udp_ports[rndn(r, 6)];
	if (s->proto == 1 || s->proto == 58) {
		s->sport = (uint16_t)rnd64(r); /* echo id */
		s->dport = 1;                 /* sequence */
	}
	s->ip_id = (uint16_t)rnd64(r);
	s->frag_id = (uint32_t)rnd64(r);
	if (kind == K_VLAN) {
		s->nvlan = 1;
		s->vlan[0] = (uint16_t)(10 + rndn(r, 20));
	} else if (kind == K_QINQ) {
		s->nvlan = 2;
		s->vlan[0] = (uint16_t)(100 + rndn(r, 4));
		s->vlan[1] = (uint16_t)(10 + rndn(r, 20));
	} else if (kind == K_MPLS) {
		s->nmpls = (uint8_t)(1 + rndn(r, 2));
		s->mpls[0] = 16 + rndn(r, 1000);
		s->mpls[1] = 16 + rndn(r, 1000);
	} else if (kind == K_GRE || kind == K_VXLAN) {
		s->tunnel = kind == K_GRE ? CAP_TUN_GRE : CAP_TUN_VXLAN;
		put_be32(s->outer_src, 0xc0000200u | (1 + rndn(r, 8)));   /* 192.0.2.x */
		put_be32(s->outer_dst, 0xc6120000u | (1 + rndn(r, 8)));   /* 198.18.0.x */
		/* RFC 7348: the source port is a hash of the inner flow, the same both ways here. */
		s->outer_sport = (uint16_t)(49152 + (h >> 20) % 16384);
		s->vni = 5000 + rndn(r, 16);
	} else if (kind == K_ARP) {
		s->arp = true;
		s->family = 4;
	}
	f->rst = rndn(r, 8) == 0;
	f->cseq = (uint32_t)rnd64(r);
	f->sseq = (uint32_t)rnd64(r);
	/* Heavy tail: most flows are a few packets, a few are thousands. */
	f->ndata = pareto(r, 2.0, 1.1, 4000);
	f->nround = 1 + pareto(r, 1.0, 1.5, 50);
}

static void fill_payload(struct synth *sy, struct rng *r, uint32_t n)
{
	uint64_t v = rnd64(r);
	for (uint32_t i = 0; i < n; i++) {
		if ((i & 7) == 0)
			v = v * 6364136223846793005ull + 1442695040888963407ull;
		sy->payload[i] = (uint8_t)(v >> (8 * (i & 7)));
	}
}

static int emit(struct synth *sy, const struct flow *f, bool s2c, const uint8_t *frame,
                size_t len)
{
	/* 1 to ~100 us apart (exponential), strictly increasing even in microseconds. */
	uint64_t gap = 1000 + (uint64_t)(-log(rndu(&sy->rng)) * 20000.0);
	sy->ts_ns += sy->nano ? gap : (gap / 1000) * 1000;
	struct cap_pkthdr h = {
		.ts_sec = (int64_t)(sy->ts_ns / 1000000000u),
		.ts_frac = (uint32_t)(sy->ts_ns % 1000000000u / (sy->nano ? 1 : 1000)),
		.caplen = (uint32_t)len,
		.len = (uint32_t)len,
	};
	if (cap_writer_write(sy->w, &h, frame) != 0)
		return STEER_EIO;
	sy->npkts++;
	sy->bytes += 16 + len;
	if (sy->truth)
		fprintf(sy->truth, "P %llu %llu %s\n", (unsigned long long)sy->npkts,
		        (unsigned long long)f->id, s2c ? "s2c" : "c2s");
	return 0;
}

/* Builds and writes one packet (or all the fragments of one datagram) of flow f. */
static int send_pkt(struct synth *sy, struct flow *f, bool s2c, uint8_t tcp_flags, uint32_t plen)
{
	struct cap_frame_spec s;
	s = f->c2s;
	if (s2c) {
		cap_frame_spec_reverse(&f->c2s, &s);
		/* the server numbers its own packets */
		s.ip_id = (uint16_t)(s.ip_id + 0x4000);
		s.frag_id ^= 0x80000000u;
	}
	s.tcp_flags = tcp_flags;
	s.seq = s2c ? f->sseq : f->cseq;
	s.ack = tcp_flags & 0x10 ? (s2c ? f->cseq : f->sseq) : 0;
	if (s.proto == 1)
		s.icmp_type = s2c ? 0 : 8;
	if (s.proto == 58)
		s.icmp_type = s2c ? 129 : 128;
	if (s.proto == 1 || s.proto == 58) {
		s.sport = f->c2s.sport;
		s.dport = (uint16_t)((f->step + 1) / 2); /* request and reply share a sequence */
	}
	if (s.arp)
		s.arp_op = s2c ? 2 : 1;
	fill_payload(sy, &f->rng, plen);
	s.payload = plen ? sy->payload : NULL;
	s.payload_len = plen;
	uint32_t *seq = s2c ? &f->sseq : &f->cseq;
	*seq += plen + (tcp_flags & 0x03 ? 1 : 0);
	f->c2s.ip_id++;
	int rc;
	if (f->kind == K_FRAG || f->kind == K_FRAG6) {
		unsigned n;
		f->c2s.frag_id++;
		rc = cap_frame_build_frags(sy->fr, &s, f->kind == K_FRAG ? 1480 : 1232,
		                           &sy->frags[0][0], sizeof(sy->frags[0]), sy->fraglens, 16,
		                           &n);
		for (unsigned i = 0; rc == 0 && i < n; i++)
			rc = emit(sy, f, s2c, sy->frags[i], sy->fraglens[i]);
	} else {
		size_t len;
		rc = cap_frame_build(sy->fr, &s, sy->frame, sizeof(sy->frame), &len);
		if (rc == 0)
			rc = emit(sy, f, s2c, sy->frame, len);
	}
	if (rc && !sy->errbuf[0])
		snprintf(sy->errbuf, sizeof(sy->errbuf), "%s", cap_framer_error(sy->fr));
	return rc;
}

static uint32_t data_len(struct rng *r, bool bulk)
{
	if (bulk)
		return rndn(r, 10) < 7 ? 1448 : 1 + rndn(r, 1448);
	return 40 + rndn(r, 560);
}

/* One step of a TCP connection: handshake, data (mostly server to client, every other
 * packet an ACK back), then FIN / FIN / ACK or one RST. */
static int step_tcp(struct synth *sy, struct flow *f)
{
	uint32_t s = f->step++;
	if (s == 0)
		return send_pkt(sy, f, false, 0x02, 0);
	if (s == 1)
		return send_pkt(sy, f, true, 0x12, 0);
	if (s == 2)
		return send_pkt(sy, f, false, 0x10, 0);
	uint32_t d = s - 3;
	if (d < f->ndata) {
		if (d == 0)
			return send_pkt(sy, f, false, 0x18, data_len(&f->rng, false));
		if (d % 3 == 2)
			return send_pkt(sy, f, false, 0x10, 0);
		return send_pkt(sy, f, true, 0x18, data_len(&f->rng, true));
	}
	uint32_t t = d - f->ndata;
	if (f->rst) {
		f->done = true;
		return send_pkt(sy, f, rndn(&f->rng, 2), 0x14, 0);
	}
	if (t == 2)
		f->done = true;
	return send_pkt(sy, f, t == 1, t == 2 ? 0x10 : 0x11, 0);
}

/* Request / response pairs: UDP, ICMP echo, ARP, fragmented UDP. */
static int step_pairs(struct synth *sy, struct flow *f)
{
	uint32_t s = f->step++;
	bool reply = s & 1;
	if (s + 1 >= 2 * f->nround || (f->kind == K_ARP && s == 1))
		f->done = true;
	uint32_t len;
	if (f->kind == K_FRAG || f->kind == K_FRAG6)
		len = reply ? 1500 + rndn(&f->rng, 4000) : 100 + rndn(&f->rng, 3000);
	else if (f->kind == K_ARP)
		len = 0;
	else
		len = reply ? 40 + rndn(&f->rng, 1200) : 20 + rndn(&f->rng, 200);
	return send_pkt(sy, f, reply, 0, len);
}

static int step(struct synth *sy, struct flow *f)
{
	if (f->c2s.proto == 6 && !f->c2s.arp)
		return step_tcp(sy, f);
	return step_pairs(sy, f);
}

static void truth_flow(struct synth *sy, const struct flow *f)
{
	char outer[160], inner[160];
	const struct cap_frame_spec *s = &f->c2s;
	if (s->arp) {
		fprintf(sy->truth, "F %llu arp - -\n", (unsigned long long)f->id);
		return;
	}
	which_args(inner, sizeof(inner), s->family, s->proto, s->src, s->dst, s->sport, s->dport);
	if (s->tunnel == CAP_TUN_GRE) {
		uint8_t a[16] = {0}, b[16] = {0};
		memcpy(a, s->outer_src, 4);
		memcpy(b, s->outer_dst, 4);
		which_args(outer, sizeof(outer), 4, 47, a, b, 0, 0);
	} else if (s->tunnel == CAP_TUN_VXLAN) {
		uint8_t a[16] = {0}, b[16] = {0};
		memcpy(a, s->outer_src, 4);
		memcpy(b, s->outer_dst, 4);
		which_args(outer, sizeof(outer), 4, 17, a, b, s->outer_sport, 4789);
	} else {
		memcpy(outer, inner, sizeof(outer));
	}
	fprintf(sy->truth, "F %llu %s %s\t%s\n", (unsigned long long)f->id, kinds[f->kind].name,
	        outer, inner);
}

static bool parse_mix(const char *prog, const char *s, unsigned w[K__COUNT])
{
	memset(w, 0, sizeof(unsigned) * K__COUNT);
	char *dup = strdup(s), *save = NULL;
	if (!dup)
		return false;
	bool ok = true;
	for (char *tok = strtok_r(dup, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		uint64_t wt = 1;
		if (colon) {
			*colon = '\0';
			if (!cli_parse_u64(prog, "--mix weight", colon + 1, 1, 1000, false, &wt)) {
				ok = false;
				break;
			}
		}
		if (strcmp(tok, "all") == 0) {
			for (int k = 0; k < K__COUNT; k++)
				w[k] += kinds[k].weight * (unsigned)wt;
			continue;
		}
		int k = 0;
		while (k < K__COUNT && strcmp(tok, kinds[k].name) != 0)
			k++;
		if (k == K__COUNT) {
			cli_usage_error(prog, "--mix: unknown flow kind '%s' (tcp, udp, icmp, ipv6, "
			                      "vlan, qinq, mpls, gre, vxlan, frag, frag6, arp, all)", tok);
			ok = false;
		} else {
			w[k] += (unsigned)wt;
		}
	}
	free(dup);
	return ok;
}

static bool parse_size(const char *prog, const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t mult = 1;
	if (n && n < sizeof(num)) {
		char u = (char)toupper((unsigned char)s[n - 1]);
		mult = u == 'K' ? 1ull << 10 : u == 'M' ? 1ull << 20 : u == 'G' ? 1ull << 30 : 1;
	}
	if (n == 0 || n >= sizeof(num)) {
		cli_usage_error(prog, "--size: '%s' is not a size", s);
		return false;
	}
	memcpy(num, s, n + 1);
	if (mult > 1)
		num[n - 1] = '\0';
	uint64_t v;
	if (!cli_parse_u64(prog, "--size", num, 1, (1ull << 42) / mult, false, &v))
		return false;
	*out = v * mult;
	return true;
}

static enum kind pick_kind(struct rng *r, const unsigned w[K__COUNT], unsigned total)
{
	uint32_t x = rndn(r, total);
	for (int k = 0; k < K__COUNT; k++) {
		if (x < w[k])
			return (enum kind)k;
		x -= w[k];
	}
	return K_TCP;
}

static int run(struct synth *sy, uint64_t nflows, uint64_t size, unsigned conc,
               const unsigned w[K__COUNT], uint64_t seed)
{
	unsigned total = 0;
	for (int k = 0; k < K__COUNT; k++)
		total += w[k];
	struct flow *act = calloc(conc, sizeof(*act));
	if (!act)
		return STEER_ENOMEM;
	uint64_t started = 0;
	unsigned nact = 0;
	int rc = 0;
	for (;;) {
		/* Keep conc flows going until the flow count or the size is reached. */
		while (nact < conc && started < nflows && (!size || sy->bytes < size)) {
			struct flow *f = &act[nact++];
			flow_init(f, started, pick_kind(&sy->rng, w, total), seed);
			started++;
			if (sy->truth)
				truth_flow(sy, f);
		}
		if (nact == 0)
			break;
		unsigned i = rndn(&sy->rng, nact);
		if ((rc = step(sy, &act[i])) != 0)
			break;
		if (act[i].done)
			act[i] = act[--nact];
	}
	free(act);
	return rc;
}

int steerctl_synth(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
		{"flows", required_argument, NULL, 'n'},
		{"out", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 's'},
		{"mix", required_argument, NULL, 'm'},
		{"size", required_argument, NULL, 'S'},
		{"concurrency", required_argument, NULL, 'C'},
		{"nano", no_argument, NULL, 'N'},
		{"truth", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steerctl synth";
	const char *out = NULL, *truth = NULL;
	uint64_t nflows = 0, seed = 1, size = 0, conc = 32;
	bool nano = false;
	unsigned w[K__COUNT];
	int c;
	(void)confdir;
	parse_mix(prog, "all", w);
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!cli_parse_u64(prog, "--flows", optarg, 1, UINT32_MAX, false, &nflows))
				return EXIT_USAGE;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			if (!cli_parse_u64(prog, "--seed", optarg, 0, UINT64_MAX, true, &seed))
				return EXIT_USAGE;
			break;
		case 'm':
			if (!parse_mix(prog, optarg, w))
				return EXIT_USAGE;
			break;
		case 'S':
			if (!parse_size(prog, optarg, &size))
				return EXIT_USAGE;
			break;
		case 'C':
			if (!cli_parse_u64(prog, "--concurrency", optarg, 1, 65536, false, &conc))
				return EXIT_USAGE;
			break;
		case 'N':
			nano = true;
			break;
		case 't':
			truth = optarg;
			break;
		default:
			return cli_opt_done(prog, c, usage, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	if (!out) {
		cli_usage_error(prog, "--out FILE is required");
		return EXIT_USAGE;
	}
	if (!nflows)
		nflows = size ? UINT64_MAX : 1000;
	struct synth *sy = calloc(1, sizeof(*sy));
	if (!sy) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	sy->rng.s = seed;
	sy->nano = nano;
	sy->ts_ns = 1700000000ull * 1000000000u;
	/* the outputs: "-" is stdout; each file replaced once complete (common/ofile.h) */
	struct ofile of = {0}, tf = {0};
	int rc = ofile_open(&of, prog, "--out", out, 0);
	if (rc == 0 && truth && (rc = ofile_open(&tf, prog, "--truth", truth, 0)) == 0 &&
	    ofile_same(&of, &tf)) {
		fprintf(stderr, "%s: --truth and --out name the same file (%s)\n", prog, truth);
		rc = -1;
	}
	if (rc == 0 && truth && !(sy->truth = ofile_fdopen(&tf))) {
		fprintf(stderr, "%s: out of memory\n", prog);
		rc = -1;
	}
	if (rc == 0 && cap_framer_new(&sy->fr, sy->errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, sy->errbuf);
		rc = -1;
	}
	int fd = rc == 0 ? ofile_take_fd(&of) : -1;
	if (rc == 0 && fd < 0) {
		fprintf(stderr, "%s: --out: %s: %s\n", prog, out, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && cap_writer_open_fd(fd, out, 1, 65535, nano ? CAP_TS_NANO : CAP_TS_MICRO, 0,
	                                  &sy->w, sy->errbuf) != 0) {
		fprintf(stderr, "%s: --out: %s\n", prog, sy->errbuf);
		rc = -1;
	}
	if (rc == 0 && (rc = run(sy, nflows, size, (unsigned)conc, w, seed)) != 0)
		fprintf(stderr, "%s: %s\n", prog, sy->errbuf[0] ? sy->errbuf : steer_strerror(rc));
	char cerr[STEER_ERRBUF_SIZE] = "";
	if (sy->w && cap_writer_close(sy->w, cerr) != 0 && rc == 0) {
		fprintf(stderr, "%s: --out: %s\n", prog, cerr);
		rc = -1;
	}
	/* both complete, or neither replaces what it names */
	if (rc == 0 && (ofile_commit(&of, prog) != 0 || ofile_commit(&tf, prog) != 0))
		rc = -1;
	ofile_abort(&of);
	ofile_abort(&tf);
	cap_framer_free(sy->fr);
	free(sy);
	return rc ? EXIT_USAGE : EXIT_OK;
}
