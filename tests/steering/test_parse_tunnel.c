/* SPDX-License-Identifier: BSD-2-Clause */
/* test_parse_tunnel.c: the link types and tunnels added for connection tracking (BSD loopback,
 * 802.11 with LLC/SNAP and A-MSDU, radiotap, PBB, VN-Tag, FabricPath; GRE's ERSPAN, PPTP and
 * Aruba payloads, GRE in UDP, Geneve, GTPv1-U, Teredo, AYIYA; the depth limit), through
 * steer_parse() and steer_parse_layers(), each frame also cut at every byte.
 * With STEER_WRITE_CORPUS=<dir> set, write_corpus saves the Ethernet frames as seeds for
 * tests/fuzz/fuzz_parse.c and all of them for tests/fuzz/fuzz_conn.c (DIR/parse, DIR/conn). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <steer/packet.h>

#include "frame.h"

enum { ETH = STEER_LINK_ETHERNET, NUL = STEER_LINK_NULL, WIFI = STEER_LINK_IEEE802_11,
       RTAP = STEER_LINK_RADIOTAP };

/* The innermost packet every builder ends with: UDP 10.1.0.1:1111 -> 10.1.0.2:2222. */
static void inner_udp(struct tframe *f)
{
	size_t ip = tf_ip(f, 17, "10.1.0.1", "10.1.0.2");
	tf_udp(f, 1111, 2222);
	tf_fill(f, 4, 0);
	tf_ip_csum_end(f, ip);
}

static void inner6_udp(struct tframe *f)
{
	size_t ip = tf_ip(f, 17, "2001:db8::1", "2001:db8::2");
	tf_udp(f, 1111, 2222);
	tf_fill(f, 4, 0);
	tf_ip_csum_end(f, ip);
}

/* Outer IPv4 (192.0.2.1 -> 192.0.2.2) of protocol proto around what `in` writes. */
static void outer(struct tframe *f, unsigned proto, void (*in)(struct tframe *))
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ip(f, proto, "192.0.2.1", "192.0.2.2");
	in(f);
	tf_ip_csum_end(f, ip);
}

/* Outer UDP sport -> dport around what `in` writes. */
static void outer_udp(struct tframe *f, unsigned sport, unsigned dport, void (*in)(struct tframe *))
{
	tf_eth(f, 0x0800);
	size_t ip = tf_ip(f, 17, "192.0.2.1", "192.0.2.2");
	tf_udp(f, sport, dport);
	in(f);
	tf_ip_csum_end(f, ip);
}

/* ---- link types ---- */

static void b_null_le(struct tframe *f)
{
	tf_put32(f, 0x02000000u); /* AF_INET in little-endian */
	inner_udp(f);
}

static void b_null_be6(struct tframe *f)
{
	tf_put32(f, 30); /* macOS's AF_INET6, big-endian */
	inner6_udp(f);
}

static void b_null_other(struct tframe *f)
{
	tf_put32(f, 0x07000000u);
	inner_udp(f);
}

/* An 802.11 data frame: frame control, duration, three addresses, sequence; QoS when set. */
static void wifi_hdr(struct tframe *f, unsigned fc0, unsigned fc1, unsigned qos)
{
	tf_put8(f, fc0);
	tf_put8(f, fc1);
	tf_put16(f, 0);
	tf_fill(f, 18, 0x22);
	tf_put16(f, 0);
	if ((fc1 & 3) == 3)
		tf_fill(f, 6, 0x44);
	if (fc0 & 0x80) {
		tf_put8(f, qos & 0xff); /* QoS control is little-endian: A-MSDU is 0x80 of byte 0 */
		tf_put8(f, qos >> 8);
	}
}

static void snap(struct tframe *f, unsigned type)
{
	tf_put16(f, 0xaaaa);
	tf_put8(f, 3);
	tf_fill(f, 3, 0);
	tf_put16(f, type);
}

static void b_wifi(struct tframe *f)
{
	wifi_hdr(f, 0x08, 0x01, 0);
	snap(f, 0x0800);
	inner_udp(f);
}

static void b_wifi_qos_4addr(struct tframe *f)
{
	wifi_hdr(f, 0x88, 0x03, 0);
	snap(f, 0x86dd);
	inner6_udp(f);
}

static void b_wifi_protected_qos(struct tframe *f)
{
	wifi_hdr(f, 0x88, 0x41, 0);
	snap(f, 0x0800);
	inner_udp(f);
}

static void b_wifi_mgmt(struct tframe *f)
{
	wifi_hdr(f, 0x80, 0x00, 0); /* a beacon */
	tf_fill(f, 30, 0);
}

/* An A-MSDU of two subframes, each with LLC/SNAP and an IPv4 UDP packet. */
static void amsdu(struct tframe *f)
{
	for (int k = 0; k < 2; k++) {
		size_t at = f->n;
		tf_fill(f, 12, 0x66);
		tf_put16(f, 0);
		snap(f, 0x0800);
		size_t ip = tf_ip(f, 17, k ? "10.1.0.3" : "10.1.0.1", "10.1.0.2");
		tf_udp(f, 1111, 2222);
		tf_fill(f, 4, 0);
		tf_ip_csum_end(f, ip);
		tf_set16(f, at + 12, (unsigned)(f->n - at - 14));
		if (!k)
			tf_fill(f, (f->n - at - 14) % 4, 0); /* Zeek's padding rule */
	}
}

static void b_wifi_amsdu(struct tframe *f)
{
	wifi_hdr(f, 0x88, 0x01, 0x80);
	amsdu(f);
}

static void b_radiotap(struct tframe *f)
{
	tf_put8(f, 0);
	tf_put8(f, 0);
	tf_put16(f, 0x0c00); /* length 12, little-endian */
	tf_fill(f, 8, 0);
	b_wifi(f);
}

static void b_pbb(struct tframe *f)
{
	tf_eth(f, 0x88e7);
	tf_put32(f, 0x00000100u);
	tf_fill(f, 12, 0x77);
	tf_put16(f, 0x0800);
	inner_udp(f);
}

static void b_vntag(struct tframe *f)
{
	tf_eth(f, 0x8926);
	tf_put32(f, 0x80010002u);
	tf_put16(f, 0x0800);
	inner_udp(f);
}

static void b_fabricpath(struct tframe *f)
{
	tf_eth(f, 0x8903);
	tf_put16(f, 0x0001);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

/* ---- GRE and IP in IP ---- */

static void gre_teb(struct tframe *f)
{
	tf_gre(f, 0, 0x6558);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

static void gre_erspan1(struct tframe *f)
{
	tf_gre(f, 0, 0x88be);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

static void gre_erspan2(struct tframe *f)
{
	tf_gre(f, 0x1000, 0x88be);
	tf_put32(f, 0x10000001u);
	tf_put32(f, 0);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

static void gre_erspan3(struct tframe *f)
{
	tf_gre(f, 0x1000, 0x22eb);
	tf_fill(f, 11, 0);
	tf_put8(f, 0x01); /* O: the 8-byte platform sub-header follows */
	tf_fill(f, 8, 0);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

static void gre_pptp(struct tframe *f)
{
	tf_gre(f, 0x2081, 0x880b); /* K, A, version 1 */
	tf_put32(f, 0xff030021u);
	inner_udp(f);
}

static void gre_aruba(struct tframe *f)
{
	tf_gre(f, 0, 0x8200);
	wifi_hdr(f, 0x08, 0x02, 0);
	snap(f, 0x0800);
	inner_udp(f);
}

static void gre_aruba_amsdu(struct tframe *f)
{
	tf_gre(f, 0, 0x8300);
	wifi_hdr(f, 0x88, 0x02, 0x80);
	amsdu(f);
}

static void gre_raw(struct tframe *f)
{
	tf_gre(f, 0, 0x1234); /* any other type: raw IP by its nibble, as Zeek */
	inner_udp(f);
}

static void gre_routing(struct tframe *f)
{
	tf_gre(f, 0x4000, 0x0800);
	inner_udp(f);
}

static void ipip6(struct tframe *f)
{
	inner6_udp(f); /* protocol 4 carrying IPv6: by the nibble */
}

static void b_teb(struct tframe *f) { outer(f, 47, gre_teb); }
static void b_erspan1(struct tframe *f) { outer(f, 47, gre_erspan1); }
static void b_erspan2(struct tframe *f) { outer(f, 47, gre_erspan2); }
static void b_erspan3(struct tframe *f) { outer(f, 47, gre_erspan3); }
static void b_pptp(struct tframe *f) { outer(f, 47, gre_pptp); }
static void b_aruba(struct tframe *f) { outer(f, 47, gre_aruba); }
static void b_aruba_amsdu(struct tframe *f) { outer(f, 47, gre_aruba_amsdu); }
static void b_gre_raw(struct tframe *f) { outer(f, 47, gre_raw); }
static void b_gre_routing(struct tframe *f) { outer(f, 47, gre_routing); }
static void b_ipip6(struct tframe *f) { outer(f, 4, ipip6); }

/* ---- UDP tunnels ---- */

static void vx(struct tframe *f)
{
	tf_vxlan(f, 0x08, 5);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

static void gen(struct tframe *f)
{
	tf_geneve(f, 0, 3, 0x6558);
	tf_eth(f, 0x0800);
	inner_udp(f);
}

static void gen6(struct tframe *f)
{
	tf_geneve(f, 0, 0, 0x86dd);
	inner6_udp(f);
}

static void gen_v1(struct tframe *f)
{
	tf_geneve(f, 1, 0, 0x0800);
	inner_udp(f);
}

static void gtp(struct tframe *f)
{
	tf_gtp(f, 0, 255, 0);
	inner_udp(f);
}

static void gtp_ext(struct tframe *f)
{
	tf_gtp(f, 0x06, 255, 2); /* S and E: the optional fields and one extension header */
	inner6_udp(f);
}

static void gtp_echo(struct tframe *f)
{
	tf_gtp(f, 0x02, 1, 0); /* an echo request, no user data */
}

static void gtp_v2(struct tframe *f)
{
	tf_put8(f, 0x48); /* version 2 on the user-plane port: a malformed one */
	tf_put8(f, 255);
	tf_fill(f, 6, 0);
	inner_udp(f);
}

static void teredo(struct tframe *f)
{
	inner6_udp(f);
}

static void teredo_origin(struct tframe *f)
{
	tf_put16(f, 0);
	tf_put16(f, 0xffff ^ 3544);
	tf_put32(f, 0xffffffffu ^ 0xc0000201u);
	inner6_udp(f);
}

static void teredo_auth(struct tframe *f)
{
	tf_put16(f, 1);
	tf_put8(f, 2); /* client id length */
	tf_put8(f, 3); /* authentication length */
	tf_fill(f, 2 + 3 + 8 + 1, 0x11);
	inner6_udp(f);
}

static void teredo_bad(struct tframe *f)
{
	tf_put16(f, 0x0002);
	tf_fill(f, 60, 0);
}

static void ayiya(struct tframe *f)
{
	tf_ayiya(f, 4, 5, 1, 41);
	inner6_udp(f);
}

static void ayiya_noop(struct tframe *f)
{
	tf_ayiya(f, 0, 0, 0, 41); /* opcode 0: nothing forwarded */
	inner6_udp(f);
}

static void gre_in_udp(struct tframe *f)
{
	tf_gre(f, 0, 0x0800);
	inner_udp(f);
}

static void b_vxlan_dport(struct tframe *f) { outer_udp(f, 40000, 4789, vx); }
static void b_vxlan_sport(struct tframe *f) { outer_udp(f, 4789, 40000, vx); }
static void b_geneve(struct tframe *f) { outer_udp(f, 40000, 6081, gen); }
static void b_geneve6(struct tframe *f) { outer_udp(f, 40000, 6081, gen6); }
static void b_geneve_v1(struct tframe *f) { outer_udp(f, 40000, 6081, gen_v1); }
static void b_gtp(struct tframe *f) { outer_udp(f, 2152, 2152, gtp); }
static void b_gtp_ext(struct tframe *f) { outer_udp(f, 40000, 2123, gtp_ext); }
static void b_gtp_echo(struct tframe *f) { outer_udp(f, 40000, 2152, gtp_echo); }
static void b_gtp_v2(struct tframe *f) { outer_udp(f, 40000, 2152, gtp_v2); }
static void b_teredo(struct tframe *f) { outer_udp(f, 40000, 3544, teredo); }
static void b_teredo_origin(struct tframe *f) { outer_udp(f, 3544, 40000, teredo_origin); }
static void b_teredo_auth(struct tframe *f) { outer_udp(f, 40000, 3544, teredo_auth); }
static void b_teredo_found(struct tframe *f) { outer_udp(f, 40000, 32900, teredo_origin); }
static void b_teredo_bad(struct tframe *f) { outer_udp(f, 40000, 3544, teredo_bad); }
static void b_ayiya(struct tframe *f) { outer_udp(f, 40000, 5072, ayiya); }
static void b_ayiya_found(struct tframe *f) { outer_udp(f, 40000, 9999, ayiya); }
static void b_ayiya_noop(struct tframe *f) { outer_udp(f, 40000, 5072, ayiya_noop); }
static void b_gre_udp(struct tframe *f) { outer_udp(f, 40000, 4754, gre_in_udp); }

/* GTP in GTP: the inner one is taken for a malformed packet. */
static void gtp_gtp(struct tframe *f)
{
	tf_gtp(f, 0, 255, 0);
	size_t ip = tf_ip(f, 17, "10.2.0.1", "10.2.0.2");
	tf_udp(f, 2152, 2152);
	tf_gtp(f, 0, 255, 0);
	inner_udp(f);
	tf_ip_csum_end(f, ip);
}

static void b_gtp_in_gtp(struct tframe *f) { outer_udp(f, 2152, 2152, gtp_gtp); }

/* Five VXLAN levels: the fifth stays closed. */
static void b_vxlan_5(struct tframe *f)
{
	size_t ips[5];
	tf_eth(f, 0x0800);
	for (int d = 0; d < 5; d++) {
		ips[d] = tf_ip(f, 17, "192.0.2.1", "192.0.2.2");
		tf_udp(f, 40000, 4789);
		tf_vxlan(f, 0x08, 1);
		tf_eth(f, 0x0800);
	}
	inner_udp(f);
	for (int d = 4; d >= 0; d--)
		tf_ip_csum_end(f, ips[d]);
}

struct tcase {
	const char *name;
	int link;
	void (*build)(struct tframe *);
	int status;
	unsigned n;            /* layers */
	uint8_t tunnels[5];    /* each layer's carrier */
	uint32_t flags;        /* STEER_LAYERS_* */
	uint8_t tried;
	uint16_t last_dport;   /* the innermost layer's */
	unsigned more;         /* further A-MSDU subframes */
};

#define T(k) STEER_TUNNEL_##k
static const struct tcase cases[] = {
	{"null-le-ipv4", NUL, b_null_le, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"null-be-ipv6", NUL, b_null_be6, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"null-other", NUL, b_null_other, STEER_PKT_NONIP, 0, {0}, 0, 0, 0, 0},
	{"wifi-llc-ipv4", WIFI, b_wifi, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"wifi-qos-4addr-ipv6", WIFI, b_wifi_qos_4addr, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"wifi-protected-qos", WIFI, b_wifi_protected_qos, STEER_PKT_NONIP, 0, {0}, 0, 0, 0, 0},
	{"wifi-beacon", WIFI, b_wifi_mgmt, STEER_PKT_NONIP, 0, {0}, 0, 0, 0, 0},
	{"wifi-amsdu", WIFI, b_wifi_amsdu, STEER_PKT_IP, 1, {0}, STEER_LAYERS_MORE, 0, 2222, 1},
	{"radiotap-wifi", RTAP, b_radiotap, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"eth-pbb", ETH, b_pbb, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"eth-vntag", ETH, b_vntag, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"eth-fabricpath", ETH, b_fabricpath, STEER_PKT_IP, 1, {0}, 0, 0, 2222, 0},
	{"eth-gre-teb", ETH, b_teb, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-erspan1", ETH, b_erspan1, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-erspan2", ETH, b_erspan2, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-erspan3", ETH, b_erspan3, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-pptp", ETH, b_pptp, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-aruba", ETH, b_aruba, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-aruba-amsdu", ETH, b_aruba_amsdu, STEER_PKT_IP, 2, {0, T(GRE)},
	 STEER_LAYERS_MORE, 0, 2222, 1},
	{"eth-gre-raw", ETH, b_gre_raw, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-gre-routing", ETH, b_gre_routing, STEER_PKT_IP, 1, {0}, 0, T(GRE), 0, 0},
	{"eth-ipip-ipv6", ETH, b_ipip6, STEER_PKT_IP, 2, {0, T(IPIP)}, 0, 0, 2222, 0},
	{"eth-vxlan-dport", ETH, b_vxlan_dport, STEER_PKT_IP, 2, {0, T(VXLAN)}, 0, 0, 2222, 0},
	{"eth-vxlan-sport", ETH, b_vxlan_sport, STEER_PKT_IP, 2, {0, T(VXLAN)}, 0, 0, 2222, 0},
	{"eth-geneve-opts", ETH, b_geneve, STEER_PKT_IP, 2, {0, T(GENEVE)}, 0, 0, 2222, 0},
	{"eth-geneve-ipv6", ETH, b_geneve6, STEER_PKT_IP, 2, {0, T(GENEVE)}, 0, 0, 2222, 0},
	{"eth-geneve-v1", ETH, b_geneve_v1, STEER_PKT_IP, 1, {0}, 0, T(GENEVE), 6081, 0},
	{"eth-gtp", ETH, b_gtp, STEER_PKT_IP, 2, {0, T(GTP)}, 0, 0, 2222, 0},
	{"eth-gtp-ext", ETH, b_gtp_ext, STEER_PKT_IP, 2, {0, T(GTP)}, 0, 0, 2222, 0},
	{"eth-gtp-echo", ETH, b_gtp_echo, STEER_PKT_IP, 1, {0}, 0, T(GTP), 2152, 0},
	{"eth-gtp-v2", ETH, b_gtp_v2, STEER_PKT_IP, 1, {0}, STEER_LAYERS_VIOLATION, T(GTP), 2152, 0},
	{"eth-gtp-in-gtp", ETH, b_gtp_in_gtp, STEER_PKT_IP, 2, {0, T(GTP)},
	 STEER_LAYERS_VIOLATION, T(GTP), 2152, 0},
	{"eth-teredo", ETH, b_teredo, STEER_PKT_IP, 2, {0, T(TEREDO)}, 0, 0, 2222, 0},
	{"eth-teredo-origin", ETH, b_teredo_origin, STEER_PKT_IP, 2, {0, T(TEREDO)}, 0, 0, 2222, 0},
	{"eth-teredo-auth", ETH, b_teredo_auth, STEER_PKT_IP, 2, {0, T(TEREDO)}, 0, 0, 2222, 0},
	{"eth-teredo-by-content", ETH, b_teredo_found, STEER_PKT_IP, 2, {0, T(TEREDO)}, 0, 0, 2222,
	 0},
	{"eth-teredo-bad", ETH, b_teredo_bad, STEER_PKT_IP, 1, {0}, STEER_LAYERS_VIOLATION,
	 T(TEREDO), 3544, 0},
	{"eth-ayiya", ETH, b_ayiya, STEER_PKT_IP, 2, {0, T(AYIYA)}, 0, 0, 2222, 0},
	{"eth-ayiya-by-content", ETH, b_ayiya_found, STEER_PKT_IP, 2, {0, T(AYIYA)}, 0, 0, 2222, 0},
	{"eth-ayiya-noop", ETH, b_ayiya_noop, STEER_PKT_IP, 1, {0}, 0, T(AYIYA), 5072, 0},
	{"eth-gre-in-udp", ETH, b_gre_udp, STEER_PKT_IP, 2, {0, T(GRE)}, 0, 0, 2222, 0},
	{"eth-vxlan-5-levels", ETH, b_vxlan_5, STEER_PKT_IP, 5,
	 {0, T(VXLAN), T(VXLAN), T(VXLAN), T(VXLAN)}, STEER_LAYERS_DEPTH, T(VXLAN), 4789, 0},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void build(const struct tcase *c, struct tframe *f)
{
	f->n = 0;
	c->build(f);
}

static void same_tuple(const struct steer_pkt *p, const struct steer_layer *l)
{
	assert_int_equal(p->family, l->family);
	assert_int_equal(p->proto, l->proto);
	assert_int_equal(p->sport, l->sport);
	assert_int_equal(p->dport, l->dport);
	assert_memory_equal(p->src, l->src, 16);
	assert_memory_equal(p->dst, l->dst, 16);
	assert_int_equal(p->l3_off, l->l3_off);
}

static void layer_chains(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		struct steer_layers ls;
		struct steer_pkt p;
		struct tframe f;

		build(c, &f);
		print_message("%s\n", c->name);
		assert_int_equal(steer_parse_layers(c->link, f.b, f.n, &ls), c->status);
		assert_int_equal(ls.status, c->status);
		assert_int_equal(ls.n, c->n);
		assert_int_equal(ls.flags, c->flags);
		assert_int_equal(ls.tried, c->tried);
		for (unsigned k = 0; k < ls.n; k++) {
			assert_int_equal(ls.l[k].tunnel, c->tunnels[k]);
			assert_true(ls.l[k].l3_off < ls.l[k].end && ls.l[k].end <= f.n);
			assert_true(ls.l[k].l4_off > ls.l[k].l3_off);
			if (k)
				assert_true(ls.l[k].l3_off > ls.l[k - 1].l3_off);
		}
		if (ls.n) {
			assert_int_equal(ls.l[ls.n - 1].dport, c->last_dport);
			/* steer_parse gives the innermost tuple with inner set, the outermost without. */
			assert_int_equal(steer_parse(c->link, f.b, f.n, true, &p), c->status);
			same_tuple(&p, &ls.l[ls.n - 1]);
			assert_int_equal(p.tunnel, ls.l[ls.n - 1].tunnel);
			assert_int_equal(!!(p.flags & STEER_F_TUNNEL), ls.n > 1);
			assert_int_equal(steer_parse(c->link, f.b, f.n, false, &p), c->status);
			same_tuple(&p, &ls.l[0]);
			assert_memory_equal(&p, &ls.pkt, sizeof(p));
		}
		unsigned more = 0;
		while (steer_parse_layers_next(f.b, f.n, &ls)) {
			more++;
			assert_true(more < 10);
			assert_int_equal(ls.n, c->n);
			assert_int_equal(ls.l[ls.n - 1].dport, 2222);
			assert_int_equal(ls.l[ls.n - 1].src[3], 3); /* the second subframe's source */
		}
		assert_int_equal(more, c->more);
	}
}

/* Every prefix of every frame, in a buffer of exactly that size: defined results, nothing read
 * beyond (the sanitizer build checks), offsets inside the cut. */
static void cut_at_every_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		struct tframe f;
		build(&cases[i], &f);
		for (size_t n = 0; n <= f.n; n++) {
			uint8_t *b = malloc(n ? n : 1);
			struct steer_layers ls;
			struct steer_pkt p;
			int st;

			assert_non_null(b);
			memcpy(b, f.b, n);
			st = steer_parse_layers(cases[i].link, n ? b : NULL, n, &ls);
			assert_true(st == STEER_PKT_IP || st == STEER_PKT_NONIP || st == STEER_PKT_TRUNC ||
			            st == STEER_PKT_INVALID);
			assert_int_equal(st, steer_parse(cases[i].link, n ? b : NULL, n, true, &p));
			assert_int_equal(st, steer_parse(cases[i].link, n ? b : NULL, n, false, &p));
			for (int guard = 0;; guard++) {
				assert_true(ls.n <= STEER_MAX_LAYERS);
				assert_true(st == STEER_PKT_IP || ls.n == 0);
				for (unsigned k = 0; k < ls.n; k++) {
					assert_true(ls.l[k].end <= n);
					assert_true(ls.l[k].l4_off <= ls.l[k].end);
					assert_true(ls.l[k].tunnel < STEER_TUNNEL_COUNT);
					assert_true(ls.l[k].family == 4 || ls.l[k].family == 6);
				}
				assert_true(guard < 64);
				if (!steer_parse_layers_next(n ? b : NULL, n, &ls))
					break;
			}
			free(b);
		}
	}
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(steer_tunnel_name(STEER_TUNNEL_GENEVE), "geneve");
	assert_string_equal(steer_tunnel_name(STEER_TUNNEL_GTP), "gtpv1");
	assert_string_equal(steer_tunnel_name(STEER_TUNNEL_NONE), "-");
	assert_string_equal(steer_tunnel_name(STEER_TUNNEL_COUNT), "unknown");
	assert_string_equal(steer_tunnel_name(-1), "unknown");
}

/* fuzz_parse's first byte: its link table (Ethernet first), 0x80 for inner; fuzz_conn's: the
 * link type's index in its table (fuzz_conn.c), then the frame. */
static int conn_selector(int link)
{
	static const int links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW, STEER_LINK_LINUX_SLL,
	                            STEER_LINK_NULL, STEER_LINK_IEEE802_11, STEER_LINK_RADIOTAP};
	for (int i = 0; i < 6; i++)
		if (links[i] == link)
			return i;
	return 0;
}

static void write_corpus(void **state)
{
	const char *dir = getenv("STEER_WRITE_CORPUS");
	char path[4096];
	(void)state;
	if (!dir)
		skip();
	for (size_t i = 0; i < NCASES; i++) {
		struct tframe f;
		FILE *out;
		build(&cases[i], &f);
		if (cases[i].link == ETH) {
			snprintf(path, sizeof(path), "%s/parse/%s.bin", dir, cases[i].name);
			assert_non_null(out = fopen(path, "wb"));
			fputc(0x80, out);
			fwrite(f.b, 1, f.n, out);
			fclose(out);
		}
		/* fuzz_conn's records: selector, 2-byte time step, 2-byte length, the frame. */
		snprintf(path, sizeof(path), "%s/conn/%s.bin", dir, cases[i].name);
		assert_non_null(out = fopen(path, "wb"));
		fputc(conn_selector(cases[i].link), out);
		fputc(0, out);
		fputc(1, out);
		fputc((int)(f.n >> 8), out);
		fputc((int)(f.n & 0xff), out);
		fwrite(f.b, 1, f.n, out);
		fclose(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(layer_chains),
	    cmocka_unit_test(cut_at_every_byte),
	    cmocka_unit_test(names),
	    cmocka_unit_test(write_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
