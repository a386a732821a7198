/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_live.h: several live interfaces captured at once, in any network namespace, with a
 * bounded wait (libpcap non-blocking handles and poll(2) on their selectable descriptors). */
#ifndef STEER_CAP_LIVE_H
#define STEER_CAP_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include <steer/cap_pcap.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Why not cap_reader_open_live: libpcap's read timeout does not make a read return when no
 * packet arrives (pcap(3PCAP): "the timer doesn't start until at least one packet arrives"),
 * so a blocking reader on an idle interface never gives control back. A group polls. */
struct cap_livegroup;

/* An empty group. Returns 0 with *out set (free with cap_livegroup_free) or STEER_ENOMEM. */
int cap_livegroup_new(struct cap_livegroup **out);
void cap_livegroup_free(struct cap_livegroup *g);

/* Opens o->iface (o's snaplen, promisc, immediate, buffer_size, inbound_only, filter) inside
 * the named network namespace (an `ip netns` name; NULL: the caller's), in non-blocking mode, as member
 * number *index (0, 1, ... in the order added). The kernel ring is memory-mapped either way:
 * with immediate, libpcap's TPACKET_V2 ring (one fixed slot per frame, sized for the largest
 * frame the interface may carry: on a veth with offloads about 64 KiB, so few slots per MiB);
 * without, its TPACKET_V3 ring (frames packed into blocks: many more frames per MiB), whose
 * blocks are handed over when full or o->timeout_ms old (0: 100 ms), which bounds the latency.
 * Returns 0, or
 * STEER_EIO / STEER_ENOENT / STEER_ENOMEM with errbuf (STEER_ERRBUF_SIZE) naming the
 * interface; the group is unchanged then. */
int cap_livegroup_add(struct cap_livegroup *g, const struct cap_live_opts *o, const char *netns,
                      size_t *index, char *errbuf);

/* Called for each frame: member index, header (timestamps in the member's precision), bytes
 * (valid during the call only). */
typedef void (*cap_live_fn)(void *arg, size_t index, const struct cap_pkthdr *h,
                            const uint8_t *frame);

/* Waits at most timeout_ms (0: not at all) for any member to have frames, then delivers what
 * every ready member holds (at most max_per_member each, 0: 1024). Returns the number of
 * frames delivered (0 on timeout), or STEER_EIO with errbuf naming the member. EINTR (a
 * signal) returns 0 early. */
long cap_livegroup_poll(struct cap_livegroup *g, int timeout_ms, unsigned max_per_member,
                        cap_live_fn fn, void *arg, char *errbuf);

size_t cap_livegroup_count(const struct cap_livegroup *g);
/* The member's selectable descriptor: readable when it has frames (for a caller's own poll
 * loop; then cap_livegroup_poll with timeout 0). */
int cap_livegroup_fd(const struct cap_livegroup *g, size_t index);
int cap_livegroup_linktype(const struct cap_livegroup *g, size_t index);
enum cap_precision cap_livegroup_precision(const struct cap_livegroup *g, size_t index);
/* Packets the kernel dropped on that member (pcap_stats: ps_drop + ps_ifdrop). */
uint64_t cap_livegroup_drops(struct cap_livegroup *g, size_t index);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
