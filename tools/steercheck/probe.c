/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/probe.c: `steercheck probe`: crafted probe flows (both directions, every
 * encapsulation) sent into the balancer's input and caught on every worker's interface: each
 * probe frame must arrive exactly once, at one worker, the same for both directions of its
 * flow, and at the worker the plan predicts when the balancer's hash is known. */
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
#include <steer/packet.h>
#include <steer/path.h>

#include "cli.h"
#include "out.h"
#include "steercheck.h"
#include "cap.h"

static const char probe_usage[] =
	"Usage: steercheck [-c DIR] probe --in IFACE[@NETNS] [-i [WORKER=]IFACE[@NETNS],...]\n"
	"                  [--kinds LIST] [--flows N] [--seed S] [--wait T] [--gap US]\n"
	"                  [--user USER] [--no-predict] [--json]\n"
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
	"      --no-predict      do not hold probes to the predicted worker\n"
	"      --json            the report as JSON\n"
	"  -c, --config DIR      configuration directory\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 every probe arrived once at the right worker; 1 probes were lost,\n"
	"duplicated, split or misdirected; 2 usage, configuration or interface error.\n";

enum probe_kind {
	PK_TCP,
	PK_UDP,
	PK_ICMP,
	PK_IPV6,
	PK_VLAN,
	PK_QINQ,
	PK_MPLS,
	PK_FRAG,
	PK_FRAG6,
	PK_GRE,
	PK_VXLAN,
	PK__COUNT
};

static const char *const kind_names[PK__COUNT] = {
	"tcp", "udp", "icmp", "ipv6", "vlan", "qinq", "mpls", "frag", "frag6", "gre", "vxlan",
};

/* The record repeated through every probe payload: magic, run nonce, probe flow, frame. Fragment
 * payloads are filled per fragment, so every fragment carries its own frame number. */
#define REC_LEN 16u
static const uint8_t rec_magic[4] = {'S', 'P', 'R', 'B'};

#define FRAG_SIZE 512u  /* bytes of IP payload per fragment (a multiple of 8 and of REC_LEN) */
#define MAX_FRAGS 8u

struct pframe {
	uint32_t flow;      /* probe flow index */
	uint8_t dir;        /* 0 client -> server, 1 back */
	int predicted;      /* plan worker, or STEER_PATH_DROP */
	uint32_t arrivals;
	int worker;         /* where it first arrived (-1 at no worker) */
	bool elsewhere;     /* it also arrived at another worker */
	uint32_t off, len;  /* in the frame buffer */
};

struct pflow {
	enum probe_kind kind;
	char desc[160];     /* the tuple, for the report */
	uint32_t first, n;  /* its frames */
	bool one_flow;      /* the balancer sees both directions as one flow (canonical keys
	                     * equal); not so for VXLAN hashed on the outer header, whose UDP
	                     * source port is the same both ways: then only predictions hold */
};

struct probe {
	const char *prog;
	const struct steer_plan *plan;
	uint32_t nonce;
	struct pframe *fr;
	uint32_t nfr, capfr;
	struct pflow *fl;
	uint32_t nfl, capfl;
	uint8_t *buf;
	size_t nbuf, capbuf;
	uint64_t stray;     /* frames of this run at no worker */
	uint64_t foreign;   /* other frames captured (not probes of this run) */
	uint32_t arrived;   /* frames seen at least once */
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* splitmix64: deterministic probe tuples from the seed */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* payload[0..len) as records for (flow, frame), starting at a record boundary */
static void fill_records(uint8_t *p, size_t len, uint32_t nonce, uint32_t flow, uint32_t frame)
{
	uint8_t rec[REC_LEN];
	memcpy(rec, rec_magic, 4);
	put_be32(rec + 4, nonce);
	put_be32(rec + 8, flow);
	put_be32(rec + 12, frame);
	for (size_t i = 0; i < len; i++)
		p[i] = rec[i % REC_LEN];
}

static int grow(struct probe *pr, uint32_t frames, size_t bytes)
{
	if (pr->nfr + frames > pr->capfr) {
		uint32_t n = pr->capfr ? pr->capfr * 2 : 256;
		while (n < pr->nfr + frames)
			n *= 2;
		struct pframe *v = realloc(pr->fr, n * sizeof(*v));
		if (!v)
			return STEER_ENOMEM;
		pr->fr = v;
		pr->capfr = n;
	}
	if (pr->nbuf + bytes > pr->capbuf) {
		size_t n = pr->capbuf ? pr->capbuf * 2 : 1u << 20;
		while (n < pr->nbuf + bytes)
			n *= 2;
		uint8_t *b = realloc(pr->buf, n);
		if (!b)
			return STEER_ENOMEM;
		pr->buf = b;
		pr->capbuf = n;
	}
	return 0;
}

static struct pframe *new_frame(struct probe *pr, uint32_t flow, uint8_t dir, uint32_t len)
{
	struct pframe *f = &pr->fr[pr->nfr++];
	memset(f, 0, sizeof(*f));
	f->flow = flow;
	f->dir = dir;
	f->worker = -1;
	f->off = (uint32_t)pr->nbuf;
	f->len = len;
	pr->nbuf += len;
	return f;
}

/* The reverse direction of a spec: addresses, ports, outer addresses swapped (a tunnel's
 * return traffic comes from the other end; the VXLAN source port stays, as synth does). */
static void reverse(const struct cap_frame_spec *a, struct cap_frame_spec *b)
{
	*b = *a;
	memcpy(b->src, a->dst, 16);
	memcpy(b->dst, a->src, 16);
	memcpy(b->mac_src, a->mac_dst, 6);
	memcpy(b->mac_dst, a->mac_src, 6);
	if (a->proto == 6 || a->proto == 17) {
		b->sport = a->dport;
		b->dport = a->sport;
	}
	memcpy(b->outer_src, a->outer_dst, 4);
	memcpy(b->outer_dst, a->outer_src, 4);
}

/* Builds one (unfragmented) frame of flow/dir with flags and a payload of records. */
static int build_one(struct probe *pr, struct cap_framer *fm, struct cap_frame_spec *s,
                     uint32_t flow, uint8_t dir, uint32_t plen)
{
	uint8_t payload[256];
	int rc = grow(pr, 1, CAP_FRAME_MAX);
	if (rc)
		return rc;
	fill_records(payload, plen, pr->nonce, flow, pr->nfr);
	s->payload = payload;
	s->payload_len = plen;
	size_t len;
	rc = cap_frame_build(fm, s, pr->buf + pr->nbuf, CAP_FRAME_MAX, &len);
	s->payload = NULL;
	if (rc) {
		fprintf(stderr, "%s: building a %s probe: %s\n", pr->prog,
		        kind_names[pr->fl[flow].kind], cap_framer_error(fm));
		return rc;
	}
	new_frame(pr, flow, dir, (uint32_t)len);
	return 0;
}

/* One fragmented UDP packet of flow/dir: each fragment's share of the payload holds records
 * with that fragment's own frame number (fragment k carries IP payload [k*F, (k+1)*F): the
 * 8-byte UDP header, then the payload). */
static int build_frags(struct probe *pr, struct cap_framer *fm, struct cap_frame_spec *s,
                       uint32_t flow, uint8_t dir)
{
	enum { PLEN = 3 * FRAG_SIZE + 200 };
	uint8_t payload[PLEN];
	uint32_t first = pr->nfr;
	for (uint32_t k = 0; k * FRAG_SIZE < PLEN + 8; k++) {
		size_t from = k == 0 ? 0 : k * FRAG_SIZE - 8;
		size_t to = (k + 1) * FRAG_SIZE - 8;
		if (to > PLEN)
			to = PLEN;
		/* the first fragment's share starts after the UDP header: align its records there */
		fill_records(payload + from, to - from, pr->nonce, flow, first + k);
	}
	int rc = grow(pr, MAX_FRAGS, (size_t)MAX_FRAGS * 2048);
	if (rc)
		return rc;
	s->payload = payload;
	s->payload_len = PLEN;
	size_t lens[MAX_FRAGS];
	unsigned n = 0;
	rc = cap_frame_build_frags(fm, s, FRAG_SIZE, pr->buf + pr->nbuf, 2048, lens, MAX_FRAGS, &n);
	s->payload = NULL;
	if (rc) {
		fprintf(stderr, "%s: building a %s probe: %s\n", pr->prog,
		        kind_names[pr->fl[flow].kind], cap_framer_error(fm));
		return rc;
	}
	/* each fragment sits in its own 2048-byte slot */
	size_t base = pr->nbuf;
	for (unsigned k = 0; k < n; k++) {
		struct pframe *f = new_frame(pr, flow, dir, (uint32_t)lens[k]);
		f->off = (uint32_t)(base + (size_t)k * 2048);
	}
	pr->nbuf = base + (size_t)n * 2048;
	return 0;
}

static void fmt_addr(char *b, size_t n, int family, const uint8_t *a)
{
	if (family == 4)
		snprintf(b, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		snprintf(b, n, "[2001:db8:%x%02x:%x%02x::%x%02x]", a[4], a[5], a[6], a[7], a[14],
		         a[15]);
}

/* The spec of probe flow i of kind k: client -> server. */
static void make_spec(enum probe_kind k, uint32_t i, uint64_t *seed, struct cap_frame_spec *s)
{
	memset(s, 0, sizeof(*s));
	const uint8_t mac_c[6] = {0x02, 0x53, 0x50, 0x00, 0x00, 0x01};
	const uint8_t mac_s[6] = {0x02, 0x53, 0x50, 0x00, 0x00, 0x02};
	memcpy(s->mac_src, mac_c, 6);
	memcpy(s->mac_dst, mac_s, 6);
	uint64_t r = rnd(seed);
	bool v6 = k == PK_IPV6 || k == PK_FRAG6;
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
	case PK_UDP:
	case PK_FRAG:
	case PK_FRAG6:
		s->proto = 17;
		break;
	case PK_ICMP:
		s->proto = 1;
		s->icmp_type = 8;
		s->sport = (uint16_t)(r >> 8); /* echo id */
		s->dport = (uint16_t)i + 1;    /* echo sequence */
		break;
	case PK_IPV6:
		/* TCP, UDP and ICMPv6 in turn */
		s->proto = i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 58;
		if (s->proto == 58) {
			s->icmp_type = 128;
			s->sport = (uint16_t)(r >> 8);
			s->dport = (uint16_t)i + 1;
		}
		break;
	case PK_VLAN:
		s->nvlan = 1;
		s->vlan[0] = (uint16_t)(10 + i % 100);
		s->proto = i % 2 ? 17 : 6;
		break;
	case PK_QINQ:
		s->nvlan = 2;
		s->vlan[0] = (uint16_t)(200 + i % 50);
		s->vlan[1] = (uint16_t)(300 + i % 50);
		s->proto = i % 2 ? 17 : 6;
		break;
	case PK_MPLS:
		s->nmpls = 1 + i % 2;
		s->mpls[0] = 1000 + i;
		s->mpls[1] = 2000 + i;
		s->proto = i % 2 ? 17 : 6;
		break;
	case PK_GRE:
	case PK_VXLAN:
		s->tunnel = k == PK_GRE ? CAP_TUN_GRE : CAP_TUN_VXLAN;
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

static int build_flow(struct probe *pr, struct cap_framer *fm, enum probe_kind k, uint32_t i,
                      uint64_t *seed)
{
	if (pr->nfl == pr->capfl) {
		uint32_t n = pr->capfl ? pr->capfl * 2 : 64;
		struct pflow *v = realloc(pr->fl, n * sizeof(*v));
		if (!v)
			return STEER_ENOMEM;
		pr->fl = v;
		pr->capfl = n;
	}
	uint32_t flow = pr->nfl++;
	struct pflow *fl = &pr->fl[flow];
	memset(fl, 0, sizeof(*fl));
	fl->kind = k;
	fl->first = pr->nfr;
	struct cap_frame_spec c2s, s2c;
	make_spec(k, i, seed, &c2s);
	reverse(&c2s, &s2c);
	char a[64], b[64];
	fmt_addr(a, sizeof(a), c2s.family, c2s.src);
	fmt_addr(b, sizeof(b), c2s.family, c2s.dst);
	snprintf(fl->desc, sizeof(fl->desc), "%s %s %s:%u <-> %s:%u", kind_names[k],
	         cli_proto_name(c2s.proto), a, c2s.sport, b, c2s.dport);
	int rc = 0;
	if (k == PK_FRAG || k == PK_FRAG6) {
		rc = build_frags(pr, fm, &c2s, flow, 0);
		if (!rc) {
			s2c.ip_id ^= 0x5555;
			s2c.frag_id ^= 0x5555;
			rc = build_frags(pr, fm, &s2c, flow, 1);
		}
	} else if (c2s.proto == 6) {
		/* handshake, data both ways, FIN both ways */
		static const struct { uint8_t dir, flags; uint16_t plen; } seq[] = {
			{0, 0x02, 32}, {1, 0x12, 32}, {0, 0x18, 160}, {1, 0x18, 240},
			{0, 0x11, 32}, {1, 0x11, 32},
		};
		uint32_t cs = (uint32_t)rnd(seed), ss = (uint32_t)rnd(seed);
		for (size_t j = 0; j < sizeof(seq) / sizeof(seq[0]) && !rc; j++) {
			struct cap_frame_spec *s = seq[j].dir ? &s2c : &c2s;
			s->tcp_flags = seq[j].flags;
			s->seq = seq[j].dir ? ss : cs;
			s->ack = seq[j].dir ? cs : ss;
			rc = build_one(pr, fm, s, flow, seq[j].dir, seq[j].plen);
			if (seq[j].dir)
				ss += seq[j].plen;
			else
				cs += seq[j].plen;
		}
	} else {
		if (c2s.proto == 1 || c2s.proto == 58)
			s2c.icmp_type = c2s.proto == 1 ? 0 : 129; /* echo reply */
		rc = build_one(pr, fm, &c2s, flow, 0, 64);
		if (!rc)
			rc = build_one(pr, fm, &s2c, flow, 1, 96);
	}
	fl->n = pr->nfr - fl->first;
	return rc;
}

/* Finds this run's record in a captured frame: (flow, frame) or false. */
static bool find_record(const struct probe *pr, const uint8_t *d, uint32_t len, uint32_t *flow,
                        uint32_t *frame)
{
	uint8_t key[8];
	memcpy(key, rec_magic, 4);
	put_be32(key + 4, pr->nonce);
	for (uint32_t i = 0; i + REC_LEN <= len; i++) {
		if (d[i] == 'S' && memcmp(d + i, key, 8) == 0) {
			*flow = get_be32(d + i + 8);
			*frame = get_be32(d + i + 12);
			return *flow < pr->nfl && *frame < pr->nfr && pr->fr[*frame].flow == *flow;
		}
	}
	return false;
}

static void on_frame(void *arg, const struct sc_cap *c, const struct cap_pkthdr *h,
                     const uint8_t *d)
{
	struct probe *pr = arg;
	uint32_t flow, frame;
	if (!find_record(pr, d, h->caplen, &flow, &frame)) {
		pr->foreign++;
		return;
	}
	int w = sc_caps_worker_of(pr->plan, c, d, h->caplen);
	if (w < 0) {
		pr->stray++;
		return;
	}
	struct pframe *f = &pr->fr[frame];
	if (f->arrivals++ == 0) {
		f->worker = w;
		pr->arrived++;
	} else if (f->worker != w) {
		f->elsewhere = true;
	}
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

/* ---- the report ---- */

struct verdict {
	uint64_t lost, dup, split_flows, asym_flows, misdirected, lost_flows, separate;
};

static const char *wname(const struct steer_plan *p, int w)
{
	return w >= 0 && (size_t)w < p->nworkers ? p->workers[w].name : "(none)";
}

/* Per flow: the worker of each direction (-1 none seen, -2 more than one). */
static void flow_workers(const struct probe *pr, const struct pflow *fl, int dw[2])
{
	dw[0] = dw[1] = -1;
	for (uint32_t j = fl->first; j < fl->first + fl->n; j++) {
		const struct pframe *f = &pr->fr[j];
		if (!f->arrivals)
			continue;
		int w = f->elsewhere ? -2 : f->worker;
		if (dw[f->dir] == -1)
			dw[f->dir] = w;
		else if (dw[f->dir] != w)
			dw[f->dir] = -2;
	}
}

static int report(struct probe *pr, bool json, bool predict, const char *predict_note,
                  const char *in, double secs)
{
	const struct steer_plan *p = pr->plan;
	struct verdict v = {0};
	struct out o;
	out_init(&o, stdout, json);
	out_obj_open(&o, NULL);
	for (uint32_t i = 0; i < pr->nfr; i++) {
		const struct pframe *f = &pr->fr[i];
		v.lost += f->arrivals == 0;
		v.dup += f->arrivals > 1;
		v.misdirected += predict && f->arrivals && f->predicted >= 0 &&
		                 f->worker != f->predicted;
	}
	for (uint32_t i = 0; i < pr->nfl; i++) {
		int dw[2];
		flow_workers(pr, &pr->fl[i], dw);
		if (dw[0] == -2 || dw[1] == -2)
			v.split_flows++;
		else if (pr->fl[i].one_flow && dw[0] >= 0 && dw[1] >= 0 && dw[0] != dw[1])
			v.asym_flows++;
		v.separate += !pr->fl[i].one_flow;
		v.lost_flows += dw[0] == -1 && dw[1] == -1;
	}
	bool pass = !v.lost && !v.dup && !v.split_flows && !v.asym_flows && !v.misdirected &&
	            !pr->stray;
	out_str(&o, "command", "steercheck %s: ", "probe");
	out_str(&o, "result", "%s\n", pass ? "PASS" : "FAIL");
	out_bool(&o, "pass", NULL, pass);
	out_str(&o, "input", "probes sent into %s", in);
	out_u64(&o, "flows", ": %llu probe flows", pr->nfl);
	out_u64(&o, "frames", ", %llu frames", pr->nfr);
	out_double(&o, "seconds", " in %.1f s\n", secs, 3);
	out_bool(&o, "predicted", NULL, predict);
	if (predict)
		out_text(&o, "predictions: every probe is held to the worker the plan predicts\n");
	else
		out_str(&o, "predict_note", "predictions: off (%s)\n", predict_note);
	out_obj_open(&o, "totals");
	out_u64(&o, "arrived", "arrived %llu", pr->arrived);
	out_u64(&o, "lost", ", lost %llu", v.lost);
	out_u64(&o, "duplicated", ", duplicated %llu", v.dup);
	out_u64(&o, "misdirected", ", misdirected %llu", v.misdirected);
	out_u64(&o, "split_flows", ", split flows %llu", v.split_flows);
	out_u64(&o, "asymmetric_flows", ", asymmetric flows %llu", v.asym_flows);
	out_u64(&o, "stray", ", at no worker %llu", pr->stray);
	out_u64(&o, "other_frames", " (other frames captured: %llu)\n", pr->foreign);
	out_u64(&o, "separate_direction_flows", NULL, v.separate);
	if (v.separate)
		out_text(&o,
		         "%llu probe flows have directions the balancer hashes as two flows "
		         "(tunnels = outer: VXLAN's outer UDP ports differ by direction): each "
		         "direction is held to one worker and its prediction, not to the other's\n",
		         (unsigned long long)v.separate);
	out_obj_close(&o);

	/* per kind: flows and frames that went wrong */
	out_arr_open(&o, "kinds");
	out_text(&o, "\n%-7s %6s %7s %6s %5s %6s %6s %6s\n", "kind", "flows", "frames", "lost",
	         "dup", "split", "asym", "misdir");
	for (int k = 0; k < PK__COUNT; k++) {
		uint64_t nf = 0, nfr = 0, lost = 0, dup = 0, split = 0, asym = 0, mis = 0;
		for (uint32_t i = 0; i < pr->nfl; i++) {
			const struct pflow *fl = &pr->fl[i];
			if (fl->kind != (enum probe_kind)k)
				continue;
			nf++;
			int dw[2];
			flow_workers(pr, fl, dw);
			split += dw[0] == -2 || dw[1] == -2;
			asym += fl->one_flow && dw[0] >= 0 && dw[1] >= 0 && dw[0] != dw[1];
			for (uint32_t j = fl->first; j < fl->first + fl->n; j++) {
				const struct pframe *f = &pr->fr[j];
				nfr++;
				lost += !f->arrivals;
				dup += f->arrivals > 1;
				mis += predict && f->arrivals && f->predicted >= 0 &&
				       f->worker != f->predicted;
			}
		}
		if (!nf)
			continue;
		out_obj_open(&o, NULL);
		out_str(&o, "kind", "%-7s", kind_names[k]);
		out_u64(&o, "flows", " %6llu", nf);
		out_u64(&o, "frames", " %7llu", nfr);
		out_u64(&o, "lost", " %6llu", lost);
		out_u64(&o, "duplicated", " %5llu", dup);
		out_u64(&o, "split", " %6llu", split);
		out_u64(&o, "asymmetric", " %6llu", asym);
		out_u64(&o, "misdirected", " %6llu\n", mis);
		out_obj_close(&o);
	}
	out_arr_close(&o);

	/* per worker: frames received and predicted */
	out_arr_open(&o, "workers");
	out_text(&o, "\n%-16s %9s %9s\n", "worker", "received", "predicted");
	for (size_t w = 0; w < p->nworkers; w++) {
		uint64_t got = 0, want = 0;
		for (uint32_t i = 0; i < pr->nfr; i++) {
			got += pr->fr[i].arrivals && pr->fr[i].worker == (int)w;
			want += pr->fr[i].predicted == (int)w;
		}
		out_obj_open(&o, NULL);
		out_str(&o, "worker", "%-16s", p->workers[w].name);
		out_u64(&o, "received", " %9llu", got);
		out_u64(&o, "predicted", " %9llu\n", want);
		out_obj_close(&o);
	}
	out_arr_close(&o);

	/* the faulty probe flows, worst first: split, asymmetric, lost, duplicated, misdirected */
	out_arr_open(&o, "faults");
	bool any = false;
	for (int pass_no = 0; pass_no < 5; pass_no++) {
		for (uint32_t i = 0; i < pr->nfl; i++) {
			const struct pflow *fl = &pr->fl[i];
			int dw[2];
			flow_workers(pr, fl, dw);
			uint64_t lost = 0, dup = 0, mis = 0;
			int miswhere = -1, mispred = -1;
			for (uint32_t j = fl->first; j < fl->first + fl->n; j++) {
				const struct pframe *f = &pr->fr[j];
				lost += !f->arrivals;
				dup += f->arrivals > 1;
				if (predict && f->arrivals && f->predicted >= 0 &&
				    f->worker != f->predicted) {
					mis++;
					miswhere = f->worker;
					mispred = f->predicted;
				}
			}
			bool split = dw[0] == -2 || dw[1] == -2;
			bool asym = !split && fl->one_flow && dw[0] >= 0 && dw[1] >= 0 &&
			            dw[0] != dw[1];
			const char *what = NULL;
			switch (pass_no) {
			case 0: what = split ? "split" : NULL; break;
			case 1: what = asym ? "asymmetric" : NULL; break;
			case 2: what = !split && !asym && lost ? "lost" : NULL; break;
			case 3: what = !split && !asym && !lost && dup ? "duplicated" : NULL; break;
			default: what = !split && !asym && !lost && !dup && mis ? "misdirected" : NULL;
			}
			if (!what)
				continue;
			if (!any)
				out_text(&o, "\nfaults, worst first:\n");
			any = true;
			out_obj_open(&o, NULL);
			out_str(&o, "fault", "  %-11s", what);
			out_str(&o, "flow", " %s:", fl->desc);
			out_str(&o, "c2s_worker", " c2s at %s", dw[0] == -2 ? "(several)" : wname(p, dw[0]));
			out_str(&o, "s2c_worker", ", s2c at %s", dw[1] == -2 ? "(several)" : wname(p, dw[1]));
			out_u64(&o, "frames", "; %llu frames", fl->n);
			out_u64(&o, "lost", ", %llu lost", lost);
			out_u64(&o, "duplicated", ", %llu duplicated", dup);
			out_u64(&o, "misdirected", ", %llu misdirected", mis);
			if (mis) {
				out_str(&o, "misdirected_to", " (to %s", wname(p, miswhere));
				out_str(&o, "predicted", ", predicted %s)", wname(p, mispred));
			}
			out_text(&o, "\n");
			out_obj_close(&o);
		}
	}
	out_arr_close(&o);
	if (!any)
		out_text(&o, "\nevery probe frame arrived exactly once, both directions of every "
		             "flow at one worker%s\n",
		         predict ? ", the predicted one" : "");
	out_obj_close(&o);
	out_end(&o);
	return pass ? EXIT_OK : EXIT_FAIL;
}

static int parse_kinds(const char *prog, const char *s, bool on[PK__COUNT])
{
	memset(on, 0, PK__COUNT * sizeof(bool));
	if (!strcmp(s, "all")) {
		for (int k = 0; k < PK__COUNT; k++)
			on[k] = true;
		return 0;
	}
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int k;
		for (k = 0; k < PK__COUNT; k++)
			if (strlen(kind_names[k]) == n && !strncmp(kind_names[k], s, n))
				break;
		if (k == PK__COUNT) {
			cli_usage_error(prog, "--kinds: unknown kind '%.*s'", (int)n, s);
			return -1;
		}
		on[k] = true;
		s += n + (e ? 1 : 0);
	}
	return 0;
}

int steercheck_probe(int argc, char **argv, const char *confdir)
{
	enum { OPT_IN = 2000, OPT_KINDS, OPT_FLOWS, OPT_SEED, OPT_WAIT, OPT_GAP, OPT_USER,
	       OPT_JSON, OPT_NO_PREDICT };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"in", required_argument, NULL, OPT_IN},
		{"interface", required_argument, NULL, 'i'},
		{"kinds", required_argument, NULL, OPT_KINDS},
		{"flows", required_argument, NULL, OPT_FLOWS},
		{"seed", required_argument, NULL, OPT_SEED},
		{"wait", required_argument, NULL, OPT_WAIT},
		{"gap", required_argument, NULL, OPT_GAP},
		{"user", required_argument, NULL, OPT_USER},
		{"json", no_argument, NULL, OPT_JSON},
		{"no-predict", no_argument, NULL, OPT_NO_PREDICT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steercheck probe";
	const char *in = NULL, *list = NULL, *user = NULL;
	bool kinds[PK__COUNT];
	parse_kinds(prog, "all", kinds);
	uint64_t flows = 4, seed = 1, wait_ms = 1000, gap_us = 200;
	struct sc_common o;
	sc_common_init(&o, confdir);
	int c;
	while ((c = getopt_long(argc, argv, "c:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.confdir = optarg;
			break;
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
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_NO_PREDICT:
			o.no_predict = true;
			break;
		case 'h':
			fputs(probe_usage, stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", prog);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
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
	if (sc_setup(&x, prog, "probe", &o) != 0) {
		sc_teardown(&x);
		return EXIT_USAGE;
	}
	bool predict = x.hash_known && !o.no_predict;
	struct probe pr = {.prog = prog, .plan = x.plan};
	struct sc_caps caps = {0};
	struct cap_framer *fm = NULL;
	struct steer_path *path = NULL;
	struct cap_injector *inj = NULL;
	char errbuf[STEER_ERRBUF_SIZE];
	int rc = EXIT_USAGE;
	/* the run nonce keeps frames of an earlier run (still in a buffer) out of this one */
	pr.nonce = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);

	if (cap_framer_new(&fm, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto out;
	}
	uint64_t s = seed;
	for (int k = 0; k < PK__COUNT; k++)
		for (uint64_t i = 0; i < flows && kinds[k]; i++)
			if (build_flow(&pr, fm, (enum probe_kind)k, (uint32_t)i, &s) != 0)
				goto out;
	/* Predictions, in sending order (later fragments follow their first through the path). */
	path = steer_path_new(x.plan, 0);
	if (!path) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	for (uint32_t i = 0; i < pr.nfr; i++) {
		struct steer_pkt pkt;
		uint32_t h;
		int st = steer_parse(STEER_LINK_ETHERNET, pr.buf + pr.fr[i].off, pr.fr[i].len,
		                     x.plan->tunnels_inner, &pkt);
		pr.fr[i].predicted = steer_path_classify(path, st, &pkt, &h);
	}
	for (uint32_t i = 0; i < pr.nfl; i++) {
		/* the canonical key of each direction's first frame (a first fragment has ports) */
		struct steer_flow_key k[2];
		bool have[2] = {false, false};
		struct pflow *fl = &pr.fl[i];
		for (uint32_t j = fl->first; j < fl->first + fl->n; j++) {
			uint8_t d = pr.fr[j].dir;
			if (have[d])
				continue;
			struct steer_pkt pkt;
			steer_parse(STEER_LINK_ETHERNET, pr.buf + pr.fr[j].off, pr.fr[j].len,
			            x.plan->tunnels_inner, &pkt);
			steer_flow_key_from_pkt(&pkt, x.plan->vlan_in_key, &k[d]);
			steer_flow_key_canon(&k[d]);
			have[d] = true;
		}
		fl->one_flow = have[0] && have[1] && memcmp(&k[0], &k[1], sizeof(k[0])) == 0;
	}

	if (sc_caps_parse(prog, x.plan, list, &caps) != 0)
		goto out;
	struct cap_live_opts lo = {.promisc = true, .immediate = true, .timeout_ms = 10,
	                           .inbound_only = true, .snaplen = 4096};
	if (sc_caps_open(prog, &caps, &lo) != 0)
		goto out;
	int saved = -1;
	if (in_ns && cap_netns_enter(in_ns, &saved, errbuf) != 0) {
		fprintf(stderr, "%s: --in %s: %s\n", prog, in, errbuf);
		goto out;
	}
	int irc = cap_injector_open(in_if, &inj, errbuf);
	if (cap_netns_leave(saved) != 0) {
		fprintf(stderr, "%s: cannot return from network namespace %s\n", prog, in_ns);
		goto out;
	}
	if (irc != 0) {
		fprintf(stderr, "%s: --in %s: %s\n", prog, in, errbuf);
		goto out;
	}
	if (user && cap_drop_privileges(user, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto out;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	double t0 = sc_now();
	for (uint32_t i = 0; i < pr.nfr && !g_stop; i++) {
		if (cap_inject(inj, pr.buf + pr.fr[i].off, pr.fr[i].len) != 0) {
			fprintf(stderr, "%s: --in %s: sending probe frame %u: %s\n", prog, in, i,
			        cap_injector_error(inj));
			goto out;
		}
		if (gap_us)
			sleep_us((long)gap_us);
		/* keep the capture buffers drained while sending */
		if ((i & 63) == 63 && sc_caps_poll(prog, &caps, 0, on_frame, &pr) < 0)
			goto out;
	}
	double end = sc_now() + (double)wait_ms / 1000.0;
	/* until every frame arrived (then a short grace for duplicates) or the wait is over */
	double grace = -1;
	while (!g_stop && sc_now() < end) {
		if (sc_caps_poll(prog, &caps, 10, on_frame, &pr) < 0)
			goto out;
		if (pr.arrived == pr.nfr && grace < 0)
			grace = sc_now() + 0.2;
		if (grace >= 0 && sc_now() >= grace)
			break;
	}
	for (size_t i = 0; i < caps.n; i++) {
		uint64_t d = sc_caps_drops(&caps, i);
		if (d)
			fprintf(stderr, "%s: %s: the kernel dropped %llu frames: losses may be the "
			                "capture's\n",
			        prog, caps.v[i].spec, (unsigned long long)d);
	}
	rc = report(&pr, o.json, predict, x.predict_note ? x.predict_note : "no predictions", in,
	            sc_now() - t0);
out:
	cap_injector_close(inj);
	sc_caps_close(&caps);
	steer_path_free(path);
	cap_framer_free(fm);
	free(pr.fr);
	free(pr.fl);
	free(pr.buf);
	sc_teardown(&x);
	return rc;
}
