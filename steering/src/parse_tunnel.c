/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_tunnel.c: decapsulating GRE (RFC 2784/2890), VXLAN (RFC 7348), IP-in-IP (RFC 2003/4213). */
#include <string.h>

#include <steer/packet.h>

#include "parse_int.h"

enum {
	GRE_HDR_LEN = 4,
	GRE_C = 0x8000, /* checksum and reserved1 present */
	GRE_K = 0x2000, /* key present (RFC 2890) */
	GRE_S = 0x1000, /* sequence number present (RFC 2890) */
	/* RFC 2784 2.3.1: a receiver that does not do RFC 1701 discards packets with any of bits
	 * 1-5 set. Bits 2 and 3 are K and S since RFC 2890: left are R, s and Recur's top bit. */
	GRE_RFC1701_BITS = 0x4c00,
	GRE_VERSION = 0x0007, /* 0; 1 is PPTP's enhanced GRE (RFC 2637), not decapsulated */
	UDP_HDR_LEN = 8,
	VXLAN_HDR_LEN = 8,
	VXLAN_I = 0x08, /* the VNI is valid */
	NOT_A_TUNNEL = -1,
};

/* RFC 2784/2890. Returns the inner packet's status, or NOT_A_TUNNEL for GRE that is not looked
 * into (another version, RFC 1701 routing, a payload other than IP or Ethernet). */
static int decap_gre(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, GRE_HDR_LEN);
	unsigned fl, type;
	size_t opt;

	if (!h)
		return STEER_PKT_TRUNC;
	fl = steer__be16(h);
	type = steer__be16(h + 2);
	if (fl & (GRE_RFC1701_BITS | GRE_VERSION))
		return NOT_A_TUNNEL;
	if (type != STEER__ETH_IPV4 && type != STEER__ETH_IPV6 && type != STEER__ETH_TEB)
		return NOT_A_TUNNEL;
	opt = 4 * (size_t)(!!(fl & GRE_C) + !!(fl & GRE_K) + !!(fl & GRE_S));
	if (!steer__skip(c, opt))
		return STEER_PKT_TRUNC;
	switch (type) {
	case STEER__ETH_IPV4:
		return steer__parse_ipv4(in, c, l4);
	case STEER__ETH_IPV6:
		return steer__parse_ipv6(in, c, l4);
	}
	return steer__parse_eth(in, c, l4);
}

/* RFC 7348 section 5: UDP header, 8-byte VXLAN header, inner Ethernet frame. */
static int decap_vxlan(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h;

	if (!steer__skip(c, UDP_HDR_LEN))
		return STEER_PKT_TRUNC;
	h = steer__pull(c, VXLAN_HDR_LEN);
	if (!h)
		return STEER_PKT_TRUNC;
	/* The other flag bits are reserved and ignored on receipt; without I it is not VXLAN. */
	if (!(h[0] & VXLAN_I))
		return NOT_A_TUNNEL;
	return steer__parse_eth(in, c, l4);
}

/* Takes the inner packet's tuple; the outer frame's L2 fields and flags stay. */
static void adopt(struct steer_pkt *p, const struct steer_pkt *in, uint8_t kind)
{
	p->flags = (p->flags & STEER__F_L2_MASK) | (in->flags & STEER__F_L3_MASK) | STEER_F_TUNNEL;
	p->family = in->family;
	p->proto = in->proto;
	p->sport = in->sport;
	p->dport = in->dport;
	memcpy(p->src, in->src, sizeof(p->src));
	memcpy(p->dst, in->dst, sizeof(p->dst));
	p->frag_id = in->frag_id;
	p->frag_offset = in->frag_offset;
	p->tunnel = kind;
	p->l3_off = in->l3_off;
	p->l4_off = in->l4_off;
}

void steer__decap(struct steer_pkt *p, struct steer__cur *l4)
{
	for (unsigned level = 0; level < STEER__MAX_TUNNEL; level++) {
		uint8_t kind = steer__tunnel_kind(p);
		struct steer_pkt in;
		struct steer__cur c, inner_l4;
		int st;

		if (kind == STEER_TUNNEL_NONE)
			return;
		/* The inner parse writes MACs and tags of an inner Ethernet frame here too; they
		 * are dropped, since the balancer acts on the outer frame. */
		memset(&in, 0, sizeof(in));
		steer__cur_from(&c, l4);
		switch (kind) {
		case STEER_TUNNEL_GRE:
			st = decap_gre(&in, &c, &inner_l4);
			break;
		case STEER_TUNNEL_VXLAN:
			st = decap_vxlan(&in, &c, &inner_l4);
			break;
		default:
			if (p->proto == STEER__IPPROTO_IPIP)
				st = steer__parse_ipv4(&in, &c, &inner_l4);
			else
				st = steer__parse_ipv6(&in, &c, &inner_l4);
			break;
		}
		if (st == NOT_A_TUNNEL)
			return;
		if (st != STEER_PKT_IP) {
			p->flags |= STEER_F_INNER_BAD;
			return;
		}
		adopt(p, &in, kind);
		steer__cur_from(l4, &inner_l4);
	}
}
