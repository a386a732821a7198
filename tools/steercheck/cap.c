/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/cap.c: the live capture points of `steercheck live` and `steercheck probe`:
 * [WORKER=]IFACE[@NETNS] parsed, opened in their network namespaces, and polled in turn. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/cap_netdev.h>
#include <steer/check.h>
#include <steer/error.h>

#include "cli.h"
#include "cap.h"

static int add_cap(const char *prog, const struct steer_plan *plan, struct sc_caps *caps,
                   const char *spec, size_t len)
{
	char buf[96];
	if (len == 0 || len >= sizeof(buf)) {
		cli_usage_error(prog, "-i: bad capture point '%.*s'", (int)len, spec);
		return -1;
	}
	memcpy(buf, spec, len);
	buf[len] = '\0';
	struct sc_cap *c = &caps->v[caps->n];
	memset(c, 0, sizeof(*c));
	snprintf(c->spec, sizeof(c->spec), "%s", buf);
	c->worker = -1;
	const char *ifspec = buf;
	char *eq = strchr(buf, '=');
	if (eq) {
		*eq = '\0';
		c->worker = steer_plan_find(plan, buf);
		if (c->worker < 0) {
			fprintf(stderr, "%s: -i %s: no worker named '%s' in the plan\n", prog, c->spec,
			        buf);
			return -1;
		}
		ifspec = eq + 1;
	}
	const char *ns;
	if (cap_netns_split(ifspec, c->ifname, &ns) != 0) {
		cli_usage_error(prog, "-i: bad interface in '%s' (IFACE or IFACE@NETNS)", c->spec);
		return -1;
	}
	if (ns && strlen(ns) >= sizeof(c->netns)) {
		cli_usage_error(prog, "-i: namespace name too long in '%s'", c->spec);
		return -1;
	}
	snprintf(c->netns, sizeof(c->netns), "%s", ns ? ns : "");
	if (!eq) {
		/* the worker whose interface it is, when it is the only one there */
		int only = -1, users = 0;
		for (size_t i = 0; i < plan->nworkers; i++) {
			const char *wi = plan->workers[i].interface;
			if (wi && strcmp(wi, c->ifname) == 0) {
				only = (int)i;
				users++;
			}
		}
		c->worker = users == 1 ? only : -1;
	}
	caps->n++;
	return 0;
}

int sc_caps_parse(const char *prog, const struct steer_plan *plan, const char *list,
                  struct sc_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	size_t max = plan->nworkers + 1;
	if (list) {
		max = 1;
		for (const char *s = list; *s; s++)
			max += *s == ',';
	}
	caps->v = calloc(max, sizeof(*caps->v));
	if (!caps->v) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	if (list) {
		const char *s = list;
		for (;;) {
			const char *end = strchr(s, ',');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			if (add_cap(prog, plan, caps, s, len) != 0)
				return -1;
			if (!end)
				break;
			s = end + 1;
		}
		return 0;
	}
	/* the plan's interfaces, each once */
	for (size_t i = 0; i < plan->nworkers; i++) {
		const char *wi = plan->workers[i].interface;
		if (!wi || !*wi)
			continue;
		bool dup = false;
		for (size_t k = 0; k < caps->n; k++)
			dup |= strcmp(caps->v[k].ifname, wi) == 0;
		if (!dup && add_cap(prog, plan, caps, wi, strlen(wi)) != 0)
			return -1;
	}
	if (caps->n == 0) {
		fprintf(stderr, "%s: no worker has an 'interface' in node.cfg: give -i\n", prog);
		return -1;
	}
	return 0;
}

int sc_caps_open(const char *prog, struct sc_caps *caps, const struct cap_live_opts *base)
{
	char errbuf[STEER_ERRBUF_SIZE];
	if (cap_livegroup_new(&caps->g) != 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	for (size_t i = 0; i < caps->n; i++) {
		struct sc_cap *c = &caps->v[i];
		struct cap_live_opts o = *base;
		o.iface = c->ifname;
		size_t idx;
		if (cap_livegroup_add(caps->g, &o, c->netns[0] ? c->netns : NULL, &idx, errbuf) != 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, c->spec, errbuf);
			return -1;
		}
		c->linktype = cap_livegroup_linktype(caps->g, idx);
		c->nano = cap_livegroup_precision(caps->g, idx) == CAP_TS_NANO;
	}
	return 0;
}

struct poll_ctx {
	struct sc_caps *caps;
	sc_cap_fn fn;
	void *arg;
};

static void on_live(void *arg, size_t index, const struct cap_pkthdr *h, const uint8_t *frame)
{
	struct poll_ctx *p = arg;
	struct sc_cap *c = &p->caps->v[index];
	c->packets++;
	p->fn(p->arg, c, h, frame);
}

long sc_caps_poll(const char *prog, struct sc_caps *caps, int slice_ms, sc_cap_fn fn, void *arg)
{
	char errbuf[STEER_ERRBUF_SIZE];
	struct poll_ctx p = {caps, fn, arg};
	long n = cap_livegroup_poll(caps->g, slice_ms, 0, on_live, &p, errbuf);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		return -1;
	}
	return n;
}

uint64_t sc_caps_drops(struct sc_caps *caps, size_t i)
{
	return caps->g ? cap_livegroup_drops(caps->g, i) : 0;
}

int sc_caps_worker_of(const struct steer_plan *plan, const struct sc_cap *c,
                      const uint8_t *frame, uint32_t caplen)
{
	return c->worker >= 0 ? c->worker : steer_check_worker_of(plan, c->linktype, frame, caplen);
}

void sc_caps_close(struct sc_caps *caps)
{
	cap_livegroup_free(caps->g);
	free(caps->v);
	memset(caps, 0, sizeof(*caps));
}

bool sc_parse_duration(const char *prog, const char *what, const char *s, uint64_t *ms)
{
	char q[CLI_QUOTE_SIZE];
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul = 1000;
	if (end == s || errno || *s == '-')
		goto bad;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mul = 1000;
	else if (!strcmp(end, "ms"))
		mul = 1;
	else if (!strcmp(end, "m"))
		mul = 60000;
	else
		goto bad;
	if (v == 0 || v > 86400000ull / mul)
		goto bad;
	*ms = v * mul;
	return true;
bad:
	fprintf(stderr,
	        "%s: %s: '%s' is not a duration from 1ms to 24h (e.g. 10, 10s, 500ms, 2m)\n", prog,
	        what, cli_quote(s, q));
	return false;
}
