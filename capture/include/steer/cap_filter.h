/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_filter.h: BPF filters compiled and run through libpcap (pcap_compile,
 * pcap_offline_filter) without a capture handle. */
#ifndef STEER_CAP_FILTER_H
#define STEER_CAP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* The classic-BPF program size Linux accepts on a socket (BPF_MAXINSNS): a filter longer
 * than this compiles in libpcap but cannot be attached to a live capture. */
#define CAP_FILTER_MAX_INSNS 4096u

struct cap_filter;

/* Compiles expr (tcpdump's filter language, optimised) for linktype (a LINKTYPE_* / DLT_*
 * number, e.g. 1 for Ethernet) and snaplen 262144, as a live capture would. Returns 0 with *out
 * set (free with cap_filter_free), or STEER_EINVAL with libpcap's message in errbuf
 * (STEER_ERRBUF_SIZE) and *out NULL; STEER_ENOMEM. */
int cap_filter_compile(int linktype, const char *expr, struct cap_filter **out, char *errbuf);
void cap_filter_free(struct cap_filter *f);

/* True when the compiled filter accepts the frame (frame[0..caplen), wirelen on the wire). */
bool cap_filter_match(const struct cap_filter *f, const uint8_t *frame, size_t caplen,
                      size_t wirelen);

/* Number of BPF instructions of the compiled program. */
unsigned cap_filter_insns(const struct cap_filter *f);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
