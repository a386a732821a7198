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
	if (flags & 0x0080)
		tf_put32(f, 9);
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

/* ---- whole packets ---- */

size_t tf_ip(struct tframe *f, unsigned proto, const char *src, const char *dst)
{
	size_t at = f->n;
	if (!strchr(src, ':')) {
		tf_put8(f, 0x45);
		tf_put8(f, 0);
		tf_put16(f, 0);      /* total length: tf_ip_csum_end */
		tf_put16(f, 0x1234); /* id */
		tf_put16(f, 0);
		tf_put8(f, 64);
		tf_put8(f, proto);
		tf_put16(f, 0); /* checksum: tf_ip_csum_end */
	} else {
		tf_put32(f, 0x60000000u);
		tf_put16(f, 0);
		tf_put8(f, proto);
		tf_put8(f, 64);
	}
	tf_putaddr(f, src);
	tf_putaddr(f, dst);
	return at;
}

/* The one's-complement sum (RFC 1071) of n bytes, added to s. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void tf_ip_csum_end(struct tframe *f, size_t at)
{
	uint8_t *h = f->b + at;
	bool v4 = (h[0] >> 4) == 4;
	size_t hl = v4 ? 20 : 40, len = f->n - at, l4 = at + hl, l4len = len - hl;
	unsigned proto = v4 ? h[9] : h[6];
	uint32_t s;
	if (v4) {
		tf_set16(f, at + 2, (unsigned)len);
		tf_set16(f, at + 10, 0);
		tf_set16(f, at + 10, fold(sum16(0, h, 20)));
		s = sum16(0, h + 12, 8);
	} else {
		tf_set16(f, at + 4, (unsigned)l4len);
		s = sum16(0, h + 8, 32);
	}
	s += proto + (uint32_t)l4len; /* the pseudo-header's rest */
	switch (proto) {
	case 6:
		tf_set16(f, l4 + 16, 0);
		tf_set16(f, l4 + 16, fold(sum16(s, f->b + l4, l4len)));
		break;
	case 17:
		tf_set16(f, l4 + 4, (unsigned)l4len);
		tf_set16(f, l4 + 6, 0);
		tf_set16(f, l4 + 6, fold(sum16(s, f->b + l4, l4len)));
		break;
	case 1:
		tf_set16(f, l4 + 2, 0);
		tf_set16(f, l4 + 2, fold(sum16(0, f->b + l4, l4len)));
		break;
	case 58:
		tf_set16(f, l4 + 2, 0);
		tf_set16(f, l4 + 2, fold(sum16(s, f->b + l4, l4len)));
		break;
	}
}

void tf_tcp_seg(struct tframe *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
                unsigned flags, unsigned win, size_t payload)
{
	tf_put16(f, sport);
	tf_put16(f, dport);
	tf_put32(f, seq);
	tf_put32(f, ack);
	tf_put8(f, 5 << 4);
	tf_put8(f, flags);
	tf_put16(f, win);
	tf_put32(f, 0); /* checksum, urgent pointer */
	tf_fill(f, payload, 'x');
}

void tf_icmp(struct tframe *f, unsigned type, unsigned code, size_t payload)
{
	tf_put8(f, type);
	tf_put8(f, code);
	tf_put16(f, 0);
	tf_put32(f, 0x00010001u);
	tf_fill(f, payload, 'p');
}

void tf_geneve(struct tframe *f, unsigned version, unsigned opt_words, unsigned proto)
{
	tf_put8(f, version << 6 | opt_words);
	tf_put8(f, 0);
	tf_put16(f, proto);
	tf_put32(f, 42u << 8);
	for (unsigned i = 0; i < opt_words; i++)
		tf_put32(f, 0x01020000u | i);
}

void tf_gtp(struct tframe *f, unsigned flags, unsigned msg, unsigned ext_words)
{
	tf_put8(f, 0x30 | flags);
	tf_put8(f, msg);
	tf_put16(f, 0);
	tf_put32(f, 0x11223344u);
	if (flags & 7) {
		tf_put16(f, 1);
		tf_put8(f, 0);
		tf_put8(f, (flags & 4) ? 0x85 : 0);
	}
	if (flags & 4) {
		tf_put8(f, ext_words);
		tf_fill(f, ext_words * 4 - 2, 0xee);
		tf_put8(f, 0);
	}
}

void tf_ayiya(struct tframe *f, unsigned idn, unsigned sign, unsigned op, unsigned nh)
{
	tf_put8(f, idn << 4 | 1);
	tf_put8(f, sign << 4 | 2);
	tf_put8(f, 0x10 | op);
	tf_put8(f, nh);
	tf_put32(f, 0);
	tf_fill(f, ((size_t)1 << idn) + (size_t)sign * 4, 0x5a);
}

void tf_eth_tcp(struct tframe *f, const char *src, unsigned sport, const char *dst, unsigned dport,
                uint32_t seq, uint32_t ack, unsigned flags, size_t payload)
{
	f->n = 0;
	tf_eth(f, strchr(src, ':') ? 0x86dd : 0x0800);
	size_t ip = tf_ip(f, 6, src, dst);
	tf_tcp_seg(f, sport, dport, seq, ack, flags, 8192, payload);
	tf_ip_csum_end(f, ip);
}

void tf_eth_udp(struct tframe *f, const char *src, unsigned sport, const char *dst, unsigned dport,
                size_t payload)
{
	f->n = 0;
	tf_eth(f, strchr(src, ':') ? 0x86dd : 0x0800);
	size_t ip = tf_ip(f, 17, src, dst);
	tf_udp(f, sport, dport);
	tf_fill(f, payload, 'u');
	tf_ip_csum_end(f, ip);
}
