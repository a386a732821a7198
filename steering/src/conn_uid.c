/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_uid.c: connection uids in Zeek's text form ("C" + base62 of 96 bits, least significant
 * digit first, no padding: zeek:src/UID.cc), made from a keyed hash of what identifies the
 * connection, so that nothing is stored for them. */
#include <string.h>

#include "conn_int.h"

/* MurmurHash3's 64-bit finaliser: a bijection, so distinct inputs stay distinct. */
static uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

void steer__uid_keys(uint64_t seed, uint64_t key[2])
{
	key[0] = fmix(seed ^ 0x9e3779b97f4a7c15ull);
	key[1] = fmix(key[0] + 0x632be59bd9b4e019ull);
}

uint64_t steer__uid_mix(const struct steer_conn *t, uint64_t a, uint64_t b)
{
	return fmix(fmix(a ^ t->hash_key[0]) + b + t->hash_key[1]);
}

static uint64_t mix_bytes(const struct steer_conn *t, uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;
		memcpy(&w, p + i, n - i < 8 ? n - i : 8);
		h = steer__uid_mix(t, h, w);
	}
	return h;
}

uint64_t steer__uid_conn(const struct steer_conn *t, const struct steer__conn *c)
{
	/* The key and the first packet's time tell connections apart: a reused 5-tuple starts
	 * later than the connection it ends. */
	uint64_t h = mix_bytes(t, 0x436f6e6eull, (const uint8_t *)&c->key, sizeof(c->key));
	return steer__uid_mix(t, h, (uint64_t)steer__conn_start(t, c));
}

uint64_t steer__uid_iptunnel(const struct steer_conn *t, const struct steer_layer *l)
{
	const uint8_t *a = l->src, *b = l->dst;
	if (memcmp(a, b, 16) > 0) {
		a = l->dst;
		b = l->src;
	}
	uint64_t h = steer__uid_mix(t, 0x54756e6eull, l->family);
	h = mix_bytes(t, h, a, 16);
	return mix_bytes(t, h, b, 16);
}

static char *base62(char *p, uint64_t v)
{
	static const char digits[] =
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	do {
		*p++ = digits[v % 62];
		v /= 62;
	} while (v);
	return p;
}

void steer__uid_format(const struct steer_conn *t, uint64_t id, char out[STEER_CONN_UID_SIZE])
{
	/* 96 bits as Zeek's bits_per_uid: a 32-bit word and a 64-bit one. */
	uint64_t w0 = steer__uid_mix(t, id, 1) >> 32, w1 = steer__uid_mix(t, id, 2);
	char *p = out;
	*p++ = 'C';
	p = base62(p, w0);
	p = base62(p, w1);
	*p = '\0';
}
