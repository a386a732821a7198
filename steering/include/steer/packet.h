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
	STEER_LINK_NULL = 0,      /* LINKTYPE_NULL: BSD loopback, a 4-byte address family (2 IPv4;
	                           * 24, 28 or 30 IPv6) in either byte order */
	STEER_LINK_ETHERNET = 1,  /* LINKTYPE_ETHERNET */
	STEER_LINK_RAW = 101,     /* LINKTYPE_RAW: IPv4 or IPv6 by version nibble */
	STEER_LINK_IEEE802_11 = 105, /* LINKTYPE_IEEE802_11: 802.11 data frames with LLC/SNAP */
	STEER_LINK_LINUX_SLL = 113, /* LINKTYPE_LINUX_SLL ("any" device, cooked v1) */
	STEER_LINK_RADIOTAP = 127, /* LINKTYPE_IEEE802_11_RADIOTAP: radiotap header, then 802.11 */
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
	STEER_F_TUNNEL = 1u << 9,    /* tuple is from an inner packet (enum steer_tunnel) */
	STEER_F_INNER_BAD = 1u << 10, /* a tunnel was seen but its inner packet was truncated or
	                               * invalid: the tuple is the outer one */
	STEER_F_IP_OPTIONS = 1u << 11, /* IPv4 options or IPv6 extension headers present */
	/* What a balancer that parses less than steer must be told apart by (hwp_profile "l2"): */
	STEER_F_TAG_AD = 1u << 12,   /* a tag with TPID 0x88a8 (IEEE 802.1ad S-tag) */
	STEER_F_TAG_9100 = 1u << 13, /* a tag with TPID 0x9100 (pre-standard S-tag) */
	STEER_F_L2_WRAP = 1u << 14,  /* a PBB, VN-Tag or FabricPath header was skipped */
};

/* The tunnels decapsulated: those Zeek decapsulates by default (its Tunnel::Type), with its checks.
 * UDP tunnels are found by the destination port, else the source port, else (Teredo, AYIYA) by
 * their content. */
enum steer_tunnel {
	STEER_TUNNEL_NONE = 0,
	STEER_TUNNEL_GRE,    /* GRE (RFC 2784/2890) carrying IP, transparent Ethernet (0x6558),
	                      * ERSPAN I/II (0x88be) and III (0x22eb), Aruba (802.11), or PPTP's
	                      * enhanced GRE (version 1, RFC 2637); also GRE in UDP (port 4754) */
	STEER_TUNNEL_VXLAN,  /* UDP port 4789 (RFC 7348) */
	STEER_TUNNEL_IPIP,   /* IPv4 or IPv6 in IPv4 or IPv6 (protocols 4 and 41) */
	STEER_TUNNEL_GENEVE, /* UDP port 6081 (RFC 8926) */
	STEER_TUNNEL_GTP,    /* GTPv1-U G-PDU, UDP ports 2152 and 2123 (3GPP TS 29.281) */
	STEER_TUNNEL_TEREDO, /* UDP port 3544 or Teredo-looking content (RFC 4380) */
	STEER_TUNNEL_AYIYA,  /* UDP port 5072 or AYIYA-looking content */
	STEER_TUNNEL_COUNT
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
	uint32_t frag_head;        /* a later fragment's first 4 data bytes, big-endian (zero past
	                            * its end): what a balancer that knows no fragments reads as
	                            * ports (netmap lb); with STEER_F_FRAG and offset > 0 */
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
 * Besides VLAN/QinQ tags, MPLS and PPPoE, the other link-layer wrappers Zeek strips silently are
 * skipped too: PBB (0x88e7), VN-Tag (0x8926) and Cisco FabricPath (0x8903) (STEER_F_L2_WRAP).
 * With inner set, the tunnels of enum steer_tunnel are decapsulated (up to 4 levels; deeper
 * tunnels stay encapsulated) and the tuple is the innermost IP packet's; otherwise the outermost
 * IP header gives the tuple. Fragmented packets are not decapsulated, so that all fragments of one
 * packet give the same tuple. An 802.11 A-MSDU gives its first subframe.
 * Never reads outside frame[0..caplen); every truncation yields one of the statuses above.
 * Headers are looked for in the first 65535 bytes only (the offsets are 16-bit); a NULL frame
 * is empty whatever caplen says.
 * Returns an enum steer_parse_status. Allocation-free and reentrant. */
int steer_parse(int linktype, const uint8_t *frame, size_t caplen, bool inner,
                struct steer_pkt *out);

/* Short name of a parse status ("ip", "non-ip", "truncated", "invalid", "unsupported-link"). */
const char *steer_parse_status_name(int status);

/* Short name of a tunnel kind ("gre", "vxlan", "ip", "geneve", "gtpv1", "teredo", "ayiya"; "-"
 * for none, "unknown" out of range). */
const char *steer_tunnel_name(int tunnel);

/* ---- the chain of encapsulation layers, for connection tracking ---- */

/* The outermost IP packet and one per tunnel level. */
#define STEER_MAX_LAYERS 5

/* One IP packet of a frame. Offsets are from the start of the frame. */
struct steer_layer {
	uint32_t flags;         /* STEER_F_FRAG, _FRAG_FIRST, _PORTS, _L4_TRUNC, _IP_OPTIONS */
	uint8_t tunnel;         /* enum steer_tunnel that carried this packet; NONE for l[0] */
	uint8_t family;         /* 4 or 6 */
	uint8_t proto;          /* as struct steer_pkt */
	uint16_t sport, dport;  /* with STEER_F_PORTS */
	uint16_t l3_off;        /* IP header */
	uint16_t l4_off;        /* past the IP headers; 0 when they were cut off */
	uint16_t end;           /* where the IP packet ends in the frame: its length field or the
	                         * capture, whichever comes first */
	uint16_t ip_len;        /* the IP length field: IPv4 total length (0 for TSO), IPv6
	                         * payload length + 40 (as Zeek's IP_Hdr::TotalLen) */
	uint32_t frag_id;       /* with STEER_F_FRAG */
	uint16_t frag_offset;   /* with STEER_F_FRAG, in 8-byte units */
	uint8_t src[16], dst[16];
};

/* steer_layers.flags */
enum {
	STEER_LAYERS_DEPTH = 1u << 0,     /* a tunnel beyond the 4th level was left closed */
	STEER_LAYERS_BAD_INNER = 1u << 1, /* the last tunnel's header was sound but the packet in
	                                   * it is not an IP packet that could be read */
	STEER_LAYERS_VIOLATION = 1u << 2, /* the last layer's payload was taken for a tunnel (by port
	                                   * or content) and its header was malformed: what Zeek calls
	                                   * an analyzer violation */
	STEER_LAYERS_MORE = 1u << 3,      /* an 802.11 A-MSDU has further subframes:
	                                   * steer_parse_layers_next() gives the next one */
};

/* Every IP packet of one frame, outermost first. */
struct steer_layers {
	struct steer_pkt pkt;   /* steer_parse(..., inner = false): the outer frame and l[0] */
	int status;             /* what steer_parse returned */
	unsigned n;             /* IP packets in l[] (0 unless status is STEER_PKT_IP) */
	uint32_t flags;         /* STEER_LAYERS_* */
	uint8_t tried;          /* with _DEPTH, _BAD_INNER or _VIOLATION: the tunnel kind that the
	                         * last layer's payload was taken for */
	uint8_t more_depth;     /* with _MORE: layers the next subframe keeps */
	uint16_t more_off;      /* with _MORE: the next A-MSDU subframe header ... */
	uint16_t more_end;      /* ... and the end of the A-MSDU */
	struct steer_layer l[STEER_MAX_LAYERS];
};

/* Parses frame[0..caplen) as steer_parse() does with inner set, and records every IP packet on the
 * way, the outermost first: the tunnel carrier's tuple, the tunnel that carried each packet, its
 * offsets and length field. Fragments end the chain (they are reassembled by the caller, as
 * Zeek does, before what they carry can be read). *out is always fully written.
 * Returns the status of the outermost parse, as steer_parse(). Allocation-free and reentrant;
 * the steering path (steer_parse) does not pay for the recording. */
int steer_parse_layers(int linktype, const uint8_t *frame, size_t caplen,
                       struct steer_layers *out);

/* After STEER_LAYERS_MORE: replaces the layers past ls->more_depth by those of the next A-MSDU
 * subframe of the same frame. Returns 1 when there was one (ls updated, its flags recomputed),
 * 0 when the A-MSDU is done or ls has no _MORE (ls unchanged). */
int steer_parse_layers_next(const uint8_t *frame, size_t caplen, struct steer_layers *ls);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
