/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_hostile.c: hostile frames for test_parse (bad header lengths and versions, endless tag
 * and label stacks, extension-header loops, nested tunnels), and what steer_parse() makes of them:
 * a defined result, never a read past the frame. */
#include <stdio.h>

#include "parse_cases.h"

static void b_eth_ipv4_ihl4(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	f->b[ip] = 0x44;
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

static void b_eth_ipv4_totlen_lt_ihl(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_set16(f, ip + 2, 16);
}

static void b_eth_ipv4_version6(struct tframe *f)
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	f->b[ip] = 0x65;
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

static void b_raw_version5(struct tframe *f)
{
	tf_put8(f, 0x55);
	tf_fill(f, 59, 0);
}

/* An IPv4 packet where the link type promises IPv6. */
static void b_ipv4_in_ipv6_linktype(struct tframe *f)
{
	size_t ip = tf_ipv4(f, 17, V4A, V4B);
	size_t u = tf_udp(f, 40000, 53);
	tf_payload(f, 4);
	tf_udp_end(f, u);
	tf_ip_end(f, ip);
}

static void b_eth_vlan_endless(struct tframe *f)
{
	tf_eth(f, 0x8100);
	for (unsigned i = 1; i <= 100; i++)
		tf_tag(f, i, 0x8100);
}

static void b_eth_mpls_endless(struct tframe *f)
{
	tf_eth(f, 0x8847);
	for (unsigned i = 0; i < 40; i++)
		tf_mpls(f, i, 0);
	tf_fill(f, 20, 0x45);
}

static void b_eth_ipv6_ext_loop(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 60, V6A, V6B);
	for (int i = 0; i < 20; i++)
		tf_ext(f, 60, 0);
	tf_ip_end(f, ip);
}

/* Hop-by-hop claims 2048 bytes; the payload length (fully captured) says 28. */
static void b_eth_ipv6_ext_oversized(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 0, V6A, V6B);
	tf_put8(f, 6);
	tf_put8(f, 255);
	tf_fill(f, 6, 0);
	tf_tcp(f, 12345, 443);
	tf_ip_end(f, ip);
}

static void b_eth_pppoe_bad_version(struct tframe *f)
{
	tf_eth(f, 0x8864);
	tf_pppoe(f, 0x0021);
	f->b[14] = 0x12;
	size_t ip = tf_ipv4(f, 6, V4A, V4B);
	tf_tcp(f, 12345, 80);
	tf_ip_end(f, ip);
}

/* Found by fuzzing: the last of two fragment headers counts. */
static void b_eth_ipv6_two_frag_headers(struct tframe *f)
{
	tf_eth(f, 0x86dd);
	size_t ip = tf_ipv6(f, 44, V6A, V6B);
	tf_frag6(f, 44, 0, 1, 0x1111);
	tf_frag6(f, 17, 100, 0, 0x2222);
	tf_fill(f, 16, 0xee);
	tf_ip_end(f, ip);
}

/* Ten GRE levels, each outer header 10.0.<level>.1 -> 10.0.<level>.2. */
static void b_eth_gre_nested10(struct tframe *f)
{
	size_t at[11];
	char a[32], b[32];

	tf_eth(f, 0x0800);
	for (int l = 0; l < 10; l++) {
		snprintf(a, sizeof(a), "10.0.%d.1", l);
		snprintf(b, sizeof(b), "10.0.%d.2", l);
		at[l] = tf_ipv4(f, 47, a, b);
		tf_gre(f, 0, 0x0800);
	}
	at[10] = tf_ipv4(f, 6, V4IA, V4IB);
	tf_tcp(f, 1111, 2222);
	for (int l = 10; l >= 0; l--)
		tf_ip_end(f, at[l]);
}

/* clang-format off */
const struct pcase parse_hostile[] = {
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
const size_t parse_nhostile = sizeof(parse_hostile) / sizeof(parse_hostile[0]);
