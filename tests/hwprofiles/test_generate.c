/* SPDX-License-Identifier: BSD-2-Clause */
/* test_generate.c: the generated artefacts against the plan: every worker's BPF filter compiled
 * and run with libpcap (pcap_offline_filter) partitions synthetic traffic exactly as the plan
 * steers it; the cPacket and switch tables cover every bucket and worker once with the right
 * MAC. (The Click configuration runs in real Click: click_real.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/cap_filter.h>
#include <steer/config.h>
#include <steer/error.h>
#include <steer/hwp_generate.h>
#include <steer/hwp_profile.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/plan.h>

/* ---- a configuration on disk, loaded as steerctl loads it ---- */

struct setup {
	char dir[64];
	struct steer_config *cfg;
	struct steer_plan *plan;
	struct hwp_profile *prof;
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* nworkers workers, worker i with weight i (uneven shares), plus steer.cfg lines. */
static struct setup *setup_new(unsigned nworkers, const char *steer_cfg)
{
	struct setup *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	snprintf(s->dir, sizeof(s->dir), "/tmp/steer-test-gen-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	char node[16384];
	int n = snprintf(node, sizeof(node),
	                 "[manager]\ntype = manager\nhost = localhost\n"
	                 "[proxy-1]\ntype = proxy\nhost = localhost\n");
	for (unsigned i = 1; i <= nworkers; i++)
		n += snprintf(node + n, sizeof(node) - (size_t)n,
		              "[worker-%u]\ntype = worker\nhost = localhost\ninterface = eth0\n"
		              "steer.weight = %u\nsteer.port = %u\n",
		              i, i, i);
	write_file(s->dir, "node.cfg", node);
	write_file(s->dir, "steer.cfg", steer_cfg);
	struct steer_diags d = {0};
	int rc = steer_config_load(s->dir, &s->cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.v[i].text);
	steer_diags_free(&d);
	assert_int_equal(rc, 0);
	char errbuf[STEER_ERRBUF_SIZE];
	rc = steer_plan_build(s->cfg, &s->plan, errbuf);
	if (rc)
		fprintf(stderr, "%s\n", errbuf);
	assert_int_equal(rc, 0);
	rc = hwp_profile_load(s->plan->profile, NULL, &s->prof, errbuf);
	if (rc)
		fprintf(stderr, "%s\n", errbuf);
	assert_int_equal(rc, 0);
	rc = hwp_profile_check(s->prof, s->plan, errbuf);
	if (rc)
		fprintf(stderr, "%s\n", errbuf);
	assert_int_equal(rc, 0);
	return s;
}

static void rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void setup_free(struct setup *s)
{
	rm_rf(s->dir);
	hwp_profile_free(s->prof);
	steer_plan_free(s->plan);
	steer_config_free(s->cfg);
	free(s);
}

/* ---- synthetic frames ---- */

struct frame {
	uint8_t b[128];
	size_t len;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
	p[3] = (uint8_t)v;
}

/* family 4 / 6 UDP, or 0 for an ARP-typed non-IP frame; src/dst are the low 32 bits of the
 * addresses (or of the MACs' bytes 2..5 for non-IP); vlan >= 0 adds one 802.1Q tag. */
static void build(struct frame *f, int family, uint32_t src, uint32_t dst, int vlan)
{
	uint8_t *p = f->b;
	memset(f, 0, sizeof(*f));
	static const uint8_t dmac[6] = {0x00, 0x1b, 0x21, 0x00, 0x00, 0x01};
	static const uint8_t smac[6] = {0x00, 0x1b, 0x21, 0x00, 0x00, 0x02};
	memcpy(p, dmac, 6), memcpy(p + 6, smac, 6);
	if (family == 0)
		put32(p + 2, dst), put32(p + 8, src);
	size_t o = 12;
	if (vlan >= 0) {
		p[o] = 0x81, p[o + 1] = 0x00, p[o + 2] = (uint8_t)(vlan >> 8), p[o + 3] = (uint8_t)vlan;
		o += 4;
	}
	if (family == 4) {
		p[o] = 0x08, p[o + 1] = 0x00;
		uint8_t *ip = p + o + 2;
		ip[0] = 0x45, ip[3] = 28, ip[8] = 64, ip[9] = 17;
		put32(ip + 12, 0x0a010000u ^ src), put32(ip + 16, 0x0a010000u ^ dst);
		ip[20] = 0x9c, ip[21] = 0x40, ip[22] = 0x00, ip[23] = 0x35, ip[25] = 8;
		f->len = o + 2 + 28;
	} else if (family == 6) {
		p[o] = 0x86, p[o + 1] = 0xdd;
		uint8_t *ip = p + o + 2;
		ip[0] = 0x60, ip[5] = 8, ip[6] = 17, ip[7] = 64;
		ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, put32(ip + 20, src);
		ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8, put32(ip + 36, dst);
		ip[40] = 0x9c, ip[41] = 0x40, ip[42] = 0x00, ip[43] = 0x35, ip[45] = 8;
		f->len = o + 2 + 48;
	} else {
		p[o] = 0x08, p[o + 1] = 0x06;
		f->len = o + 2 + 28;
	}
}

/* The worker the plan sends f to (steerlb's decision), or STEER_PATH_DROP. */
static int predict(struct steer_path *path, const struct frame *f)
{
	struct steer_pkt pkt;
	int st = steer_parse(STEER_LINK_ETHERNET, f->b, f->len, false, &pkt);
	uint32_t h;
	return steer_path_classify(path, st, &pkt, &h);
}

/* What the balancer hands the worker: its MAC written, or its VLAN tag pushed. */
static void deliver(const struct steer_plan *p, const struct frame *in, unsigned w,
                    bool split, struct frame *out)
{
	*out = *in;
	if (split)
		return; /* bpf-split: frames reach every worker unchanged */
	if (p->delivery == STEER_DELIVER_MAC) {
		memcpy(out->b, p->workers[w].mac.b, 6);
	} else if (p->delivery == STEER_DELIVER_VLAN) {
		memcpy(out->b + 16, in->b + 12, in->len - 12);
		out->b[12] = 0x81, out->b[13] = 0x00;
		out->b[14] = (uint8_t)(p->workers[w].vlan >> 8), out->b[15] = (uint8_t)p->workers[w].vlan;
		out->len = in->len + 4;
	}
}

/* For every bucket, IPv4 and IPv6, tagged and untagged, both directions, and non-IP frames:
 * exactly the predicted worker's filter accepts the delivered frame (none for a drop). */
static void check_partition(struct setup *s)
{
	const struct steer_plan *p = s->plan;
	bool split = !strcmp(s->prof->generator, "bpf-split");
	struct cap_filter **cf = calloc(p->nworkers, sizeof(*cf));
	assert_non_null(cf);
	for (size_t i = 0; i < p->nworkers; i++) {
		char *expr, errbuf[STEER_ERRBUF_SIZE];
		assert_int_equal(hwp_filter_expr(s->prof, p, i, &expr, errbuf), 0);
		int rc = cap_filter_compile(1, expr, &cf[i], errbuf);
		if (rc)
			fprintf(stderr, "%s: %s\n", expr, errbuf);
		assert_int_equal(rc, 0);
		assert_true(cap_filter_insns(cf[i]) <= CAP_FILTER_MAX_INSNS);
		free(expr);
	}
	struct steer_path *path = steer_path_new(p, 0);
	assert_non_null(path);
	unsigned checked = 0;
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		for (int rep = 0; rep < 3; rep++) {
			uint32_t sv = (b * 2654435761u + (uint32_t)rep * 40503u) & 0xffffu;
			sv |= (uint32_t)rep << 20;
			uint32_t dv = (sv ^ b) ^ ((uint32_t)(rep + 1) << 24);
			for (int fam = 0; fam <= 6; fam += (fam == 0 ? 4 : 2)) {
				for (int vlan = -1; vlan <= 7; vlan += 8) {
					for (int dir = 0; dir < 2; dir++) {
						struct frame in, out;
						build(&in, fam, dir ? dv : sv, dir ? sv : dv, vlan);
						int w = predict(path, &in);
						unsigned nmatch = 0;
						int got = -1;
						if (w == STEER_PATH_DROP && !split)
							continue; /* nothing delivered */
						deliver(p, &in, w >= 0 ? (unsigned)w : 0, split, &out);
						for (size_t i = 0; i < p->nworkers; i++)
							if (cap_filter_match(cf[i], out.b, out.len, out.len))
								nmatch++, got = (int)i;
						if (w == STEER_PATH_DROP) {
							assert_int_equal(nmatch, 0);
						} else {
							if (nmatch != 1 || got != w)
								fprintf(stderr, "bucket %u fam %d vlan %d dir %d: "
								                "predicted %d, %u filters match "
								                "(last %d)\n",
								        b, fam, vlan, dir, w, nmatch, got);
							assert_int_equal(nmatch, 1);
							assert_int_equal(got, w);
						}
						checked++;
					}
				}
			}
		}
	}
	assert_true(checked >= p->nbuckets * 12);
	steer_path_free(path);
	for (size_t i = 0; i < p->nworkers; i++)
		cap_filter_free(cf[i]);
	free(cf);
}

/* A bpf-split filter joined with others as Zeek's PacketFilter::build() joins restrict_filters
 * entries and PacketFilter::exclude() (with "and", in either order) keeps selecting exactly
 * its worker's share: (w and F) matches exactly the frames w and F each match alone, so the
 * workers still partition whatever F lets through. F includes libpcap's offset-shifting
 * "vlan" before and after the worker's filter. */
struct combined {
	const struct steer_plan *p;
	size_t nf;
	const char *const *others;
	struct cap_filter **alone, **other, **both; /* both[(worker * nf + other) * 2 + order] */
};

/* One frame through every worker's filter with every other filter, both orders; returns how
 * many of the other filters let the frame through. */
static unsigned combined_frame(const struct combined *c, const struct frame *f, const char *what)
{
	unsigned through = 0;
	for (size_t k = 0; k < c->nf; k++) {
		bool fk = cap_filter_match(c->other[k], f->b, f->len, f->len);
		unsigned n = 0;
		for (size_t i = 0; i < c->p->nworkers; i++) {
			bool wi = cap_filter_match(c->alone[i], f->b, f->len, f->len);
			for (int order = 0; order < 2; order++) {
				struct cap_filter *cf = c->both[(i * c->nf + k) * 2 + order];
				bool got = cap_filter_match(cf, f->b, f->len, f->len);
				if (got != (wi && fk))
					fail_msg("[%s] with '%s' %s it, %s: %d, alone %d and %d",
					         c->p->workers[i].name, c->others[k],
					         order ? "before" : "after", what, got, wi, fk);
				n += got && order == 0;
			}
		}
		if (fk && n != 1)
			fail_msg("'%s': %u workers take %s", c->others[k], n, what);
		through += fk;
	}
	return through;
}

/* A bpf-split filter joined with others as Zeek's PacketFilter::build() joins restrict_filters
 * entries and PacketFilter::exclude() (with "and", in either order) keeps selecting exactly
 * its worker's share: (w and F) matches exactly the frames w and F each match alone, so the
 * workers still partition whatever F lets through. F includes libpcap's offset-shifting
 * "vlan" before and after the worker's filter. */
static void check_combined(struct setup *s)
{
	static const char *const others[] = {
		"tcp port 80", "udp port 53", "not tcp port 22", "vlan", "vlan and tcp port 80",
		"ip6",         "not arp",
	};
	const struct steer_plan *p = s->plan;
	struct combined c = {p, sizeof(others) / sizeof(others[0]), others, NULL, NULL, NULL};
	c.alone = calloc(p->nworkers, sizeof(*c.alone));
	c.other = calloc(c.nf, sizeof(*c.other));
	c.both = calloc(p->nworkers * c.nf * 2, sizeof(*c.both));
	assert_true(c.alone && c.other && c.both);
	char errbuf[STEER_ERRBUF_SIZE], text[65536];
	for (size_t k = 0; k < c.nf; k++)
		assert_int_equal(cap_filter_compile(1, others[k], &c.other[k], errbuf), 0);
	for (size_t i = 0; i < p->nworkers; i++) {
		char *expr;
		assert_int_equal(hwp_filter_expr(s->prof, p, i, &expr, errbuf), 0);
		assert_int_equal(cap_filter_compile(1, expr, &c.alone[i], errbuf), 0);
		for (size_t k = 0; k < c.nf * 2; k++) {
			bool before = k % 2;
			snprintf(text, sizeof(text), "(%s) and (%s)", before ? others[k / 2] : expr,
			         before ? expr : others[k / 2]);
			int rc = cap_filter_compile(1, text, &c.both[i * c.nf * 2 + k], errbuf);
			if (rc)
				fprintf(stderr, "%s: %s\n", text, errbuf);
			assert_int_equal(rc, 0);
		}
		free(expr);
	}
	unsigned through = 0;
	for (uint32_t b = 0; b < p->nbuckets; b++)
		for (int v = 0; v < 2 * 3 * 2; v++) {
			int fam = (int[]){0, 4, 6}[v % 3], vlan = v / 3 % 2 ? 7 : -1, tcp80 = v / 6;
			struct frame f;
			char what[96];
			uint32_t sv = (b * 2654435761u) & 0xffffu;
			build(&f, fam, sv, sv ^ b ^ 0x5a0000u, vlan);
			if (tcp80 && fam) { /* the same addresses, TCP to port 80 */
				size_t ip = vlan >= 0 ? 18 : 14, l4 = ip + (fam == 4 ? 20 : 40);
				f.b[ip + (fam == 4 ? 9 : 6)] = 6;
				f.b[l4 + 2] = 0, f.b[l4 + 3] = 80;
			}
			snprintf(what, sizeof(what), "a frame of bucket %u fam %d vlan %d tcp80 %d",
			         b, fam, vlan, tcp80);
			through += combined_frame(&c, &f, what);
		}
	assert_true(through > p->nbuckets * 12);
	for (size_t i = 0; i < p->nworkers * c.nf * 2; i++)
		cap_filter_free(c.both[i]);
	for (size_t i = 0; i < p->nworkers; i++)
		cap_filter_free(c.alone[i]);
	for (size_t k = 0; k < c.nf; k++)
		cap_filter_free(c.other[k]);
	free(c.both), free(c.alone), free(c.other);
}

static void test_filters_bpf_split(void **state)
{
	(void)state;
	struct setup *s = setup_new(5, "profile = bpf-split\nhash = xor\nbuckets = 64\n"
	                               "fragments = l3\nnon_ip = mac\n");
	check_partition(s);
	check_combined(s);
	setup_free(s);
}

static void test_filters_bpf_split_nonip_worker(void **state)
{
	(void)state;
	struct setup *s = setup_new(3, "profile = bpf-split\nhash = xor\nbuckets = 256\n"
	                               "fragments = l3\nnon_ip = worker:worker-2\n");
	check_partition(s);
	setup_free(s);
}

static void test_filters_mac(void **state)
{
	(void)state;
	struct setup *s = setup_new(4, "hash = default\nbuckets = 64\n");
	check_partition(s);
	setup_free(s);
}

static void test_filters_vlan(void **state)
{
	(void)state;
	struct setup *s = setup_new(4, "hash = toeplitz\nhash_key = sym\nbuckets = 32\n"
	                               "delivery = vlan\nnon_ip = drop\n");
	check_partition(s);
	setup_free(s);
}

/* ---- cPacket and switch tables ---- */

static void test_tables(void **state)
{
	(void)state;
	struct setup *s = setup_new(4, "profile = cpacket-cvu\nhash = default\nfields = 3-tuple\n"
	                               "buckets = 256\nfragments = l3\n");
	const struct steer_plan *p = s->plan;
	char out[128], path[160], line[256], errbuf[STEER_ERRBUF_SIZE];
	snprintf(out, sizeof(out), "%s/out", s->dir);
	assert_int_equal(hwp_generate(s->prof, p, s->cfg, hwp_kinds_for_profile(s->prof), out,
	                              NULL, errbuf),
	                 0);
	snprintf(path, sizeof(path), "%s/cpacket/mac-table.csv", out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	uint32_t next = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned b;
		char w[64], mac[32];
		if (sscanf(line, "%u,%63[^,],%31[^,],", &b, w, mac) != 3)
			continue;
		assert_int_equal(b, next++); /* every bucket once, in order */
		char want[STEER_MAC_STRLEN];
		assert_string_equal(w, p->workers[p->table[b]].name);
		assert_string_equal(mac, steer_mac_format(&p->workers[p->table[b]].mac, want));
	}
	fclose(f);
	assert_int_equal(next, p->nbuckets);
	snprintf(path, sizeof(path), "%s/switch/mac-table.txt", out);
	f = fopen(path, "r");
	assert_non_null(f);
	unsigned seen = 0;
	while (fgets(line, sizeof(line), f)) {
		char mac[32], vlan[16], w[64], want[STEER_MAC_STRLEN];
		int port;
		if (line[0] == '#' || sscanf(line, "%31s %d %15s %63s", mac, &port, vlan, w) != 4)
			continue;
		int i = steer_plan_find(p, w);
		assert_true(i >= 0);
		assert_string_equal(mac, steer_mac_format(&p->workers[i].mac, want));
		assert_int_equal(port, p->workers[i].port);
		seen |= 1u << i;
	}
	fclose(f);
	assert_int_equal(seen, (1u << p->nworkers) - 1);
	/* filters/ and zeek/ are always written; a second run needs --force */
	snprintf(path, sizeof(path), "%s/filters/worker-1.bpf", out);
	assert_int_equal(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/zeek/steer/worker-4.zeek", out);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(hwp_generate(s->prof, p, s->cfg, 1, out, NULL, errbuf), STEER_EINVAL);
	assert_non_null(strstr(errbuf, "--force"));
	struct hwp_gen_opts o = {true, NULL, NULL};
	assert_int_equal(hwp_generate(s->prof, p, s->cfg, 1, out, &o, errbuf), 0);
	setup_free(s);
}

/* ---- profiles: loading and refusals ---- */

static void test_profiles_refuse(void **state)
{
	(void)state;
	static const char *const names[] = {
		"cpacket-cvu", "cpacket-cflow", "commodity-switch", "openflow13", "ovs", "click",
		"pfring", "afpacket", "netmap-lb", "bpf-split", "steerlb",
	};
	char errbuf[STEER_ERRBUF_SIZE];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct hwp_profile *p;
		int rc = hwp_profile_load(names[i], NULL, &p, errbuf);
		if (rc)
			fprintf(stderr, "%s\n", errbuf);
		assert_int_equal(rc, 0);
		assert_string_equal(p->name, names[i]);
		hwp_profile_free(p);
	}
	struct hwp_profile *p;
	assert_int_equal(hwp_profile_load("no-such-device", NULL, &p, errbuf), STEER_ENOENT);

	/* 64 xor buckets: 8193 portable rules against 4096 */
	struct setup *s = setup_new(4, "hash = xor\nbuckets = 64\nfragments = l3\nnon_ip = drop\n");
	assert_int_equal(hwp_profile_load("openflow13", NULL, &p, errbuf), 0);
	assert_int_equal(hwp_profile_check(p, s->plan, errbuf), STEER_ECONFIG);
	assert_non_null(strstr(errbuf, "8193"));
	assert_non_null(strstr(errbuf, "4097 too many"));
	assert_non_null(strstr(errbuf, "buckets = 32"));
	hwp_profile_free(p);
	/* the ovs pipeline carries them */
	assert_int_equal(hwp_profile_load("ovs", NULL, &p, errbuf), 0);
	assert_int_equal(hwp_profile_check(p, s->plan, errbuf), 0);
	hwp_profile_free(p);
	setup_free(s);

	/* a hash the device lacks; more workers than outputs */
	s = setup_new(40, "hash = default\nbuckets = 64\n");
	assert_int_equal(hwp_profile_load("click", NULL, &p, errbuf), 0);
	assert_int_equal(hwp_profile_check(p, s->plan, errbuf), STEER_ECONFIG);
	assert_non_null(strstr(errbuf, "hash = xor"));
	hwp_profile_free(p);
	assert_int_equal(hwp_profile_load("pfring", NULL, &p, errbuf), 0);
	assert_int_equal(hwp_profile_check(p, s->plan, errbuf), STEER_ECONFIG);
	hwp_profile_free(p);
	setup_free(s);
	s = setup_new(40, "hash = pfring\nfields = 4-tuple\nbuckets = 64\n");
	assert_int_equal(hwp_profile_load("pfring", NULL, &p, errbuf), 0);
	assert_int_equal(hwp_profile_check(p, s->plan, errbuf), STEER_ECONFIG);
	assert_non_null(strstr(errbuf, "40 workers but the device has at most 32 outputs (8 too many)"));
	hwp_profile_free(p);
	setup_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters_bpf_split),
		cmocka_unit_test(test_filters_bpf_split_nonip_worker),
		cmocka_unit_test(test_filters_mac),
		cmocka_unit_test(test_filters_vlan),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_profiles_refuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
