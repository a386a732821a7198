/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_capture.c: a worker's live capture through capture/ (libpcap): its interface with the
 * plan's filter and-ed with its process split, snaplen, buffer and promiscuous mode from
 * steer.cfg; and the stray capture, which sees what the switch delivers to the interface for no
 * worker at all (Steer::Unexpected_Destination). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/cap_live.h>
#include <steer/deliver.h>
#include <steer/error.h>

#include "util_int.h"
#include "worker_int.h"

#define STRAY_SNAPLEN 64
#define STRAY_BUFFER  (1u << 20)
#define NONE          ((size_t)-1)

struct clu__wcap {
	struct cap_livegroup *g;
	size_t main, stray;
	int linktype;
	int64_t scale[2]; /* ns per ts_frac unit, per member */
	struct clu__wa *a;
	uint64_t strays;
	struct steer_mac stray_mac;
};

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The stray filter: unicast frames to none of the MACs of the plan's workers on this host and
 * interface. Only for MAC delivery: under a VLAN a frame's MAC is the tap's, and a port or
 * a pure-BPF split delivers frames as they were. Returns false when there is none to make. */
static bool stray_filter(const struct steer_plan *plan, int worker, char *buf, size_t n)
{
	const struct steer_plan_worker *me = &plan->workers[worker];
	if (plan->delivery != STEER_DELIVER_MAC)
		return false;
	size_t len = (size_t)snprintf(buf, n, "not ether multicast and not (");
	bool first = true;
	for (size_t i = 0; i < plan->nworkers; i++) {
		const struct steer_plan_worker *w = &plan->workers[i];
		if (!same(w->host, me->host) || !same(w->interface, me->interface))
			continue;
		char m[STEER_MAC_STRLEN];
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%sether dst %s",
		                        first ? "" : " or ", steer_mac_format(&w->mac, m));
		first = false;
	}
	len += (size_t)snprintf(buf + len, len < n ? n - len : 0, ")");
	return len < n;
}

/* The first process of the plan on a host and interface watches for strays (one count per
 * interface, not one per process). */
static bool watches_strays(const struct steer_plan *plan, int worker, unsigned proc)
{
	const struct steer_plan_worker *me = &plan->workers[worker];
	for (int i = 0; i < worker; i++)
		if (same(plan->workers[i].host, me->host) &&
		    same(plan->workers[i].interface, me->interface))
			return false;
	return proc == 0;
}

int clu__wcap_open(const struct steer_config *cfg, const struct steer_plan *plan, int worker,
                   unsigned proc, unsigned nprocs, const char *filter_expr, bool strays,
                   struct clu__wcap **out, char *errbuf)
{
	*out = NULL;
	const struct steer_plan_worker *w = &plan->workers[worker];
	if (!w->interface) {
		clu__err(errbuf, "%s: [%s] has no interface to capture", cfg->node_path, w->name);
		return STEER_EINVAL;
	}
	char split[1024], filter[16384];
	int rc = steer_proc_filter(proc, nprocs, split, sizeof(split));
	if (rc == 0) {
		if (!*split)
			rc = snprintf(filter, sizeof(filter), "%s", filter_expr) >=
			     (int)sizeof(filter);
		else if (!*filter_expr)
			rc = snprintf(filter, sizeof(filter), "%s", split) >= (int)sizeof(filter);
		else
			rc = snprintf(filter, sizeof(filter), "(%s) and (%s)", split,
			              filter_expr) >= (int)sizeof(filter);
		rc = rc ? STEER_ERANGE : 0;
	}
	if (rc != 0) {
		clu__err(errbuf, "[%s]: the filter of process %u of %u: %s", w->name, proc + 1,
		         nprocs, steer_strerror(rc));
		return rc;
	}
	struct clu__wcap *c = calloc(1, sizeof(*c));
	if (!c || cap_livegroup_new(&c->g) != 0) {
		free(c);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	c->stray = NONE;
	const struct steer_cluster_opts *o = &cfg->cluster;
	struct cap_live_opts lo = {
	    .iface = w->interface,
	    .snaplen = o->snaplen,
	    .promisc = o->promisc,
	    .buffer_size = o->capture_buffer_mb << 20,
	    .inbound_only = true,
	    .filter = filter,
	};
	rc = cap_livegroup_add(c->g, &lo, NULL, &c->main, errbuf);
	char sf[4096];
	if (rc == 0 && strays && watches_strays(plan, worker, proc) &&
	    stray_filter(plan, worker, sf, sizeof(sf))) {
		struct cap_live_opts so = lo;
		so.snaplen = STRAY_SNAPLEN;
		so.buffer_size = STRAY_BUFFER;
		so.filter = sf;
		rc = cap_livegroup_add(c->g, &so, NULL, &c->stray, errbuf);
	}
	if (rc != 0) {
		clu__wcap_close(c);
		return rc;
	}
	c->linktype = cap_livegroup_linktype(c->g, c->main);
	for (size_t i = 0; i < cap_livegroup_count(c->g); i++)
		c->scale[i] = cap_livegroup_precision(c->g, i) == CAP_TS_NANO ? 1 : 1000;
	*out = c;
	return 0;
}

void clu__wcap_close(struct clu__wcap *c)
{
	if (!c)
		return;
	cap_livegroup_free(c->g);
	free(c);
}

int clu__wcap_fd(const struct clu__wcap *c)
{
	return cap_livegroup_fd(c->g, c->main);
}

int clu__wcap_linktype(const struct clu__wcap *c)
{
	return c->linktype;
}

static void on_frame(void *arg, size_t index, const struct cap_pkthdr *h, const uint8_t *frame)
{
	struct clu__wcap *c = arg;
	if (index == c->stray) {
		c->strays++;
		if (h->caplen >= 6)
			memcpy(c->stray_mac.b, frame, 6);
		return;
	}
	clu__wa_frame(c->a, c->linktype, frame, h->caplen, h->len,
	              h->ts_sec * 1000000000ll + (int64_t)h->ts_frac * c->scale[index]);
}

long clu__wcap_read(struct clu__wcap *c, struct clu__wa *a, unsigned max, char *errbuf)
{
	c->a = a;
	c->strays = 0;
	long k = cap_livegroup_poll(c->g, 0, max, on_frame, c, errbuf);
	if (c->strays)
		clu__wa_unexpected(a, c->strays, &c->stray_mac, -1);
	return k;
}

uint64_t clu__wcap_drops(struct clu__wcap *c)
{
	return cap_livegroup_drops(c->g, c->main);
}
