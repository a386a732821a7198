/* SPDX-License-Identifier: BSD-2-Clause */
/* parse.c: steer_parse(): dispatch by pcap link type (tcpdump.org/linktypes.html: Linux SLL v1,
 * BSD loopback), and steer_parse_layers(), the same walk recording every IP packet on the way. */
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

/* LINKTYPE_NULL: the address family of the capturing host, in its byte order. IPv6 has a
 * different number on each BSD (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS), as Zeek accepts. */
enum {
	NULL_HDR_LEN = 4,
	NULL_AF_INET = 2,
	NULL_AF_INET6_BSD = 24,
	NULL_AF_INET6_FREEBSD = 28,
	NULL_AF_INET6_DARWIN = 30,
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

static int parse_null(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, NULL_HDR_LEN);
	uint32_t af;

	if (!h)
		return STEER_PKT_TRUNC;
	/* Whichever byte order the capturing host had: one half of the word is zero. */
	af = steer__be32(h);
	if (af > 0xffff)
		af = (uint32_t)h[0] | (uint32_t)h[1] << 8;
	switch (af) {
	case NULL_AF_INET:
		return steer__parse_ipv4(p, c, l4);
	case NULL_AF_INET6_BSD:
	case NULL_AF_INET6_FREEBSD:
	case NULL_AF_INET6_DARWIN:
		return steer__parse_ipv6(p, c, l4);
	}
	return STEER_PKT_NONIP;
}

/* The outermost parse, shared by steer_parse() and steer_parse_layers(). */
static int parse_link(int linktype, const uint8_t *frame, size_t caplen, struct steer_pkt *out,
                      struct steer__cur *l4, struct steer__decap_ctx *ctx)
{
	struct steer__cur c;
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
		st = steer__parse_eth(out, &c, l4);
		if (out->flags & STEER_F_L2)
			out->eth_off = 0;
		return st;
	case STEER_LINK_RAW:
		return steer__parse_ip_by_nibble(out, &c, l4, STEER_PKT_INVALID);
	case STEER_LINK_IPV4:
		return steer__parse_ipv4(out, &c, l4);
	case STEER_LINK_IPV6:
		return steer__parse_ipv6(out, &c, l4);
	case STEER_LINK_LINUX_SLL:
		return parse_sll(out, &c, l4);
	case STEER_LINK_NULL:
		return parse_null(out, &c, l4);
	case STEER_LINK_IEEE802_11:
		return steer__parse_80211(out, &c, l4, ctx);
	case STEER_LINK_RADIOTAP:
		return steer__parse_radiotap(out, &c, l4, ctx);
	}
	return STEER_PKT_UNSUPPORTED_LINK;
}

int steer_parse(int linktype, const uint8_t *frame, size_t caplen, bool inner,
                struct steer_pkt *out)
{
	struct steer__cur l4;
	int st = parse_link(linktype, frame, caplen, out, &l4, NULL);

	if (inner && st == STEER_PKT_IP && steer__tunnel_kind(out) != STEER_TUNNEL_NONE) {
		struct steer__decap_ctx ctx = {.force = -1};
		steer__decap(out, &l4, &ctx);
	}
	return st;
}

/* Opens the tunnels of the last recorded layer and notes what stopped the walk. */
static void decap_recorded(struct steer_layers *ls, struct steer_pkt *p, struct steer__cur *l4,
                           struct steer__decap_ctx *ctx)
{
	if (steer__tunnel_kind(p) != STEER_TUNNEL_NONE)
		steer__decap(p, l4, ctx);
	if (ctx->more) {
		ls->flags |= STEER_LAYERS_MORE;
		ls->more_depth = ctx->more_depth;
		ls->more_off = ctx->more_off;
		ls->more_end = ctx->more_end;
	}
	if (ctx->violation)
		ls->flags |= STEER_LAYERS_VIOLATION;
	ls->tried = ctx->tried;
}

int steer_parse_layers(int linktype, const uint8_t *frame, size_t caplen, struct steer_layers *out)
{
	struct steer__decap_ctx ctx = {.rec = out, .force = -1};
	struct steer__cur l4;
	struct steer_pkt p;

	memset(out, 0, sizeof(*out));
	out->status = parse_link(linktype, frame, caplen, &out->pkt, &l4, &ctx);
	if (out->status != STEER_PKT_IP)
		return out->status;
	steer__record(&ctx, &out->pkt, &l4, STEER_TUNNEL_NONE);
	p = out->pkt;
	decap_recorded(out, &p, &l4, &ctx);
	return out->status;
}

int steer_parse_layers_next(const uint8_t *frame, size_t caplen, struct steer_layers *ls)
{
	struct steer__decap_ctx ctx = {.rec = ls, .force = -1};
	struct steer__cur c, l4;
	struct steer_pkt p;
	unsigned depth = ls->more_depth;
	int st;

	if (!(ls->flags & STEER_LAYERS_MORE) || !frame || depth >= STEER_MAX_LAYERS ||
	    ls->more_end > caplen || ls->more_off >= ls->more_end)
		return 0;
	steer__cur_init(&c, frame, ls->more_end);
	c.off = ls->more_off;
	ls->flags = 0;
	ls->tried = STEER_TUNNEL_NONE;
	ls->n = depth;
	memset(&ls->l[depth], 0, sizeof(ls->l[0]) * (STEER_MAX_LAYERS - depth));
	memset(&p, 0, sizeof(p));
	p.eth_off = -1;
	st = steer__parse_amsdu_sub(&p, &c, &l4, &ctx);
	if (st != STEER_PKT_IP) {
		/* Zeek stops at the first subframe that does not hold an IP packet. */
		ls->flags |= STEER_LAYERS_BAD_INNER;
		return 1;
	}
	/* Below the link, A-MSDUs come out of Aruba's GRE. */
	ctx.carrier = depth ? STEER_TUNNEL_GRE : STEER_TUNNEL_NONE;
	ctx.level0 = (uint8_t)depth;
	steer__record(&ctx, &p, &l4, ctx.carrier);
	decap_recorded(ls, &p, &l4, &ctx);
	return 1;
}

void steer__layers_redo(const uint8_t *frame, size_t caplen, struct steer_layers *ls, unsigned i,
                        int force)
{
	struct steer__decap_ctx ctx = {.rec = ls, .force = force};
	const struct steer_layer *l = &ls->l[i];
	struct steer__cur l4;
	struct steer_pkt p;

	if (i >= ls->n || !l->l4_off || l->end > caplen || l->l4_off > l->end)
		return;
	memset(&p, 0, sizeof(p));
	p.eth_off = -1;
	p.flags = l->flags;
	p.family = l->family;
	p.proto = l->proto;
	p.sport = l->sport;
	p.dport = l->dport;
	p.l3_off = l->l3_off;
	p.l4_off = l->l4_off;
	steer__cur_init(&l4, frame, l->end);
	l4.off = l->l4_off;
	ctx.carrier = l->tunnel;
	ctx.level0 = (uint8_t)i;
	ls->n = i + 1;
	memset(&ls->l[i + 1], 0, sizeof(ls->l[0]) * (STEER_MAX_LAYERS - i - 1));
	ls->flags &= STEER_LAYERS_MORE;
	ls->tried = STEER_TUNNEL_NONE;
	decap_recorded(ls, &p, &l4, &ctx);
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

/* Zeek's Tunnel::Type names, lower case. */
static const struct steer_name tunnel_names[] = {
	{STEER_TUNNEL_NONE, "-"},        {STEER_TUNNEL_GRE, "gre"},       {STEER_TUNNEL_VXLAN, "vxlan"},
	{STEER_TUNNEL_IPIP, "ip"},       {STEER_TUNNEL_GENEVE, "geneve"}, {STEER_TUNNEL_GTP, "gtpv1"},
	{STEER_TUNNEL_TEREDO, "teredo"}, {STEER_TUNNEL_AYIYA, "ayiya"},
};

const char *steer_tunnel_name(int tunnel)
{
	return steer_name_of(tunnel_names, STEER_NAMES_LEN(tunnel_names), tunnel, "unknown");
}
