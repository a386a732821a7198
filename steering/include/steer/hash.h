/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/hash.h: the flow hash functions steer computes, predicts and emulates. */
#ifndef STEER_HASH_H
#define STEER_HASH_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/flowkey.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

enum steer_hash_fn {
	STEER_HASH_DEFAULT = 0, /* "default": steer's fast symmetric hash (hash_default.c) */
	STEER_HASH_TOEPLITZ,    /* "toeplitz": Microsoft RSS with any 40-byte key */
	STEER_HASH_PFRING,      /* "pfring": PF_RING's additive kernel cluster hash */
	STEER_HASH_NETMAP_LB,   /* "netmap-lb": netmap lb (Toeplitz, key 0x506d, ports + 'B') */
	STEER_HASH_XOR,         /* "xor": low 32 bits of src XOR dst (masked-rule expressible) */
	STEER_HASH__COUNT
};

/* Which tuple fields feed the hash. */
enum steer_fields {
	STEER_FIELDS_2 = 2, /* addresses */
	STEER_FIELDS_3 = 3, /* addresses + protocol */
	STEER_FIELDS_4 = 4, /* addresses + ports */
	STEER_FIELDS_5 = 5, /* addresses + protocol + ports */
};
#define STEER_FIELDS_BIT(f) (1u << (f))

/* "2-tuple" ... "5-tuple" ("?" out of range), and back (also "2" ... "5"): 0 or STEER_EINVAL. */
const char *steer_fields_name(enum steer_fields f);
int steer_fields_from_name(const char *s, enum steer_fields *f);

#define STEER_HASH_KEY_LEN 40

struct steer_hash_spec {
	enum steer_hash_fn fn;
	enum steer_fields fields;
	uint8_t key[STEER_HASH_KEY_LEN]; /* Toeplitz key ("toeplitz" only) */
	uint32_t seed;                  /* seed of the default hash */
};

struct steer_hasher;
typedef uint32_t (*steer_hash_impl)(const struct steer_hasher *h, const struct steer_flow_key *k);

/* A ready-to-use hash: the spec plus whatever it precomputes (Toeplitz byte tables).
 * Plain data: may be copied; ~37 KB, so keep it on the heap or in a long-lived context. */
struct steer_hasher {
	struct steer_hash_spec spec;
	steer_hash_impl impl;
	uint32_t tbl[36][256]; /* Toeplitz: contribution of input byte i having value v */
};

/* Validates spec (fields supported by the function) and prepares h.
 * Returns 0, or STEER_EINVAL with a one-line reason in errbuf (STEER_ERRBUF_SIZE). */
int steer_hasher_init(struct steer_hasher *h, const struct steer_hash_spec *spec, char *errbuf);

/* The 32-bit hash of k. Allocation-free; k is read only. */
static inline uint32_t steer_hash(const struct steer_hasher *h, const struct steer_flow_key *k)
{
	return h->impl(h, k);
}

/* Name <-> function ("default", "toeplitz", "pfring", "netmap-lb", "xor").
 * steer_hash_from_name returns 0 or STEER_EINVAL. */
const char *steer_hash_name(enum steer_hash_fn fn);
int steer_hash_from_name(const char *name, enum steer_hash_fn *fn);

/* Bit set of STEER_FIELDS_BIT(f) that fn can hash. */
unsigned steer_hash_fields_supported(enum steer_hash_fn fn);
/* The fields a function uses when the configuration names none. */
enum steer_fields steer_hash_default_fields(enum steer_hash_fn fn);

/* True when hash(a->b) == hash(b->a) for every key: all functions except Toeplitz with a key
 * that is not 16-bit periodic (e.g. the Microsoft key). */
bool steer_hash_is_symmetric(const struct steer_hash_spec *spec);

/* Parses a Toeplitz key: "ms" (Microsoft RSS default), "sym" (0x6d5a x 20) or 80 hex digits
 * (':' or '-' separators allowed). Returns 0 or STEER_EINVAL. */
int steer_hash_key_parse(const char *s, uint8_t key[STEER_HASH_KEY_LEN]);

extern const uint8_t steer_toeplitz_key_ms[STEER_HASH_KEY_LEN];
extern const uint8_t steer_toeplitz_key_sym[STEER_HASH_KEY_LEN];

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
