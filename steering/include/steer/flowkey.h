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

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
