/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/probe.c: `steercheck probe`: crafted probe flows (both directions, every
 * encapsulation) built, sent into the balancer's input and caught on every worker's interface;
 * the verdict is the library's (steer/probe.h), the report probe_report.c's. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <steer/cap_frame.h>
#include <steer/cap_netdev.h>
#include <steer/cap_privs.h>
#include <steer/error.h>
#include <steer/flowkey.h>
#include <steer/probe.h>
#include <steer/splitmix.h>

#include "cli.h"
#include "steercheck.h"
#include "cap.h"

static const char probe_usage[] =
	"Usage: steercheck [-c DIR] probe --in IFACE[@NETNS] [-i [WORKER=]IFACE[@NETNS],...]\n"
	"                  [--kinds LIST] [--flows N] [--seed S] [--wait T] [--gap US]\n"
	"                  [--user USER] [OPTIONS]\n"
	"\n"
	"Send crafted probe flows into the balancer's input and capture on every worker's\n"
	"interface. Every probe frame carries its probe id and number in its payload. Each\n"
	"must arrive exactly once, at one worker, the same worker for both directions of\n"
	"its flow, and, when the profile's hash is known, at the worker the plan predicts.\n"
	"Reports lost, duplicated, split and misdirected probes.\n"
	"\n"
	"      --in IFACE        where the balancer reads (IFACE@NETNS: in an 'ip netns')\n"
	"  -i, --interface LIST  the workers' capture points, as for 'steercheck live'\n"
	"                        (default: the workers' 'interface' values)\n"
	"      --kinds LIST      probe kinds, comma-separated (default: all): tcp udp icmp\n"
	"                        ipv6 vlan qinq mpls frag frag6 gre vxlan\n"
	"      --flows N         probe flows per kind (default 4)\n"
	"      --seed S          seed of the probe tuples (default 1)\n"
	"      --wait T          how long to wait for late frames after the last one sent\n"
	"                        (default 1s; ends early once every frame arrived)\n"
	"      --gap US          microseconds between two frames sent (default 200)\n"
	"      --user USER       drop root for USER once the interfaces are open\n"
	"  -h, --help            show this help\n"
	"Report options:\n"
	"  -c, --config DIR      configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                        else /etc/steer)\n"
	"      --json            the report as JSON on standard output\n"
	"      --html FILE       also write the report as one self-contained HTML page\n"
	"                        (bar chart of the frames each worker received and was\n"
	"                        predicted, tables of kinds and faults)\n"
	"      --max-split N[%]  split and asymmetric probe flows tolerated: a number, or\n"
	"                        a percentage of the probe flows (default 0)\n"
	"      --no-predict      do not hold probes to the predicted worker\n"
	"      --stats           time, frames sent and caught, memory on standard error\n"
	"\n"
	"Exit status: 0 every probe arrived once at the right worker; 1 probes were lost,\n"
	"duplicated, misdirected, or split beyond --max-split; 2 usage, configuration or\n"
	"interface error.\n";

#define FRAG_SIZE 512u /* bytes of IP payload per fragment (a multiple of 8 and of a record) */
#define MAX_FRAGS 8u
#define FRAG_SLOT 2048u

/* The frames to send, built up front: their bytes in one buffer. */
struct pframe {
	uint32_t off, len;
};

struct sender {
	const char *prog;
	struct steer_probe *pr;
	uint32_t nonce;
	struct pframe *fr;
	uint32_t nfr, capfr;
	uint8_t *buf;
	size_t nbuf, capbuf;
	const struct steer_plan *plan;
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static int grow(struct sender *sd, uint32_t frames, size_t bytes)
{
	if (sd->nfr + frames > sd->capfr) {
		uint32_t n = sd->capfr ? sd->capfr * 2 : 256;
		while (n < sd->nfr + frames)
			n *= 2;
		struct pframe *v = realloc(sd->fr, n * sizeof(*v));
		if (!v)
			return STEER_ENOMEM;
		sd->fr = v;
		sd->capfr = n;
	}
	if (sd->nbuf + bytes > sd->capbuf) {
		size_t n = sd->capbuf ? sd->capbuf * 2 : 1u << 20;
		while (n < sd->nbuf + bytes)
			n *= 2;
		uint8_t *b = realloc(sd->buf, n);
		if (!b)
			return STEER_ENOMEM;
		sd->buf = b;
		sd->capbuf = n;
	}
	return 0;
}

/* Records frame bytes [off, off + len) of the buffer as the next frame of flow/dir. */
static int add_frame(struct sender *sd, uint32_t flow, unsigned dir, size_t off, size_t len)
{
	int rc = steer_probe_sent(sd->pr, flow, dir, sd->buf + off, (uint32_t)len);
	if (rc)
		return rc;
	sd->fr[sd->nfr++] = (struct pframe){(uint32_t)off, (uint32_t)len};
	return 0;
}

static int build_error(struct sender *sd, enum steer_probe_kind k, struct cap_framer *fm,
                       int rc)
{
	fprintf(stderr, "%s: building a %s probe: %s\n", sd->prog, steer_probe_kind_name(k),
	        cap_framer_error(fm));
	return rc;
}

/* Builds and records one (unfragmented) frame of flow/dir with a payload of records. */
static int build_one(struct sender *sd, struct cap_framer *fm, enum steer_probe_kind k,
                     struct cap_frame_spec *s, uint32_t flow, unsigned dir, uint32_t plen)
{
	uint8_t payload[256];
	int rc = grow(sd, 1, CAP_FRAME_MAX);
	if (rc)
		return rc;
	steer_probe_fill(payload, plen, sd->nonce, flow, steer_probe_next_frame(sd->pr));
	s->payload = payload;
	s->payload_len = plen;
	size_t len;
	rc = cap_frame_build(fm, s, sd->buf + sd->nbuf, CAP_FRAME_MAX, &len);
	s->payload = NULL;
	if (rc)
		return build_error(sd, k, fm, rc);
	size_t off = sd->nbuf;
	sd->nbuf += len;
	return add_frame(sd, flow, dir, off, len);
}

/* One fragmented UDP packet of flow/dir: each fragment's share of the payload holds records
 * with that fragment's own frame number (fragment k carries IP payload [k*F, (k+1)*F): the
 * 8-byte UDP header, then the payload). */
static int build_frags(struct sender *sd, struct cap_framer *fm, enum steer_probe_kind k,
                       struct cap_frame_spec *s, uint32_t flow, unsigned dir)
{
	enum { PLEN = 3 * FRAG_SIZE + 200 };
	uint8_t payload[PLEN];
	uint32_t first = steer_probe_next_frame(sd->pr);
	for (uint32_t i = 0; i * FRAG_SIZE < PLEN + 8; i++) {
		size_t from = i == 0 ? 0 : i * FRAG_SIZE - 8;
		size_t to = (i + 1) * FRAG_SIZE - 8;
		if (to > PLEN)
			to = PLEN;
		/* the first fragment's share starts after the UDP header: align its records there */
		steer_probe_fill(payload + from, to - from, sd->nonce, flow, first + i);
	}
	int rc = grow(sd, MAX_FRAGS, (size_t)MAX_FRAGS * FRAG_SLOT);
	if (rc)
		return rc;
	s->payload = payload;
	s->payload_len = PLEN;
	size_t lens[MAX_FRAGS];
	unsigned n = 0;
	rc = cap_frame_build_frags(fm, s, FRAG_SIZE, sd->buf + sd->nbuf, FRAG_SLOT, lens,
	                           MAX_FRAGS, &n);
	s->payload = NULL;
	if (rc)
		return build_error(sd, k, fm, rc);
	/* each fragment sits in its own slot */
	size_t base = sd->nbuf;
	sd->nbuf = base + (size_t)n * FRAG_SLOT;
	for (unsigned i = 0; i < n && !rc; i++)
		rc = add_frame(sd, flow, dir, base + (size_t)i * FRAG_SLOT, lens[i]);
	return rc;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The spec of probe flow i of kind k: client -> server. */
static void make_spec(enum steer_probe_kind k, uint32_t i, uint64_t *seed,
                      struct cap_frame_spec *s)
{
	memset(s, 0, sizeof(*s));
	const uint8_t mac_c[6] = {0x02, 0x53, 0x50, 0x00, 0x00, 0x01};
	const uint8_t mac_s[6] = {0x02, 0x53, 0x50, 0x00, 0x00, 0x02};
	memcpy(s->mac_src, mac_c, 6);
	memcpy(s->mac_dst, mac_s, 6);
	uint64_t r = steer_splitmix64(seed);
	bool v6 = k == STEER_PROBE_IPV6 || k == STEER_PROBE_FRAG6;
	s->family = v6 ? 6 : 4;
	if (v6) {
		const uint8_t pre[6] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x83};
		memcpy(s->src, pre, 6);
		memcpy(s->dst, pre, 6);
		s->dst[5] = 0x02;
		s->src[6] = (uint8_t)k;
		s->src[7] = (uint8_t)i;
		s->src[14] = (uint8_t)(r >> 8);
		s->src[15] = (uint8_t)r;
		s->dst[14] = (uint8_t)(r >> 16);
		s->dst[15] = (uint8_t)(r >> 24) | 1;
	} else {
		put_be32(s->src, 0x0a530000u | (uint32_t)(r & 0xffff));        /* 10.83.x.y */
		put_be32(s->dst, 0xc6336400u | (uint32_t)((r >> 16) & 0x7f) | 1); /* 198.51.100.x */
	}
	s->ip_id = (uint16_t)(r >> 32);
	s->frag_id = (uint32_t)(r >> 24);
	s->sport = (uint16_t)(1024 + (r >> 40) % 60000);
	static const uint16_t servers[] = {80, 443, 53, 22, 25, 8080, 123, 514};
	s->dport = servers[(r >> 56) % 8];
	s->proto = 6;
	switch (k) {
	case STEER_PROBE_UDP:
	case STEER_PROBE_FRAG:
	case STEER_PROBE_FRAG6:
		s->proto = 17;
		break;
	case STEER_PROBE_ICMP:
		s->proto = 1;
		s->icmp_type = 8;
		s->sport = (uint16_t)(r >> 8); /* echo id */
		s->dport = (uint16_t)i + 1;    /* echo sequence */
		break;
	case STEER_PROBE_IPV6:
		/* TCP, UDP and ICMPv6 in turn */
		s->proto = i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 58;
		if (s->proto == 58) {
			s->icmp_type = 128;
			s->sport = (uint16_t)(r >> 8);
			s->dport = (uint16_t)i + 1;
		}
		break;
	case STEER_PROBE_VLAN:
		s->nvlan = 1;
		s->vlan[0] = (uint16_t)(10 + i % 100);
		s->proto = i % 2 ? 17 : 6;
		break;
	case STEER_PROBE_QINQ:
		s->nvlan = 2;
		s->vlan[0] = (uint16_t)(200 + i % 50);
		s->vlan[1] = (uint16_t)(300 + i % 50);
		s->proto = i % 2 ? 17 : 6;
		break;
	case STEER_PROBE_MPLS:
		s->nmpls = 1 + i % 2;
		s->mpls[0] = 1000 + i;
		s->mpls[1] = 2000 + i;
		s->proto = i % 2 ? 17 : 6;
		break;
	case STEER_PROBE_GRE:
	case STEER_PROBE_VXLAN:
		s->tunnel = k == STEER_PROBE_GRE ? CAP_TUN_GRE : CAP_TUN_VXLAN;
		put_be32(s->outer_src, 0xc0000200u | (uint32_t)(1 + i % 200));  /* 192.0.2.x */
		put_be32(s->outer_dst, 0xc6120000u | (uint32_t)(1 + (r >> 48) % 200)); /* 198.18.0.x */
		s->outer_sport = (uint16_t)(49152 + (r >> 20) % 16384);
		s->vni = 5000 + i;
		s->proto = i % 2 ? 17 : 6;
		break;
	default:
		break;
	}
}

/* Probe flow i of kind k: the flow recorded, then its frames (both directions) built. */
static int build_flow(struct sender *sd, struct cap_framer *fm, enum steer_probe_kind k,
                      uint32_t i, uint64_t *seed)
{
	struct cap_frame_spec c2s, s2c;
	make_spec(k, i, seed, &c2s);
	cap_frame_spec_reverse(&c2s, &s2c);
	/* "KIND" and the flow as the reports write flows */
	struct steer_flow_key key = {.family = c2s.family, .proto = c2s.proto,
	                             .sport = c2s.sport, .dport = c2s.dport};
	memcpy(key.src, c2s.src, 16);
	memcpy(key.dst, c2s.dst, 16);
	char text[STEER_FLOW_STRLEN], desc[STEER_FLOW_STRLEN + 16];
	snprintf(desc, sizeof(desc), "%s %s", steer_probe_kind_name(k),
	         steer_flow_key_format(&key, text));
	uint32_t flow;
	int rc = steer_probe_add_flow(sd->pr, k, desc, &flow);
	if (rc)
		return rc;
	if (k == STEER_PROBE_FRAG || k == STEER_PROBE_FRAG6) {
		rc = build_frags(sd, fm, k, &c2s, flow, 0);
		if (!rc) {
			s2c.ip_id ^= 0x5555;
			s2c.frag_id ^= 0x5555;
			rc = build_frags(sd, fm, k, &s2c, flow, 1);
		}
	} else if (c2s.proto == 6) {
		/* handshake, data both ways, FIN both ways */
		static const struct { uint8_t dir, flags; uint16_t plen; } seq[] = {
			{0, 0x02, 32}, {1, 0x12, 32}, {0, 0x18, 160}, {1, 0x18, 240},
			{0, 0x11, 32}, {1, 0x11, 32},
		};
		uint32_t cs = (uint32_t)steer_splitmix64(seed);
		uint32_t ss = (uint32_t)steer_splitmix64(seed);
		for (size_t j = 0; j < sizeof(seq) / sizeof(seq[0]) && !rc; j++) {
			struct cap_frame_spec *s = seq[j].dir ? &s2c : &c2s;
			s->tcp_flags = seq[j].flags;
			s->seq = seq[j].dir ? ss : cs;
			s->ack = seq[j].dir ? cs : ss;
			rc = build_one(sd, fm, k, s, flow, seq[j].dir, seq[j].plen);
			if (seq[j].dir)
				ss += seq[j].plen;
			else
				cs += seq[j].plen;
		}
	} else {
		rc = build_one(sd, fm, k, &c2s, flow, 0, 64);
		if (!rc)
			rc = build_one(sd, fm, k, &s2c, flow, 1, 96);
	}
	return rc;
}

static int parse_kinds(const char *prog, const char *s, bool on[STEER_PROBE__COUNT])
{
	memset(on, 0, STEER_PROBE__COUNT * sizeof(bool));
	if (!strcmp(s, "all")) {
		for (int k = 0; k < STEER_PROBE__COUNT; k++)
			on[k] = true;
		return 0;
	}
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		enum steer_probe_kind k;
		if (steer_probe_kind_from_name(s, n, &k) != 0) {
			cli_usage_error(prog, "--kinds: unknown kind '%.*s'", (int)n, s);
			return -1;
		}
		on[k] = true;
		s += n + (e ? 1 : 0);
	}
	return 0;
}

struct catcher {
	struct steer_probe *pr;
	const struct steer_plan *plan;
	uint64_t frames;
};

static void on_frame(void *arg, const struct sc_cap *c, const struct cap_pkthdr *h,
                     const uint8_t *d)
{
	struct catcher *ct = arg;
	int w = sc_caps_worker_of(ct->plan, c, d, h->caplen);
	ct->frames++;
	steer_probe_arrived(ct->pr, w < 0 ? STEER_PROBE_NO_WORKER : w, d, h->caplen);
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

/* Opens the injector on --in, IFNAME[@NS] (inside NS for the open only). */
static int open_input(const char *prog, const char *in, const char *ifname, const char *ns,
                      struct cap_injector **inj)
{
	char errbuf[STEER_ERRBUF_SIZE];
	int saved = -1;
	if (ns && cap_netns_enter(ns, &saved, errbuf) != 0) {
		fprintf(stderr, "%s: --in %s: %s\n", prog, in, errbuf);
		return -1;
	}
	int rc = cap_injector_open(ifname, inj, errbuf);
	if (ns && cap_netns_leave(saved) != 0) {
		fprintf(stderr, "%s: cannot return from network namespace %s\n", prog, ns);
		return -1;
	}
	if (rc != 0) {
		fprintf(stderr, "%s: --in %s: %s\n", prog, in, errbuf);
		return -1;
	}
	return 0;
}

/* Sends every frame (draining the captures as it goes), then waits for late ones: until every
 * frame arrived (then a short grace for duplicates) or the wait is over. */
static int send_and_catch(struct sender *sd, const char *in, struct cap_injector *inj,
                          struct sc_caps *caps, struct catcher *ct, uint64_t gap_us,
                          uint64_t wait_ms)
{
	for (uint32_t i = 0; i < sd->nfr && !g_stop; i++) {
		if (cap_inject(inj, sd->buf + sd->fr[i].off, sd->fr[i].len) != 0) {
			fprintf(stderr, "%s: --in %s: sending probe frame %u: %s\n", sd->prog, in, i,
			        cap_injector_error(inj));
			return -1;
		}
		if (gap_us)
			sleep_us((long)gap_us);
		if ((i & 63) == 63 && sc_caps_poll(sd->prog, caps, 0, on_frame, ct) < 0)
			return -1;
	}
	double end = sc_now() + (double)wait_ms / 1000.0, grace = -1;
	while (!g_stop && sc_now() < end) {
		if (sc_caps_poll(sd->prog, caps, 10, on_frame, ct) < 0)
			return -1;
		if (grace < 0 && steer_probe_complete(sd->pr))
			grace = sc_now() + 0.2;
		if (grace >= 0 && sc_now() >= grace)
			break;
	}
	for (size_t i = 0; i < caps->n; i++) {
		uint64_t d = sc_caps_drops(caps, i);
		if (d)
			fprintf(stderr, "%s: %s: the kernel dropped %llu frames: losses may be the "
			                "capture's\n",
			        sd->prog, caps->v[i].spec, (unsigned long long)d);
	}
	return 0;
}

int steercheck_probe(int argc, char **argv, const char *confdir)
{
	enum { OPT_IN = 2000, OPT_KINDS, OPT_FLOWS, OPT_SEED, OPT_WAIT, OPT_GAP, OPT_USER };
	static const struct option opts[] = {
		SC_REPORT_LONGOPTS,
		{"in", required_argument, NULL, OPT_IN},
		{"interface", required_argument, NULL, 'i'},
		{"kinds", required_argument, NULL, OPT_KINDS},
		{"flows", required_argument, NULL, OPT_FLOWS},
		{"seed", required_argument, NULL, OPT_SEED},
		{"wait", required_argument, NULL, OPT_WAIT},
		{"gap", required_argument, NULL, OPT_GAP},
		{"user", required_argument, NULL, OPT_USER},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steercheck probe";
	const char *in = NULL, *list = NULL, *user = NULL;
	bool kinds[STEER_PROBE__COUNT];
	parse_kinds(prog, "all", kinds);
	uint64_t flows = 4, seed = 1, wait_ms = 1000, gap_us = 200;
	struct sc_common o;
	sc_common_init(&o, confdir);
	int c;
	while ((c = getopt_long(argc, argv, "c:i:h", opts, NULL)) != -1) {
		int r = sc_common_opt(&o, prog, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_IN:
			in = optarg;
			break;
		case 'i':
			list = optarg;
			break;
		case OPT_KINDS:
			if (parse_kinds(prog, optarg, kinds) != 0)
				return EXIT_USAGE;
			break;
		case OPT_FLOWS:
			if (!cli_parse_u64(prog, "--flows", optarg, 1, 10000, false, &flows))
				return EXIT_USAGE;
			break;
		case OPT_SEED:
			if (!cli_parse_u64(prog, "--seed", optarg, 0, UINT64_MAX, true, &seed))
				return EXIT_USAGE;
			break;
		case OPT_WAIT:
			if (!sc_parse_duration(prog, "--wait", optarg, &wait_ms))
				return EXIT_USAGE;
			break;
		case OPT_GAP:
			if (!cli_parse_u64(prog, "--gap", optarg, 0, 1000000, false, &gap_us))
				return EXIT_USAGE;
			break;
		case OPT_USER:
			user = optarg;
			break;
		default:
			return cli_opt_done(prog, c, probe_usage, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	if (!in) {
		cli_usage_error(prog, "--in IFACE (the balancer's input) is required");
		return EXIT_USAGE;
	}
	char in_if[16];
	const char *in_ns;
	if (cap_netns_split(in, in_if, &in_ns) != 0) {
		cli_usage_error(prog, "--in: bad interface '%s' (IFACE or IFACE@NETNS)", in);
		return EXIT_USAGE;
	}

	struct sc_ctx x;
	if (sc_setup(&x, prog, "probe", &o, false) != 0) {
		sc_teardown(&x);
		return EXIT_USAGE;
	}
	/* the run nonce keeps frames of an earlier run (still in a buffer) out of this one */
	struct sender sd = {.prog = prog, .plan = x.plan,
	                    .nonce = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16)};
	struct steer_probe_opts po = {.predict = x.hash_known && !o.no_predict,
	                              .max_split = o.check.max_split,
	                              .max_split_frac = o.check.max_split_frac};
	struct sc_caps caps = {0};
	struct cap_framer *fm = NULL;
	struct cap_injector *inj = NULL;
	char errbuf[STEER_ERRBUF_SIZE];
	int rc = EXIT_USAGE;
	if (steer_probe_new(x.plan, sd.nonce, &po, &sd.pr) != 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (cap_framer_new(&fm, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto out;
	}
	uint64_t s = seed;
	for (int k = 0; k < STEER_PROBE__COUNT; k++) {
		for (uint64_t i = 0; i < flows && kinds[k]; i++) {
			int brc = build_flow(&sd, fm, (enum steer_probe_kind)k, (uint32_t)i, &s);
			if (brc == STEER_ENOMEM)
				fprintf(stderr, "%s: out of memory\n", prog);
			if (brc)
				goto out;
		}
	}
	if (sc_html_check(&x) != 0 || sc_caps_parse(prog, x.plan, list, &caps) != 0)
		goto out;
	/* Immediate: a probe's frames are waited for. The ring then has a slot per frame sized
	 * for the largest the link may carry (64 KiB on a veth with offloads): 32 MiB give 512
	 * slots, where libpcap's 2 MiB default gave 32 and a burst of probes was dropped. */
	struct cap_live_opts lo = {.promisc = true,
	                           .immediate = true,
	                           .timeout_ms = 10,
	                           .inbound_only = true,
	                           .snaplen = 4096,
	                           .buffer_size = 32u << 20};
	if (sc_caps_open(prog, &caps, &lo) != 0 || open_input(prog, in, in_if, in_ns, &inj) != 0)
		goto out;
	if (user && cap_drop_privileges(user, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto out;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct catcher ct = {.pr = sd.pr, .plan = x.plan};
	double t0 = sc_now();
	if (send_and_catch(&sd, in, inj, &caps, &ct, gap_us, wait_ms) != 0)
		goto out;
	x.seconds = sc_now() - t0;
	const struct steer_probe_result *r = steer_probe_finish(sd.pr);
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	struct sc_probe_run run = {.in = in, .caps = &caps, .captured = ct.frames};
	rc = sc_probe_report(&x, &run, r);
out:
	cap_injector_close(inj);
	sc_caps_close(&caps);
	cap_framer_free(fm);
	steer_probe_free(sd.pr);
	free(sd.fr);
	free(sd.buf);
	sc_teardown(&x);
	return rc;
}
