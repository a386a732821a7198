/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_keys.h: private to the hash and flow-key tests: flow keys from text, hashers on the heap,
 * and a seeded random key source (splitmix64), so every run sees the same keys. Failures are
 * cmocka failures of the calling test. */
#ifndef STEER_TEST_HASH_KEYS_H
#define STEER_TEST_HASH_KEYS_H

#include <stdint.h>

#include <steer/flowkey.h>
#include <steer/hash.h>

/* A flow key from text: "a.b.c.d" or an IPv6 address, ports in host order. */
struct steer_flow_key key_ip(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                             uint8_t proto);
/* A MAC-pair (non-IP, family 0) key. */
struct steer_flow_key key_mac(const uint8_t src[6], const uint8_t dst[6]);
/* A hasher on the heap (struct steer_hasher is ~37 KB); free() it. key NULL: none. */
struct steer_hasher *hasher_new(enum steer_hash_fn fn, enum steer_fields fields, const uint8_t *key,
                                uint32_t seed);
/* The random source: rnd_seed, then rnd for 64 bits, key_random for a key as a parser would
 * produce it (IPv4 or IPv6, TCP/UDP/SCTP with ports, ICMP without, now and then a MAC pair or
 * equal addresses). */
void rnd_seed(uint64_t seed);
uint64_t rnd(void);
struct steer_flow_key key_random(void);

/* Random keys per property test (symmetry, canonical order). */
#define PROPERTY_N 100000

#endif
