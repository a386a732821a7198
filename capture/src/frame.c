/* SPDX-License-Identifier: BSD-2-Clause */
/* frame.c: test frames built with libnet 1.1 (LIBNET_NONE context, libnet_adv_cull_packet).
 * libnet 1.1.6 has no builder for a second VLAN tag (802.1ad QinQ) or VXLAN (RFC 7348): those
 * few bytes are written here by hand around libnet's output. Tunnel payloads and fragments are
 * built in two passes (inner packet first, culled, then carried as the outer payload) so that
 * every checksum is computed by libnet over exactly the bytes it covers. */
#define _DEFAULT_SOURCE /* libnet.h needs the BSD types */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnet.h>

#include <steer/cap_frame.h>
#include <steer/error.h>
#include <steer/proto.h>

struct cap_framer {
	libnet_t *l;
	uint8_t *inner; /* pass-one output: an inner packet or frame */
	uint8_t *outer; /* VXLAN header + inner frame */
	char err[STEER_ERRBUF_SIZE];
};

int cap_framer_new(struct cap_framer **out, char *errbuf)
{
	char le[LIBNET_ERRBUF_SIZE] = "";
	*out = NULL;
	struct cap_framer *f = calloc(1, sizeof(*f));
	if (f) {
		f->inner = malloc(CAP_FRAME_MAX);
		f->outer = malloc(CAP_FRAME_MAX);
	}
	if (!f || !f->inner || !f->outer) {
		if (f) {
			free(f->inner);
			free(f->outer);
		}
		free(f);
		snprintf(errbuf, STEER_ERRBUF_SIZE, "libnet: out of memory");
		return STEER_ENOMEM;
	}
	/* LIBNET_NONE: construction only, no device or socket. libnet 1.1.6's
	 * libnet_adv_cull_packet accepts only a LIBNET_LINK_ADV context (later releases accept
	 * LIBNET_NONE too), so the context is marked as one after init: nothing is ever sent
	 * from it, and culling needs no socket. */
	f->l = libnet_init(LIBNET_NONE, NULL, le);
	if (!f->l) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "libnet_init: %s", le);
		cap_framer_free(f);
		return STEER_EIO;
	}
	f->l->injection_type = LIBNET_LINK_ADV;
	*out = f;
	return 0;
}

void cap_framer_free(struct cap_framer *f)
{
	if (!f)
		return;
	if (f->l)
		libnet_destroy(f->l);
	free(f->inner);
	free(f->outer);
	free(f);
}

const char *cap_framer_error(const struct cap_framer *f)
{
	return f->err;
}

static int fail(struct cap_framer *f, const char *what)
{
	snprintf(f->err, sizeof(f->err), "libnet: %s: %s", what, libnet_geterror(f->l));
	libnet_clear_packet(f->l);
	return STEER_EIO;
}

/* Takes the built packet out of the context into out and clears the context. */
static int cull(struct cap_framer *f, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t *pkt;
	uint32_t n;
	if (libnet_adv_cull_packet(f->l, &pkt, &n) < 0)
		return fail(f, "cull");
	int rc = 0;
	if (n > cap) {
		snprintf(f->err, sizeof(f->err), "frame of %u bytes exceeds %zu", n, cap);
		rc = STEER_ERANGE;
	} else {
		memcpy(out, pkt, n);
		*len = n;
	}
	libnet_adv_free_packet(f->l, pkt);
	libnet_clear_packet(f->l);
	return rc;
}

static uint32_t l4_len(const struct cap_frame_spec *s)
{
	switch (s->proto) {
	case 6:
		return LIBNET_TCP_H + s->payload_len;
	case 17:
		return LIBNET_UDP_H + s->payload_len;
	default: /* ICMP / ICMPv6 echo */
		return 8 + s->payload_len;
	}
}

static int build_l4(struct cap_framer *f, const struct cap_frame_spec *s)
{
	libnet_ptag_t t;
	switch (s->proto) {
	case 6:
		t = libnet_build_tcp(s->sport, s->dport, s->seq, s->ack, s->tcp_flags, 65535, 0, 0,
		                     (uint16_t)l4_len(s), s->payload, s->payload_len, f->l, 0);
		break;
	case 17:
		t = libnet_build_udp(s->sport, s->dport, (uint16_t)l4_len(s), 0, s->payload,
		                     s->payload_len, f->l, 0);
		break;
	case 1:
		t = libnet_build_icmpv4_echo(s->icmp_type, 0, 0, s->sport, s->dport, s->payload,
		                             s->payload_len, f->l, 0);
		break;
	case 58:
		t = libnet_build_icmpv6_echo(s->icmp_type, 0, 0, s->sport, s->dport,
		                             (uint8_t *)(uintptr_t)s->payload, s->payload_len, f->l,
		                             0);
		break;
	default:
		snprintf(f->err, sizeof(f->err), "protocol %u cannot be built", s->proto);
		return STEER_EINVAL;
	}
	return t < 0 ? fail(f, "L4 header") : 0;
}

static struct libnet_in6_addr in6(const uint8_t *a)
{
	struct libnet_in6_addr r;
	memcpy(&r, a, 16);
	return r;
}

static uint32_t in4(const uint8_t *a)
{
	uint32_t v;
	memcpy(&v, a, 4); /* libnet takes IPv4 addresses in network byte order */
	return v;
}

/* The IP header over a payload of plen bytes already built (payload NULL) or given. */
static int build_ip(struct cap_framer *f, const struct cap_frame_spec *s, uint8_t proto,
                    uint16_t frag, uint32_t plen, const uint8_t *payload, uint32_t payload_len)
{
	uint8_t ttl = s->ttl ? s->ttl : 64;
	libnet_ptag_t t;
	if (s->family == 4)
		t = libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + plen), 0, s->ip_id, frag, ttl, proto,
		                      0, in4(s->src), in4(s->dst), payload, payload_len, f->l, 0);
	else
		t = libnet_build_ipv6(0, 0, (uint16_t)plen, proto, ttl, in6(s->src), in6(s->dst),
		                      payload, payload_len, f->l, 0);
	return t < 0 ? fail(f, "IP header") : 0;
}

/* Ethernet, then 802.1Q / 802.1ad tags and MPLS labels, over a payload of type ethertype. */
static int build_l2(struct cap_framer *f, const struct cap_frame_spec *s, uint16_t ethertype)
{
	if (s->nmpls > 2 || s->nvlan > 2) {
		snprintf(f->err, sizeof(f->err), "at most 2 VLAN tags and 2 MPLS labels");
		return STEER_EINVAL;
	}
	for (int i = s->nmpls - 1; i >= 0; i--) {
		if (libnet_build_mpls(s->mpls[i], 0, i == s->nmpls - 1, 64, NULL, 0, f->l, 0) < 0)
			return fail(f, "MPLS label");
		ethertype = 0x8847;
	}
	libnet_ptag_t t;
	if (s->nvlan == 2) {
		/* The inner 802.1Q tag by hand (libnet builds one tag per Ethernet header). */
		uint8_t tag[4] = {(uint8_t)(s->vlan[1] >> 8 & 0x0f), (uint8_t)s->vlan[1],
		                  (uint8_t)(ethertype >> 8), (uint8_t)ethertype};
		if (libnet_build_data(tag, 4, f->l, 0) < 0)
			return fail(f, "inner VLAN tag");
		t = libnet_build_802_1q(s->mac_dst, s->mac_src, 0x88a8, 0, 0, s->vlan[0] & 0xfff,
		                        0x8100, NULL, 0, f->l, 0);
	} else if (s->nvlan == 1) {
		t = libnet_build_802_1q(s->mac_dst, s->mac_src, 0x8100, 0, 0, s->vlan[0] & 0xfff,
		                        ethertype, NULL, 0, f->l, 0);
	} else {
		t = libnet_build_ethernet(s->mac_dst, s->mac_src, ethertype, NULL, 0, f->l, 0);
	}
	return t < 0 ? fail(f, "Ethernet header") : 0;
}

static uint16_t ethertype_of(uint8_t family)
{
	return family == 4 ? 0x0800 : 0x86dd;
}

/* Pass one of a tunnel: the inner IP packet (GRE) or Ethernet frame (VXLAN) into f->inner. */
static int build_inner(struct cap_framer *f, const struct cap_frame_spec *s, size_t *len)
{
	int rc;
	if ((rc = build_l4(f, s)) || (rc = build_ip(f, s, s->proto, 0, l4_len(s), NULL, 0)))
		return rc;
	if (s->tunnel == CAP_TUN_VXLAN) {
		/* Inner MACs: the outer pair with the locally administered bit flipped. */
		uint8_t d[6], m[6];
		memcpy(d, s->mac_dst, 6);
		memcpy(m, s->mac_src, 6);
		d[0] ^= 0x02;
		m[0] ^= 0x02;
		if (libnet_build_ethernet(d, m, ethertype_of(s->family), NULL, 0, f->l, 0) < 0)
			return fail(f, "inner Ethernet header");
	}
	return cull(f, f->inner, CAP_FRAME_MAX, len);
}

static int build_tunnel(struct cap_framer *f, const struct cap_frame_spec *s, uint8_t *out,
                        size_t cap, size_t *len)
{
	size_t n;
	int rc = build_inner(f, s, &n);
	if (rc)
		return rc;
	struct cap_frame_spec o = *s;
	o.family = 4;
	memset(o.src, 0, 16);
	memset(o.dst, 0, 16);
	memcpy(o.src, s->outer_src, 4);
	memcpy(o.dst, s->outer_dst, 4);
	if (s->tunnel == CAP_TUN_GRE) {
		if (libnet_build_gre(0, ethertype_of(s->family), 0, 0, 0, 0,
		                     (uint16_t)(LIBNET_GRE_H + n), f->inner, (uint32_t)n, f->l, 0) < 0)
			return fail(f, "GRE header");
		rc = build_ip(f, &o, 47, 0, (uint32_t)(LIBNET_GRE_H + n), NULL, 0);
	} else {
		if (n + 8 > CAP_FRAME_MAX)
			return STEER_ERANGE;
		/* RFC 7348 header by hand: flags (I bit), 24 reserved bits, VNI, 8 reserved bits. */
		uint8_t *v = f->outer;
		memset(v, 0, 8);
		v[0] = 0x08;
		v[4] = (uint8_t)(s->vni >> 16);
		v[5] = (uint8_t)(s->vni >> 8);
		v[6] = (uint8_t)s->vni;
		memcpy(v + 8, f->inner, n);
		if (libnet_build_udp(s->outer_sport, 4789, (uint16_t)(LIBNET_UDP_H + 8 + n), 0, v,
		                     (uint32_t)(8 + n), f->l, 0) < 0)
			return fail(f, "VXLAN UDP header");
		rc = build_ip(f, &o, 17, 0, (uint32_t)(LIBNET_UDP_H + 8 + n), NULL, 0);
	}
	if (rc || (rc = build_l2(f, s, 0x0800)))
		return rc;
	return cull(f, out, cap, len);
}

static int build_arp(struct cap_framer *f, const struct cap_frame_spec *s, uint8_t *out,
                     size_t cap, size_t *len)
{
	static const uint8_t zero[6];
	const uint8_t *tha = s->arp_op == 2 ? s->mac_dst : zero;
	if (libnet_build_arp(1, 0x0800, 6, 4, s->arp_op, s->mac_src, s->src, tha, s->dst, NULL, 0,
	                     f->l, 0) < 0)
		return fail(f, "ARP");
	int rc = build_l2(f, s, 0x0806);
	return rc ? rc : cull(f, out, cap, len);
}

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

void cap_frame_spec_reverse(const struct cap_frame_spec *c2s, struct cap_frame_spec *s2c)
{
	if (s2c != c2s)
		*s2c = *c2s;
	swap(s2c->mac_src, s2c->mac_dst, sizeof(s2c->mac_src));
	swap(s2c->src, s2c->dst, sizeof(s2c->src));
	swap(s2c->outer_src, s2c->outer_dst, sizeof(s2c->outer_src));
	if (!s2c->arp && steer_proto_has_ports(s2c->proto)) {
		uint16_t t = s2c->sport;
		s2c->sport = s2c->dport;
		s2c->dport = t;
	}
	if (s2c->arp && s2c->arp_op == 1)
		s2c->arp_op = 2;
	else if (!s2c->arp && s2c->proto == 1 && s2c->icmp_type == 8)
		s2c->icmp_type = 0;
	else if (!s2c->arp && s2c->proto == 58 && s2c->icmp_type == 128)
		s2c->icmp_type = 129;
}

int cap_frame_build(struct cap_framer *f, const struct cap_frame_spec *s, uint8_t *out,
                    size_t cap, size_t *len)
{
	libnet_clear_packet(f->l);
	if (s->arp)
		return build_arp(f, s, out, cap, len);
	if (s->family != 4 && s->family != 6) {
		snprintf(f->err, sizeof(f->err), "address family %u", s->family);
		return STEER_EINVAL;
	}
	if (l4_len(s) + 128 > CAP_FRAME_MAX)
		return STEER_ERANGE;
	if (s->tunnel != CAP_TUN_NONE)
		return build_tunnel(f, s, out, cap, len);
	int rc;
	if ((rc = build_l4(f, s)) || (rc = build_ip(f, s, s->proto, 0, l4_len(s), NULL, 0)) ||
	    (rc = build_l2(f, s, ethertype_of(s->family))))
		return rc;
	return cull(f, out, cap, len);
}

int cap_frame_build_frags(struct cap_framer *f, const struct cap_frame_spec *s,
                          uint32_t frag_size, uint8_t *out, size_t slot, size_t *lens,
                          unsigned max, unsigned *n)
{
	libnet_clear_packet(f->l);
	if ((s->family != 4 && s->family != 6) || s->tunnel != CAP_TUN_NONE || frag_size < 8) {
		snprintf(f->err, sizeof(f->err), "fragments of plain IPv4 / IPv6 packets only");
		return STEER_EINVAL;
	}
	if (l4_len(s) + 128 > CAP_FRAME_MAX)
		return STEER_ERANGE;
	/* Pass one: the whole packet, for its L4 header with the checksum over all of it. */
	size_t whole;
	int rc;
	if ((rc = build_l4(f, s)) || (rc = build_ip(f, s, s->proto, 0, l4_len(s), NULL, 0)) ||
	    (rc = cull(f, f->inner, CAP_FRAME_MAX, &whole)))
		return rc;
	size_t hl = s->family == 4 ? LIBNET_IPV4_H : LIBNET_IPV6_H;
	const uint8_t *l4 = f->inner + hl;
	uint32_t total = (uint32_t)(whole - hl), chunk = frag_size & ~7u;
	unsigned i = 0;
	for (uint32_t off = 0; off < total; off += chunk, i++) {
		if (i == max)
			return STEER_ERANGE;
		uint32_t c = total - off < chunk ? total - off : chunk;
		bool more = off + c < total;
		if (s->family == 4) {
			uint16_t fr = (uint16_t)((off >> 3) | (more ? 0x2000 : 0));
			rc = build_ip(f, s, s->proto, fr, c, l4 + off, c);
		} else {
			/* RFC 8200 4.5: offset in 8-octet units in the top 13 bits, M in bit 0.
			 * libnet 1.1.6 copies this field and the id without byte-order
			 * conversion: hand them over in network order. */
			uint16_t fr = htons((uint16_t)((off >> 3) << 3 | (more ? 1 : 0)));
			if (libnet_build_ipv6_frag(s->proto, 0, fr, htonl(s->frag_id), l4 + off, c, f->l, 0) <
			    0)
				return fail(f, "IPv6 fragment header");
			rc = build_ip(f, s, 44, 0, LIBNET_IPV6_FRAG_H + c, NULL, 0);
		}
		if (rc || (rc = build_l2(f, s, ethertype_of(s->family))) ||
		    (rc = cull(f, out + (size_t)i * slot, slot, &lens[i])))
			return rc;
	}
	*n = i;
	return 0;
}
