/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_udptun.c: the tunnels in UDP, with Zeek's acceptance rules: VXLAN (RFC 7348), Geneve
 * (RFC 8926), GTPv1-U (3GPP TS 29.281), Teredo (RFC 4380), AYIYA (draft-massar-v6ops-ayiya) and
 * GRE in UDP (RFC 8086). A payload is taken for a tunnel by the destination port, else the source
 * port, else (Teredo and AYIYA only) by what it looks like. */
#include <steer/packet.h>

#include "parse_int.h"

enum {
	UDP_HDR_LEN = 8,
	VXLAN_HDR_LEN = 8,
	VXLAN_I = 0x08,          /* the VNI is valid */
	GENEVE_HDR_LEN = 8,
	GENEVE_ARP = 0x0806,
	GENEVE_IPV6_TYPO = 0x08dd, /* Zeek registers this for IPv6 besides 0x86dd */
	GTP_HDR_LEN = 8,
	GTP_OPT_LEN = 4,         /* sequence number, N-PDU number, next extension type */
	GTP_E = 0x04, GTP_S = 0x02, GTP_PN = 0x01,
	GTP_PT = 0x10,           /* GTP (not GTP') */
	GTP_G_PDU = 255,
	TEREDO_ORIGIN_LEN = 8,
	TEREDO_AUTH_FIXED = 13,  /* tag, lengths, nonce, confirmation */
	IPV4_MIN = 20,
	IPV6_HDR_LEN = 40,
	AYIYA_HDR_LEN = 8,
	AYIYA_OP_FORWARD = 1,
};

static uint8_t port_kind(uint16_t port)
{
	switch (port) {
	case STEER__PORT_GTP_C:
	case STEER__PORT_GTP_U:
		return STEER_TUNNEL_GTP;
	case STEER__PORT_TEREDO:
		return STEER_TUNNEL_TEREDO;
	case STEER__PORT_GRE_UDP:
		return STEER_TUNNEL_GRE;
	case STEER__PORT_VXLAN:
		return STEER_TUNNEL_VXLAN;
	case STEER__PORT_AYIYA:
		return STEER_TUNNEL_AYIYA;
	case STEER__PORT_GENEVE:
		return STEER_TUNNEL_GENEVE;
	}
	return STEER_TUNNEL_NONE;
}

static bool is_teredo_addr(const uint8_t *a)
{
	return a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0;
}

/* Zeek's Teredo detection on other ports: an IPv6 header from or to a Teredo address (2001::/32),
 * or an authentication and/or origin indication header followed by an IPv6 header. */
static bool looks_teredo(const uint8_t *d, size_t len)
{
	size_t skip;

	if (len < IPV6_HDR_LEN)
		return false;
	if ((d[0] >> 4) != 6 && (d[0] != 0 || (d[1] != 0 && d[1] != 1)))
		return false;
	if ((d[0] >> 4) == 6 && (is_teredo_addr(d + 8) || is_teredo_addr(d + 24)))
		return true;
	unsigned tag = d[1];
	if (tag == 1) {
		skip = TEREDO_AUTH_FIXED + (size_t)d[2] + d[3];
		if (len < skip + IPV6_HDR_LEN)
			return false;
		d += skip;
		len -= skip;
		tag = steer__be16(d);
	}
	if (tag != 0)
		return false;
	d += TEREDO_ORIGIN_LEN;
	len -= TEREDO_ORIGIN_LEN;
	return len >= IPV6_HDR_LEN && (d[0] >> 4) == 6;
}

static bool looks_ayiya(const uint8_t *d, size_t len)
{
	return len >= 3 && d[1] == 0x52 && d[2] == 0x11;
}

uint8_t steer__udp_tunnel_select(const struct steer__cur *c, uint16_t sport, uint16_t dport,
                                 struct steer__decap_ctx *ctx)
{
	struct steer__cur p;
	const uint8_t *d;
	size_t len;
	int force = ctx->force;
	uint8_t k;

	/* A forced choice holds for one UDP header: the one the caller looked at. */
	ctx->force = -1;
	if (force > 0)
		return (uint8_t)force;
	if (force < 0) {
		k = port_kind(dport);
		if (k == STEER_TUNNEL_NONE)
			k = port_kind(sport);
		if (k != STEER_TUNNEL_NONE)
			return k;
	}
	steer__cur_from(&p, c);
	if (!steer__skip(&p, UDP_HDR_LEN))
		return STEER_TUNNEL_NONE;
	len = p.end - p.off;
	d = steer__peek(&p, len ? len : 1);
	if (!d)
		return STEER_TUNNEL_NONE;
	/* Zeek tries its detectors in the order they register: AYIYA, then Teredo. */
	if (looks_ayiya(d, len))
		return STEER_TUNNEL_AYIYA;
	if (looks_teredo(d, len))
		return STEER_TUNNEL_TEREDO;
	return STEER_TUNNEL_NONE;
}

static int violation(struct steer__decap_ctx *ctx)
{
	ctx->violation = true;
	return STEER__NOT_A_TUNNEL;
}

static int decap_vxlan(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                       struct steer__decap_ctx *ctx)
{
	const uint8_t *h = steer__pull(c, VXLAN_HDR_LEN);

	if (!h || !(h[0] & VXLAN_I))
		return violation(ctx);
	if (c->off == c->end)
		return STEER__NOT_A_TUNNEL;
	return steer__parse_eth(in, c, l4);
}

static int decap_geneve(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                        struct steer__decap_ctx *ctx)
{
	const uint8_t *h = steer__pull(c, GENEVE_HDR_LEN);

	if (!h)
		return violation(ctx);
	/* Another version is a weird to Zeek, not a violation: later packets are tried again. */
	if (h[0] >> 6)
		return STEER__NOT_A_TUNNEL;
	if (!steer__skip(c, (size_t)(h[0] & 0x3f) * 4))
		return violation(ctx);
	if (c->off == c->end)
		return STEER__NOT_A_TUNNEL;
	switch (steer__be16(h + 2)) {
	case STEER__ETH_TEB:
		return steer__parse_eth(in, c, l4);
	case STEER__ETH_IPV4:
	case STEER__ETH_IPV6:
	case GENEVE_IPV6_TYPO:
		return steer__parse_ip_by_nibble(in, c, l4, STEER_PKT_INVALID);
	case GENEVE_ARP:
		return STEER_PKT_NONIP;
	}
	return STEER__NOT_A_TUNNEL;
}

static int decap_gtp(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                     struct steer__decap_ctx *ctx)
{
	const uint8_t *h, *o;
	unsigned next;

	/* GTP is never carried in GTP: such a payload is taken for a malformed one. */
	if (ctx->carrier == STEER_TUNNEL_GTP)
		return violation(ctx);
	h = steer__pull(c, GTP_HDR_LEN);
	if (!h || (h[0] >> 5) != 1)
		return violation(ctx);
	if (!(h[0] & GTP_PT) || h[1] != GTP_G_PDU)
		return STEER__NOT_A_TUNNEL;
	if (h[0] & (GTP_E | GTP_S | GTP_PN)) {
		o = steer__pull(c, GTP_OPT_LEN);
		if (!o)
			return violation(ctx);
		/* Extension headers: a length in 4-byte units that counts the length and
		 * next-type bytes too, the last byte naming the next one (0: none). */
		for (next = (h[0] & GTP_E) ? o[3] : 0; next != 0;) {
			const uint8_t *e = steer__peek(c, 1);
			size_t n = e ? (size_t)e[0] * 4 : 0;
			if (n == 0 || !(e = steer__pull(c, n)))
				return violation(ctx);
			next = e[n - 1];
		}
	}
	h = steer__peek(c, IPV4_MIN);
	if (!h || ((h[0] >> 4) != 4 && (h[0] >> 4) != 6))
		return violation(ctx);
	return steer__parse_ip_by_nibble(in, c, l4, STEER_PKT_INVALID);
}

static int decap_teredo(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                        struct steer__decap_ctx *ctx)
{
	bool origin = false, auth = false;
	const uint8_t *h;
	size_t left, total;

	for (;;) {
		h = steer__peek(c, 2);
		if (!h)
			return violation(ctx);
		if (h[0] == 0 && h[1] == 0 && !origin) {
			if (!steer__skip(c, TEREDO_ORIGIN_LEN))
				return violation(ctx);
			origin = true;
		} else if (h[0] == 0 && h[1] == 1 && !origin && !auth) {
			h = steer__peek(c, 4);
			if (!h || !steer__skip(c, TEREDO_AUTH_FIXED + (size_t)h[2] + h[3]))
				return violation(ctx);
			auth = true;
		} else if ((h[0] >> 4) == 6) {
			break;
		} else {
			return violation(ctx);
		}
	}
	/* The IPv6 packet must fill the datagram, or be a bubble (no next header, no payload)
	 * with something after it. */
	left = c->end - c->off;
	h = steer__peek(c, IPV6_HDR_LEN);
	if (!h)
		return violation(ctx);
	total = (size_t)steer__be16(h + 4) + IPV6_HDR_LEN;
	if (left < total ||
	    (left > total && !(h[6] == STEER__IPPROTO_NONE && steer__be16(h + 4) == 0)))
		return violation(ctx);
	return steer__parse_ipv6(in, c, l4);
}

static int decap_ayiya(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                       struct steer__decap_ctx *ctx)
{
	const uint8_t *h = steer__pull(c, AYIYA_HDR_LEN);

	if (!h)
		return violation(ctx);
	/* Identity: 2^n bytes; signature: 4n bytes. */
	if (!steer__skip(c, ((size_t)1 << (h[0] >> 4)) + (size_t)(h[1] >> 4) * 4))
		return violation(ctx);
	if ((h[2] & 0x0f) != AYIYA_OP_FORWARD || c->off == c->end)
		return STEER__NOT_A_TUNNEL;
	switch (h[3]) {
	case STEER__IPPROTO_IPIP:
	case STEER__IPPROTO_IPV6:
		return steer__parse_ip_by_nibble(in, c, l4, STEER_PKT_INVALID);
	}
	return STEER__NOT_A_TUNNEL;
}

int steer__decap_udp(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                     uint16_t sport, uint16_t dport, struct steer__decap_ctx *ctx)
{
	uint8_t kind = steer__udp_tunnel_select(c, sport, dport, ctx);

	ctx->tried = kind;
	if (kind == STEER_TUNNEL_NONE)
		return STEER__NOT_A_TUNNEL;
	if (!steer__skip(c, UDP_HDR_LEN))
		return violation(ctx);
	switch (kind) {
	case STEER_TUNNEL_VXLAN:
		return decap_vxlan(in, c, l4, ctx);
	case STEER_TUNNEL_GENEVE:
		return decap_geneve(in, c, l4, ctx);
	case STEER_TUNNEL_GTP:
		return decap_gtp(in, c, l4, ctx);
	case STEER_TUNNEL_TEREDO:
		return decap_teredo(in, c, l4, ctx);
	case STEER_TUNNEL_AYIYA:
		return decap_ayiya(in, c, l4, ctx);
	}
	return steer__decap_gre(in, c, l4, ctx);
}
