/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/cap.h: private to steercheck: the live capture points of `live` and `probe`
 * ([WORKER=]IFACE[@NETNS], each opened in its network namespace) and waiting on them. */
#ifndef STEERCHECK_CAP_H
#define STEERCHECK_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/cap_live.h>
#include <steer/cap_pcap.h>
#include <steer/plan.h>

/* One capture point. */
struct sc_cap {
	char spec[96];      /* as given (or made from the plan), for messages and the report */
	char ifname[16];
	char netns[64];     /* "" for the caller's namespace */
	int worker;         /* plan index, or -1: the frame's destination MAC / VLAN says */
	int linktype;
	bool nano;
	uint64_t packets;
};

struct sc_caps {
	struct sc_cap *v;
	size_t n;
	struct cap_livegroup *g; /* member i is v[i] */
};

/* Parses list ("[WORKER=]IFACE[@NETNS],...", NULL: the plan's worker interfaces) into caps.
 * An interface without WORKER= belongs to the one worker whose 'interface' it is when only
 * that worker uses it, else it is a balanced capture point. Returns 0 or -1 (printed). */
int sc_caps_parse(const char *prog, const struct steer_plan *plan, const char *list,
                  struct sc_caps *caps);

/* Opens every capture point (entering its namespace for the open only). Returns 0 or -1
 * (printed; those opened stay open for sc_caps_close). */
int sc_caps_open(const char *prog, struct sc_caps *caps, const struct cap_live_opts *base);

/* Waits at most slice_ms for frames on any capture point (0: only what is there), calling
 * fn for each. Returns the number of frames, or -1 on a capture error (printed). */
typedef void (*sc_cap_fn)(void *arg, const struct sc_cap *c, const struct cap_pkthdr *h,
                          const uint8_t *frame);
long sc_caps_poll(const char *prog, struct sc_caps *caps, int slice_ms, sc_cap_fn fn, void *arg);

/* The worker a frame went to: the capture point's, or by destination MAC (delivery mac) or
 * outermost VLAN (delivery vlan); -1 when it belongs to none. */
int sc_caps_worker_of(const struct steer_plan *plan, const struct sc_cap *c,
                      const uint8_t *frame, uint32_t caplen);

/* Packets the kernel dropped on capture point i. */
uint64_t sc_caps_drops(struct sc_caps *caps, size_t i);

void sc_caps_close(struct sc_caps *caps);

/* A duration such as "10", "10s", "500ms", "2m" in milliseconds (1 ms .. 24 h). Prints the
 * error and returns false on bad input. */
bool sc_parse_duration(const char *prog, const char *what, const char *s, uint64_t *ms);

#endif
