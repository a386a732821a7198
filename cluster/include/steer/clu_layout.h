/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_layout.h: the cluster's processes with their roles, addresses and ports, laid out as
 * zeekctl lays out a Zeek cluster (ZeekControl/install.py make_layout). */
#ifndef STEER_CLU_LAYOUT_H
#define STEER_CLU_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <steer/config.h>

#pragma GCC visibility push(default)

/* Longest process name: it travels in every message header and names directories. */
#define CLU_NAME_MAX STEER_NAME_MAX

enum clu_role {
	CLU_ROLE_MANAGER = 1,
	CLU_ROLE_LOGGER,
	CLU_ROLE_PROXY,
	CLU_ROLE_WORKER,
};

/* One process of the cluster. A worker with lb_procs = N is N processes NAME-1..NAME-N. */
struct clu_proc {
	char name[CLU_NAME_MAX + 1];
	enum clu_role role;
	const struct steer_node *node; /* its node.cfg section (host, netns, ...) */
	uint16_t port;                 /* its cluster port (the manager and loggers listen on it) */
	uint16_t metrics_port;         /* its Prometheus endpoint */
};

/* The processes in zeekctl's order: the manager, the loggers, the proxies, the workers, each
 * type in node.cfg order; ports consecutive from base_port and from metrics_port in that order.
 * Points into the configuration, which must outlive it. */
struct clu_layout {
	const struct steer_config *cfg;
	struct clu_proc *procs;
	size_t n;
	size_t nloggers; /* procs[1..nloggers] are the loggers */
};

/* Builds the layout of cfg (a configuration that loaded without error). Returns 0 with *out
 * set, STEER_ECONFIG with errbuf saying which node is at fault (a name that cannot be a process
 * name: over CLU_NAME_MAX bytes, or outside A-Z a-z 0-9 . _ -), or STEER_ENOMEM. Free with
 * clu_layout_free(). */
int clu_layout_build(const struct steer_config *cfg, struct clu_layout **out, char *errbuf);
void clu_layout_free(struct clu_layout *l);

/* The process of that name, or NULL. */
const struct clu_proc *clu_layout_find(const struct clu_layout *l, const char *name);

/* The process logs go to: the loggers when there are any, else the manager. */
static inline int clu_layout_is_log_sink(const struct clu_layout *l, const struct clu_proc *p)
{
	return l->nloggers ? p->role == CLU_ROLE_LOGGER : p->role == CLU_ROLE_MANAGER;
}

const char *clu_role_name(enum clu_role r);

/* True when s is a valid process name: steer_name_valid (1..CLU_NAME_MAX of A-Z a-z 0-9 . _ -,
 * not starting with '.'). */
int clu_name_valid(const char *s, size_t len);

/* The address of host for a ZeroMQ endpoint: host itself when it is an IP address, else its
 * first address from the resolver, IPv6 in brackets ("[::1]"). Returns 0, or STEER_EINVAL
 * with errbuf naming the host. */
int clu_host_addr(const char *host, char *buf, size_t n, char *errbuf);

#pragma GCC visibility pop
#endif
