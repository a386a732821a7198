/* SPDX-License-Identifier: BSD-2-Clause */
/* test_hash.c: the hashes of other balancers against their published vectors (Microsoft RSS
 * Toeplitz, netmap lb, PF_RING, xor), symmetry of every symmetric function and field set, and the
 * hash API (keys, names, fields). The default hash: test_hash_default.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/error.h>
#include <steer/flowkey.h>
#include <steer/hash.h>

#include "hash_int.h"
#include "hash_keys.h"

/* ---- Toeplitz: the Microsoft RSS verification suite ---- */

struct rss_vector {
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t h2, h4; /* 2-tuple and 4-tuple (TCP) hash with the Microsoft key */
};

static const struct rss_vector rss_vectors[] = {
    {"66.9.149.187", "161.142.100.80", 2794, 1766, 0x323e8fc2, 0x51ccc178},
    {"199.92.111.2", "65.69.140.83", 14230, 4739, 0xd718262a, 0xc626b0ea},
    {"24.19.198.95", "12.22.207.184", 12898, 38024, 0xd2d0a5de, 0x5c2b394a},
    {"38.27.205.30", "209.142.163.6", 48228, 2217, 0x82989176, 0xafc7327f},
    {"153.39.163.191", "202.188.127.2", 44251, 1303, 0x5d1809c5, 0x10e828a2},
    {"3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766, 0x2cc18cd5, 0x40207d3d},
    {"3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739, 0x0f0c461c, 0xdde51bbf},
    {"3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 44251, 38024, 0x4b61e985,
     0x02d1feef},
};

static void toeplitz_ms_suite(void **state)
{
	(void)state;
	struct steer_hasher *h2 =
	    hasher_new(STEER_HASH_TOEPLITZ, STEER_FIELDS_2, steer_toeplitz_key_ms, 0);
	struct steer_hasher *h4 =
	    hasher_new(STEER_HASH_TOEPLITZ, STEER_FIELDS_4, steer_toeplitz_key_ms, 0);
	for (size_t i = 0; i < sizeof(rss_vectors) / sizeof(rss_vectors[0]); i++) {
		const struct rss_vector *v = &rss_vectors[i];
		struct steer_flow_key k = key_ip(v->src, v->sport, v->dst, v->dport, 6);
		assert_int_equal(steer_hash(h2, &k), v->h2);
		assert_int_equal(steer_hash(h4, &k), v->h4);

		/* The bit-serial reference over the literal RSS input agrees with the tables. */
		uint8_t in[36];
		size_t n = k.family == 4 ? 4 : 16;
		memcpy(in, k.src, n);
		memcpy(in + n, k.dst, n);
		in[2 * n] = (uint8_t)(v->sport >> 8);
		in[2 * n + 1] = (uint8_t)v->sport;
		in[2 * n + 2] = (uint8_t)(v->dport >> 8);
		in[2 * n + 3] = (uint8_t)v->dport;
		assert_int_equal(steer__toeplitz_ref(steer_toeplitz_key_ms, in, 2 * n), v->h2);
		assert_int_equal(steer__toeplitz_ref(steer_toeplitz_key_ms, in, 2 * n + 4), v->h4);

		/* RSS hashes the ports of TCP/UDP/SCTP only: ICMP falls back to the 2-tuple. */
		k.proto = 1;
		assert_int_equal(steer_hash(h4, &k), v->h2);
	}
	/* Non-IP keys have no RSS input. */
	const uint8_t a[6] = {0, 1, 2, 3, 4, 5}, b[6] = {6, 7, 8, 9, 10, 11};
	struct steer_flow_key m = key_mac(a, b);
	assert_int_equal(steer_hash(h4, &m), 0);
	free(h2);
	free(h4);
}

static void toeplitz_sym_key(void **state)
{
	(void)state;
	struct steer_hasher *h2 =
	    hasher_new(STEER_HASH_TOEPLITZ, STEER_FIELDS_2, steer_toeplitz_key_sym, 0);
	struct steer_hasher *h4 =
	    hasher_new(STEER_HASH_TOEPLITZ, STEER_FIELDS_4, steer_toeplitz_key_sym, 0);
	struct steer_flow_key k = key_ip("66.9.149.187", 2794, "161.142.100.80", 1766, 6);
	for (int dir = 0; dir < 2; dir++) {
		assert_int_equal(steer_hash(h2, &k), 0x0a590a59);
		assert_int_equal(steer_hash(h4, &k), 0x9fcc9fcc);
		steer_flow_key_reverse(&k);
	}
	free(h2);
	free(h4);
}

/* The tables equal the bit-serial definition for arbitrary keys, inputs and lengths. */
static void toeplitz_tables_match_reference(void **state)
{
	(void)state;
	static uint32_t tbl[36][256];
	rnd_seed(7);
	for (int round = 0; round < 50; round++) {
		uint8_t key[STEER_HASH_KEY_LEN], in[36];
		for (int i = 0; i < STEER_HASH_KEY_LEN; i++)
			key[i] = (uint8_t)rnd();
		steer__toeplitz_tables(tbl, key);
		for (int t = 0; t < 40; t++) {
			size_t n = 1 + rnd() % 36;
			uint32_t r = 0;
			for (size_t i = 0; i < n; i++) {
				in[i] = (uint8_t)rnd();
				r ^= tbl[i][in[i]];
			}
			assert_int_equal(r, steer__toeplitz_ref(key, in, n));
		}
	}
}

/* ---- netmap lb ---- */

static void netmap_lb_vectors(void **state)
{
	(void)state;
	struct steer_hasher *h = hasher_new(STEER_HASH_NETMAP_LB, STEER_FIELDS_4, NULL, 0);
	struct steer_hasher *h2 = hasher_new(STEER_HASH_NETMAP_LB, STEER_FIELDS_2, NULL, 0);
	static const struct {
		const char *src, *dst;
		uint16_t sport, dport;
		uint8_t proto;
		uint32_t hash;
	} v[] = {
	    /* REFERENCE.md: Toeplitz, key 0x506d, (src, dst, sport + 'B', dport + 'B'). */
	    {"66.9.149.187", "161.142.100.80", 2794, 1766, 6, 0x29a629a6},
	    {"10.0.0.1", "10.0.0.2", 1234, 80, 6, 0x54695469},
	    {"192.168.1.10", "8.8.8.8", 51515, 53, 17, 0x0bc20bc2},
	    /* Other IPv4 protocols: pseudo-ports 0xFE41 0xFF41, i.e. Toeplitz over
	     * 0a000001 0a000002 fe41 ff41 (computed separately, bit by bit). */
	    {"10.0.0.1", "10.0.0.2", 0, 0, 1, 0xca85ca85},
	    /* IPv6: first 4 address bytes and, TCP included, the pseudo-ports
	     * (20010db8 2400cb00 fe41 ff41). */
	    {"2001:db8::1", "2400:cb00::2", 40000, 443, 6, 0x12e912e9},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct steer_flow_key k =
		    key_ip(v[i].src, v[i].sport, v[i].dst, v[i].dport, v[i].proto);
		for (int dir = 0; dir < 2; dir++) {
			assert_int_equal(steer_hash(h, &k), v[i].hash);
			steer_flow_key_reverse(&k);
		}
	}
	/* hash_split 2 uses the pseudo-ports for TCP too. */
	struct steer_flow_key k = key_ip("10.0.0.1", 1234, "10.0.0.2", 80, 6);
	assert_int_equal(steer_hash(h2, &k), 0xca85ca85);
	/* 0x506d-periodic: IPv6 hosts in the same /32 cancel out; any such pair hashes alike. */
	struct steer_flow_key a = key_ip("2001:db8::1", 1, "2001:db8:ffff::2", 2, 6);
	struct steer_flow_key b = key_ip("2001:db8:1::7", 3, "2001:db8::9", 4, 17);
	assert_int_equal(steer_hash(h, &a), steer_hash(h, &b));
	/* Non-IP: MAC bytes 5..2 reversed, pseudo-ports (55443322 bbaa9988 fe41 ff41). */
	const uint8_t m1[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t m2[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
	struct steer_flow_key m = key_mac(m1, m2);
	assert_int_equal(steer_hash(h, &m), 0xeb75eb75);
	const uint8_t in[12] = {0x55, 0x44, 0x33, 0x22, 0xbb, 0xaa,
	                        0x99, 0x88, 0xfe, 0x41, 0xff, 0x41};
	assert_int_equal(steer__toeplitz_ref(steer__netmap_lb_key, in, 12), 0xeb75eb75);
	free(h);
	free(h2);
}

/* ---- PF_RING ---- */

static void pfring_vectors(void **state)
{
	(void)state;
	struct steer_hasher *h2 = hasher_new(STEER_HASH_PFRING, STEER_FIELDS_2, NULL, 0);
	struct steer_hasher *h4 = hasher_new(STEER_HASH_PFRING, STEER_FIELDS_4, NULL, 0);
	struct steer_hasher *h5 = hasher_new(STEER_HASH_PFRING, STEER_FIELDS_5, NULL, 0);
	struct steer_flow_key k;

	/* 66.9.149.187 = 0x420995bb, 161.142.100.80 = 0xa18e6450 (big-endian, PF_RING's ntohl)
	 *   2-tuple: 0x420995bb + 0xa18e6450           = 0xe397fa0b
	 *   4-tuple: + 2794 + 1766 = + 4560 = + 0x11d0  = 0xe3980bdb
	 *   5-tuple: + 6 (TCP)                          = 0xe3980be1 */
	k = key_ip("66.9.149.187", 2794, "161.142.100.80", 1766, 6);
	assert_int_equal(steer_hash(h2, &k), 0xe397fa0b);
	assert_int_equal(steer_hash(h4, &k), 0xe3980bdb);
	assert_int_equal(steer_hash(h5, &k), 0xe3980be1);

	/* 192.168.1.10 = 0xc0a8010a, 8.8.8.8 = 0x08080808: sum 0xc8b00912;
	 * + 51515 + 53 = + 0xc970 -> 0xc8b0d282; + 17 (UDP) -> 0xc8b0d293. */
	k = key_ip("192.168.1.10", 51515, "8.8.8.8", 53, 17);
	assert_int_equal(steer_hash(h2, &k), 0xc8b00912);
	assert_int_equal(steer_hash(h4, &k), 0xc8b0d282);
	assert_int_equal(steer_hash(h5, &k), 0xc8b0d293);

	/* IPv6: s6_addr32[] words as x86 loads them (little-endian):
	 *   3ffe:2501:200:1fff::7 -> 0x0125fe3f 0xff1f0002 0x00000000 0x07000000
	 *   3ffe:2501:200:3::1    -> 0x0125fe3f 0x03000002 0x00000000 0x01000000
	 *   sum mod 2^32 = 0x0c6afc82; + 4560 -> 0x0c6b0e52; + 6 -> 0x0c6b0e58 */
	k = key_ip("3ffe:2501:200:1fff::7", 2794, "3ffe:2501:200:3::1", 1766, 6);
	assert_int_equal(steer_hash(h2, &k), 0x0c6afc82);
	assert_int_equal(steer_hash(h4, &k), 0x0c6b0e52);
	assert_int_equal(steer_hash(h5, &k), 0x0c6b0e58);

	/* SCTP: the kernel parses no SCTP ports, so only the protocol (132) is added. */
	k = key_ip("66.9.149.187", 2794, "161.142.100.80", 1766, 132);
	assert_int_equal(steer_hash(h4, &k), 0xe397fa0b);
	assert_int_equal(steer_hash(h5, &k), 0xe397fa0b + 132);

	/* Non-IP: the cluster types mask the MACs, nothing is left: 0. */
	const uint8_t m1[6] = {1, 2, 3, 4, 5, 6}, m2[6] = {7, 8, 9, 10, 11, 12};
	k = key_mac(m1, m2);
	assert_int_equal(steer_hash(h4, &k), 0);
	free(h2);
	free(h4);
	free(h5);
}

/* ---- xor ---- */

static void xor_vectors(void **state)
{
	(void)state;
	struct steer_hasher *h = hasher_new(STEER_HASH_XOR, STEER_FIELDS_2, NULL, 0);
	struct steer_flow_key k;
	/* 0x420995bb ^ 0xa18e6450 = 0xe387f1eb */
	k = key_ip("66.9.149.187", 2794, "161.142.100.80", 1766, 6);
	assert_int_equal(steer_hash(h, &k), 0xe387f1eb);
	/* 0x0a000001 ^ 0x0a000002 = 3: the low bits come from the last byte */
	k = key_ip("10.0.0.1", 1, "10.0.0.2", 2, 17);
	assert_int_equal(steer_hash(h, &k), 3);
	/* IPv6: last words 0x00000007 ^ 0x00000001 = 6 */
	k = key_ip("3ffe:2501:200:1fff::7", 2794, "3ffe:2501:200:3::1", 1766, 6);
	assert_int_equal(steer_hash(h, &k), 6);
	k = key_ip("2001:db8::c0a8:10a", 1, "2001:db8::808:808", 2, 6);
	assert_int_equal(steer_hash(h, &k), 0xc0a8010a ^ 0x08080808);
	/* MACs: last 4 bytes 0x22334455 ^ 0x8899aabb = 0xaaaaeeee */
	const uint8_t m1[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t m2[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
	k = key_mac(m1, m2);
	assert_int_equal(steer_hash(h, &k), 0xaaaaeeee);
	free(h);
}

/* ---- symmetry, for every symmetric function and field set ---- */

static void symmetric_everywhere(void **state)
{
	(void)state;
	struct {
		enum steer_hash_fn fn;
		const uint8_t *key;
	} cases[] = {
	    {STEER_HASH_DEFAULT, NULL}, {STEER_HASH_TOEPLITZ, steer_toeplitz_key_sym},
	    {STEER_HASH_PFRING, NULL},  {STEER_HASH_NETMAP_LB, NULL},
	    {STEER_HASH_XOR, NULL},
	};
	rnd_seed(1);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		unsigned sup = steer_hash_fields_supported(cases[c].fn);
		for (enum steer_fields f = STEER_FIELDS_2; f <= STEER_FIELDS_5; f++) {
			if (!(sup & STEER_FIELDS_BIT(f)))
				continue;
			struct steer_hasher *h = hasher_new(cases[c].fn, f, cases[c].key, 0x5eed);
			assert_true(steer_hash_is_symmetric(&h->spec));
			for (int i = 0; i < PROPERTY_N; i++) {
				struct steer_flow_key k = key_random(), r = k, c2 = k;
				steer_flow_key_reverse(&r);
				steer_flow_key_canon(&c2);
				uint32_t hk = steer_hash(h, &k);
				if (hk != steer_hash(h, &r) || hk != steer_hash(h, &c2))
					fail_msg("%s %d-tuple: asymmetric at key %d",
					         steer_hash_name(cases[c].fn), (int)f, i);
			}
			free(h);
		}
	}
}

/* The Microsoft key is not symmetric, and the property test would notice. */
static void ms_key_asymmetry_detected(void **state)
{
	(void)state;
	for (enum steer_fields f = STEER_FIELDS_2; f <= STEER_FIELDS_4; f += 2) {
		struct steer_hasher *h =
		    hasher_new(STEER_HASH_TOEPLITZ, f, steer_toeplitz_key_ms, 0);
		assert_false(steer_hash_is_symmetric(&h->spec));
		rnd_seed(2);
		unsigned differ = 0, ip = 0;
		for (int i = 0; i < PROPERTY_N; i++) {
			struct steer_flow_key k = key_random(), r = k;
			if (k.family == 0 || memcmp(k.src, k.dst, 16) == 0)
				continue;
			ip++;
			steer_flow_key_reverse(&r);
			differ += steer_hash(h, &k) != steer_hash(h, &r);
		}
		assert_true(differ > ip * 99 / 100);
		free(h);
	}
}

static void is_symmetric_cases(void **state)
{
	(void)state;
	struct steer_hash_spec s;
	memset(&s, 0, sizeof(s));
	s.fn = STEER_HASH_TOEPLITZ;
	memcpy(s.key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
	assert_false(steer_hash_is_symmetric(&s));
	memcpy(s.key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
	assert_true(steer_hash_is_symmetric(&s));
	for (int i = 0; i < STEER_HASH_KEY_LEN; i++) /* any 16-bit period */
		s.key[i] = i % 2 ? 0x12 : 0xab;
	assert_true(steer_hash_is_symmetric(&s));
	s.key[39] ^= 1; /* one bit at the very end breaks it */
	assert_false(steer_hash_is_symmetric(&s));
	memset(s.key, 0, sizeof(s.key)); /* degenerate but periodic */
	assert_true(steer_hash_is_symmetric(&s));
	/* The other functions are symmetric whatever the key field holds. */
	memcpy(s.key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
	for (enum steer_hash_fn fn = STEER_HASH_DEFAULT; fn < STEER_HASH__COUNT; fn++) {
		s.fn = fn;
		assert_int_equal(steer_hash_is_symmetric(&s), fn != STEER_HASH_TOEPLITZ);
	}
}

/* ---- keys, names, fields ---- */

static void key_parse(void **state)
{
	(void)state;
	uint8_t k[STEER_HASH_KEY_LEN], before[STEER_HASH_KEY_LEN];
	assert_int_equal(steer_hash_key_parse("ms", k), 0);
	assert_memory_equal(k, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
	assert_int_equal(steer_hash_key_parse("sym", k), 0);
	assert_memory_equal(k, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);

	const char *hex = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c"
	                  "6a42b73bbeac01fa";
	memset(k, 0, sizeof(k));
	assert_int_equal(steer_hash_key_parse(hex, k), 0);
	assert_memory_equal(k, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);

	/* Upper case, ':' per byte (ethtool -x style), '-' per 16-bit group. */
	char colon[3 * STEER_HASH_KEY_LEN], dash[2 * STEER_HASH_KEY_LEN + STEER_HASH_KEY_LEN / 2];
	size_t o = 0;
	for (int i = 0; i < STEER_HASH_KEY_LEN; i++)
		o += (size_t)snprintf(colon + o, sizeof(colon) - o, i ? ":%02X" : "%02X",
		                      steer_toeplitz_key_sym[i]);
	memset(k, 0, sizeof(k));
	assert_int_equal(steer_hash_key_parse(colon, k), 0);
	assert_memory_equal(k, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
	o = 0;
	for (int i = 0; i < STEER_HASH_KEY_LEN; i += 2)
		o += (size_t)snprintf(dash + o, sizeof(dash) - o, i ? "-%02x%02x" : "%02x%02x",
		                      steer_toeplitz_key_ms[i], steer_toeplitz_key_ms[i + 1]);
	memset(k, 0, sizeof(k));
	assert_int_equal(steer_hash_key_parse(dash, k), 0);
	assert_memory_equal(k, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);

	/* Failures leave the key untouched. */
	char buf[200];
	const char *bad[] = {
	    "",   "MS", "symmetric", "6d5a", /* too short */
	    NULL, NULL, NULL,        NULL,   NULL, NULL,
	};
	snprintf(buf, sizeof(buf), "%s00", hex); /* 82 digits */
	char b79[100], bx[100], blead[100], btrail[100], bdouble[100], bodd[100];
	snprintf(b79, sizeof(b79), "%.79s", hex);
	snprintf(bx, sizeof(bx), "%.79sg", hex);
	snprintf(blead, sizeof(blead), ":%s", hex);
	snprintf(btrail, sizeof(btrail), "%s:", hex);
	snprintf(bdouble, sizeof(bdouble), "6d::%s", hex + 2);
	snprintf(bodd, sizeof(bodd), "6:d%s", hex + 2); /* a separator inside a byte */
	bad[4] = buf;
	bad[5] = b79;
	bad[6] = bx;
	bad[7] = blead;
	bad[8] = btrail;
	bad[9] = bdouble;
	memcpy(before, steer_toeplitz_key_sym, sizeof(before));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(k, before, sizeof(k));
		if (steer_hash_key_parse(bad[i], k) != STEER_EINVAL)
			fail_msg("accepted bad key '%s'", bad[i]);
		assert_memory_equal(k, before, sizeof(k));
	}
	assert_int_equal(steer_hash_key_parse(bodd, k), STEER_EINVAL);
	assert_int_equal(steer_hash_key_parse("6d 5a", k), STEER_EINVAL);
	assert_int_equal(steer_hash_key_parse(NULL, k), STEER_EINVAL);
}

static void names_round_trip(void **state)
{
	(void)state;
	const char *want[] = {"default", "toeplitz", "pfring", "netmap-lb", "xor"};
	for (enum steer_hash_fn fn = STEER_HASH_DEFAULT; fn < STEER_HASH__COUNT; fn++) {
		enum steer_hash_fn back = STEER_HASH__COUNT;
		assert_string_equal(steer_hash_name(fn), want[fn]);
		assert_int_equal(steer_hash_from_name(want[fn], &back), 0);
		assert_int_equal(back, fn);
		/* The default fields are always supported. */
		assert_true(steer_hash_fields_supported(fn) &
		            STEER_FIELDS_BIT(steer_hash_default_fields(fn)));
	}
	enum steer_hash_fn fn = STEER_HASH_XOR;
	assert_int_equal(steer_hash_from_name("Toeplitz", &fn), STEER_EINVAL);
	assert_int_equal(steer_hash_from_name("netmap_lb", &fn), STEER_EINVAL);
	assert_int_equal(steer_hash_from_name("", &fn), STEER_EINVAL);
	assert_int_equal(fn, STEER_HASH_XOR); /* untouched on failure */
	assert_string_equal(steer_hash_name(STEER_HASH__COUNT), "?");
}

static void fields_validation(void **state)
{
	(void)state;
	/* supported[fn] as a string of the tuple sizes accepted. */
	const char *supported[STEER_HASH__COUNT] = {
	    [STEER_HASH_DEFAULT] = "2345", [STEER_HASH_TOEPLITZ] = "24",
	    [STEER_HASH_PFRING] = "245",   [STEER_HASH_NETMAP_LB] = "24",
	    [STEER_HASH_XOR] = "2",
	};
	struct steer_hasher *h = malloc(sizeof(*h));
	assert_non_null(h);
	for (enum steer_hash_fn fn = STEER_HASH_DEFAULT; fn < STEER_HASH__COUNT; fn++) {
		for (int f = 0; f <= 7; f++) {
			struct steer_hash_spec s;
			char err[STEER_ERRBUF_SIZE] = "";
			memset(&s, 0, sizeof(s));
			s.fn = fn;
			s.fields = (enum steer_fields)f;
			memcpy(s.key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
			bool ok = f >= 2 && f <= 5 && strchr(supported[fn], '0' + f);
			assert_int_equal(
			    (steer_hash_fields_supported(fn) & STEER_FIELDS_BIT(f)) != 0, ok);
			int rc = steer_hasher_init(h, &s, err);
			if (ok) {
				assert_int_equal(rc, 0);
				assert_int_equal(h->spec.fields, f);
				assert_non_null(h->impl);
			} else {
				assert_int_equal(rc, STEER_EINVAL);
				assert_non_null(strstr(err, steer_hash_name(fn)));
				assert_null(strchr(err, '\n'));
			}
		}
	}
	struct steer_hash_spec s;
	char err[STEER_ERRBUF_SIZE];
	memset(&s, 0, sizeof(s));
	s.fn = STEER_HASH_TOEPLITZ;
	s.fields = STEER_FIELDS_3;
	assert_int_equal(steer_hasher_init(h, &s, err), STEER_EINVAL);
	assert_string_equal(err, "hash 'toeplitz' cannot use a 3-tuple (it hashes 2- or 4-tuples)");
	s.fn = STEER_HASH_XOR;
	s.fields = STEER_FIELDS_4;
	assert_int_equal(steer_hasher_init(h, &s, err), STEER_EINVAL);
	assert_string_equal(err,
	                    "hash 'xor' cannot use a 4-tuple (it hashes addresses only (2-tuple))");
	s.fn = (enum steer_hash_fn)99;
	assert_int_equal(steer_hasher_init(h, &s, err), STEER_EINVAL);
	assert_string_equal(err, "unknown hash function 99");
	s.fn = STEER_HASH_PFRING;
	s.fields = STEER_FIELDS_2;
	assert_int_equal(steer_hasher_init(h, &s, NULL), 0); /* errbuf is optional */
	/* Re-initialising from the hasher's own spec works (and failures leave h alone). */
	s.fn = STEER_HASH_TOEPLITZ;
	s.fields = STEER_FIELDS_4;
	memcpy(s.key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
	assert_int_equal(steer_hasher_init(h, &s, err), 0);
	s.fields = STEER_FIELDS_5;
	assert_int_equal(steer_hasher_init(h, &s, err), STEER_EINVAL);
	assert_int_equal(steer_hasher_init(h, &h->spec, err), 0);
	struct steer_flow_key k = key_ip("66.9.149.187", 2794, "161.142.100.80", 1766, 6);
	assert_int_equal(steer_hash(h, &k), 0x51ccc178);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(toeplitz_ms_suite),
	    cmocka_unit_test(toeplitz_sym_key),
	    cmocka_unit_test(toeplitz_tables_match_reference),
	    cmocka_unit_test(netmap_lb_vectors),
	    cmocka_unit_test(pfring_vectors),
	    cmocka_unit_test(xor_vectors),
	    cmocka_unit_test(symmetric_everywhere),
	    cmocka_unit_test(ms_key_asymmetry_detected),
	    cmocka_unit_test(is_symmetric_cases),
	    cmocka_unit_test(key_parse),
	    cmocka_unit_test(names_round_trip),
	    cmocka_unit_test(fields_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
