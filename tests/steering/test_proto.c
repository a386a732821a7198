/* SPDX-License-Identifier: BSD-2-Clause */
/* test_proto.c: protocol names and ports (steer/proto.h), a flow's other direction and flows as
 * text (steer/flowkey.h), {value, "name"} tables (steer/names.h), splitmix64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/error.h>
#include <steer/flowkey.h>
#include <steer/names.h>
#include <steer/proto.h>
#include <steer/splitmix.h>

static void protocols(void **state)
{
	(void)state;
	static const struct {
		unsigned num;
		bool ports;
		const char *name, *text;
	} v[] = {
		{1, false, "icmp", "icmp"},       {6, true, "tcp", "tcp"},
		{17, true, "udp", "udp"},         {47, false, "gre", "gre"},
		{50, false, "esp", "esp"},        {58, false, "icmp6", "icmp6"},
		{132, true, "sctp", "sctp"},      {136, true, "udplite", "udplite"},
		{0, false, NULL, "proto-0"},      {99, false, NULL, "proto-99"},
		{255, false, NULL, "proto-255"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char buf[STEER_PROTO_STRLEN];
		assert_int_equal(steer_proto_has_ports(v[i].num), v[i].ports);
		if (v[i].name)
			assert_string_equal(steer_proto_name(v[i].num), v[i].name);
		else
			assert_null(steer_proto_name(v[i].num));
		assert_string_equal(steer_proto_text(v[i].num, buf), v[i].text);
		uint8_t p = 0;
		if (v[i].name) {
			assert_int_equal(steer_proto_from_name(v[i].name, &p), 0);
			assert_int_equal(p, v[i].num);
		}
	}
	uint8_t p = 0;
	assert_int_equal(steer_proto_from_name("TCP", &p), 0);
	assert_int_equal(p, 6);
	assert_int_equal(steer_proto_from_name("ipv6-icmp", &p), 0);
	assert_int_equal(p, 58);
	assert_int_equal(steer_proto_from_name("6", &p), STEER_EINVAL);
	assert_int_equal(steer_proto_from_name("", &p), STEER_EINVAL);
	assert_int_equal(steer_proto_from_name("a-name-longer-than-any", &p), STEER_EINVAL);
}

static struct steer_flow_key key(uint8_t family, uint8_t proto, const char *src,
                                 const char *dst, uint16_t sp, uint16_t dp)
{
	struct steer_flow_key k;
	memset(&k, 0, sizeof(k));
	k.family = family;
	k.proto = proto;
	k.sport = sp;
	k.dport = dp;
	size_t n = family == 6 ? 16 : family == 4 ? 4 : 6;
	memcpy(k.src, src, n);
	memcpy(k.dst, dst, n);
	return k;
}

static void flow_text(void **state)
{
	(void)state;
	char buf[STEER_FLOW_STRLEN], ep[STEER_ENDPOINT_STRLEN];
	struct steer_flow_key k = key(4, 6, "\x0a\x00\x00\x01", "\xc0\x00\x02\x07", 51000, 443);
	assert_string_equal(steer_flow_key_format(&k, buf), "tcp 10.0.0.1:51000 <-> 192.0.2.7:443");
	assert_string_equal(steer_flow_endpoint_format(&k, true, ep), "192.0.2.7:443");
	k.vlan = 12;
	assert_string_equal(steer_flow_key_format(&k, buf),
	                    "tcp 10.0.0.1:51000 <-> 192.0.2.7:443 vlan 12");
	/* no ports written for a protocol without them, whatever the key holds */
	k = key(4, 1, "\x0a\x00\x00\x01", "\xc0\x00\x02\x07", 7, 9);
	assert_string_equal(steer_flow_key_format(&k, buf), "icmp 10.0.0.1 <-> 192.0.2.7");
	k = key(4, 99, "\x0a\x00\x00\x01", "\xc0\x00\x02\x07", 0, 0);
	assert_string_equal(steer_flow_key_format(&k, buf), "proto-99 10.0.0.1 <-> 192.0.2.7");
	k = key(6, 132, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01",
	        "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 5000, 36412);
	assert_string_equal(steer_flow_key_format(&k, buf),
	                    "sctp [2001:db8::1]:5000 <-> [2001:db8::2]:36412");
	assert_string_equal(steer_flow_endpoint_format(&k, false, ep), "[2001:db8::1]:5000");
	/* the longest: two full IPv6 endpoints with ports and a VLAN fit */
	k = key(6, 17, "\x20\x01\x0d\xb8\x11\x11\x22\x22\x33\x33\x44\x44\x55\x55\x66\x66",
	        "\x20\x01\x0d\xb8\x11\x11\x22\x22\x33\x33\x44\x44\x55\x55\x66\x67", 65535, 65535);
	k.vlan = 4095;
	assert_string_equal(steer_flow_key_format(&k, buf),
	                    "udp [2001:db8:1111:2222:3333:4444:5555:6666]:65535 <-> "
	                    "[2001:db8:1111:2222:3333:4444:5555:6667]:65535 vlan 4095");
	/* non-IP: the MAC pair */
	k = key(0, 0, "\x02\x00\x00\x00\x00\x01", "\xff\xff\xff\xff\xff\xff", 0, 0);
	assert_string_equal(steer_flow_key_format(&k, buf),
	                    "non-ip 02:00:00:00:00:01 <-> ff:ff:ff:ff:ff:ff");
}

static void reverse(void **state)
{
	(void)state;
	struct steer_pkt p, r;
	memset(&p, 0, sizeof(p));
	p.flags = STEER_F_L2 | STEER_F_PORTS | STEER_F_VLAN;
	p.family = 4;
	p.proto = 6;
	memcpy(p.src, "\x0a\x00\x00\x01", 4);
	memcpy(p.dst, "\xc0\x00\x02\x07", 4);
	memcpy(p.mac_src, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(p.mac_dst, "\x02\x00\x00\x00\x00\x02", 6);
	p.sport = 51000;
	p.dport = 443;
	p.vlan[0] = 10;
	p.nvlan = 1;
	steer_pkt_reverse(&p, &r);
	assert_memory_equal(r.src, p.dst, 16);
	assert_memory_equal(r.dst, p.src, 16);
	assert_memory_equal(r.mac_src, p.mac_dst, 6);
	assert_memory_equal(r.mac_dst, p.mac_src, 6);
	assert_int_equal(r.sport, 443);
	assert_int_equal(r.dport, 51000);
	assert_int_equal(r.vlan[0], 10);
	/* the reverse of the reverse, in place, is the packet */
	steer_pkt_reverse(&r, &r);
	assert_memory_equal(&r, &p, sizeof(p));
	/* both directions give one canonical key */
	struct steer_flow_key a, b;
	steer_pkt_reverse(&p, &r);
	steer_flow_key_from_pkt(&p, false, &a);
	steer_flow_key_from_pkt(&r, false, &b);
	steer_flow_key_canon(&a);
	steer_flow_key_canon(&b);
	assert_memory_equal(&a, &b, sizeof(a));
	/* without ports (ICMP echo: what sits there is not a port), nothing to swap */
	p.flags &= ~(uint32_t)STEER_F_PORTS;
	p.proto = 1;
	p.sport = 77;
	p.dport = 1;
	steer_pkt_reverse(&p, &r);
	assert_int_equal(r.sport, 77);
	assert_int_equal(r.dport, 1);
}

static void name_tables(void **state)
{
	(void)state;
	static const struct steer_name t[] = {{3, "three"}, {1, "one"}, {3, "drei"}};
	int v = 0;
	char buf[64];
	assert_string_equal(steer_name_of(t, STEER_NAMES_LEN(t), 3, "?"), "three");
	assert_string_equal(steer_name_of(t, STEER_NAMES_LEN(t), 2, "?"), "?");
	assert_null(steer_name_of(t, STEER_NAMES_LEN(t), 2, NULL));
	assert_int_equal(steer_name_lookup(t, STEER_NAMES_LEN(t), "drei", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(steer_name_find(t, STEER_NAMES_LEN(t), "one,two", 3, &v), 0);
	assert_int_equal(v, 1);
	v = 42;
	assert_int_equal(steer_name_lookup(t, STEER_NAMES_LEN(t), "On", &v), STEER_EINVAL);
	assert_int_equal(steer_name_lookup(t, STEER_NAMES_LEN(t), NULL, &v), STEER_EINVAL);
	assert_int_equal(steer_name_find(t, STEER_NAMES_LEN(t), "thre", 4, &v), STEER_EINVAL);
	assert_int_equal(v, 42);
	assert_string_equal(steer_names_list(t, STEER_NAMES_LEN(t), buf, sizeof(buf)),
	                    "three, one or drei");
	assert_string_equal(steer_names_list(t, 1, buf, sizeof(buf)), "three");
	assert_string_equal(steer_names_list(t, STEER_NAMES_LEN(t), buf, 8), "three, ");
}

static void splitmix(void **state)
{
	(void)state;
	/* the reference implementation's first outputs from seed 0 (Vigna, splitmix64.c) */
	static const uint64_t want[] = {0xe220a8397b1dcdafull, 0x6e789e6aa1b965f4ull,
	                                0x06c45d188009454full, 0xf88bb8a8724c81ecull};
	uint64_t s = 0;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(steer_splitmix64(&s), want[i]);
	assert_int_equal(s, 4 * STEER_SPLITMIX64_GAMMA);
	assert_int_equal(steer_splitmix64_mix(STEER_SPLITMIX64_GAMMA), want[0]);
	assert_int_equal(steer_splitmix64_mix(0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(protocols),   cmocka_unit_test(flow_text),
		cmocka_unit_test(reverse),     cmocka_unit_test(name_tables),
		cmocka_unit_test(splitmix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
