/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_cases.h: private to test_parse: the frames steer_parse() is tested on, one builder and one
 * expected result per case: well-formed frames of every encapsulation (parse_cases.c) and hostile
 * ones (parse_hostile.c). */
#ifndef STEER_TEST_PARSE_CASES_H
#define STEER_TEST_PARSE_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/packet.h>

#include "frame.h"

struct pcase {
	const char *name; /* also the seed file name */
	int link;
	bool inner;
	void (*build)(struct tframe *f);
	int status;
	uint32_t flags;
	uint8_t family, proto;
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t nvlan;
	uint16_t vlan0, vlan1;
	uint32_t frag_id;
	uint16_t frag_offset;
	uint8_t tunnel;
	int16_t eth_off;
	uint16_t l3_off, l4_off;
	uint16_t need;     /* shortest caplen with a status other than STEER_PKT_TRUNC */
	uint16_t outer_l3; /* with a tunnel: the outer IP header's offset */
	bool hostile;      /* truncations are only checked against the invariants */
};

extern const struct pcase parse_cases[], parse_hostile[];
extern const size_t parse_ncases, parse_nhostile;

/* Addresses of the outer and the inner (tunnelled) packets. */
#define V4A  "10.0.0.1"
#define V4B  "10.0.0.2"
#define V4IA "192.168.1.1"
#define V4IB "192.168.1.2"
#define V6A  "2001:db8::1"
#define V6B  "2001:db8::2"
#define V6IA "fd00::1"
#define V6IB "fd00::2"

/* Short names for the tables. */
#define ETH   STEER_LINK_ETHERNET
#define SLL   STEER_LINK_LINUX_SLL
#define IP    STEER_PKT_IP
#define L2    STEER_F_L2
#define PORTS STEER_F_PORTS

#endif
