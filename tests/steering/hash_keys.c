/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_keys.c: flow keys, hashers and random keys for the hash and flow-key tests (hash_keys.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include <steer/error.h>

#include "hash_keys.h"

struct steer_flow_key key_ip(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                             uint8_t proto)
{
	struct steer_flow_key k;
	memset(&k, 0, sizeof(k));
	if (inet_pton(AF_INET, src, k.src) == 1) {
		assert_int_equal(inet_pton(AF_INET, dst, k.dst), 1);
		k.family = 4;
	} else {
		assert_int_equal(inet_pton(AF_INET6, src, k.src), 1);
		assert_int_equal(inet_pton(AF_INET6, dst, k.dst), 1);
		k.family = 6;
	}
	k.proto = proto;
	k.sport = sport;
	k.dport = dport;
	return k;
}

struct steer_flow_key key_mac(const uint8_t src[6], const uint8_t dst[6])
{
	struct steer_flow_key k;
	memset(&k, 0, sizeof(k));
	memcpy(k.src, src, 6);
	memcpy(k.dst, dst, 6);
	return k;
}

struct steer_hasher *hasher_new(enum steer_hash_fn fn, enum steer_fields fields, const uint8_t *key,
                                uint32_t seed)
{
	struct steer_hash_spec spec;
	char err[STEER_ERRBUF_SIZE] = "";
	memset(&spec, 0, sizeof(spec));
	spec.fn = fn;
	spec.fields = fields;
	spec.seed = seed;
	if (key)
		memcpy(spec.key, key, STEER_HASH_KEY_LEN);
	struct steer_hasher *h = malloc(sizeof(*h));
	assert_non_null(h);
	int rc = steer_hasher_init(h, &spec, err);
	if (rc)
		fail_msg("steer_hasher_init: %s", err);
	return h;
}

static uint64_t rng_state;

void rnd_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct steer_flow_key key_random(void)
{
	struct steer_flow_key k;
	memset(&k, 0, sizeof(k));
	uint64_t r = rnd();
	unsigned kind = (unsigned)(r % 16);
	if (kind == 0) { /* non-IP */
		for (int i = 0; i < 6; i++) {
			k.src[i] = (uint8_t)rnd();
			k.dst[i] = (uint8_t)rnd();
		}
		return k;
	}
	k.family = kind < 10 ? 4 : 6;
	size_t n = k.family == 4 ? 4 : 16;
	for (size_t i = 0; i < n; i++) {
		k.src[i] = (uint8_t)rnd();
		k.dst[i] = (uint8_t)rnd();
	}
	static const uint8_t protos[] = {6, 17, 1, 6, 17, 132};
	k.proto = protos[(r >> 8) % sizeof(protos)];
	if (k.proto != 1) {
		k.sport = (uint16_t)(r >> 16);
		k.dport = (uint16_t)(r >> 32);
	}
	if ((r >> 48) % 8 == 0) /* sometimes equal addresses: only the ports differ */
		memcpy(k.dst, k.src, n);
	return k;
}
