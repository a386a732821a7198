/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_int.h: PRIVATE to libsteer: the per-function hash implementations behind steer/hash.h. */
#ifndef STEER_HASH_INT_H
#define STEER_HASH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <steer/hash.h>

/* The implementations steer_hasher_init() picks (h->impl). Each reads only h and k, allocates
 * nothing and is safe to call from many threads on one shared hasher. */
uint32_t steer__hash_default(const struct steer_hasher *h, const struct steer_flow_key *k);
uint32_t steer__hash_toeplitz(const struct steer_hasher *h, const struct steer_flow_key *k);
uint32_t steer__hash_netmap_lb(const struct steer_hasher *h, const struct steer_flow_key *k);
uint32_t steer__hash_pfring(const struct steer_hasher *h, const struct steer_flow_key *k);
uint32_t steer__hash_xor(const struct steer_hasher *h, const struct steer_flow_key *k);

/* netmap lb's Toeplitz key: 0x50 0x6d repeated (apps/lb/pkt_hash.c, build_sym_key_cache). */
extern const uint8_t steer__netmap_lb_key[STEER_HASH_KEY_LEN];

/* Fills tbl[i][v] with the Toeplitz contribution of byte value v at input position i. */
void steer__toeplitz_tables(uint32_t tbl[36][256], const uint8_t key[STEER_HASH_KEY_LEN]);

/* Bit-serial Toeplitz exactly as the Microsoft text states it (n <= 36 bytes); the reference the
 * table-driven code is checked against, never used per packet. */
uint32_t steer__toeplitz_ref(const uint8_t key[STEER_HASH_KEY_LEN], const uint8_t *in, size_t n);

/* Endian-explicit loads: the hash definitions name a byte order, the host must not leak in. */
static inline uint32_t steer__be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t steer__le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t steer__be64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v)); /* one load, then one bswap on little-endian hosts */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

#endif
