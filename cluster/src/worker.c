/* SPDX-License-Identifier: BSD-2-Clause */
/* worker.c: the worker role. For now a worker joins the cluster (heartbeats carrying its
 * capture counters, which clu_node_set_capture fills) and writes log records like any node;
 * its capture and analysis are issue 10's, plugged in through clu_node_opts.work. */
#include "node_int.h"

static int worker_open(struct clu_node *n, char *errbuf)
{
	(void)n;
	(void)errbuf;
	return 0;
}

static void worker_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for a worker",
	          clu_msg_type_name(rx->m.type), rx->m.sender);
}

static int64_t worker_tick(struct clu_node *n, int64_t now_us)
{
	(void)n;
	(void)now_us;
	return INT64_MAX;
}

static void worker_close(struct clu_node *n)
{
	(void)n;
}

const struct clu__role_ops clu__worker_ops = {
    .open = worker_open,
    .on_msg = worker_on_msg,
    .tick = worker_tick,
    .close = worker_close,
};
