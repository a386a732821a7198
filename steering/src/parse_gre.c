/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_gre.c: GRE (RFC 2784/2890) with what it carries: IP, transparent Ethernet (0x6558), ERSPAN
 * type I/II (0x88be) and III (0x22eb), Aruba's 802.11 frames, and PPTP's enhanced GRE (RFC 2637),
 * with Zeek's acceptance rules. */
#include <steer/packet.h>

#include "parse_int.h"

enum {
	GRE_HDR_LEN = 4,
	GRE_C = 0x8000,          /* checksum and reserved1 present */
	GRE_R = 0x4000,          /* RFC 1701 routing: not followed (Zeek drops these too) */
	GRE_K = 0x2000,          /* key present (RFC 2890) */
	GRE_S = 0x1000,          /* sequence number present (RFC 2890) */
	GRE_A = 0x0080,          /* acknowledgement number present (version 1, RFC 2637) */
	GRE_RESERVED = 0x0078,   /* must be zero */
	GRE_VERSION = 0x0007,    /* 0, or 1 for PPTP */
	PPTP_PPP_LEN = 4,        /* address 0xff, control 0x03, protocol */
	PPP_IPV4 = 0x0021,
	PPP_IPV6 = 0x0057,
	ETH_LEN = 14,
	ERSPAN2_LEN = 8,
	ERSPAN3_LEN = 12,
	ERSPAN3_O = 0x01,        /* the type III optional platform sub-header follows */
	ERSPAN3_SUB_LEN = 8,
};

/* Aruba's access points send 802.11 frames in GRE with these protocol types (as Zeek matches
 * them): 0x82X0, 0x83X0 up to 0x8370, and 0x9000. */
static bool is_aruba(unsigned type)
{
	return ((type & 0x8200u) == 0x8200u && (type & 0x0fu) == 0) ||
	       ((type & 0x8300u) == 0x8300u && (type & 0x0fu) == 0 && type <= 0x8370u) ||
	       type == 0x9000u;
}

/* PPTP: the PPP header, then an IP packet that must fill the payload exactly (Zeek's check for
 * version 1); an acknowledgement without payload carries nothing. */
static int decap_pptp(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, PPTP_PPP_LEN);
	size_t left;
	int st;

	if (!h)
		return STEER__NOT_A_TUNNEL;
	switch (steer__be16(h + 2)) {
	case PPP_IPV4:
	case PPP_IPV6:
		break;
	default:
		return STEER__NOT_A_TUNNEL;
	}
	left = c->end - c->off;
	if (left == 0)
		return STEER__NOT_A_TUNNEL;
	st = steer__parse_ip_by_nibble(in, c, l4, STEER_PKT_INVALID);
	if (st == STEER_PKT_IP && l4->end != c->end)
		return STEER_PKT_INVALID;
	return st;
}

int steer__decap_gre(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                     struct steer__decap_ctx *ctx)
{
	const uint8_t *h = steer__pull(c, GRE_HDR_LEN);
	unsigned fl, type, version;
	size_t opt;

	if (!h)
		return STEER_PKT_TRUNC;
	fl = steer__be16(h);
	type = steer__be16(h + 2);
	version = fl & GRE_VERSION;
	if (version > 1 || (fl & (GRE_R | GRE_RESERVED)))
		return STEER__NOT_A_TUNNEL;
	if (version == 1 && type != STEER__ETH_PPP)
		return STEER__NOT_A_TUNNEL;
	opt = 4 * (size_t)(!!(fl & GRE_C) + !!(fl & GRE_K) + !!(fl & GRE_S) + !!(fl & GRE_A));
	if (!steer__skip(c, opt))
		return STEER_PKT_TRUNC;
	if (version == 1)
		return decap_pptp(in, c, l4);

	switch (type) {
	case STEER__ETH_IPV4:
	case STEER__ETH_IPV6:
		return steer__parse_ip_by_nibble(in, c, l4, STEER_PKT_INVALID);
	case STEER__ETH_TEB:
		return steer__parse_eth(in, c, l4);
	case STEER__ETH_ERSPAN_2:
		/* Type I has no header of its own and no GRE sequence number; type II has both. */
		if ((fl & GRE_S) && !steer__skip(c, ERSPAN2_LEN))
			return STEER_PKT_TRUNC;
		return steer__parse_eth(in, c, l4);
	case STEER__ETH_ERSPAN_3:
		h = steer__pull(c, ERSPAN3_LEN);
		if (!h)
			return STEER_PKT_TRUNC;
		if ((h[ERSPAN3_LEN - 1] & ERSPAN3_O) && !steer__skip(c, ERSPAN3_SUB_LEN))
			return STEER_PKT_TRUNC;
		return steer__parse_eth(in, c, l4);
	}
	if (is_aruba(type))
		return steer__parse_80211(in, c, l4, ctx);
	/* Any other protocol type goes to Zeek's IP tunnel analyzer as raw IP: an IP packet is
	 * taken by its version nibble, anything else (MPLS, keepalives of other kinds) is not a
	 * tunnel packet. */
	h = steer__peek(c, 1);
	if (!h || ((h[0] >> 4) != 4 && (h[0] >> 4) != 6))
		return STEER__NOT_A_TUNNEL;
	return steer__parse_ip_by_nibble(in, c, l4, STEER_PKT_INVALID);
}
