/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_parse.c: libFuzzer target for steer_parse(): byte 0 picks the link type (low bits, an index
 * into parse_fuzz_links) and inner (0x80), the rest is the frame. Every result is held to the
 * invariants the unit test also checks (tests/lib/parse_check.c); a broken one aborts, naming it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/packet.h>
#include <steer/worker.h>

#include "parse_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_parse: expected %s\n", what);
		abort();
	}
}

static void check_invariants(int link, bool inner, size_t n, int st, const struct steer_pkt *p)
{
	const char *broken = parse_check_invariants(link, inner, n, st, p);
	check(broken == NULL, broken);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct steer_pkt p, again, outer;
	const uint8_t *frame;
	bool inner;
	int link, st;

	if (size < 1)
		return 0;
	link = parse_fuzz_links[(data[0] & 0x7f) % parse_fuzz_nlinks];
	inner = data[0] & 0x80;
	frame = size > 1 ? data + 1 : NULL;
	size--;

	/* *out is fully written: two parses over different garbage agree byte for byte. */
	memset(&p, 0xa5, sizeof(p));
	memset(&again, 0x5a, sizeof(again));
	st = steer_parse(link, frame, size, inner, &p);
	check(steer_parse(link, frame, size, inner, &again) == st, "the same status twice");
	check(memcmp(&p, &again, sizeof(p)) == 0, "every byte of the result written");
	check_invariants(link, inner, size, st, &p);

	/* Decapsulation never changes the status or the outer frame; when it does not take an
	 * inner tuple, the result is the outer parse (plus INNER_BAD). */
	st = steer_parse(link, frame, size, false, &outer);
	check(st == steer_parse(link, frame, size, true, &p), "inner: the outer status");
	check_invariants(link, false, size, st, &outer);
	check((outer.flags & PARSE_L2_FLAGS) == (p.flags & PARSE_L2_FLAGS), "inner: the L2 flags");
	check(outer.nvlan == p.nvlan && memcmp(outer.vlan, p.vlan, sizeof(p.vlan)) == 0,
	      "inner: the VLAN tags");
	check(outer.eth_off == p.eth_off, "inner: eth_off");
	check(memcmp(outer.mac_dst, p.mac_dst, 6) == 0 && memcmp(outer.mac_src, p.mac_src, 6) == 0,
	      "inner: the MACs");
	if (!(p.flags & STEER_F_TUNNEL)) {
		p.flags &= ~(uint32_t)STEER_F_INNER_BAD;
		check(memcmp(&outer, &p, sizeof(p)) == 0, "no tunnel: the outer parse");
	} else {
		check(p.l3_off > outer.l3_off, "a tunnel: the inner header after the outer");
	}
	/* The lb_procs split reads the same bytes at fixed offsets: always a process in range. */
	check(steer_proc_of(link, frame, (uint32_t)size, 7) < 7, "the lb_procs split in range");
	return 0;
}
