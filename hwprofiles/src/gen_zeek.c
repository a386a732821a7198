/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_zeek.c: zeekctl's node.cfg for real Zeek workers behind steer's frontend (ZeekControl
 * documentation: node.cfg keys, lb_method values; zeekctl's af_packet plugin): node.cfg as the
 * user wrote it, with each worker's capture filter added as an aux_scripts script that adds it
 * to Zeek's restrict_filters (packet-filter framework), and only what steer must change. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/ini.h>

#include "gen_int.h"
#include "gen_zeek_int.h"

/* zeekctl's default AF_Packet fanout group id (its af_packet plugin, AF_Packet::fanout_id). */
#define FANOUT_ID_DEFAULT 23u
#define FANOUT_ID_MAX     65535u

/* key, as the INI reader gives it (lower case), names zeekctl's plugin key "plugin.name",
 * written either way ('.' or '_'). */
static bool plugin_key(const char *key, const char *plugin, const char *name)
{
	size_t n = strlen(plugin);
	return !strncmp(key, plugin, n) && (key[n] == '.' || key[n] == '_') &&
	       !strcmp(key + n + 1, name);
}

const struct steer_node *hwp__zeek_node(const struct steer_config *cfg, const char *name)
{
	for (size_t i = 0; cfg && i < cfg->nnodes; i++)
		if (!strcmp(cfg->nodes[i].name, name))
			return &cfg->nodes[i];
	return NULL;
}

bool hwp__zeek_af_packet(const struct steer_node *n)
{
	return n && ((n->lb_method && !strcmp(n->lb_method, "af_packet")) ||
	             (n->interface && !strncmp(n->interface, "af_packet::", 11)));
}

int hwp_zeek_check(const struct steer_config *cfg, const struct steer_plan *plan, char *errbuf)
{
	errbuf[0] = '\0';
	if (plan->delivery != STEER_DELIVER_VLAN)
		return 0;
	for (size_t i = 0; i < plan->nworkers; i++) {
		const struct steer_node *n = hwp__zeek_node(cfg, plan->workers[i].name);
		if (!hwp__zeek_af_packet(n))
			continue;
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "%s:%u: [%s] delivery = vlan with Zeek's AF_Packet source: the kernel "
		         "takes the tag off before Zeek filters the frame, so the worker's filter "
		         "'vlan %d' matches nothing; use delivery = mac, or capture with libpcap "
		         "(no af_packet lb_method or interface prefix; lb_method = pf_ring)",
		         cfg->node_path, n->line, n->name, plan->workers[i].vlan);
		return STEER_ECONFIG;
	}
	return 0;
}

/* ---- what steer changes ---- */

/* One worker's AF_PACKET fanout group: id and whether steer chose it. */
struct fanout {
	unsigned id;
	bool used;    /* the worker splits its traffic over processes with AF_PACKET fanout */
	bool written; /* node.cfg names the id (else zeekctl's default) */
	bool moved;   /* steer changed or added it */
};

static unsigned parse_id(const char *v, bool *ok)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);
	*ok = *v >= '0' && *v <= '9' && !*end && x <= FANOUT_ID_MAX;
	return *ok ? (unsigned)x : 0;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

/* Whether a worker of host other than i has claimed group id. */
static bool id_taken(const struct steer_plan *p, const struct fanout *fo, const bool *claimed,
                     size_t i, unsigned id)
{
	for (size_t j = 0; j < p->nworkers; j++)
		if (j != i && claimed[j] && fo[j].id == id &&
		    !strcmp(or_dash(p->workers[j].host), or_dash(p->workers[i].host)))
			return true;
	return false;
}

/* Each fanout worker's group: the id node.cfg gives, or zeekctl's default 23. Two workers of
 * one host in one group would take each other's packets (the group shares them out before
 * each socket's filter), and two interfaces cannot share a group at all: the ids node.cfg
 * names claim theirs first, then the defaults, in node.cfg order; a worker that finds its id
 * taken moves to the lowest free one above it. */
static void fanout_ids(const struct hwp__zeek *z, struct fanout *fo)
{
	const struct steer_plan *p = z->plan;
	bool *claimed = calloc(p->nworkers ? p->nworkers : 1, sizeof(*claimed));
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_node *n = hwp__zeek_node(z->cfg, p->workers[i].name);
		fo[i] = (struct fanout){FANOUT_ID_DEFAULT, false, false, false};
		fo[i].used = hwp__zeek_af_packet(n) && n->lb_procs > 1;
		for (size_t e = 0; fo[i].used && e < z->nents; e++) {
			const struct steer_ini_entry *en = z->ents[e];
			bool ok;
			if (en->key && !strcmp(en->section, n->name) &&
			    plugin_key(en->key, "af_packet", "fanout_id")) {
				unsigned id = parse_id(en->value, &ok);
				fo[i].id = ok ? id : FANOUT_ID_DEFAULT;
				fo[i].written = true;
				fo[i].moved = !ok;
			}
		}
	}
	for (int pass = 0; claimed && pass < 3; pass++)
		for (size_t i = 0; i < p->nworkers; i++) {
			if (!fo[i].used || claimed[i] || (pass == 0 && !fo[i].written))
				continue;
			if (pass < 2 && (fo[i].moved || id_taken(p, fo, claimed, i, fo[i].id)))
				continue; /* pass 2 finds it a free id */
			while (id_taken(p, fo, claimed, i, fo[i].id) && fo[i].id < FANOUT_ID_MAX) {
				fo[i].id++;
				fo[i].moved = true;
			}
			claimed[i] = true;
		}
	free(claimed);
}

/* ---- node.cfg ---- */

static void note(struct hwp__zeek *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct hwp__zeek *z, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("#   ", z->notes);
	vfprintf(z->notes, fmt, ap);
	fputc('\n', z->notes);
	va_end(ap);
	z->nnotes++;
}

/* aux_scripts with the worker's own script added, unless it is there already. */
static void aux_scripts(struct hwp__zeek *z, FILE *f, const char *name, const char *id,
                        const char *value)
{
	char mine[160];
	snprintf(mine, sizeof(mine), "steer/%s", id);
	size_t n = strlen(mine);
	for (const char *s = value ? strstr(value, mine) : NULL; s; s = strstr(s + 1, mine))
		if ((s == value || s[-1] == ' ') && (s[n] == '\0' || s[n] == ' ')) {
			fprintf(f, "aux_scripts=%s\n", value);
			return;
		}
	if (value && *value) {
		fprintf(f, "aux_scripts=%s %s\n", value, mine);
		note(z,
		     "[%s] aux_scripts: %s added after the scripts node.cfg names (the worker's "
		     "share of the split, a restrict_filters entry)",
		     name, mine);
	} else {
		fprintf(f, "aux_scripts=%s\n", mine);
		note(z,
		     "[%s] aux_scripts=%s added (the worker's share of the split, a "
		     "restrict_filters entry)",
		     name, mine);
	}
}

static bool is_true(const char *v)
{
	return !strcmp(v, "T") || !strcmp(v, "true") || !strcmp(v, "1");
}

/* A worker's section: every key node.cfg has, in its order, and steer's changes. */
static void worker(struct hwp__zeek *z, FILE *f, size_t i, const struct fanout *fo)
{
	const struct steer_plan_worker *w = &z->plan->workers[i];
	char id[128];
	hwp__ident(w->name, id, sizeof(id));
	bool aux = false, fid = false;
	fprintf(f, "\n[%s]\n", w->name);
	for (size_t e = 0; e < z->nents; e++) {
		const struct steer_ini_entry *en = z->ents[e];
		if (!en->key || strcmp(en->section, w->name))
			continue;
		if (!strcmp(en->key, "aux_scripts")) {
			aux_scripts(z, f, w->name, id, en->value);
			aux = true;
		} else if (plugin_key(en->key, "af_packet", "fanout_id") && fo->used) {
			fprintf(f, "%s=%u\n", en->key, fo->id);
			if (fo->moved)
				note(z,
				     "[%s] %s=%u (was %s): another AF_PACKET worker on %s has its "
				     "group; each worker needs a fanout group of its own",
				     w->name, en->key, fo->id, en->value, or_dash(w->host));
			fid = true;
		} else if (plugin_key(en->key, "af_packet", "enable_defrag") && fo->used &&
		           !is_true(en->value)) {
			fprintf(f, "%s=T\n", en->key);
			note(z,
			     "[%s] %s=T (was %s): with lb_procs = %u the kernel must reassemble "
			     "IPv4 "
			     "fragments before it picks a process, or a fragmented flow is split",
			     w->name, en->key, en->value, w->procs);
		} else {
			fprintf(f, "%s=%s\n", en->key, en->value);
		}
	}
	if (!aux)
		aux_scripts(z, f, w->name, id, NULL);
	if (fo->used && !fid && fo->moved) {
		fprintf(f, "af_packet_fanout_id=%u\n", fo->id);
		note(z,
		     "[%s] af_packet_fanout_id=%u added: another AF_PACKET worker on %s has "
		     "zeekctl's default group %u; each worker needs a fanout group of its own",
		     w->name, fo->id, or_dash(w->host), FANOUT_ID_DEFAULT);
	}
	if (fo->used)
		note(z,
		     "[%s] AF_Packet::enable_defrag = T (in steer/%s.zeek): lb_procs = %u over "
		     "AF_PACKET; IPv4 fragments are reassembled before a process is picked, so "
		     "none is split from its flow (IPv6 fragments are not reassembled)",
		     w->name, id, w->procs);
}

/* node.cfg without a configuration to carry: the plan's workers and a manager and a proxy. */
static void from_plan(struct hwp__zeek *z, FILE *f)
{
	const struct steer_plan *p = z->plan;
	const char *h = p->nworkers && p->workers[0].host ? p->workers[0].host : "localhost";
	fprintf(f, "\n[manager]\ntype=manager\nhost=%s\n\n[proxy-1]\ntype=proxy\nhost=%s\n", h, h);
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		char id[128];
		hwp__ident(w->name, id, sizeof(id));
		fprintf(f, "\n[%s]\ntype=worker\nhost=%s\ninterface=%s\naux_scripts=steer/%s\n",
		        w->name, w->host ? w->host : "localhost",
		        w->interface ? w->interface : "eth0", id);
	}
}

/* Every section of node.cfg in its order: the workers through worker(), the rest as written. */
static void carried(struct hwp__zeek *z, FILE *f, const struct fanout *fo)
{
	const char *sect = NULL;
	for (size_t e = 0; e < z->nents; e++) {
		const struct steer_ini_entry *en = z->ents[e];
		if (en->key || (sect && !strcmp(sect, en->section)))
			continue;
		sect = en->section;
		int w = steer_plan_find(z->plan, sect);
		if (w >= 0) {
			worker(z, f, (size_t)w, &fo[w]);
			continue;
		}
		fprintf(f, "\n[%s]\n", sect);
		for (size_t k = 0; k < z->nents; k++)
			if (z->ents[k]->key && !strcmp(z->ents[k]->section, sect))
				fprintf(f, "%s=%s\n", z->ents[k]->key, z->ents[k]->value);
	}
}

/* The first entry of every name: duplicates are the loader's errors, never carried. */
static int read_entries(struct hwp__zeek *z, struct steer_ini *ini)
{
	const char *path = z->cfg->node_path;
	FILE *f = fopen(path, "rb");
	if (!f)
		return hwp__fail(z->g, STEER_EIO, "zeek: %s: cannot read it again", path);
	char *buf = NULL;
	size_t len = 0, cap = 0, r;
	do {
		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				return STEER_ENOMEM;
			}
			buf = nb;
		}
		len += (r = fread(buf + len, 1, cap - len, f));
	} while (r > 0);
	fclose(f);
	struct steer_diags d = {0};
	int rc = steer_ini_parse(ini, buf, len, STEER_INI_DOT_IS_UNDERSCORE, path, &d);
	steer_diags_free(&d);
	free(buf);
	if (rc)
		return rc;
	z->ents = calloc(ini->n ? ini->n : 1, sizeof(*z->ents));
	if (!z->ents)
		return STEER_ENOMEM;
	for (size_t i = 0; i < ini->n; i++)
		if (!ini->v[i].dup_line && ini->v[i].section)
			z->ents[z->nents++] = &ini->v[i];
	return 0;
}

static int node_cfg(struct hwp__zeek *z)
{
	const struct steer_plan *p = z->plan;
	struct fanout *fo = calloc(p->nworkers ? p->nworkers : 1, sizeof(*fo));
	char *body = NULL, *notes = NULL;
	size_t blen = 0, nlen = 0;
	FILE *b = open_memstream(&body, &blen);
	z->notes = open_memstream(&notes, &nlen);
	int rc = STEER_ENOMEM;
	if (!fo || !b || !z->notes)
		goto out;
	fanout_ids(z, fo);
	if (z->cfg)
		carried(z, b, fo);
	else
		from_plan(z, b);
	if (fclose(b) || fclose(z->notes)) {
		b = z->notes = NULL;
		goto out;
	}
	b = z->notes = NULL;
	FILE *f = hwp__open(z->g, "zeek/node.cfg", "#",
	                    "zeekctl node.cfg, one Zeek worker per steer worker");
	if (!f) {
		rc = STEER_EIO;
		goto out;
	}
	if (z->cfg)
		fputs("# The configuration's node.cfg as written, for zeekctl; steer changed only "
		      "this, and why:\n",
		      f);
	else
		fputs("# from the plan alone; steer added to each worker:\n", f);
	fputs(notes, f);
	fputs("# Installation, zeekctl's plugin for the steer.* keys, and what else to know: the "
	      "README beside\n# this file.\n",
	      f);
	fputs(body, f);
	rc = hwp__close(z->g, f, "zeek/node.cfg");
out:
	if (b)
		fclose(b);
	if (z->notes)
		fclose(z->notes);
	z->notes = NULL;
	free(body);
	free(notes);
	free(fo);
	return rc;
}

int hwp__gen_zeek(struct hwp__gen *g)
{
	int rc = g->cfg ? hwp_zeek_check(g->cfg, g->plan, g->errbuf) : 0;
	if (rc)
		return rc;
	struct hwp__zeek z = {.g = g, .plan = g->plan, .cfg = g->cfg};
	struct steer_ini ini = {0};
	if (g->cfg && (rc = read_entries(&z, &ini)))
		goto out;
	if ((rc = node_cfg(&z)) || (rc = hwp__zeek_scripts(&z)) || (rc = hwp__zeek_readme(&z)))
		goto out;
	rc = hwp__zeek_plugin(&z);
out:
	free(z.ents);
	steer_ini_free(&ini);
	return rc;
}
