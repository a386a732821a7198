/* SPDX-License-Identifier: BSD-2-Clause */
/* config_steer.c: steer.cfg, the frontend balancer's settings ("key = value", no sections),
 * beside zeekctl's node.cfg; its cluster options are config_cluster.c's. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/ini.h>

#include "config_int.h"

#define PROFILE_NAME_MAX 64
#define BUCKETS_MAX      65536ul

enum skey {
	S_PROFILE,
	S_HASH,
	S_HASH_KEY,
	S_FIELDS,
	S_BUCKETS,
	S_FRAGMENTS,
	S_NON_IP,
	S_TUNNELS,
	S_VLAN_IN_KEY,
	S_MAC_BASE,
	S_VLAN_BASE,
	S_DELIVERY,
	S__COUNT
};

static const struct steer_name skey_names[S__COUNT] = {
	{S_PROFILE, "profile"},     {S_HASH, "hash"},           {S_HASH_KEY, "hash_key"},
	{S_FIELDS, "fields"},       {S_BUCKETS, "buckets"},     {S_FRAGMENTS, "fragments"},
	{S_NON_IP, "non_ip"},       {S_TUNNELS, "tunnels"},     {S_VLAN_IN_KEY, "vlan_in_key"},
	{S_MAC_BASE, "mac_base"},   {S_VLAN_BASE, "vlan_base"}, {S_DELIVERY, "delivery"},
};

/* 02:53:54 is "\x02ST": the locally administered bit set and unlikely to meet a real NIC. */
static const struct steer_mac default_mac_base = {{0x02, 0x53, 0x54, 0x00, 0x00, 0x00}};

struct sparse {
	struct steer__cfg_ctx *c;
	struct steer_frontend *fe;
	enum steer_hash_fn fn; /* the hash the file names, or the default */
	bool hash_ok;          /* false: hash was rejected, so skip the checks that depend on it */
	bool key_set;          /* hash_key gave a Toeplitz key */
	bool fields_set;
};

/* "steer.cfg:LINE: error: KEY: what". */
__attribute__((format(printf, 4, 5))) static void sdiag(struct sparse *p, enum steer_severity sev,
                                                        const struct steer_ini_entry *e,
                                                        const char *fmt, ...)
{
	char msg[STEER_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	steer_diag_add(p->c->diags, sev, p->c->cfg->steer_path, e->line, "%s: %s", e->key, msg);
}

static int lookup_key(const char *k)
{
	int v;
	return steer_name_lookup(skey_names, S__COUNT, k, &v) == 0 ? v : -1;
}

/* "0x" and 1..8 hex digits, or decimal; both up to 2^32 - 1. */
static bool parse_seed(const char *s, uint32_t *out)
{
	unsigned long v;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const char *h = s + 2;
		size_t n = strspn(h, "0123456789abcdefABCDEF");
		if (n == 0 || h[n] != '\0')
			return false;
		char *end;
		errno = 0;
		v = strtoul(h, &end, 16);
		if (errno == ERANGE || v > 0xfffffffful)
			return false;
	} else if (steer__parse_ulong(s, 0, 0xfffffffful, &v) != 0) {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool valid_profile(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-");
	return n > 0 && s[n] == '\0' && n <= PROFILE_NAME_MAX;
}

static void set_hash_key(struct sparse *p, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE];
	if (!p->hash_ok)
		return;
	switch (p->fn) {
	case STEER_HASH_TOEPLITZ:
		if (steer_hash_key_parse(e->value, p->fe->hash.key) != 0)
			sdiag(p, STEER_SEV_ERROR, e,
			      "'%s' is not a Toeplitz key (ms, sym, or 40 bytes as 80 hex digits)",
			      steer__quote(e->value, q));
		else
			p->key_set = true;
		break;
	case STEER_HASH_DEFAULT:
		if (!parse_seed(e->value, &p->fe->hash.seed))
			sdiag(p, STEER_SEV_ERROR, e,
			      "'%s' is not a 32-bit seed for hash 'default' (decimal or 0x hex)",
			      steer__quote(e->value, q));
		break;
	default:
		/* Their keys are fixed by the device: a value here would be silently unused. */
		sdiag(p, STEER_SEV_ERROR, e, "hash '%s' takes no hash_key", steer_hash_name(p->fn));
		break;
	}
}

static void set_fields(struct sparse *p, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE];
	enum steer_fields f;
	if (steer_fields_from_name(e->value, &f) != 0) {
		sdiag(p, STEER_SEV_ERROR, e,
		      "'%s' is not a field set (2-tuple, 3-tuple, 4-tuple or 5-tuple)",
		      steer__quote(e->value, q));
		return;
	}
	p->fields_set = true;
	p->fe->hash.fields = f;
	if (!p->hash_ok)
		return;
	unsigned sup = steer_hash_fields_supported(p->fn);
	if (sup & STEER_FIELDS_BIT(f))
		return;
	char list[64] = "";
	size_t len = 0;
	for (unsigned k = 2; k <= 5; k++)
		if (sup & STEER_FIELDS_BIT(k))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
			                        len ? ", " : "", steer_fields_name(k));
	sdiag(p, STEER_SEV_ERROR, e, "%s is not supported by hash '%s' (it supports %s)",
	      steer_fields_name(f), steer_hash_name(p->fn), len ? list : "none");
}

static void set_buckets(struct sparse *p, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE];
	unsigned long v;
	int rc = steer__parse_ulong(e->value, 1, BUCKETS_MAX, &v);
	if (rc == STEER_EINVAL)
		sdiag(p, STEER_SEV_ERROR, e, "'%s' is not a number (a power of two, 1..65536)",
		      steer__quote(e->value, q));
	else if (rc != 0)
		sdiag(p, STEER_SEV_ERROR, e, "'%s' is out of range (a power of two, 1..65536)",
		      steer__quote(e->value, q));
	else if (v & (v - 1))
		/* The bucket index is the hash masked to k bits: only 2^k buckets are all used. */
		sdiag(p, STEER_SEV_ERROR, e, "%lu is not a power of two", v);
	else {
		p->fe->buckets = (uint32_t)v;
		p->c->line_buckets = e->line;
		return;
	}
	p->c->buckets_bad = true;
}

static int set_non_ip(struct sparse *p, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE];
	const char *v = e->value;
	enum steer_nonip_policy np;
	if (steer_nonip_policy_from_name(v, &np) == 0 && np != STEER_NONIP_WORKER) {
		p->fe->non_ip = np;
	} else if (strncmp(v, "worker:", 7) == 0 && v[7] != '\0') {
		/* Whether NAME is a worker is known only with node.cfg: config.c checks it. */
		char *name = strdup(v + 7);
		if (!name)
			return STEER_ENOMEM;
		free(p->fe->non_ip_worker);
		p->fe->non_ip_worker = name;
		p->fe->non_ip = STEER_NONIP_WORKER;
	} else {
		sdiag(p, STEER_SEV_ERROR, e,
		      "'%s' is not a non-IP policy (mac, drop or worker:NAME)", steer__quote(v, q));
		return 0;
	}
	p->fe->line_non_ip = e->line;
	return 0;
}

static void set_mac_base(struct sparse *p, const struct steer_ini_entry *e)
{
	char q[STEER__QUOTE_SIZE], a[STEER_MAC_STRLEN];
	struct steer_mac m;
	static const struct steer_mac zero;
	if (steer_mac_parse(e->value, &m) != 0) {
		sdiag(p, STEER_SEV_ERROR, e, "'%s' is not a MAC address (e.g. 02:53:54:00:00:00)",
		      steer__quote(e->value, q));
		return;
	}
	steer_mac_format(&m, a);
	if (memcmp(&m, &zero, sizeof(m)) == 0) {
		sdiag(p, STEER_SEV_ERROR, e, "00:00:00:00:00:00 is not a usable MAC base");
		return;
	}
	if (steer_mac_is_multicast(&m)) {
		sdiag(
		    p, STEER_SEV_ERROR, e,
		    "%s is a multicast MAC (low bit of the first octet set); workers need unicast "
		    "MACs",
		    a);
		return;
	}
	if (!steer_mac_is_local(&m))
		sdiag(p, STEER_SEV_WARNING, e,
		      "%s is not locally administered (bit 0x02 of the first octet is clear): may "
		      "collide with real NICs",
		      a);
	p->fe->mac_base = m;
}

/* One of the names of t; reports them when v is none of them. */
static bool word(struct sparse *p, const struct steer_ini_entry *e, const struct steer_name *t,
                 size_t n, const char *what, int *value)
{
	char q[STEER__QUOTE_SIZE], list[96];
	if (steer_name_lookup(t, n, e->value, value) == 0)
		return true;
	sdiag(p, STEER_SEV_ERROR, e, "'%s' is not %s (%s)", steer__quote(e->value, q), what,
	      steer_names_list(t, n, list, sizeof(list)));
	return false;
}

static int set_value(struct sparse *p, enum skey k, const struct steer_ini_entry *e)
{
	static const struct steer_name tunnels[] = {{0, "outer"}, {1, "inner"}};
	struct steer_frontend *fe = p->fe;
	char q[STEER__QUOTE_SIZE];
	unsigned long v;
	int i;

	switch (k) {
	case S_PROFILE: {
		if (!valid_profile(e->value)) {
			sdiag(p, STEER_SEV_ERROR, e,
			      "'%s' is not a profile name (up to %d of a-z 0-9 . _ -)",
			      steer__quote(e->value, q), PROFILE_NAME_MAX);
			break;
		}
		char *s = strdup(e->value);
		if (!s)
			return STEER_ENOMEM;
		free(fe->profile);
		fe->profile = s;
		fe->line_profile = e->line;
		break;
	}
	case S_HASH: {
		if (p->hash_ok) {
			fe->hash.fn = p->fn;
			fe->line_hash = e->line;
			break;
		}
		char list[96] = "";
		size_t len = 0;
		for (int h = 0; h < STEER_HASH__COUNT; h++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
			                        h == 0                       ? ""
			                        : h + 1 == STEER_HASH__COUNT ? " or "
			                                                     : ", ",
			                        steer_hash_name((enum steer_hash_fn)h));
		sdiag(p, STEER_SEV_ERROR, e, "'%s' is not a hash (%s)", steer__quote(e->value, q),
		      list);
		break;
	}
	case S_HASH_KEY:
		set_hash_key(p, e);
		break;
	case S_FIELDS:
		set_fields(p, e);
		break;
	case S_BUCKETS:
		set_buckets(p, e);
		break;
	case S_FRAGMENTS:
		if (word(p, e, steer__frag_policy_names, STEER_NAMES_LEN(steer__frag_policy_names),
		         "a fragment policy", &i))
			fe->fragments = (enum steer_frag_policy)i;
		break;
	case S_NON_IP:
		return set_non_ip(p, e);
	case S_TUNNELS:
		if (word(p, e, tunnels, STEER_NAMES_LEN(tunnels), "a tunnel mode", &i))
			fe->tunnels_inner = i == 1;
		break;
	case S_VLAN_IN_KEY:
		if (word(p, e, steer_bool_names, STEER_NAMES_LEN(steer_bool_names), "a boolean", &i))
			fe->vlan_in_key = i == 1;
		break;
	case S_MAC_BASE:
		set_mac_base(p, e);
		fe->line_mac_base = e->line;
		break;
	case S_VLAN_BASE: {
		int rc = steer__parse_ulong(e->value, 1, 4094, &v);
		if (rc == 0) {
			fe->vlan_base = (uint16_t)v;
			fe->line_vlan_base = e->line;
		} else
			sdiag(p, STEER_SEV_ERROR, e, "'%s' is not a VLAN id (1..4094)",
			      steer__quote(e->value, q));
		break;
	}
	case S_DELIVERY:
		if (word(p, e, steer__delivery_names, STEER_NAMES_LEN(steer__delivery_names),
		         "a delivery mode", &i))
			fe->delivery = (enum steer_delivery)i;
		break;
	case S__COUNT:
		break;
	}
	return 0;
}

static int set_defaults(struct steer_frontend *fe)
{
	memset(fe, 0, sizeof(*fe));
	fe->profile = strdup("steerlb");
	if (!fe->profile)
		return STEER_ENOMEM;
	fe->hash.fn = STEER_HASH_DEFAULT;
	fe->hash.fields = steer_hash_default_fields(STEER_HASH_DEFAULT);
	fe->buckets = 4096;
	fe->fragments = STEER_FRAG_REMEMBER;
	fe->non_ip = STEER_NONIP_MAC;
	fe->mac_base = default_mac_base;
	fe->vlan_base = 100;
	fe->delivery = STEER_DELIVER_MAC;
	return 0;
}

int steer__steer_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len)
{
	struct steer_frontend *fe = &c->cfg->fe;
	int rc = set_defaults(fe);
	if (rc != 0 || !buf)
		return rc;

	struct steer_ini ini;
	if ((rc = steer_ini_parse(&ini, buf, len, STEER_INI_FLAT, c->cfg->steer_path, c->diags)))
		return rc;

	/* The hash first, whatever its line: hash_key and fields are judged by it. */
	struct sparse p = {.c = c, .fe = fe, .fn = STEER_HASH_DEFAULT, .hash_ok = true};
	for (size_t i = 0; i < ini.n; i++) {
		const struct steer_ini_entry *e = &ini.v[i];
		if (e->key && !e->dup_line && strcmp(e->key, "hash") == 0)
			p.hash_ok = steer_hash_from_name(e->value, &p.fn) == 0;
	}

	char q[STEER__QUOTE_SIZE];
	for (size_t i = 0; i < ini.n && rc == 0; i++) {
		const struct steer_ini_entry *e = &ini.v[i];
		if (!e->key) {
			steer_diag_add(c->diags, STEER_SEV_ERROR, c->cfg->steer_path, e->line,
			               "steer.cfg takes no sections: remove [%s]",
			               steer__quote(e->section, q));
			continue;
		}
		if (e->dup_line) {
			sdiag(&p, STEER_SEV_ERROR, e, "given twice (first at line %u)",
			      e->dup_line);
			continue;
		}
		int k = lookup_key(e->key);
		if (k < 0) {
			bool taken;
			if ((rc = steer__cluster_key(c, e, &taken)) == 0 && !taken)
				sdiag(&p, STEER_SEV_WARNING, e, "unknown key (ignored)");
			continue;
		}
		rc = set_value(&p, (enum skey)k, e);
	}
	if (rc == 0 && p.hash_ok) {
		if (!p.fields_set)
			fe->hash.fields = steer_hash_default_fields(p.fn);
		if (p.fn == STEER_HASH_TOEPLITZ && !p.key_set)
			memcpy(fe->hash.key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
	}
	steer_ini_free(&ini);
	return rc;
}
