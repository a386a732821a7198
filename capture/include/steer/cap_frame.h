/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_frame.h: crafting test frames with libnet (Ethernet, 802.1Q / 802.1ad, MPLS
 * (RFC 3032), IPv4 (RFC 791), IPv6 (RFC 8200), TCP, UDP, ICMP echo, GRE (RFC 2784), VXLAN
 * (RFC 7348), ARP (RFC 826), and IPv4 / IPv6 fragments). */
#ifndef STEER_CAP_FRAME_H
#define STEER_CAP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Largest frame cap_frame_build writes. */
#define CAP_FRAME_MAX 9216u

enum cap_tunnel_kind {
	CAP_TUN_NONE = 0,
	CAP_TUN_GRE,   /* outer IPv4 / GRE (no options) / the IP packet */
	CAP_TUN_VXLAN, /* outer IPv4 / UDP 4789 / VXLAN / Ethernet / the IP packet */
};

/* What one frame holds. The "IP packet" fields describe the innermost packet, the one a flow
 * is made of; L2 encapsulation and tunnels wrap it. Zero-initialise, then set what matters. */
struct cap_frame_spec {
	uint8_t mac_dst[6], mac_src[6];
	uint8_t nvlan;        /* 0, 1 (802.1Q), 2 (802.1ad 0x88a8 outer + 802.1Q inner) */
	uint16_t vlan[2];     /* outermost first */
	uint8_t nmpls;        /* 0..2 MPLS labels (outermost first), below the VLAN tags */
	uint32_t mpls[2];
	bool arp;             /* an ARP frame instead of IP: op in arp_op, addresses from src/dst */
	uint16_t arp_op;      /* 1 request, 2 reply */
	/* the IP packet */
	uint8_t family;       /* 4 or 6 */
	uint8_t src[16], dst[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t ttl;          /* 0: 64 */
	uint16_t ip_id;       /* IPv4 identification */
	uint32_t frag_id;     /* IPv6 fragment identification (fragments only) */
	uint8_t proto;        /* 6 TCP, 17 UDP, 1 ICMP echo, 58 ICMPv6 echo */
	uint16_t sport, dport; /* TCP / UDP ports; ICMP echo: id in sport, sequence in dport */
	uint32_t seq, ack;    /* TCP */
	uint8_t tcp_flags;    /* TCP: FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	uint8_t icmp_type;    /* ICMP: 8 / 0 (v4), 128 / 129 (v6) */
	const uint8_t *payload;
	uint32_t payload_len;
	/* a tunnel around the IP packet (no fragments then) */
	enum cap_tunnel_kind tunnel;
	uint8_t outer_src[4], outer_dst[4];
	uint16_t outer_sport; /* VXLAN: the UDP source port (entropy) */
	uint32_t vni;         /* VXLAN network identifier */
};

/* The spec of the other direction of c2s's flow, as its peer sends it: MACs, addresses and
 * a tunnel's outer addresses swapped; ports swapped when the protocol carries them
 * (steer_proto_has_ports; an ICMP echo reply keeps the request's identifier and sequence,
 * RFC 792 / RFC 4443); an echo request's type becomes the reply's, an ARP request's op the
 * reply's. Kept: VLANs, MPLS labels, the VXLAN source port (RFC 7348: a hash of the inner
 * flow, the same both ways), IP identification, TCP sequence numbers and flags, the payload
 * (the caller sets what the reply's own packets say). s2c may be c2s. */
void cap_frame_spec_reverse(const struct cap_frame_spec *c2s, struct cap_frame_spec *s2c);

struct cap_framer;

/* A build-only libnet context (LIBNET_NONE: nothing is ever sent). Returns 0 with *out set (free
 * with cap_framer_free), or STEER_ENOMEM / STEER_EIO with libnet's reason in errbuf. */
int cap_framer_new(struct cap_framer **out, char *errbuf);
void cap_framer_free(struct cap_framer *f);

/* Builds the frame s describes into out[0..cap) with every length and checksum filled in.
 * Returns 0 with *len set, STEER_ERANGE when it does not fit, STEER_EINVAL for an impossible
 * spec, STEER_EIO when libnet fails (cap_framer_error says why). */
int cap_frame_build(struct cap_framer *f, const struct cap_frame_spec *s, uint8_t *out,
                    size_t cap, size_t *len);

/* The IP packet of s (no tunnel) cut into fragments carrying at most frag_size bytes of IP
 * payload each (rounded down to a multiple of 8), written to out + i * slot, lengths in
 * lens[i], in order (first fragment first). The L4 checksum is that of the whole packet.
 * Returns 0 with *n set, or STEER_ERANGE (more than max fragments, or a slot too small). */
int cap_frame_build_frags(struct cap_framer *f, const struct cap_frame_spec *s,
                          uint32_t frag_size, uint8_t *out, size_t slot, size_t *lens,
                          unsigned max, unsigned *n);

const char *cap_framer_error(const struct cap_framer *f);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
