/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/addr.h: MAC and IP addresses, endpoints and CIDR prefixes as text (RFC 4291, RFC 5952). */
#ifndef STEER_ADDR_H
#define STEER_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

struct steer_mac {
	uint8_t b[6];
};

/* An IP address: family 4 (first 4 bytes used, rest zero) or 6. */
struct steer_addr {
	uint8_t family;
	uint8_t a[16];
};

#define STEER_MAC_STRLEN 18  /* "02:00:00:00:00:01" + NUL */
#define STEER_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

/* Parses "aa:bb:cc:dd:ee:ff" (also '-' separated). Returns 0 or STEER_EINVAL. */
int steer_mac_parse(const char *s, struct steer_mac *out);
/* Writes lower-case colon form into buf (STEER_MAC_STRLEN bytes); returns buf. */
char *steer_mac_format(const struct steer_mac *m, char *buf);
static inline bool steer_mac_is_multicast(const struct steer_mac *m) { return m->b[0] & 1u; }
static inline bool steer_mac_is_local(const struct steer_mac *m) { return m->b[0] & 2u; }
/* m + n as a 48-bit big-endian integer (wraps). */
struct steer_mac steer_mac_add(const struct steer_mac *m, uint64_t n);

/* Parses a dotted IPv4 or an IPv6 address (no brackets, no port). 0 or STEER_EINVAL. */
int steer_addr_parse(const char *s, struct steer_addr *out);
/* Formats into buf (STEER_ADDR_STRLEN bytes), IPv6 in RFC 5952 form; returns buf. */
char *steer_addr_format(const struct steer_addr *a, char *buf);

/* Parses an endpoint: "ADDR", "IPv4:PORT", "[IPv6]:PORT" or a bare IPv6 "ADDR".
 * *has_port tells whether a port was given (then *port is set, else 0). 0 or STEER_EINVAL. */
int steer_endpoint_parse(const char *s, struct steer_addr *addr, uint16_t *port, bool *has_port);

/* Parses "ADDR/LEN" or a bare address (full-length prefix). Host bits must be zero.
 * On failure writes why into errbuf (STEER_ERRBUF_SIZE) and returns STEER_EINVAL. */
int steer_cidr_parse(const char *s, struct steer_addr *net, unsigned *prefix_len, char *errbuf);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
