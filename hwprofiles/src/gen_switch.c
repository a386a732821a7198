/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_switch.c: a commodity switch's static MAC table (MAC -> port, or MAC -> VLAN) behind an
 * L2 MAC-rewriting balancer, and the same entries as Linux bridge(8) "bridge fdb add" lines. */
#include <stdio.h>

#include <steer/error.h>

#include "gen_int.h"

/* One static MAC entry per worker. */
static uint64_t switch_entries(const struct steer_plan *p)
{
	return p->nworkers;
}

const struct hwp__generator hwp__switch = {
	.name = "switch",
	.kinds = 1u << HWP_KIND_SWITCH,
	.entries = switch_entries,
};

int hwp__gen_switch(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	char mac[STEER_MAC_STRLEN];
	bool vlan = p->delivery == STEER_DELIVER_VLAN;
	FILE *f = hwp__open(g, "switch/mac-table.txt", "#",
	                    vlan ? "static MAC table: MAC -> port, VLAN"
	                         : "static MAC table: MAC -> port");
	if (!f)
		return STEER_EIO;
	fputs("# port: the worker's steer.port, else its position in node.cfg (1, 2, ...).\n", f);
	fprintf(f, "# %-17s  %5s  %4s  %s\n", "mac", "port", "vlan", "worker");
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		char v[16] = "-";
		if (w->vlan >= 0)
			snprintf(v, sizeof(v), "%d", w->vlan);
		fprintf(f, "%-19s  %5d  %4s  %s\n", steer_mac_format(&w->mac, mac), hwp__port(p, i),
		        vlan ? v : "-", w->name);
	}
	int rc = hwp__close(g, f, "switch/mac-table.txt");
	if (rc)
		return rc;
	f = hwp__open(g, "switch/bridge-fdb.sh", "#",
	              "the same entries on a Linux bridge: sh bridge-fdb.sh (ports "
	              "${STEER_PORT_PREFIX:-swp}N)");
	if (!f)
		return STEER_EIO;
	fputs("set -e\nprefix=${STEER_PORT_PREFIX:-swp}\n", f);
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		fprintf(f, "bridge fdb replace %s dev \"${prefix}%d\" master static",
		        steer_mac_format(&w->mac, mac), hwp__port(p, i));
		if (vlan && w->vlan >= 0)
			fprintf(f, " vlan %d", w->vlan);
		fprintf(f, "  # %s\n", w->name);
	}
	return hwp__close(g, f, "switch/bridge-fdb.sh");
}
