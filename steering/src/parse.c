/* SPDX-License-Identifier: BSD-2-Clause */
/* parse.c: steer_parse(): dispatch by pcap link type (tcpdump.org/linktypes.html, Linux SLL v1). */
#include <string.h>

#include <steer/names.h>
#include <steer/packet.h>

#include "parse_int.h"

/* LINKTYPE_LINUX_SLL: packet type (2), ARPHRD type (2), address length (2), address (8, padded),
 * protocol (2) in EtherType space. */
enum {
	SLL_HDR_LEN = 16,
	SLL_ADDR_LEN = 4,
	SLL_ADDR = 6,
	SLL_PROTO = 14,
};

static int parse_sll(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, SLL_HDR_LEN);

	if (!h)
		return STEER_PKT_TRUNC;
	/* Only a 6-byte address is a MAC: tun devices have none, FireWire has 8. */
	if (steer__be16(h + SLL_ADDR_LEN) == 6) {
		memcpy(p->mac_src, h + SLL_ADDR, 6);
		p->flags |= STEER_F_L2;
	}
	/* The protocol is an EtherType (VLAN tags included), or below 0x0600 a Linux ETH_P_802_2
	 * style value for non-Ethernet-II frames, which the EtherType walk reports as non-IP. */
	return steer__parse_ethertype(p, c, steer__be16(h + SLL_PROTO), l4);
}

int steer_parse(int linktype, const uint8_t *frame, size_t caplen, bool inner,
                struct steer_pkt *out)
{
	struct steer__cur c, l4;
	int st;

	/* The one clear of *out: the parts below only write what they find. */
	memset(out, 0, sizeof(*out));
	out->eth_off = -1;
	if (!frame)
		caplen = 0;
	if (caplen > STEER__MAX_FRAME)
		caplen = STEER__MAX_FRAME;
	steer__cur_init(&c, frame, caplen);

	switch (linktype) {
	case STEER_LINK_ETHERNET:
		st = steer__parse_eth(out, &c, &l4);
		if (out->flags & STEER_F_L2)
			out->eth_off = 0;
		break;
	case STEER_LINK_RAW:
		st = steer__parse_ip_by_nibble(out, &c, &l4, STEER_PKT_INVALID);
		break;
	case STEER_LINK_IPV4:
		st = steer__parse_ipv4(out, &c, &l4);
		break;
	case STEER_LINK_IPV6:
		st = steer__parse_ipv6(out, &c, &l4);
		break;
	case STEER_LINK_LINUX_SLL:
		st = parse_sll(out, &c, &l4);
		break;
	default:
		return STEER_PKT_UNSUPPORTED_LINK;
	}
	if (inner && st == STEER_PKT_IP && steer__tunnel_kind(out) != STEER_TUNNEL_NONE)
		steer__decap(out, &l4);
	return st;
}

static const struct steer_name status_names[] = {
	{STEER_PKT_IP, "ip"},
	{STEER_PKT_NONIP, "non-ip"},
	{STEER_PKT_TRUNC, "truncated"},
	{STEER_PKT_INVALID, "invalid"},
	{STEER_PKT_UNSUPPORTED_LINK, "unsupported-link"},
};

const char *steer_parse_status_name(int status)
{
	return steer_name_of(status_names, STEER_NAMES_LEN(status_names), status, "unknown");
}
