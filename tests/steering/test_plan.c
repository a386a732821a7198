/* SPDX-License-Identifier: BSD-2-Clause */
/* test_plan.c: plans (addresses, weights, determinism, failover, JSON) and the per-packet path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/path.h>
#include <steer/plan.h>

#define NW 4

/* A configuration built by hand: NW workers "worker-1".. with nothing steer-specific set. */
struct fixture {
	struct steer_config cfg;
	struct steer_node nodes[NW + 1];
	char names[NW + 1][16];
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->nodes[0] = (struct steer_node){.name = "manager", .type = STEER_NODE_MANAGER,
	                                  .host = "localhost", .lb_procs = 1, .vlan = -1,
	                                  .port = -1};
	for (int i = 1; i <= NW; i++) {
		snprintf(f->names[i], sizeof(f->names[i]), "worker-%d", i);
		f->nodes[i] = (struct steer_node){.name = f->names[i], .type = STEER_NODE_WORKER,
		                                  .host = "localhost", .interface = "eth0",
		                                  .lb_procs = 1, .vlan = -1, .port = -1};
	}
	f->cfg.dir = "test";
	f->cfg.node_path = "test/node.cfg";
	f->cfg.steer_path = "test/steer.cfg";
	f->cfg.networks_path = "test/networks.cfg";
	f->cfg.nodes = f->nodes;
	f->cfg.nnodes = NW + 1;
	struct steer_frontend *fe = &f->cfg.fe;
	fe->profile = "steerlb";
	fe->hash.fn = STEER_HASH_DEFAULT;
	fe->hash.fields = STEER_FIELDS_5;
	fe->buckets = 4096;
	fe->fragments = STEER_FRAG_REMEMBER;
	fe->non_ip = STEER_NONIP_MAC;
	fe->delivery = STEER_DELIVER_MAC;
	fe->vlan_base = 100;
	steer_mac_parse("02:53:54:00:00:00", &fe->mac_base);
	return f;
}

static struct steer_plan *build_ok(struct fixture *f)
{
	char err[STEER_ERRBUF_SIZE];
	struct steer_plan *p = NULL;
	int rc = steer_plan_build(&f->cfg, &p, err);
	if (rc)
		fail_msg("plan build: %s", err);
	return p;
}

static char *plan_json(const struct steer_plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	struct steer_json j;
	steer_json_init(&j, m, true);
	assert_int_equal(steer_plan_write_json(p, &j, NULL), 0);
	steer_json_end(&j);
	fclose(m);
	return text;
}

static void assigns_macs_and_shares(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_plan *p = build_ok(f);
	char mac[STEER_MAC_STRLEN], want[STEER_MAC_STRLEN];
	assert_int_equal(p->nworkers, NW);
	for (int i = 0; i < NW; i++) {
		snprintf(want, sizeof(want), "02:53:54:00:00:%02x", i);
		assert_string_equal(steer_mac_format(&p->workers[i].mac, mac), want);
		assert_true(p->workers[i].mac_assigned);
		assert_int_equal(p->workers[i].vlan, -1); /* delivery mac: no VLAN invented */
		assert_int_equal(p->workers[i].nbuckets, 4096 / NW);
		assert_true(p->workers[i].alive);
	}
	steer_plan_free(p);
	free(f);
}

static void skips_macs_in_use(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	/* worker-3 holds the base MAC: worker-1 must not get it too. */
	f->nodes[3].has_mac = true;
	steer_mac_parse("02:53:54:00:00:00", &f->nodes[3].mac);
	struct steer_plan *p = build_ok(f);
	char m[STEER_MAC_STRLEN];
	assert_string_equal(steer_mac_format(&p->workers[0].mac, m), "02:53:54:00:00:01");
	assert_string_equal(steer_mac_format(&p->workers[1].mac, m), "02:53:54:00:00:02");
	assert_string_equal(steer_mac_format(&p->workers[2].mac, m), "02:53:54:00:00:00");
	assert_false(p->workers[2].mac_assigned);
	assert_string_equal(steer_mac_format(&p->workers[3].mac, m), "02:53:54:00:00:03");
	steer_plan_free(p);

	/* A base so high that the next MAC would leave the locally administered block. */
	f->nodes[3].has_mac = false;
	steer_mac_parse("02:ff:ff:ff:ff:fe", &f->cfg.fe.mac_base);
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(steer_plan_build(&f->cfg, &p, err), STEER_ECONFIG);
	assert_null(p);
	assert_non_null(strstr(err, "leaves no room for a MAC for [worker-3]"));
	free(f);
}

static void vlans_ports_and_weights(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	f->cfg.fe.delivery = STEER_DELIVER_VLAN;
	f->nodes[2].vlan = 100; /* worker-2 set 100 itself */
	f->nodes[4].lb_procs = 3; /* three processes behind worker-4: weight 3 by default */
	struct steer_plan *p = build_ok(f);
	assert_int_equal(p->workers[0].vlan, 101);
	assert_int_equal(p->workers[1].vlan, 100);
	assert_false(p->workers[1].vlan_assigned);
	assert_int_equal(p->workers[2].vlan, 102);
	assert_int_equal(p->workers[3].vlan, 103);
	assert_int_equal(p->workers[0].port, -1);
	assert_int_equal(p->workers[3].weight, 3);
	assert_int_equal(p->workers[3].nbuckets, 4096 * 3 / 6);
	assert_int_equal(p->workers[0].nbuckets, 4096 / 6 + 1); /* largest remainder */
	steer_plan_free(p);

	f->cfg.fe.delivery = STEER_DELIVER_PORT;
	f->nodes[1].port = 2;
	p = build_ok(f);
	assert_int_equal(p->workers[0].port, 2);
	assert_int_equal(p->workers[1].port, 1);
	assert_int_equal(p->workers[2].port, 3);
	steer_plan_free(p);
	free(f);
}

static void deterministic_json(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_plan *a = build_ok(f), *b = build_ok(f);
	char *ja = plan_json(a), *jb = plan_json(b);
	char fa[17], fb[17];
	assert_string_equal(ja, jb);
	assert_string_equal(steer_plan_fingerprint(a, fa), steer_plan_fingerprint(b, fb));
	assert_non_null(strstr(ja, "\"fingerprint\": \""));
	assert_non_null(strstr(ja, "\"name\": \"worker-3\""));
	assert_non_null(strstr(ja, "\"function\": \"default\""));
	assert_non_null(strstr(ja, "\"table\": ["));
	free(jb);
	steer_plan_free(b);

	/* Any change of substance changes the fingerprint. */
	f->nodes[2].weight = 2;
	b = build_ok(f);
	assert_string_not_equal(steer_plan_fingerprint(a, fa), steer_plan_fingerprint(b, fb));
	free(ja);
	steer_plan_free(a);
	steer_plan_free(b);
	free(f);
}

static void fail_moves_only_its_buckets(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_plan *p = build_ok(f);
	uint16_t *before = malloc(p->nbuckets * sizeof(*before));
	memcpy(before, p->table, p->nbuckets * sizeof(*before));
	assert_int_equal(steer_plan_fail(p, 1), 0);
	assert_false(p->workers[1].alive);
	assert_int_equal(p->workers[1].nbuckets, 0);
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (before[b] != 1)
			assert_int_equal(p->table[b], before[b]);
	for (int i = 0; i < NW; i++)
		if (i != 1)
			assert_true(p->workers[i].nbuckets >= 1365 && p->workers[i].nbuckets <= 1366);
	assert_int_equal(steer_plan_fail(p, 1), STEER_EINVAL); /* already failed */
	assert_int_equal(steer_plan_fail(p, 0), 0);
	assert_int_equal(steer_plan_fail(p, 2), 0);
	assert_int_equal(steer_plan_fail(p, 3), STEER_EINVAL); /* the last one stays */
	assert_int_equal(p->workers[3].nbuckets, p->nbuckets);
	free(before);
	steer_plan_free(p);
	free(f);
}

static void refuses_contradictions(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_plan *p;
	char err[STEER_ERRBUF_SIZE];
	f->cfg.fe.fragments = STEER_FRAG_L3;
	assert_int_equal(steer_plan_build(&f->cfg, &p, err), STEER_ECONFIG);
	assert_string_equal(err, "test/steer.cfg: fragments: 'l3' hashes addresses only, but fields "
	                         "is 5-tuple (use 2-tuple or 3-tuple, or fragments = remember)");
	f->cfg.fe.hash.fields = STEER_FIELDS_3;
	p = build_ok(f);
	steer_plan_free(p);

	f->cfg.fe.non_ip = STEER_NONIP_WORKER;
	f->cfg.fe.non_ip_worker = "worker-9";
	f->cfg.fe.line_non_ip = 7;
	assert_int_equal(steer_plan_build(&f->cfg, &p, err), STEER_ECONFIG);
	assert_string_equal(err, "test/steer.cfg:7: error: non_ip: no worker named 'worker-9'");
	free(f);
}

static struct steer_pkt tcp4(uint32_t s, uint32_t d, uint16_t sp, uint16_t dp)
{
	struct steer_pkt p = {.family = 4, .proto = 6, .sport = sp, .dport = dp,
	                      .flags = STEER_F_PORTS | STEER_F_L2, .eth_off = 0};
	for (int i = 0; i < 4; i++) {
		p.src[i] = (uint8_t)(s >> (24 - 8 * i));
		p.dst[i] = (uint8_t)(d >> (24 - 8 * i));
	}
	return p;
}

static void path_fragments_follow_first(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_plan *p = build_ok(f);
	struct steer_path *path = steer_path_new(p, 64);
	assert_non_null(path);
	unsigned split = 0;
	for (uint32_t i = 0; i < 200; i++) {
		struct steer_pkt whole = tcp4(0x0a000001 + i, 0xc0000207, (uint16_t)(40000 + i), 443);
		struct steer_pkt first = whole, later = whole;
		uint32_t h, hf, hl;
		int w = steer_path_classify(path, STEER_PKT_IP, &whole, &h);
		first.flags |= STEER_F_FRAG | STEER_F_FRAG_FIRST;
		first.frag_id = i;
		later.flags = (later.flags | STEER_F_FRAG) & ~STEER_F_PORTS; /* no ports after 1st */
		later.sport = later.dport = 0;
		later.frag_id = i;
		later.frag_offset = 185;
		assert_int_equal(steer_path_classify(path, STEER_PKT_IP, &first, &hf), w);
		assert_int_equal(steer_path_classify(path, STEER_PKT_IP, &later, &hl), w);
		assert_int_equal(hl, h);
		/* Without the table the later fragment would hash on addresses alone. */
		struct steer_flow_key k;
		steer_flow_key_from_pkt(&later, false, &k);
		split += steer_plan_lookup(p, &k, NULL, NULL) != (unsigned)w;
	}
	assert_true(split > 50); /* the table is what keeps those flows whole */
	const struct steer_path_stats *st = steer_path_stats(path);
	assert_int_equal(st->frag_first, 200);
	assert_int_equal(st->frag_hit, 200);
	assert_int_equal(st->frag_miss, 0);

	/* A later fragment with no first fragment seen is hashed, and counted as a miss. */
	struct steer_pkt orphan = tcp4(0x0a0000ff, 0xc0000207, 0, 0);
	orphan.flags = STEER_F_FRAG | STEER_F_L2;
	orphan.frag_id = 999;
	orphan.frag_offset = 10;
	uint32_t h;
	assert_true(steer_path_classify(path, STEER_PKT_IP, &orphan, &h) >= 0);
	assert_int_equal(st->frag_miss, 1);
	steer_path_free(path);
	steer_plan_free(p);
	free(f);
}

static void path_non_ip_policies(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_pkt arp = {.flags = STEER_F_L2, .eth_off = 0,
	                        .mac_dst = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	                        .mac_src = {0x02, 0, 0, 0, 0, 9}};
	uint32_t h;

	f->cfg.fe.non_ip = STEER_NONIP_DROP;
	struct steer_plan *p = build_ok(f);
	struct steer_path *path = steer_path_new(p, 0);
	assert_int_equal(steer_path_classify(path, STEER_PKT_NONIP, &arp, &h), STEER_PATH_DROP);
	assert_int_equal(steer_path_stats(path)->dropped, 1);
	assert_int_equal(steer_path_stats(path)->non_ip, 1);
	steer_path_free(path);
	steer_plan_free(p);

	f->cfg.fe.non_ip = STEER_NONIP_WORKER;
	f->cfg.fe.non_ip_worker = "worker-3";
	p = build_ok(f);
	path = steer_path_new(p, 0);
	assert_int_equal(steer_path_classify(path, STEER_PKT_NONIP, &arp, &h), 2);
	assert_int_equal(steer_path_classify(path, STEER_PKT_TRUNC, &arp, &h), 2);
	assert_int_equal(steer_path_stats(path)->malformed, 1);
	steer_path_free(path);
	steer_plan_free(p);

	/* By MAC pair: both directions of a non-IP conversation meet at one worker. */
	f->cfg.fe.non_ip = STEER_NONIP_MAC;
	p = build_ok(f);
	path = steer_path_new(p, 0);
	unsigned mismatched = 0;
	for (int i = 0; i < 64; i++) {
		struct steer_pkt a = arp, b;
		a.mac_dst[0] = 0x02;
		a.mac_dst[5] = (uint8_t)i;
		b = a;
		memcpy(b.mac_dst, a.mac_src, 6);
		memcpy(b.mac_src, a.mac_dst, 6);
		mismatched += steer_path_classify(path, STEER_PKT_NONIP, &a, &h) !=
		              steer_path_classify(path, STEER_PKT_NONIP, &b, &h);
	}
	assert_int_equal(mismatched, 0);
	steer_path_free(path);
	steer_plan_free(p);
	free(f);
}

static void bundled_config(void **state)
{
	(void)state;
	struct steer_diags d = {0};
	struct steer_config *cfg;
	assert_int_equal(steer_config_load(STEER_SOURCE_DIR "/etc", &cfg, &d), 0);
	assert_int_equal(d.nerrors, 0);
	char err[STEER_ERRBUF_SIZE];
	struct steer_plan *p;
	assert_int_equal(steer_plan_build(cfg, &p, err), 0);
	assert_int_equal(p->nworkers, 4);
	assert_string_equal(p->workers[0].name, "worker-1");
	assert_int_equal(p->nbuckets, 4096);
	assert_true(steer_hash_is_symmetric(&p->hasher->spec));
	steer_plan_free(p);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

/* Warnings on a valid plan (issue 13 items 2, 17): an asymmetric hash, a starved worker. */
static void lint(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct steer_diags d = {0};
	struct steer_plan *p = build_ok(f);
	assert_int_equal(steer_plan_lint(p, &f->cfg, &d), 0);
	steer_plan_free(p);
	/* Toeplitz with Microsoft's key: the two directions hash apart */
	f->cfg.fe.hash.fn = STEER_HASH_TOEPLITZ;
	f->cfg.fe.hash.fields = STEER_FIELDS_4;
	memcpy(f->cfg.fe.hash.key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
	f->cfg.fe.line_hash = 7;
	f->nodes[1].weight = 1000000;
	f->nodes[3].line = 12;
	p = build_ok(f);
	assert_int_equal(p->workers[2].nbuckets, 0);
	assert_int_equal(steer_plan_lint(p, &f->cfg, &d), 4); /* the hash, workers 2 to 4 */
	assert_int_equal(d.nwarnings, 4);
	assert_non_null(strstr(d.v[0].text, "test/steer.cfg:7: warning: hash: toeplitz"));
	assert_non_null(strstr(d.v[2].text, "test/node.cfg:12: warning: [worker-3]: weight 1 gets "
	                                    "none of the 4096 buckets"));
	/* a failed worker holds no bucket by design: no warning */
	steer_diags_free(&d);
	for (size_t i = 1; i < 4; i++)
		assert_int_equal(steer_plan_fail(p, i), 0);
	assert_int_equal(steer_plan_lint(p, &f->cfg, &d), 1);
	steer_diags_free(&d);
	steer_plan_free(p);
	free(f);
}

/* non_ip = worker:NAME with NAME failed: non-IP frames move to the next alive worker, and
 * back in node.cfg order when it wraps (issue 13 item 23). */
static void fail_moves_non_ip_worker(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	f->cfg.fe.non_ip = STEER_NONIP_WORKER;
	f->cfg.fe.non_ip_worker = "worker-4";
	struct steer_plan *p = build_ok(f);
	assert_int_equal(p->nonip_worker, 3);
	assert_int_equal(steer_plan_fail(p, 3), 0);
	assert_int_equal(p->nonip_worker, 0);
	assert_true(p->workers[p->nonip_worker].alive);
	assert_int_equal(steer_plan_fail(p, 1), 0); /* another worker: no move */
	assert_int_equal(p->nonip_worker, 0);
	assert_int_equal(steer_plan_fail(p, 0), 0);
	assert_int_equal(p->nonip_worker, 2);
	/* and the path sends a non-IP frame there */
	struct steer_path *path = steer_path_new(p, 16);
	assert_non_null(path);
	struct steer_pkt pkt = {0};
	uint32_t h;
	assert_int_equal(steer_path_classify(path, STEER_PKT_NONIP, &pkt, &h), 2);
	steer_path_free(path);
	steer_plan_free(p);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(assigns_macs_and_shares),
	    cmocka_unit_test(skips_macs_in_use),
	    cmocka_unit_test(vlans_ports_and_weights),
	    cmocka_unit_test(deterministic_json),
	    cmocka_unit_test(fail_moves_only_its_buckets),
	    cmocka_unit_test(refuses_contradictions),
	    cmocka_unit_test(path_fragments_follow_first),
	    cmocka_unit_test(path_non_ip_policies),
	    cmocka_unit_test(bundled_config),
	    cmocka_unit_test(lint),
	    cmocka_unit_test(fail_moves_non_ip_worker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
