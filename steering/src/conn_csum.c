/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_csum.c: the Internet checksum (RFC 1071) of IPv4 headers and of TCP, UDP and ICMP with
 * their pseudo-headers (RFC 793, RFC 768, RFC 8200 8.1), as Zeek validates them unless -C. */
#include "conn_int.h"

static uint32_t sum_bytes(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint32_t)p[i] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

bool steer__ipv4_hdr_ok(const uint8_t *ip, size_t hlen)
{
	return fold(sum_bytes(0, ip, hlen)) == 0xffff;
}

bool steer__l4_csum_ok(const struct steer_layer *l, const uint8_t *l4, size_t len, uint8_t proto)
{
	size_t alen = l->family == 4 ? 4 : 16;
	uint32_t s = sum_bytes(0, l->src, alen);
	s = sum_bytes(s, l->dst, alen);
	s += proto;
	s += (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	return fold(sum_bytes(s, l4, len)) == 0xffff;
}

bool steer__icmp4_csum_ok(const uint8_t *icmp, size_t len)
{
	return fold(sum_bytes(0, icmp, len)) == 0xffff;
}
