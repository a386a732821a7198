/* SPDX-License-Identifier: BSD-2-Clause */
/* test_frame.c: the frame builder (steer/cap_frame.h) byte by byte: every header field the spec
 * sets, every length, and every checksum recomputed here (RFC 1071, with the IPv4 and IPv6
 * pseudo-headers); Ethernet, 802.1Q and QinQ, MPLS, IPv4 / IPv6 with TCP, UDP, ICMP and ICMPv6
 * echo, ARP, GRE and VXLAN tunnels, IPv4 and IPv6 fragments (reassembled, they are the whole
 * packet); and the refusals. steer_parse() reads each frame back as the same flow. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/cap_frame.h>
#include <steer/error.h>
#include <steer/packet.h>

static const uint8_t mac_d[6] = {0x02, 0x53, 0x54, 0x00, 0x00, 0x01};
static const uint8_t mac_s[6] = {0x00, 0x1b, 0x21, 0x00, 0x00, 0x02};

static struct cap_framer *g_f;
static uint8_t g_out[CAP_FRAME_MAX];

static int setup(void **state)
{
	char err[STEER_ERRBUF_SIZE];
	(void)state;
	return cap_framer_new(&g_f, err);
}

static int teardown(void **state)
{
	(void)state;
	cap_framer_free(g_f);
	return 0;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

/* The ones' complement sum (RFC 1071) of p[0..n), added to s. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += be16(p + i);
	if (n % 2)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The L4 checksum over the pseudo-header of the IP header at ip (4 or 6) and l4[0..n): a
 * correct checksum sums to 0xffff. */
static uint16_t l4_sum(const uint8_t *ip, unsigned family, uint8_t proto, const uint8_t *l4,
                       size_t n)
{
	uint32_t s = sum16(l4, n, 0);
	if (family == 4) {
		s = sum16(ip + 12, 8, s);
		s += proto;
		s += (uint32_t)n;
	} else {
		s = sum16(ip + 8, 32, s);
		s += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff);
		s += proto;
	}
	return fold(s);
}

static void addr(struct cap_frame_spec *s, const char *src, const char *dst)
{
	s->family = strchr(src, ':') ? 6 : 4;
	assert_int_equal(inet_pton(s->family == 4 ? AF_INET : AF_INET6, src, s->src), 1);
	assert_int_equal(inet_pton(s->family == 4 ? AF_INET : AF_INET6, dst, s->dst), 1);
}

static struct cap_frame_spec spec(const char *src, const char *dst, uint8_t proto)
{
	struct cap_frame_spec s;
	memset(&s, 0, sizeof(s));
	memcpy(s.mac_dst, mac_d, 6);
	memcpy(s.mac_src, mac_s, 6);
	addr(&s, src, dst);
	s.proto = proto;
	return s;
}

static size_t build(const struct cap_frame_spec *s)
{
	size_t n = 0;
	int rc = cap_frame_build(g_f, s, g_out, sizeof(g_out), &n);
	if (rc != 0)
		fail_msg("cap_frame_build: %d: %s", rc, cap_framer_error(g_f));
	return n;
}

/* The IP packet at ip (of the spec's family) and what it carries: every field and checksum;
 * returns the L4 offset in the packet. */
static size_t check_ip(const struct cap_frame_spec *s, const uint8_t *ip, size_t n)
{
	size_t hl = s->family == 4 ? 20 : 40;
	uint8_t ttl = s->ttl ? s->ttl : 64;
	assert_true(n >= hl);
	if (s->family == 4) {
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(be16(ip + 2), n);
		assert_int_equal(be16(ip + 4), s->ip_id);
		assert_int_equal(ip[8], ttl);
		assert_int_equal(ip[9], s->proto);
		assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
		assert_memory_equal(ip + 12, s->src, 4);
		assert_memory_equal(ip + 16, s->dst, 4);
	} else {
		assert_int_equal(ip[0] >> 4, 6);
		assert_int_equal(be16(ip + 4), n - 40);
		assert_int_equal(ip[6], s->proto);
		assert_int_equal(ip[7], ttl);
		assert_memory_equal(ip + 8, s->src, 16);
		assert_memory_equal(ip + 24, s->dst, 16);
	}
	const uint8_t *l4 = ip + hl;
	size_t l4n = n - hl;
	switch (s->proto) {
	case 6:
		assert_int_equal(l4n, 20 + s->payload_len);
		assert_int_equal(be16(l4), s->sport);
		assert_int_equal(be16(l4 + 2), s->dport);
		assert_int_equal(be32(l4 + 4), s->seq);
		assert_int_equal(be32(l4 + 8), s->ack);
		assert_int_equal(l4[12] >> 4, 5);
		assert_int_equal(l4[13], s->tcp_flags);
		assert_int_equal(l4_sum(ip, s->family, 6, l4, l4n), 0xffff);
		break;
	case 17:
		assert_int_equal(l4n, 8 + s->payload_len);
		assert_int_equal(be16(l4), s->sport);
		assert_int_equal(be16(l4 + 2), s->dport);
		assert_int_equal(be16(l4 + 4), l4n);
		assert_int_equal(l4_sum(ip, s->family, 17, l4, l4n), 0xffff);
		break;
	case 1:
	case 58:
		assert_int_equal(l4n, 8 + s->payload_len);
		assert_int_equal(l4[0], s->icmp_type);
		assert_int_equal(l4[1], 0);
		assert_int_equal(be16(l4 + 4), s->sport);
		assert_int_equal(be16(l4 + 6), s->dport);
		assert_int_equal(
		    s->proto == 1 ? fold(sum16(l4, l4n, 0)) : l4_sum(ip, 6, 58, l4, l4n), 0xffff);
		break;
	default:
		fail_msg("proto %u", s->proto);
	}
	if (s->payload_len)
		assert_memory_equal(l4 + l4n - s->payload_len, s->payload, s->payload_len);
	return hl;
}

/* steer_parse reads the frame as the spec's flow (inner: the tunnelled one). */
static void check_parse(const struct cap_frame_spec *s, size_t n, bool inner, uint32_t flags)
{
	struct steer_pkt p;
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, g_out, n, inner, &p), STEER_PKT_IP);
	assert_int_equal(p.flags, flags);
	assert_int_equal(p.family, s->family);
	assert_int_equal(p.proto, s->proto);
	assert_memory_equal(p.src, s->src, s->family == 4 ? 4 : 16);
	assert_memory_equal(p.dst, s->dst, s->family == 4 ? 4 : 16);
	if (flags & STEER_F_PORTS) {
		assert_int_equal(p.sport, s->sport);
		assert_int_equal(p.dport, s->dport);
	}
	assert_memory_equal(p.mac_dst, mac_d, 6);
	assert_memory_equal(p.mac_src, mac_s, 6);
	assert_int_equal(p.nvlan, s->nvlan);
	for (unsigned i = 0; i < s->nvlan; i++)
		assert_int_equal(p.vlan[i], s->vlan[i]);
}

static void ip_packets(void **state)
{
	(void)state;
	static const uint8_t hello[] = "hello, steer";
	static const struct {
		const char *src, *dst;
		uint8_t proto, icmp_type, ttl;
	} v[] = {
	    {"10.0.0.1", "192.0.2.7", 6, 0, 0},         {"10.0.0.1", "192.0.2.7", 17, 0, 7},
	    {"10.0.0.1", "192.0.2.7", 1, 8, 0},         {"2001:db8::1", "2001:db8::2", 6, 0, 0},
	    {"2001:db8::1", "2001:db8::2", 17, 0, 255}, {"2001:db8::1", "2001:db8::2", 58, 128, 0},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (uint32_t plen = 0; plen <= sizeof(hello); plen += sizeof(hello)) {
			struct cap_frame_spec s = spec(v[i].src, v[i].dst, v[i].proto);
			s.sport = 40000;
			s.dport = 443;
			s.seq = 1000;
			s.ack = 2000;
			s.tcp_flags = 0x12;
			s.ip_id = 0x4242;
			s.ttl = v[i].ttl;
			s.icmp_type = v[i].icmp_type;
			s.payload = hello;
			s.payload_len = plen;
			size_t n = build(&s);
			assert_memory_equal(g_out, mac_d, 6);
			assert_memory_equal(g_out + 6, mac_s, 6);
			assert_int_equal(be16(g_out + 12), s.family == 4 ? 0x0800 : 0x86dd);
			check_ip(&s, g_out + 14, n - 14);
			bool ports = s.proto == 6 || s.proto == 17;
			check_parse(&s, n, false, STEER_F_L2 | (ports ? STEER_F_PORTS : 0));
		}
	}
}

/* 802.1Q, QinQ (802.1ad outer), MPLS labels under them. */
static void l2_encapsulations(void **state)
{
	(void)state;
	for (uint8_t nvlan = 0; nvlan <= 2; nvlan++) {
		for (uint8_t nmpls = 0; nmpls <= 2; nmpls++) {
			struct cap_frame_spec s = spec("10.1.2.3", "10.3.2.1", 17);
			s.sport = 5353;
			s.dport = 53;
			s.nvlan = nvlan;
			s.vlan[0] = 100;
			s.vlan[1] = 4094;
			s.nmpls = nmpls;
			s.mpls[0] = 16;
			s.mpls[1] = 0xfffff;
			size_t n = build(&s), at = 12;
			if (nvlan == 2) {
				assert_int_equal(be16(g_out + at), 0x88a8);
				assert_int_equal(be16(g_out + at + 2) & 0xfff, 100);
				assert_int_equal(be16(g_out + at + 4), 0x8100);
				assert_int_equal(be16(g_out + at + 6) & 0xfff, 4094);
				at += 8;
			} else if (nvlan == 1) {
				assert_int_equal(be16(g_out + at), 0x8100);
				assert_int_equal(be16(g_out + at + 2) & 0xfff, 100);
				at += 4;
			}
			assert_int_equal(be16(g_out + at), nmpls ? 0x8847 : 0x0800);
			at += 2;
			for (unsigned i = 0; i < nmpls; i++, at += 4) {
				uint32_t l = be32(g_out + at);
				assert_int_equal(l >> 12, s.mpls[i]);
				assert_int_equal(!!(l & 0x100),
				                 i == nmpls - 1u); /* bottom of stack */
				assert_int_equal(l & 0xff, 64);
			}
			check_ip(&s, g_out + at, n - at);
			check_parse(&s, n, false,
			            STEER_F_L2 | STEER_F_PORTS | (nvlan ? STEER_F_VLAN : 0) |
			                (nvlan > 1 ? STEER_F_QINQ | STEER_F_TAG_AD : 0) |
			                (nmpls ? STEER_F_MPLS : 0));
		}
	}
}

static void arp(void **state)
{
	(void)state;
	for (uint16_t op = 1; op <= 2; op++) {
		struct cap_frame_spec s = spec("10.0.0.2", "10.0.0.1", 0);
		s.arp = true;
		s.arp_op = op;
		size_t n = build(&s);
		const uint8_t *a = g_out + 14;
		static const uint8_t zero[6];
		assert_true(n >= 42);
		assert_int_equal(be16(g_out + 12), 0x0806);
		assert_int_equal(be16(a), 1);
		assert_int_equal(be16(a + 2), 0x0800);
		assert_int_equal(a[4], 6);
		assert_int_equal(a[5], 4);
		assert_int_equal(be16(a + 6), op);
		assert_memory_equal(a + 8, mac_s, 6);
		assert_memory_equal(a + 14, s.src, 4);
		assert_memory_equal(a + 18, op == 2 ? mac_d : zero, 6);
		assert_memory_equal(a + 24, s.dst, 4);
		struct steer_pkt p;
		assert_int_equal(steer_parse(STEER_LINK_ETHERNET, g_out, n, false, &p),
		                 STEER_PKT_NONIP);
	}
}

/* GRE and VXLAN: an outer IPv4 packet between outer_src and outer_dst around the IP packet
 * (VXLAN: around an Ethernet frame whose MACs are the outer ones with the local bit flipped). */
static void tunnels(void **state)
{
	(void)state;
	static const char *inner[][2] = {{"192.168.1.1", "192.168.1.2"}, {"fd00::1", "fd00::2"}};
	for (int kind = CAP_TUN_GRE; kind <= CAP_TUN_VXLAN; kind++) {
		for (int i = 0; i < 2; i++) {
			struct cap_frame_spec s = spec(inner[i][0], inner[i][1], 6);
			s.sport = 1111;
			s.dport = 2222;
			s.tunnel = (enum cap_tunnel_kind)kind;
			assert_int_equal(inet_pton(AF_INET, "10.0.0.1", s.outer_src), 1);
			assert_int_equal(inet_pton(AF_INET, "10.0.0.2", s.outer_dst), 1);
			s.outer_sport = 49152;
			s.vni = 0xabcdef;
			size_t n = build(&s);
			const uint8_t *ip = g_out + 14, *in;
			assert_int_equal(be16(g_out + 12), 0x0800);
			assert_int_equal(ip[0], 0x45);
			assert_int_equal(be16(ip + 2), n - 14);
			assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
			assert_memory_equal(ip + 12, s.outer_src, 4);
			assert_memory_equal(ip + 16, s.outer_dst, 4);
			if (kind == CAP_TUN_GRE) {
				assert_int_equal(ip[9], 47);
				assert_int_equal(be16(ip + 20),
				                 0); /* no checksum, key or sequence */
				assert_int_equal(be16(ip + 22), s.family == 4 ? 0x0800 : 0x86dd);
				in = ip + 24;
			} else {
				const uint8_t *u = ip + 20, *v = u + 8;
				assert_int_equal(ip[9], 17);
				assert_int_equal(be16(u), 49152);
				assert_int_equal(be16(u + 2), 4789);
				assert_int_equal(be16(u + 4), n - 34);
				assert_int_equal(l4_sum(ip, 4, 17, u, n - 34), 0xffff);
				assert_int_equal(v[0], 0x08); /* I flag */
				assert_int_equal(be32(v + 4) >> 8, 0xabcdef);
				uint8_t d[6], m[6];
				memcpy(d, mac_d, 6);
				memcpy(m, mac_s, 6);
				d[0] ^= 0x02;
				m[0] ^= 0x02;
				assert_memory_equal(v + 8, d, 6);
				assert_memory_equal(v + 14, m, 6);
				assert_int_equal(be16(v + 20), s.family == 4 ? 0x0800 : 0x86dd);
				in = v + 22;
			}
			check_ip(&s, in, n - (size_t)(in - g_out));
			struct steer_pkt p;
			assert_int_equal(steer_parse(STEER_LINK_ETHERNET, g_out, n, true, &p),
			                 STEER_PKT_IP);
			assert_int_equal(p.tunnel, kind == CAP_TUN_GRE ? STEER_TUNNEL_GRE
			                                               : STEER_TUNNEL_VXLAN);
			assert_int_equal(p.family, s.family);
			assert_memory_equal(p.src, s.src, s.family == 4 ? 4 : 16);
			assert_int_equal(p.sport, 1111);
			assert_int_equal(p.dport, 2222);
		}
	}
}

/* Fragments: each one a valid IP packet (lengths, offsets, the more-fragments bit, the id, the
 * header checksum); their payloads, in order, are the whole packet's L4 bytes, whose checksum
 * holds over all of them. */
static void fragments(void **state)
{
	(void)state;
	static uint8_t payload[3000], slots[8][CAP_FRAME_MAX];
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	for (int fam = 4; fam <= 6; fam += 2) {
		struct cap_frame_spec s = spec(fam == 4 ? "10.0.0.1" : "2001:db8::1",
		                               fam == 4 ? "10.0.0.2" : "2001:db8::2", 17);
		s.sport = 5000;
		s.dport = 6000;
		s.ip_id = 0x7777;
		s.frag_id = 0xdeadbeef;
		s.payload = payload;
		s.payload_len = sizeof(payload);
		/* the whole packet, for its L4 bytes */
		size_t whole = build(&s);
		size_t hl = fam == 4 ? 20 : 40;
		uint8_t l4[8 + sizeof(payload)];
		assert_int_equal(whole - 14 - hl, sizeof(l4));
		memcpy(l4, g_out + 14 + hl, sizeof(l4));

		size_t lens[8];
		unsigned nf = 0;
		/* 1001: rounded down to 1000, a multiple of 8 */
		assert_int_equal(
		    cap_frame_build_frags(g_f, &s, 1001, &slots[0][0], CAP_FRAME_MAX, lens, 8, &nf),
		    0);
		assert_int_equal(nf, 4); /* 3008 bytes: 1000 + 1000 + 1000 + 8 */
		uint8_t re[sizeof(l4)];
		size_t got = 0;
		for (unsigned k = 0; k < nf; k++) {
			const uint8_t *ip = slots[k] + 14, *data;
			size_t dn;
			bool more = k + 1 < nf;
			assert_int_equal(be16(slots[k] + 12), fam == 4 ? 0x0800 : 0x86dd);
			if (fam == 4) {
				uint16_t fr = be16(ip + 6);
				assert_int_equal(be16(ip + 2), lens[k] - 14);
				assert_int_equal(be16(ip + 4), 0x7777);
				assert_int_equal(ip[9], 17);
				assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
				assert_int_equal(!!(fr & 0x2000), more);
				assert_int_equal((size_t)(fr & 0x1fff) * 8, got);
				data = ip + 20;
				dn = lens[k] - 34;
			} else {
				const uint8_t *fh = ip + 40;
				assert_int_equal(ip[6], 44);
				assert_int_equal(be16(ip + 4), lens[k] - 54);
				assert_int_equal(fh[0], 17);
				assert_int_equal(!!(be16(fh + 2) & 1), more);
				assert_int_equal((size_t)(be16(fh + 2) >> 3) * 8, got);
				assert_int_equal(be32(fh + 4), 0xdeadbeef);
				data = fh + 8;
				dn = lens[k] - 62;
			}
			assert_int_equal(dn, more ? 1000 : 8);
			memcpy(re + got, data, dn);
			got += dn;
			struct steer_pkt p;
			assert_int_equal(
			    steer_parse(STEER_LINK_ETHERNET, slots[k], lens[k], false, &p),
			    STEER_PKT_IP);
			assert_true(p.flags & STEER_F_FRAG);
			assert_int_equal(!!(p.flags & STEER_F_FRAG_FIRST), k == 0);
			assert_int_equal(!!(p.flags & STEER_F_PORTS), k == 0);
			assert_int_equal(p.frag_id, fam == 4 ? 0x7777 : 0xdeadbeef);
		}
		assert_int_equal(got, sizeof(l4));
		assert_memory_equal(re, l4, sizeof(l4));
		/* too many for max, a slot too small */
		assert_int_equal(
		    cap_frame_build_frags(g_f, &s, 1000, &slots[0][0], CAP_FRAME_MAX, lens, 3, &nf),
		    STEER_ERANGE);
		assert_int_equal(
		    cap_frame_build_frags(g_f, &s, 1000, &slots[0][0], 500, lens, 8, &nf),
		    STEER_ERANGE);
	}
}

static void refusals(void **state)
{
	(void)state;
	size_t n, lens[4];
	unsigned nf;
	struct cap_frame_spec s = spec("10.0.0.1", "10.0.0.2", 6);

	s.family = 5;
	assert_int_equal(cap_frame_build(g_f, &s, g_out, sizeof(g_out), &n), STEER_EINVAL);
	assert_non_null(strstr(cap_framer_error(g_f), "address family 5"));
	s = spec("10.0.0.1", "10.0.0.2", 99);
	assert_int_equal(cap_frame_build(g_f, &s, g_out, sizeof(g_out), &n), STEER_EINVAL);
	assert_non_null(strstr(cap_framer_error(g_f), "protocol 99"));
	s = spec("10.0.0.1", "10.0.0.2", 6);
	s.nvlan = 3;
	assert_int_equal(cap_frame_build(g_f, &s, g_out, sizeof(g_out), &n), STEER_EINVAL);
	s.nvlan = 0;
	s.nmpls = 3;
	assert_int_equal(cap_frame_build(g_f, &s, g_out, sizeof(g_out), &n), STEER_EINVAL);
	s.nmpls = 0;
	assert_int_equal(cap_frame_build(g_f, &s, g_out, 40, &n), STEER_ERANGE); /* 54 bytes */
	assert_int_equal(cap_frame_build(g_f, &s, g_out, 54, &n), 0);
	assert_int_equal(n, 54);
	static uint8_t big[CAP_FRAME_MAX];
	s.payload = big;
	s.payload_len = CAP_FRAME_MAX;
	assert_int_equal(cap_frame_build(g_f, &s, g_out, sizeof(g_out), &n), STEER_ERANGE);
	s.payload_len = 0;
	/* fragments: plain IP packets only, of at least 8 bytes each */
	assert_int_equal(cap_frame_build_frags(g_f, &s, 4, g_out, sizeof(g_out), lens, 4, &nf),
	                 STEER_EINVAL);
	s.tunnel = CAP_TUN_GRE;
	assert_int_equal(cap_frame_build_frags(g_f, &s, 8, g_out, sizeof(g_out), lens, 4, &nf),
	                 STEER_EINVAL);
	/* the framer is still fine after the refusals */
	s = spec("10.0.0.1", "10.0.0.2", 17);
	n = build(&s);
	check_ip(&s, g_out + 14, n - 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ip_packets), cmocka_unit_test(l2_encapsulations),
	    cmocka_unit_test(arp),        cmocka_unit_test(tunnels),
	    cmocka_unit_test(fragments),  cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
