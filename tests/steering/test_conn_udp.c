/* SPDX-License-Identifier: BSD-2-Clause */
/* test_conn_udp.c: the connection tracker on crafted UDP, ICMP and other-protocol packets: UDP
 * states and sizes, the originator heuristic, ICMP pairing as Zeek models it, unknown
 * transports, inactivity timeouts, local networks (REFERENCE-cluster 1.3, 1.5, 1.7, 1.8). */
#define HARNESS_NAME "udp"
#include "conn_harness.h"

#define P 7777

static void udp_states(void **state)
{
	struct harness h;
	(void)state;

	/* Request and answer: SF, sizes from the UDP length. */
	h_init(&h, NULL);
	h_udp(&h, 0, true, P, 30);
	h_udp(&h, 5, false, P, 70);
	h_udp(&h, 9, true, P, 10);
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "Dd", STEER_CONN_SF);
	assert_int_equal(r->orig_bytes, 40);
	assert_int_equal(r->resp_bytes, 70);
	assert_int_equal(r->orig_pkts, 2);
	assert_int_equal(r->orig_ip_bytes, 2 * 28 + 40);
	assert_int_equal(r->duration_us, 9000);
	assert_true(r->flags & STEER_CONN_F_SERVICE);
	h_done(&h);

	/* A single datagram: S0, and no duration or sizes (Zeek logs "-"). */
	h_init(&h, NULL);
	h_udp(&h, 0, true, P, 30);
	r = h_one(&h);
	h_expect(r, "D", STEER_CONN_S0);
	assert_false(r->flags & STEER_CONN_F_DURATION);
	assert_false(r->flags & STEER_CONN_F_SERVICE);
	h_done(&h);

	/* Only the answer from a likely port: flipped, SHR. */
	h_init(&h, NULL);
	h_udp(&h, 0, false, 53, 70);
	r = h_one(&h);
	h_expect(r, "^d", STEER_CONN_SHR);
	assert_int_equal(r->resp_p, 53);
	assert_int_equal(r->resp_pkts, 1);
	h_done(&h);

	/* A bad checksum: 'C', no packet counted, OTH. */
	h_init(&h, NULL);
	struct tframe f;
	tf_eth_udp(&f, CLI, CPORT, SRV, P, 20);
	f.b[14 + 20 + 6] ^= 0x33;
	h_frame(&h, 0, &f);
	r = h_one(&h);
	h_expect(r, "C", STEER_CONN_OTH);
	assert_int_equal(r->orig_pkts, 0);
	h_done(&h);
}

static void udp_zero_checksum(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	/* IPv4 makes the UDP checksum optional (0), IPv6 does not. */
	h_init(&h, NULL);
	tf_eth_udp(&f, CLI, CPORT, SRV, P, 20);
	tf_set16(&f, 14 + 20 + 6, 0);
	h_frame(&h, 0, &f);
	tf_eth_udp(&f, "2001:db8::1", CPORT, "2001:db8::2", P, 20);
	tf_set16(&f, 14 + 40 + 6, 0);
	h_frame(&h, 1, &f);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	for (int i = 0; i < 2; i++)
		assert_string_equal(h.recs[i].history, h.recs[i].family == 4 ? "D" : "C");
	h_done(&h);
}

static void udp_timeout(void **state)
{
	struct harness h;
	(void)state;
	h_init(&h, NULL);
	h_udp(&h, 0, true, P, 10);
	h_udp(&h, 59999, false, P, 10);
	h_udp(&h, 119999, true, P, 10); /* exactly 60 s after the last: a new connection */
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	h_expect(&h.recs[0], "Dd", STEER_CONN_SF);
	h_expect(&h.recs[1], "D", STEER_CONN_S0);
	h_done(&h);
}

static void icmp_frame(struct tframe *f, const char *src, const char *dst, unsigned type,
                       unsigned code, size_t payload)
{
	bool v6 = strchr(src, ':') != NULL;
	f->n = 0;
	tf_eth(f, v6 ? 0x86dd : 0x0800);
	size_t ip = tf_ip(f, v6 ? 58 : 1, src, dst);
	tf_icmp(f, type, code, payload);
	tf_ip_csum_end(f, ip);
}

static void icmp_pairing(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	/* Echo requests and replies between two hosts share one connection, whatever the id. */
	icmp_frame(&f, CLI, SRV, 8, 0, 56);
	h_frame(&h, 0, &f);
	icmp_frame(&f, SRV, CLI, 0, 0, 56);
	h_frame(&h, 1, &f);
	icmp_frame(&f, CLI, SRV, 8, 0, 56);
	f.b[14 + 20 + 4] = 0x77; /* another echo id */
	tf_ip_csum_end(&f, 14);
	h_frame(&h, 1000, &f);
	/* Unreachables are one-way: each direction its own connection, the code as the port. */
	icmp_frame(&f, SRV, CLI, 3, 3, 28);
	h_frame(&h, 2000, &f);
	icmp_frame(&f, CLI, SRV, 3, 3, 28);
	h_frame(&h, 2001, &f);
	/* ICMPv6 echo, 128/129. */
	icmp_frame(&f, "2001:db8::1", "2001:db8::2", 128, 0, 8);
	h_frame(&h, 3000, &f);
	icmp_frame(&f, "2001:db8::2", "2001:db8::1", 129, 0, 8);
	h_frame(&h, 3001, &f);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 4);
	int echo = 0, unreach = 0, echo6 = 0;
	for (int i = 0; i < h.n; i++) {
		const struct steer_conn_rec *r = &h.recs[i];
		assert_int_equal(r->proto, STEER_CONN_ICMP);
		assert_string_equal(r->history, "");
		assert_int_equal(r->conn_state, STEER_CONN_OTH);
		if (r->orig_p == 8) {
			echo++;
			assert_int_equal(r->resp_p, 0);
			assert_int_equal(r->orig_pkts, 2);
			assert_int_equal(r->resp_pkts, 1);
			assert_int_equal(r->orig_bytes, 2 * 56);
			assert_int_equal(r->resp_bytes, 56);
			assert_int_equal(r->ip_proto, 1);
		} else if (r->orig_p == 3) {
			unreach++;
			assert_int_equal(r->resp_p, 3);
			assert_int_equal(r->orig_pkts, 1);
			assert_int_equal(r->resp_pkts, 0);
		} else {
			echo6++;
			assert_int_equal(r->orig_p, 128);
			assert_int_equal(r->resp_p, 129);
			assert_int_equal(r->ip_proto, 58);
			assert_int_equal(r->resp_pkts, 1);
		}
	}
	assert_int_equal(echo, 1);
	assert_int_equal(unreach, 2);
	assert_int_equal(echo6, 1);
	h_done(&h);
}

static void unknown_transport(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	for (int i = 0; i < 3; i++) {
		f.n = 0;
		tf_eth(&f, 0x0800);
		size_t ip = tf_ip(&f, 132, i == 1 ? SRV : CLI, i == 1 ? CLI : SRV);
		tf_fill(&f, 60, 0);
		tf_ip_csum_end(&f, ip);
		h_frame(&h, i, &f);
	}
	const struct steer_conn_rec *r = h_one(&h);
	assert_int_equal(r->proto, STEER_CONN_UNKNOWN);
	assert_string_equal(steer_conn_proto_name(r->proto), "unknown_transport");
	assert_int_equal(r->ip_proto, 132);
	assert_int_equal(r->orig_p, 0);
	assert_int_equal(r->resp_p, 0);
	h_expect(r, "", STEER_CONN_OTH);
	assert_int_equal(r->orig_pkts, 2);
	assert_int_equal(r->resp_pkts, 1);
	assert_int_equal(r->orig_bytes, 0);
	assert_true(r->flags & STEER_CONN_F_DURATION);
	h_done(&h);
}

static struct steer_network nets[1];

static void local_net(struct steer_conn_opts *o)
{
	struct steer_addr a;
	unsigned len;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(steer_cidr_parse("192.0.2.0/25", &a, &len, err), 0);
	nets[0].net = a;
	nets[0].prefix_len = len;
	o->local_nets = nets;
	o->n_local_nets = 1;
	o->private_is_local = false;
}

static void no_local(struct steer_conn_opts *o)
{
	o->private_is_local = false;
}

static void local_networks(void **state)
{
	struct harness h;
	(void)state;
	/* By default Zeek's private space is local: 10/8 yes, 192.0.2.10 (TEST-NET-1) too. */
	h_init(&h, NULL);
	h_udp(&h, 0, true, P, 1);
	const struct steer_conn_rec *r = h_one(&h);
	assert_true(r->flags & STEER_CONN_F_LOCAL);
	assert_true(r->local_orig);
	assert_true(r->local_resp);
	h_done(&h);

	h_init(&h, local_net);
	h_udp(&h, 0, true, P, 1);
	r = h_one(&h);
	assert_true(r->flags & STEER_CONN_F_LOCAL);
	assert_false(r->local_orig);
	assert_true(r->local_resp);
	h_done(&h);

	/* No local networks at all: the columns stay unset. */
	h_init(&h, no_local);
	h_udp(&h, 0, true, P, 1);
	r = h_one(&h);
	assert_false(r->flags & STEER_CONN_F_LOCAL);
	h_done(&h);
}

static void bad_options(void **state)
{
	struct steer_conn_opts o;
	struct steer_conn *t;
	char err[STEER_ERRBUF_SIZE];
	(void)state;
	steer_conn_opts_default(&o);
	assert_int_equal(steer_conn_new(&o, &t, err), STEER_EINVAL); /* no on_conn */
	assert_null(t);
	assert_non_null(strstr(err, "on_conn"));
	o.on_conn = h_on_conn;
	o.udp_inactivity_us = 0;
	assert_int_equal(steer_conn_new(&o, &t, err), STEER_EINVAL);
	assert_non_null(strstr(err, "udp_inactivity_us"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(udp_states),
	    cmocka_unit_test(udp_zero_checksum),
	    cmocka_unit_test(udp_timeout),
	    cmocka_unit_test(icmp_pairing),
	    cmocka_unit_test(unknown_transport),
	    cmocka_unit_test(local_networks),
	    cmocka_unit_test(bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
