/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_ident.c: what identifies a connection and its ends: the key (ICMP as Zeek models it, type
 * and counterpart as ports: zeek:src/packet_analysis/protocol/icmp/ICMP.cc), likely_server_ports
 * (the originator heuristics) and the local networks (Site::local_nets with Zeek's private and
 * reserved blocks: zeek:scripts/base/utils/site.zeek). */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "conn_int.h"

enum { ICMP_ONE_WAY = 0x8000 }; /* above any type or code: one-way kinds keep their direction */

/* The request/reply pairs share one connection in both directions; other kinds are one-way and
 * take the code as their "responder port". */
static int icmp4_counterpart(unsigned type, unsigned code, bool *one_way)
{
	static const struct { uint8_t a, b; } pairs[] = {
	    {8, 0}, {13, 14}, {15, 16}, {10, 9}, {17, 18},
	};
	*one_way = false;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (type == pairs[i].a)
			return pairs[i].b;
		if (type == pairs[i].b)
			return pairs[i].a;
	}
	*one_way = true;
	return (int)code;
}

static int icmp6_counterpart(unsigned type, unsigned code, bool *one_way)
{
	static const struct { uint8_t a, b; } pairs[] = {
	    {128, 129}, {133, 134}, {135, 136}, {130, 131}, {139, 140}, {144, 145},
	};
	*one_way = false;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (type == pairs[i].a)
			return pairs[i].b;
		if (type == pairs[i].b)
			return pairs[i].a;
	}
	*one_way = true;
	return (int)code;
}

void steer__conn_key(const struct steer_layer *l, uint8_t icmp_type, uint8_t icmp_code,
                     struct steer_flow_key *k, bool *one_way)
{
	memset(k, 0, sizeof(*k));
	k->family = l->family;
	k->proto = l->proto;
	memcpy(k->src, l->src, sizeof(k->src));
	memcpy(k->dst, l->dst, sizeof(k->dst));
	*one_way = false;
	switch (l->proto) {
	case 6:
	case 17:
		k->sport = l->sport;
		k->dport = l->dport;
		break;
	case 1:
	case 58: {
		int cp = l->proto == 1 ? icmp4_counterpart(icmp_type, icmp_code, one_way)
		                       : icmp6_counterpart(icmp_type, icmp_code, one_way);
		k->sport = icmp_type;
		k->dport = (uint16_t)(cp | (*one_way ? ICMP_ONE_WAY : 0));
		break;
	}
	}
}

bool steer__likely(const struct steer_conn *t, int ip_proto, uint16_t port)
{
	const uint8_t *map = t->likely[ip_proto == 17];
	return map[port >> 3] & (1u << (port & 7));
}

/* Zeek's default likely_server_ports: every port its base scripts register an analyzer for. */
static const uint16_t tcp_default[] = {
    21,   22,   25,   53,   79,   80,   81,   88,   135,  139,  143,  389,  443,  445,  465,
    502,  514,  563,  585,  587,  614,  631,  636,  989,  990,  992,  993,  995,  1080, 1434,
    1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669,
    8000, 8080, 8888, 20000,
};
static const uint16_t udp_default[] = {
    53,   67,   88,   123,  137,  161,  162,  389,  443,  514,  1812, 2123,
    2152, 3389, 3544, 4011, 4754, 4789, 5060, 5072, 5353, 5355, 6081, 20000,
};

bool steer_conn_default_likely(int ip_proto, uint8_t map[8192])
{
	const uint16_t *ports = ip_proto == 6 ? tcp_default : udp_default;
	size_t n = ip_proto == 6 ? sizeof(tcp_default) / sizeof(tcp_default[0])
	                         : sizeof(udp_default) / sizeof(udp_default[0]);

	memset(map, 0, 8192);
	if (ip_proto != 6 && ip_proto != 17)
		return false;
	for (size_t i = 0; i < n; i++)
		map[ports[i] >> 3] |= (uint8_t)(1u << (ports[i] & 7));
	return true;
}

/* ---- local networks ---- */

struct prefix {
	uint8_t family, len;
	uint8_t a[16];
};

struct steer__netset {
	size_t n;
	struct prefix p[];
};

/* Zeek's Site::private_address_space (IANA's special-purpose registries, with 6to4 forms). */
static const char *const private_space[] = {
    "0.0.0.0/8",        "2002::/24",         "10.0.0.0/8",          "2002:a00::/24",
    "100.64.0.0/10",    "2002:6440::/26",    "127.0.0.0/8",         "2002:7f00::/24",
    "169.254.0.0/16",   "2002:a9fe::/32",    "172.16.0.0/12",       "2002:ac10::/28",
    "192.0.0.0/24",     "2002:c000::/40",    "192.0.2.0/24",        "2002:c000:200::/40",
    "192.168.0.0/16",   "2002:c0a8::/32",    "198.18.0.0/15",       "2002:c612::/31",
    "198.51.100.0/24",  "2002:c633:6400::/40", "203.0.113.0/24",    "2002:cb00:7100::/40",
    "224.0.0.0/24",     "2002:e000::/40",    "239.0.0.0/8",         "2002:ef00::/24",
    "240.0.0.0/4",      "2002:f000::/20",    "255.255.255.255/32",  "2002:ffff:ffff::/48",
    "::/128",           "::1/128",           "64:ff9b:1::/48",      "100::/64",
    "2001::/23",        "2001:2::/48",       "2001:db8::/32",       "fc00::/7",
    "fe80::/10",        "fec0::/10",
};
#define N_PRIVATE (sizeof(private_space) / sizeof(private_space[0]))

int steer__netset_new(const struct steer_conn_opts *o, struct steer__netset **out)
{
	size_t n = o->n_local_nets + (o->private_is_local ? N_PRIVATE : 0);
	struct steer__netset *s = malloc(sizeof(*s) + n * sizeof(s->p[0]));
	char err[STEER_ERRBUF_SIZE];

	*out = NULL;
	if (!s)
		return STEER_ENOMEM;
	s->n = 0;
	for (size_t i = 0; i < o->n_local_nets; i++) {
		const struct steer_network *nw = &o->local_nets[i];
		if ((nw->net.family != 4 && nw->net.family != 6) ||
		    nw->prefix_len > (nw->net.family == 4 ? 32u : 128u)) {
			free(s);
			return STEER_EINVAL;
		}
		s->p[s->n].family = nw->net.family;
		s->p[s->n].len = (uint8_t)nw->prefix_len;
		memcpy(s->p[s->n].a, nw->net.a, 16);
		s->n++;
	}
	for (size_t i = 0; o->private_is_local && i < N_PRIVATE; i++) {
		struct steer_addr a;
		unsigned len;
		/* The table is ours; a failure here is a typo in it. */
		if (steer_cidr_parse(private_space[i], &a, &len, err) != 0) {
			free(s);
			return STEER_EINVAL;
		}
		s->p[s->n].family = a.family;
		s->p[s->n].len = (uint8_t)len;
		memcpy(s->p[s->n].a, a.a, 16);
		s->n++;
	}
	*out = s;
	return 0;
}

void steer__netset_free(struct steer__netset *n)
{
	free(n);
}

size_t steer__netset_count(const struct steer__netset *n)
{
	return n ? n->n : 0;
}

size_t steer__netset_memory(const struct steer__netset *n)
{
	return n ? sizeof(*n) + n->n * sizeof(n->p[0]) : 0;
}

static bool in_prefix(const struct prefix *p, const uint8_t *a)
{
	unsigned full = p->len / 8u, rest = p->len % 8u;
	if (memcmp(p->a, a, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff00u >> rest);
	return (p->a[full] & mask) == (a[full] & mask);
}

bool steer__is_local(const struct steer_conn *t, uint8_t family, const uint8_t *a)
{
	for (size_t i = 0; t->local && i < t->local->n; i++)
		if (t->local->p[i].family == family && in_prefix(&t->local->p[i], a))
			return true;
	return false;
}
