/* SPDX-License-Identifier: BSD-2-Clause */
/* test_frame_reverse.c: a frame spec's other direction (cap_frame_spec_reverse): built with
 * libnet and parsed, it is the first direction's packet reversed (steer_pkt_reverse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/cap_frame.h>
#include <steer/flowkey.h>
#include <steer/packet.h>

static struct cap_frame_spec base(uint8_t family, uint8_t proto)
{
	struct cap_frame_spec s;
	memset(&s, 0, sizeof(s));
	memcpy(s.mac_src, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(s.mac_dst, "\x02\x00\x00\x00\x00\x02", 6);
	s.family = family;
	if (family == 4) {
		memcpy(s.src, "\x0a\x00\x00\x01", 4);
		memcpy(s.dst, "\xc0\x00\x02\x07", 4);
	} else {
		memcpy(s.src, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		memcpy(s.dst, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	}
	s.proto = proto;
	s.sport = 51000;
	s.dport = 443;
	s.ip_id = 0x1234;
	return s;
}

/* Builds and parses both directions; the second must be the first reversed. */
static void both_ways(const struct cap_frame_spec *c2s, bool inner)
{
	struct cap_framer *fm;
	char errbuf[512];
	assert_int_equal(cap_framer_new(&fm, errbuf), 0);
	struct cap_frame_spec s2c;
	cap_frame_spec_reverse(c2s, &s2c);
	uint8_t a[CAP_FRAME_MAX], b[CAP_FRAME_MAX];
	size_t la, lb;
	assert_int_equal(cap_frame_build(fm, c2s, a, sizeof(a), &la), 0);
	assert_int_equal(cap_frame_build(fm, &s2c, b, sizeof(b), &lb), 0);
	struct steer_pkt pa, pb, ra;
	int sa = steer_parse(STEER_LINK_ETHERNET, a, la, inner, &pa);
	int sb = steer_parse(STEER_LINK_ETHERNET, b, lb, inner, &pb);
	assert_int_equal(sa, sb);
	steer_pkt_reverse(&pa, &ra);
	assert_memory_equal(ra.src, pb.src, 16);
	assert_memory_equal(ra.dst, pb.dst, 16);
	assert_memory_equal(ra.mac_src, pb.mac_src, 6);
	assert_memory_equal(ra.mac_dst, pb.mac_dst, 6);
	assert_int_equal(ra.sport, pb.sport);
	assert_int_equal(ra.dport, pb.dport);
	assert_int_equal(ra.proto, pb.proto);
	assert_int_equal(pa.nvlan, pb.nvlan);
	cap_framer_free(fm);
}

static void tcp_udp_sctp_ports_swap(void **state)
{
	(void)state;
	struct cap_frame_spec c = base(4, 6), r;
	cap_frame_spec_reverse(&c, &r);
	assert_memory_equal(r.mac_src, c.mac_dst, 6);
	assert_memory_equal(r.mac_dst, c.mac_src, 6);
	assert_memory_equal(r.src, c.dst, 16);
	assert_memory_equal(r.dst, c.src, 16);
	assert_int_equal(r.sport, 443);
	assert_int_equal(r.dport, 51000);
	assert_int_equal(r.ip_id, c.ip_id); /* the caller's to number */
	both_ways(&c, false);
	c = base(6, 17);
	c.nvlan = 1;
	c.vlan[0] = 10;
	both_ways(&c, false);
	c = base(4, 132);
	cap_frame_spec_reverse(&c, &r);
	assert_int_equal(r.sport, 443);
	/* in place */
	c = base(4, 17);
	cap_frame_spec_reverse(&c, &c);
	assert_int_equal(c.sport, 443);
	assert_memory_equal(c.src, "\xc0\x00\x02\x07", 4);
}

/* An echo reply carries the request's identifier and sequence number (RFC 792, RFC 4443). */
static void icmp_echo_keeps_id_and_sequence(void **state)
{
	(void)state;
	struct cap_frame_spec c = base(4, 1), r;
	c.icmp_type = 8;
	c.sport = 0x4242; /* identifier */
	c.dport = 7;      /* sequence */
	cap_frame_spec_reverse(&c, &r);
	assert_int_equal(r.icmp_type, 0);
	assert_int_equal(r.sport, 0x4242);
	assert_int_equal(r.dport, 7);
	both_ways(&c, false);
	c = base(6, 58);
	c.icmp_type = 128;
	cap_frame_spec_reverse(&c, &r);
	assert_int_equal(r.icmp_type, 129);
	assert_int_equal(r.sport, c.sport);
	both_ways(&c, false);
}

static void arp_request_gets_its_reply(void **state)
{
	(void)state;
	struct cap_frame_spec c = base(4, 0), r;
	c.arp = true;
	c.arp_op = 1;
	cap_frame_spec_reverse(&c, &r);
	assert_int_equal(r.arp_op, 2);
	assert_memory_equal(r.src, c.dst, 4);
	assert_int_equal(r.sport, c.sport);
	both_ways(&c, false);
}

/* The tunnel's outer addresses swap; VXLAN's source port (a hash of the inner flow) stays. */
static void tunnels(void **state)
{
	(void)state;
	struct cap_frame_spec c = base(4, 6), r;
	c.tunnel = CAP_TUN_VXLAN;
	memcpy(c.outer_src, "\xc0\x00\x02\x01", 4);
	memcpy(c.outer_dst, "\xc6\x12\x00\x01", 4);
	c.outer_sport = 50000;
	c.vni = 5000;
	cap_frame_spec_reverse(&c, &r);
	assert_memory_equal(r.outer_src, c.outer_dst, 4);
	assert_memory_equal(r.outer_dst, c.outer_src, 4);
	assert_int_equal(r.outer_sport, 50000);
	assert_int_equal(r.vni, 5000);
	both_ways(&c, true);
	c.tunnel = CAP_TUN_GRE;
	both_ways(&c, true);
	both_ways(&c, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_udp_sctp_ports_swap),
		cmocka_unit_test(icmp_echo_keeps_id_and_sequence),
		cmocka_unit_test(arp_request_gets_its_reply),
		cmocka_unit_test(tunnels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
