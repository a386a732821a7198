/* SPDX-License-Identifier: BSD-2-Clause */
/* test_addr.c: MAC, IP address, endpoint and CIDR text (RFC 4291, RFC 5952 section 4 vectors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/addr.h>
#include <steer/error.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void test_mac_parse(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out; /* NULL: must be rejected */
	} v[] = {
	    {"02:53:54:00:00:01", "02:53:54:00:00:01"},
	    {"AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff"},
	    {"00:1b:21:3a:4f:9c", "00:1b:21:3a:4f:9c"},
	    {"02:53:54:00:00", NULL},
	    {"02:53:54:00:00:01:02", NULL},
	    {"02:53:54-00:00:01", NULL}, /* mixed separators */
	    {"2:53:54:00:00:01", NULL},
	    {"02:53:54:00:00:0g", NULL},
	    {"02.53.54.00.00.01", NULL},
	    {"", NULL},
	    {" 02:53:54:00:00:01", NULL},
	};
	for (size_t i = 0; i < NELEM(v); i++) {
		struct steer_mac m;
		char buf[STEER_MAC_STRLEN];
		int rc = steer_mac_parse(v[i].in, &m);
		if (!v[i].out) {
			assert_int_equal(rc, STEER_EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(steer_mac_format(&m, buf), v[i].out);
	}
}

static void test_mac_bits_and_add(void **state)
{
	(void)state;
	struct steer_mac m, r;
	char buf[STEER_MAC_STRLEN];
	assert_int_equal(steer_mac_parse("02:53:54:00:00:ff", &m), 0);
	assert_true(steer_mac_is_local(&m));
	assert_false(steer_mac_is_multicast(&m));
	r = steer_mac_add(&m, 1);
	assert_string_equal(steer_mac_format(&r, buf), "02:53:54:00:01:00");
	r = steer_mac_add(&m, 0x100000000ull);
	assert_string_equal(steer_mac_format(&r, buf), "02:54:54:00:00:ff");
	assert_int_equal(steer_mac_parse("ff:ff:ff:ff:ff:ff", &m), 0);
	assert_true(steer_mac_is_multicast(&m));
	r = steer_mac_add(&m, 2); /* 48-bit wrap */
	assert_string_equal(steer_mac_format(&r, buf), "00:00:00:00:00:01");
	assert_int_equal(steer_mac_parse("00:1b:21:00:00:00", &m), 0);
	assert_false(steer_mac_is_local(&m));
}

static void test_addr_parse_format(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int family;      /* 0: must be rejected */
		const char *out; /* canonical text */
	} v[] = {
	    {"192.0.2.1", 4, "192.0.2.1"},
	    {"0.0.0.0", 4, "0.0.0.0"},
	    {"255.255.255.255", 4, "255.255.255.255"},
	    /* RFC 5952 section 4 */
	    {"2001:db8:0:0:0:0:2:1", 6, "2001:db8::2:1"},
	    {"2001:0db8::0001", 6, "2001:db8::1"},
	    {"2001:db8:0:1:1:1:1:1", 6, "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
	    {"2001:0:0:1:0:0:0:1", 6, "2001:0:0:1::1"},          /* the longest run */
	    {"2001:db8:0:0:1:0:0:1", 6, "2001:db8::1:0:0:1"},    /* the first of equal runs */
	    {"2001:DB8::1", 6, "2001:db8::1"},
	    {"::", 6, "::"},
	    {"::1", 6, "::1"},
	    {"1::", 6, "1::"},
	    {"::ffff:192.0.2.1", 6, "::ffff:192.0.2.1"}, /* section 5: mapped stays dotted */
	    {"::192.0.2.1", 6, "::c000:201"},
	    {"fd00::", 6, "fd00::"},
	    {"10.1", 0, NULL},
	    {"010.0.0.1", 0, NULL},
	    {"256.0.0.1", 0, NULL},
	    {"1.2.3.4 ", 0, NULL},
	    {"2001:db8::1::2", 0, NULL},
	    {"[2001:db8::1]", 0, NULL},
	    {"fe80::1%eth0", 0, NULL},
	    {"", 0, NULL},
	};
	for (size_t i = 0; i < NELEM(v); i++) {
		struct steer_addr a;
		char buf[STEER_ADDR_STRLEN];
		int rc = steer_addr_parse(v[i].in, &a);
		if (!v[i].family) {
			assert_int_equal(rc, STEER_EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(a.family, v[i].family);
		assert_string_equal(steer_addr_format(&a, buf), v[i].out);
		if (a.family == 4) {
			static const uint8_t zero[12];
			assert_memory_equal(a.a + 4, zero, sizeof(zero));
		}
	}
}

static void test_endpoint(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool ok;
		const char *addr;
		bool has_port;
		uint16_t port;
	} v[] = {
	    {"1.2.3.4", true, "1.2.3.4", false, 0},
	    {"1.2.3.4:80", true, "1.2.3.4", true, 80},
	    {"1.2.3.4:0", true, "1.2.3.4", true, 0},
	    {"1.2.3.4:65535", true, "1.2.3.4", true, 65535},
	    {"[2001:db8::1]:443", true, "2001:db8::1", true, 443},
	    {"[2001:db8::1]", true, "2001:db8::1", false, 0},
	    {"2001:db8::1", true, "2001:db8::1", false, 0},
	    /* without brackets the last group is part of the address, never a port */
	    {"2001:db8::1:80", true, "2001:db8::1:80", false, 0},
	    {"1.2.3.4:65536", false, NULL, false, 0},
	    {"1.2.3.4:", false, NULL, false, 0},
	    {"1.2.3.4:-1", false, NULL, false, 0},
	    {"1.2.3.4:+80", false, NULL, false, 0},
	    {"1.2.3.4: 80", false, NULL, false, 0},
	    {"1.2.3.4:80x", false, NULL, false, 0},
	    {"1.2.3.4:99999999999999999999999", false, NULL, false, 0},
	    {"[1.2.3.4]:80", false, NULL, false, 0},
	    {"[2001:db8::1]:", false, NULL, false, 0},
	    {"[2001:db8::1]80", false, NULL, false, 0},
	    {"[2001:db8::1", false, NULL, false, 0},
	    {"host:80", false, NULL, false, 0},
	    {":80", false, NULL, false, 0},
	    {"", false, NULL, false, 0},
	};
	for (size_t i = 0; i < NELEM(v); i++) {
		struct steer_addr a;
		uint16_t port = 7;
		bool hp = true;
		char buf[STEER_ADDR_STRLEN];
		int rc = steer_endpoint_parse(v[i].in, &a, &port, &hp);
		if (!v[i].ok) {
			assert_int_equal(rc, STEER_EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(steer_addr_format(&a, buf), v[i].addr);
		assert_int_equal(hp, v[i].has_port);
		assert_int_equal(port, v[i].port);
	}
}

static void test_cidr(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *net; /* NULL: rejected with err */
		unsigned len;
		const char *err;
	} v[] = {
	    {"10.0.0.0/8", "10.0.0.0", 8, NULL},
	    {"2001:db8::/32", "2001:db8::", 32, NULL},
	    {"0.0.0.0/0", "0.0.0.0", 0, NULL},
	    {"::/0", "::", 0, NULL},
	    {"192.0.2.1", "192.0.2.1", 32, NULL},
	    {"2001:db8::1", "2001:db8::1", 128, NULL},
	    {"10.0.0.128/25", "10.0.0.128", 25, NULL},
	    {"10.0.0.1/8", NULL, 0, "host bits set in 10.0.0.1/8 (did you mean 10.0.0.0/8?)"},
	    {"2001:db8::1/32", NULL, 0,
	     "host bits set in 2001:db8::1/32 (did you mean 2001:db8::/32?)"},
	    {"10.0.0.0/33", NULL, 0, "'10.0.0.0/33': the prefix length must be a number 0..32"},
	    {"2001:db8::/129", NULL, 0,
	     "'2001:db8::/129': the prefix length must be a number 0..128"},
	    {"10.0.0.0/", NULL, 0, "'10.0.0.0/': the prefix length must be a number 0..32"},
	    {"10.0.0.0/-8", NULL, 0, "'10.0.0.0/-8': the prefix length must be a number 0..32"},
	    {"10.0.0.0/8/8", NULL, 0, "'10.0.0.0/8/8': the prefix length must be a number 0..32"},
	    {"10.0.0/8", NULL, 0,
	     "'10.0.0/8' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)"},
	    {"/8", NULL, 0, "'/8' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)"},
	    {"", NULL, 0, "empty prefix (e.g. 10.0.0.0/8, 2001:db8::/32)"},
	};
	for (size_t i = 0; i < NELEM(v); i++) {
		struct steer_addr a;
		unsigned len = 99;
		char err[STEER_ERRBUF_SIZE] = "", buf[STEER_ADDR_STRLEN];
		int rc = steer_cidr_parse(v[i].in, &a, &len, err);
		if (!v[i].net) {
			assert_int_equal(rc, STEER_EINVAL);
			assert_string_equal(err, v[i].err);
			/* errbuf is optional */
			assert_int_equal(steer_cidr_parse(v[i].in, &a, &len, NULL), STEER_EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(steer_addr_format(&a, buf), v[i].net);
		assert_int_equal(len, v[i].len);
	}
}

static void test_long_input(void **state)
{
	(void)state;
	char big[4096];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct steer_addr a;
	unsigned len;
	uint16_t port;
	bool hp;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(steer_addr_parse(big, &a), STEER_EINVAL);
	assert_int_equal(steer_endpoint_parse(big, &a, &port, &hp), STEER_EINVAL);
	assert_int_equal(steer_cidr_parse(big, &a, &len, err), STEER_EINVAL);
	assert_true(strlen(err) < STEER_ERRBUF_SIZE);
	big[0] = '[';
	assert_int_equal(steer_endpoint_parse(big, &a, &port, &hp), STEER_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mac_parse),
	    cmocka_unit_test(test_mac_bits_and_add),
	    cmocka_unit_test(test_addr_parse_format),
	    cmocka_unit_test(test_endpoint),
	    cmocka_unit_test(test_cidr),
	    cmocka_unit_test(test_long_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
