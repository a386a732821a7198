/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_tx.h: sending frames in batches through a memory-mapped TX ring (Linux PACKET_MMAP,
 * TPACKET_V2 PACKET_TX_RING: the kernel's Documentation/networking/packet_mmap.rst): frames are
 * written straight into the ring's slots and one send(2) hands the whole batch to the driver. */
#ifndef STEER_CAP_TX_H
#define STEER_CAP_TX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* One output interface and its ring. Not thread-safe: one thread queues and flushes. */
struct cap_tx;

struct cap_tx_opts {
	const char *iface;
	/* Ring memory in bytes (0: 16 MiB). Each slot holds one frame of up to the interface's
	 * MTU + 18 bytes (Ethernet header and one 802.1Q tag), rounded up to a power of two; the
	 * number of slots is what fits, at least 64. */
	uint32_t ring_bytes;
	/* How long cap_tx_frame waits for a free slot when the ring is full (frames handed to the
	 * driver but not yet released by it, or refused for now: ENOBUFS, EAGAIN). 0: 100 ms;
	 * negative: no wait. After a wait that ends without room the ring counts as stalled and
	 * later requests do not wait again until a slot has come free (so one stuck output cannot
	 * slow every other one down by the bound per frame). */
	int wait_ms;
};

/* What became of the frames given to a ring, since it was opened. Every frame passed to
 * cap_tx_commit (or refused by cap_tx_frame) is in exactly one of sent, pending (queued,
 * cap_tx_pending) or one of the failed_* counters. */
struct cap_tx_stats {
	uint64_t sent;        /* taken by the kernel and passed to the driver */
	uint64_t failed_full; /* refused: no free slot within the wait (or while stalled) */
	uint64_t failed_size; /* refused: shorter than an Ethernet header, or longer than the
	                       * interface's MTU allows (MTU + 14, + 4 for an 802.1Q frame) */
	uint64_t failed_down; /* queued, then dropped: the interface was down or gone, or the kernel
	                       * refused the send for another reason (cap_tx_error says which) */
	uint64_t waits;       /* times the ring was full and cap_tx_frame waited for room */
	uint64_t retries;     /* send(2) calls that left frames queued for want of room in the
	                       * kernel (ENOBUFS, EAGAIN) and were tried again */
};

/* Opens an AF_PACKET socket on iface in the caller's network namespace, bound so that it
 * receives nothing, with a TPACKET_V2 TX ring mapped into memory. Needs CAP_NET_RAW. Returns
 * 0 with *out set (close with cap_tx_close), or STEER_EIO (no such interface, no permission,
 * the kernel refused the ring: errbuf says which) or STEER_ENOMEM; errbuf (STEER_ERRBUF_SIZE)
 * names the interface, *out is NULL. */
int cap_tx_open(const struct cap_tx_opts *o, struct cap_tx **out, char *errbuf);

/* The slot for the next frame, of len bytes: write the frame there, then cap_tx_commit. A len
 * shorter than an Ethernet header or longer than the interface takes (MTU + 18, and
 * cap_tx_frame_max) is refused at once (failed_size). When the ring is full it first hands what
 * is queued to the kernel, then waits (o->wait_ms, poll(2) for POLLOUT). Returns NULL when the
 * frame is refused or no slot came free (failed_full). Calling it again before a commit
 * returns the same slot. */
uint8_t *cap_tx_frame(struct cap_tx *t, size_t len);

/* Queues the len bytes (at most the len given to cap_tx_frame) written into the slot
 * cap_tx_frame returned. Nothing is sent before cap_tx_flush (or a cap_tx_frame that finds the
 * ring full). Returns 0, or STEER_EINVAL when the frame is too long for the interface after
 * all (MTU + 14; + 18 only for a frame with an 802.1Q tag, as the kernel checks) or no slot was
 * taken: counted in failed_size, the slot stays free. */
int cap_tx_commit(struct cap_tx *t, size_t len);

/* cap_tx_frame, a copy of frame, cap_tx_commit: 0, STEER_EINVAL (does not fit the interface)
 * or STEER_EFULL (no room within the wait). */
int cap_tx_put(struct cap_tx *t, const uint8_t *frame, size_t len);

/* Hands every queued frame to the kernel with one send(2), without blocking. Frames the kernel
 * cannot take now (ENOBUFS, EAGAIN) stay queued, in order, for the next call; on an interface
 * that is down or gone the queued frames are dropped and counted in failed_down; a frame the
 * kernel finds malformed (the MTU shrank since it was queued) is dropped alone (failed_size)
 * and the rest go on. Returns the number of frames that left the queue as sent, or STEER_EIO
 * when frames were dropped (cap_tx_error says why; t stays usable). */
long cap_tx_flush(struct cap_tx *t);

/* Flushes and waits up to timeout_ms for every queued frame to be taken by the kernel; what is
 * still queued then is dropped and counted in failed_full. For the end of a run. Returns 0, or
 * STEER_EFULL when frames were dropped. */
int cap_tx_drain(struct cap_tx *t, int timeout_ms);

/* Drops every queued frame, counted in failed_down (e.g. the link went down). */
void cap_tx_discard(struct cap_tx *t);

/* Frames queued and not yet taken by the kernel. */
size_t cap_tx_pending(const struct cap_tx *t);
/* The largest frame a slot holds (the MTU may allow less: cap_tx_commit checks). */
size_t cap_tx_frame_max(const struct cap_tx *t);
/* Slots in the ring. */
size_t cap_tx_slots(const struct cap_tx *t);
void cap_tx_get_stats(const struct cap_tx *t, struct cap_tx_stats *st);
/* The last failure ("" if none), naming the interface. */
const char *cap_tx_error(const struct cap_tx *t);
/* Closes the socket and unmaps the ring; queued frames are not sent (cap_tx_drain first). */
void cap_tx_close(struct cap_tx *t);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
