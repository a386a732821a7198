/* SPDX-License-Identifier: BSD-2-Clause */
/* logger.c: the logger role, the cluster's log sink: batches from every node into the durable
 * store (clu_logstore.h: one file per stream, written exactly once across restarts, rotated
 * into the archive), each answered with an acknowledgement once written. The manager takes
 * this role too when node.cfg has no logger. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/clu_logstore.h>

#include "node_int.h"

struct clu__sink {
	struct clu_logstore *st;
	struct clu_logstore_opts o;
	char live[PATH_MAX];
	struct clu_node *n;
	int64_t said_us; /* store diagnostics at most once a second */
	uint64_t unsaid;
};

static void store_diag(void *arg, const char *msg)
{
	struct clu__sink *k = arg;
	int64_t now = clu__mono_us();
	if (k->said_us && now - k->said_us < 1000000) {
		k->unsaid++;
		return;
	}
	if (k->unsaid)
		clu__say(k->n, "log store: %s (and %llu more since the last report)", msg,
		         (unsigned long long)k->unsaid);
	else
		clu__say(k->n, "log store: %s", msg);
	k->said_us = now;
	k->unsaid = 0;
}

int clu__sink_open(struct clu_node *n, char *errbuf)
{
	const struct steer_cluster_opts *c = &n->cfg->cluster;
	struct clu__sink *k = calloc(1, sizeof(*k));
	if (!k) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->sink = k;
	k->n = n;
	/* zeekctl's layout: live logs in the node's spool directory, archives in LogDir. */
	if (!clu__join(k->live, c->spool_dir, n->self->name)) {
		clu__err(errbuf, "spool_dir %s: path too long", c->spool_dir);
		return STEER_ERANGE;
	}
	/* zeekctl makes them at install; a node makes its own. */
	int rc = clu__mkdirs(k->live, errbuf);
	if (rc == 0 && c->rotation_ms)
		rc = clu__mkdirs(c->log_dir, errbuf);
	if (rc != 0)
		return rc;
	k->o = (struct clu_logstore_opts){
	    .dir = {.dir = k->live,
	            .format = n->format,
	            .archive_dir = c->rotation_ms ? c->log_dir : NULL,
	            .rotate_interval = (uint32_t)(c->rotation_ms / 1000),
	            /* With several loggers, each one's archives carry its name (zeekctl's
	             * LOG_SUFFIX), so they never collide. */
	            .suffix = n->layout->nloggers > 1 ? n->self->name : NULL,
	            .gzip_level = c->compress ? 6 : 0},
	    .state_dir = n->workdir,
	    .diag = store_diag,
	    .diag_arg = k,
	};
	return clu_logstore_open(&k->o, &k->st, errbuf);
}

void clu__sink_close(struct clu_node *n)
{
	struct clu__sink *k = n->sink;
	char err[STEER_ERRBUF_SIZE];
	if (k->st && clu_logstore_close(k->st, err) != 0)
		clu__say(n, "closing the log store: %s", err);
	free(k);
	n->sink = NULL;
}

/* The store refused to write (a full disk, a vanished directory): what it committed is safe;
 * reopening recovers it, and senders send the rest again. */
static void reopen(struct clu_node *n, const char *why)
{
	struct clu__sink *k = n->sink;
	char err[STEER_ERRBUF_SIZE];
	clu__say(n, "log store: %s: reopening", why);
	clu_logstore_close(k->st, err);
	k->st = NULL;
	if (clu_logstore_open(&k->o, &k->st, err) != 0) {
		clu__err(n->fatal, "log store cannot be reopened: %s", err);
		n->failed = true;
	}
}

static int append(struct clu_node *n, const struct clu_logbatch *b, struct clu_logstore_reply *r)
{
	struct clu__sink *k = n->sink;
	char err[STEER_ERRBUF_SIZE];
	if (!k->st)
		return STEER_EIO;
	int rc = clu_logstore_append(k->st, b, r, err);
	if (rc == STEER_EIO)
		reopen(n, err);
	else if (rc != 0)
		clu__drop(n, CLU__DROP_INVALID, "log batch %llu from %s: %s",
		          (unsigned long long)b->seq, b->sender, err);
	return rc;
}

void clu__sink_on_batch(struct clu_node *n, struct clu__rx *rx)
{
	struct clu_logbatch b;
	char err[STEER_ERRBUF_SIZE];
	if (clu_batch_decode(&rx->m, &b, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	struct clu_logstore_reply r;
	if (append(n, &b, &r) != 0)
		return; /* not acknowledged: the sender sends it again */
	struct clu_ack a = {
	    .incarnation = b.incarnation, .ack = r.ack, .verdict = (uint8_t)r.verdict};
	zmq_msg_t msg;
	uint8_t *p = clu__msg_init(&msg, CLU_MSG_LOG_ACK, b.seq, n->self->name, CLU_ACK_LEN);
	if (!p)
		return;
	clu_ack_encode(&a, p, CLU_ACK_LEN);
	if (clu__send(n, n->listen, &rx->route, &msg) != 0)
		zmq_msg_close(&msg); /* the sender is gone; it will send again and get a DUP */
}

int clu__sink_local(struct clu_node *n, const struct clu_logbatch *b, uint64_t *ack, bool *gap)
{
	struct clu_logstore_reply r;
	int rc = append(n, b, &r);
	if (rc != 0)
		return rc;
	*ack = r.ack;
	*gap = r.verdict == CLU_BATCH_GAP;
	return 0;
}

int64_t clu__sink_tick(struct clu_node *n, int64_t now_us)
{
	struct clu__sink *k = n->sink;
	if (!k->st)
		return INT64_MAX;
	time_t due = clu_logstore_next_rotation(k->st), wall = time(NULL);
	if (due && wall >= due) {
		char err[STEER_ERRBUF_SIZE];
		if (clu_logstore_tick(k->st, err) != 0)
			clu__say(n, "rotation: %s (tried again in a second)", err);
		due = clu_logstore_next_rotation(k->st);
		if (due && due <= wall)
			due = wall + 1;
	}
	struct clu_logstore_stats s;
	clu_logstore_stats(k->st, &s);
	CLU__SET(n->m.rec_written, s.lines_written);
	CLU__SET(n->m.rec_dropped, s.lines_dropped);
	CLU__SET(n->m.batches_new, s.batches_new);
	CLU__SET(n->m.batches_dup, s.batches_dup);
	CLU__SET(n->m.batches_gap, s.batches_gap);
	CLU__SET(n->m.bytes_written, s.bytes_written);
	return due ? now_us + (int64_t)(due - wall) * 1000000 : INT64_MAX;
}

/* ---- the role ---- */

static int logger_open(struct clu_node *n, char *errbuf)
{
	(void)n;
	(void)errbuf;
	return 0;
}

static void logger_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: a logger takes log batches only",
	          clu_msg_type_name(rx->m.type), rx->m.sender);
}

static int64_t logger_tick(struct clu_node *n, int64_t now_us)
{
	(void)n;
	(void)now_us;
	return INT64_MAX;
}

static void logger_close(struct clu_node *n)
{
	(void)n;
}

const struct clu__role_ops clu__logger_ops = {
    .open = logger_open,
    .on_msg = logger_on_msg,
    .tick = logger_tick,
    .close = logger_close,
};
