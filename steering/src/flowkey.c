/* SPDX-License-Identifier: BSD-2-Clause */
/* flowkey.c: flow keys from parsed packets, their canonical (direction-free) order, a flow's
 * other direction, and flow keys as text. */
#include <stdio.h>
#include <string.h>

#include <steer/addr.h>
#include <steer/flowkey.h>
#include <steer/proto.h>

void steer_flow_key_from_pkt(const struct steer_pkt *p, bool vlan_in_key, struct steer_flow_key *k)
{
	/* Keys are compared with memcmp and hashed whole: every byte must be defined. */
	memset(k, 0, sizeof(*k));
	/* steer_pkt carries no status; the parser sets family 4/6 only for STEER_PKT_IP and zeroes
	 * what the status does not cover, so the family tells the two kinds of key apart. */
	if (p->family == 4 || p->family == 6) {
		k->family = p->family;
		k->proto = p->proto;
		memcpy(k->src, p->src, sizeof(k->src));
		memcpy(k->dst, p->dst, sizeof(k->dst));
		if (p->flags & STEER_F_PORTS) {
			k->sport = p->sport;
			k->dport = p->dport;
		}
	} else if (p->flags & STEER_F_L2) {
		/* Non-IP, truncated or invalid: the MAC pair. SLL frames have only a source. */
		memcpy(k->src, p->mac_src, sizeof(p->mac_src));
		if (p->eth_off >= 0)
			memcpy(k->dst, p->mac_dst, sizeof(p->mac_dst));
	} else {
		return; /* nothing identifies the frame: the all-zero key */
	}
	if (vlan_in_key && (p->flags & STEER_F_VLAN))
		k->vlan = p->vlan[0];
}

/* 8 bytes as a big-endian number: comparing the (first, second) halves of two addresses this
 * way orders them exactly as memcmp does. */
static inline uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

bool steer_flow_key_canon(struct steer_flow_key *k)
{
	uint64_t s0 = be64(k->src), s1 = be64(k->src + 8);
	uint64_t d0 = be64(k->dst), d1 = be64(k->dst + 8);
	/* src > dst by (address, port): computed with comparisons, not branches, because the
	 * outcome is a coin flip per packet and would defeat the branch predictor. */
	bool gt = (s0 > d0) | ((s0 == d0) & ((s1 > d1) | ((s1 == d1) & (k->sport > k->dport))));
	uint64_t m = -(uint64_t)gt;
	uint64_t t0 = (s0 ^ d0) & m, t1 = (s1 ^ d1) & m;
	uint16_t tp = (uint16_t)((k->sport ^ k->dport) & (uint16_t)m);
	put_be64(k->src, s0 ^ t0);
	put_be64(k->src + 8, s1 ^ t1);
	put_be64(k->dst, d0 ^ t0);
	put_be64(k->dst + 8, d1 ^ t1);
	k->sport ^= tp;
	k->dport ^= tp;
	return gt;
}

void steer_flow_key_reverse(struct steer_flow_key *k)
{
	uint8_t t[sizeof(k->src)];
	memcpy(t, k->src, sizeof(t));
	memcpy(k->src, k->dst, sizeof(t));
	memcpy(k->dst, t, sizeof(t));
	uint16_t p = k->sport;
	k->sport = k->dport;
	k->dport = p;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

void steer_pkt_reverse(const struct steer_pkt *p, struct steer_pkt *r)
{
	if (r != p)
		*r = *p;
	swap_bytes(r->src, r->dst, sizeof(r->src));
	swap_bytes(r->mac_src, r->mac_dst, sizeof(r->mac_src));
	if (r->flags & STEER_F_PORTS) {
		uint16_t t = r->sport;
		r->sport = r->dport;
		r->dport = t;
	}
}

char *steer_flow_endpoint_format(const struct steer_flow_key *k, bool dst, char *buf)
{
	const uint8_t *a = dst ? k->dst : k->src;
	if (k->family != 4 && k->family != 6) {
		struct steer_mac m;
		memcpy(m.b, a, 6);
		return steer_mac_format(&m, buf);
	}
	struct steer_addr ad = {.family = k->family};
	char ab[STEER_ADDR_STRLEN];
	memcpy(ad.a, a, 16);
	steer_addr_format(&ad, ab);
	if (steer_proto_has_ports(k->proto))
		snprintf(buf, STEER_ENDPOINT_STRLEN, k->family == 6 ? "[%s]:%u" : "%s:%u", ab,
		         dst ? k->dport : k->sport);
	else
		snprintf(buf, STEER_ENDPOINT_STRLEN, "%s", ab);
	return buf;
}

char *steer_flow_key_format(const struct steer_flow_key *k, char *buf)
{
	char pb[STEER_PROTO_STRLEN], s[STEER_ENDPOINT_STRLEN], d[STEER_ENDPOINT_STRLEN];
	bool ip = k->family == 4 || k->family == 6;
	int n = snprintf(buf, STEER_FLOW_STRLEN, "%s %s <-> %s",
	                 ip ? steer_proto_text(k->proto, pb) : "non-ip",
	                 steer_flow_endpoint_format(k, false, s),
	                 steer_flow_endpoint_format(k, true, d));
	if (k->vlan && n > 0 && n < STEER_FLOW_STRLEN)
		snprintf(buf + n, STEER_FLOW_STRLEN - (size_t)n, " vlan %u", k->vlan);
	return buf;
}
