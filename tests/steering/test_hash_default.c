/* SPDX-License-Identifier: BSD-2-Clause */
/* test_hash_default.c: steer's default hash against its specification (re-derived here from the
 * text in hash_default.c), its golden values, what each input part and the seed change, and its
 * uniformity on realistic low-entropy traffic (chi-square). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <math.h>

#include <cmocka.h>

#include <steer/flowkey.h>
#include <steer/hash.h>

#include "hash_keys.h"

/* ---- default ---- */

/* The default hash re-derived from the text in hash_default.c, written differently on purpose
 * (byte loops, explicit branches): if this and the library ever disagree, the comment that
 * other implementations follow is wrong. */
static uint64_t spec_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v * 256 + p[i];
	return v;
}

static uint32_t spec_default(const struct steer_flow_key *k, enum steer_fields fields,
                             uint32_t seed)
{
	const uint64_t c_fold = 0x9e3779b97f4a7c15ull, c_lo = 0xbf58476d1ce4e5b9ull;
	const uint64_t c_meta = 0x94d049bb133111ebull, c_seed = 0x2545f4914f6cdd1dull;
	uint64_t fs = spec_be64(k->src) ^ (spec_be64(k->src + 8) * c_fold);
	uint64_t fd = spec_be64(k->dst) ^ (spec_be64(k->dst + 8) * c_fold);
	uint64_t as = (fs << 32) | (fs >> 32), ad = (fd << 32) | (fd >> 32);
	uint64_t ps = 0, pd = 0, qm = 0;
	if (fields == STEER_FIELDS_4 || fields == STEER_FIELDS_5) {
		ps = k->sport;
		pd = k->dport;
	}
	if (fields == STEER_FIELDS_3 || fields == STEER_FIELDS_5)
		qm = 0xff;
	uint64_t la = as, lp = ps, ha = ad, hp = pd;
	if (as > ad || (as == ad && ps > pd)) {
		la = ad;
		lp = pd;
		ha = as;
		hp = ps;
	}
	uint64_t meta = lp | (hp << 16) | ((k->proto & qm) << 32) | ((uint64_t)k->family << 40) |
	                ((uint64_t)k->vlan << 48);
	uint64_t x = ((la ^ ((uint64_t)seed * c_seed)) * c_lo + ha) ^ (meta * c_meta);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static void default_matches_its_specification(void **state)
{
	(void)state;
	rnd_seed(11);
	for (enum steer_fields f = STEER_FIELDS_2; f <= STEER_FIELDS_5; f++) {
		uint32_t seeds[] = {0, 1, 0xdeadbeef};
		for (int s = 0; s < 3; s++) {
			struct steer_hasher *h = hasher_new(STEER_HASH_DEFAULT, f, NULL, seeds[s]);
			for (int i = 0; i < 20000; i++) {
				struct steer_flow_key k = key_random();
				k.vlan = (uint16_t)(rnd() % 4096 * (rnd() % 4 == 0));
				assert_int_equal(steer_hash(h, &k), spec_default(&k, f, seeds[s]));
			}
			free(h);
		}
	}
}

/* Golden values: they pin the design. Changing the default hash changes every `steerctl which`
 * prediction and every generated device table, so a change here needs a new hash version.
 * They were also reproduced by a separate Python rendering of the text in hash_default.c. */
static void default_golden(void **state)
{
	(void)state;
	static const struct {
		const char *src, *dst;
		uint16_t sport, dport;
		uint8_t proto;
		enum steer_fields fields;
		uint32_t seed;
		uint32_t hash;
	} v[] = {
	    {"66.9.149.187", "161.142.100.80", 2794, 1766, 6, STEER_FIELDS_5, 0, 0xa33f4cff},
	    {"66.9.149.187", "161.142.100.80", 2794, 1766, 6, STEER_FIELDS_4, 0, 0x15139eeb},
	    {"66.9.149.187", "161.142.100.80", 2794, 1766, 6, STEER_FIELDS_3, 0, 0x92598456},
	    {"66.9.149.187", "161.142.100.80", 2794, 1766, 6, STEER_FIELDS_2, 0, 0x1845e27b},
	    {"10.0.0.1", "10.0.0.2", 1234, 80, 6, STEER_FIELDS_5, 0, 0x4d46f6c5},
	    {"10.0.0.1", "10.0.0.2", 1234, 80, 6, STEER_FIELDS_5, 42, 0x22b065e2},
	    {"192.168.1.10", "8.8.8.8", 51515, 53, 17, STEER_FIELDS_5, 0, 0x8d398cc9},
	    {"3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766, 6, STEER_FIELDS_5, 0,
	     0x85769f99},
	    {"2001:db8::1", "2001:db8::2", 0, 0, 58, STEER_FIELDS_5, 0, 0x1237e54a},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct steer_hasher *h =
		    hasher_new(STEER_HASH_DEFAULT, v[i].fields, NULL, v[i].seed);
		struct steer_flow_key k =
		    key_ip(v[i].src, v[i].sport, v[i].dst, v[i].dport, v[i].proto);
		for (int dir = 0; dir < 2; dir++) {
			if (steer_hash(h, &k) != v[i].hash)
				fail_msg("golden %zu: got 0x%08x, want 0x%08x", i,
				         steer_hash(h, &k), v[i].hash);
			steer_flow_key_reverse(&k);
		}
		free(h);
	}
	/* A MAC pair, and the same IPv4 key with VLAN 100 in it. */
	struct steer_hasher *h = hasher_new(STEER_HASH_DEFAULT, STEER_FIELDS_5, NULL, 0);
	const uint8_t m1[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t m2[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
	struct steer_flow_key m = key_mac(m1, m2);
	assert_int_equal(steer_hash(h, &m), 0xe7b99b13);
	struct steer_flow_key k = key_ip("10.0.0.1", 1234, "10.0.0.2", 80, 6);
	k.vlan = 100;
	assert_int_equal(steer_hash(h, &k), 0x6a234b22);
	free(h);
}

/* Each input part changes the result (for the fields that include it). */
static void default_fields_and_seed(void **state)
{
	(void)state;
	struct steer_flow_key k = key_ip("10.1.2.3", 40000, "192.0.2.1", 443, 6);
	struct steer_flow_key kp = k, kq = k, kv = k;
	kp.sport++;
	kq.proto = 17;
	kv.vlan = 7;
	for (enum steer_fields f = STEER_FIELDS_2; f <= STEER_FIELDS_5; f++) {
		struct steer_hasher *h = hasher_new(STEER_HASH_DEFAULT, f, NULL, 0);
		struct steer_hasher *hs = hasher_new(STEER_HASH_DEFAULT, f, NULL, 1);
		bool ports = f == STEER_FIELDS_4 || f == STEER_FIELDS_5;
		bool proto = f == STEER_FIELDS_3 || f == STEER_FIELDS_5;
		assert_int_equal(steer_hash(h, &k) != steer_hash(h, &kp), ports);
		assert_int_equal(steer_hash(h, &k) != steer_hash(h, &kq), proto);
		assert_int_not_equal(steer_hash(h, &k), steer_hash(h, &kv));
		assert_int_not_equal(steer_hash(h, &k), steer_hash(hs, &k));
		free(h);
		free(hs);
	}
}

/* ---- uniformity of the default hash ---- */

/* The chi-square critical value at p = 0.999 (Wilson-Hilferty; 1168.5 for 1023 dof). */
static double chi2_critical_999(double dof)
{
	const double z = 3.090232; /* the standard normal's 0.999 quantile */
	double a = 2.0 / (9.0 * dof);
	return dof * pow(1.0 - a + z * sqrt(a), 3.0);
}

static double chi2(const uint32_t *bins, size_t nbins, uint64_t n)
{
	double e = (double)n / (double)nbins, s = 0;
	for (size_t i = 0; i < nbins; i++)
		s += ((double)bins[i] - e) * ((double)bins[i] - e) / e;
	return s;
}

/* Realistic, low-entropy traffic: 4096 clients in 10.0.0.0/16 with sequential ephemeral ports
 * to four servers (443 and 80 TCP, 53 UDP), both directions; plus IPv6 clients with small
 * interface ids in one /64 to one server. */
static size_t realistic_keys(struct steer_flow_key *out, size_t cap)
{
	static const char *servers[] = {"192.0.2.10", "192.0.2.11", "198.51.100.7", "203.0.113.53"};
	static const uint16_t sports[] = {443, 80, 443, 53};
	size_t n = 0;
	for (unsigned c = 0; c < 4096; c++) {
		uint16_t eph = (uint16_t)(32768 + (c * 37) % 20000);
		for (unsigned j = 0; j < 256 && n < cap; j++) {
			struct steer_flow_key *k = &out[n++];
			unsigned s = j % 4;
			memset(k, 0, sizeof(*k));
			k->family = 4;
			k->proto = sports[s] == 53 ? 17 : 6;
			k->src[0] = 10;
			k->src[1] = 0;
			k->src[2] = (uint8_t)(c >> 8);
			k->src[3] = (uint8_t)c;
			assert_int_equal(inet_pton(AF_INET, servers[s], k->dst), 1);
			k->sport = (uint16_t)(eph + j);
			k->dport = sports[s];
			if (j % 2)
				steer_flow_key_reverse(k); /* the server's packets */
		}
	}
	for (unsigned c = 0; c < 1024; c++) {
		for (unsigned j = 0; j < 256 && n < cap; j++) {
			struct steer_flow_key *k = &out[n++];
			memset(k, 0, sizeof(*k));
			k->family = 6;
			k->proto = 6;
			assert_int_equal(inet_pton(AF_INET6, "2001:db8:10::", k->src), 1);
			k->src[14] = (uint8_t)(c >> 8);
			k->src[15] = (uint8_t)c;
			assert_int_equal(inet_pton(AF_INET6, "2001:db8:ffff::443", k->dst), 1);
			k->sport = (uint16_t)(49152 + j);
			k->dport = 443;
		}
	}
	return n;
}

static void default_uniform(void **state)
{
	(void)state;
	size_t cap = 4096 * 256 + 1024 * 256;
	struct steer_flow_key *keys = malloc(cap * sizeof(*keys));
	assert_non_null(keys);
	size_t n = realistic_keys(keys, cap);
	assert_true(n >= 1000000);
	static uint32_t b1024[1024], b4096[4096];
	for (enum steer_fields f = STEER_FIELDS_4; f <= STEER_FIELDS_5; f++) {
		struct steer_hasher *h = hasher_new(STEER_HASH_DEFAULT, f, NULL, 0);
		memset(b1024, 0, sizeof(b1024));
		memset(b4096, 0, sizeof(b4096));
		for (size_t i = 0; i < n; i++) {
			uint32_t x = steer_hash(h, &keys[i]);
			b1024[x % 1024]++;
			b4096[x & 4095]++;
		}
		double c1 = chi2(b1024, 1024, n), c4 = chi2(b4096, 4096, n);
		double l1 = chi2_critical_999(1023), l4 = chi2_critical_999(4095);
		print_message("default %d-tuple, %zu keys: chi2 1024 bins %.1f (< %.1f), "
		              "4096 bins (low 12 bits) %.1f (< %.1f)\n",
		              (int)f, n, c1, l1, c4, l4);
		free(h);
		if (c1 >= l1 || c4 >= l4) {
			free(keys);
			fail_msg("default hash not uniform");
		}
	}
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_matches_its_specification),
	    cmocka_unit_test(default_golden),
	    cmocka_unit_test(default_fields_and_seed),
	    cmocka_unit_test(default_uniform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
