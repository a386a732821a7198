/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/packet.h: bounds-checked parsing of one captured frame down to the flow tuple. */
#ifndef STEER_PACKET_H
#define STEER_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Link types, numbered as pcap's LINKTYPE_* registry (tcpdump.org/linktypes.html). */
enum steer_linktype {
	STEER_LINK_ETHERNET = 1,  /* LINKTYPE_ETHERNET */
	STEER_LINK_RAW = 101,     /* LINKTYPE_RAW: IPv4 or IPv6 by version nibble */
	STEER_LINK_LINUX_SLL = 113, /* LINKTYPE_LINUX_SLL ("any" device, cooked v1) */
	STEER_LINK_IPV4 = 228,    /* LINKTYPE_IPV4 */
	STEER_LINK_IPV6 = 229,    /* LINKTYPE_IPV6 */
};

/* What steer_parse() found. */
enum steer_parse_status {
	STEER_PKT_IP = 0,     /* IP packet: family, addresses and proto valid; ports if STEER_F_PORTS */
	STEER_PKT_NONIP,      /* a valid L2 frame that carries no IP (ARP, LLDP, ...) */
	STEER_PKT_TRUNC,      /* cut before the IP addresses (or the EtherType) could be read */
	STEER_PKT_INVALID,    /* a header that lies: bad IP version, header length, ..., or more
	                       * VLAN tags (8), MPLS labels (16) or IPv6 extension headers (8)
	                       * than the parser walks */
	STEER_PKT_UNSUPPORTED_LINK, /* linktype is not one of enum steer_linktype */
};

/* steer_pkt.flags */
enum {
	STEER_F_L2 = 1u << 0,        /* mac_dst / mac_src valid (mac_dst only for Ethernet) */
	STEER_F_VLAN = 1u << 1,      /* at least one 802.1Q / 802.1ad tag; vlan[0] is the outermost */
	STEER_F_QINQ = 1u << 2,      /* two or more tags */
	STEER_F_MPLS = 1u << 3,      /* an MPLS label stack was skipped */
	STEER_F_PPPOE = 1u << 4,     /* PPPoE session header skipped */
	STEER_F_FRAG = 1u << 5,      /* the IP packet is a fragment (first or later) */
	STEER_F_FRAG_FIRST = 1u << 6, /* ... and it is the first one (offset 0, more-fragments set) */
	STEER_F_PORTS = 1u << 7,     /* sport/dport valid (TCP, UDP, SCTP, UDP-Lite; not a later
	                              * fragment) */
	STEER_F_L4_TRUNC = 1u << 8,  /* a port-carrying protocol but the ports were cut off (by the
	                              * capture or by the IP length: padding is not read), or the
	                              * IPv6 extension headers were cut off: then proto is the
	                              * extension header that could not be read */
	STEER_F_TUNNEL = 1u << 9,    /* tuple is from an inner packet (GRE, VXLAN, IP-in-IP) */
	STEER_F_INNER_BAD = 1u << 10, /* a tunnel was seen but its inner packet was truncated or
	                               * invalid: the tuple is the outer one */
	STEER_F_IP_OPTIONS = 1u << 11, /* IPv4 options or IPv6 extension headers present */
};

enum steer_tunnel {
	STEER_TUNNEL_NONE = 0,
	STEER_TUNNEL_GRE,   /* GRE carrying IP, or transparent Ethernet bridging (0x6558) */
	STEER_TUNNEL_VXLAN, /* UDP port 4789 */
	STEER_TUNNEL_IPIP,  /* IPv4 or IPv6 in IPv4 or IPv6 (protocols 4 and 41) */
};

/* The parsed view of one frame. Fields not covered by a flag or the status are zero. */
struct steer_pkt {
	uint32_t flags;            /* STEER_F_* */
	uint8_t family;            /* 4 or 6 for IP, 0 otherwise */
	uint8_t proto;             /* L4 protocol after IPv6 extension headers */
	uint16_t sport, dport;     /* host byte order, with STEER_F_PORTS */
	uint8_t src[16], dst[16];  /* network order; IPv4 in the first 4 bytes, rest zero */
	uint32_t frag_id;          /* IPv4 identification or IPv6 fragment id, with STEER_F_FRAG (an
	                            * IPv6 atomic fragment, RFC 6946, is not a fragment) */
	uint16_t frag_offset;      /* fragment offset in 8-byte units, with STEER_F_FRAG */
	uint16_t vlan[2];          /* VLAN ids (12 bits), outermost first, with STEER_F_VLAN */
	uint8_t nvlan;             /* number of tags seen (may exceed 2; only 2 are kept) */
	uint8_t tunnel;            /* enum steer_tunnel the tuple came out of, with STEER_F_TUNNEL
	                            * (with nesting, STEER_F_INNER_BAD may be set too: a deeper
	                            * tunnel was bad) */
	int16_t eth_off;           /* offset of the outer Ethernet destination MAC, -1 if none (or
	                            * cut off) */
	uint16_t l3_off;           /* offset of the IP header the tuple came from */
	uint16_t l4_off;           /* offset just past the IP header, options and extension headers:
	                            * the L4 header, or a later fragment's data; 0 when those
	                            * headers were cut off */
	uint8_t mac_dst[6];        /* outer Ethernet destination, with STEER_F_L2 and eth_off >= 0 */
	uint8_t mac_src[6];        /* outer Ethernet (or SLL) source, with STEER_F_L2 */
};

/* Parses frame[0..caplen) of the given link type into *out (always fully written).
 * With inner set, GRE, VXLAN and IP-in-IP are decapsulated (up to 4 levels; deeper tunnels stay
 * encapsulated) and the tuple is the innermost IP packet's; otherwise the outermost IP header
 * gives the tuple. Fragmented packets are not decapsulated, so that all fragments of one
 * packet give the same tuple.
 * Never reads outside frame[0..caplen); every truncation yields one of the statuses above.
 * Headers are looked for in the first 65535 bytes only (the offsets are 16-bit); a NULL frame
 * is empty whatever caplen says.
 * Returns an enum steer_parse_status. Allocation-free and reentrant. */
int steer_parse(int linktype, const uint8_t *frame, size_t caplen, bool inner,
                struct steer_pkt *out);

/* Short name of a parse status ("ip", "non-ip", "truncated", "invalid", "unsupported-link"). */
const char *steer_parse_status_name(int status);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
