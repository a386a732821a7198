/* SPDX-License-Identifier: BSD-2-Clause */
/* check_int.h: private to the steering analysis (check.c, check_expire.c, check_report.c): its
 * state. */
#ifndef STEER_CHECK_INT_H
#define STEER_CHECK_INT_H

#include <steer/check.h>
#include <steer/flowtab.h>
#include <steer/packet.h>

#define CHECK_FRAG_SLOTS 4096u    /* a power of two */
#define CHECK_MAX_UNKNOWN 64      /* distinct unknown destinations listed */
#define CHECK_SWEEP_PER_PACKET 2  /* flow positions examined for expiry per packet fed */
#define CHECK_SWEEP_WHEN_FULL 256 /* ... and when a new flow finds the table full */

struct check_frag {
	uint8_t used, family, proto, pad;
	uint32_t id;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

struct check_unknown {
	struct steer_mac mac;
	int vlan;
	uint64_t packets, bytes;
	const struct steer_flow *flow; /* the first flow sent there: its record, or copy once it
	                                * expired */
	struct steer_flow copy;
};

struct check_totals {
	uint64_t packets, bytes, non_ip, malformed, untracked;
	uint64_t unknown_packets, unknown_bytes;
	uint64_t first_ns, last_ns;
};

/* Copies of expired flows that stay listed: the best `top` by rank, in a heap whose root ranks
 * last (the one to drop for a better one). */
struct check_kept {
	struct steer_flow flow;
	uint64_t rank; /* a finding's packets; for the heaviest, the flow's bytes */
};

struct check_best {
	struct check_kept *v;
	size_t n, cap;
};

/* What expired flows leave in the results. */
struct check_gone {
	uint64_t flows;
	uint64_t count[STEER_FIND__COUNT];
	uint64_t duplicated;
	struct check_best worst[STEER_FIND__COUNT]; /* the worst findings of each flow kind */
	struct check_best heavy;                    /* the heaviest flows */
};

struct steer_check {
	const struct steer_plan *plan;
	struct steer_check_opts o;
	struct steer_flowtab *flows;
	struct steer_path *path;           /* with predict */
	struct check_totals t;
	struct steer_check_worker *workers; /* running packets and bytes; flows: expired ones */
	struct check_frag *frags;
	struct check_unknown unknown[CHECK_MAX_UNKNOWN];
	size_t nunknown;
	uint32_t now_s;                    /* the expiry clock: latest packet time, in seconds */
	struct check_gone gone;
	bool finished;
	/* the latest poll's result and the arrays it points into */
	struct steer_check_result res;
	struct steer_check_worker *res_workers;
	struct steer_finding *findings;
	size_t findings_cap;
	const struct steer_flow **heaviest;
};

/* ns since the epoch in whole seconds (the expiry clock; saturates in 2106). */
static inline uint32_t check_seconds(uint64_t ns)
{
	uint64_t s = ns / 1000000000u;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* The worker a parsed frame was delivered to (steer_check_worker_of). */
int steer__check_dest(const struct steer_plan *p, const struct steer_pkt *pkt);

/* The finding f makes, if any (the worst that applies): true with *out filled. */
bool steer__check_classify(const struct steer_check *c, const struct steer_flow *f,
                           struct steer_finding *out);

/* Expires f when it has been idle longer than opts.idle_s at c->now_s (a flowtab sweep
 * callback: arg is c, rec a struct steer_flow). */
void steer__check_expire_idle(void *arg, void *rec);

void steer__check_gone_free(struct check_gone *g);

#endif
