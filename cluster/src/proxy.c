/* SPDX-License-Identifier: BSD-2-Clause */
/* proxy.c: the proxy role. For now a proxy joins the cluster (heartbeats to the manager) and
 * writes log records like any node; the synchronised state it holds for the workers (known
 * hosts and services, the ring of proxies) is issue 11's. */
#include "node_int.h"

static int proxy_open(struct clu_node *n, char *errbuf)
{
	(void)n;
	(void)errbuf;
	return 0;
}

static void proxy_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	/* A proxy binds no socket yet, so nothing arrives here; keep the rule anyway. */
	clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for a proxy",
	          clu_msg_type_name(rx->m.type), rx->m.sender);
}

static int64_t proxy_tick(struct clu_node *n, int64_t now_us)
{
	(void)n;
	(void)now_us;
	return INT64_MAX;
}

static void proxy_close(struct clu_node *n)
{
	(void)n;
}

const struct clu__role_ops clu__proxy_ops = {
    .open = proxy_open,
    .on_msg = proxy_on_msg,
    .tick = proxy_tick,
    .close = proxy_close,
};
