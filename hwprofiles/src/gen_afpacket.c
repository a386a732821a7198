/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_afpacket.c: AF_PACKET fanout settings per worker (packet(7) PACKET_FANOUT; zeekctl's
 * af_packet_fanout_id / af_packet_fanout_mode node keys). */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "gen_int.h"

const struct hwp__generator hwp__afpacket = {
	.name = "afpacket",
	.kinds = 1u << HWP_KIND_AFPACKET,
};

int hwp__gen_afpacket(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	FILE *f = hwp__open(g, "afpacket/fanout.txt", "#",
	                    "AF_PACKET fanout group per host and interface");
	if (!f)
		return STEER_EIO;
	/* One group per (host, interface): ids 23, 24, ... in order of first use on that host,
	 * since two groups with one id on one host would merge. */
	fputs("# The kernel's symmetric flow hash has a random per-boot key: the split can be "
	      "validated\n# (steercheck), never predicted. DEFRAG reassembles IPv4 before "
	      "choosing, so fragments stay whole.\n",
	      f);
	fprintf(f, "# %-14s %-14s %-10s %3s  %-18s %s\n", "worker", "host", "interface", "id",
	        "mode", "flags");
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		const char *h = w->host ? w->host : "-", *ifc = w->interface ? w->interface : "-";
		unsigned id = 23 + hwp__iface_index(p, i);
		fprintf(f, "%-16s %-14s %-10s %3u  %-18s %s\n", w->name, h, ifc, id,
		        "PACKET_FANOUT_HASH", "PACKET_FANOUT_FLAG_DEFRAG");
	}
	fputs("# zeekctl: lb_method=af_packet, af_packet_fanout_id=<id>, "
	      "af_packet_fanout_mode=AF_Packet::FANOUT_HASH\n",
	      f);
	return hwp__close(g, f, "afpacket/fanout.txt");
}
