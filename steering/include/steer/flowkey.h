/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/flowkey.h: the flow key that hashes consume, and its canonical (direction-free) form. */
#ifndef STEER_FLOWKEY_H
#define STEER_FLOWKEY_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/packet.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* A flow key as seen on the wire (src is the sender of this packet).
 * family 4/6: addresses as in struct steer_pkt; family 0 (non-IP): src/dst hold the source and
 * destination MACs in their first 6 bytes. Ports are 0 when the packet carries none.
 * Always fully initialised (padding-free layout), so keys can be compared with memcmp. */
struct steer_flow_key {
	uint8_t family;
	uint8_t proto;
	uint16_t vlan;   /* outermost VLAN id when the VLAN is in the key, else 0 */
	uint16_t sport;
	uint16_t dport;
	uint8_t src[16];
	uint8_t dst[16];
};

/* Fills *k from a parsed packet. Only an STEER_PKT_IP packet gives an IP key; any other status
 * gives the non-IP MAC-pair key (all zero when no L2 header was read). */
void steer_flow_key_from_pkt(const struct steer_pkt *p, bool vlan_in_key,
                             struct steer_flow_key *k);

/* Orders the two endpoints (address, then port) so that both directions of a flow give the same
 * key. Returns true when it swapped them. */
bool steer_flow_key_canon(struct steer_flow_key *k);

/* Swaps source and destination (address and port). */
void steer_flow_key_reverse(struct steer_flow_key *k);

/* The other direction of a parsed packet's flow: addresses swapped, MACs swapped, ports
 * swapped when it has them (STEER_F_PORTS: a protocol that carries ports, steer/proto.h);
 * everything else (VLANs, tunnel, fragment id) kept. r may be p. */
void steer_pkt_reverse(const struct steer_pkt *p, struct steer_pkt *r);

/* ---- as text ---- */

/* Enough for any flow key's text (two bracketed IPv6 endpoints with ports, a VLAN). */
#define STEER_FLOW_STRLEN 128
/* Enough for one endpoint's text. */
#define STEER_ENDPOINT_STRLEN 56

/* One endpoint of k, the source or (dst) the destination: "10.0.0.1:80", "[2001:db8::1]:443",
 * "10.0.0.1" (a protocol without ports, steer/proto.h), or a MAC for a non-IP key. Into buf
 * (STEER_ENDPOINT_STRLEN bytes); returns buf. */
char *steer_flow_endpoint_format(const struct steer_flow_key *k, bool dst, char *buf);

/* "tcp 10.0.0.1:1234 <-> 10.0.0.2:80", "icmp 10.0.0.1 <-> 10.0.0.2", "proto-99 ...",
 * "non-ip 02:00:00:00:00:01 <-> ...", with " vlan V" when the key holds a VLAN. Into buf
 * (STEER_FLOW_STRLEN bytes); returns buf. */
char *steer_flow_key_format(const struct steer_flow_key *k, char *buf);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
