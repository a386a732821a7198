/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_xor.c: "xor", src XOR dst: the split that masked rules can express (OpenFlow 1.2 nw_src). */
#include "hash_int.h"

/*
 * xor = the low 32 bits of (src XOR dst), each address read as a big-endian integer:
 *   IPv4: the addresses;  IPv6: the last 32-bit word (bytes 12..15) of each;
 *   non-IP: the last 4 bytes (2..5) of each MAC.
 * Fields 2 only. The plan takes the low k bits as the bucket, so bucket b is the set of flows
 * where (src & m) ^ (dst & m) == b for m = 2^k - 1: one masked rule per (src bits, dst bits)
 * pair in OpenFlow (nw_src/nw_dst with a mask, OpenFlow 1.2+), a Click Classifier tree
 * (OFFSET/VALUE%MASK) or a BPF expression with '^' and '&'. Big-endian reading keeps the low
 * bits in the last byte, where those matches naturally look. Symmetric: XOR commutes.
 */
uint32_t steer__hash_xor(const struct steer_hasher *h, const struct steer_flow_key *k)
{
	(void)h;
	/* Offset of the 32-bit word: 0 for IPv4, 12 for IPv6, 2 for a MAC. */
	unsigned off = k->family == 4 ? 0 : k->family == 6 ? 12 : 2;
	return steer__be32(k->src + off) ^ steer__be32(k->dst + off);
}
