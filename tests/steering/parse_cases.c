/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_cases.c: well-formed frames for test_parse: one builder per encapsulation (Ethernet,
 * 802.1Q / QinQ, MPLS, PPPoE, Linux cooked, raw IP; IPv4 options and fragments, IPv6 extension and
 * fragment headers; TCP, UDP, SCTP, UDP-Lite, ICMP, ESP; GRE, VXLAN, IP-in-IP; ARP, LLDP, STP)
 * and the parse result each must give. */
#include <stdio.h>

#include "parse_cases.h"

static void b_eth_ipv4_tcp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_payload(f, 4);
	tf_ip_end(f, ip);
}

/* A TSO/GSO super-packet captured on the sending host: total length 0, the NIC fills it in. */
static void b_eth_ipv4_tso(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_payload(f, 4);
	tf_set16(f, ip + 2, 0);
}

static void b_eth_ipv4_udp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 40000, 53);
	tf_payload(f, 8);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_eth_ipv4_options_tcp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4_opt(f, 6, V4A, V4B, 3);
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

static void b_eth_ipv4_icmp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 1, V4A, V4B);
	tf_put8(f, 8);
	tf_put8(f, 0);
	tf_put16(f, 0);
	tf_put32(f, 0x00010001);
	tf_payload(f, 8);
	tf_ip_end(f, ip);
}

static void b_eth_ipv6_tcp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 6, V6A, V6B);
	tf_tcp(f, 12345, 443);
	tf_ip_end(f, ip);
}

static void b_eth_ipv6_ext_tcp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 0, V6A, V6B);
	tf_ext(f, 60, 0); /* hop-by-hop, 8 bytes */
	tf_ext(f, 43, 1); /* destination options, 16 bytes */
	tf_ext(f, 6, 2);  /* routing, 24 bytes */
	tf_tcp(f, 12345, 443);
	tf_ip_end(f, ip);
}

static void b_eth_ipv6_ah_tcp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 51, V6A, V6B);
	tf_put8(f, 6);
	tf_put8(f, 4); /* (4 + 2) * 4 = 24 bytes */
	tf_put16(f, 0);
	tf_put32(f, 0x100);
	tf_put32(f, 1);
	tf_fill(f, 12, 0xaa);
	tf_tcp(f, 12345, 443);
	tf_ip_end(f, ip);
}

static void b_eth_ipv6_esp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 50, V6A, V6B);
	tf_put32(f, 0x100);
	tf_put32(f, 1);
	tf_fill(f, 24, 0xee);
	tf_ip_end(f, ip);
}

static void b_eth_ipv6_frag_first_udp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 44, V6A, V6B);
	tf_frag6(f, 17, 0, 1, 0xdeadbeef);
	size_t u = tf_udp(f, 5000, 6000);
	tf_payload(f, 16);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

/* The data looks like ports 0xeeee; a parser that read it would say so. */
static void b_eth_ipv6_frag_later_udp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 44, V6A, V6B);
	tf_frag6(f, 17, 185, 0, 0xdeadbeef);
	tf_fill(f, 16, 0xee);
	tf_ip_end(f, ip);
}

static void b_eth_ipv4_frag_first_udp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	tf_set16(f, ip + 4, 0x4242);
	tf_set16(f, ip + 6, 0x2000);
	tf_udp(f, 5000, 6000);
	tf_payload(f, 16);
	tf_ip_end(f, ip);
}

static void b_eth_ipv4_frag_later_udp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	tf_set16(f, ip + 4, 0x4242);
	tf_set16(f, ip + 6, 185);
	tf_fill(f, 16, 0xee);
	tf_ip_end(f, ip);
}

static void b_eth_vlan_ipv4_tcp(struct tframe *f)
{
	tf_eth(f, 0x8100);
	tf_tag(f, 100, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

static void b_eth_qinq_88a8_ipv4_udp(struct tframe *f)
{
	tf_eth(f, 0x88a8);
	tf_tag(f, 200, 0x8100);
	tf_tag(f, 300, 0x0800);
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 40000, 53);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_eth_qinq_9100_ipv6_tcp(struct tframe *f)
{
	tf_eth(f, 0x9100);
	tf_tag(f, 10, 0x8100);
	tf_tag(f, 20, 0x86dd);
	size_t ip = tf_ipv6(f, 6, V6A, V6B);
	tf_tcp(f, 12345, 443);
	tf_ip_end(f, ip);
}

static void b_eth_mpls2_ipv4_tcp(struct tframe *f)
{
	tf_eth(f, 0x8847);
	tf_mpls(f, 16, 0);
	tf_mpls(f, 17, 1);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

static void b_eth_mpls2_ipv6_udp(struct tframe *f)
{
	tf_eth(f, 0x8848);
	tf_mpls(f, 100, 0);
	tf_mpls(f, 200, 1);
	size_t ip = tf_ipv6(f, 17, V6A, V6B);
	size_t u = tf_udp(f, 40000, 53);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_eth_pppoe_ipv4_tcp(struct tframe *f)
{
	tf_eth(f, 0x8864);
	size_t pp = tf_pppoe(f, 0x0021);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
	tf_set16(f, pp + 4, (unsigned)(f->n - pp - 6));
}

static void b_eth_pppoe_ipv6_udp(struct tframe *f)
{
	tf_eth(f, 0x8864);
	size_t pp = tf_pppoe(f, 0x0057);
	size_t ip = tf_ipv6(f, 17, V6A, V6B);
	size_t u = tf_udp(f, 40000, 53);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
	tf_set16(f, pp + 4, (unsigned)(f->n - pp - 6));
}

static void b_eth_ipv4_sctp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 132, V4A, V4B);
	tf_put16(f, 5060);
	tf_put16(f, 5061);
	tf_put32(f, 0x01020304);
	tf_put32(f, 0);
	tf_ip_end(f, ip);
}

static void b_eth_ipv6_udplite(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 136, V6A, V6B);
	tf_udp(f, 7000, 7001);
	tf_payload(f, 4);
	tf_ip_end(f, ip);
}

static void b_eth_ipv4_gre_keyseq_ipv4_tcp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 47, V4A, V4B);
	tf_gre(f, 0x2000 | 0x1000, 0x0800);
	size_t i = tf_ipv4(f, 6, V4IA, V4IB);
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_gre_csum_ipv6_udp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 47, V4A, V4B);
	tf_gre(f, 0x8000, 0x86dd);
	size_t i = tf_ipv6(f, 17, V6IA, V6IB);
	size_t u = tf_udp(f, 3333, 4444);
	tf_udp_end(f, u);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_vlan_gre_teb_vlan_ipv4_udp(struct tframe *f)
{
	tf_eth(f, 0x8100);
	tf_tag(f, 7, 0x0800);
	size_t o = tf_ipv4(f, 47, V4A, V4B);
	tf_gre(f, 0, 0x6558);
	tf_eth_inner(f, 0x8100);
	tf_tag(f, 42, 0x0800);
	size_t i = tf_ipv4(f, 17, V4IA, V4IB);
	size_t u = tf_udp(f, 5555, 6666);
	tf_udp_end(f, u);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_vxlan_ipv4_tcp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 49152, 4789);
	tf_vxlan(f, 0x08, 1000);
	tf_eth_inner(f, 0x0800);
	size_t i = tf_ipv4(f, 6, V4IA, V4IB);
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_udp_end(f, u);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_vxlan_no_iflag(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 49152, 4789);
	tf_vxlan(f, 0x00, 1000);
	tf_eth_inner(f, 0x0800);
	size_t i = tf_ipv4(f, 6, V4IA, V4IB);
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_udp_end(f, u);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_vxlan_arp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 49152, 4789);
	tf_vxlan(f, 0x08, 1000);
	tf_eth_inner(f, 0x0806);
	tf_arp(f);
	tf_udp_end(f, u);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_ipip_tcp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 4, V4A, V4B);
	size_t i = tf_ipv4(f, 6, V4IA, V4IB);
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_ipip_bad_ihl(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 4, V4A, V4B);
	size_t i = tf_ipv4(f, 6, V4IA, V4IB);
	f->b[i] = 0x43;
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_6in4_tcp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 41, V4A, V4B);
	size_t i = tf_ipv6(f, 6, V6IA, V6IB);
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_ipv6_4in6_udp(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t o = tf_ipv6(f, 4, V6A, V6B);
	size_t i = tf_ipv4(f, 17, V4IA, V4IB);
	size_t u = tf_udp(f, 3333, 4444);
	tf_udp_end(f, u);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_gre_v1_pptp(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 47, V4A, V4B);
	tf_put16(f, 0x2001); /* K, version 1 */
	tf_put16(f, 0x880b); /* PPP */
	tf_put32(f, 0x00040001);
	tf_put32(f, 0xff030021);
	tf_ip_end(f, o);
}

static void b_eth_ipv4_frag_first_gre(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t o = tf_ipv4(f, 47, V4A, V4B);
	tf_set16(f, o + 4, 0x7777);
	tf_set16(f, o + 6, 0x2000);
	tf_gre(f, 0, 0x0800);
	size_t i = tf_ipv4(f, 6, V4IA, V4IB);
	tf_tcp(f, 1111, 2222);
	tf_ip_end(f, i);
	tf_ip_end(f, o);
}

static void b_sll_ipv4_tcp(struct tframe *f)
{
	tf_sll(f, 6, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

static void b_sll_noaddr_ipv6_udp(struct tframe *f)
{
	tf_sll(f, 0, 0x86dd);
	size_t ip = tf_ipv6(f, 17, V6A, V6B);
	size_t u = tf_udp(f, 40000, 53);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_sll_vlan_ipv4_udp(struct tframe *f)
{
	tf_sll(f, 6, 0x8100);
	tf_tag(f, 55, 0x0800);
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 40000, 53);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_ipv4_udp(struct tframe *f)
{
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 40000, 53);
	tf_payload(f, 4);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_ipv6_tcp(struct tframe *f)
{
	size_t ip = tf_ipv6(f, 6, V6A, V6B);
	tf_tcp(f, 12345, 443);
	tf_ip_end(f, ip);
}

static void b_eth_arp(struct tframe *f)
{
	tf_eth(f, 0x0806);
	tf_arp(f);
}

static void b_eth_lldp(struct tframe *f)
{
	tf_eth(f, 0x88cc);
	tf_put16(f, 1 << 9 | 7); /* chassis id */
	tf_put8(f, 4);
	tf_putn(f, tf_mac_s, 6);
	tf_put16(f, 2 << 9 | 3); /* port id */
	tf_put8(f, 7);
	tf_putn(f, "p1", 2);
	tf_put16(f, 3 << 9 | 2); /* ttl */
	tf_put16(f, 120);
	tf_put16(f, 0); /* end */
}

/* IEEE 802.3 length 38, LLC for STP, a configuration BPDU. */
static void b_eth_8023_stp(struct tframe *f)
{
	tf_eth(f, 38);
	tf_put8(f, 0x42);
	tf_put8(f, 0x42);
	tf_put8(f, 0x03);
	tf_fill(f, 35, 0);
}

/* A 28-byte IPv4/UDP packet in a 60-byte frame: 18 bytes of padding follow it. */
static void b_eth_ipv4_udp_padded(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	tf_udp(f, 1234, 5678);
	tf_ip_end(f, ip);
	tf_fill(f, 60 - f->n, 0xff);
}

/* An IPv4 packet that ends 2 bytes into TCP, padded: the padding is not the destination port. */
static void b_eth_ipv4_tcp_short_padded(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_put16(f, 12345);
	tf_ip_end(f, ip);
	tf_fill(f, 60 - f->n, 0xff);
}

/* One label, then a pseudowire control word (first nibble 0). */
static void b_eth_mpls_pw_nonip(struct tframe *f)
{
	tf_eth(f, 0x8847);
	tf_mpls(f, 300, 1);
	tf_put32(f, 0);
	tf_eth_inner(f, 0x0800);
}

static void b_eth_pppoe_lcp(struct tframe *f)
{
	tf_eth(f, 0x8864);
	size_t pp = tf_pppoe(f, 0xc021);
	tf_put8(f, 1);
	tf_put8(f, 1);
	tf_put16(f, 4);
	tf_set16(f, pp + 4, (unsigned)(f->n - pp - 6));
}

/* One case per paragraph reads better than one field per line. */
/* clang-format off */
const struct pcase parse_cases[] = {
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
	 .status = IP,
	 .flags = L2 | STEER_F_VLAN | STEER_F_QINQ | STEER_F_TAG_AD | PORTS, .family = 4,
	 .proto = 17, .src = V4A, .dst = V4B, .sport = 40000, .dport = 53, .nvlan = 2, .vlan0 = 200,
	 .vlan1 = 300, .l3_off = 22, .l4_off = 42, .need = 42},
	{.name = "eth-qinq-9100-ipv6-tcp", .link = ETH, .build = b_eth_qinq_9100_ipv6_tcp,
	 .status = IP,
	 .flags = L2 | STEER_F_VLAN | STEER_F_QINQ | STEER_F_TAG_9100 | PORTS, .family = 6,
	 .proto = 6, .src = V6A, .dst = V6B, .sport = 12345, .dport = 443, .nvlan = 2, .vlan0 = 10,
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

};
/* clang-format on */
const size_t parse_ncases = sizeof(parse_cases) / sizeof(parse_cases[0]);
