/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_ip.c: a frame's way through the tracker, as through Zeek's packet analysis (zeek:src/
 * packet_analysis/protocol/ip/IP.cc, IPTunnel.cc, the UDP tunnel analyzers): every IP packet of
 * the frame, outermost first; the IP checks that drop a packet; fragments; the UDP connection a
 * tunnel rides in, then what it carries; and the encapsulation each inner connection is given. */
#include <string.h>

#include "parse_int.h"
#include "conn_int.h"

enum {
	IPPROTO_ESP = 50,
	IPPROTO_NONE_ = 59,
	IPPROTO_MOBILITY = 135,
};

/* The tunnel a UDP payload is taken for by port (parse_udptun.c's table, by the one port Zeek
 * looks at: the connection's responder port). */
static int port_tunnel(uint16_t port)
{
	switch (port) {
	case 2123:
	case 2152:
		return STEER_TUNNEL_GTP;
	case 3544:
		return STEER_TUNNEL_TEREDO;
	case 4754:
		return STEER_TUNNEL_GRE;
	case 4789:
		return STEER_TUNNEL_VXLAN;
	case 5072:
		return STEER_TUNNEL_AYIYA;
	case 6081:
		return STEER_TUNNEL_GENEVE;
	}
	return STEER_TUNNEL_NONE;
}

/* The tunnels whose analyzers mark their UDP connection with 'X' at the depth limit. */
static bool marks_depth(int kind)
{
	return kind == STEER_TUNNEL_VXLAN || kind == STEER_TUNNEL_GENEVE ||
	       kind == STEER_TUNNEL_TEREDO || kind == STEER_TUNNEL_AYIYA;
}

static void add_x_once(struct steer_conn *t, struct steer__conn *c)
{
	char h[STEER_CONN_HISTORY_MAX + 1];
	bool cut;
	steer__hist_format(t, c, h, &cut);
	if (!strchr(h, 'X'))
		steer__hist_add(t, c, 'X');
}

/* One more encapsulation level: its id and the hash of the whole stack. */
static void push_encap(const struct steer_conn *t, struct steer__encap *e, uint64_t id, int kind)
{
	e->stack = steer__uid_mix(t, e->stack, id ^ (uint64_t)kind << 56) | 1u;
	e->parent = id;
	e->depth++;
}

struct frame {
	const uint8_t *base;
	size_t caplen;
	uint32_t wirelen;
	int64_t ts;
	bool reassembled; /* base is a reassembled datagram: its header was checked already */
};

static void walk(struct steer_conn *t, const struct frame *f, struct steer_layers *ls,
                 struct steer__encap encap, unsigned depth);

/* A whole datagram out of fragments: parsed afresh and walked from its IP header on. */
static void reassembled(struct steer_conn *t, const struct frame *f, const uint8_t *buf,
                        size_t len, const struct steer__encap *encap, unsigned depth)
{
	struct frame g = {buf, len, (uint32_t)len, f->ts, true};
	struct steer_layers ls;

	if (depth >= STEER_MAX_LAYERS)
		return;
	if (steer_parse_layers(STEER_LINK_RAW, buf, len, &ls) != STEER_PKT_IP)
		return;
	walk(t, &g, &ls, *encap, depth);
}

/* Zeek's IP analyzer checks on layer i; false drops the packet. */
static bool ip_ok(struct steer_conn *t, const struct frame *f, const struct steer_layer *l,
                  bool first, uint32_t *ip_len)
{
	/* What the packet can claim: a UDP tunnel's inner packet has the outer's wire length
	 * less what came before it; an IP tunnel's has only what was captured. */
	size_t cap = f->caplen - l->l3_off;
	size_t wire = l->tunnel == STEER_TUNNEL_GRE || l->tunnel == STEER_TUNNEL_IPIP
	                  ? cap
	                  : (size_t)f->wirelen - l->l3_off;
	size_t hlen = l->family == 4 ? (size_t)(f->base[l->l3_off] & 0x0f) * 4 : 40;

	*ip_len = l->ip_len;
	/* Headers cut off by the capture (Zeek's internally_truncated_header). */
	if (!l->l4_off || hlen > cap)
		return false;
	if (l->ip_len == 0) {
		/* Segmentation offload zeroes the length; Zeek copes only with -C. */
		if (!t->o.ignore_checksums)
			return false;
	} else if (wire < l->ip_len) {
		return false;
	}
	/* A reassembled datagram's header was checked fragment by fragment. */
	if (l->family == 4 && !t->o.ignore_checksums && !(first && f->reassembled) &&
	    !steer__ipv4_hdr_ok(f->base + l->l3_off, hlen))
		return false;
	return true;
}

static void transport(struct steer_conn *t, const struct frame *f, struct steer_layers *ls,
                      unsigned i, struct steer__encap *encap, unsigned depth);

static void walk(struct steer_conn *t, const struct frame *f, struct steer_layers *ls,
                 struct steer__encap encap, unsigned depth)
{
	for (unsigned i = 0; i < ls->n; i++) {
		const struct steer_layer *l = &ls->l[i];
		uint32_t ip_len;

		if (!ip_ok(t, f, l, i == 0, &ip_len)) {
			t->stats.malformed++;
			return;
		}
		if (l->flags & STEER_F_FRAG) {
			size_t len;
			const uint8_t *buf;
			t->stats.fragments++;
			/* A fragment not captured whole cannot be reassembled: Zeek keeps only
			 * the first one, as it is. */
			if ((size_t)l->end - l->l3_off < ip_len) {
				if (l->frag_offset != 0)
					return;
			} else {
				buf = steer__frag_add(t->frags, l, f->base, f->ts, &len);
				if (buf)
					reassembled(t, f, buf, len, &encap, depth + i);
				return;
			}
		}
		if (l->proto == IPPROTO_ESP || l->proto == IPPROTO_MOBILITY ||
		    (l->family == 6 && l->proto == IPPROTO_NONE_))
			return;
		transport(t, f, ls, i, &encap, depth);
		if (i + 1 >= ls->n)
			return;
		/* Into the tunnel: one more level of encapsulation. */
		const struct steer_layer *in = &ls->l[i + 1];
		if (l->proto == 17 && in->tunnel != STEER_TUNNEL_GRE)
			continue; /* transport() pushed the UDP connection */
		push_encap(t, &encap, steer__uid_iptunnel(t, l), in->tunnel);
	}
}

static void transport(struct steer_conn *t, const struct frame *f, struct steer_layers *ls,
                      unsigned i, struct steer__encap *encap, unsigned depth)
{
	const struct steer_layer *l = &ls->l[i];
	struct steer__ippkt p;
	struct steer__conn *c;
	bool last = i + 1 >= ls->n, passed;

	(void)depth;
	memset(&p, 0, sizeof(p));
	p.l = l;
	p.base = f->base;
	p.l4 = f->base + l->l4_off;
	p.ip_len = l->ip_len;
	p.now = f->ts;
	p.encap = encap->depth ? encap : NULL;
	p.whole = f->caplen >= f->wirelen || f->reassembled;
	if (!l->l4_off)
		return;
	if (l->ip_len)
		p.len = l->ip_len - (uint32_t)(l->l4_off - l->l3_off);
	p.remaining = (uint32_t)(l->end - l->l4_off);

	switch (l->proto) {
	case 6:
		steer__tcp_packet(t, &p);
		return;
	case 1:
	case 58:
		steer__icmp_packet(t, &p);
		return;
	case 4:
	case 41:
	case 47:
		/* IP tunnels make no connection, opened or not. */
		return;
	case 17:
		break;
	default:
		steer__other_packet(t, &p);
		return;
	}

	c = steer__udp_packet(t, &p, &passed);
	if (!c || !passed) {
		/* A bad checksum: Zeek goes no further into the datagram. */
		ls->n = i + 1;
		return;
	}
	/* Zeek hands the payload to the tunnel registered for the connection's responder port,
	 * else to its content detectors; the parse went by the packet's ports. */
	uint16_t resp = side_orig(c) ? c->key.sport : c->key.dport;
	int want = port_tunnel(resp);
	int took = port_tunnel(l->dport) ? port_tunnel(l->dport) : port_tunnel(l->sport);
	if (want != took && !(c->cflags & C_VIOLATED)) {
		steer__layers_redo(f->base, f->caplen, ls, i, want);
		last = i + 1 >= ls->n;
	}
	if (c->cflags & C_VIOLATED) {
		ls->n = i + 1;
		return;
	}
	if (last) {
		if ((ls->flags & STEER_LAYERS_DEPTH) && marks_depth(ls->tried))
			add_x_once(t, c);
		if ((ls->flags & STEER_LAYERS_VIOLATION) && ls->tried != STEER_TUNNEL_NONE &&
		    ls->tried != STEER_TUNNEL_GRE)
			c->cflags |= C_VIOLATED;
		return;
	}
	if (ls->l[i + 1].tunnel != STEER_TUNNEL_GRE)
		push_encap(t, encap, steer__uid_conn(t, c), ls->l[i + 1].tunnel);
}

void steer_conn_packet(struct steer_conn *t, int linktype, const uint8_t *frame, uint32_t caplen,
                       uint32_t wirelen, int64_t ts_ns)
{
	struct steer_layers ls;
	struct steer__encap none = {0, 0, 0};
	int64_t ts = ts_ns / 1000;
	int st;

	t->stats.frames++;
	if (!t->have_base) {
		t->base = ts;
		t->have_base = true;
	}
	ts -= t->base;
	if (ts > t->now)
		t->now = ts;
	steer__conn_sweep(t, t->sweep_per_packet);

	st = steer_parse_layers(linktype, frame, caplen, &ls);
	if (st != STEER_PKT_IP) {
		if (st == STEER_PKT_NONIP)
			t->stats.not_ip++;
		else
			t->stats.malformed++;
		return;
	}
	if (wirelen < caplen)
		wirelen = caplen;
	struct frame f = {frame, caplen > 65535 ? 65535 : caplen, wirelen, ts, false};
	do
		walk(t, &f, &ls, none, 0);
	while (steer_parse_layers_next(frame, f.caplen, &ls));
}
