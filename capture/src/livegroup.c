/* SPDX-License-Identifier: BSD-2-Clause */
/* livegroup.c: several live captures polled together with a bounded wait (libpcap
 * pcap_setnonblock, pcap_get_selectable_fd, pcap_dispatch; poll(2)), each opened in its own
 * network namespace. */
#define _GNU_SOURCE /* pcap.h needs the BSD u_int types */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap.h>

#include <steer/cap_live.h>
#include <steer/cap_netdev.h>
#include <steer/error.h>

#include "cap_int.h"

struct member {
	pcap_t *p;
	int fd;
	int linktype;
	enum cap_precision prec;
	char name[96];
};

struct cap_livegroup {
	struct member *m;
	struct pollfd *pfd;
	size_t n, cap;
};

int cap_livegroup_new(struct cap_livegroup **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : STEER_ENOMEM;
}

void cap_livegroup_free(struct cap_livegroup *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		pcap_close(g->m[i].p);
	free(g->m);
	free(g->pfd);
	free(g);
}

static pcap_t *open_here(const struct cap_live_opts *o, enum cap_precision *prec, char *errbuf,
                         const char *label)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(o->iface, pe);
	if (!p) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: %s", label, pe);
		return NULL;
	}
	pcap_set_snaplen(p, (int)(o->snaplen ? o->snaplen : CAP_MAX_SNAPLEN));
	pcap_set_promisc(p, o->promisc);
	pcap_set_immediate_mode(p, o->immediate);
	/* Without immediate mode libpcap uses a TPACKET_V3 ring, whose blocks pack frames
	 * tightly and are handed over when full or this old: the timeout bounds the latency. */
	pcap_set_timeout(p, !o->immediate && o->timeout_ms > 0 ? o->timeout_ms : 100);
	if (o->buffer_size)
		pcap_set_buffer_size(p, (int)o->buffer_size);
	*prec = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0 ? CAP_TS_NANO
	                                                                       : CAP_TS_MICRO;
	int rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: %s", label,
		         rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
		pcap_close(p);
		return NULL;
	}
	if (o->inbound_only)
		pcap_setdirection(p, PCAP_D_IN);
	if (cap__set_filter(p, o, label, errbuf) != 0) {
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, pe) != 0 || pcap_get_selectable_fd(p) < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: cannot poll this interface: %s", label,
		         pe[0] ? pe : "no selectable descriptor");
		pcap_close(p);
		return NULL;
	}
	return p;
}

int cap_livegroup_add(struct cap_livegroup *g, const struct cap_live_opts *o, const char *netns,
                      size_t *index, char *errbuf)
{
	char label[96];
	snprintf(label, sizeof(label), "%s%s%s", o->iface, netns ? "@" : "", netns ? netns : "");
	if (g->n == g->cap) {
		size_t n = g->cap ? g->cap * 2 : 8;
		struct member *m = realloc(g->m, n * sizeof(*m));
		if (!m) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: out of memory", label);
			return STEER_ENOMEM;
		}
		g->m = m;
		struct pollfd *pfd = realloc(g->pfd, n * sizeof(*pfd));
		if (!pfd) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: out of memory", label);
			return STEER_ENOMEM;
		}
		g->pfd = pfd;
		g->cap = n;
	}
	int saved = -1, rc;
	if (netns && (rc = cap_netns_enter(netns, &saved, errbuf)) != 0)
		return rc;
	enum cap_precision prec;
	pcap_t *p = open_here(o, &prec, errbuf, label);
	if (cap_netns_leave(saved) != 0) {
		/* the calling thread is stuck in the wrong namespace: nothing sensible follows */
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: cannot return from the namespace", label);
		if (p)
			pcap_close(p);
		return STEER_EIO;
	}
	if (!p)
		return STEER_EIO;
	struct member *m = &g->m[g->n];
	m->p = p;
	m->fd = pcap_get_selectable_fd(p);
	m->linktype = cap__dlt_to_linktype(pcap_datalink(p));
	m->prec = prec;
	snprintf(m->name, sizeof(m->name), "%s", label);
	g->pfd[g->n] = (struct pollfd){.fd = m->fd, .events = POLLIN};
	*index = g->n++;
	return 0;
}

struct dispatch_ctx {
	struct cap_livegroup *g;
	size_t i;
	cap_live_fn fn;
	void *arg;
};

static void on_pkt(u_char *user, const struct pcap_pkthdr *ph, const u_char *bytes)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	struct cap_pkthdr h = {
		.ts_sec = ph->ts.tv_sec,
		.ts_frac = (uint32_t)ph->ts.tv_usec, /* nanoseconds with nano precision */
		.caplen = ph->caplen,
		.len = ph->len,
	};
	d->fn(d->arg, d->i, &h, bytes);
}

long cap_livegroup_poll(struct cap_livegroup *g, int timeout_ms, unsigned max_per_member,
                        cap_live_fn fn, void *arg, char *errbuf)
{
	if (g->n == 0)
		return 0;
	int r = poll(g->pfd, (nfds_t)g->n, timeout_ms < 0 ? 0 : timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : STEER_EIO;
	/* With a ring buffer the descriptor may lag what is readable: try every member when the
	 * poll said anything, and also after a timeout of 0 (a drain). */
	long total = 0;
	int cnt = (int)(max_per_member ? max_per_member : 1024);
	for (size_t i = 0; i < g->n; i++) {
		if (r > 0 && !(g->pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) && timeout_ms)
			continue;
		struct dispatch_ctx d = {g, i, fn, arg};
		int k = pcap_dispatch(g->m[i].p, cnt, on_pkt, (u_char *)&d);
		if (k < 0) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "%s: %s", g->m[i].name,
			         pcap_geterr(g->m[i].p));
			return STEER_EIO;
		}
		total += k;
	}
	return total;
}

size_t cap_livegroup_count(const struct cap_livegroup *g)
{
	return g->n;
}

int cap_livegroup_linktype(const struct cap_livegroup *g, size_t index)
{
	return g->m[index].linktype;
}

int cap_livegroup_fd(const struct cap_livegroup *g, size_t index)
{
	return g->m[index].fd;
}

enum cap_precision cap_livegroup_precision(const struct cap_livegroup *g, size_t index)
{
	return g->m[index].prec;
}

uint64_t cap_livegroup_drops(struct cap_livegroup *g, size_t index)
{
	struct pcap_stat st;
	if (pcap_stats(g->m[index].p, &st) != 0)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}
