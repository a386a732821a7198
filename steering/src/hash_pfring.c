/* SPDX-License-Identifier: BSD-2-Clause */
/* hash_pfring.c: PF_RING's kernel cluster hash (kernel/pf_ring.c: hash_pkt, hash_pkt_cluster). */
#include "hash_int.h"

/*
 * PF_RING (ntop) kernel/pf_ring.c, read in HelloError92/PF_RING (a fork of ntop/PF_RING 7.x,
 * with cluster_per_flow_ip_5_tuple and Linux 4.15 support); the 2014 ntop/PF_RING copy differs
 * only in hashing the VLAN and having no MAC term:
 *
 *   hash_pkt() = vlan_id + l3_proto + sport + dport
 *              + IPv4: ip_src.v4 + ip_dst.v4
 *              + IPv6: the sum of ip_src.v6.s6_addr32[0..3] and ip_dst.v6.s6_addr32[0..3]
 *              + non-IP (l3_proto 0): the sum of the 12 MAC bytes
 *   all in u_int32_t arithmetic (mod 2^32); the cluster element is hash % elements.
 *
 * hash_pkt_cluster() masks fields per cluster type before calling it: every per-flow type masks
 * the VLAN id, and every type except cluster_per_flow_ip_5_tuple masks the MAC addresses;
 *   cluster_per_flow_2_tuple: also proto and ports      -> fields 2
 *   cluster_per_flow_4_tuple: also proto                -> fields 4
 *   cluster_per_flow_5_tuple: nothing more              -> fields 5
 * There is no addresses+protocol type, so fields 3 is refused.
 *
 * Byte order, exactly:
 *   - IPv4: parse_raw_pkt() stores ntohl(saddr): the addresses are summed as big-endian
 *     integers (the number you read in dotted quad).
 *   - IPv6: the addresses are memcpy'd in network order and summed as s6_addr32[] words, i.e.
 *     as the CPU loads them. PF_RING runs on x86, so steer sums each 4-byte group read
 *     LITTLE-endian, on every host, to predict what the x86 kernel does.
 *   - ports: ntohs(), i.e. the port numbers; l3_proto: the protocol number (IPv6: after
 *     hop-by-hop, destination, routing and fragment headers).
 *   - ports are parsed for TCP and UDP only (not SCTP) and not for non-first IPv4 fragments;
 *     steer adds them for protocols 6 and 17 only, and its key has port 0 for such fragments.
 *   - non-IP: the MAC mask leaves nothing to add, so in the 2-, 4- and 5-tuple cluster types every
 *     non-IP frame hashes to 0 (the first socket of the cluster). Only
 *     cluster_per_flow_ip_5_tuple sums the MAC bytes; steer's fields cannot name that mode.
 * Symmetric because addition commutes.
 */
uint32_t steer__hash_pfring(const struct steer_hasher *h, const struct steer_flow_key *k)
{
	uint32_t f = h->spec.fields;
	uint32_t sum;
	switch (k->family) {
	case 4:
		sum = steer__be32(k->src) + steer__be32(k->dst);
		break;
	case 6:
		sum = steer__le32(k->src) + steer__le32(k->src + 4) + steer__le32(k->src + 8) +
		      steer__le32(k->src + 12) + steer__le32(k->dst) + steer__le32(k->dst + 4) +
		      steer__le32(k->dst + 8) + steer__le32(k->dst + 12);
		break;
	default:
		return 0;
	}
	uint32_t ports = (uint32_t)k->sport + k->dport;
	uint32_t pm = -(uint32_t)(f >= STEER_FIELDS_4 && (k->proto == 6 || k->proto == 17));
	uint32_t qm = -(uint32_t)(f == STEER_FIELDS_5);
	return sum + (ports & pm) + (k->proto & qm);
}
