/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_pfring.c: PF_RING cluster membership per worker, as zeekctl sets it for lb_method=pf_ring
 * (environment PCAP_PF_RING_CLUSTER_ID, _APPNAME, _USE_CLUSTER_PER_FLOW_<N>_TUPLE; cluster id
 * 21 + the interface's index on its host). */
#include <stdio.h>
#include <string.h>

#include <steer/error.h>

#include "gen_int.h"

const struct hwp__generator hwp__pfring = {
	.name = "pfring",
	.kinds = 1u << HWP_KIND_PFRING,
};

int hwp__gen_pfring(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	const struct steer_hash_spec *h = &p->hasher->spec;
	unsigned tuple = h->fields == STEER_FIELDS_3 ? 4 : (unsigned)h->fields;
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		char id[128], rel[160], what[256];
		hwp__ident(w->name, id, sizeof(id));
		snprintf(rel, sizeof(rel), "pfring/%s.env", id);
		snprintf(what, sizeof(what), "PF_RING cluster settings of [%s] (environment)", w->name);
		FILE *f = hwp__open(g, rel, "#", what);
		if (!f)
			return STEER_EIO;
		unsigned member = 0;
		for (size_t j = 0; j < i; j++)
			member += hwp__iface_index(p, j) == hwp__iface_index(p, i) &&
			          !strcmp(p->workers[j].host ? p->workers[j].host : "",
			                  w->host ? w->host : "");
		fprintf(f, "# Member %u of the cluster on %s:%s. PF_RING queues by hash %% members in "
		           "the order they join:\n# start the workers in node.cfg order for the plan's "
		           "prediction to hold.%s\n",
		        member, w->host ? w->host : "-", w->interface ? w->interface : "-",
		        h->fn == STEER_HASH_PFRING ? "" : " (The plan's hash is not pfring.)");
		fprintf(f, "PCAP_PF_RING_CLUSTER_ID=%u\n", 21 + hwp__iface_index(p, i));
		fprintf(f, "PCAP_PF_RING_APPNAME=steer-%s\n", id);
		fprintf(f, "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_%u_TUPLE=1\n", tuple);
		int rc = hwp__close(g, f, rel);
		if (rc)
			return rc;
	}
	return 0;
}
