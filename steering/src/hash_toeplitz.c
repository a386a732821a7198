/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_toeplitz.c: Toeplitz (Microsoft "RSS hashing functions") and netmap lb's variant of it. */
#include "hash_int.h"

/*
 * Toeplitz (Microsoft "RSS hashing functions"; Intel 82599 datasheet 7.1.2.8.1):
 *   result = 0; for each input bit, most significant bit of byte 0 first: if the bit is 1,
 *   result ^= the leftmost 32 bits of K; then K <<= 1.
 * The hash is linear over XOR, so it splits per input byte: the contribution of byte value v at
 * input position i is fixed by the key, and steer_hasher_init() tabulates it once
 * (tbl[i][v], 36 x 256 words). A packet then costs one load and one XOR per input byte.
 *
 * Input (network byte order, as RSS defines it):
 *   IPv4: src(4) dst(4) [sport(2) dport(2)]      IPv6: src(16) dst(16) [sport(2) dport(2)]
 * The ports are hashed with fields = 4 when the protocol carries them (TCP, UDP, SCTP); any
 * other protocol falls back to the 2-tuple input, as RSS NICs do. Non-IP keys hash to 0 (RSS
 * hashes no L2 fields; the NIC puts such frames in queue 0).
 */

/* The 32-bit window of the key that starts at bit j (MSB of byte 0 is bit 0), j < 288. */
static uint32_t key_window(const uint8_t key[STEER_HASH_KEY_LEN], unsigned j)
{
	unsigned b = j / 8, s = j % 8;
	uint64_t w = (uint64_t)key[b] << 32 | (uint64_t)key[b + 1] << 24 |
	             (uint64_t)key[b + 2] << 16 | (uint64_t)key[b + 3] << 8 | key[b + 4];
	return (uint32_t)(w >> (8 - s));
}

void steer__toeplitz_tables(uint32_t tbl[36][256], const uint8_t key[STEER_HASH_KEY_LEN])
{
	for (unsigned i = 0; i < 36; i++) {
		uint32_t win[8]; /* win[k]: window for bit k of the byte, k = 0 the MSB */
		for (unsigned k = 0; k < 8; k++)
			win[k] = key_window(key, 8 * i + k);
		for (unsigned v = 0; v < 256; v++) {
			uint32_t r = 0;
			for (unsigned k = 0; k < 8; k++)
				if (v & (0x80u >> k))
					r ^= win[k];
			tbl[i][v] = r;
		}
	}
}

uint32_t steer__toeplitz_ref(const uint8_t key[STEER_HASH_KEY_LEN], const uint8_t *in, size_t n)
{
	/* Literally the specification: a 64-bit register holds the key's next bits. */
	uint64_t k = 0;
	for (unsigned b = 0; b < 8; b++)
		k = k << 8 | key[b];
	unsigned next = 8; /* next key byte to shift in */
	uint32_t r = 0;
	for (size_t i = 0; i < n; i++) {
		for (int bit = 7; bit >= 0; bit--) {
			if (in[i] >> bit & 1)
				r ^= (uint32_t)(k >> 32);
			k <<= 1;
		}
		/* After 8 shifts the low byte is empty: refill it (zeros past the key's end). */
		k |= next < STEER_HASH_KEY_LEN ? key[next] : 0;
		next++;
	}
	return r;
}

/* The address part of the input: n bytes of src at positions 0.., then n bytes of dst. Inlined
 * with a constant n so both loops unroll into straight loads and XORs. */
static inline uint32_t addr_part(const uint32_t (*t)[256], const struct steer_flow_key *k,
                                 unsigned n)
{
	uint32_t r = 0;
	for (unsigned i = 0; i < n; i++)
		r ^= t[i][k->src[i]] ^ t[n + i][k->dst[i]];
	return r;
}

/* Two 16-bit values (host order) at input positions p .. p+3, big-endian. */
static inline uint32_t port_part(const uint32_t (*t)[256], unsigned p, uint16_t a, uint16_t b)
{
	return t[p][a >> 8] ^ t[p + 1][a & 0xff] ^ t[p + 2][b >> 8] ^ t[p + 3][b & 0xff];
}

static inline uint32_t has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132; /* TCP, UDP, SCTP */
}

uint32_t steer__hash_toeplitz(const struct steer_hasher *h, const struct steer_flow_key *k)
{
	const uint32_t(*t)[256] = h->tbl;
	/* All ones when the ports are part of the input; ANDed in rather than branched on. */
	uint32_t pm = -(uint32_t)(h->spec.fields == STEER_FIELDS_4 && has_ports(k->proto));
	switch (k->family) {
	case 4:
		return addr_part(t, k, 4) ^ (port_part(t, 8, k->sport, k->dport) & pm);
	case 6:
		return addr_part(t, k, 16) ^ (port_part(t, 32, k->sport, k->dport) & pm);
	default:
		return 0;
	}
}

/*
 * netmap lb (luigirizzo/netmap apps/lb/pkt_hash.c: sym_hash_fn, decode_ip_n_hash,
 * decode_ipv6_n_hash, decode_others_n_hash; lb.c calls pkt_hdr_hash(buf, 4, 'B') and sends the
 * packet to pipe hash % npipes):
 *
 *   Toeplitz with the key 0x50 0x6d repeated, over 12 bytes: A(4) B(4) P(2) Q(2).
 *
 * sym_hash_fn tabulates the key windows at bit offsets 0..31 only and applies them to the bytes
 * of each 32-bit and 16-bit argument; with a 16-bit periodic key that is exactly the Toeplitz
 * hash of the 12-byte string above, so steer computes it with the same tables as RSS.
 *   - IPv4 TCP or UDP, hash_split 4: A = src, B = dst (network order); P = sport + 'B',
 *     Q = dport + 'B' ('B' = 66, the "seed"), the sums taken modulo 2^16 on the host-order port
 *     numbers and fed big-endian.
 *   - any other IPv4 protocol, and hash_split 2: P, Q = the pseudo-ports ntohs(0xFFFD) + 'B' and
 *     ntohs(0xFFFE) + 'B', which on a little-endian host (x86, where lb runs) are 0xFE41 and
 *     0xFF41. (An older pkt_hash.c returned 0 for these protocols instead.)
 *   - IPv6: A, B = the first 4 bytes of each address only. The protocol switch is
 *     switch (ntohs(ip6_nxt)) on an 8-bit field: on little-endian hosts 6 becomes 0x0600 and
 *     no case matches, so every IPv6 packet, TCP and UDP included, takes the default branch
 *     with the pseudo-ports 0xFE41, 0xFF41.
 *   - non-IP (decode_others_n_hash): A, B = bytes 5, 4, 3, 2 of the source and destination
 *     MAC (reversed: the code builds the word low byte first, then applies ntohl), pseudo-ports.
 * Not emulated: lb decapsulates IP-in-IP and GRE by itself (steer does so with tunnels = inner),
 * and it reads "ports" from non-first fragments, where steer's key has port 0 (so P = Q = 66).
 * Symmetric: the key's 16-bit period makes swapping A/B and P/Q leave the hash unchanged.
 */
const uint8_t steer__netmap_lb_key[STEER_HASH_KEY_LEN] = {
    0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d,
    0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d,
    0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d, 0x50, 0x6d,
};

#define NETMAP_LB_SEED     66     /* 'B' */
#define NETMAP_LB_PSEUDO_P 0xFE41 /* ntohs(0xFFFD) + 'B' on little-endian */
#define NETMAP_LB_PSEUDO_Q 0xFF41 /* ntohs(0xFFFE) + 'B' on little-endian */

uint32_t steer__hash_netmap_lb(const struct steer_hasher *h, const struct steer_flow_key *k)
{
	const uint32_t(*t)[256] = h->tbl;
	uint16_t p = NETMAP_LB_PSEUDO_P, q = NETMAP_LB_PSEUDO_Q;
	uint32_t r;
	if (k->family == 4 || k->family == 6) {
		r = addr_part(t, k, 4); /* IPv6 too: only its first 4 address bytes */
		if (k->family == 4 && h->spec.fields == STEER_FIELDS_4 &&
		    (k->proto == 6 || k->proto == 17)) {
			p = (uint16_t)(k->sport + NETMAP_LB_SEED);
			q = (uint16_t)(k->dport + NETMAP_LB_SEED);
		}
	} else {
		r = t[0][k->src[5]] ^ t[1][k->src[4]] ^ t[2][k->src[3]] ^ t[3][k->src[2]] ^
		    t[4][k->dst[5]] ^ t[5][k->dst[4]] ^ t[6][k->dst[3]] ^ t[7][k->dst[2]];
	}
	return r ^ port_part(t, 8, p, q);
}
