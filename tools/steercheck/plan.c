/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/plan.c: "steercheck plan": the static proof: MACs unique and unicast, the plan
 * within the profile's limits, every worker filter compiles, and synthetic traffic over every
 * bucket (both directions, IPv4 / IPv6, tagged / untagged, fragments, ARP) matches exactly one
 * worker's filter after delivery: the predicted worker's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/cap_filter.h>
#include <steer/cap_frame.h>
#include <steer/deliver.h>
#include <steer/error.h>
#include <steer/hwp_generate.h>
#include <steer/hwp_profile.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/splitmix.h>

#include "cli.h"
#include "out.h"
#include "setup.h"
#include "steercheck.h"

static const char usage[] =
	"Usage: steercheck [-c DIR] plan [--json] [--flows N]\n"
	"\n"
	"The static proof, before any traffic flows:\n"
	"  - worker MACs are unique and unicast (and VLANs unique with delivery vlan);\n"
	"  - the plan fits the profile's limits (outputs, table entries, hash, ...);\n"
	"  - every worker's BPF filter (as 'steerctl generate' writes it) compiles with\n"
	"    libpcap and fits the kernel's limit;\n"
	"  - the two directions of every synthetic flow reach the same worker (an\n"
	"    asymmetric hash, such as Toeplitz with Microsoft's key, splits flows);\n"
	"  - synthetic traffic covering every bucket of the table, both directions,\n"
	"    IPv4 and IPv6, TCP and UDP, untagged and 802.1Q-tagged, IPv4 / IPv6\n"
	"    fragments and ARP, once delivered as the balancer does (destination MAC\n"
	"    rewritten, the worker's VLAN tag pushed, or unchanged for a pure-BPF\n"
	"    split), matches exactly one worker's filter: the one the plan predicts.\n"
	"\n"
	"Options:\n"
	"  -c, --config DIR  configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                    else /etc/steer)\n"
	"      --json        the proof as JSON\n"
	"      --flows N     most synthetic flows to try while covering the buckets\n"
	"                    (default 64 per bucket)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 proven; 1 a fault found; 2 usage or configuration error.\n";

#define MAX_EXAMPLES 5
#define FRAME_SLOT 2048u
#define MAX_FRAGS 8u

struct filt {
	char *expr;
	struct cap_filter *f;
	char err[STEER_ERRBUF_SIZE];
	unsigned insns;
};

struct example {
	char what[24];
	char text[200];
};

struct proof {
	const struct steer_plan *plan;
	struct steer_path *path;
	struct filt *filters;
	bool no_rewrite;   /* the filters split the original traffic (bpf-split) */
	bool partition;    /* the filters are expected to partition (not delivery port) */
	uint8_t *seen;     /* buckets covered */
	uint64_t flows, frames, buckets_covered;
	uint64_t unmatched, overmatched, wrong, dropped, per_worker_max;
	uint64_t asymmetric; /* flows whose two directions reach different workers */
	struct steer_pkt last; /* the last frame checked (for an example) */
	uint64_t *per_worker;
	struct example ex[MAX_EXAMPLES];
	size_t nex;
};

static void add_example(struct proof *pr, const char *what, const struct steer_pkt *pkt,
                        int predicted, int matches, int first)
{
	if (pr->nex == MAX_EXAMPLES)
		return;
	struct example *e = &pr->ex[pr->nex++];
	struct steer_addr a = {.family = pkt->family};
	char s[STEER_ADDR_STRLEN] = "-", d[STEER_ADDR_STRLEN] = "-";
	if (pkt->family) {
		memcpy(a.a, pkt->src, 16);
		steer_addr_format(&a, s);
		memcpy(a.a, pkt->dst, 16);
		steer_addr_format(&a, d);
	}
	snprintf(e->what, sizeof(e->what), "%s", what);
	snprintf(e->text, sizeof(e->text),
	         "proto %u %s:%u -> %s:%u%s%s: predicted %s, %d filter(s) matched%s%s",
	         pkt->proto, s, pkt->sport, d, pkt->dport,
	         (pkt->flags & STEER_F_VLAN) ? " tagged" : "",
	         (pkt->flags & STEER_F_FRAG) ? " fragment" : "",
	         predicted >= 0 ? pr->plan->workers[predicted].name : "(dropped)", matches,
	         first >= 0 ? ", first " : "", first >= 0 ? pr->plan->workers[first].name : "");
}

/* Delivers one frame as the balancer would and matches it against every filter. Returns the
 * worker the plan sends it to (-1: dropped). */
static int check_frame(struct proof *pr, const uint8_t *frame, size_t len)
{
	const struct steer_plan *p = pr->plan;
	struct steer_pkt pkt;
	uint32_t hash;
	int st = steer_parse(STEER_LINK_ETHERNET, frame, len, p->tunnels_inner, &pkt);
	int w = steer_path_classify(pr->path, st, &pkt, &hash);
	pr->frames++;
	pr->last = pkt;
	if (w < 0) {
		pr->dropped++;
		return w;
	}
	pr->per_worker[w]++;
	if (!pr->partition)
		return w;
	uint8_t out[FRAME_SLOT + 4];
	struct steer_edit e = {0};
	/* frames the balancer cannot deliver meet the filters as they are */
	if (!pr->no_rewrite)
		steer_deliver_edit(p, (size_t)w, pkt.eth_off, (uint32_t)len, &e);
	size_t olen = steer_edit_apply(&e, frame, len, out);
	int matches = 0, first = -1;
	for (size_t i = 0; i < p->nworkers; i++) {
		if (pr->filters[i].f && cap_filter_match(pr->filters[i].f, out, olen, olen)) {
			if (first < 0)
				first = (int)i;
			matches++;
		}
	}
	if (matches == 0) {
		pr->unmatched++;
		add_example(pr, "unmatched", &pkt, w, matches, first);
	} else if (matches > 1) {
		pr->overmatched++;
		add_example(pr, "overmatched", &pkt, w, matches, first);
	} else if (first != w) {
		pr->wrong++;
		add_example(pr, "wrong-worker", &pkt, w, matches, first);
	}
	return w;
}

/* Both directions of a flow, each frame checked on its own; then the flow itself: both must
 * reach one worker, or the plan splits the flow however well the filters match. */
static int check_pair(struct proof *pr, struct cap_framer *fr, const struct cap_frame_spec d[2])
{
	uint8_t buf[FRAME_SLOT];
	size_t len;
	int w[2];
	for (int dir = 0; dir < 2; dir++) {
		if (cap_frame_build(fr, &d[dir], buf, FRAME_SLOT, &len) != 0)
			return -1;
		w[dir] = check_frame(pr, buf, len);
	}
	if (w[0] != w[1] && pr->nex < MAX_EXAMPLES) {
		/* pr->last is the reverse direction's frame */
		struct example *e = &pr->ex[pr->nex++];
		snprintf(e->what, sizeof(e->what), "asymmetric");
		snprintf(e->text, sizeof(e->text),
		         "proto %u port %u <-> port %u: one direction to %s, the other to %s",
		         pr->last.proto, pr->last.dport, pr->last.sport,
		         w[0] >= 0 ? pr->plan->workers[w[0]].name : "(dropped)",
		         w[1] >= 0 ? pr->plan->workers[w[1]].name : "(dropped)");
	}
	pr->asymmetric += w[0] != w[1];
	return 0;
}

/* One synthetic flow: both directions, untagged and tagged; fragments for some. */
static int check_flow(struct proof *pr, struct cap_framer *fr, struct cap_frame_spec *s,
                      bool frags)
{
	static const uint8_t payload[600] = {0};
	uint8_t buf[FRAME_SLOT * MAX_FRAGS];
	size_t lens[MAX_FRAGS];
	for (int vlan = 0; vlan < 2; vlan++) {
		s->nvlan = (uint8_t)vlan;
		s->vlan[0] = 10;
		struct cap_frame_spec d[2];
		d[0] = *s;
		cap_frame_spec_reverse(s, &d[1]);
		if (check_pair(pr, fr, d) != 0)
			return -1;
	}
	if (frags && s->family == 4) {
		/* non-IP: an ARP request and its reply (by the non_ip policy) */
		struct cap_frame_spec d[2];
		d[0] = *s;
		d[0].nvlan = 0;
		d[0].arp = true;
		d[0].arp_op = 1;
		cap_frame_spec_reverse(&d[0], &d[1]);
		if (check_pair(pr, fr, d) != 0)
			return -1;
	}
	if (frags) {
		struct cap_frame_spec d = *s;
		d.nvlan = 0;
		d.proto = 17;
		d.payload = payload;
		d.payload_len = sizeof(payload);
		d.ip_id = (uint16_t)(pr->flows * 7 + 1);
		d.frag_id = (uint32_t)(pr->flows * 7 + 1);
		unsigned n;
		if (cap_frame_build_frags(fr, &d, 256, buf, FRAME_SLOT, lens, MAX_FRAGS, &n) != 0)
			return -1;
		for (unsigned i = 0; i < n; i++)
			check_frame(pr, buf + (size_t)i * FRAME_SLOT, lens[i]);
	}
	return 0;
}

/* Random flows until every bucket has one (or the budget is spent). */
static int synth_traffic(struct proof *pr, uint64_t budget, char *errbuf)
{
	const struct steer_plan *p = pr->plan;
	struct cap_framer *fr;
	if (cap_framer_new(&fr, errbuf) != 0)
		return -1;
	uint64_t seed = 0x5eed;
	int rc = 0;
	for (uint64_t i = 0; i < budget && pr->buckets_covered < p->nbuckets; i++) {
		struct cap_frame_spec s;
		memset(&s, 0, sizeof(s));
		static const uint8_t ms[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x01};
		static const uint8_t md[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x02};
		memcpy(s.mac_src, ms, 6);
		memcpy(s.mac_dst, md, 6);
		uint64_t r = steer_splitmix64(&seed), r2 = steer_splitmix64(&seed);
		s.family = (i & 1) ? 6 : 4;
		if (s.family == 4) {
			s.src[0] = 10;
			memcpy(s.src + 1, &r, 3);
			s.dst[0] = 192;
			s.dst[1] = 0;
			s.dst[2] = 2;
			s.dst[3] = (uint8_t)(r >> 24);
		} else {
			s.src[0] = 0x20;
			s.src[1] = 0x01;
			s.src[2] = 0x0d;
			s.src[3] = 0xb8;
			memcpy(s.src + 8, &r, 8);
			memcpy(s.dst, s.src, 8);
			s.dst[15] = (uint8_t)r2;
		}
		s.proto = (i & 2) ? 17 : 6;
		s.sport = (uint16_t)(1024 + (r2 >> 16) % 60000);
		s.dport = (uint16_t)((r2 >> 40) % 1024 + 1);
		s.tcp_flags = 0x10;
		struct steer_flow_key k;
		memset(&k, 0, sizeof(k));
		k.family = s.family;
		k.proto = s.proto;
		k.sport = s.sport;
		k.dport = s.dport;
		memcpy(k.src, s.src, 16);
		memcpy(k.dst, s.dst, 16);
		uint32_t b;
		steer_plan_lookup(p, &k, NULL, &b);
		if (pr->seen[b])
			continue; /* every flow kept covers a new bucket */
		pr->seen[b] = 1;
		pr->buckets_covered++;
		if (check_flow(pr, fr, &s, pr->flows % 8 == 0) != 0) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "building a frame: %s",
			         cap_framer_error(fr));
			rc = -1;
			break;
		}
		pr->flows++;
	}
	cap_framer_free(fr);
	return rc;
}

int steercheck_plan(int argc, char **argv, const char *confdir)
{
	enum { OPT_JSON = 256, OPT_FLOWS };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, OPT_JSON},
		{"flows", required_argument, NULL, OPT_FLOWS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steercheck plan";
	bool json = false;
	uint64_t budget = 0;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confdir = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_FLOWS:
			if (!cli_parse_u64(prog, "--flows", optarg, 1, 100000000, false, &budget))
				return EXIT_USAGE;
			break;
		default:
			return cli_opt_done(prog, c, usage, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	struct cli_setup cs;
	if (cli_setup_load(&cs, "steercheck", confdir, CLI_LOAD_PROFILE) != 0)
		return EXIT_USAGE;
	const struct steer_plan *p = cs.plan;
	const struct hwp_profile *prof = cs.profile;
	int rc = EXIT_USAGE;
	char errbuf[STEER_ERRBUF_SIZE] = "";
	/* the profile's limits are one of the faults the proof reports */
	char prof_err[STEER_ERRBUF_SIZE] = "";
	bool prof_ok = hwp_profile_check(prof, p, prof_err) == 0;
	struct proof pr;
	memset(&pr, 0, sizeof(pr));
	pr.plan = p;
	pr.path = steer_path_new(p, 0);
	pr.filters = calloc(p->nworkers, sizeof(*pr.filters));
	pr.seen = calloc(p->nbuckets, 1);
	pr.per_worker = calloc(p->nworkers, sizeof(*pr.per_worker));
	if (!pr.path || !pr.filters || !pr.seen || !pr.per_worker)
		goto nomem;
	pr.no_rewrite = !hwp_profile_edits_frames(prof);
	pr.partition = pr.no_rewrite || p->delivery != STEER_DELIVER_PORT;

	/* MACs (and VLANs) */
	struct out o;
	out_init(&o, stdout, json);
	out_obj_open(&o, NULL);
	out_str(&o, "command", "steercheck plan: plan ", "plan");
	out_str(&o, "fingerprint", "%s", cs.fingerprint);
	out_str(&o, "profile", "  profile %s", p->profile);
	out_str(&o, "hash", "  hash %s", steer_hash_name(p->hasher->spec.fn));
	out_u64(&o, "buckets", "  %llu buckets", p->nbuckets);
	out_u64(&o, "workers", "  %llu workers\n", p->nworkers);
	unsigned faults = 0;
	char mac[STEER_MAC_STRLEN], line[256];
	out_arr_open(&o, "mac_faults");
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		if (steer_mac_is_multicast(&w->mac)) {
			snprintf(line, sizeof(line), "%s: MAC %s is multicast", w->name,
			         steer_mac_format(&w->mac, mac));
			out_str(&o, NULL, "FAULT: %s\n", line);
			faults++;
		}
		for (size_t j = i + 1; j < p->nworkers; j++) {
			bool dup_mac = memcmp(w->mac.b, p->workers[j].mac.b, 6) == 0;
			bool dup_vlan = p->delivery == STEER_DELIVER_VLAN &&
			                w->vlan == p->workers[j].vlan;
			if (!dup_mac && !dup_vlan)
				continue;
			snprintf(line, sizeof(line), "%s and %s share %s %s", w->name,
			         p->workers[j].name, dup_mac ? "MAC" : "VLAN",
			         dup_mac ? steer_mac_format(&w->mac, mac) : "");
			if (!dup_mac)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), "%d", w->vlan);
			out_str(&o, NULL, "FAULT: %s\n", line);
			faults++;
		}
	}
	out_arr_close(&o);
	if (!faults)
		out_text(&o, "MACs: %zu unique unicast MACs\n", p->nworkers);

	/* profile limits */
	out_obj_open(&o, "profile_check");
	out_bool(&o, "ok", NULL, prof_ok);
	out_str(&o, "error", prof_ok ? NULL : "FAULT: %s\n", prof_ok ? NULL : prof_err);
	out_obj_close(&o);
	if (prof_ok)
		out_text(&o, "profile %s: the plan fits its limits\n", p->profile);
	else
		faults++;

	/* filters */
	out_arr_open(&o, "filters");
	for (size_t i = 0; i < p->nworkers; i++) {
		struct filt *f = &pr.filters[i];
		int frc = hwp_filter_expr(prof, p, i, &f->expr, f->err);
		if (frc == 0 && cap_filter_compile(STEER_LINK_ETHERNET, f->expr, &f->f, f->err) == 0)
			f->insns = cap_filter_insns(f->f);
		bool okf = f->f && f->insns <= CAP_FILTER_MAX_INSNS;
		if (f->f && !okf)
			snprintf(f->err, sizeof(f->err), "%u BPF instructions: above the kernel's %u",
			         f->insns, CAP_FILTER_MAX_INSNS);
		out_obj_open(&o, NULL);
		out_str(&o, "worker", "filter %s: ", p->workers[i].name);
		out_str(&o, "expr", NULL, f->expr);
		out_bool(&o, "compiles", NULL, f->f != NULL);
		out_u64(&o, "insns", okf ? "compiles, %llu instructions" : NULL, f->insns);
		out_str(&o, "error", okf ? NULL : "FAULT: %s", okf ? NULL : f->err);
		out_obj_close(&o);
		if (!json && f->expr && strlen(f->expr) <= 60)
			out_text(&o, "  (%s)", f->expr);
		out_text(&o, "\n");
		faults += !okf;
	}
	out_arr_close(&o);

	/* traffic */
	if (!budget)
		budget = (uint64_t)p->nbuckets * 64;
	if (synth_traffic(&pr, budget, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		goto out_free;
	}
	out_obj_open(&o, "traffic");
	out_u64(&o, "flows", "synthetic traffic: %llu flows", pr.flows);
	out_u64(&o, "packets", ", %llu frames", pr.frames);
	out_u64(&o, "buckets_covered", " covering %llu", pr.buckets_covered);
	out_u64(&o, "buckets", " of %llu buckets\n", p->nbuckets);
	out_bool(&o, "partition_checked", NULL, pr.partition);
	if (!pr.partition)
		out_text(&o, "delivery port: each worker's own port carries its traffic; there is "
		             "no filter split to check\n");
	out_u64(&o, "dropped", NULL, pr.dropped);
	out_u64(&o, "unmatched", "matched by no filter: %llu", pr.unmatched);
	out_u64(&o, "overmatched", ", by more than one: %llu", pr.overmatched);
	out_u64(&o, "wrong", ", by another worker's than predicted: %llu\n", pr.wrong);
	out_u64(&o, "asymmetric", "flows whose two directions reach different workers: %llu\n",
	        pr.asymmetric);
	out_arr_open(&o, "examples");
	for (size_t i = 0; i < pr.nex; i++) {
		out_obj_open(&o, NULL);
		out_str(&o, "fault", "  FAULT %s: ", pr.ex[i].what);
		out_str(&o, "packet", "%s\n", pr.ex[i].text);
		out_obj_close(&o);
	}
	out_arr_close(&o);
	out_obj_close(&o);
	bool covered = pr.buckets_covered == p->nbuckets;
	if (!covered)
		out_text(&o, "FAULT: only %llu of %u buckets could be covered within %llu flows\n",
		         (unsigned long long)pr.buckets_covered, p->nbuckets,
		         (unsigned long long)budget);
	faults += !covered;
	faults += pr.unmatched + pr.overmatched + pr.wrong + pr.asymmetric ? 1 : 0;
	out_bool(&o, "pass", NULL, faults == 0);
	out_text(&o, faults ? "\nRESULT: FAIL\n"
	                    : "\nRESULT: PASS: every synthetic packet matches exactly one worker's "
	                      "filter, the predicted one\n");
	out_obj_close(&o);
	out_end(&o);
	rc = faults ? EXIT_FAIL : EXIT_OK;
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_USAGE;
	goto out_free;
nomem:
	fprintf(stderr, "%s: out of memory\n", prog);
out_free:
	for (size_t i = 0; pr.filters && i < p->nworkers; i++) {
		free(pr.filters[i].expr);
		cap_filter_free(pr.filters[i].f);
	}
	free(pr.filters);
	free(pr.seen);
	free(pr.per_worker);
	steer_path_free(pr.path);
	cli_setup_free(&cs);
	return rc;
}
