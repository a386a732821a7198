/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/lib/parse_check.h: what steer_parse() guarantees for any input (steer/packet.h), checked
 * by the unit test on every cut of every frame (tests/steering/test_parse.c) and by the fuzz
 * target on every input (tests/fuzz/fuzz_parse.c): one checker, so the two cannot drift. */
#ifndef STEER_TEST_PARSE_CHECK_H
#define STEER_TEST_PARSE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <steer/packet.h>

/* The flags that describe the link layer (all a non-IP result may carry). */
#define PARSE_L2_FLAGS                                                                             \
	(STEER_F_L2 | STEER_F_VLAN | STEER_F_QINQ | STEER_F_MPLS | STEER_F_PPPOE |                 \
	 STEER_F_TAG_AD | STEER_F_TAG_9100 | STEER_F_L2_WRAP)

/* Checks *p, the result st of steer_parse(link, frame, n, inner, p) for a supported link type.
 * Returns NULL when every invariant holds, else the first one broken, as C text. */
const char *parse_check_invariants(int link, bool inner, size_t n, int st,
                                   const struct steer_pkt *p);

/* Whether every byte of p[0..n) is zero; whether an IP protocol carries ports (TCP, UDP, SCTP,
 * UDP-Lite) as steer_parse reads them. */
bool parse_check_all_zero(const void *p, size_t n);
bool parse_check_carries_ports(unsigned proto);

/* The fuzz input's link selector: fuzz_parse's byte 0, low 7 bits modulo parse_fuzz_nlinks,
 * indexes this table (0x80 asks for the inner tuple); test_parse writes its seeds with it. */
extern const int parse_fuzz_links[];
extern const size_t parse_fuzz_nlinks;

#endif
