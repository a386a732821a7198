/* SPDX-License-Identifier: BSD-2-Clause */
/* plan.c: resolving a configuration into a plan: addresses, weights, the bucket table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/bucket.h>
#include <steer/error.h>
#include <steer/plan.h>

void steer_plan_free(struct steer_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nworkers; i++) {
		free(p->workers[i].name);
		free(p->workers[i].host);
		free(p->workers[i].interface);
	}
	free(p->workers);
	free(p->table);
	free(p->alive);
	free(p->hasher);
	free(p->profile);
	free(p);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int steer_plan_find(const struct steer_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nworkers; i++)
		if (strcmp(p->workers[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A problem of the configuration found while planning, in the diagnostics' form:
 * "steer.cfg:LINE: error: what" (line 0: "steer.cfg: error: what"). Returns STEER_ECONFIG. */
__attribute__((format(printf, 4, 5))) static int
cfg_error(char *errbuf, const struct steer_config *cfg, unsigned line, const char *fmt, ...)
{
	int k = line ? snprintf(errbuf, STEER_ERRBUF_SIZE, "%s:%u: error: ", cfg->steer_path, line)
	             : snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: error: ", cfg->steer_path);
	if (k > 0 && k < STEER_ERRBUF_SIZE) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(errbuf + k, STEER_ERRBUF_SIZE - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return STEER_ECONFIG;
}

static bool mac_taken(const struct steer_config *cfg, const struct steer_plan *p, size_t upto,
                      const struct steer_mac *m)
{
	for (size_t i = 0; i < steer_config_nworkers(cfg); i++) {
		const struct steer_node *n = steer_config_worker(cfg, i);
		if (n->has_mac && memcmp(n->mac.b, m->b, 6) == 0)
			return true;
	}
	for (size_t i = 0; i < upto; i++)
		if (memcmp(p->workers[i].mac.b, m->b, 6) == 0)
			return true;
	return false;
}

/* Unset MACs: mac_base, mac_base + 1, ... in worker order, skipping MACs that are in use. */
static int assign_macs(const struct steer_config *cfg, struct steer_plan *p, char *errbuf)
{
	uint64_t next = 0;
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_node *n = steer_config_worker(cfg, i);
		struct steer_plan_worker *w = &p->workers[i];
		if (n->has_mac) {
			w->mac = n->mac;
			continue;
		}
		struct steer_mac m;
		do {
			m = steer_mac_add(&cfg->fe.mac_base, next++);
		} while (mac_taken(cfg, p, i, &m));
		if (steer_mac_is_multicast(&m) || m.b[0] != cfg->fe.mac_base.b[0]) {
			char a[STEER_MAC_STRLEN];
			return cfg_error(errbuf, cfg, cfg->fe.line_mac_base,
			                 "mac_base: %s leaves no room for a MAC for [%s]",
			                 steer_mac_format(&cfg->fe.mac_base, a), w->name);
		}
		w->mac = m;
		w->mac_assigned = true;
	}
	return 0;
}

static bool number_taken(const struct steer_plan *p, size_t upto, bool vlan, int v,
                         const struct steer_config *cfg)
{
	for (size_t i = 0; i < steer_config_nworkers(cfg); i++) {
		const struct steer_node *n = steer_config_worker(cfg, i);
		if ((vlan ? n->vlan : n->port) == v)
			return true;
	}
	for (size_t i = 0; i < upto; i++)
		if ((vlan ? p->workers[i].vlan : p->workers[i].port) == v)
			return true;
	return false;
}

/* VLANs (vlan_base upward) and ports (1 upward) for workers that set none, where the delivery
 * needs them; set values are kept whatever the delivery, for the generators to use. */
static int assign_numbers(const struct steer_config *cfg, struct steer_plan *p, char *errbuf)
{
	int vlan = cfg->fe.vlan_base, port = 1;
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_node *n = steer_config_worker(cfg, i);
		struct steer_plan_worker *w = &p->workers[i];
		w->vlan = n->vlan;
		w->port = n->port;
		if (w->vlan < 0 && p->delivery == STEER_DELIVER_VLAN) {
			while (number_taken(p, i, true, vlan, cfg))
				vlan++;
			if (vlan > 4094)
				return cfg_error(
				    errbuf, cfg, cfg->fe.line_vlan_base,
				    "vlan_base: %u leaves no VLAN id below 4095 for [%s]",
				    cfg->fe.vlan_base, w->name);
			w->vlan = vlan++;
			w->vlan_assigned = true;
		}
		if (w->port < 0 && p->delivery == STEER_DELIVER_PORT) {
			while (number_taken(p, i, false, port, cfg))
				port++;
			w->port = port++;
			w->port_assigned = true;
		}
	}
	return 0;
}

static int fill_table(struct steer_plan *p, const bool *failed)
{
	struct steer_bucket_worker *bw = malloc(p->nworkers * sizeof(*bw));
	if (!bw)
		return STEER_ENOMEM;
	for (size_t i = 0; i < p->nworkers; i++)
		bw[i] = (struct steer_bucket_worker){p->workers[i].name, p->workers[i].weight};
	int rc = failed ? steer_buckets_fail(p->table, p->nbuckets, bw, p->nworkers, failed)
	                : steer_buckets_build(p->table, p->nbuckets, bw, p->nworkers);
	free(bw);
	if (rc)
		return rc;
	p->nalive = 0;
	for (size_t i = 0; i < p->nworkers; i++) {
		p->workers[i].nbuckets = 0;
		if (!failed || !failed[i])
			p->alive[p->nalive++] = (uint16_t)i;
	}
	for (uint32_t b = 0; b < p->nbuckets; b++)
		p->workers[p->table[b]].nbuckets++;
	return 0;
}

static int build(const struct steer_config *cfg, struct steer_plan *p, char *errbuf)
{
	const struct steer_frontend *fe = &cfg->fe;
	p->nworkers = steer_config_nworkers(cfg);
	p->nbuckets = fe->buckets;
	p->mask = fe->buckets - 1;
	p->fragments = fe->fragments;
	p->non_ip = fe->non_ip;
	p->nonip_worker = -1;
	p->tunnels_inner = fe->tunnels_inner;
	p->vlan_in_key = fe->vlan_in_key;
	p->delivery = fe->delivery;
	p->profile = strdup(fe->profile ? fe->profile : "steerlb");
	p->workers = calloc(p->nworkers ? p->nworkers : 1, sizeof(*p->workers));
	p->table = malloc(p->nbuckets * sizeof(*p->table));
	p->alive = malloc((p->nworkers ? p->nworkers : 1) * sizeof(*p->alive));
	p->hasher = malloc(sizeof(*p->hasher));
	if (!p->profile || !p->workers || !p->table || !p->alive || !p->hasher)
		return STEER_ENOMEM;

	if (p->nworkers == 0 || p->nworkers > STEER_WORKERS_MAX) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: %zu workers (1 to %u can be steered)",
		         cfg->node_path, p->nworkers, STEER_WORKERS_MAX);
		return STEER_ECONFIG;
	}
	if (p->nbuckets < p->nworkers || p->nbuckets > STEER_BUCKETS_MAX ||
	    (p->nbuckets & p->mask) != 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "%s: buckets: %u must be a power of two from %zu (the workers) to %u",
		         cfg->steer_path, p->nbuckets, p->nworkers, STEER_BUCKETS_MAX);
		return STEER_ECONFIG;
	}
	/* "l3" hashes every packet without ports, so a port-carrying field set would be a lie. */
	if (fe->fragments == STEER_FRAG_L3 &&
	    (fe->hash.fields == STEER_FIELDS_4 || fe->hash.fields == STEER_FIELDS_5)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "%s: fragments: 'l3' hashes addresses only, but fields is %s "
		         "(use 2-tuple or 3-tuple, or fragments = remember)",
		         cfg->steer_path, steer_fields_name(fe->hash.fields));
		return STEER_ECONFIG;
	}
	int rc = steer_hasher_init(p->hasher, &fe->hash, errbuf);
	if (rc)
		return rc;

	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_node *n = steer_config_worker(cfg, i);
		struct steer_plan_worker *w = &p->workers[i];
		w->name = strdup(n->name);
		w->host = dup_or_null(n->host);
		w->interface = dup_or_null(n->interface);
		if (!w->name || (n->host && !w->host) || (n->interface && !w->interface))
			return STEER_ENOMEM;
		w->procs = n->lb_procs ? n->lb_procs : 1;
		w->weight = n->weight ? n->weight : w->procs;
		w->alive = true;
	}
	if ((rc = assign_macs(cfg, p, errbuf)) || (rc = assign_numbers(cfg, p, errbuf)))
		return rc;
	if (fe->non_ip == STEER_NONIP_WORKER) {
		p->nonip_worker = steer_plan_find(p, fe->non_ip_worker);
		if (p->nonip_worker < 0)
			return cfg_error(errbuf, cfg, fe->line_non_ip,
			                 "non_ip: no worker named '%s'", fe->non_ip_worker);
	}
	rc = fill_table(p, NULL);
	if (rc == STEER_EINVAL)
		cfg_error(errbuf, cfg, 0, "cannot fill %u buckets for %zu workers", p->nbuckets,
		          p->nworkers);
	return rc;
}

int steer_plan_build(const struct steer_config *cfg, struct steer_plan **out, char *errbuf)
{
	*out = NULL;
	errbuf[0] = '\0';
	struct steer_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return STEER_ENOMEM;
	int rc = build(cfg, p, errbuf);
	if (rc) {
		if (!errbuf[0])
			snprintf(errbuf, STEER_ERRBUF_SIZE, "building the plan: %s",
			         steer_strerror(rc));
		steer_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int steer_plan_fail(struct steer_plan *p, size_t i)
{
	if (i >= p->nworkers || !p->workers[i].alive)
		return STEER_EINVAL;
	bool *failed = calloc(p->nworkers, sizeof(*failed));
	uint16_t *saved = malloc(p->nbuckets * sizeof(*saved));
	int rc = STEER_ENOMEM;
	if (!failed || !saved)
		goto out;
	for (size_t k = 0; k < p->nworkers; k++)
		failed[k] = !p->workers[k].alive || k == i;
	memcpy(saved, p->table, p->nbuckets * sizeof(*saved));
	rc = fill_table(p, failed);
	if (rc) {
		memcpy(p->table, saved, p->nbuckets * sizeof(*saved));
		goto out;
	}
	p->workers[i].alive = false;
	/* non_ip = worker:NAME must not keep sending to a failed worker */
	if (p->nonip_worker == (int)i) {
		size_t k = i;
		do
			k = (k + 1) % p->nworkers;
		while (!p->workers[k].alive);
		p->nonip_worker = (int)k;
	}
out:
	free(failed);
	free(saved);
	return rc;
}
