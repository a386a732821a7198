/* SPDX-License-Identifier: BSD-2-Clause */
/* test_flowkey.c: flow keys from parsed packets (IP, VLAN in the key, non-IP, nothing read), and
 * their reversal and canonical order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include <steer/flowkey.h>
#include <steer/packet.h>

#include "hash_keys.h"

/* ---- flow keys ---- */

static struct steer_pkt pkt_ipv4_tcp(void)
{
	struct steer_pkt p;
	memset(&p, 0, sizeof(p));
	p.flags = STEER_F_L2 | STEER_F_PORTS;
	p.family = 4;
	p.proto = 6;
	p.sport = 40000;
	p.dport = 443;
	const uint8_t s[4] = {10, 0, 0, 1}, d[4] = {192, 0, 2, 10};
	memcpy(p.src, s, 4);
	memcpy(p.dst, d, 4);
	p.eth_off = 0;
	p.l3_off = 14;
	p.l4_off = 34;
	const uint8_t md[6] = {2, 0, 0, 0, 0, 1}, ms[6] = {2, 0, 0, 0, 0, 2};
	memcpy(p.mac_dst, md, 6);
	memcpy(p.mac_src, ms, 6);
	return p;
}

static void flow_key_from_pkt(void **state)
{
	(void)state;
	struct steer_flow_key k, want;
	struct steer_pkt p = pkt_ipv4_tcp();

	memset(&k, 0xaa, sizeof(k)); /* garbage in: from_pkt must write every byte */
	steer_flow_key_from_pkt(&p, false, &k);
	want = key_ip("10.0.0.1", 40000, "192.0.2.10", 443, 6);
	assert_memory_equal(&k, &want, sizeof(k));

	/* No STEER_F_PORTS (a later fragment, or truncated L4): ports are 0 whatever p says. */
	p.flags &= ~(uint32_t)STEER_F_PORTS;
	memset(&k, 0xaa, sizeof(k));
	steer_flow_key_from_pkt(&p, true, &k);
	want.sport = want.dport = 0;
	assert_memory_equal(&k, &want, sizeof(k));

	/* VLAN: in the key only with vlan_in_key and a tag. */
	p = pkt_ipv4_tcp();
	p.flags |= STEER_F_VLAN | STEER_F_QINQ;
	p.vlan[0] = 100;
	p.vlan[1] = 200;
	p.nvlan = 2;
	want = key_ip("10.0.0.1", 40000, "192.0.2.10", 443, 6);
	steer_flow_key_from_pkt(&p, false, &k);
	assert_memory_equal(&k, &want, sizeof(k));
	steer_flow_key_from_pkt(&p, true, &k);
	want.vlan = 100; /* the outermost */
	assert_memory_equal(&k, &want, sizeof(k));
	p.flags &= ~(uint32_t)STEER_F_VLAN; /* no tag: vlan[] is not trusted */
	steer_flow_key_from_pkt(&p, true, &k);
	want.vlan = 0;
	assert_memory_equal(&k, &want, sizeof(k));

	/* IPv6 */
	memset(&p, 0, sizeof(p));
	p.flags = STEER_F_PORTS;
	p.family = 6;
	p.proto = 17;
	p.sport = 5353;
	p.dport = 53;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", p.src), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", p.dst), 1);
	p.eth_off = -1;
	steer_flow_key_from_pkt(&p, true, &k);
	want = key_ip("2001:db8::1", 5353, "2001:db8::2", 53, 17);
	assert_memory_equal(&k, &want, sizeof(k));
}

static void flow_key_non_ip(void **state)
{
	(void)state;
	struct steer_flow_key k, want;
	struct steer_pkt p;
	const uint8_t md[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t ms[6] = {0x02, 0x42, 0xac, 0x11, 0x00, 0x02};

	/* ARP on Ethernet: both MACs, family 0. */
	memset(&p, 0, sizeof(p));
	p.flags = STEER_F_L2 | STEER_F_VLAN;
	p.vlan[0] = 42;
	p.eth_off = 0;
	memcpy(p.mac_dst, md, 6);
	memcpy(p.mac_src, ms, 6);
	memset(&k, 0xaa, sizeof(k));
	steer_flow_key_from_pkt(&p, false, &k);
	want = key_mac(ms, md);
	assert_memory_equal(&k, &want, sizeof(k));
	steer_flow_key_from_pkt(&p, true, &k);
	want.vlan = 42;
	assert_memory_equal(&k, &want, sizeof(k));

	/* Linux cooked capture: a source MAC only (eth_off -1). */
	p.eth_off = -1;
	p.flags = STEER_F_L2;
	steer_flow_key_from_pkt(&p, true, &k);
	const uint8_t zero[6] = {0};
	want = key_mac(ms, zero);
	assert_memory_equal(&k, &want, sizeof(k));

	/* Nothing read (a raw-IP capture cut before the addresses): the all-zero key. */
	memset(&p, 0, sizeof(p));
	p.eth_off = -1;
	p.flags = STEER_F_VLAN; /* even a stray flag adds nothing without L2 */
	p.vlan[0] = 9;
	memset(&k, 0xaa, sizeof(k));
	steer_flow_key_from_pkt(&p, true, &k);
	memset(&want, 0, sizeof(want));
	assert_memory_equal(&k, &want, sizeof(k));
}

static void flow_key_canon_reverse(void **state)
{
	(void)state;
	struct steer_flow_key a = key_ip("192.0.2.10", 443, "10.0.0.1", 40000, 6), b = a, orig = a;

	/* reverse twice is the identity; reverse swaps address and port together */
	steer_flow_key_reverse(&b);
	struct steer_flow_key want = key_ip("10.0.0.1", 40000, "192.0.2.10", 443, 6);
	assert_memory_equal(&b, &want, sizeof(b));
	steer_flow_key_reverse(&b);
	assert_memory_equal(&b, &orig, sizeof(b));

	/* canon: the smaller address first; true when it swapped */
	assert_true(steer_flow_key_canon(&a));
	assert_memory_equal(&a, &want, sizeof(a));
	assert_false(steer_flow_key_canon(&a));
	assert_memory_equal(&a, &want, sizeof(a));

	/* equal addresses: by port */
	a = key_ip("10.0.0.1", 9000, "10.0.0.1", 80, 17);
	assert_true(steer_flow_key_canon(&a));
	assert_int_equal(a.sport, 80);
	assert_int_equal(a.dport, 9000);
	/* the address decides before the port, byte order as memcmp */
	a = key_ip("10.0.0.2", 1, "10.0.1.1", 65535, 6);
	assert_false(steer_flow_key_canon(&a));
	a = key_ip("2001:db8::1:0", 1, "2001:db8::ff", 2, 6); /* differs in the low 64 bits */
	assert_true(steer_flow_key_canon(&a));
	assert_int_equal(a.sport, 2);
	/* identical endpoints: nothing to do */
	a = key_ip("10.0.0.1", 7, "10.0.0.1", 7, 6);
	assert_false(steer_flow_key_canon(&a));

	/* both directions of random keys reach the same canonical key */
	rnd_seed(3);
	for (int i = 0; i < PROPERTY_N; i++) {
		struct steer_flow_key k = key_random(), r = k;
		steer_flow_key_reverse(&r);
		bool sk = steer_flow_key_canon(&k), sr = steer_flow_key_canon(&r);
		assert_memory_equal(&k, &r, sizeof(k));
		int c = memcmp(k.src, k.dst, 16);
		assert_true(c < 0 || (c == 0 && k.sport <= k.dport));
		/* exactly one direction swapped, unless the endpoints are equal */
		if (memcmp(k.src, k.dst, 16) != 0 || k.sport != k.dport)
			assert_true(sk != sr);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(flow_key_from_pkt),
	    cmocka_unit_test(flow_key_non_ip),
	    cmocka_unit_test(flow_key_canon_reverse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
