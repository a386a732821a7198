/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_wifi.c: IEEE 802.11 data frames (IEEE 802.11-2020 9.3.2) with LLC/SNAP (RFC 1042),
 * A-MSDUs (9.3.2.2.2), and the radiotap header before them (radiotap.org), as Zeek reads them. */
#include <string.h>

#include <steer/packet.h>

#include "parse_int.h"

enum {
	WIFI_HDR_LEN = 24,       /* frame control, duration, three addresses, sequence control */
	WIFI_ADDR4_LEN = 6,      /* with both To DS and From DS */
	WIFI_QOS_LEN = 2,
	FC_TYPE_DATA = 0x08,     /* the high bit of the type field (data and extension frames) */
	FC_SUBTYPE_NODATA = 0x40,
	FC_SUBTYPE_QOS = 0x80,
	FC1_DS = 0x03,
	FC1_PROTECTED = 0x40,
	QOS_AMSDU = 0x80,
	LLC_SNAP_LEN = 8,        /* DSAP, SSAP, control, OUI, EtherType */
	AMSDU_SUB_LEN = 14,      /* destination, source, length */
	RADIOTAP_MIN = 4,        /* version, pad, length */
};

/* RFC 1042 encapsulated Ethernet: AA AA 03 00 00 00, then the EtherType. Other LLC frames (STP,
 * Apple's OUI, ...) are not IP. */
static int parse_llc(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4)
{
	const uint8_t *h = steer__pull(c, LLC_SNAP_LEN);

	if (!h)
		return STEER_PKT_TRUNC;
	if (h[0] != 0xaa || h[1] != 0xaa || h[2] != 0x03 || h[3] || h[4] || h[5])
		return STEER_PKT_NONIP;
	return steer__parse_ethertype(p, c, steer__be16(h + 6), l4);
}

int steer__parse_amsdu_sub(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4,
                           struct steer__decap_ctx *ctx)
{
	const uint8_t *h = steer__pull(c, AMSDU_SUB_LEN);
	struct steer__cur sub;
	size_t len, next, pad;

	if (!h)
		return STEER_PKT_TRUNC;
	len = steer__be16(h + 12);
	steer__cur_from(&sub, c);
	if (!steer__limit(&sub, len))
		return STEER_PKT_TRUNC;
	/* Zeek pads each subframe by its length modulo 4 (when that much is left). */
	next = c->off + len;
	pad = len % 4;
	if (c->end - next >= pad)
		next += pad;
	if (ctx && next < c->end) {
		ctx->more = true;
		ctx->more_depth = ctx->rec ? (uint8_t)ctx->rec->n : 0;
		ctx->more_off = (uint16_t)next;
		ctx->more_end = (uint16_t)c->end;
	}
	return parse_llc(p, &sub, l4);
}

int steer__parse_80211(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4,
                       struct steer__decap_ctx *ctx)
{
	/* The source address, by the DS bits (address 2, 2, 3 or 4), as Zeek takes it. */
	static const uint8_t src_at[4] = {10, 10, 16, 24};
	const uint8_t *h = steer__peek(c, WIFI_HDR_LEN);
	size_t hlen = WIFI_HDR_LEN;
	bool amsdu = false;

	if (!h)
		return STEER_PKT_TRUNC;
	/* Management and control frames, and data subtypes without data, carry no packet. */
	if (!(h[0] & FC_TYPE_DATA) || (h[0] & FC_SUBTYPE_NODATA))
		return STEER_PKT_NONIP;
	if ((h[1] & FC1_DS) == FC1_DS)
		hlen += WIFI_ADDR4_LEN;
	if (h[0] & FC_SUBTYPE_QOS) {
		const uint8_t *q = steer__peek(c, hlen + WIFI_QOS_LEN);
		if (!q)
			return STEER_PKT_TRUNC;
		/* Zeek reads encrypted frames no further when they are QoS data. */
		if (h[1] & FC1_PROTECTED)
			return STEER_PKT_NONIP;
		amsdu = q[hlen] & QOS_AMSDU;
		hlen += WIFI_QOS_LEN;
	}
	h = steer__pull(c, hlen);
	if (!h)
		return STEER_PKT_TRUNC;
	memcpy(p->mac_src, h + src_at[h[1] & FC1_DS], 6);
	p->flags |= STEER_F_L2;
	if (amsdu)
		return steer__parse_amsdu_sub(p, c, l4, ctx);
	return parse_llc(p, c, l4);
}

int steer__parse_radiotap(struct steer_pkt *p, struct steer__cur *c, struct steer__cur *l4,
                          struct steer__decap_ctx *ctx)
{
	const uint8_t *h = steer__peek(c, RADIOTAP_MIN);

	if (!h)
		return STEER_PKT_TRUNC;
	/* The length is little-endian and counts the whole radiotap header. */
	if (!steer__skip(c, (size_t)h[2] | (size_t)h[3] << 8))
		return STEER_PKT_TRUNC;
	return steer__parse_80211(p, c, l4, ctx);
}
