/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/lib/frame.c: test-only frame building, byte by byte (see frame.h). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

const uint8_t tf_mac_d[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t tf_mac_s[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
const uint8_t tf_inner_mac_d[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x01};
const uint8_t tf_inner_mac_s[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};
const uint8_t tf_sll_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x03};

void tf_put8(struct tframe *f, unsigned v)
{
	if (f->n >= sizeof(f->b)) {
		fprintf(stderr, "tframe: a test frame longer than %zu bytes\n", sizeof(f->b));
		abort();
	}
	f->b[f->n++] = (uint8_t)v;
}

void tf_put16(struct tframe *f, unsigned v)
{
	tf_put8(f, (v >> 8) & 0xff);
	tf_put8(f, v & 0xff);
}

void tf_put32(struct tframe *f, uint32_t v)
{
	tf_put16(f, v >> 16);
	tf_put16(f, v & 0xffff);
}

void tf_putn(struct tframe *f, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tf_put8(f, ((const uint8_t *)p)[i]);
}

void tf_fill(struct tframe *f, size_t n, unsigned v)
{
	while (n--)
		tf_put8(f, v);
}

void tf_set16(struct tframe *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

size_t tf_addr16(uint8_t a[16], const char *s)
{
	memset(a, 0, 16);
	if (!s)
		return 0;
	bool v6 = strchr(s, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s, a) != 1) {
		fprintf(stderr, "tframe: '%s' is not an address\n", s);
		abort();
	}
	return v6 ? 16 : 4;
}

void tf_putaddr(struct tframe *f, const char *s)
{
	uint8_t a[16];
	size_t n = tf_addr16(a, s);

	tf_putn(f, a, n);
}

void tf_eth(struct tframe *f, unsigned type)
{
	tf_putn(f, tf_mac_d, 6);
	tf_putn(f, tf_mac_s, 6);
	tf_put16(f, type);
}

void tf_eth_inner(struct tframe *f, unsigned type)
{
	tf_putn(f, tf_inner_mac_d, 6);
	tf_putn(f, tf_inner_mac_s, 6);
	tf_put16(f, type);
}

void tf_tag(struct tframe *f, unsigned vid, unsigned type)
{
	tf_put16(f, 5u << 13 | vid);
	tf_put16(f, type);
}

void tf_mpls(struct tframe *f, uint32_t label, int bos)
{
	tf_put32(f, label << 12 | (bos ? 0x100u : 0) | 64);
}

size_t tf_pppoe(struct tframe *f, unsigned ppp_proto)
{
	size_t at = f->n;

	tf_put8(f, 0x11);
	tf_put8(f, 0x00);
	tf_put16(f, 0x0001);
	tf_put16(f, 0);
	tf_put16(f, ppp_proto);
	return at;
}

void tf_sll(struct tframe *f, unsigned halen, unsigned proto)
{
	tf_put16(f, 4);
	tf_put16(f, 1);
	tf_put16(f, halen);
	tf_putn(f, tf_sll_mac, 6);
	tf_put16(f, 0);
	tf_put16(f, proto);
}

size_t tf_ipv4_opt(struct tframe *f, unsigned proto, const char *src, const char *dst,
                   unsigned optwords)
{
	size_t at = f->n;

	tf_put8(f, 0x40 | (5 + optwords));
	tf_put8(f, 0);
	tf_put16(f, 0);
	tf_put16(f, 0x1234);
	tf_put16(f, 0x4000);
	tf_put8(f, 64);
	tf_put8(f, proto);
	tf_put16(f, 0);
	tf_putaddr(f, src);
	tf_putaddr(f, dst);
	for (unsigned i = 0; i < optwords * 4; i++)
		tf_put8(f, i + 1 < optwords * 4 ? 1 : 0);
	return at;
}

size_t tf_ipv4(struct tframe *f, unsigned proto, const char *src, const char *dst)
{
	return tf_ipv4_opt(f, proto, src, dst, 0);
}

size_t tf_ipv6(struct tframe *f, unsigned nh, const char *src, const char *dst)
{
	size_t at = f->n;

	tf_put32(f, 0x60000000);
	tf_put16(f, 0);
	tf_put8(f, nh);
	tf_put8(f, 64);
	tf_putaddr(f, src);
	tf_putaddr(f, dst);
	return at;
}

void tf_ip_end(struct tframe *f, size_t at)
{
	if (f->b[at] >> 4 == 4)
		tf_set16(f, at + 2, (unsigned)(f->n - at));
	else
		tf_set16(f, at + 4, (unsigned)(f->n - at - 40));
}

void tf_ext(struct tframe *f, unsigned nh, unsigned len8)
{
	tf_put8(f, nh);
	tf_put8(f, len8);
	tf_fill(f, (len8 + 1) * 8 - 2, 0);
}

void tf_frag6(struct tframe *f, unsigned nh, unsigned offset, unsigned more, uint32_t id)
{
	tf_put8(f, nh);
	tf_put8(f, 0);
	tf_put16(f, offset << 3 | more);
	tf_put32(f, id);
}

void tf_tcp(struct tframe *f, unsigned sport, unsigned dport)
{
	tf_put16(f, sport);
	tf_put16(f, dport);
	tf_put32(f, 1);
	tf_put32(f, 0);
	tf_put8(f, 0x50);
	tf_put8(f, 0x02);
	tf_put16(f, 65535);
	tf_put32(f, 0);
}

size_t tf_udp(struct tframe *f, unsigned sport, unsigned dport)
{
	size_t at = f->n;

	tf_put16(f, sport);
	tf_put16(f, dport);
	tf_put16(f, 8);
	tf_put16(f, 0);
	return at;
}

void tf_udp_end(struct tframe *f, size_t at)
{
	tf_set16(f, at + 4, (unsigned)(f->n - at));
}

void tf_payload(struct tframe *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tf_put8(f, 'a' + i % 26);
}

void tf_gre(struct tframe *f, unsigned flags, unsigned proto)
{
	tf_put16(f, flags);
	tf_put16(f, proto);
	if (flags & 0x8000)
		tf_put32(f, 0);
	if (flags & 0x2000)
		tf_put32(f, 0xcafe0001);
	if (flags & 0x1000)
		tf_put32(f, 7);
}

void tf_vxlan(struct tframe *f, unsigned flags, uint32_t vni)
{
	tf_put8(f, flags);
	tf_fill(f, 3, 0);
	tf_put32(f, vni << 8);
}

void tf_arp(struct tframe *f)
{
	tf_put16(f, 1);
	tf_put16(f, 0x0800);
	tf_put8(f, 6);
	tf_put8(f, 4);
	tf_put16(f, 1);
	tf_putn(f, tf_mac_s, 6);
	tf_putaddr(f, "10.0.0.2");
	tf_fill(f, 6, 0);
	tf_putaddr(f, "10.0.0.1");
}
