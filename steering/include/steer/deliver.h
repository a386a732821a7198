/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/deliver.h: the delivery action, what the balancer does to a frame it hands a worker
 * (steer.cfg delivery: rewrite the destination MAC, push the worker's IEEE 802.1Q tag, or
 * leave the frame as it is for an output port), and the BPF filter (pcap-filter(7)) that
 * keeps a worker's delivered frames on a shared capture interface. */
#ifndef STEER_DELIVER_H
#define STEER_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* A delivery action as one edit of the frame's bytes: bytes [0, off) stay, cut bytes at off
 * are replaced by ins[0..nins), the rest stays. A MAC rewrite replaces the 6 bytes of the
 * destination MAC; a tag push inserts TPID 0x8100 and the TCI (priority 0, the VLAN id) after
 * the source MAC; port delivery (and a frame that cannot be delivered) is the empty edit. */
struct steer_edit {
	uint32_t off;
	uint8_t cut;
	uint8_t nins;
	uint8_t ins[6];
};

/* The edit that delivers a frame to worker w (a plan index) under p's delivery. eth_off is
 * where the frame's Ethernet header starts (struct steer_pkt.eth_off; -1: none), caplen its
 * captured length. Returns 0 with *e set (empty for delivery port), or STEER_EINVAL with *e
 * empty when the frame cannot carry the delivery: no Ethernet header, one cut short of the
 * bytes the edit needs, a worker without a VLAN, w out of range. Allocation-free. */
int steer_deliver_edit(const struct steer_plan *p, size_t w, int eth_off, uint32_t caplen,
                       struct steer_edit *e);

/* The frame's length after e. */
static inline size_t steer_edit_len(const struct steer_edit *e, size_t len)
{
	return len - e->cut + e->nins;
}

/* Writes in[0..len) with e applied to out (steer_edit_len bytes; not overlapping in); returns
 * the length written. e must come from steer_deliver_edit for a frame of at least len bytes. */
size_t steer_edit_apply(const struct steer_edit *e, const uint8_t *in, size_t len, uint8_t *out);

/* Applies an edit that keeps the length (a MAC rewrite, or the empty edit) to frame in place.
 * Returns 0, or STEER_EINVAL (the edit changes the length: frame unchanged). */
int steer_edit_apply_inplace(const struct steer_edit *e, uint8_t *frame);

/* The BPF filter text that keeps worker w's delivered frames: "ether dst MAC" (delivery mac),
 * "vlan V" (delivery vlan), "" (delivery port: the worker's own port is the split). Into buf
 * (n bytes; 32 are enough). Returns 0, or STEER_EINVAL (w out of range) / STEER_ERANGE (buf
 * too small) with buf empty. */
int steer_deliver_filter(const struct steer_plan *p, size_t w, char *buf, size_t n);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
