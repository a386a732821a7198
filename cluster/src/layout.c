/* SPDX-License-Identifier: BSD-2-Clause */
/* layout.c: the cluster's processes, roles and ports in zeekctl's order (ZeekControl/install.py
 * make_layout: manager, loggers, proxies, workers; lb_procs expanded to NAME-1..N). */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <steer/clu_layout.h>
#include <steer/error.h>

#include "util_int.h"

const char *clu_role_name(enum clu_role r)
{
	switch (r) {
	case CLU_ROLE_MANAGER:
		return "manager";
	case CLU_ROLE_LOGGER:
		return "logger";
	case CLU_ROLE_PROXY:
		return "proxy";
	case CLU_ROLE_WORKER:
		return "worker";
	}
	return "unknown";
}

int clu_name_valid(const char *s, size_t len)
{
	return steer_name_valid(s, len);
}

static enum clu_role role_of(enum steer_node_type t)
{
	switch (t) {
	case STEER_NODE_MANAGER:
		return CLU_ROLE_MANAGER;
	case STEER_NODE_LOGGER:
		return CLU_ROLE_LOGGER;
	case STEER_NODE_PROXY:
		return CLU_ROLE_PROXY;
	case STEER_NODE_WORKER:
		return CLU_ROLE_WORKER;
	default:
		return 0;
	}
}

int clu_layout_build(const struct steer_config *cfg, struct clu_layout **out, char *errbuf)
{
	*out = NULL;
	size_t n = 0;
	for (size_t i = 0; i < cfg->nnodes; i++)
		n += cfg->nodes[i].type == STEER_NODE_WORKER ? cfg->nodes[i].lb_procs : 1;
	struct clu_layout *l = calloc(1, sizeof(*l));
	if (!l || !(l->procs = calloc(n ? n : 1, sizeof(*l->procs)))) {
		free(l);
		return STEER_ENOMEM;
	}
	l->cfg = cfg;
	for (enum clu_role r = CLU_ROLE_MANAGER; r <= CLU_ROLE_WORKER; r++) {
		for (size_t i = 0; i < cfg->nnodes; i++) {
			const struct steer_node *nd = &cfg->nodes[i];
			if (role_of(nd->type) != r)
				continue;
			unsigned procs = r == CLU_ROLE_WORKER ? nd->lb_procs : 1;
			for (unsigned k = 0; k < procs; k++) {
				struct clu_proc *p = &l->procs[l->n];
				char name[CLU_NAME_MAX + 16];
				steer_node_proc_name(nd, k, name, sizeof(name));
				if (!clu_name_valid(name, strlen(name))) {
					snprintf(
					    errbuf, STEER_ERRBUF_SIZE,
					    "%s:%u: [%s]: not usable as a process name (up to %d "
					    "of A-Z a-z 0-9 . _ -, lb_procs' -N suffix included)",
					    cfg->node_path, nd->line, nd->name, CLU_NAME_MAX);
					clu_layout_free(l);
					return STEER_ECONFIG;
				}
				memcpy(p->name, name, strlen(name) + 1);
				p->role = r;
				p->node = nd;
				p->port = (uint16_t)(cfg->cluster.base_port + l->n);
				p->metrics_port = (uint16_t)(cfg->cluster.metrics_port + l->n);
				l->nloggers += r == CLU_ROLE_LOGGER;
				l->n++;
			}
		}
	}
	*out = l;
	return 0;
}

void clu_layout_free(struct clu_layout *l)
{
	if (!l)
		return;
	free(l->procs);
	free(l);
}

const struct clu_proc *clu_layout_find(const struct clu_layout *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->procs[i].name, name) == 0)
			return &l->procs[i];
	return NULL;
}

int clu_host_addr(const char *host, char *buf, size_t n, char *errbuf)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		clu__err(errbuf, "host '%s': %s", host, rc ? gai_strerror(rc) : "no address");
		return STEER_EINVAL;
	}
	char ip[INET6_ADDRSTRLEN + 16]; /* NI_MAXHOST is not POSIX */
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, ip, sizeof(ip), NULL, 0, NI_NUMERICHOST);
	int v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	if (rc != 0) {
		clu__err(errbuf, "host '%s': %s", host, gai_strerror(rc));
		return STEER_EINVAL;
	}
	if ((size_t)snprintf(buf, n, v6 ? "[%s]" : "%s", ip) >= n) {
		clu__err(errbuf, "host '%s': address too long", host);
		return STEER_EINVAL;
	}
	return 0;
}
