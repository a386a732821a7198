/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/proto.h: IP protocol numbers (IANA "Assigned Internet Protocol Numbers"): their names,
 * and which of them carry ports. */
#ifndef STEER_PROTO_H
#define STEER_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* True for the protocols whose header opens with 16-bit source and destination ports: TCP (6),
 * UDP (17), SCTP (132), UDP-Lite (136). The parser reads ports only from these, a flow's
 * reverse swaps them only for these, and endpoints are written with a port only for these. */
static inline bool steer_proto_has_ports(unsigned proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

/* "icmp", "tcp", "udp", "gre", "esp", "icmp6", "sctp", "udplite"; NULL for another number. */
const char *steer_proto_name(unsigned proto);

/* The name, or "proto-N" for a number without one, into buf (STEER_PROTO_STRLEN bytes);
 * returns buf. */
#define STEER_PROTO_STRLEN 12
char *steer_proto_text(unsigned proto, char *buf);

/* A protocol by name (case-insensitive; "ipv6-icmp" is icmp6 too). Returns 0 with *proto set,
 * or STEER_EINVAL. Numbers are the caller's to parse. */
int steer_proto_from_name(const char *name, uint8_t *proto);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
