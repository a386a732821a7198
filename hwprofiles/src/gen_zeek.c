/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_zeek.c: zeekctl's node.cfg for real Zeek workers behind steer's frontend (ZeekControl
 * documentation: node.cfg keys, lb_method values), with each worker's capture filter delivered
 * as an aux_scripts script that adds it to Zeek's restrict_filters (packet-filter framework). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "gen_int.h"

static void node(FILE *f, const char *name, const char *type, const char *host)
{
	fprintf(f, "\n[%s]\ntype=%s\nhost=%s\n", name, type, host ? host : "localhost");
}

/* The cluster's manager, logger and proxies, from the configuration when there is one. */
static void infrastructure(FILE *f, const struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	const char *h = p->nworkers && p->workers[0].host ? p->workers[0].host : "localhost";
	bool manager = false, proxy = false;
	for (size_t i = 0; g->cfg && i < g->cfg->nnodes; i++) {
		const struct steer_node *n = &g->cfg->nodes[i];
		if (n->type == STEER_NODE_MANAGER || n->type == STEER_NODE_LOGGER ||
		    n->type == STEER_NODE_PROXY) {
			node(f, n->name, steer_node_type_name(n->type), n->host);
			manager |= n->type == STEER_NODE_MANAGER;
			proxy |= n->type == STEER_NODE_PROXY;
		}
	}
	/* zeekctl wants exactly one manager and at least one proxy. */
	if (!manager)
		node(f, "manager", "manager", h);
	if (!proxy)
		node(f, "proxy-1", "proxy", h);
}

/* Writes s as a Zeek string literal. */
static void zeek_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int hwp__gen_zeek(struct hwp__gen *g)
{
	const struct steer_plan *p = g->plan;
	int rc;
	FILE *f = hwp__open(g, "zeek/node.cfg", "#",
	                    "zeekctl node.cfg, one Zeek worker per steer worker");
	if (!f)
		return STEER_EIO;
	fputs("# Copy zeek/steer/ into the site directory (share/zeek/site) so that aux_scripts "
	      "finds it.\n# A worker with several processes splits its share with an AF_PACKET "
	      "fanout group of its own.\n",
	      f);
	infrastructure(f, g);
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		char id[128];
		hwp__ident(w->name, id, sizeof(id));
		node(f, w->name, "worker", w->host);
		fprintf(f, "interface=%s\n", w->interface ? w->interface : "eth0");
		if (w->procs > 1) {
			fprintf(f, "lb_method=af_packet\nlb_procs=%u\n", w->procs);
			/* one fanout group per worker: two workers on one host must not share an id */
			fprintf(f, "af_packet_fanout_id=%zu\n", 23 + i);
			fputs("af_packet_fanout_mode=AF_Packet::FANOUT_HASH\n", f);
		}
		fprintf(f, "aux_scripts=steer/%s\n", id);
	}
	if ((rc = hwp__close(g, f, "zeek/node.cfg")))
		return rc;
	for (size_t i = 0; i < p->nworkers; i++) {
		char id[128], rel[160], what[256], *expr;
		hwp__ident(p->workers[i].name, id, sizeof(id));
		snprintf(rel, sizeof(rel), "zeek/steer/%s.zeek", id);
		snprintf(what, sizeof(what), "restricts [%s]'s capture to its share of the split",
		         p->workers[i].name);
		if ((rc = hwp_filter_expr(g->prof, p, i, &expr, g->errbuf)))
			return rc;
		f = hwp__open(g, rel, "#", what);
		if (!f) {
			free(expr);
			return STEER_EIO;
		}
		if (expr[0]) {
			fputs("redef restrict_filters += { [\"steer\"] = ", f);
			zeek_string(f, expr);
			fputs(" };\n", f);
		} else {
			fputs("# delivery by port: the worker's own port is its share; no filter.\n", f);
		}
		free(expr);
		if ((rc = hwp__close(g, f, rel)))
			return rc;
	}
	return 0;
}
