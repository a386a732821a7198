/* SPDX-License-Identifier: BSD-2-Clause */
/* test_emulate.c: hwp_profile_emulate against what each device parses ([emulate] l2): an IP
 * packet under an encapsulation the device does not parse through is steered as the device
 * steers a non-IP frame (by the MAC pair, dropped, or to one worker), one it does parse through
 * by its addresses; the plan's non_ip policy holds when the device implements it; the l2 key's
 * refusals; a device blind to fragments (netmap lb) splits them, as it does. The parser's flags
 * that tell the encapsulations apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/hwp_profile.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/plan.h>

#include "frame.h"

/* ---- a plan of four workers from steer.cfg lines, emulating a profile ---- */

struct rig {
	char dir[64];
	struct steer_config *cfg;
	struct steer_plan *plan;
	struct hwp_profile *prof;
	struct steer_path *path;
};

static void put(const char *dir, const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static struct rig *rig_new(const char *profile, const char *steer_cfg)
{
	struct rig *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	snprintf(r->dir, sizeof(r->dir), "/tmp/steer-test-emu-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	put(r->dir, "node.cfg",
	    "[manager]\ntype = manager\nhost = localhost\n[proxy-1]\ntype = proxy\nhost = "
	    "localhost\n"
	    "[worker-1]\ntype = worker\nhost = localhost\ninterface = eth0\n"
	    "[worker-2]\ntype = worker\nhost = localhost\ninterface = eth0\n"
	    "[worker-3]\ntype = worker\nhost = localhost\ninterface = eth0\n"
	    "[worker-4]\ntype = worker\nhost = localhost\ninterface = eth0\n");
	put(r->dir, "steer.cfg", steer_cfg);
	struct steer_diags d = {0};
	int rc = steer_config_load(r->dir, &r->cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.v[i].text);
	steer_diags_free(&d);
	assert_int_equal(rc, 0);
	char errbuf[STEER_ERRBUF_SIZE];
	assert_int_equal(steer_plan_build(r->cfg, &r->plan, errbuf), 0);
	rc = hwp_profile_load(profile, NULL, &r->prof, errbuf);
	if (rc == 0)
		rc = hwp_profile_emulate(r->prof, r->plan, errbuf);
	if (rc)
		fprintf(stderr, "%s: %s\n", profile, errbuf);
	assert_int_equal(rc, 0);
	r->path = steer_path_new(r->plan, 0);
	assert_non_null(r->path);
	return r;
}

static void rig_free(struct rig *r)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	assert_int_equal(system(cmd), 0);
	steer_path_free(r->path);
	hwp_profile_free(r->prof);
	steer_plan_free(r->plan);
	steer_config_free(r->cfg);
	free(r);
}

/* ---- frames: one UDP packet between two hosts, under each encapsulation ---- */

enum encap { E_NONE, E_Q, E_AD, E_9100, E_QQ, E_ADQ, E_MPLS, E_PPPOE, E_PBB, E_ARP, E__N };
static const char *const encap_name[E__N] = {
    "untagged", "8100", "88a8", "9100", "8100+8100", "88a8+8100", "mpls", "pppoe", "pbb", "arp",
};

/* The frame under e, with the MAC pair's last bytes m and the addresses' last bytes a, b. */
static void build(struct tframe *f, enum encap e, unsigned m, unsigned a, unsigned b)
{
	char src[32], dst[32];
	snprintf(src, sizeof(src), "10.1.0.%u", a);
	snprintf(dst, sizeof(dst), "10.2.0.%u", b);
	memset(f, 0, sizeof(*f));
	switch (e) {
	case E_NONE:
		tf_eth(f, 0x0800);
		break;
	case E_Q:
	case E_AD:
	case E_9100:
		tf_eth(f, e == E_Q ? 0x8100 : e == E_AD ? 0x88a8 : 0x9100);
		tf_tag(f, 10, 0x0800);
		break;
	case E_QQ:
	case E_ADQ:
		tf_eth(f, e == E_QQ ? 0x8100 : 0x88a8);
		tf_tag(f, 10, 0x8100);
		tf_tag(f, 20, 0x0800);
		break;
	case E_MPLS:
		tf_eth(f, 0x8847);
		tf_mpls(f, 16, 1);
		break;
	case E_PPPOE:
		tf_eth(f, 0x8864);
		tf_pppoe(f, 0x0021);
		break;
	case E_PBB:
		tf_eth(f, 0x88e7);
		tf_put32(f, 1);
		tf_eth_inner(f, 0x0800);
		break;
	case E_ARP:
		tf_eth(f, 0x0806);
		tf_arp(f);
		break;
	case E__N:
		break;
	}
	if (e != E_ARP) {
		size_t ip = tf_ipv4(f, 17, src, dst);
		size_t u = tf_udp(f, 1000, 2000);
		tf_payload(f, 8);
		tf_udp_end(f, u);
		tf_ip_end(f, ip);
	}
	f->b[5] = (uint8_t)m;
	f->b[11] = (uint8_t)(m * 7 + 1);
}

static int steer_frame(struct rig *r, const struct tframe *f, uint32_t *flags)
{
	struct steer_pkt pkt;
	uint32_t hash;
	int st = steer_parse(STEER_LINK_ETHERNET, f->b, f->n, false, &pkt);
	if (flags)
		*flags = pkt.flags;
	return steer_path_classify(r->path, st, &pkt, &hash);
}

/* For frames of each encapsulation, the device must take the IP way (the worker of the same
 * addresses untagged) when seen[e], else the non-IP way (the worker of an ARP frame with the
 * same MACs). Frames are chosen where the two ways differ, so the test tells them apart. */
static void check_l2(const char *profile, const char *steer_cfg, const bool seen[E__N])
{
	struct rig *r = rig_new(profile, steer_cfg);
	unsigned tried = 0, told = 0;
	for (unsigned m = 1; m < 40; m++)
		for (unsigned a = 1; a < 40; a++) {
			struct tframe f;
			build(&f, E_NONE, m, a, 2 * a + m);
			int by_ip = steer_frame(r, &f, NULL);
			build(&f, E_ARP, m, 0, 0);
			int by_mac = steer_frame(r, &f, NULL);
			tried++;
			if (by_ip == by_mac)
				continue;
			told++;
			for (int e = E_Q; e < E_ARP; e++) {
				build(&f, (enum encap)e, m, a, 2 * a + m);
				int got = steer_frame(r, &f, NULL), want = seen[e] ? by_ip : by_mac;
				if (got != want)
					fail_msg(
					    "%s: %s IPv4 reaches %d, the device's %s way gives %d",
					    profile, encap_name[e], got, seen[e] ? "IP" : "non-IP",
					    want);
			}
		}
	if (told < tried / 8)
		fail_msg("%s: only %u of %u frames tell the IP and non-IP ways apart", profile,
		         told, tried);
	rig_free(r);
}

/*                                   none  8100  88a8  9100  QQ    ADQ   mpls  pppoe pbb */
static const bool all[E__N] = {true, true, true, true, true, true, true, true, true};
static const bool one_tag[E__N] = {true, true, true, true, false, false, false, false, false};
static const bool q_ad[E__N] = {true, true, true, false, false, false, false, false, false};
static const bool q_only[E__N] = {true, true, false, false, false, false, false, false, false};
static const bool pfring[E__N] = {true, true, false, false, true, false, true, false, false};
static const bool kernel[E__N] = {true, true, true, false, true, true, false, true, false};

static void test_l2_depth(void **state)
{
	(void)state;
	check_l2("steerlb", "hash = default\nbuckets = 64\n", all);
	check_l2("click", "profile = click\nhash = xor\nbuckets = 64\n", one_tag);
	check_l2("bpf-split", "profile = bpf-split\nhash = xor\nbuckets = 64\n", one_tag);
	check_l2("netmap-lb", "hash = default\nbuckets = 64\n", q_only);
	check_l2("pfring", "hash = default\nbuckets = 64\n", pfring);
	check_l2("afpacket", "hash = default\nbuckets = 64\n", kernel);
	check_l2("cpacket-cvu", "hash = default\nbuckets = 64\n", all);
	/* OpenFlow drops non-IP by default: the way it does not parse is a drop, or the worker
	 * non_ip = worker names */
	check_l2("ovs", "hash = xor\nbuckets = 64\nnon_ip = worker:worker-3\n", q_ad);
	check_l2("openflow13", "hash = xor\nbuckets = 64\nnon_ip = worker:worker-3\n", q_ad);
	struct rig *r = rig_new("ovs", "hash = xor\nbuckets = 64\nnon_ip = drop\n");
	struct tframe f;
	build(&f, E_QQ, 3, 4, 5);
	assert_int_equal(steer_frame(r, &f, NULL), STEER_PATH_DROP);
	build(&f, E_Q, 3, 4, 5);
	assert_true(steer_frame(r, &f, NULL) >= 0);
	assert_int_equal(steer_path_stats(r->path)->non_ip, 1); /* hidden IP counts as non-IP */
	rig_free(r);
}

/* The plan's non_ip holds where the device implements it (its configuration is generated from
 * the plan), the device's own otherwise. */
static void test_non_ip(void **state)
{
	(void)state;
	struct tframe f;
	build(&f, E_ARP, 9, 0, 0);
	struct rig *r =
	    rig_new("click", "profile = click\nhash = xor\nbuckets = 64\nnon_ip = drop\n");
	assert_int_equal(steer_frame(r, &f, NULL), STEER_PATH_DROP);
	rig_free(r);
	r = rig_new("click",
	            "profile = click\nhash = xor\nbuckets = 64\nnon_ip = worker:worker-2\n");
	assert_int_equal(steer_frame(r, &f, NULL), 1);
	rig_free(r);
	r = rig_new("steerlb", "hash = default\nbuckets = 64\nnon_ip = drop\n");
	assert_int_equal(steer_frame(r, &f, NULL), STEER_PATH_DROP);
	rig_free(r);
	/* OpenFlow cannot hash the MAC pair: its own policy, drop */
	r = rig_new("ovs", "hash = xor\nbuckets = 64\nnon_ip = mac\n");
	assert_int_equal(steer_frame(r, &f, NULL), STEER_PATH_DROP);
	rig_free(r);
	/* netmap lb hashes non-IP frames by the MAC pair whatever the plan asks */
	r = rig_new("netmap-lb", "hash = default\nbuckets = 64\nnon_ip = drop\n");
	assert_true(steer_frame(r, &f, NULL) >= 0);
	rig_free(r);
}

/* A UDP datagram from 10.3.0.a to 10.4.0.b: whole with ports sp -> dp (frag < 0), or its first
 * fragment with those ports (frag 0), or a later fragment whose data starts sp, dp (frag > 0:
 * the offset in 8-byte units). */
static void udp_frag(struct tframe *f, unsigned a, unsigned b, unsigned sp, unsigned dp, int frag)
{
	char src[32], dst[32];
	snprintf(src, sizeof(src), "10.3.0.%u", a);
	snprintf(dst, sizeof(dst), "10.4.0.%u", b);
	memset(f, 0, sizeof(*f));
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 17, src, dst);
	tf_put16(f, sp);
	tf_put16(f, dp);
	tf_payload(f, 60);
	tf_ip_end(f, ip);
	if (frag >= 0)
		tf_set16(f, ip + 6, frag ? (unsigned)frag : 0x2000u); /* offset, or MF */
}

/* netmap lb knows no fragments: it reads a later fragment's first data bytes as its ports,
 * so the fragments of one datagram can reach different pipes (what generate warns about). */
static void test_blind_fragments(void **state)
{
	(void)state;
	struct rig *r = rig_new("netmap-lb", "profile = netmap-lb\nhash = netmap-lb\n"
	                                     "buckets = 64\nnon_ip = mac\n");
	unsigned split = 0;
	for (unsigned a = 1; a < 60; a++) {
		struct tframe f;
		udp_frag(&f, a, 7, 1000, 2000, -1);
		int whole = steer_frame(r, &f, NULL);
		/* lb's hash is linear in the port words: vary the data so the split varies */
		unsigned d0 = 0x1234 + 977 * a, d1 = 0x5678 ^ (a << 3);
		udp_frag(&f, a, 7, d0, d1, -1);
		int as_data = steer_frame(r, &f, NULL);
		udp_frag(&f, a, 7, 1000, 2000, 0);
		assert_int_equal(steer_frame(r, &f, NULL), whole);
		udp_frag(&f, a, 7, d0, d1, 185);
		uint32_t flags;
		assert_int_equal(steer_frame(r, &f, &flags), as_data);
		assert_true((flags & STEER_F_FRAG) && !(flags & STEER_F_FRAG_FIRST));
		split += whole != as_data;
	}
	assert_true(split > 10);
	rig_free(r);
	/* steer's own remembers the first fragment's worker */
	r = rig_new("steerlb", "hash = default\nbuckets = 64\n");
	for (unsigned a = 1; a < 60; a++) {
		struct tframe f;
		udp_frag(&f, a, 7, 1000, 2000, 0);
		int first = steer_frame(r, &f, NULL);
		udp_frag(&f, a, 7, 0x1234, 0x5678, 185);
		assert_int_equal(steer_frame(r, &f, NULL), first);
	}
	rig_free(r);
}

/* The parser's flags behind the l2 key. */
static void test_flags(void **state)
{
	(void)state;
	struct rig *r = rig_new("steerlb", "hash = default\nbuckets = 64\n");
	static const uint32_t want[E__N] = {
	    [E_NONE] = 0,
	    [E_Q] = STEER_F_VLAN,
	    [E_AD] = STEER_F_VLAN | STEER_F_TAG_AD,
	    [E_9100] = STEER_F_VLAN | STEER_F_TAG_9100,
	    [E_QQ] = STEER_F_VLAN | STEER_F_QINQ,
	    [E_ADQ] = STEER_F_VLAN | STEER_F_QINQ | STEER_F_TAG_AD,
	    [E_MPLS] = STEER_F_MPLS,
	    [E_PPPOE] = STEER_F_PPPOE,
	    [E_PBB] = STEER_F_L2_WRAP,
	    [E_ARP] = 0,
	};
	const uint32_t l2 = STEER_F_VLAN | STEER_F_QINQ | STEER_F_TAG_AD | STEER_F_TAG_9100 |
	                    STEER_F_MPLS | STEER_F_PPPOE | STEER_F_L2_WRAP;
	for (int e = 0; e < E__N; e++) {
		struct tframe f;
		uint32_t flags;
		build(&f, (enum encap)e, 1, 2, 3);
		steer_frame(r, &f, &flags);
		if ((flags & l2) != want[e])
			fail_msg("%s: flags 0x%x, want 0x%x", encap_name[e], flags & l2, want[e]);
	}
	rig_free(r);
}

/* The l2 key: what it accepts and what it refuses, naming file, line and key. */
static void test_l2_key(void **state)
{
	(void)state;
	char dir[64] = "/tmp/steer-test-emu-XXXXXX", path[128], errbuf[STEER_ERRBUF_SIZE];
	assert_non_null(mkdtemp(dir));
	static const char head[] =
	    "[profile]\ngenerator = steerlb\nhashes = default\nfields = 5-tuple\nsymmetric = yes\n"
	    "hash_known = yes\nfragments = remember\nnon_ip = mac\ndelivery = mac\n"
	    "max_outputs = 0\nmax_table_entries = 0\n[emulate]\nhash = default\n"
	    "fragments = remember\nnon_ip = mac\n";
	static const struct {
		const char *l2;
		int rc;
		uint32_t opaque;
		const char *msg;
	} cases[] = {
	    {"all", 0, 0, NULL},
	    {"none", 0,
	     STEER_F_VLAN | STEER_F_TAG_AD | STEER_F_TAG_9100 | STEER_F_QINQ | STEER_F_MPLS |
	         STEER_F_PPPOE | STEER_F_L2_WRAP,
	     NULL},
	    {"vlan, mpls", 0,
	     STEER_F_TAG_AD | STEER_F_TAG_9100 | STEER_F_QINQ | STEER_F_PPPOE | STEER_F_L2_WRAP,
	     NULL},
	    {"vlan 8021ad 9100 qinq mpls pppoe wrappers", 0, 0, NULL},
	    {"qinq", STEER_ECONFIG, 0,
	     "x.ini:16: error: [emulate] l2: 'qinq' is not possible: a tag kind or qinq needs "
	     "vlan"},
	    {"vlan, gre", STEER_ECONFIG, 0,
	     "x.ini:16: error: [emulate] l2: 'vlan, gre' is not all"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "%sl2 = %s\n", head, cases[i].l2);
		put(dir, "x.ini", text);
		snprintf(path, sizeof(path), "%s/x.ini", dir);
		struct hwp_profile *p;
		int rc = hwp_profile_load(path, NULL, &p, errbuf);
		assert_int_equal(rc, cases[i].rc);
		if (rc == 0) {
			assert_int_equal(p->emulate_l2_opaque, cases[i].opaque);
			hwp_profile_free(p);
		} else if (!strstr(errbuf, cases[i].msg)) {
			fail_msg("l2 = %s: '%s' lacks '%s'", cases[i].l2, errbuf, cases[i].msg);
		}
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_l2_depth),        cmocka_unit_test(test_non_ip),
	    cmocka_unit_test(test_blind_fragments), cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_l2_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
