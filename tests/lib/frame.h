/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/lib/frame.h: the tests' one frame builder, byte by byte (Ethernet, 802.1Q, MPLS RFC
 * 3032, PPPoE RFC 2516, Linux cooked v1, IPv4 RFC 791, IPv6 RFC 8200 and its extension and
 * fragment headers, TCP, UDP RFC 768, ICMP, GRE RFC 2784/2890 and 2637, VXLAN RFC 7348, Geneve
 * RFC 8926, GTPv1-U, AYIYA, ARP RFC 826), for the parser tests that need exact control over
 * every byte (hostile and cut frames included) and the connection tracker's (whole packets with
 * correct lengths and checksums: tf_ip_csum_end). Lengths are not filled in until tf_ip_end /
 * tf_udp_end / tf_ip_csum_end; checksums only by tf_ip_csum_end. Overflowing a frame or an
 * unparsable address aborts (a broken test, not a result). */
#ifndef STEER_TEST_FRAME_H
#define STEER_TEST_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct tframe {
	uint8_t b[4096];
	size_t n;
};

/* The MACs tf_eth, tf_eth_inner, tf_sll and tf_arp write. */
extern const uint8_t tf_mac_d[6], tf_mac_s[6], tf_inner_mac_d[6], tf_inner_mac_s[6], tf_sll_mac[6];

void tf_put8(struct tframe *f, unsigned v);
void tf_put16(struct tframe *f, unsigned v);
void tf_put32(struct tframe *f, uint32_t v);
void tf_putn(struct tframe *f, const void *p, size_t n);
void tf_fill(struct tframe *f, size_t n, unsigned v);
/* Overwrites the 16-bit big-endian value at offset at. */
void tf_set16(struct tframe *f, size_t at, unsigned v);
/* "10.0.0.1" or "2001:db8::1" into 16 bytes (IPv4 in the first 4, rest zero); returns the
 * address's length (4 or 16); NULL: all zero, 0. */
size_t tf_addr16(uint8_t a[16], const char *s);
void tf_putaddr(struct tframe *f, const char *s);

void tf_eth(struct tframe *f, unsigned type);
void tf_eth_inner(struct tframe *f, unsigned type);
/* An 802.1Q tag with PCP 5 set (so the parser must mask the VID out of the TCI). */
void tf_tag(struct tframe *f, unsigned vid, unsigned type);
void tf_mpls(struct tframe *f, uint32_t label, int bos);
/* A PPPoE session header; returns its offset. */
size_t tf_pppoe(struct tframe *f, unsigned ppp_proto);
/* Linux cooked v1: outgoing packet, ARPHRD_ETHER, an address of halen bytes, protocol. */
void tf_sll(struct tframe *f, unsigned halen, unsigned proto);
/* IPv4 with optwords 4-byte words of options (NOPs, then end of list), DF set; returns its
 * offset for tf_ip_end. */
size_t tf_ipv4_opt(struct tframe *f, unsigned proto, const char *src, const char *dst,
                   unsigned optwords);
size_t tf_ipv4(struct tframe *f, unsigned proto, const char *src, const char *dst);
size_t tf_ipv6(struct tframe *f, unsigned nh, const char *src, const char *dst);
/* Sets the total (IPv4) or payload (IPv6) length of the header at `at` to reach the end. */
void tf_ip_end(struct tframe *f, size_t at);
/* An options-type extension header of (len8 + 1) * 8 bytes, padded with Pad1. */
void tf_ext(struct tframe *f, unsigned nh, unsigned len8);
void tf_frag6(struct tframe *f, unsigned nh, unsigned offset, unsigned more, uint32_t id);
/* A 20-byte TCP header, SYN. */
void tf_tcp(struct tframe *f, unsigned sport, unsigned dport);
/* A UDP header; returns its offset for tf_udp_end. */
size_t tf_udp(struct tframe *f, unsigned sport, unsigned dport);
void tf_udp_end(struct tframe *f, size_t at);
/* n bytes of 'a'..'z'. */
void tf_payload(struct tframe *f, size_t n);
/* GRE with the checksum (0x8000), key (0x2000), sequence (0x1000) and, in version 1 (RFC
 * 2637), acknowledgment (0x0080) words the flags ask for. */
void tf_gre(struct tframe *f, unsigned flags, unsigned proto);
void tf_vxlan(struct tframe *f, unsigned flags, uint32_t vni);
/* An ARP request from tf_mac_s / 10.0.0.2 for 10.0.0.1. */
void tf_arp(struct tframe *f);

/* ---- whole packets, for the connection tracker: lengths and checksums right ---- */

/* An IPv4 (id 0x1234, no flags, TTL 64) or IPv6 (hop limit 64) header by the addresses' family;
 * returns its offset for tf_ip_csum_end. */
size_t tf_ip(struct tframe *f, unsigned proto, const char *src, const char *dst);
/* Fills in the lengths and IPv4 header checksum of the tf_ip header at `at`, and the length and
 * checksum of the TCP, UDP, ICMP or ICMPv6 header right after it (RFC 768/793/792/4443). */
void tf_ip_csum_end(struct tframe *f, size_t at);
/* A 20-byte TCP header with these fields, then payload bytes of 'x'. */
void tf_tcp_seg(struct tframe *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
                unsigned flags, unsigned win, size_t payload);
/* An ICMP header (identifier 1, sequence 1), then payload bytes of 'p'. */
void tf_icmp(struct tframe *f, unsigned type, unsigned code, size_t payload);
/* Geneve: version, opt_words 4-byte options, the protocol; VNI 42. */
void tf_geneve(struct tframe *f, unsigned version, unsigned opt_words, unsigned proto);
/* GTPv1-U: version 1, PT, flags (E 4, S 2, PN 1), a message type; with E, one extension header
 * of ext_words words whose last byte ends the chain. */
void tf_gtp(struct tframe *f, unsigned flags, unsigned msg, unsigned ext_words);
/* AYIYA: identity of 2^idn bytes, signature of 4*sign bytes, an opcode, the next header. */
void tf_ayiya(struct tframe *f, unsigned idn, unsigned sign, unsigned op, unsigned nh);
/* A whole IPv4 or IPv6 TCP (window 8192) or UDP packet (payload of 'u') in Ethernet, from the
 * start of f. */
void tf_eth_tcp(struct tframe *f, const char *src, unsigned sport, const char *dst, unsigned dport,
                uint32_t seq, uint32_t ack, unsigned flags, size_t payload);
void tf_eth_udp(struct tframe *f, const char *src, unsigned sport, const char *dst, unsigned dport,
                size_t payload);

#endif
