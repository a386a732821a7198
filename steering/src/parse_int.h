/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_int.h: private to libsteer: the bounds-checked frame cursor and the parser's parts. */
#ifndef STEER_PARSE_INT_H
#define STEER_PARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/packet.h>

/*
 * A cursor over the bytes [off, end) of a frame that starts at base. Offsets are absolute, so
 * the offset of the header under the cursor is simply off. Invariant: off <= end <= caplen.
 *
 * Every frame byte is reached through steer__peek() or steer__pull(): they return a pointer to
 * n bytes known to lie inside [off, end), or NULL. steer__be16() and steer__be32() then read
 * fields from that pointer at offsets below n. This is tcpdump's GET_BE_U_2 idea with the check
 * done once per header instead of once per field, which keeps the hot path branch-light.
 */
struct steer__cur {
	const uint8_t *base;
	size_t off;
	size_t end;
};

static inline void steer__cur_init(struct steer__cur *c, const uint8_t *frame, size_t caplen)
{
	c->base = frame;
	c->off = 0;
	c->end = caplen;
}

/* Starts *sub at c's position, for a header's payload. Field by field on purpose: a struct copy
 * compiles to one 16-byte load of two fields that were stored separately a moment ago, which the
 * CPU cannot forward from its store buffer: a measurable stall on every packet. */
static inline void steer__cur_from(struct steer__cur *sub, const struct steer__cur *c)
{
	sub->base = c->base;
	sub->end = c->end;
	sub->off = c->off;
}

/* n (>= 1) bytes at the cursor without moving it, or NULL if fewer remain. The pointer is only
 * formed after the check, so a NULL frame with caplen 0 never meets pointer arithmetic. */
static inline const uint8_t *steer__peek(const struct steer__cur *c, size_t n)
{
	if (n > c->end - c->off)
		return NULL;
	return c->base + c->off;
}

/* As steer__peek(), and moves the cursor past the n bytes. */
static inline const uint8_t *steer__pull(struct steer__cur *c, size_t n)
{
	const uint8_t *h = steer__peek(c, n);

	if (h)
		c->off += n;
	return h;
}

/* Moves the cursor n bytes on; false (cursor unmoved) if fewer remain. */
static inline bool steer__skip(struct steer__cur *c, size_t n)
{
	if (n > c->end - c->off)
		return false;
	c->off += n;
	return true;
}

/* Ends the cursor n bytes from its position, as a length field says. Returns true when all n
 * bytes were captured (the length bounds the cursor), false when the capture ends first (the
 * cursor is left as it was). */
static inline bool steer__limit(struct steer__cur *c, size_t n)
{
	if (n > c->end - c->off)
		return false;
	c->end = c->off + n;
	return true;
}

/* Empties the cursor: what follows is known to be cut off. */
static inline void steer__drain(struct steer__cur *c)
{
	c->off = c->end;
}

/* Big-endian reads from a pointer that steer__peek() / steer__pull() vouched for. */
static inline uint16_t steer__be16(const uint8_t *h)
{
	return (uint16_t)(h[0] << 8 | h[1]);
}

static inline uint32_t steer__be32(const uint8_t *h)
{
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* EtherTypes (IEEE registry) and IP protocol numbers (IANA) the parser acts on. */
enum {
	STEER__ETH_IPV4 = 0x0800,
	STEER__ETH_IPV6 = 0x86dd,
	STEER__ETH_VLAN = 0x8100,     /* IEEE 802.1Q C-tag */
	STEER__ETH_QINQ = 0x88a8,     /* IEEE 802.1ad S-tag */
	STEER__ETH_QINQ_OLD = 0x9100, /* pre-802.1ad S-tag, still sent by some switches */
	STEER__ETH_MPLS_UC = 0x8847,
	STEER__ETH_MPLS_MC = 0x8848,
	STEER__ETH_PPPOE_SESS = 0x8864,
	STEER__ETH_TEB = 0x6558,        /* transparent Ethernet bridging, inside GRE and Geneve */
	STEER__ETH_PBB = 0x88e7,        /* IEEE 802.1ah I-TAG, then the customer's Ethernet header */
	STEER__ETH_VNTAG = 0x8926,      /* Cisco VN-Tag: 4 bytes, then the EtherType */
	STEER__ETH_FABRICPATH = 0x8903, /* Cisco FabricPath: a 16-byte outer header, then Ethernet */
	STEER__ETH_ERSPAN_2 = 0x88be,   /* ERSPAN type I (no GRE sequence) and II, inside GRE */
	STEER__ETH_ERSPAN_3 = 0x22eb,   /* ERSPAN type III, inside GRE */
	STEER__ETH_PPP = 0x880b,        /* PPP, in PPTP's enhanced GRE */
};

/* UDP ports of the tunnels (IANA; as Zeek registers them). */
enum {
	STEER__PORT_GTP_C = 2123,
	STEER__PORT_GTP_U = 2152,
	STEER__PORT_TEREDO = 3544,
	STEER__PORT_GRE_UDP = 4754, /* RFC 8086 */
	STEER__PORT_VXLAN = 4789,   /* RFC 7348 section 5 */
	STEER__PORT_AYIYA = 5072,
	STEER__PORT_GENEVE = 6081,  /* RFC 8926 */
};

enum {
	STEER__IPPROTO_HOPOPTS = 0,
	STEER__IPPROTO_IPIP = 4,
	STEER__IPPROTO_TCP = 6,
	STEER__IPPROTO_UDP = 17,
	STEER__IPPROTO_IPV6 = 41,
	STEER__IPPROTO_ROUTING = 43,
	STEER__IPPROTO_FRAGMENT = 44,
	STEER__IPPROTO_GRE = 47,
	STEER__IPPROTO_AH = 51,
	STEER__IPPROTO_NONE = 59,
	STEER__IPPROTO_DSTOPTS = 60,
	STEER__IPPROTO_SCTP = 132,
	STEER__IPPROTO_MOBILITY = 135,
	STEER__IPPROTO_UDPLITE = 136,
	STEER__IPPROTO_HIP = 139,
	STEER__IPPROTO_SHIM6 = 140,
};

/* Walk bounds. Real networks stay well below them; hostile frames hit them and are invalid. */
enum {
	STEER__MAX_VLAN = 8,      /* tags in one Ethernet header */
	STEER__MAX_MPLS = 16,     /* labels in one stack (segment routing stacks reach ~12) */
	STEER__MAX_IPV6_EXT = 8,  /* extension headers walked (RFC 8200 4.1 lists 6) */
	STEER__MAX_TUNNEL = 4,    /* decapsulations, as packet.h promises */
	STEER__MAX_FRAME = 65535, /* headers are looked for here; steer_pkt offsets are 16-bit */
};

/* steer_pkt.flags that describe the outer frame and stay when a tunnel is decapsulated, and
 * those that describe the IP packet the tuple came from. */
#define STEER__F_L2_MASK                                                                           \
	(STEER_F_L2 | STEER_F_VLAN | STEER_F_QINQ | STEER_F_MPLS | STEER_F_PPPOE |                 \
	 STEER_F_TAG_AD | STEER_F_TAG_9100 | STEER_F_L2_WRAP)
#define STEER__F_L3_MASK                                                                           \
	(STEER_F_FRAG | STEER_F_FRAG_FIRST | STEER_F_PORTS | STEER_F_L4_TRUNC | STEER_F_IP_OPTIONS)

/*
 * The parser's parts. Each takes *p zeroed where it writes, a cursor at its header, and returns
 * an enum steer_parse_status. On STEER_PKT_IP, *l4 is left at the L4 header and ends where the IP
 * packet ends (its length field or the capture, whichever is shorter); it is empty when the IP
 * headers themselves were cut off. The IP tuple fields of *p are only written on STEER_PKT_IP.
 */

/* Ethernet II / 802.3 header, then as steer__parse_ethertype() (parse_l2.c). */
int steer__parse_eth(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4);

/* What follows an EtherType: VLAN tags, MPLS, PPPoE, IPv4, IPv6, or non-IP (parse_l2.c). */
int steer__parse_ethertype(struct steer_pkt *p, struct steer__cur *c, uint16_t type,
                           struct steer__cur *l4);

/* IPv4 or IPv6 by the version nibble; `other` for any other version (parse_l2.c). */
int steer__parse_ip_by_nibble(struct steer_pkt *p, const struct steer__cur *c,
                              struct steer__cur *l4, int other);

/* IPv4 header at the cursor, with the ports (parse_ip.c). */
int steer__parse_ipv4(struct steer_pkt *p, const struct steer__cur *c, struct steer__cur *l4);

/* IPv6 header and extension headers at the cursor, with the ports (parse_ip.c). */
int steer__parse_ipv6(struct steer_pkt *p, const struct steer__cur *c, struct steer__cur *l4);

/* A UDP datagram whose payload may hold a tunnel: which one is decided from the ports and the
 * payload (parse_udptun.c). */
#define STEER__TUNNEL_UDP 0x80u

/* Whether the tuple's packet may carry a tunnel, judged from its header alone (STEER_TUNNEL_NONE
 * for most packets, so steer_parse() tests this inline before calling steer__decap()). */
static inline uint8_t steer__tunnel_kind(const struct steer_pkt *p)
{
	/* Only the first fragment could show a tunnel header, and the later ones would keep the
	 * outer tuple: so that all fragments of a packet go the same way, none are looked into. */
	if (p->flags & STEER_F_FRAG)
		return STEER_TUNNEL_NONE;
	switch (p->proto) {
	case STEER__IPPROTO_GRE:
		return STEER_TUNNEL_GRE;
	case STEER__IPPROTO_IPIP:
	case STEER__IPPROTO_IPV6:
		return STEER_TUNNEL_IPIP;
	case STEER__IPPROTO_UDP:
		if (p->flags & STEER_F_PORTS)
			return STEER__TUNNEL_UDP;
		break;
	}
	return STEER_TUNNEL_NONE;
}

/* What a decapsulation step knows besides the packet: whether layers are recorded, and what it
 * found out about a tunnel it could not open. */
struct steer__decap_ctx {
	struct steer_layers *rec; /* NULL on the steering path: nothing is recorded */
	int force;                /* -1: UDP tunnels by port, then content; else the kind to take a
	                           * UDP payload for (STEER_TUNNEL_NONE: by content only) */
	uint8_t carrier;          /* the tunnel that carried the packet being opened */
	uint8_t level0;           /* tunnels already opened above it */
	uint8_t tried;            /* out: the tunnel the payload was taken for */
	bool violation;           /* out: and its header was malformed */
	bool more;                /* out: an A-MSDU has a further subframe at more_off.. more_end, */
	uint8_t more_depth;       /* below this many recorded layers */
	uint16_t more_off, more_end;
};

/* What a decapsulation step returns besides an enum steer_parse_status of the inner packet: the
 * payload is not a tunnel packet at all (another GRE version, a VXLAN header without its I flag,
 * a GTP message that is no G-PDU, ...). */
enum { STEER__NOT_A_TUNNEL = -1 };

/* Replaces the tuple of an STEER_PKT_IP packet by its tunnel's inner one, up to
 * STEER__MAX_TUNNEL levels; l4 is the cursor steer__parse_ipv4/6 left. With ctx->rec, every IP
 * packet opened is appended to it (parse_tunnel.c). */
void steer__decap(struct steer_pkt *p, struct steer__cur *l4, struct steer__decap_ctx *ctx);

/* The tunnel parts: each takes the cursor at the tunnel header (c), parses the inner packet into
 * *in and leaves its L4 cursor in *l4; returns the inner status or STEER__NOT_A_TUNNEL. */
int steer__decap_gre(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                     struct steer__decap_ctx *ctx);
/* c at the UDP header; sport/dport of the datagram. Sets ctx->tried to the tunnel the payload
 * was taken for, STEER_TUNNEL_NONE when none (parse_udptun.c). */
int steer__decap_udp(struct steer_pkt *in, struct steer__cur *c, struct steer__cur *l4,
                     uint16_t sport, uint16_t dport, struct steer__decap_ctx *ctx);
/* Only which tunnel the UDP payload at c (the UDP header) would be taken for. */
uint8_t steer__udp_tunnel_select(const struct steer__cur *c, uint16_t sport, uint16_t dport,
                                 struct steer__decap_ctx *ctx);

/* 802.11 (parse_wifi.c): a data frame at the cursor (LINKTYPE_IEEE802_11 or Aruba GRE), or a
 * radiotap header and then one. An A-MSDU gives its first subframe, and with ctx the place of the
 * next in ctx->more_*. */
int steer__parse_80211(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4,
                       struct steer__decap_ctx *ctx);
int steer__parse_radiotap(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4,
                          struct steer__decap_ctx *ctx);
/* One A-MSDU subframe at c (its 14-byte header first), limited to c->end; sets the next. */
int steer__parse_amsdu_sub(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4,
                           struct steer__decap_ctx *ctx);

/* Opens the payload of UDP layer i of ls again, taking it for tunnel `force` (STEER_TUNNEL_NONE:
 * for what its content looks like), and replaces the layers past i (parse.c). For the tracker:
 * Zeek picks a UDP tunnel by the connection's responder port, which a stateless parse cannot
 * know. */
void steer__layers_redo(const uint8_t *frame, size_t caplen, struct steer_layers *ls, unsigned i,
                        int force);

/* Appends the IP packet p (its L4 cursor l4) carried by the given tunnel to ctx->rec. */
void steer__record(struct steer__decap_ctx *ctx, const struct steer_pkt *p,
                   const struct steer__cur *l4, uint8_t tunnel);

#endif
