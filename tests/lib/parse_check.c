/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/lib/parse_check.c: the invariants of steer_parse() (see parse_check.h). */
#include <stdint.h>

#include "parse_check.h"

const int parse_fuzz_links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW, STEER_LINK_LINUX_SLL,
                                STEER_LINK_IPV4, STEER_LINK_IPV6};
const size_t parse_fuzz_nlinks = sizeof(parse_fuzz_links) / sizeof(parse_fuzz_links[0]);

bool parse_check_carries_ports(unsigned proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

bool parse_check_all_zero(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const uint8_t *)p)[i])
			return false;
	return true;
}

/* Returns the condition's text from the checker when it does not hold. */
#define expect(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return #cond;                                                              \
	} while (0)

const char *parse_check_invariants(int link, bool inner, size_t n, int st,
                                   const struct steer_pkt *p)
{
	size_t hdr = p->family == 4 ? 20 : 40;

	expect(st == STEER_PKT_IP || st == STEER_PKT_NONIP || st == STEER_PKT_TRUNC ||
	       st == STEER_PKT_INVALID);
	expect((st == STEER_PKT_IP) == (p->family != 0));
	expect(p->family == 0 || p->family == 4 || p->family == 6);
	if (st != STEER_PKT_IP) {
		expect((p->flags & ~(uint32_t)PARSE_L2_FLAGS) == 0);
		expect(p->proto == 0 && p->sport == 0 && p->dport == 0);
		expect(parse_check_all_zero(p->src, 16) && parse_check_all_zero(p->dst, 16));
		expect(p->frag_id == 0 && p->frag_offset == 0 && p->tunnel == 0);
		expect(p->l3_off == 0 && p->l4_off == 0);
	} else {
		expect(p->l3_off + hdr <= n);
		expect(p->l4_off == 0 || (p->l4_off >= p->l3_off + hdr && p->l4_off <= n));
		if (p->family == 4)
			expect(parse_check_all_zero(p->src + 4, 12) &&
			       parse_check_all_zero(p->dst + 4, 12));
	}
	if (p->flags & STEER_F_PORTS) {
		expect(parse_check_carries_ports(p->proto));
		expect(!(p->flags & STEER_F_L4_TRUNC));
		expect(p->frag_offset == 0);
		expect(p->l4_off != 0 && p->l4_off + 4u <= n);
	} else {
		expect(p->sport == 0 && p->dport == 0);
	}
	if (p->flags & STEER_F_FRAG_FIRST)
		expect((p->flags & STEER_F_FRAG) && p->frag_offset == 0);
	if (!(p->flags & STEER_F_FRAG))
		expect(p->frag_id == 0 && p->frag_offset == 0);
	if (!(p->flags & STEER_F_FRAG) || p->frag_offset == 0)
		expect(p->frag_head == 0); /* only a later fragment's data is read for it */
	if (p->family == 4)
		expect(p->frag_id <= 0xffff);
	expect(p->frag_offset <= 0x1fff);
	expect(!!(p->flags & STEER_F_VLAN) == (p->nvlan > 0));
	expect(!!(p->flags & STEER_F_QINQ) == (p->nvlan > 1));
	expect(p->vlan[0] <= 0xfff && p->vlan[1] <= 0xfff);
	if (p->nvlan < 2)
		expect(p->vlan[1] == 0);
	if (p->nvlan < 1)
		expect(p->vlan[0] == 0);
	expect(!!(p->flags & STEER_F_TUNNEL) == (p->tunnel != 0));
	expect(p->tunnel < STEER_TUNNEL_COUNT);
	if (p->flags & (STEER_F_TUNNEL | STEER_F_INNER_BAD))
		expect(inner);
	expect(p->eth_off == -1 || p->eth_off == 0);
	expect((p->eth_off == 0) == (link == STEER_LINK_ETHERNET && (p->flags & STEER_F_L2)));
	if (!(p->flags & STEER_F_L2))
		expect(parse_check_all_zero(p->mac_src, 6));
	if (p->eth_off != 0)
		expect(parse_check_all_zero(p->mac_dst, 6));
	if (link != STEER_LINK_ETHERNET && link != STEER_LINK_LINUX_SLL)
		expect((p->flags & PARSE_L2_FLAGS) == 0 && p->nvlan == 0);
	expect(p->flags < STEER_F_L2_WRAP << 1); /* no flag beyond the last one defined */
	return NULL;
}
