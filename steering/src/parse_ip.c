/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_ip.c: IPv4 (RFC 791) and IPv6 with its extension-header chain (RFC 8200) to the ports. */
#include <string.h>

#include <steer/packet.h>
#include <steer/proto.h>

#include "parse_int.h"

enum {
	IPV4_HDR_LEN = 20,
	IPV4_MF = 0x2000,
	IPV4_OFFSET = 0x1fff,
	IPV6_HDR_LEN = 40,
	IPV6_FRAG_HDR_LEN = 8,
	IPV6_FRAG_M = 0x0001,
};

/* A later fragment's first 4 data bytes at the L4 cursor, zero past the end (frag_head). */
static uint32_t frag_head(const struct steer__cur *l4)
{
	uint32_t v = 0;
	size_t n = l4->end - l4->off;
	const uint8_t *h = steer__peek(l4, n < 4 ? n : 4);
	for (size_t i = 0; i < 4; i++)
		v = v << 8 | (h && i < n ? h[i] : 0u);
	return v;
}

/* Ports at the L4 cursor; cut off by the capture or by the IP length, they are flagged. */
static uint32_t read_ports(struct steer_pkt *p, const struct steer__cur *l4)
{
	const uint8_t *h = steer__peek(l4, 4);

	if (!h)
		return STEER_F_L4_TRUNC;
	p->sport = steer__be16(h);
	p->dport = steer__be16(h + 2);
	return STEER_F_PORTS;
}

int steer__parse_ipv4(struct steer_pkt *p, const struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__peek(c, IPV4_HDR_LEN);
	uint32_t flags = 0;
	size_t hlen, tot;
	unsigned frag;
	bool want_ports;

	if (!h)
		goto trunc;
	hlen = (size_t)(h[0] & 0x0f) * 4;
	tot = steer__be16(h + 2);
	/* Total length 0 is what TSO/GSO super-packets captured on the sending host carry (the
	 * NIC fills it in per segment): the capture, not the header, ends such a packet. */
	if ((h[0] >> 4) != 4 || hlen < IPV4_HDR_LEN || (tot < hlen && tot != 0))
		goto invalid;

	p->family = 4;
	p->proto = h[9];
	memcpy(p->src, h + 12, 4);
	memcpy(p->dst, h + 16, 4);
	p->l3_off = (uint16_t)c->off;
	if (hlen > IPV4_HDR_LEN)
		flags |= STEER_F_IP_OPTIONS;
	frag = steer__be16(h + 6);
	if (frag & (IPV4_MF | IPV4_OFFSET)) {
		flags |= STEER_F_FRAG;
		if (!(frag & IPV4_OFFSET))
			flags |= STEER_F_FRAG_FIRST;
		p->frag_id = steer__be16(h + 4);
		p->frag_offset = (uint16_t)(frag & IPV4_OFFSET);
	}
	/* A later fragment holds data from the middle of the L4 payload, never a header. */
	want_ports = !(frag & IPV4_OFFSET) && steer_proto_has_ports(p->proto);

	/* The total length, not the capture, ends the packet: Ethernet pads short frames to 60
	 * bytes, and that padding must not be read as L4 (or as a tunnel's inner packet). */
	steer__cur_from(l4, c);
	if (tot != 0)
		steer__limit(l4, tot);
	if (!steer__skip(l4, hlen)) {
		/* Options cut off by the capture (tot >= hlen, so the header does not lie): the
		 * addresses stand, the L4 header is out of reach. */
		steer__drain(l4);
		if (want_ports)
			flags |= STEER_F_L4_TRUNC;
		p->flags |= flags;
		return STEER_PKT_IP;
	}
	p->l4_off = (uint16_t)l4->off;
	if (want_ports)
		flags |= read_ports(p, l4);
	else if (frag & IPV4_OFFSET)
		p->frag_head = frag_head(l4);
	p->flags |= flags;
	return STEER_PKT_IP;
trunc:
	/* A header too short for its addresses whose first byte already lies is invalid. */
	h = steer__peek(c, 1);
	if (h && ((h[0] >> 4) != 4 || (h[0] & 0x0f) < 5))
		goto invalid;
	return STEER_PKT_TRUNC;
invalid:
	return STEER_PKT_INVALID;
}

/* RFC 8200 section 4 and the IANA "IPv6 Extension Header Types" registry. ESP (50) is one too,
 * but what follows it is encrypted, so the walk stops there with proto 50, as at 59. */
static bool is_ipv6_ext(unsigned nh)
{
	switch (nh) {
	case STEER__IPPROTO_HOPOPTS:
	case STEER__IPPROTO_ROUTING:
	case STEER__IPPROTO_FRAGMENT:
	case STEER__IPPROTO_AH:
	case STEER__IPPROTO_DSTOPTS:
	case STEER__IPPROTO_MOBILITY:
	case STEER__IPPROTO_HIP:
	case STEER__IPPROTO_SHIM6:
		return true;
	}
	return false;
}

int steer__parse_ipv6(struct steer_pkt *p, const struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__peek(c, IPV6_HDR_LEN), *e;
	uint32_t flags = 0, frag_id = 0;
	unsigned nh, frag_offset = 0, n = 0;
	size_t plen, len;
	bool within, later = false;

	if (!h)
		goto trunc;
	if ((h[0] >> 4) != 6)
		goto invalid;
	plen = steer__be16(h + 4);
	nh = h[6];
	steer__cur_from(l4, c);
	steer__skip(l4, IPV6_HDR_LEN);
	/* A payload length of 0 before a hop-by-hop header is an RFC 2675 jumbogram (and Linux
	 * BIG TCP): the real length sits in an option, so the capture is the only bound. */
	if (plen == 0 && nh == STEER__IPPROTO_HOPOPTS)
		within = false;
	else
		within = steer__limit(l4, plen);

	while (is_ipv6_ext(nh)) {
		if (n++ == STEER__MAX_IPV6_EXT)
			goto invalid;
		if (nh == STEER__IPPROTO_FRAGMENT) {
			e = steer__peek(l4, IPV6_FRAG_HDR_LEN);
			if (!e)
				goto cut;
			/* Should a hostile packet carry two, the last one counts. */
			flags &= ~(uint32_t)(STEER_F_FRAG | STEER_F_FRAG_FIRST);
			frag_id = 0;
			frag_offset = steer__be16(e + 2) >> 3;
			/* Offset 0 and M clear: an atomic fragment (RFC 6946), a whole packet. */
			if (frag_offset || (e[3] & IPV6_FRAG_M)) {
				flags |= STEER_F_FRAG;
				frag_id = steer__be32(e + 4);
				later = frag_offset != 0;
				if (!later)
					flags |= STEER_F_FRAG_FIRST;
			}
			len = IPV6_FRAG_HDR_LEN;
		} else {
			e = steer__peek(l4, 2);
			if (!e)
				goto cut;
			/* AH counts 4-byte units less 2 (RFC 4302), others 8-byte units less 1. */
			if (nh == STEER__IPPROTO_AH)
				len = ((size_t)e[1] + 2) * 4;
			else
				len = ((size_t)e[1] + 1) * 8;
		}
		if (!steer__skip(l4, len))
			goto cut;
		flags |= STEER_F_IP_OPTIONS;
		nh = e[0];
		/* A later fragment holds data, not the header its next-header field names. */
		if (later)
			break;
	}
	p->l4_off = (uint16_t)l4->off;
	if (!later && steer_proto_has_ports(nh))
		flags |= read_ports(p, l4);
	else if (later)
		p->frag_head = frag_head(l4);
	goto done;

cut:
	/* An extension header runs past the end. Past the payload length it lies; past the
	 * capture it was only cut short: the addresses stand, and proto names the extension
	 * header that could not be read, since the upper layer is unknown. */
	if (within)
		goto invalid;
	steer__drain(l4);
	flags |= STEER_F_IP_OPTIONS | STEER_F_L4_TRUNC;
done:
	p->family = 6;
	p->proto = (uint8_t)nh;
	memcpy(p->src, h + 8, 16);
	memcpy(p->dst, h + 24, 16);
	p->l3_off = (uint16_t)c->off;
	p->frag_id = frag_id;
	p->frag_offset = (uint16_t)frag_offset;
	p->flags |= flags;
	return STEER_PKT_IP;
trunc:
	h = steer__peek(c, 1);
	if (h && (h[0] >> 4) != 6)
		goto invalid;
	return STEER_PKT_TRUNC;
invalid:
	return STEER_PKT_INVALID;
}
