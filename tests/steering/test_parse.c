/* SPDX-License-Identifier: BSD-2-Clause */
/* test_parse.c: steer_parse() on one frame per encapsulation (parse_cases.c), on every truncation
 * of each frame (exact-size buffers, so ASan sees any over-read) and on hostile frames
 * (parse_hostile.c); every result is held to the invariants the fuzz target also checks
 * (tests/lib/parse_check.c). With STEER_WRITE_CORPUS=<dir> set, the write_corpus test also saves
 * each frame as a seed for tests/fuzz/fuzz_parse.c (tests/fuzz/corpus/parse/ is made that way). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/packet.h>

#include "frame.h"
#include "parse_cases.h"
#include "parse_check.h"

/* The case of that name (in either table). */
static const struct pcase *case_named(const char *name)
{
	for (size_t i = 0; i < parse_ncases; i++)
		if (strcmp(parse_cases[i].name, name) == 0)
			return &parse_cases[i];
	for (size_t i = 0; i < parse_nhostile; i++)
		if (strcmp(parse_hostile[i].name, name) == 0)
			return &parse_hostile[i];
	fail_msg("no case '%s'", name);
	return NULL;
}

/* Parses an exact-size copy of frame[0..n) (NULL when n is 0), twice over differently
 * pre-filled structs: both results must match, so every byte of *out is written. */
static int parse_copy(int link, const uint8_t *frame, size_t n, bool inner, struct steer_pkt *out)
{
	uint8_t *copy = NULL;
	struct steer_pkt again;
	int st, st2;

	if (n) {
		copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, frame, n);
	}
	memset(out, 0xa5, sizeof(*out));
	memset(&again, 0x5a, sizeof(again));
	st = steer_parse(link, copy, n, inner, out);
	st2 = steer_parse(link, copy, n, inner, &again);
	free(copy);
	assert_int_equal(st, st2);
	assert_memory_equal(out, &again, sizeof(again));
	return st;
}

#define expect(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg("%s, caplen %zu: expected %s", name, n, #cond);                   \
	} while (0)

/* What holds for any frame of a supported link type: tests/lib/parse_check.c, shared with the
 * fuzz target. */
static void check_invariants(const char *name, int link, bool inner, size_t n, int st,
                             const struct steer_pkt *p)
{
	const char *broken = parse_check_invariants(link, inner, n, st, p);
	if (broken)
		fail_msg("%s, caplen %zu: expected %s", name, n, broken);
}

/* The full frame: every field as the table says. */
static void check_exact(const struct pcase *t, size_t n, int st, const struct steer_pkt *p)
{
	const char *name = t->name;
	uint8_t src[16], dst[16];

	check_invariants(name, t->link, t->inner, n, st, p);
	tf_addr16(src, t->src);
	tf_addr16(dst, t->dst);
	assert_int_equal(st, t->status);
	assert_int_equal(p->flags, t->flags);
	assert_int_equal(p->family, t->family);
	assert_int_equal(p->proto, t->proto);
	assert_memory_equal(p->src, src, 16);
	assert_memory_equal(p->dst, dst, 16);
	assert_int_equal(p->sport, t->sport);
	assert_int_equal(p->dport, t->dport);
	assert_int_equal(p->nvlan, t->nvlan);
	assert_int_equal(p->vlan[0], t->vlan0);
	assert_int_equal(p->vlan[1], t->vlan1);
	assert_int_equal(p->frag_id, t->frag_id);
	assert_int_equal(p->frag_offset, t->frag_offset);
	assert_int_equal(p->tunnel, t->tunnel);
	assert_int_equal(p->eth_off, t->eth_off);
	assert_int_equal(p->l3_off, t->l3_off);
	assert_int_equal(p->l4_off, t->l4_off);
	if (!(t->flags & STEER_F_L2)) {
		expect(parse_check_all_zero(p->mac_dst, 6) && parse_check_all_zero(p->mac_src, 6));
	} else if (t->link == STEER_LINK_LINUX_SLL) {
		expect(parse_check_all_zero(p->mac_dst, 6));
		assert_memory_equal(p->mac_src, tf_sll_mac, 6);
	} else {
		assert_memory_equal(p->mac_dst, tf_mac_d, 6);
		assert_memory_equal(p->mac_src, tf_mac_s, 6);
	}
}

/* A cut of a well-formed frame: TRUNC before `need`, then the full result as far as the bytes
 * go: the addresses once they are in, the L4 offset once the IP headers are, ports once the
 * four port bytes are, and the inner tuple once the inner addresses are. */
static void check_cut(const struct pcase *t, const struct steer_pkt *full, size_t n, int st,
                      const struct steer_pkt *p)
{
	const char *name = t->name;

	check_invariants(name, t->link, t->inner, n, st, p);
	if (t->hostile)
		return;
	if (n < t->need) {
		expect(st == STEER_PKT_TRUNC);
		if (p->flags & STEER_F_VLAN)
			expect(p->vlan[0] == full->vlan[0]);
		return;
	}
	expect(st == t->status);
	expect((p->flags & PARSE_L2_FLAGS) == (full->flags & PARSE_L2_FLAGS));
	expect(p->nvlan == full->nvlan && p->vlan[0] == full->vlan[0] &&
	       p->vlan[1] == full->vlan[1]);
	expect(memcmp(p->mac_dst, full->mac_dst, 6) == 0);
	expect(memcmp(p->mac_src, full->mac_src, 6) == 0);
	expect(p->eth_off == full->eth_off);
	if (st != STEER_PKT_IP)
		return;

	if (full->flags & STEER_F_TUNNEL) {
		size_t inner_need = full->l3_off + (full->family == 4 ? 20u : 40u);

		if (!(p->flags & STEER_F_TUNNEL)) {
			expect(n < inner_need);
			expect(p->l3_off == t->outer_l3);
			return;
		}
		expect(p->family == full->family && p->l3_off == full->l3_off);
		expect(memcmp(p->src, full->src, 16) == 0 && memcmp(p->dst, full->dst, 16) == 0);
		expect(p->tunnel == full->tunnel);
		if ((full->flags & STEER_F_PORTS) && n >= full->l4_off + 4u)
			expect((p->flags & STEER_F_PORTS) && p->sport == full->sport &&
			       p->dport == full->dport);
		return;
	}

	expect(p->family == full->family && p->l3_off == full->l3_off);
	expect(memcmp(p->src, full->src, 16) == 0 && memcmp(p->dst, full->dst, 16) == 0);
	if (n < full->l4_off) {
		/* IPv4 options or IPv6 extension headers cut off. */
		expect(p->l4_off == 0 && !(p->flags & STEER_F_PORTS));
		if (p->family == 4)
			expect(p->proto == full->proto &&
			       !!(p->flags & STEER_F_L4_TRUNC) ==
			           (parse_check_carries_ports(p->proto) && p->frag_offset == 0));
		else
			expect(p->flags & STEER_F_L4_TRUNC);
		return;
	}
	uint32_t want = full->flags & ~(uint32_t)STEER_F_INNER_BAD;

	expect(p->proto == full->proto && p->l4_off == full->l4_off);
	expect(p->frag_id == full->frag_id && p->frag_offset == full->frag_offset);
	if ((full->flags & STEER_F_PORTS) && n < full->l4_off + 4u)
		want = (want & ~(uint32_t)STEER_F_PORTS) | STEER_F_L4_TRUNC;
	else
		expect(p->sport == full->sport && p->dport == full->dport);
	/* INNER_BAD comes and goes as a tunnel header is cut: not compared. */
	expect((p->flags & ~(uint32_t)STEER_F_INNER_BAD) == want);
}
static void test_case(void **state)
{
	const struct pcase *t = *state;
	struct tframe f = {.n = 0};
	struct steer_pkt full, p;
	int st;

	t->build(&f);
	st = parse_copy(t->link, f.b, f.n, t->inner, &full);
	check_exact(t, f.n, st, &full);
	for (size_t n = 0; n < f.n; n++) {
		st = parse_copy(t->link, f.b, n, t->inner, &p);
		check_cut(t, &full, n, st, &p);
	}
}

static void caplen_zero(void **state)
{
	static const int links[] = {STEER_LINK_ETHERNET, STEER_LINK_RAW, STEER_LINK_LINUX_SLL,
	                            STEER_LINK_IPV4, STEER_LINK_IPV6};
	static const uint8_t byte = 0x45;
	struct steer_pkt p, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	zero.eth_off = -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (int inner = 0; inner < 2; inner++) {
			memset(&p, 0xff, sizeof(p));
			assert_int_equal(steer_parse(links[i], NULL, 0, inner, &p),
			                 STEER_PKT_TRUNC);
			assert_memory_equal(&p, &zero, sizeof(p));
			/* A NULL frame is empty whatever caplen says. */
			memset(&p, 0xff, sizeof(p));
			assert_int_equal(steer_parse(links[i], NULL, 1500, inner, &p),
			                 STEER_PKT_TRUNC);
			assert_memory_equal(&p, &zero, sizeof(p));
			memset(&p, 0xff, sizeof(p));
			assert_int_equal(steer_parse(links[i], &byte, 0, inner, &p),
			                 STEER_PKT_TRUNC);
			assert_memory_equal(&p, &zero, sizeof(p));
		}
	}
}

static void unsupported_link(void **state)
{
	struct tframe f = {.n = 0};
	struct steer_pkt p, zero;
	static const int links[] = {276, -1};

	(void)state;
	case_named("eth-ipv4-tcp")->build(&f);
	memset(&zero, 0, sizeof(zero));
	zero.eth_off = -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		memset(&p, 0xff, sizeof(p));
		assert_int_equal(steer_parse(links[i], f.b, f.n, true, &p),
		                 STEER_PKT_UNSUPPORTED_LINK);
		assert_memory_equal(&p, &zero, sizeof(p));
	}
}

/* Headers are only looked for in the first 65535 bytes (the offsets are 16-bit). */
static void oversized_capture(void **state)
{
	enum { BIG = 70000 };
	uint8_t *b = calloc(1, BIG);
	struct tframe f = {.n = 0};
	struct steer_pkt p;

	(void)state;
	assert_non_null(b);
	case_named("eth-ipv4-tcp")->build(&f);
	memcpy(b, f.b, f.n);
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, b, BIG, false, &p), STEER_PKT_IP);
	assert_int_equal(p.flags, STEER_F_L2 | STEER_F_PORTS);
	assert_int_equal(p.dport, 80);
	/* 16383 tags and more: cut by the walk bound long before the 64 KiB limit. */
	memset(b, 0, BIG);
	for (size_t i = 12; i + 4 <= BIG; i += 4) {
		b[i] = 0x81;
		b[i + 3] = 1;
	}
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, b, BIG, false, &p), STEER_PKT_INVALID);
	assert_int_equal(p.nvlan, 8);
	free(b);
}

static void status_names(void **state)
{
	(void)state;
	assert_string_equal(steer_parse_status_name(STEER_PKT_IP), "ip");
	assert_string_equal(steer_parse_status_name(STEER_PKT_NONIP), "non-ip");
	assert_string_equal(steer_parse_status_name(STEER_PKT_TRUNC), "truncated");
	assert_string_equal(steer_parse_status_name(STEER_PKT_INVALID), "invalid");
	assert_string_equal(steer_parse_status_name(STEER_PKT_UNSUPPORTED_LINK),
	                    "unsupported-link");
	assert_string_equal(steer_parse_status_name(99), "unknown");
	assert_string_equal(steer_parse_status_name(-1), "unknown");
}

/* tests/fuzz/fuzz_parse.c: first byte = index into its link table, 0x80 = inner. */
static unsigned fuzz_selector(int link, bool inner)
{
	unsigned i = 0;

	while (parse_fuzz_links[i] != link)
		i++;
	return i | (inner ? 0x80u : 0);
}

static void write_corpus(void **state)
{
	const char *dir = getenv("STEER_WRITE_CORPUS");
	char path[4096];

	(void)state;
	if (!dir)
		skip();
	for (size_t i = 0; i < parse_ncases + parse_nhostile; i++) {
		const struct pcase *c =
		    i < parse_ncases ? &parse_cases[i] : &parse_hostile[i - parse_ncases];
		struct tframe f = {.n = 0};
		FILE *out;

		c->build(&f);
		snprintf(path, sizeof(path), "%s/%s.bin", dir, c->name);
		out = fopen(path, "wb");
		assert_non_null(out);
		assert_int_equal(fputc((int)fuzz_selector(c->link, c->inner), out),
		                 (int)fuzz_selector(c->link, c->inner));
		assert_int_equal(fwrite(f.b, 1, f.n, out), f.n);
		assert_int_equal(fclose(out), 0);
	}
}

int main(void)
{
	struct CMUnitTest *tests = calloc(parse_ncases + parse_nhostile + 5, sizeof(*tests));
	size_t n = 0;

	if (!tests)
		return 1;
	for (size_t i = 0; i < parse_ncases; i++)
		tests[n++] = (struct CMUnitTest){parse_cases[i].name, test_case, NULL, NULL,
		                                 (void *)&parse_cases[i]};
	for (size_t i = 0; i < parse_nhostile; i++)
		tests[n++] = (struct CMUnitTest){parse_hostile[i].name, test_case, NULL, NULL,
		                                 (void *)&parse_hostile[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(caplen_zero);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(unsupported_link);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(oversized_capture);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(status_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(write_corpus);
	int rc = _cmocka_run_group_tests("test_parse", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
