/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_tunnel.c: the decapsulation walk (up to four levels, as Zeek's Tunnel::max_depth), IP in IP
 * (RFC 2003/4213), and the recording of each IP packet opened for steer_parse_layers(). */
#include <string.h>

#include <steer/packet.h>

#include "parse_int.h"

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
	p->frag_head = in->frag_head;
	p->tunnel = kind;
	p->l3_off = in->l3_off;
	p->l4_off = in->l4_off;
}

void steer__record(struct steer__decap_ctx *ctx, const struct steer_pkt *p,
                   const struct steer__cur *l4, uint8_t tunnel)
{
	struct steer_layers *ls = ctx->rec;
	struct steer_layer *l;
	const uint8_t *h;

	if (!ls || ls->n >= STEER_MAX_LAYERS)
		return;
	l = &ls->l[ls->n++];
	l->flags = p->flags & STEER__F_L3_MASK;
	l->tunnel = tunnel;
	l->family = p->family;
	l->proto = p->proto;
	l->sport = p->sport;
	l->dport = p->dport;
	l->l3_off = p->l3_off;
	l->l4_off = p->l4_off;
	l->end = (uint16_t)l4->end;
	/* The IP header was read whole to get here, so its length field can be read again. */
	h = l4->base + p->l3_off;
	if (p->family == 4)
		l->ip_len = steer__be16(h + 2);
	else
		l->ip_len = (uint16_t)(steer__be16(h + 4) + 40);
	l->frag_id = p->frag_id;
	l->frag_offset = p->frag_offset;
	memcpy(l->src, p->src, sizeof(l->src));
	memcpy(l->dst, p->dst, sizeof(l->dst));
}

void steer__decap(struct steer_pkt *p, struct steer__cur *l4, struct steer__decap_ctx *ctx)
{
	for (unsigned level = ctx->level0;; level++) {
		uint8_t kind = steer__tunnel_kind(p);
		struct steer_pkt in;
		struct steer__cur c, inner_l4;
		int st;

		if (kind == STEER_TUNNEL_NONE) {
			ctx->tried = STEER_TUNNEL_NONE;
			return;
		}
		steer__cur_from(&c, l4);
		ctx->violation = false;
		if (level == STEER__MAX_TUNNEL) {
			/* A fifth tunnel stays closed (Zeek's Tunnel::max_depth); say so only if the
			 * payload would have been taken for one. */
			if (kind == STEER__TUNNEL_UDP)
				kind = steer__udp_tunnel_select(&c, p->sport, p->dport, ctx);
			ctx->tried = kind;
			if (ctx->rec && kind != STEER_TUNNEL_NONE)
				ctx->rec->flags |= STEER_LAYERS_DEPTH;
			return;
		}
		/* The inner parse writes MACs and tags of an inner Ethernet frame here too; they
		 * are dropped, since the balancer acts on the outer frame. */
		memset(&in, 0, sizeof(in));
		in.eth_off = -1;
		ctx->tried = kind;
		switch (kind) {
		case STEER_TUNNEL_GRE:
			st = steer__decap_gre(&in, &c, &inner_l4, ctx);
			break;
		case STEER__TUNNEL_UDP:
			st = steer__decap_udp(&in, &c, &inner_l4, p->sport, p->dport, ctx);
			break;
		default:
			/* IP in IP: Zeek hands the payload to its IP analyzer, which goes by the
			 * version nibble whatever protocol number (4 or 41) announced it. */
			st = steer__parse_ip_by_nibble(&in, &c, &inner_l4, STEER_PKT_INVALID);
			break;
		}
		kind = ctx->tried;
		if (st == STEER__NOT_A_TUNNEL)
			return;
		if (st != STEER_PKT_IP) {
			p->flags |= STEER_F_INNER_BAD;
			if (ctx->rec)
				ctx->rec->flags |= STEER_LAYERS_BAD_INNER;
			return;
		}
		adopt(p, &in, kind);
		steer__cur_from(l4, &inner_l4);
		steer__record(ctx, p, l4, kind);
		ctx->carrier = kind;
	}
}
