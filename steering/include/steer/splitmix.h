/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/splitmix.h: splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): the deterministic generator of synthetic traffic and probe
 * tuples, and its finaliser, a bijective 64-bit mixer (the bucket scores). Same output on
 * every platform. */
#ifndef STEER_SPLITMIX_H
#define STEER_SPLITMIX_H

#include <stdint.h>

/* The state's increment: 2^64 / the golden ratio. */
#define STEER_SPLITMIX64_GAMMA 0x9e3779b97f4a7c15ull

/* The finaliser: every bit of z affects every bit of the result. */
static inline uint64_t steer_splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The next number of the sequence that *state (any seed) walks. */
static inline uint64_t steer_splitmix64(uint64_t *state)
{
	return steer_splitmix64_mix(*state += STEER_SPLITMIX64_GAMMA);
}

#endif
