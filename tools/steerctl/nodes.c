/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/nodes.c: the cluster's processes as steerctl start, stop, restart and status see
 * them: which ones the command line names, which run on this host, their pids. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <steer/clu_node.h>
#include <steer/error.h>

#include "cli.h"
#include "setup.h"
#include "steerctl.h"

void ctl_cluster_free(struct ctl_cluster *c)
{
	clu_layout_free(c->l);
	steer_config_free(c->cfg);
	free(c->sel);
	free(c->confdir);
	memset(c, 0, sizeof(*c));
}

int ctl_cluster_load(const char *prog, const char *confdir, int nnames, char **names,
                     struct ctl_cluster *c)
{
	memset(c, 0, sizeof(*c));
	const char *dir = cli_config_dir(confdir);
	/* The nodes get the directory as an absolute path: a daemon may not share our cwd. */
	if (!(c->confdir = realpath(dir, NULL))) {
		fprintf(stderr, "%s: %s: %s\n", prog, dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (cli_config_load(prog, c->confdir, &c->cfg) != 0)
		return EXIT_USAGE;
	char err[STEER_ERRBUF_SIZE];
	if (clu_layout_build(c->cfg, &c->l, err) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_USAGE;
	}
	if (!(c->sel = calloc(c->l->n, sizeof(*c->sel)))) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < c->l->n; i++)
		c->sel[i] = nnames == 0;
	/* A name is a process ("worker-1-2") or a node.cfg section, which means all of its
	 * processes ("worker-1" with lb_procs). */
	for (int k = 0; k < nnames; k++) {
		bool found = false;
		for (size_t i = 0; i < c->l->n; i++) {
			const struct clu_proc *p = &c->l->procs[i];
			if (strcmp(p->name, names[k]) == 0 ||
			    strcmp(p->node->name, names[k]) == 0) {
				c->sel[i] = true;
				found = true;
			}
		}
		if (!found) {
			char q[CLI_QUOTE_SIZE];
			cli_usage_error(prog, "no node '%s' in %s", cli_quote(names[k], q),
			                c->cfg->node_path);
			return EXIT_USAGE;
		}
	}
	return -1;
}

bool ctl_is_local(const struct clu_proc *p)
{
	/* A lab namespace is on this host, whatever its address. */
	if (p->node->netns)
		return true;
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *res = NULL, *a;
	if (getaddrinfo(p->node->host, NULL, &hints, &res) != 0)
		return false;
	bool local = false;
	/* An address is this host's exactly when a socket can be bound to it. */
	for (a = res; a && !local; a = a->ai_next) {
		int fd = socket(a->ai_family, SOCK_DGRAM, 0);
		if (fd < 0)
			continue;
		local = bind(fd, a->ai_addr, a->ai_addrlen) == 0;
		close(fd);
	}
	freeaddrinfo(res);
	return local;
}

long ctl_pid(const struct ctl_cluster *c, const struct clu_proc *p, bool *stale)
{
	char wd[4096];
	*stale = false;
	if (clu_node_workdir(c->cfg, p->name, wd, sizeof(wd)) != 0)
		return 0;
	return clu_node_running(wd, stale);
}

int ctl_status(const struct ctl_cluster *c, int timeout_ms, struct clu_status_entry **v, size_t *n,
               char *err)
{
	struct clu_ctl *ctl;
	int rc = clu_ctl_open(c->l, &ctl, err);
	if (rc != 0)
		return rc;
	rc = clu_ctl_status(ctl, timeout_ms, v, n, err);
	clu_ctl_close(ctl);
	return rc;
}

const struct clu_status_entry *ctl_entry(const struct clu_status_entry *v, size_t n,
                                         const char *name)
{
	for (size_t i = 0; v && i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}
