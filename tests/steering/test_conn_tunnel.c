/* SPDX-License-Identifier: BSD-2-Clause */
/* test_conn_tunnel.c: the connection tracker through tunnels, as Zeek logs them
 * (REFERENCE-cluster 1.10): the outer UDP connection of a VXLAN, Geneve, GTP or Teredo tunnel
 * and the inner connection naming it in tunnel_parents; IP tunnels' synthetic parents; the
 * change limit and the depth limit ('X'); analyzer violations; the responder-port rule. */
#include <stdio.h>
#include <string.h>

#define HARNESS_NAME "tunnel"
#include "conn_harness.h"

/* An inner TCP packet (10.9.0.1:1234 <-> 10.9.0.2:80) in VXLAN over outer UDP sport -> 4789,
 * the outer addresses by direction. */
static void vxlan_tcp(struct tframe *f, bool fwd, unsigned sport, unsigned flags, uint32_t seq,
                      uint32_t ack)
{
	f->n = 0;
	tf_eth(f, 0x0800);
	size_t o =
	    tf_ip(f, 17, fwd ? "172.16.0.1" : "172.16.0.2", fwd ? "172.16.0.2" : "172.16.0.1");
	tf_udp(f, sport, 4789);
	tf_vxlan(f, 0x08, 7);
	tf_eth(f, 0x0800);
	size_t i = tf_ip(f, 6, fwd ? "10.9.0.1" : "10.9.0.2", fwd ? "10.9.0.2" : "10.9.0.1");
	tf_tcp_seg(f, fwd ? 1234 : 80, fwd ? 80 : 1234, seq, ack, flags, 1000, 0);
	tf_ip_csum_end(f, i);
	tf_ip_csum_end(f, o);
}

static const struct steer_conn_rec *find(const struct harness *h, uint8_t proto, unsigned port)
{
	for (int i = 0; i < h->n; i++)
		if (h->recs[i].ip_proto == proto && (h->recs[i].resp_p == port || h->recs[i].orig_p == port))
			return &h->recs[i];
	fail_msg("no record of protocol %u port %u", proto, port);
	return NULL;
}

static void vxlan_parents(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	/* Each direction of the inner connection rides its own outer flow. */
	vxlan_tcp(&f, true, 50000, F_SYN, 100, 0);
	h_frame(&h, 0, &f);
	vxlan_tcp(&f, false, 50001, F_SYN | F_ACK, 900, 101);
	h_frame(&h, 1, &f);
	vxlan_tcp(&f, true, 50000, F_ACK, 101, 901);
	h_frame(&h, 2, &f);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 3);
	const struct steer_conn_rec *in = find(&h, 6, 80);
	h_expect(in, "ShA", STEER_CONN_S1);
	assert_int_equal(in->n_parents, 2);
	int outer = 0;
	for (int i = 0; i < h.n; i++) {
		if (h.recs[i].ip_proto != 17)
			continue;
		outer++;
		assert_int_equal(h.recs[i].resp_p, 4789);
		assert_string_equal(h.recs[i].history, "D");
		assert_int_equal(h.recs[i].n_parents, 0);
		assert_true(strcmp(in->parents[0], h.recs[i].uid) == 0 ||
		            strcmp(in->parents[1], h.recs[i].uid) == 0);
	}
	assert_int_equal(outer, 2);
	/* The inner packets' IP lengths are counted, not the outer ones. */
	assert_int_equal(in->orig_ip_bytes, 2 * 40);
	h_done(&h);
}

/* IP in IP both ways: one synthetic parent (the address pair), no connection for the outer. */
static void ipip_parent(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	for (int k = 0; k < 2; k++) {
		f.n = 0;
		tf_eth(&f, 0x0800);
		size_t o = tf_ip(&f, 4, k ? "2.2.2.2" : "1.1.1.1", k ? "1.1.1.1" : "2.2.2.2");
		size_t i = tf_ip(&f, 17, k ? "10.0.0.2" : "10.0.0.1", k ? "10.0.0.1" : "10.0.0.2");
		tf_udp(&f, k ? 9999 : 5555, k ? 5555 : 9999);
		tf_fill(&f, 8, 0);
		tf_ip_csum_end(&f, i);
		tf_ip_csum_end(&f, o);
		h_frame(&h, k, &f);
	}
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "Dd", STEER_CONN_SF);
	assert_int_equal(r->n_parents, 1);
	assert_int_equal(r->parents[0][0], 'C');
	h_done(&h);
}

static void icmp_in_vxlan(struct tframe *f, unsigned outer_sport, bool request)
{
	f->n = 0;
	tf_eth(f, 0x0800);
	size_t o = tf_ip(f, 17, "172.16.0.1", "172.16.0.2");
	tf_udp(f, outer_sport, 4789);
	tf_vxlan(f, 0x08, 7);
	tf_eth(f, 0x0800);
	size_t i =
	    tf_ip(f, 1, request ? "10.9.0.1" : "10.9.0.2", request ? "10.9.0.2" : "10.9.0.1");
	tf_icmp(f, request ? 8 : 0, 0, 16);
	tf_ip_csum_end(f, i);
	tf_ip_csum_end(f, o);
}

/* Tunnel::max_changes_per_connection (5): the 6th change marks 'X'. */
static void change_limit(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	for (int changes = 5; changes <= 6; changes++) {
		h_init(&h, NULL);
		for (int k = 0; k <= changes; k++) {
			icmp_in_vxlan(&f, k % 2 ? 40001 : 40000, k % 2 == 0);
			h_frame(&h, k, &f);
		}
		steer_conn_flush(h.t);
		const struct steer_conn_rec *r = find(&h, 1, 8);
		assert_string_equal(r->history, changes == 5 ? "" : "X");
		assert_int_equal(r->n_parents, 2);
		assert_int_equal(r->orig_pkts + r->resp_pkts, (uint64_t)changes + 1);
		h_done(&h);
	}
}

/* Tunnel::max_depth (4): the UDP connection that would carry a fifth gets 'X'. */
static void depth_limit(void **state)
{
	struct harness h;
	struct tframe f;
	size_t ips[5];
	(void)state;
	h_init(&h, NULL);
	f.n = 0;
	tf_eth(&f, 0x0800);
	for (int d = 0; d < 5; d++) {
		char a[16], b[16];
		snprintf(a, sizeof(a), "10.%d.0.1", d);
		snprintf(b, sizeof(b), "10.%d.0.2", d);
		ips[d] = tf_ip(&f, 17, a, b);
		tf_udp(&f, 1000 + (unsigned)d, 4789);
		tf_vxlan(&f, 0x08, (uint32_t)d);
		tf_eth(&f, 0x0800);
	}
	size_t in = tf_ip(&f, 6, "10.99.0.1", "10.99.0.2");
	tf_tcp_seg(&f, 1, 2, 1, 0, F_SYN, 100, 0);
	tf_ip_csum_end(&f, in);
	for (int d = 4; d >= 0; d--)
		tf_ip_csum_end(&f, ips[d]);
	h_frame(&h, 0, &f);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 5); /* five UDP connections, the TCP one never reached */
	for (int i = 0; i < h.n; i++) {
		assert_int_equal(h.recs[i].ip_proto, 17);
		assert_string_equal(h.recs[i].history, h.recs[i].orig_p == 1004 ? "DX" : "D");
		assert_int_equal(h.recs[i].n_parents, h.recs[i].orig_p - 1000u ? 1 : 0);
	}
	h_done(&h);
}

/* A malformed VXLAN header is a violation: that connection is never decapsulated again. */
static void violation(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	vxlan_tcp(&f, true, 50000, F_SYN, 100, 0);
	f.b[14 + 20 + 8] = 0; /* no I flag */
	tf_ip_csum_end(&f, 14);
	h_frame(&h, 0, &f);
	vxlan_tcp(&f, true, 50000, F_SYN, 100, 0);
	h_frame(&h, 1, &f);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.recs[0].ip_proto, 17);
	assert_int_equal(h.recs[0].orig_pkts, 2);
	h_done(&h);
}

/* Zeek picks a UDP tunnel by the connection's responder port: VXLAN from 4789 to 53 (both
 * likely server ports, no flip) is not looked into. */
static void responder_port(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	f.n = 0;
	tf_eth(&f, 0x0800);
	size_t o = tf_ip(&f, 17, "172.16.0.1", "172.16.0.2");
	tf_udp(&f, 4789, 53);
	tf_vxlan(&f, 0x08, 7);
	tf_eth(&f, 0x0800);
	size_t i = tf_ip(&f, 6, "10.9.0.1", "10.9.0.2");
	tf_tcp_seg(&f, 1234, 80, 1, 0, F_SYN, 100, 0);
	tf_ip_csum_end(&f, i);
	tf_ip_csum_end(&f, o);
	h_frame(&h, 0, &f);
	const struct steer_conn_rec *r = h_one(&h);
	assert_int_equal(r->resp_p, 53);
	h_done(&h);
}

/* Teredo, GTP and Geneve: the inner connection names the outer UDP one. */
static void udp_tunnels(void **state)
{
	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		struct harness h;
		struct tframe f;
		static const unsigned ports[] = {3544, 2152, 6081};
		h_init(&h, NULL);
		f.n = 0;
		tf_eth(&f, 0x0800);
		size_t o = tf_ip(&f, 17, "172.16.0.1", "172.16.0.2");
		tf_udp(&f, 40000, ports[kind]);
		if (kind == 1)
			tf_gtp(&f, 0x04, 255, 1);
		else if (kind == 2)
			tf_geneve(&f, 0, 2, 0x86dd);
		size_t i = tf_ip(&f, 17, "2001::1", "2001:db8::2");
		tf_udp(&f, 1111, 2222);
		tf_fill(&f, 4, 0);
		tf_ip_csum_end(&f, i);
		tf_ip_csum_end(&f, o);
		h_frame(&h, 0, &f);
		steer_conn_flush(h.t);
		assert_int_equal(h.n, 2);
		const struct steer_conn_rec *outer = find(&h, 17, ports[kind]);
		const struct steer_conn_rec *inner = find(&h, 17, 2222);
		assert_int_equal(inner->n_parents, 1);
		assert_string_equal(inner->parents[0], outer->uid);
		assert_int_equal(inner->family, 6);
		h_done(&h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(vxlan_parents),  cmocka_unit_test(ipip_parent),
	    cmocka_unit_test(change_limit),   cmocka_unit_test(depth_limit),
	    cmocka_unit_test(violation),      cmocka_unit_test(responder_port),
	    cmocka_unit_test(udp_tunnels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
