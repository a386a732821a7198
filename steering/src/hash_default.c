/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_default.c: steer's own symmetric flow hash, "default" (specified below, bit for bit). */
#include "hash_int.h"

/*
 * The "default" hash, version 1. `steerctl which`, generated device configurations and other
 * implementations must agree with it bit for bit, so this text is its specification; the golden
 * values in tests/steering/test_hash.c pin it. All arithmetic is on unsigned 64-bit integers, mod 2^64.
 *
 *   be64(p)    the 8 bytes p[0..7] as a big-endian integer
 *   rotl(x, r) rotate x left by r bits
 *   A(a)       = rotl(be64(a[0..7]) ^ (be64(a[8..15]) * C_FOLD), 32)   (address, 16 bytes)
 *   pm         = 0xffff if fields is 4 or 5, else 0                (ports in the hash)
 *   qm         = 0xff   if fields is 3 or 5, else 0                (protocol in the hash)
 *   (as, ps)   = (A(k.src), k.sport & pm)                          (the two endpoints)
 *   (ad, pd)   = (A(k.dst), k.dport & pm)
 *   (la, lp), (ha, hp) = the two endpoints ordered as the 80-bit numbers A * 2^16 + port:
 *              the source first iff as < ad, or as == ad and ps <= pd
 *   meta       = lp | hp << 16 | (k.proto & qm) << 32 | k.family << 40 | k.vlan << 48
 *   z          = ((la ^ (seed * C_SEED)) * C_LO + ha) ^ (meta * C_META)
 *   hash       = the low 32 bits of fmix64(z)
 *   fmix64(x): x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53;
 *              x ^= x >> 33                                        (MurmurHash3's finaliser)
 *
 *   C_FOLD = 0x9e3779b97f4a7c15   2^64 / golden ratio (Fibonacci hashing)
 *   C_LO   = 0xbf58476d1ce4e5b9   splitmix64's first multiplier
 *   C_META = 0x94d049bb133111eb   splitmix64's second multiplier
 *   C_SEED = 0x2545f4914f6cdd1d   xorshift64*'s multiplier (Vigna)
 *
 * Why it looks like this:
 *   - Symmetry by construction: the endpoints are ordered before anything direction-dependent
 *     happens, so hash(a->b) == hash(b->a) for every key. The order is computed with
 *     comparisons and masks (compiled to setcc/cmov), never a branch on the key.
 *   - A() maps an address to 64 bits the same way in both directions, so folding keeps the
 *     symmetry. IPv4 keys (bytes 4..15 zero) get A = the address as a number (0x0a000001 for
 *     10.0.0.1); MAC keys (family 0, the MAC in bytes 0..5) keep all 48 bits. For IPv6 the
 *     interface identifier is read big-endian and multiplied, which spreads hosts ::1, ::2, ...
 *     over all 64 bits before they meet the prefix: neither sequential host ids nor subnet
 *     numbers can cancel each other, and nothing overlaps the ports, which travel separately.
 *   - la * C_LO + ha combines the ordered pair (x, y) differently from (y, x); meta carries
 *     the rest of the key injectively (family, protocol, VLAN, both ports: 64 bits exactly);
 *     the seed perturbs the product so different seeds give unrelated hashes.
 *   - fmix64 gives full avalanche: every input bit flips each output bit with probability ~1/2,
 *     so the low bits alone (bucket = hash & (2^n - 1)) are uniform even for sequential ports.
 * Cost: four multiplies, no tables, no data-dependent branches; a few ns per key.
 */

#define C_FOLD 0x9e3779b97f4a7c15ull
#define C_LO   0xbf58476d1ce4e5b9ull
#define C_META 0x94d049bb133111ebull
#define C_SEED 0x2545f4914f6cdd1dull

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static inline uint64_t fold(const uint8_t a[16])
{
	return rotl64(steer__be64(a) ^ steer__be64(a + 8) * C_FOLD, 32);
}

uint32_t steer__hash_default(const struct steer_hasher *h, const struct steer_flow_key *k)
{
	unsigned f = h->spec.fields;
	uint64_t pm = -(uint64_t)(f >= STEER_FIELDS_4) & 0xffff;
	uint64_t qm = -(uint64_t)(f & 1) & 0xff; /* 3 and 5 are the odd ones */

	uint64_t as = fold(k->src), ad = fold(k->dst);
	uint64_t ps = k->sport & pm, pd = k->dport & pm;
	/* All ones when the source is the greater endpoint: then the two swap places. */
	uint64_t m = -(uint64_t)((as > ad) | ((as == ad) & (ps > pd)));
	uint64_t la = as ^ ((as ^ ad) & m), ha = as ^ ad ^ la;
	uint64_t lp = ps ^ ((ps ^ pd) & m), hp = ps ^ pd ^ lp;

	uint64_t meta = lp | hp << 16 | (k->proto & qm) << 32 | (uint64_t)k->family << 40 |
	                (uint64_t)k->vlan << 48;
	uint64_t z = ((la ^ (uint64_t)h->spec.seed * C_SEED) * C_LO + ha) ^ meta * C_META;
	return (uint32_t)fmix64(z);
}
