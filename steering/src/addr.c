/* SPDX-License-Identifier: BSD-2-Clause */
/* addr.c: MAC and IP addresses, endpoints and CIDR prefixes as text (RFC 4291, RFC 5952). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <steer/addr.h>
#include <steer/error.h>

#include "addr_int.h"

/* Longest text any of these parsers accepts for an address part: an IPv6 address with an
 * embedded IPv4 is at most 45 characters. Longer input is rejected before it is copied. */
#define ADDR_TEXT_MAX 64

int steer__hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int steer_mac_parse(const char *s, struct steer_mac *out)
{
	/* Exactly six two-digit groups and one separator kind: "2:0:0:0:0:1" or a mix of ':' and
	 * '-' is more likely a typo than a MAC, and a MAC decides where traffic goes. */
	if (!s || strlen(s) != 17)
		return STEER_EINVAL;
	char sep = s[2];
	if (sep != ':' && sep != '-')
		return STEER_EINVAL;
	struct steer_mac m;
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = steer__hexval(p[0]), lo = steer__hexval(p[1]);
		if (hi < 0 || lo < 0)
			return STEER_EINVAL;
		if (i < 5 && p[2] != sep)
			return STEER_EINVAL;
		m.b[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = m;
	return 0;
}

char *steer_mac_format(const struct steer_mac *m, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 6; i++) {
		buf[3 * i] = hex[m->b[i] >> 4];
		buf[3 * i + 1] = hex[m->b[i] & 0xf];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	return buf;
}

struct steer_mac steer_mac_add(const struct steer_mac *m, uint64_t n)
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | m->b[i];
	v = (v + n) & 0xffffffffffffull;
	struct steer_mac r;
	for (int i = 5; i >= 0; i--) {
		r.b[i] = (uint8_t)v;
		v >>= 8;
	}
	return r;
}

int steer_addr_parse(const char *s, struct steer_addr *out)
{
	if (!s || strlen(s) > ADDR_TEXT_MAX)
		return STEER_EINVAL;
	struct steer_addr a;
	memset(&a, 0, sizeof(a));
	/* inet_pton's AF_INET form is strict dotted-quad (no "10.1", no octal "010.0.0.1"),
	 * unlike inet_aton: exactly what a configuration file should accept. */
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.family = 6;
	else
		return STEER_EINVAL;
	*out = a;
	return 0;
}

/* RFC 5952 by hand rather than inet_ntop so that every libc prints the same text (plans and
 * golden files compare it): lower-case hex without leading zeros, the longest run of two or more
 * zero groups (the first on a tie) as "::", and dotted IPv4 only for ::ffff:0:0/96 (section 5). */
static void format6(const uint8_t a[16], char *buf)
{
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];

	int best = -1, bestlen = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	if (bestlen < 2)
		best = -1;

	bool mapped = best == 0 && bestlen == 5 && g[5] == 0xffff;
	int ngroups = mapped ? 6 : 8;
	char *p = buf;
	for (int i = 0; i < ngroups; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			*p++ = ':';
		p += sprintf(p, "%x", g[i]);
	}
	if (mapped)
		sprintf(p, ":%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	else
		*p = '\0';
}

char *steer_addr_format(const struct steer_addr *a, char *buf)
{
	if (a->family == 4)
		sprintf(buf, "%u.%u.%u.%u", a->a[0], a->a[1], a->a[2], a->a[3]);
	else if (a->family == 6)
		format6(a->a, buf);
	else
		strcpy(buf, "?");
	return buf;
}

/* A decimal number with nothing else: strtoul alone would take " +80" or "-1". */
static int parse_port(const char *s, uint16_t *port)
{
	if (s[0] < '0' || s[0] > '9')
		return STEER_EINVAL;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v > 65535)
		return STEER_EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* Copies s[0..n) into buf (ADDR_TEXT_MAX + 1 bytes); false when it does not fit. */
static bool copy_part(char *buf, const char *s, size_t n)
{
	if (n > ADDR_TEXT_MAX)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

int steer_endpoint_parse(const char *s, struct steer_addr *addr, uint16_t *port, bool *has_port)
{
	char host[ADDR_TEXT_MAX + 1];
	struct steer_addr a;
	uint16_t p = 0;
	bool hp = false;

	if (!s || !*s)
		return STEER_EINVAL;
	if (s[0] == '[') {
		/* "[IPv6]" or "[IPv6]:PORT": the brackets are only for IPv6 (RFC 3986 IP-literal).
		 */
		const char *close = strchr(s, ']');
		if (!close || !copy_part(host, s + 1, (size_t)(close - s - 1)))
			return STEER_EINVAL;
		if (steer_addr_parse(host, &a) != 0 || a.family != 6)
			return STEER_EINVAL;
		if (close[1] == ':') {
			if (parse_port(close + 2, &p) != 0)
				return STEER_EINVAL;
			hp = true;
		} else if (close[1] != '\0') {
			return STEER_EINVAL;
		}
	} else if (steer_addr_parse(s, &a) == 0) {
		/* A bare address, IPv6 included: "2001:db8::1:80" is an address, never a port. */
	} else {
		const char *colon = strchr(s, ':');
		if (!colon || strchr(colon + 1, ':'))
			return STEER_EINVAL;
		if (!copy_part(host, s, (size_t)(colon - s)))
			return STEER_EINVAL;
		if (steer_addr_parse(host, &a) != 0 || a.family != 4)
			return STEER_EINVAL;
		if (parse_port(colon + 1, &p) != 0)
			return STEER_EINVAL;
		hp = true;
	}
	*addr = a;
	*port = p;
	*has_port = hp;
	return 0;
}

__attribute__((format(printf, 2, 3))) static void set_err(char *errbuf, const char *fmt, ...)
{
	if (!errbuf)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, STEER_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

int steer_cidr_parse(const char *s, struct steer_addr *net, unsigned *prefix_len, char *errbuf)
{
	char host[ADDR_TEXT_MAX + 1];
	struct steer_addr a;
	unsigned len;

	if (!s || !*s) {
		set_err(errbuf, "empty prefix (e.g. 10.0.0.0/8, 2001:db8::/32)");
		return STEER_EINVAL;
	}
	/* Quoted pieces of s are cut to a bounded width so the whole line fits errbuf. */
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (!copy_part(host, s, alen) || steer_addr_parse(host, &a) != 0) {
		set_err(errbuf,
		        "'%.80s' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)",
		        s);
		return STEER_EINVAL;
	}
	unsigned max = a.family == 4 ? 32 : 128;
	if (slash) {
		const char *ls = slash + 1;
		char *end;
		errno = 0;
		unsigned long v = ls[0] >= '0' && ls[0] <= '9' ? strtoul(ls, &end, 10) : 0;
		if (ls[0] < '0' || ls[0] > '9' || *end != '\0' || errno == ERANGE || v > max) {
			set_err(errbuf, "'%.80s': the prefix length must be a number 0..%u", s,
			        max);
			return STEER_EINVAL;
		}
		len = (unsigned)v;
	} else {
		len = max;
	}

	/* Host bits set usually means a typo or a host address where a network was meant; say
	 * which network the prefix length selects instead of silently masking. */
	struct steer_addr masked = a;
	for (unsigned bit = len; bit < max; bit++)
		masked.a[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	if (memcmp(masked.a, a.a, sizeof(a.a)) != 0) {
		char m[STEER_ADDR_STRLEN];
		set_err(errbuf, "host bits set in %s (did you mean %s/%u?)", s,
		        steer_addr_format(&masked, m), len);
		return STEER_EINVAL;
	}
	*net = a;
	*prefix_len = len;
	return 0;
}
