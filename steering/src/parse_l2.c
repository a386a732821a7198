/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_l2.c: Ethernet II / 802.3, IEEE 802.1Q / 802.1ad tags, MPLS (RFC 3032), PPPoE (RFC 2516),
 * and the wrappers Zeek strips silently: PBB (IEEE 802.1ah), Cisco VN-Tag and FabricPath. */
#include <string.h>

#include <steer/packet.h>

#include "parse_int.h"

enum {
	ETH_HDR_LEN = 14,
	VLAN_TAG_LEN = 4,
	VLAN_VID_MASK = 0x0fff, /* the TCI's low 12 bits; PCP and DEI above them */
	MPLS_ENTRY_LEN = 4,
	MPLS_BOS = 0x01, /* bottom-of-stack bit, in the third byte of an entry */
	PPPOE_HDR_LEN = 6,
	PPPOE_VER_TYPE = 0x11, /* version 1, type 1 */
	PPPOE_CODE_SESSION = 0x00,
	PPP_IPV4 = 0x0021,
	PPP_IPV6 = 0x0057,
	PBB_LEN = 18,       /* I-TAG (4), customer destination and source (12), EtherType (2) */
	VNTAG_LEN = 6,      /* the tag (4), then the EtherType (2) */
	FABRICPATH_LEN = 16, /* outer destination, source, EtherType 0x8903, FTag/TTL */
	MAX_WRAPPERS = 2 * STEER__MAX_VLAN, /* tags, PBB and VN-Tag headers walked in one frame */
};

/* Picks IPv4 or IPv6 by the version nibble, for payloads that do not name their type; any other
 * nibble gives `other` (non-IP after an MPLS stack, invalid for a raw-IP link type). */
int steer__parse_ip_by_nibble(struct steer_pkt *p, const struct steer__cur *c,
                              struct steer__cur *l4, int other)
{
	const uint8_t *h = steer__peek(c, 1);

	if (!h)
		return STEER_PKT_TRUNC;
	switch (h[0] >> 4) {
	case 4:
		return steer__parse_ipv4(p, c, l4);
	case 6:
		return steer__parse_ipv6(p, c, l4);
	}
	return other;
}

/* RFC 3032: 4-byte entries down to the one with the bottom-of-stack bit. MPLS does not say what
 * it carries; IPv4 and IPv6 are told apart by the first nibble after the stack, and anything else
 * (a pseudowire control word, Ethernet over MPLS) is left as non-IP. */
static int parse_mpls(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h;

	p->flags |= STEER_F_MPLS;
	for (unsigned n = 0;; n++) {
		if (n == STEER__MAX_MPLS)
			goto invalid;
		h = steer__pull(c, MPLS_ENTRY_LEN);
		if (!h)
			goto trunc;
		if (h[2] & MPLS_BOS)
			break;
	}
	return steer__parse_ip_by_nibble(p, c, l4, STEER_PKT_NONIP);
trunc:
	return STEER_PKT_TRUNC;
invalid:
	return STEER_PKT_INVALID;
}

/* RFC 2516 section 4: 6-byte session header, then the 2-byte PPP protocol. */
static int parse_pppoe(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, PPPOE_HDR_LEN + 2);

	if (!h)
		goto trunc;
	if (h[0] != PPPOE_VER_TYPE || h[1] != PPPOE_CODE_SESSION)
		goto invalid;
	p->flags |= STEER_F_PPPOE;
	switch (steer__be16(h + PPPOE_HDR_LEN)) {
	case PPP_IPV4:
		return steer__parse_ipv4(p, c, l4);
	case PPP_IPV6:
		return steer__parse_ipv6(p, c, l4);
	}
	/* LCP, IPCP, CHAP, ... */
	return STEER_PKT_NONIP;
trunc:
	return STEER_PKT_TRUNC;
invalid:
	return STEER_PKT_INVALID;
}

int steer__parse_ethertype(struct steer_pkt *p, struct steer__cur *c, uint16_t type,
                           struct steer__cur *l4)
{
	const uint8_t *h;
	unsigned wrappers = 0;

	/* Only tags and wrappers loop back here; each costs at least 4 bytes and their count is
	 * capped, so a frame of nothing but tags ends as invalid rather than walking the capture. */
	for (;; wrappers++) {
		if (wrappers == MAX_WRAPPERS)
			goto invalid;
		switch (type) {
		case STEER__ETH_IPV4:
			return steer__parse_ipv4(p, c, l4);
		case STEER__ETH_IPV6:
			return steer__parse_ipv6(p, c, l4);
		case STEER__ETH_VLAN:
		case STEER__ETH_QINQ:
		case STEER__ETH_QINQ_OLD:
			if (p->nvlan == STEER__MAX_VLAN)
				goto invalid;
			h = steer__pull(c, VLAN_TAG_LEN);
			if (!h)
				goto trunc;
			if (p->nvlan < 2)
				p->vlan[p->nvlan] = steer__be16(h) & VLAN_VID_MASK;
			p->nvlan++;
			p->flags |= p->nvlan == 1 ? STEER_F_VLAN : STEER_F_QINQ;
			p->flags |= type == STEER__ETH_QINQ        ? STEER_F_TAG_AD
			            : type == STEER__ETH_QINQ_OLD ? STEER_F_TAG_9100
			                                          : 0;
			type = steer__be16(h + 2);
			break;
		case STEER__ETH_MPLS_UC:
		case STEER__ETH_MPLS_MC:
			return parse_mpls(p, c, l4);
		case STEER__ETH_PPPOE_SESS:
			return parse_pppoe(p, c, l4);
		case STEER__ETH_PBB:
			h = steer__pull(c, PBB_LEN);
			if (!h)
				goto trunc;
			p->flags |= STEER_F_L2_WRAP;
			type = steer__be16(h + PBB_LEN - 2);
			break;
		case STEER__ETH_VNTAG:
			h = steer__pull(c, VNTAG_LEN);
			if (!h)
				goto trunc;
			p->flags |= STEER_F_L2_WRAP;
			type = steer__be16(h + VNTAG_LEN - 2);
			break;
		default:
			/* ARP, LLDP, PPPoE discovery, ..., and 802.3 frames whose "type" is below
			 * 0x0600 and so a length (LLC follows: STP, CDP, ...). */
			return STEER_PKT_NONIP;
		}
	}
trunc:
	return STEER_PKT_TRUNC;
invalid:
	return STEER_PKT_INVALID;
}

int steer__parse_eth(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, ETH_HDR_LEN);
	uint16_t type;

	if (!h)
		return STEER_PKT_TRUNC;
	memcpy(p->mac_dst, h, 6);
	memcpy(p->mac_src, h + 6, 6);
	p->flags |= STEER_F_L2;
	type = steer__be16(h + 12);
	/* FabricPath puts its own header before the classic one; the balancer acts on the outer
	 * addresses, so those are the ones kept. */
	if (type == STEER__ETH_FABRICPATH) {
		p->flags |= STEER_F_L2_WRAP;
		if (!steer__skip(c, FABRICPATH_LEN - ETH_HDR_LEN))
			return STEER_PKT_TRUNC;
		h = steer__pull(c, ETH_HDR_LEN);
		if (!h)
			return STEER_PKT_TRUNC;
		type = steer__be16(h + 12);
	}
	return steer__parse_ethertype(p, c, type, l4);
}
