/* SPDX-License-Identifier: BSD-2-Clause */
/* test_parse.c: steer_parse() on one frame per encapsulation, on every truncation of each frame
 * (exact-size buffers, so ASan sees any over-read) and on hostile frames.
 * With STEER_WRITE_CORPUS=<dir> set, the write_corpus test also saves each frame as a seed for
 * tests/fuzz/fuzz_parse.c (tests/fuzz/corpus/parse/ is made that way). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include <steer/packet.h>

#define L2_FLAGS (STEER_F_L2 | STEER_F_VLAN | STEER_F_QINQ | STEER_F_MPLS | STEER_F_PPPOE)

/* ---- frame builders ---------------------------------------------------------------------- */

struct frame {
	uint8_t b[2048];
	size_t n;
};

static const uint8_t mac_d[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_s[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t inner_mac_d[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x01};
static const uint8_t inner_mac_s[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};
static const uint8_t sll_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x03};

static void put8(struct frame *f, unsigned v)
{
	assert_true(f->n < sizeof(f->b));
	f->b[f->n++] = (uint8_t)v;
}

static void put16(struct frame *f, unsigned v)
{
	put8(f, (v >> 8) & 0xff);
	put8(f, v & 0xff);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void putn(struct frame *f, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, ((const uint8_t *)p)[i]);
}

static void fill(struct frame *f, size_t n, unsigned v)
{
	while (n--)
		put8(f, v);
}

static void set16(struct frame *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* "10.0.0.1" or "2001:db8::1" into 16 bytes (IPv4 in the first 4, rest zero); NULL: all zero. */
static size_t addr16(uint8_t a[16], const char *s)
{
	memset(a, 0, 16);
	if (!s)
		return 0;
	if (strchr(s, ':')) {
		assert_int_equal(inet_pton(AF_INET6, s, a), 1);
		return 16;
	}
	assert_int_equal(inet_pton(AF_INET, s, a), 1);
	return 4;
}

static void putaddr(struct frame *f, const char *s)
{
	uint8_t a[16];
	size_t n = addr16(a, s);

	putn(f, a, n);
}

static void eth(struct frame *f, unsigned type)
{
	putn(f, mac_d, 6);
	putn(f, mac_s, 6);
	put16(f, type);
}

static void eth_inner(struct frame *f, unsigned type)
{
	putn(f, inner_mac_d, 6);
	putn(f, inner_mac_s, 6);
	put16(f, type);
}

/* PCP 5 set, so the parser must mask the VID out of the TCI. */
static void tag(struct frame *f, unsigned vid, unsigned type)
{
	put16(f, 5u << 13 | vid);
	put16(f, type);
}

static void mpls(struct frame *f, uint32_t label, int bos)
{
	put32(f, label << 12 | (bos ? 0x100u : 0) | 64);
}

static size_t pppoe(struct frame *f, unsigned ppp_proto)
{
	size_t at = f->n;

	put8(f, 0x11);
	put8(f, 0x00);
	put16(f, 0x0001);
	put16(f, 0);
	put16(f, ppp_proto);
	return at;
}

/* Linux cooked v1: outgoing packet, ARPHRD_ETHER, address, protocol. */
static void sll(struct frame *f, unsigned halen, unsigned proto)
{
	put16(f, 4);
	put16(f, 1);
	put16(f, halen);
	putn(f, sll_mac, 6);
	put16(f, 0);
	put16(f, proto);
}

/* IPv4 with optwords 4-byte words of options (NOPs, then end of list); ip_end() sets the length. */
static size_t ipv4_opt(struct frame *f, unsigned proto, const char *src, const char *dst,
                       unsigned optwords)
{
	size_t at = f->n;

	put8(f, 0x40 | (5 + optwords));
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, 0x4000);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putaddr(f, src);
	putaddr(f, dst);
	for (unsigned i = 0; i < optwords * 4; i++)
		put8(f, i + 1 < optwords * 4 ? 1 : 0);
	return at;
}

static size_t ipv4(struct frame *f, unsigned proto, const char *src, const char *dst)
{
	return ipv4_opt(f, proto, src, dst, 0);
}

static size_t ipv6(struct frame *f, unsigned nh, const char *src, const char *dst)
{
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 64);
	putaddr(f, src);
	putaddr(f, dst);
	return at;
}

/* Sets the total (IPv4) or payload (IPv6) length of the header at `at` to reach the end. */
static void ip_end(struct frame *f, size_t at)
{
	if (f->b[at] >> 4 == 4)
		set16(f, at + 2, (unsigned)(f->n - at));
	else
		set16(f, at + 4, (unsigned)(f->n - at - 40));
}

/* Options-type extension header of (len8 + 1) * 8 bytes, padded with Pad1. */
static void ext(struct frame *f, unsigned nh, unsigned len8)
{
	put8(f, nh);
	put8(f, len8);
	fill(f, (len8 + 1) * 8 - 2, 0);
}

static void frag6(struct frame *f, unsigned nh, unsigned offset, unsigned more, uint32_t id)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, offset << 3 | more);
	put32(f, id);
}

static void tcp(struct frame *f, unsigned sport, unsigned dport)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 1);
	put32(f, 0);
	put8(f, 0x50);
	put8(f, 0x02);
	put16(f, 65535);
	put32(f, 0);
}

static size_t udp(struct frame *f, unsigned sport, unsigned dport)
{
	size_t at = f->n;

	put16(f, sport);
	put16(f, dport);
	put16(f, 8);
	put16(f, 0);
	return at;
}

static void udp_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (unsigned)(f->n - at));
}

static void payload(struct frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, 'a' + i % 26);
}

static void gre(struct frame *f, unsigned flags, unsigned proto)
{
	put16(f, flags);
	put16(f, proto);
	if (flags & 0x8000)
		put32(f, 0);
	if (flags & 0x2000)
		put32(f, 0xcafe0001);
	if (flags & 0x1000)
		put32(f, 7);
}

static void vxlan(struct frame *f, unsigned flags, uint32_t vni)
{
	put8(f, flags);
	fill(f, 3, 0);
	put32(f, vni << 8);
}

static void arp(struct frame *f)
{
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, 1);
	putn(f, mac_s, 6);
	putaddr(f, "10.0.0.2");
	fill(f, 6, 0);
	putaddr(f, "10.0.0.1");
}

/* ---- one builder per case ---------------------------------------------------------------- */

#define V4A  "10.0.0.1"
#define V4B  "10.0.0.2"
#define V4IA "192.168.1.1"
#define V4IB "192.168.1.2"
#define V6A  "2001:db8::1"
#define V6B  "2001:db8::2"
#define V6IA "fd00::1"
#define V6IB "fd00::2"

static void b_eth_ipv4_tcp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	payload(f, 4);
	ip_end(f, ip);
}

static void b_eth_ipv4_udp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 40000, 53);
	payload(f, 8);
	udp_end(f, u);
	ip_end(f, ip);
}

static void b_eth_ipv4_options_tcp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4_opt(f, 6, V4A, V4B, 3);
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

static void b_eth_ipv4_icmp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 1, V4A, V4B);
	put8(f, 8);
	put8(f, 0);
	put16(f, 0);
	put32(f, 0x00010001);
	payload(f, 8);
	ip_end(f, ip);
}

static void b_eth_ipv6_tcp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 6, V6A, V6B);
	tcp(f, 12345, 443);
	ip_end(f, ip);
}

static void b_eth_ipv6_ext_tcp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 0, V6A, V6B);
	ext(f, 60, 0); /* hop-by-hop, 8 bytes */
	ext(f, 43, 1); /* destination options, 16 bytes */
	ext(f, 6, 2);  /* routing, 24 bytes */
	tcp(f, 12345, 443);
	ip_end(f, ip);
}

static void b_eth_ipv6_ah_tcp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 51, V6A, V6B);
	put8(f, 6);
	put8(f, 4); /* (4 + 2) * 4 = 24 bytes */
	put16(f, 0);
	put32(f, 0x100);
	put32(f, 1);
	fill(f, 12, 0xaa);
	tcp(f, 12345, 443);
	ip_end(f, ip);
}

static void b_eth_ipv6_esp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 50, V6A, V6B);
	put32(f, 0x100);
	put32(f, 1);
	fill(f, 24, 0xee);
	ip_end(f, ip);
}

static void b_eth_ipv6_frag_first_udp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 44, V6A, V6B);
	frag6(f, 17, 0, 1, 0xdeadbeef);
	size_t u = udp(f, 5000, 6000);
	payload(f, 16);
	udp_end(f, u);
	ip_end(f, ip);
}

/* The data looks like ports 0xeeee; a parser that read it would say so. */
static void b_eth_ipv6_frag_later_udp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 44, V6A, V6B);
	frag6(f, 17, 185, 0, 0xdeadbeef);
	fill(f, 16, 0xee);
	ip_end(f, ip);
}

static void b_eth_ipv4_frag_first_udp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 17, V4A, V4B);
	set16(f, ip + 4, 0x4242);
	set16(f, ip + 6, 0x2000);
	udp(f, 5000, 6000);
	payload(f, 16);
	ip_end(f, ip);
}

static void b_eth_ipv4_frag_later_udp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 17, V4A, V4B);
	set16(f, ip + 4, 0x4242);
	set16(f, ip + 6, 185);
	fill(f, 16, 0xee);
	ip_end(f, ip);
}

static void b_eth_vlan_ipv4_tcp(struct frame *f)
{
	eth(f, 0x8100);
	tag(f, 100, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

static void b_eth_qinq_88a8_ipv4_udp(struct frame *f)
{
	eth(f, 0x88a8);
	tag(f, 200, 0x8100);
	tag(f, 300, 0x0800);
	size_t ip = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 40000, 53);
	udp_end(f, u);
	ip_end(f, ip);
}

static void b_eth_qinq_9100_ipv6_tcp(struct frame *f)
{
	eth(f, 0x9100);
	tag(f, 10, 0x8100);
	tag(f, 20, 0x86dd);
	size_t ip = ipv6(f, 6, V6A, V6B);
	tcp(f, 12345, 443);
	ip_end(f, ip);
}

static void b_eth_mpls2_ipv4_tcp(struct frame *f)
{
	eth(f, 0x8847);
	mpls(f, 16, 0);
	mpls(f, 17, 1);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

static void b_eth_mpls2_ipv6_udp(struct frame *f)
{
	eth(f, 0x8848);
	mpls(f, 100, 0);
	mpls(f, 200, 1);
	size_t ip = ipv6(f, 17, V6A, V6B);
	size_t u = udp(f, 40000, 53);
	udp_end(f, u);
	ip_end(f, ip);
}

static void b_eth_pppoe_ipv4_tcp(struct frame *f)
{
	eth(f, 0x8864);
	size_t pp = pppoe(f, 0x0021);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	ip_end(f, ip);
	set16(f, pp + 4, (unsigned)(f->n - pp - 6));
}

static void b_eth_pppoe_ipv6_udp(struct frame *f)
{
	eth(f, 0x8864);
	size_t pp = pppoe(f, 0x0057);
	size_t ip = ipv6(f, 17, V6A, V6B);
	size_t u = udp(f, 40000, 53);
	udp_end(f, u);
	ip_end(f, ip);
	set16(f, pp + 4, (unsigned)(f->n - pp - 6));
}

static void b_eth_ipv4_sctp(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 132, V4A, V4B);
	put16(f, 5060);
	put16(f, 5061);
	put32(f, 0x01020304);
	put32(f, 0);
	ip_end(f, ip);
}

static void b_eth_ipv6_udplite(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 136, V6A, V6B);
	udp(f, 7000, 7001);
	payload(f, 4);
	ip_end(f, ip);
}

static void b_eth_ipv4_gre_keyseq_ipv4_tcp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 47, V4A, V4B);
	gre(f, 0x2000 | 0x1000, 0x0800);
	size_t i = ipv4(f, 6, V4IA, V4IB);
	tcp(f, 1111, 2222);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_ipv4_gre_csum_ipv6_udp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 47, V4A, V4B);
	gre(f, 0x8000, 0x86dd);
	size_t i = ipv6(f, 17, V6IA, V6IB);
	size_t u = udp(f, 3333, 4444);
	udp_end(f, u);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_vlan_gre_teb_vlan_ipv4_udp(struct frame *f)
{
	eth(f, 0x8100);
	tag(f, 7, 0x0800);
	size_t o = ipv4(f, 47, V4A, V4B);
	gre(f, 0, 0x6558);
	eth_inner(f, 0x8100);
	tag(f, 42, 0x0800);
	size_t i = ipv4(f, 17, V4IA, V4IB);
	size_t u = udp(f, 5555, 6666);
	udp_end(f, u);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_ipv4_vxlan_ipv4_tcp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 49152, 4789);
	vxlan(f, 0x08, 1000);
	eth_inner(f, 0x0800);
	size_t i = ipv4(f, 6, V4IA, V4IB);
	tcp(f, 1111, 2222);
	ip_end(f, i);
	udp_end(f, u);
	ip_end(f, o);
}

static void b_eth_ipv4_vxlan_no_iflag(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 49152, 4789);
	vxlan(f, 0x00, 1000);
	eth_inner(f, 0x0800);
	size_t i = ipv4(f, 6, V4IA, V4IB);
	tcp(f, 1111, 2222);
	ip_end(f, i);
	udp_end(f, u);
	ip_end(f, o);
}

static void b_eth_ipv4_vxlan_arp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 49152, 4789);
	vxlan(f, 0x08, 1000);
	eth_inner(f, 0x0806);
	arp(f);
	udp_end(f, u);
	ip_end(f, o);
}

static void b_eth_ipv4_ipip_tcp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 4, V4A, V4B);
	size_t i = ipv4(f, 6, V4IA, V4IB);
	tcp(f, 1111, 2222);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_ipv4_ipip_bad_ihl(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 4, V4A, V4B);
	size_t i = ipv4(f, 6, V4IA, V4IB);
	f->b[i] = 0x43;
	tcp(f, 1111, 2222);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_ipv4_6in4_tcp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 41, V4A, V4B);
	size_t i = ipv6(f, 6, V6IA, V6IB);
	tcp(f, 1111, 2222);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_ipv6_4in6_udp(struct frame *f)
{
	eth(f, 0x86dd);
	size_t o = ipv6(f, 4, V6A, V6B);
	size_t i = ipv4(f, 17, V4IA, V4IB);
	size_t u = udp(f, 3333, 4444);
	udp_end(f, u);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_eth_ipv4_gre_v1_pptp(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 47, V4A, V4B);
	put16(f, 0x2001); /* K, version 1 */
	put16(f, 0x880b); /* PPP */
	put32(f, 0x00040001);
	put32(f, 0xff030021);
	ip_end(f, o);
}

static void b_eth_ipv4_frag_first_gre(struct frame *f)
{
	eth(f, 0x0800);
	size_t o = ipv4(f, 47, V4A, V4B);
	set16(f, o + 4, 0x7777);
	set16(f, o + 6, 0x2000);
	gre(f, 0, 0x0800);
	size_t i = ipv4(f, 6, V4IA, V4IB);
	tcp(f, 1111, 2222);
	ip_end(f, i);
	ip_end(f, o);
}

static void b_sll_ipv4_tcp(struct frame *f)
{
	sll(f, 6, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

static void b_sll_noaddr_ipv6_udp(struct frame *f)
{
	sll(f, 0, 0x86dd);
	size_t ip = ipv6(f, 17, V6A, V6B);
	size_t u = udp(f, 40000, 53);
	udp_end(f, u);
	ip_end(f, ip);
}

static void b_sll_vlan_ipv4_udp(struct frame *f)
{
	sll(f, 6, 0x8100);
	tag(f, 55, 0x0800);
	size_t ip = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 40000, 53);
	udp_end(f, u);
	ip_end(f, ip);
}

static void b_ipv4_udp(struct frame *f)
{
	size_t ip = ipv4(f, 17, V4A, V4B);
	size_t u = udp(f, 40000, 53);
	payload(f, 4);
	udp_end(f, u);
	ip_end(f, ip);
}

static void b_ipv6_tcp(struct frame *f)
{
	size_t ip = ipv6(f, 6, V6A, V6B);
	tcp(f, 12345, 443);
	ip_end(f, ip);
}

static void b_eth_arp(struct frame *f)
{
	eth(f, 0x0806);
	arp(f);
}

static void b_eth_lldp(struct frame *f)
{
	eth(f, 0x88cc);
	put16(f, 1 << 9 | 7); /* chassis id */
	put8(f, 4);
	putn(f, mac_s, 6);
	put16(f, 2 << 9 | 3); /* port id */
	put8(f, 7);
	putn(f, "p1", 2);
	put16(f, 3 << 9 | 2); /* ttl */
	put16(f, 120);
	put16(f, 0); /* end */
}

/* IEEE 802.3 length 38, LLC for STP, a configuration BPDU. */
static void b_eth_8023_stp(struct frame *f)
{
	eth(f, 38);
	put8(f, 0x42);
	put8(f, 0x42);
	put8(f, 0x03);
	fill(f, 35, 0);
}

/* A 28-byte IPv4/UDP packet in a 60-byte frame: 18 bytes of padding follow it. */
static void b_eth_ipv4_udp_padded(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 17, V4A, V4B);
	udp(f, 1234, 5678);
	ip_end(f, ip);
	fill(f, 60 - f->n, 0xff);
}

/* An IPv4 packet that ends 2 bytes into TCP, padded: the padding is not the destination port. */
static void b_eth_ipv4_tcp_short_padded(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	put16(f, 12345);
	ip_end(f, ip);
	fill(f, 60 - f->n, 0xff);
}

/* One label, then a pseudowire control word (first nibble 0). */
static void b_eth_mpls_pw_nonip(struct frame *f)
{
	eth(f, 0x8847);
	mpls(f, 300, 1);
	put32(f, 0);
	eth_inner(f, 0x0800);
}

static void b_eth_pppoe_lcp(struct frame *f)
{
	eth(f, 0x8864);
	size_t pp = pppoe(f, 0xc021);
	put8(f, 1);
	put8(f, 1);
	put16(f, 4);
	set16(f, pp + 4, (unsigned)(f->n - pp - 6));
}

/* ---- hostile builders -------------------------------------------------------------------- */

static void b_eth_ipv4_ihl4(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	f->b[ip] = 0x44;
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

/* A TSO/GSO super-packet captured on the sending host: total length 0, the NIC fills it in. */
static void b_eth_ipv4_tso(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	payload(f, 4);
	set16(f, ip + 2, 0);
}

static void b_eth_ipv4_totlen_lt_ihl(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	set16(f, ip + 2, 16);
}

static void b_eth_ipv4_version6(struct frame *f)
{
	eth(f, 0x0800);
	size_t ip = ipv4(f, 6, V4A, V4B);
	f->b[ip] = 0x65;
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

static void b_raw_version5(struct frame *f)
{
	put8(f, 0x55);
	fill(f, 59, 0);
}

static void b_ipv4_in_ipv6_linktype(struct frame *f)
{
	b_ipv4_udp(f);
}

static void b_eth_vlan_endless(struct frame *f)
{
	eth(f, 0x8100);
	for (unsigned i = 1; i <= 100; i++)
		tag(f, i, 0x8100);
}

static void b_eth_mpls_endless(struct frame *f)
{
	eth(f, 0x8847);
	for (unsigned i = 0; i < 40; i++)
		mpls(f, i, 0);
	fill(f, 20, 0x45);
}

static void b_eth_ipv6_ext_loop(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 60, V6A, V6B);
	for (int i = 0; i < 20; i++)
		ext(f, 60, 0);
	ip_end(f, ip);
}

/* Hop-by-hop claims 2048 bytes; the payload length (fully captured) says 28. */
static void b_eth_ipv6_ext_oversized(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 0, V6A, V6B);
	put8(f, 6);
	put8(f, 255);
	fill(f, 6, 0);
	tcp(f, 12345, 443);
	ip_end(f, ip);
}

static void b_eth_pppoe_bad_version(struct frame *f)
{
	eth(f, 0x8864);
	pppoe(f, 0x0021);
	f->b[14] = 0x12;
	size_t ip = ipv4(f, 6, V4A, V4B);
	tcp(f, 12345, 80);
	ip_end(f, ip);
}

/* Found by fuzzing: the last of two fragment headers counts. */
static void b_eth_ipv6_two_frag_headers(struct frame *f)
{
	eth(f, 0x86dd);
	size_t ip = ipv6(f, 44, V6A, V6B);
	frag6(f, 44, 0, 1, 0x1111);
	frag6(f, 17, 100, 0, 0x2222);
	fill(f, 16, 0xee);
	ip_end(f, ip);
}

/* Ten GRE levels, each outer header 10.0.<level>.1 -> 10.0.<level>.2. */
static void b_eth_gre_nested10(struct frame *f)
{
	size_t at[11];
	char a[32], b[32];

	eth(f, 0x0800);
	for (int l = 0; l < 10; l++) {
		snprintf(a, sizeof(a), "10.0.%d.1", l);
		snprintf(b, sizeof(b), "10.0.%d.2", l);
		at[l] = ipv4(f, 47, a, b);
		gre(f, 0, 0x0800);
	}
	at[10] = ipv4(f, 6, V4IA, V4IB);
	tcp(f, 1111, 2222);
	for (int l = 10; l >= 0; l--)
		ip_end(f, at[l]);
}

/* ---- the table --------------------------------------------------------------------------- */

struct pcase {
	const char *name; /* also the seed file name */
	int link;
	bool inner;
	void (*build)(struct frame *f);
	int status;
	uint32_t flags;
	uint8_t family, proto;
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t nvlan;
	uint16_t vlan0, vlan1;
	uint32_t frag_id;
	uint16_t frag_offset;
	uint8_t tunnel;
	int16_t eth_off;
	uint16_t l3_off, l4_off;
	uint16_t need;     /* shortest caplen with a status other than STEER_PKT_TRUNC */
	uint16_t outer_l3; /* with a tunnel: the outer IP header's offset */
	bool hostile;      /* truncations are only checked against the invariants */
};

#define ETH   STEER_LINK_ETHERNET
#define SLL   STEER_LINK_LINUX_SLL
#define IP    STEER_PKT_IP
#define L2    STEER_F_L2
#define PORTS STEER_F_PORTS

/* One case per paragraph reads better than one field per line. */
/* clang-format off */
static const struct pcase cases[] = {
	{.name = "eth-ipv4-tcp", .link = ETH, .build = b_eth_ipv4_tcp, .status = IP,
	 .flags = L2 | PORTS, .family = 4, .proto = 6, .src = V4A, .dst = V4B, .sport = 12345,
	 .dport = 80, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-tso-totlen0", .link = ETH, .build = b_eth_ipv4_tso, .status = IP,
	 .flags = L2 | PORTS, .family = 4, .proto = 6, .src = V4A, .dst = V4B, .sport = 12345,
	 .dport = 80, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-udp", .link = ETH, .build = b_eth_ipv4_udp, .status = IP,
	 .flags = L2 | PORTS, .family = 4, .proto = 17, .src = V4A, .dst = V4B, .sport = 40000,
	 .dport = 53, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-options-tcp", .link = ETH, .build = b_eth_ipv4_options_tcp, .status = IP,
	 .flags = L2 | PORTS | STEER_F_IP_OPTIONS, .family = 4, .proto = 6, .src = V4A, .dst = V4B,
	 .sport = 12345, .dport = 80, .l3_off = 14, .l4_off = 46, .need = 34},
	{.name = "eth-ipv4-icmp", .link = ETH, .build = b_eth_ipv4_icmp, .status = IP, .flags = L2,
	 .family = 4, .proto = 1, .src = V4A, .dst = V4B, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv6-tcp", .link = ETH, .build = b_eth_ipv6_tcp, .status = IP,
	 .flags = L2 | PORTS, .family = 6, .proto = 6, .src = V6A, .dst = V6B, .sport = 12345,
	 .dport = 443, .l3_off = 14, .l4_off = 54, .need = 54},
	{.name = "eth-ipv6-hbh-dst-rt-tcp", .link = ETH, .build = b_eth_ipv6_ext_tcp, .status = IP,
	 .flags = L2 | PORTS | STEER_F_IP_OPTIONS, .family = 6, .proto = 6, .src = V6A, .dst = V6B,
	 .sport = 12345, .dport = 443, .l3_off = 14, .l4_off = 102, .need = 54},
	{.name = "eth-ipv6-ah-tcp", .link = ETH, .build = b_eth_ipv6_ah_tcp, .status = IP,
	 .flags = L2 | PORTS | STEER_F_IP_OPTIONS, .family = 6, .proto = 6, .src = V6A, .dst = V6B,
	 .sport = 12345, .dport = 443, .l3_off = 14, .l4_off = 78, .need = 54},
	{.name = "eth-ipv6-esp", .link = ETH, .build = b_eth_ipv6_esp, .status = IP, .flags = L2,
	 .family = 6, .proto = 50, .src = V6A, .dst = V6B, .l3_off = 14, .l4_off = 54, .need = 54},
	{.name = "eth-ipv6-frag-first-udp", .link = ETH, .build = b_eth_ipv6_frag_first_udp,
	 .status = IP,
	 .flags = L2 | PORTS | STEER_F_IP_OPTIONS | STEER_F_FRAG | STEER_F_FRAG_FIRST, .family = 6,
	 .proto = 17, .src = V6A, .dst = V6B, .sport = 5000, .dport = 6000, .frag_id = 0xdeadbeef,
	 .l3_off = 14, .l4_off = 62, .need = 54},
	{.name = "eth-ipv6-frag-later-udp", .link = ETH, .build = b_eth_ipv6_frag_later_udp,
	 .status = IP, .flags = L2 | STEER_F_IP_OPTIONS | STEER_F_FRAG, .family = 6, .proto = 17,
	 .src = V6A, .dst = V6B, .frag_id = 0xdeadbeef, .frag_offset = 185, .l3_off = 14,
	 .l4_off = 62, .need = 54},
	{.name = "eth-ipv4-frag-first-udp", .link = ETH, .build = b_eth_ipv4_frag_first_udp,
	 .status = IP, .flags = L2 | PORTS | STEER_F_FRAG | STEER_F_FRAG_FIRST, .family = 4,
	 .proto = 17, .src = V4A, .dst = V4B, .sport = 5000, .dport = 6000, .frag_id = 0x4242,
	 .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-frag-later-udp", .link = ETH, .build = b_eth_ipv4_frag_later_udp,
	 .status = IP, .flags = L2 | STEER_F_FRAG, .family = 4, .proto = 17, .src = V4A, .dst = V4B,
	 .frag_id = 0x4242, .frag_offset = 185, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-vlan-ipv4-tcp", .link = ETH, .build = b_eth_vlan_ipv4_tcp, .status = IP,
	 .flags = L2 | STEER_F_VLAN | PORTS, .family = 4, .proto = 6, .src = V4A, .dst = V4B,
	 .sport = 12345, .dport = 80, .nvlan = 1, .vlan0 = 100, .l3_off = 18, .l4_off = 38,
	 .need = 38},
	{.name = "eth-qinq-88a8-ipv4-udp", .link = ETH, .build = b_eth_qinq_88a8_ipv4_udp,
	 .status = IP, .flags = L2 | STEER_F_VLAN | STEER_F_QINQ | PORTS, .family = 4, .proto = 17,
	 .src = V4A, .dst = V4B, .sport = 40000, .dport = 53, .nvlan = 2, .vlan0 = 200,
	 .vlan1 = 300, .l3_off = 22, .l4_off = 42, .need = 42},
	{.name = "eth-qinq-9100-ipv6-tcp", .link = ETH, .build = b_eth_qinq_9100_ipv6_tcp,
	 .status = IP, .flags = L2 | STEER_F_VLAN | STEER_F_QINQ | PORTS, .family = 6, .proto = 6,
	 .src = V6A, .dst = V6B, .sport = 12345, .dport = 443, .nvlan = 2, .vlan0 = 10,
	 .vlan1 = 20, .l3_off = 22, .l4_off = 62, .need = 62},
	{.name = "eth-mpls2-ipv4-tcp", .link = ETH, .build = b_eth_mpls2_ipv4_tcp, .status = IP,
	 .flags = L2 | STEER_F_MPLS | PORTS, .family = 4, .proto = 6, .src = V4A, .dst = V4B,
	 .sport = 12345, .dport = 80, .l3_off = 22, .l4_off = 42, .need = 42},
	{.name = "eth-mpls2-ipv6-udp", .link = ETH, .build = b_eth_mpls2_ipv6_udp, .status = IP,
	 .flags = L2 | STEER_F_MPLS | PORTS, .family = 6, .proto = 17, .src = V6A, .dst = V6B,
	 .sport = 40000, .dport = 53, .l3_off = 22, .l4_off = 62, .need = 62},
	{.name = "eth-pppoe-ipv4-tcp", .link = ETH, .build = b_eth_pppoe_ipv4_tcp, .status = IP,
	 .flags = L2 | STEER_F_PPPOE | PORTS, .family = 4, .proto = 6, .src = V4A, .dst = V4B,
	 .sport = 12345, .dport = 80, .l3_off = 22, .l4_off = 42, .need = 42},
	{.name = "eth-pppoe-ipv6-udp", .link = ETH, .build = b_eth_pppoe_ipv6_udp, .status = IP,
	 .flags = L2 | STEER_F_PPPOE | PORTS, .family = 6, .proto = 17, .src = V6A, .dst = V6B,
	 .sport = 40000, .dport = 53, .l3_off = 22, .l4_off = 62, .need = 62},
	{.name = "eth-ipv4-sctp", .link = ETH, .build = b_eth_ipv4_sctp, .status = IP,
	 .flags = L2 | PORTS, .family = 4, .proto = 132, .src = V4A, .dst = V4B, .sport = 5060,
	 .dport = 5061, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv6-udplite", .link = ETH, .build = b_eth_ipv6_udplite, .status = IP,
	 .flags = L2 | PORTS, .family = 6, .proto = 136, .src = V6A, .dst = V6B, .sport = 7000,
	 .dport = 7001, .l3_off = 14, .l4_off = 54, .need = 54},

	/* Tunnels: the tuple is the inner packet's; L2 fields are the outer frame's. */
	{.name = "eth-ipv4-gre-key-seq-ipv4-tcp", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_gre_keyseq_ipv4_tcp, .status = IP,
	 .flags = L2 | PORTS | STEER_F_TUNNEL, .family = 4, .proto = 6, .src = V4IA, .dst = V4IB,
	 .sport = 1111, .dport = 2222, .tunnel = STEER_TUNNEL_GRE, .l3_off = 46, .l4_off = 66,
	 .need = 34, .outer_l3 = 14},
	{.name = "eth-ipv4-gre-csum-ipv6-udp", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_gre_csum_ipv6_udp, .status = IP, .flags = L2 | PORTS | STEER_F_TUNNEL,
	 .family = 6, .proto = 17, .src = V6IA, .dst = V6IB, .sport = 3333, .dport = 4444,
	 .tunnel = STEER_TUNNEL_GRE, .l3_off = 42, .l4_off = 82, .need = 34, .outer_l3 = 14},
	{.name = "eth-vlan-ipv4-gre-teb-vlan-ipv4-udp", .link = ETH, .inner = true,
	 .build = b_eth_vlan_gre_teb_vlan_ipv4_udp, .status = IP,
	 .flags = L2 | STEER_F_VLAN | PORTS | STEER_F_TUNNEL, .family = 4, .proto = 17, .src = V4IA,
	 .dst = V4IB, .sport = 5555, .dport = 6666, .nvlan = 1, .vlan0 = 7,
	 .tunnel = STEER_TUNNEL_GRE, .l3_off = 60, .l4_off = 80, .need = 38, .outer_l3 = 18},
	{.name = "eth-ipv4-vxlan-ipv4-tcp", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_vxlan_ipv4_tcp, .status = IP, .flags = L2 | PORTS | STEER_F_TUNNEL,
	 .family = 4, .proto = 6, .src = V4IA, .dst = V4IB, .sport = 1111, .dport = 2222,
	 .tunnel = STEER_TUNNEL_VXLAN, .l3_off = 64, .l4_off = 84, .need = 34, .outer_l3 = 14},
	{.name = "eth-ipv4-ipip-tcp", .link = ETH, .inner = true, .build = b_eth_ipv4_ipip_tcp,
	 .status = IP, .flags = L2 | PORTS | STEER_F_TUNNEL, .family = 4, .proto = 6, .src = V4IA,
	 .dst = V4IB, .sport = 1111, .dport = 2222, .tunnel = STEER_TUNNEL_IPIP, .l3_off = 34,
	 .l4_off = 54, .need = 34, .outer_l3 = 14},
	{.name = "eth-ipv4-6in4-tcp", .link = ETH, .inner = true, .build = b_eth_ipv4_6in4_tcp,
	 .status = IP, .flags = L2 | PORTS | STEER_F_TUNNEL, .family = 6, .proto = 6, .src = V6IA,
	 .dst = V6IB, .sport = 1111, .dport = 2222, .tunnel = STEER_TUNNEL_IPIP, .l3_off = 34,
	 .l4_off = 74, .need = 34, .outer_l3 = 14},
	{.name = "eth-ipv6-4in6-udp", .link = ETH, .inner = true, .build = b_eth_ipv6_4in6_udp,
	 .status = IP, .flags = L2 | PORTS | STEER_F_TUNNEL, .family = 4, .proto = 17, .src = V4IA,
	 .dst = V4IB, .sport = 3333, .dport = 4444, .tunnel = STEER_TUNNEL_IPIP, .l3_off = 54,
	 .l4_off = 74, .need = 54, .outer_l3 = 14},

	/* The same tunnels with inner == false: the outer tuple. */
	{.name = "eth-ipv4-gre-outer", .link = ETH, .build = b_eth_ipv4_gre_keyseq_ipv4_tcp,
	 .status = IP, .flags = L2, .family = 4, .proto = 47, .src = V4A, .dst = V4B, .l3_off = 14,
	 .l4_off = 34, .need = 34},
	{.name = "eth-vlan-ipv4-gre-teb-outer", .link = ETH,
	 .build = b_eth_vlan_gre_teb_vlan_ipv4_udp, .status = IP, .flags = L2 | STEER_F_VLAN,
	 .family = 4, .proto = 47, .src = V4A, .dst = V4B, .nvlan = 1, .vlan0 = 7, .l3_off = 18,
	 .l4_off = 38, .need = 38},
	{.name = "eth-ipv4-vxlan-outer", .link = ETH, .build = b_eth_ipv4_vxlan_ipv4_tcp,
	 .status = IP, .flags = L2 | PORTS, .family = 4, .proto = 17, .src = V4A, .dst = V4B,
	 .sport = 49152, .dport = 4789, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-ipip-outer", .link = ETH, .build = b_eth_ipv4_ipip_tcp, .status = IP,
	 .flags = L2, .family = 4, .proto = 4, .src = V4A, .dst = V4B, .l3_off = 14, .l4_off = 34,
	 .need = 34},
	{.name = "eth-ipv4-6in4-outer", .link = ETH, .build = b_eth_ipv4_6in4_tcp, .status = IP,
	 .flags = L2, .family = 4, .proto = 41, .src = V4A, .dst = V4B, .l3_off = 14, .l4_off = 34,
	 .need = 34},

	/* Tunnels that are not looked into, or whose inner packet is bad. */
	{.name = "eth-ipv4-gre-v1-pptp", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_gre_v1_pptp, .status = IP, .flags = L2, .family = 4, .proto = 47,
	 .src = V4A, .dst = V4B, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-vxlan-no-iflag", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_vxlan_no_iflag, .status = IP, .flags = L2 | PORTS, .family = 4,
	 .proto = 17, .src = V4A, .dst = V4B, .sport = 49152, .dport = 4789, .l3_off = 14,
	 .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-vxlan-arp", .link = ETH, .inner = true, .build = b_eth_ipv4_vxlan_arp,
	 .status = IP, .flags = L2 | PORTS | STEER_F_INNER_BAD, .family = 4, .proto = 17,
	 .src = V4A, .dst = V4B, .sport = 49152, .dport = 4789, .l3_off = 14, .l4_off = 34,
	 .need = 34},
	{.name = "eth-ipv4-ipip-bad-ihl", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_ipip_bad_ihl, .status = IP, .flags = L2 | STEER_F_INNER_BAD,
	 .family = 4, .proto = 4, .src = V4A, .dst = V4B, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-frag-first-gre", .link = ETH, .inner = true,
	 .build = b_eth_ipv4_frag_first_gre, .status = IP,
	 .flags = L2 | STEER_F_FRAG | STEER_F_FRAG_FIRST, .family = 4, .proto = 47, .src = V4A,
	 .dst = V4B, .frag_id = 0x7777, .l3_off = 14, .l4_off = 34, .need = 34},

	/* Other link types. */
	{.name = "sll-ipv4-tcp", .link = SLL, .build = b_sll_ipv4_tcp, .status = IP,
	 .flags = L2 | PORTS, .family = 4, .proto = 6, .src = V4A, .dst = V4B, .sport = 12345,
	 .dport = 80, .eth_off = -1, .l3_off = 16, .l4_off = 36, .need = 36},
	{.name = "sll-noaddr-ipv6-udp", .link = SLL, .build = b_sll_noaddr_ipv6_udp,
	 .status = IP, .flags = PORTS, .family = 6, .proto = 17, .src = V6A, .dst = V6B,
	 .sport = 40000, .dport = 53, .eth_off = -1, .l3_off = 16, .l4_off = 56, .need = 56},
	{.name = "sll-vlan-ipv4-udp", .link = SLL, .build = b_sll_vlan_ipv4_udp,
	 .status = IP, .flags = L2 | STEER_F_VLAN | PORTS, .family = 4, .proto = 17, .src = V4A,
	 .dst = V4B, .sport = 40000, .dport = 53, .nvlan = 1, .vlan0 = 55, .eth_off = -1,
	 .l3_off = 20, .l4_off = 40, .need = 40},
	{.name = "raw-ipv4-udp", .link = STEER_LINK_RAW, .build = b_ipv4_udp, .status = IP,
	 .flags = PORTS, .family = 4, .proto = 17, .src = V4A, .dst = V4B, .sport = 40000,
	 .dport = 53, .eth_off = -1, .l3_off = 0, .l4_off = 20, .need = 20},
	{.name = "raw-ipv6-tcp", .link = STEER_LINK_RAW, .build = b_ipv6_tcp, .status = IP,
	 .flags = PORTS, .family = 6, .proto = 6, .src = V6A, .dst = V6B, .sport = 12345,
	 .dport = 443, .eth_off = -1, .l3_off = 0, .l4_off = 40, .need = 40},
	{.name = "linktype-ipv4-udp", .link = STEER_LINK_IPV4, .build = b_ipv4_udp, .status = IP,
	 .flags = PORTS, .family = 4, .proto = 17, .src = V4A, .dst = V4B, .sport = 40000,
	 .dport = 53, .eth_off = -1, .l3_off = 0, .l4_off = 20, .need = 20},
	{.name = "linktype-ipv6-tcp", .link = STEER_LINK_IPV6, .build = b_ipv6_tcp, .status = IP,
	 .flags = PORTS, .family = 6, .proto = 6, .src = V6A, .dst = V6B, .sport = 12345,
	 .dport = 443, .eth_off = -1, .l3_off = 0, .l4_off = 40, .need = 40},

	/* Non-IP frames keep their MACs. */
	{.name = "eth-arp", .link = ETH, .build = b_eth_arp, .status = STEER_PKT_NONIP, .flags = L2,
	 .need = 14},
	{.name = "eth-lldp", .link = ETH, .build = b_eth_lldp, .status = STEER_PKT_NONIP,
	 .flags = L2, .need = 14},
	{.name = "eth-8023-stp", .link = ETH, .build = b_eth_8023_stp, .status = STEER_PKT_NONIP,
	 .flags = L2, .need = 14},
	{.name = "eth-mpls-pw-nonip", .link = ETH, .build = b_eth_mpls_pw_nonip,
	 .status = STEER_PKT_NONIP, .flags = L2 | STEER_F_MPLS, .need = 19},
	{.name = "eth-pppoe-lcp", .link = ETH, .build = b_eth_pppoe_lcp, .status = STEER_PKT_NONIP,
	 .flags = L2 | STEER_F_PPPOE, .need = 22},

	/* Ethernet padding after a short IP packet is not payload. */
	{.name = "eth-ipv4-udp-padded", .link = ETH, .build = b_eth_ipv4_udp_padded, .status = IP,
	 .flags = L2 | PORTS, .family = 4, .proto = 17, .src = V4A, .dst = V4B, .sport = 1234,
	 .dport = 5678, .l3_off = 14, .l4_off = 34, .need = 34},
	{.name = "eth-ipv4-tcp-short-padded", .link = ETH, .build = b_eth_ipv4_tcp_short_padded,
	 .status = IP, .flags = L2 | STEER_F_L4_TRUNC, .family = 4, .proto = 6, .src = V4A,
	 .dst = V4B, .l3_off = 14, .l4_off = 34, .need = 34},

	/* Hostile frames. */
	{.name = "eth-ipv4-ihl4", .link = ETH, .build = b_eth_ipv4_ihl4,
	 .status = STEER_PKT_INVALID, .flags = L2, .hostile = true},
	{.name = "eth-ipv4-totlen-lt-ihl", .link = ETH, .build = b_eth_ipv4_totlen_lt_ihl,
	 .status = STEER_PKT_INVALID, .flags = L2, .hostile = true},
	{.name = "eth-ipv4-version6", .link = ETH, .build = b_eth_ipv4_version6,
	 .status = STEER_PKT_INVALID, .flags = L2, .hostile = true},
	{.name = "raw-version5", .link = STEER_LINK_RAW, .build = b_raw_version5,
	 .status = STEER_PKT_INVALID, .eth_off = -1, .hostile = true},
	{.name = "linktype-ipv6-holding-ipv4", .link = STEER_LINK_IPV6,
	 .build = b_ipv4_in_ipv6_linktype, .status = STEER_PKT_INVALID, .eth_off = -1,
	 .hostile = true},
	{.name = "eth-vlan-endless", .link = ETH, .build = b_eth_vlan_endless,
	 .status = STEER_PKT_INVALID, .flags = L2 | STEER_F_VLAN | STEER_F_QINQ, .nvlan = 8,
	 .vlan0 = 1, .vlan1 = 2, .hostile = true},
	{.name = "eth-mpls-endless", .link = ETH, .build = b_eth_mpls_endless,
	 .status = STEER_PKT_INVALID, .flags = L2 | STEER_F_MPLS, .hostile = true},
	{.name = "eth-ipv6-ext-loop", .link = ETH, .build = b_eth_ipv6_ext_loop,
	 .status = STEER_PKT_INVALID, .flags = L2, .hostile = true},
	{.name = "eth-ipv6-ext-oversized", .link = ETH, .build = b_eth_ipv6_ext_oversized,
	 .status = STEER_PKT_INVALID, .flags = L2, .hostile = true},
	{.name = "eth-pppoe-bad-version", .link = ETH, .build = b_eth_pppoe_bad_version,
	 .status = STEER_PKT_INVALID, .flags = L2, .hostile = true},
	{.name = "eth-ipv6-two-frag-headers", .link = ETH, .build = b_eth_ipv6_two_frag_headers,
	 .status = IP, .flags = L2 | STEER_F_IP_OPTIONS | STEER_F_FRAG, .family = 6, .proto = 17,
	 .src = V6A, .dst = V6B, .frag_id = 0x2222, .frag_offset = 100, .l3_off = 14,
	 .l4_off = 70, .need = 54},
	/* Four levels are taken off; the fifth GRE header is left as the tuple's payload. */
	{.name = "eth-gre-nested-10", .link = ETH, .inner = true, .build = b_eth_gre_nested10,
	 .status = IP, .flags = L2 | STEER_F_TUNNEL, .family = 4, .proto = 47, .src = "10.0.4.1",
	 .dst = "10.0.4.2", .tunnel = STEER_TUNNEL_GRE, .l3_off = 14 + 4 * 24,
	 .l4_off = 14 + 4 * 24 + 20, .hostile = true},
};
/* clang-format on */

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- checks ------------------------------------------------------------------------------ */

static bool carries_ports(unsigned proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static bool all_zero(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const uint8_t *)p)[i])
			return false;
	return true;
}

/* Parses an exact-size copy of frame[0..n) (NULL when n is 0), twice over differently
 * pre-filled structs: both results must match, so every byte of *out is written. */
static int parse_copy(int link, const uint8_t *frame, size_t n, bool inner, struct steer_pkt *out)
{
	uint8_t *copy = NULL;
	struct steer_pkt again;
	int st, st2;

	if (n) {
		copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, frame, n);
	}
	memset(out, 0xa5, sizeof(*out));
	memset(&again, 0x5a, sizeof(again));
	st = steer_parse(link, copy, n, inner, out);
	st2 = steer_parse(link, copy, n, inner, &again);
	free(copy);
	assert_int_equal(st, st2);
	assert_memory_equal(out, &again, sizeof(again));
	return st;
}

#define expect(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg("%s, caplen %zu: expected %s", name, n, #cond);                   \
	} while (0)

/* What holds for any frame of a supported link type. */
static void check_invariants(const char *name, int link, bool inner, size_t n, int st,
                             const struct steer_pkt *p)
{
	size_t hdr = p->family == 4 ? 20 : 40;

	expect(st == STEER_PKT_IP || st == STEER_PKT_NONIP || st == STEER_PKT_TRUNC ||
	       st == STEER_PKT_INVALID);
	expect((st == STEER_PKT_IP) == (p->family != 0));
	expect(p->family == 0 || p->family == 4 || p->family == 6);
	if (st != STEER_PKT_IP) {
		expect((p->flags & ~(uint32_t)L2_FLAGS) == 0);
		expect(p->proto == 0 && p->sport == 0 && p->dport == 0);
		expect(all_zero(p->src, 16) && all_zero(p->dst, 16));
		expect(p->frag_id == 0 && p->frag_offset == 0 && p->tunnel == 0);
		expect(p->l3_off == 0 && p->l4_off == 0);
	} else {
		expect(p->l3_off + hdr <= n);
		expect(p->l4_off == 0 || (p->l4_off >= p->l3_off + hdr && p->l4_off <= n));
		if (p->family == 4)
			expect(all_zero(p->src + 4, 12) && all_zero(p->dst + 4, 12));
	}
	if (p->flags & STEER_F_PORTS) {
		expect(carries_ports(p->proto));
		expect(!(p->flags & STEER_F_L4_TRUNC));
		expect(p->frag_offset == 0);
		expect(p->l4_off != 0 && p->l4_off + 4u <= n);
	} else {
		expect(p->sport == 0 && p->dport == 0);
	}
	if (p->flags & STEER_F_FRAG_FIRST)
		expect((p->flags & STEER_F_FRAG) && p->frag_offset == 0);
	if (!(p->flags & STEER_F_FRAG))
		expect(p->frag_id == 0 && p->frag_offset == 0);
	if (p->family == 4)
		expect(p->frag_id <= 0xffff);
	expect(!!(p->flags & STEER_F_VLAN) == (p->nvlan > 0));
	expect(!!(p->flags & STEER_F_QINQ) == (p->nvlan > 1));
	expect(p->vlan[0] <= 0xfff && p->vlan[1] <= 0xfff);
	if (p->nvlan < 2)
		expect(p->vlan[1] == 0);
	if (p->nvlan < 1)
		expect(p->vlan[0] == 0);
	expect(!!(p->flags & STEER_F_TUNNEL) == (p->tunnel != 0));
	expect(p->tunnel <= STEER_TUNNEL_IPIP);
	if (p->flags & (STEER_F_TUNNEL | STEER_F_INNER_BAD))
		expect(inner);
	expect(p->eth_off == -1 || p->eth_off == 0);
	expect((p->eth_off == 0) == (link == STEER_LINK_ETHERNET && (p->flags & STEER_F_L2)));
	if (!(p->flags & STEER_F_L2))
		expect(all_zero(p->mac_src, 6));
	if (p->eth_off != 0)
		expect(all_zero(p->mac_dst, 6));
	if (link != STEER_LINK_ETHERNET && link != STEER_LINK_LINUX_SLL)
		expect((p->flags & L2_FLAGS) == 0 && p->nvlan == 0);
}

/* The full frame: every field as the table says. */
static void check_exact(const struct pcase *t, size_t n, int st, const struct steer_pkt *p)
{
	const char *name = t->name;
	uint8_t src[16], dst[16];

	check_invariants(name, t->link, t->inner, n, st, p);
	addr16(src, t->src);
	addr16(dst, t->dst);
	assert_int_equal(st, t->status);
	assert_int_equal(p->flags, t->flags);
	assert_int_equal(p->family, t->family);
	assert_int_equal(p->proto, t->proto);
	assert_memory_equal(p->src, src, 16);
	assert_memory_equal(p->dst, dst, 16);
	assert_int_equal(p->sport, t->sport);
	assert_int_equal(p->dport, t->dport);
	assert_int_equal(p->nvlan, t->nvlan);
	assert_int_equal(p->vlan[0], t->vlan0);
	assert_int_equal(p->vlan[1], t->vlan1);
	assert_int_equal(p->frag_id, t->frag_id);
	assert_int_equal(p->frag_offset, t->frag_offset);
	assert_int_equal(p->tunnel, t->tunnel);
	assert_int_equal(p->eth_off, t->eth_off);
	assert_int_equal(p->l3_off, t->l3_off);
	assert_int_equal(p->l4_off, t->l4_off);
	if (!(t->flags & STEER_F_L2)) {
		expect(all_zero(p->mac_dst, 6) && all_zero(p->mac_src, 6));
	} else if (t->link == STEER_LINK_LINUX_SLL) {
		expect(all_zero(p->mac_dst, 6));
		assert_memory_equal(p->mac_src, sll_mac, 6);
	} else {
		assert_memory_equal(p->mac_dst, mac_d, 6);
		assert_memory_equal(p->mac_src, mac_s, 6);
	}
}

/* A cut of a well-formed frame: TRUNC before `need`, then the full result as far as the bytes
 * go: the addresses once they are in, the L4 offset once the IP headers are, ports once the
 * four port bytes are, and the inner tuple once the inner addresses are. */
static void check_cut(const struct pcase *t, const struct steer_pkt *full, size_t n, int st,
                      const struct steer_pkt *p)
{
	const char *name = t->name;

	check_invariants(name, t->link, t->inner, n, st, p);
	if (t->hostile)
		return;
	if (n < t->need) {
		expect(st == STEER_PKT_TRUNC);
		if (p->flags & STEER_F_VLAN)
			expect(p->vlan[0] == full->vlan[0]);
		return;
	}
	expect(st == t->status);
	expect((p->flags & L2_FLAGS) == (full->flags & L2_FLAGS));
	expect(p->nvlan == full->nvlan && p->vlan[0] == full->vlan[0] &&
	       p->vlan[1] == full->vlan[1]);
	expect(memcmp(p->mac_dst, full->mac_dst, 6) == 0);
	expect(memcmp(p->mac_src, full->mac_src, 6) == 0);
	expect(p->eth_off == full->eth_off);
	if (st != STEER_PKT_IP)
		return;

	if (full->flags & STEER_F_TUNNEL) {
		size_t inner_need = full->l3_off + (full->family == 4 ? 20u : 40u);

		if (!(p->flags & STEER_F_TUNNEL)) {
			expect(n < inner_need);
			expect(p->l3_off == t->outer_l3);
			return;
		}
		expect(p->family == full->family && p->l3_off == full->l3_off);
		expect(memcmp(p->src, full->src, 16) == 0 && memcmp(p->dst, full->dst, 16) == 0);
		expect(p->tunnel == full->tunnel);
		if ((full->flags & STEER_F_PORTS) && n >= full->l4_off + 4u)
			expect((p->flags & STEER_F_PORTS) && p->sport == full->sport &&
			       p->dport == full->dport);
		return;
	}

	expect(p->family == full->family && p->l3_off == full->l3_off);
	expect(memcmp(p->src, full->src, 16) == 0 && memcmp(p->dst, full->dst, 16) == 0);
	if (n < full->l4_off) {
		/* IPv4 options or IPv6 extension headers cut off. */
		expect(p->l4_off == 0 && !(p->flags & STEER_F_PORTS));
		if (p->family == 4)
			expect(p->proto == full->proto &&
			       !!(p->flags & STEER_F_L4_TRUNC) ==
			           (carries_ports(p->proto) && p->frag_offset == 0));
		else
			expect(p->flags & STEER_F_L4_TRUNC);
		return;
	}
	uint32_t want = full->flags & ~(uint32_t)STEER_F_INNER_BAD;

	expect(p->proto == full->proto && p->l4_off == full->l4_off);
	expect(p->frag_id == full->frag_id && p->frag_offset == full->frag_offset);
	if ((full->flags & STEER_F_PORTS) && n < full->l4_off + 4u)
		want = (want & ~(uint32_t)STEER_F_PORTS) | STEER_F_L4_TRUNC;
	else
		expect(p->sport == full->sport && p->dport == full->dport);
	/* INNER_BAD comes and goes as a tunnel header is cut: not compared. */
	expect((p->flags & ~(uint32_t)STEER_F_INNER_BAD) == want);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_case(void **state)
{
	const struct pcase *t = *state;
	struct frame f = {.n = 0};
	struct steer_pkt full, p;
	int st;

	t->build(&f);
	st = parse_copy(t->link, f.b, f.n, t->inner, &full);
	check_exact(t, f.n, st, &full);
	for (size_t n = 0; n < f.n; n++) {
		st = parse_copy(t->link, f.b, n, t->inner, &p);
		check_cut(t, &full, n, st, &p);
	}
}

static void caplen_zero(void **state)
{
	static const int links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW, STEER_LINK_LINUX_SLL,
	                            STEER_LINK_IPV4, STEER_LINK_IPV6};
	static const uint8_t byte = 0x45;
	struct steer_pkt p, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	zero.eth_off = -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (int inner = 0; inner < 2; inner++) {
			memset(&p, 0xff, sizeof(p));
			assert_int_equal(steer_parse(links[i], NULL, 0, inner, &p),
			                 STEER_PKT_TRUNC);
			assert_memory_equal(&p, &zero, sizeof(p));
			/* A NULL frame is empty whatever caplen says. */
			memset(&p, 0xff, sizeof(p));
			assert_int_equal(steer_parse(links[i], NULL, 1500, inner, &p),
			                 STEER_PKT_TRUNC);
			assert_memory_equal(&p, &zero, sizeof(p));
			memset(&p, 0xff, sizeof(p));
			assert_int_equal(steer_parse(links[i], &byte, 0, inner, &p),
			                 STEER_PKT_TRUNC);
			assert_memory_equal(&p, &zero, sizeof(p));
		}
	}
}

static void unsupported_link(void **state)
{
	struct frame f = {.n = 0};
	struct steer_pkt p, zero;
	static const int links[] = {276, -1};

	(void)state;
	b_eth_ipv4_tcp(&f);
	memset(&zero, 0, sizeof(zero));
	zero.eth_off = -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		memset(&p, 0xff, sizeof(p));
		assert_int_equal(steer_parse(links[i], f.b, f.n, true, &p),
		                 STEER_PKT_UNSUPPORTED_LINK);
		assert_memory_equal(&p, &zero, sizeof(p));
	}
}

/* Headers are only looked for in the first 65535 bytes (the offsets are 16-bit). */
static void oversized_capture(void **state)
{
	enum { BIG = 70000 };
	uint8_t *b = calloc(1, BIG);
	struct frame f = {.n = 0};
	struct steer_pkt p;

	(void)state;
	assert_non_null(b);
	b_eth_ipv4_tcp(&f);
	memcpy(b, f.b, f.n);
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, b, BIG, false, &p), STEER_PKT_IP);
	assert_int_equal(p.flags, STEER_F_L2 | STEER_F_PORTS);
	assert_int_equal(p.dport, 80);
	/* 16383 tags and more: cut by the walk bound long before the 64 KiB limit. */
	memset(b, 0, BIG);
	for (size_t i = 12; i + 4 <= BIG; i += 4) {
		b[i] = 0x81;
		b[i + 3] = 1;
	}
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, b, BIG, false, &p), STEER_PKT_INVALID);
	assert_int_equal(p.nvlan, 8);
	free(b);
}

static void status_names(void **state)
{
	(void)state;
	assert_string_equal(steer_parse_status_name(STEER_PKT_IP), "ip");
	assert_string_equal(steer_parse_status_name(STEER_PKT_NONIP), "non-ip");
	assert_string_equal(steer_parse_status_name(STEER_PKT_TRUNC), "truncated");
	assert_string_equal(steer_parse_status_name(STEER_PKT_INVALID), "invalid");
	assert_string_equal(steer_parse_status_name(STEER_PKT_UNSUPPORTED_LINK),
	                    "unsupported-link");
	assert_string_equal(steer_parse_status_name(99), "unknown");
	assert_string_equal(steer_parse_status_name(-1), "unknown");
}

/* tests/fuzz/fuzz_parse.c: first byte = index into its link table, 0x80 = inner. */
static unsigned fuzz_selector(int link, bool inner)
{
	static const int links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW, STEER_LINK_LINUX_SLL,
	                            STEER_LINK_IPV4, STEER_LINK_IPV6};
	unsigned i = 0;

	while (links[i] != link)
		i++;
	return i | (inner ? 0x80u : 0);
}

static void write_corpus(void **state)
{
	const char *dir = getenv("STEER_WRITE_CORPUS");
	char path[4096];

	(void)state;
	if (!dir)
		skip();
	for (size_t i = 0; i < NCASES; i++) {
		struct frame f = {.n = 0};
		FILE *out;

		cases[i].build(&f);
		snprintf(path, sizeof(path), "%s/%s.bin", dir, cases[i].name);
		out = fopen(path, "wb");
		assert_non_null(out);
		assert_int_equal(fputc((int)fuzz_selector(cases[i].link, cases[i].inner), out),
		                 (int)fuzz_selector(cases[i].link, cases[i].inner));
		assert_int_equal(fwrite(f.b, 1, f.n, out), f.n);
		assert_int_equal(fclose(out), 0);
	}
}

int main(void)
{
	struct CMUnitTest tests[NCASES + 5];
	size_t n = 0;

	for (size_t i = 0; i < NCASES; i++)
		tests[n++] =
		    (struct CMUnitTest){cases[i].name, test_case, NULL, NULL, (void *)&cases[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(caplen_zero);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(unsupported_link);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(oversized_capture);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(status_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(write_corpus);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
