/* SPDX-License-Identifier: BSD-2-Clause */
/* frame_build.h: private to the tests: a small byte-level frame builder (Ethernet, IPv4/IPv6,
 * TCP/UDP/ICMP with correct lengths and checksums, and the tunnel headers) for the parser and
 * connection-tracker tests. Headers are opened, their payload appended, then closed (lengths and
 * checksums filled in) innermost first. */
#ifndef STEER_TEST_FRAME_BUILD_H
#define STEER_TEST_FRAME_BUILD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

struct fb {
	uint8_t b[4096];
	size_t n;
};

static inline void fb_u8(struct fb *f, unsigned v)
{
	f->b[f->n++] = (uint8_t)v;
}

static inline void fb_u16(struct fb *f, unsigned v)
{
	fb_u8(f, v >> 8);
	fb_u8(f, v & 0xff);
}

static inline void fb_u32(struct fb *f, uint32_t v)
{
	fb_u16(f, v >> 16);
	fb_u16(f, v & 0xffff);
}

static inline void fb_fill(struct fb *f, size_t n, unsigned v)
{
	memset(f->b + f->n, (int)v, n);
	f->n += n;
}

static inline void fb_set16(struct fb *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* Ethernet II with made-up addresses. */
static inline void fb_eth(struct fb *f, unsigned type)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
	memcpy(f->b + f->n, macs, 12);
	f->n += 12;
	fb_u16(f, type);
}

static inline void fb_addr(uint8_t *out, const char *s)
{
	memset(out, 0, 16);
	if (strchr(s, ':'))
		inet_pton(AF_INET6, s, out);
	else
		inet_pton(AF_INET, s, out);
}

/* An IP header; returns its offset for fb_ip_end. */
static inline size_t fb_ip(struct fb *f, unsigned proto, const char *src, const char *dst)
{
	size_t at = f->n;
	uint8_t a[16], b[16];
	fb_addr(a, src);
	fb_addr(b, dst);
	if (!strchr(src, ':')) {
		fb_u8(f, 0x45);
		fb_u8(f, 0);
		fb_u16(f, 0);      /* total length: fb_ip_end */
		fb_u16(f, 0x1234); /* id */
		fb_u16(f, 0);
		fb_u8(f, 64);
		fb_u8(f, proto);
		fb_u16(f, 0);      /* checksum: fb_ip_end */
		memcpy(f->b + f->n, a, 4);
		memcpy(f->b + f->n + 4, b, 4);
		f->n += 8;
	} else {
		fb_u32(f, 0x60000000u);
		fb_u16(f, 0);
		fb_u8(f, proto);
		fb_u8(f, 64);
		memcpy(f->b + f->n, a, 16);
		memcpy(f->b + f->n + 16, b, 16);
		f->n += 32;
	}
	return at;
}

static inline uint32_t fb_sum(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static inline uint16_t fb_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Fills in the length and header checksum of the IP header at ip, and the checksum of the
 * transport header right after it (TCP, UDP, ICMP, ICMPv6). */
static inline void fb_ip_end(struct fb *f, size_t ip)
{
	uint8_t *h = f->b + ip;
	bool v4 = (h[0] >> 4) == 4;
	size_t hl = v4 ? 20 : 40, len = f->n - ip, l4 = ip + hl, l4len = len - hl;
	unsigned proto = v4 ? h[9] : h[6];
	uint32_t s = 0;

	if (v4) {
		fb_set16(f, ip + 2, (unsigned)len);
		fb_set16(f, ip + 10, 0);
		fb_set16(f, ip + 10, fb_fold(fb_sum(0, h, 20)));
		s = fb_sum(0, h + 12, 8);
	} else {
		fb_set16(f, ip + 4, (unsigned)l4len);
		s = fb_sum(0, h + 8, 32);
	}
	s += proto + (uint32_t)l4len;
	switch (proto) {
	case 6:
		fb_set16(f, l4 + 16, 0);
		fb_set16(f, l4 + 16, fb_fold(fb_sum(s, f->b + l4, l4len)));
		break;
	case 17:
		fb_set16(f, l4 + 4, (unsigned)l4len);
		fb_set16(f, l4 + 6, 0);
		fb_set16(f, l4 + 6, fb_fold(fb_sum(s, f->b + l4, l4len)));
		break;
	case 1:
		fb_set16(f, l4 + 2, 0);
		fb_set16(f, l4 + 2, fb_fold(fb_sum(0, f->b + l4, l4len)));
		break;
	case 58:
		fb_set16(f, l4 + 2, 0);
		fb_set16(f, l4 + 2, fb_fold(fb_sum(s, f->b + l4, l4len)));
		break;
	}
}

static inline void fb_tcp(struct fb *f, unsigned sport, unsigned dport, uint32_t seq,
                          uint32_t ack, unsigned flags, unsigned win, size_t payload)
{
	fb_u16(f, sport);
	fb_u16(f, dport);
	fb_u32(f, seq);
	fb_u32(f, ack);
	fb_u8(f, 5 << 4);
	fb_u8(f, flags);
	fb_u16(f, win);
	fb_u16(f, 0);
	fb_u16(f, 0);
	fb_fill(f, payload, 'x');
}

static inline void fb_udp(struct fb *f, unsigned sport, unsigned dport)
{
	fb_u16(f, sport);
	fb_u16(f, dport);
	fb_u16(f, 0);
	fb_u16(f, 0);
}

static inline void fb_icmp(struct fb *f, unsigned type, unsigned code, size_t payload)
{
	fb_u8(f, type);
	fb_u8(f, code);
	fb_u16(f, 0);
	fb_u32(f, 0x00010001u);
	fb_fill(f, payload, 'p');
}

/* ---- tunnel headers ---- */

static inline void fb_vxlan(struct fb *f, unsigned flags, uint32_t vni)
{
	fb_u8(f, flags);
	fb_fill(f, 3, 0);
	fb_u32(f, vni << 8);
}

/* GRE with the optional fields its flags announce (checksum 0, key, sequence, ack). */
static inline void fb_gre(struct fb *f, unsigned flags, unsigned proto)
{
	fb_u16(f, flags);
	fb_u16(f, proto);
	if (flags & 0x8000)
		fb_u32(f, 0);
	if (flags & 0x2000)
		fb_u32(f, 0xcafe0001u);
	if (flags & 0x1000)
		fb_u32(f, 7);
	if (flags & 0x0080)
		fb_u32(f, 9);
}

static inline void fb_geneve(struct fb *f, unsigned version, unsigned opt_words, unsigned proto)
{
	fb_u8(f, version << 6 | opt_words);
	fb_u8(f, 0);
	fb_u16(f, proto);
	fb_u32(f, 42u << 8);
	for (unsigned i = 0; i < opt_words; i++)
		fb_u32(f, 0x01020000u | i);
}

/* GTPv1-U: version 1, PT, flags (E 4, S 2, PN 1), a message type; with E, one extension header
 * of n words whose last byte ends the chain. */
static inline void fb_gtp(struct fb *f, unsigned flags, unsigned msg, unsigned ext_words)
{
	fb_u8(f, 0x30 | flags);
	fb_u8(f, msg);
	fb_u16(f, 0);
	fb_u32(f, 0x11223344u);
	if (flags & 7) {
		fb_u16(f, 1);
		fb_u8(f, 0);
		fb_u8(f, (flags & 4) ? 0x85 : 0);
	}
	if (flags & 4) {
		fb_u8(f, ext_words);
		fb_fill(f, ext_words * 4 - 2, 0xee);
		fb_u8(f, 0);
	}
}

/* AYIYA: identity of 2^idn bytes, signature of 4*sign bytes, an opcode, the next header. */
static inline void fb_ayiya(struct fb *f, unsigned idn, unsigned sign, unsigned op, unsigned nh)
{
	fb_u8(f, idn << 4 | 1);
	fb_u8(f, sign << 4 | 2);
	fb_u8(f, 0x10 | op);
	fb_u8(f, nh);
	fb_u32(f, 0);
	fb_fill(f, ((size_t)1 << idn) + (size_t)sign * 4, 0x5a);
}

/* A whole IPv4/IPv6 TCP packet in Ethernet. */
static inline void fb_eth_tcp(struct fb *f, const char *src, unsigned sport, const char *dst,
                              unsigned dport, uint32_t seq, uint32_t ack, unsigned flags,
                              size_t payload)
{
	f->n = 0;
	fb_eth(f, strchr(src, ':') ? 0x86dd : 0x0800);
	size_t ip = fb_ip(f, 6, src, dst);
	fb_tcp(f, sport, dport, seq, ack, flags, 8192, payload);
	fb_ip_end(f, ip);
}

static inline void fb_eth_udp(struct fb *f, const char *src, unsigned sport, const char *dst,
                              unsigned dport, size_t payload)
{
	f->n = 0;
	fb_eth(f, strchr(src, ':') ? 0x86dd : 0x0800);
	size_t ip = fb_ip(f, 17, src, dst);
	fb_udp(f, sport, dport);
	fb_fill(f, payload, 'u');
	fb_ip_end(f, ip);
}

#endif
