/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_cpacket.c: the load-balance table of a cPacket-style L2 balancer (cVu / cFlow): hash
 * bucket (flow-hash group) -> destination MAC written into the frame -> output port. */
#include <stdio.h>

#include <steer/error.h>

#include "gen_int.h"

/* A row per bucket; the appliance feeds a commodity switch by MAC, whose table comes too. */
static uint64_t cpacket_entries(const struct steer_plan *p)
{
	return p->nbuckets;
}

const struct hwp__generator hwp__cpacket = {
	.name = "cpacket",
	.kinds = 1u << HWP_KIND_CPACKET | 1u << HWP_KIND_SWITCH,
	.entries = cpacket_entries,
};

int hwp__gen_cpacket(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	const struct steer_hash_spec *h = &p->hasher->spec;
	char mac[STEER_MAC_STRLEN];
	FILE *f = hwp__open(g, "cpacket/mac-table.csv", "#",
	                    "cPacket load-balance table: bucket -> destination MAC -> output port");
	if (!f)
		return STEER_EIO;
	/* The appliance's hash is not public: its groups split like the plan's buckets (same
	 * count, same shares), but which flow lands in which group is the device's business. */
	fprintf(f, "# Configure %u hash groups on %s fields, symmetric; steer predicts shares, "
	           "not per-flow placement.\n",
	        p->nbuckets, steer_fields_name(h->fields));
	fputs("# port: the worker's steer.port, else 1 (one egress towards the switch).\n", f);
	fputs("bucket,worker,mac,port\n", f);
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const struct steer_plan_worker *w = &p->workers[p->table[b]];
		fprintf(f, "%u,%s,%s,%d\n", b, w->name, steer_mac_format(&w->mac, mac),
		        w->port >= 0 ? w->port : 1);
	}
	return hwp__close(g, f, "cpacket/mac-table.csv");
}
