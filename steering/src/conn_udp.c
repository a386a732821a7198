/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_udp.c: UDP (zeek:src/packet_analysis/protocol/udp/UDP.cc, UDPSessionAdapter.cc), ICMP as
 * Zeek models it (ICMP.cc) and unknown IP protocols: sizes, history, checksums, originators. */
#include <string.h>

#include "conn_int.h"

enum {
	UDP_HDR_LEN = 8,
	ICMP_MIN_LEN = 8,
	VXLAN_HDR_LEN = 8,
	ETH_HDR_LEN = 14,
};

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_broadcast4(const struct steer_layer *l)
{
	static const uint8_t bcast[4] = {255, 255, 255, 255};
	return l->family == 4 && memcmp(l->dst, bcast, 4) == 0;
}

/* Finds or starts the connection of p; NULL when the table is full. */
static struct steer__conn *find(struct steer_conn *t, const struct steer__ippkt *p,
                                const struct steer_flow_key *k, bool flip, unsigned *side)
{
	struct steer__conn *c;
	int rc = steer__conn_lookup(t, k, t->now, &c, side);

	if (rc < 0)
		return NULL;
	if (rc == 1) {
		steer__conn_init(t, c, *side, p->now, p->encap);
		if (flip && !is_broadcast4(p->l))
			steer__conn_flip(t, c);
	} else {
		steer__conn_encap(t, c, p->encap);
	}
	return c;
}

/* UDPSessionAdapter::UpdateLength: a side's size starts at its first datagram. */
static void add_size(struct steer__conn *c, unsigned s, int64_t v)
{
	if (c->u.size[s] < 0)
		c->u.size[s] = v;
	else
		c->u.size[s] += v;
}

struct steer__conn *steer__udp_packet(struct steer_conn *t, const struct steer__ippkt *p,
                                      bool *passed)
{
	struct steer_flow_key k;
	struct steer__conn *c;
	const uint8_t *uh = p->l4;
	unsigned side;
	bool one_way, orig, check;
	uint32_t len;

	*passed = false;
	if ((p->len && p->len < UDP_HDR_LEN) || p->remaining < UDP_HDR_LEN)
		return NULL;
	steer__conn_key(p->l, 0, 0, &k, &one_way);
	c = find(t, p, &k,
	         steer__likely(t, 17, p->l->sport) && !steer__likely(t, 17, p->l->dport), &side);
	if (!c)
		return NULL;
	orig = side == side_orig(c);
	/* Segmentation offload leaves the length 0: what was captured counts then. */
	len = p->len ? p->len : p->remaining;

	check = !t->o.ignore_checksums && p->remaining >= len && p->whole;
	/* VXLAN on its port may send a zero checksum even over IPv6 (RFC 7348). */
	if (check && len > UDP_HDR_LEN + VXLAN_HDR_LEN + ETH_HDR_LEN &&
	    (uh[UDP_HDR_LEN] & 0x08) && p->l->dport == 4789 && be16(uh + 6) == 0)
		check = false;
	/* IPv4 makes the checksum optional (0: none); IPv6 does not. */
	if (check && p->l->family == 4 && be16(uh + 6) == 0)
		check = false;
	if (check && !steer__l4_csum_ok(p->l, uh, len, 17)) {
		steer__hist_scaled(t, c, side, CNT_CHK, 'C', orig);
		return c;
	}
	steer__conn_set_last(t, c, p->now);
	steer__hist_check(t, c, orig, 'D');
	add_size(c, side, (int64_t)be16(uh + 4) - UDP_HDR_LEN);
	steer__conn_count(t, c, side, p->ip_len);
	t->stats.packets++;
	*passed = true;
	return c;
}

struct steer__conn *steer__icmp_packet(struct steer_conn *t, const struct steer__ippkt *p)
{
	struct steer_flow_key k;
	struct steer__conn *c;
	const uint8_t *ih = p->l4;
	unsigned side;
	bool one_way, ok;
	uint32_t len;

	if ((p->len && p->len < ICMP_MIN_LEN) || p->remaining < ICMP_MIN_LEN)
		return NULL;
	steer__conn_key(p->l, ih[0], ih[1], &k, &one_way);
	/* ICMP is never flipped: the first sender is the originator. */
	c = find(t, p, &k, false, &side);
	if (!c)
		return NULL;
	len = p->len ? p->len : p->remaining;
	if (!t->o.ignore_checksums && p->remaining >= len) {
		ok = p->l->proto == 1 ? steer__icmp4_csum_ok(ih, len)
		                      : steer__l4_csum_ok(p->l, ih, len, 58);
		if (!ok)
			return c;
	}
	steer__conn_set_last(t, c, p->now);
	add_size(c, side, (int64_t)len - ICMP_MIN_LEN);
	/* Only an ICMP message captured whole reaches Zeek's size analyzer. */
	if (p->remaining >= len) {
		steer__conn_count(t, c, side, p->ip_len);
		t->stats.packets++;
	}
	return c;
}

struct steer__conn *steer__other_packet(struct steer_conn *t, const struct steer__ippkt *p)
{
	struct steer_flow_key k;
	struct steer__conn *c;
	unsigned side;
	bool one_way;

	steer__conn_key(p->l, 0, 0, &k, &one_way);
	c = find(t, p, &k, false, &side);
	if (!c)
		return NULL;
	steer__conn_set_last(t, c, p->now);
	steer__conn_count(t, c, side, p->ip_len);
	t->stats.packets++;
	return c;
}
