/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_parse.c: libFuzzer target for steer_parse(): byte 0 picks the link type (low bits, one of
 * five) and inner (0x80), the rest is the frame; invariants are checked with abort(). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/packet.h>
#include <steer/worker.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define L2_FLAGS (STEER_F_L2 | STEER_F_VLAN | STEER_F_QINQ | STEER_F_MPLS | STEER_F_PPPOE)

/* tests/steering/test_parse.c writes seeds with the same table. */
static const int links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW, STEER_LINK_LINUX_SLL,
                            STEER_LINK_IPV4, STEER_LINK_IPV6};

static void check(bool cond)
{
	if (!cond)
		abort();
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool carries_ports(unsigned proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static void check_invariants(int link, bool inner, size_t n, int st, const struct steer_pkt *p)
{
	size_t hdr = p->family == 4 ? 20 : 40;

	check(st == STEER_PKT_IP || st == STEER_PKT_NONIP || st == STEER_PKT_TRUNC ||
	      st == STEER_PKT_INVALID);
	check((st == STEER_PKT_IP) == (p->family != 0));
	check(p->family == 0 || p->family == 4 || p->family == 6);
	if (st != STEER_PKT_IP) {
		check((p->flags & ~(uint32_t)L2_FLAGS) == 0);
		check(p->proto == 0 && p->sport == 0 && p->dport == 0);
		check(all_zero(p->src, 16) && all_zero(p->dst, 16));
		check(p->frag_id == 0 && p->frag_offset == 0 && p->tunnel == 0);
		check(p->l3_off == 0 && p->l4_off == 0);
	} else {
		check(p->l3_off + hdr <= n);
		check(p->l4_off == 0 || (p->l4_off >= p->l3_off + hdr && p->l4_off <= n));
		if (p->family == 4)
			check(all_zero(p->src + 4, 12) && all_zero(p->dst + 4, 12));
	}
	if (p->flags & STEER_F_PORTS) {
		check(carries_ports(p->proto));
		check(!(p->flags & STEER_F_L4_TRUNC));
		check(p->frag_offset == 0);
		check(p->l4_off != 0 && p->l4_off + 4u <= n);
	} else {
		check(p->sport == 0 && p->dport == 0);
	}
	if (p->flags & STEER_F_FRAG_FIRST)
		check((p->flags & STEER_F_FRAG) && p->frag_offset == 0);
	if (!(p->flags & STEER_F_FRAG))
		check(p->frag_id == 0 && p->frag_offset == 0);
	if (p->family == 4)
		check(p->frag_id <= 0xffff);
	check(p->frag_offset <= 0x1fff);
	check(!!(p->flags & STEER_F_VLAN) == (p->nvlan > 0));
	check(!!(p->flags & STEER_F_QINQ) == (p->nvlan > 1));
	check(p->vlan[0] <= 0xfff && p->vlan[1] <= 0xfff);
	if (p->nvlan < 2)
		check(p->vlan[1] == 0);
	if (p->nvlan < 1)
		check(p->vlan[0] == 0);
	check(!!(p->flags & STEER_F_TUNNEL) == (p->tunnel != 0));
	check(p->tunnel < STEER_TUNNEL_COUNT);
	if (p->flags & (STEER_F_TUNNEL | STEER_F_INNER_BAD))
		check(inner);
	check(p->eth_off == -1 || p->eth_off == 0);
	check((p->eth_off == 0) == (link == STEER_LINK_ETHERNET && (p->flags & STEER_F_L2)));
	if (!(p->flags & STEER_F_L2))
		check(all_zero(p->mac_src, 6));
	if (p->eth_off != 0)
		check(all_zero(p->mac_dst, 6));
	if (link != STEER_LINK_ETHERNET && link != STEER_LINK_LINUX_SLL)
		check((p->flags & L2_FLAGS) == 0 && p->nvlan == 0);
	check(p->flags < STEER_F_IP_OPTIONS << 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct steer_pkt p, again, outer;
	const uint8_t *frame;
	bool inner;
	int link, st;

	if (size < 1)
		return 0;
	link = links[(data[0] & 0x7f) % (sizeof(links) / sizeof(links[0]))];
	inner = data[0] & 0x80;
	frame = size > 1 ? data + 1 : NULL;
	size--;

	/* *out is fully written: two parses over different garbage agree byte for byte. */
	memset(&p, 0xa5, sizeof(p));
	memset(&again, 0x5a, sizeof(again));
	st = steer_parse(link, frame, size, inner, &p);
	check(steer_parse(link, frame, size, inner, &again) == st);
	check(memcmp(&p, &again, sizeof(p)) == 0);
	check_invariants(link, inner, size, st, &p);

	/* Decapsulation never changes the status or the outer frame; when it does not take an
	 * inner tuple, the result is the outer parse (plus INNER_BAD). */
	st = steer_parse(link, frame, size, false, &outer);
	check(st == steer_parse(link, frame, size, true, &p));
	check_invariants(link, false, size, st, &outer);
	check((outer.flags & L2_FLAGS) == (p.flags & L2_FLAGS));
	check(outer.nvlan == p.nvlan && memcmp(outer.vlan, p.vlan, sizeof(p.vlan)) == 0);
	check(outer.eth_off == p.eth_off);
	check(memcmp(outer.mac_dst, p.mac_dst, 6) == 0 && memcmp(outer.mac_src, p.mac_src, 6) == 0);
	if (!(p.flags & STEER_F_TUNNEL)) {
		p.flags &= ~(uint32_t)STEER_F_INNER_BAD;
		check(memcmp(&outer, &p, sizeof(p)) == 0);
	} else {
		check(p.l3_off > outer.l3_off);
	}
	/* The lb_procs split reads the same bytes at fixed offsets: always a process in range. */
	check(steer_proc_of(link, frame, (uint32_t)size, 7) < 7);
	return 0;
}
