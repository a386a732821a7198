/* SPDX-License-Identifier: BSD-2-Clause */
/* hash.c: hash names, field validation, hasher set-up and Toeplitz keys (Microsoft RSS keys). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <steer/error.h>
#include <steer/hash.h>
#include <steer/names.h>

#include "addr_int.h"
#include "hash_int.h"

/* Microsoft "RSS hashing functions", the verification key (also the Intel 82599 default). */
const uint8_t steer_toeplitz_key_ms[STEER_HASH_KEY_LEN] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* Woo and Park, "Scalable TCP Session Monitoring with Symmetric Receive-side Scaling" (KAIST
 * 2012): 0x6d5a repeated. Any 16-bit periodic key makes the hash symmetric. */
const uint8_t steer_toeplitz_key_sym[STEER_HASH_KEY_LEN] = {
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

#define F(n) STEER_FIELDS_BIT(STEER_FIELDS_##n)

/* One row per function: what it can hash, what it hashes by default, and why it cannot do the
 * rest (the tail of the error message). */
static const struct {
	const char *name;
	steer_hash_impl impl;
	unsigned fields;
	enum steer_fields deflt;
	const char *can;
} fns[STEER_HASH__COUNT] = {
    [STEER_HASH_DEFAULT] = {"default", steer__hash_default, F(2) | F(3) | F(4) | F(5),
                            STEER_FIELDS_5, "it hashes 2-, 3-, 4- or 5-tuples"},
    /* RSS defines address-only and address+port inputs; the protocol is never an input. */
    [STEER_HASH_TOEPLITZ] = {"toeplitz", steer__hash_toeplitz, F(2) | F(4), STEER_FIELDS_4,
                             "it hashes 2- or 4-tuples"},
    /* PF_RING cluster_per_flow_{2,4,5}_tuple; there is no addresses+protocol mode. */
    [STEER_HASH_PFRING] = {"pfring", steer__hash_pfring, F(2) | F(4) | F(5), STEER_FIELDS_4,
                           "it hashes 2-, 4- or 5-tuples"},
    /* pkt_hdr_hash()'s hash_split: 2 or 4 (lb itself always passes 4). */
    [STEER_HASH_NETMAP_LB] = {"netmap-lb", steer__hash_netmap_lb, F(2) | F(4), STEER_FIELDS_4,
                              "it hashes 2- or 4-tuples"},
    /* A per-port split cannot be written as masked address rules. */
    [STEER_HASH_XOR] = {"xor", steer__hash_xor, F(2), STEER_FIELDS_2,
                        "it hashes addresses only (2-tuple)"},
};

static bool fn_valid(enum steer_hash_fn fn)
{
	return (unsigned)fn < STEER_HASH__COUNT;
}

static bool fields_valid(enum steer_fields f)
{
	return f >= STEER_FIELDS_2 && f <= STEER_FIELDS_5;
}

/* The second name of a field count is what steer.cfg also takes: "fields = 4". */
static const struct steer_name fields_names[] = {
	{STEER_FIELDS_2, "2-tuple"}, {STEER_FIELDS_3, "3-tuple"}, {STEER_FIELDS_4, "4-tuple"},
	{STEER_FIELDS_5, "5-tuple"}, {STEER_FIELDS_2, "2"},       {STEER_FIELDS_3, "3"},
	{STEER_FIELDS_4, "4"},       {STEER_FIELDS_5, "5"},
};

const char *steer_fields_name(enum steer_fields f)
{
	return steer_name_of(fields_names, STEER_NAMES_LEN(fields_names), (int)f, "?");
}

int steer_fields_from_name(const char *s, enum steer_fields *f)
{
	int v;
	if (steer_name_lookup(fields_names, STEER_NAMES_LEN(fields_names), s, &v) != 0)
		return STEER_EINVAL;
	*f = (enum steer_fields)v;
	return 0;
}

const char *steer_hash_name(enum steer_hash_fn fn)
{
	return fn_valid(fn) ? fns[fn].name : "?";
}

int steer_hash_from_name(const char *name, enum steer_hash_fn *fn)
{
	for (unsigned i = 0; name && i < STEER_HASH__COUNT; i++) {
		if (strcmp(name, fns[i].name) == 0) {
			*fn = (enum steer_hash_fn)i;
			return 0;
		}
	}
	return STEER_EINVAL;
}

unsigned steer_hash_fields_supported(enum steer_hash_fn fn)
{
	return fn_valid(fn) ? fns[fn].fields : 0;
}

enum steer_fields steer_hash_default_fields(enum steer_hash_fn fn)
{
	return fn_valid(fn) ? fns[fn].deflt : STEER_FIELDS_2;
}

/* Writes the one-line reason (when the caller gave a buffer) and returns STEER_EINVAL. */
static int fail(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(char *errbuf, const char *fmt, ...)
{
	if (errbuf) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(errbuf, STEER_ERRBUF_SIZE, fmt, ap);
		va_end(ap);
	}
	return STEER_EINVAL;
}

int steer_hasher_init(struct steer_hasher *h, const struct steer_hash_spec *spec, char *errbuf)
{
	if (!fn_valid(spec->fn))
		return fail(errbuf, "unknown hash function %d", (int)spec->fn);
	if (!fields_valid(spec->fields))
		return fail(errbuf, "hash '%s': fields must be a 2-, 3-, 4- or 5-tuple (got %d)",
		            fns[spec->fn].name, (int)spec->fields);
	if (!(fns[spec->fn].fields & STEER_FIELDS_BIT(spec->fields)))
		return fail(errbuf, "hash '%s' cannot use a %d-tuple (%s)", fns[spec->fn].name,
		            (int)spec->fields, fns[spec->fn].can);

	/* Zero first so a hasher never carries stale tables from a previous spec; the copy lets a
	 * caller re-initialise from h->spec itself. On failure above, h is untouched. */
	struct steer_hash_spec s = *spec;
	memset(h, 0, sizeof(*h));
	h->spec = s;
	h->impl = fns[s.fn].impl;
	if (s.fn == STEER_HASH_TOEPLITZ)
		steer__toeplitz_tables(h->tbl, s.key);
	else if (s.fn == STEER_HASH_NETMAP_LB)
		steer__toeplitz_tables(h->tbl, steer__netmap_lb_key);
	return 0;
}

bool steer_hash_is_symmetric(const struct steer_hash_spec *spec)
{
	if (spec->fn != STEER_HASH_TOEPLITZ)
		return true;
	/* Swapping src/dst moves every input byte by a multiple of 2 bytes (4, 16 or 2 for the
	 * ports); a key with a 16-bit period gives each position the same window after the move. */
	for (int i = 0; i + 2 < STEER_HASH_KEY_LEN; i++)
		if (spec->key[i] != spec->key[i + 2])
			return false;
	return true;
}

int steer_hash_key_parse(const char *s, uint8_t key[STEER_HASH_KEY_LEN])
{
	if (!s)
		return STEER_EINVAL;
	if (strcmp(s, "ms") == 0) {
		memcpy(key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
		return 0;
	}
	if (strcmp(s, "sym") == 0) {
		memcpy(key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
		return 0;
	}
	/* Separators only between whole bytes ("6d:5a", "6d5a-56da"), never leading, trailing or
	 * doubled, so a dropped digit cannot shift the rest of the key silently. */
	uint8_t tmp[STEER_HASH_KEY_LEN];
	size_t nd = 0;
	bool sep_ok = false;
	for (const char *p = s; *p; p++) {
		if (*p == ':' || *p == '-') {
			if (!sep_ok || p[1] == '\0')
				return STEER_EINVAL;
			sep_ok = false;
			continue;
		}
		int v = steer__hexval(*p);
		if (v < 0 || nd >= 2 * STEER_HASH_KEY_LEN)
			return STEER_EINVAL;
		if (nd % 2 == 0)
			tmp[nd / 2] = (uint8_t)(v << 4);
		else
			tmp[nd / 2] |= (uint8_t)v;
		nd++;
		sep_ok = nd % 2 == 0;
	}
	if (nd != 2 * STEER_HASH_KEY_LEN)
		return STEER_EINVAL;
	memcpy(key, tmp, STEER_HASH_KEY_LEN);
	return 0;
}
