/* SPDX-License-Identifier: BSD-2-Clause */
/* manager.c: the manager role: the table of nodes fed by their heartbeats; a node silent for
 * heartbeat_misses intervals is announced down in cluster.log (ts, node, message, as Zeek's
 * Cluster framework writes it) with a Cluster::Node_Down notice, and its return is announced
 * too; steerctl's status requests are answered from the table; notices go to the notice
 * framework (notice_mgr.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <steer/clu_notice.h>

#include "node_int.h"
#include "notice_int.h"

struct entry {
	_Atomic uint8_t state;   /* enum clu_node_state; read by the metrics thread */
	_Atomic int64_t last_us; /* mono time of the last heartbeat */
	uint32_t pid;
	uint64_t start_us;
	uint64_t pkts_recv, pkts_drop;
};

struct manager {
	struct entry *t; /* parallel to the layout's procs */
	struct clu_log_stream *cluster_st;
	struct clu_logrec *cluster_rec;
	int64_t silence_us; /* heartbeat_misses intervals */
};

static struct manager *mgr(const struct clu_node *n)
{
	return n->role;
}

static int stream(const char *path, enum clu_log_format fmt, struct clu_log_stream **st,
                  struct clu_logrec **rec, char *errbuf)
{
	const struct clu_log_schema *s = clu_log_schema_builtin(path);
	if (!s) {
		clu__err(errbuf, "no built-in %s.log schema", path);
		return STEER_EINVAL;
	}
	int rc = clu_log_stream_new(s, st, errbuf);
	if (rc == 0 && (rc = clu_logrec_new(*st, fmt, rec)) != 0)
		clu__err(errbuf, "out of memory");
	return rc;
}

static int manager_open(struct clu_node *n, char *errbuf)
{
	struct manager *m = calloc(1, sizeof(*m));
	if (!m || !(m->t = calloc(n->layout->n, sizeof(*m->t)))) {
		free(m);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->role = m;
	m->silence_us = (int64_t)n->cfg->cluster.heartbeat_ms * 1000 *
	                (int64_t)n->cfg->cluster.heartbeat_misses;
	struct entry *self = &m->t[n->self - n->layout->procs];
	self->state = CLU_STATE_UP;
	self->pid = (uint32_t)getpid();
	self->start_us = n->start_wall_us;
	int rc = stream("cluster", n->format, &m->cluster_st, &m->cluster_rec, errbuf);
	if (rc == 0)
		rc = clu__noticemgr_open(n, errbuf);
	return rc;
}

static void manager_close(struct clu_node *n)
{
	struct manager *m = mgr(n);
	if (!m)
		return;
	clu__noticemgr_close(n);
	clu_logrec_free(m->cluster_rec);
	clu_log_stream_free(m->cluster_st);
	free(m->t);
	free(m);
	n->role = NULL;
}

static void put(struct clu_node *n, const struct clu_log_stream *st, struct clu_logrec *r)
{
	const char *line;
	size_t len;
	if (clu_logrec_end(r, &line, &len) != 0) {
		clu__say(n, "%s record: %s", clu_log_stream_schema(st)->path, clu_logrec_error(r));
		return;
	}
	int rc = clu_node_log(n, st, line, len);
	if (rc != 0)
		clu__say(n, "%s record not logged: %s", clu_log_stream_schema(st)->path,
		         steer_strerror(rc));
}

/* A cluster.log line; it goes to stderr too, where an operator watching the manager sees it. */
static void announce(struct clu_node *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void announce(struct clu_node *n, const char *fmt, ...)
{
	struct manager *m = mgr(n);
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clu__say(n, "%s", msg);
	clu_logrec_begin(m->cluster_rec);
	clu_logrec_time_us(m->cluster_rec, (int64_t)clu__wall_us());
	clu_logrec_str(m->cluster_rec, n->self->name);
	clu_logrec_str(m->cluster_rec, msg);
	put(n, m->cluster_st, m->cluster_rec);
}

static void on_heartbeat(struct clu_node *n, struct clu__rx *rx)
{
	struct manager *m = mgr(n);
	struct clu_heartbeat h;
	char err[STEER_ERRBUF_SIZE];
	if (clu_heartbeat_decode(&rx->m, &h, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	const struct clu_proc *p = clu_layout_find(n->layout, rx->m.sender);
	if (!p || p == n->self || p->role != h.role) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "heartbeat from %s (%s): not a node of node.cfg",
		          rx->m.sender, clu_role_name(h.role));
		return;
	}
	CLU__ADD(n->m.hb_recv, 1);
	struct entry *e = &m->t[p - n->layout->procs];
	clu__noticemgr_route(n, (size_t)(p - n->layout->procs), &rx->route);
	int64_t now = clu__mono_us();
	uint8_t was = atomic_load(&e->state);
	bool restarted = was == CLU_STATE_UP && e->start_us != h.start_us;
	if (was == CLU_STATE_UNSEEN)
		announce(n, "got hello from %s (pid %u)", p->name, h.pid);
	else if (was == CLU_STATE_DOWN)
		announce(n, "node up: %s (pid %u), silent for %.1f s", p->name, h.pid,
		         (double)(now - atomic_load(&e->last_us)) / 1e6);
	else if (restarted)
		announce(n, "node restarted: %s (pid %u, was %u)", p->name, h.pid, e->pid);
	e->pid = h.pid;
	e->start_us = h.start_us;
	e->pkts_recv = h.pkts_recv;
	e->pkts_drop = h.pkts_drop;
	atomic_store(&e->last_us, now);
	atomic_store(&e->state, (uint8_t)CLU_STATE_UP);
}

static void on_status(struct clu_node *n, struct clu__rx *rx)
{
	struct manager *m = mgr(n);
	const struct clu_layout *l = n->layout;
	struct clu_status_entry *v = calloc(l->n, sizeof(*v));
	size_t cap = 2 + l->n * CLU_STATUS_ENTRY_MAX;
	uint8_t *buf = malloc(cap);
	int64_t now = clu__mono_us();
	if (!v || !buf)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct entry *e = &m->t[i];
		uint8_t st = atomic_load(&e->state);
		snprintf(v[i].name, sizeof(v[i].name), "%s", l->procs[i].name);
		v[i].role = (uint8_t)l->procs[i].role;
		v[i].state = st;
		v[i].pid = e->pid;
		v[i].start_us = e->start_us;
		int64_t age = &l->procs[i] == n->self ? 0 : (now - atomic_load(&e->last_us)) / 1000;
		v[i].hb_age_ms = st == CLU_STATE_UNSEEN ? UINT32_MAX
		                 : age >= UINT32_MAX    ? UINT32_MAX - 1
		                                        : (uint32_t)age;
		v[i].pkts_recv = e->pkts_recv;
		v[i].pkts_drop = e->pkts_drop;
	}
	size_t len = clu_status_encode(v, l->n, buf, cap);
	zmq_msg_t msg;
	uint8_t *p =
	    len ? clu__msg_init(&msg, CLU_MSG_STATUS_REP, rx->m.seq, n->self->name, len) : NULL;
	if (p) {
		memcpy(p, buf, len);
		if (clu__send(n, n->listen, &rx->route, &msg) != 0)
			zmq_msg_close(&msg);
	}
out:
	free(v);
	free(buf);
}

static void manager_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	switch (rx->m.type) {
	case CLU_MSG_HEARTBEAT:
		on_heartbeat(n, rx);
		break;
	case CLU_MSG_STATUS_REQ:
		on_status(n, rx);
		break;
	case CLU_MSG_NOTICE:
		clu__noticemgr_on_msg(n, rx);
		break;
	default:
		clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for the manager",
		          clu_msg_type_name(rx->m.type), rx->m.sender);
		break;
	}
}

static int64_t manager_tick(struct clu_node *n, int64_t now)
{
	struct manager *m = mgr(n);
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < n->layout->n; i++) {
		struct entry *e = &m->t[i];
		const struct clu_proc *p = &n->layout->procs[i];
		if (p == n->self || atomic_load(&e->state) != CLU_STATE_UP)
			continue;
		int64_t due = atomic_load(&e->last_us) + m->silence_us;
		if (now < due) {
			next = due < next ? due : next;
			continue;
		}
		atomic_store(&e->state, (uint8_t)CLU_STATE_DOWN);
		char msg[160];
		snprintf(msg, sizeof(msg), "node down: %s (no heartbeat for %.1f s)", p->name,
		         (double)(now - atomic_load(&e->last_us)) / 1e6);
		announce(n, "%s", msg);
		struct clu_notice nt = {.note = "Cluster::Node_Down", .msg = msg, .sub = p->name};
		clu_node_notice(n, &nt);
	}
	int64_t t = clu__noticemgr_tick(n, now);
	return t < next ? t : next;
}

static void manager_metrics(const struct clu_node *n, FILE *f)
{
	const struct manager *m = n->role;
	int64_t now = clu__mono_us();
	fprintf(f, "# HELP steer_cluster_node_up Whether the manager hears the node's heartbeats "
	           "(1), or it went silent or was never heard (0).\n"
	           "# TYPE steer_cluster_node_up gauge\n");
	for (size_t i = 0; i < n->layout->n; i++)
		fprintf(f, "steer_cluster_node_up{node=\"%s\",peer=\"%s\"} %d\n", n->self->name,
		        n->layout->procs[i].name, atomic_load(&m->t[i].state) == CLU_STATE_UP);
	fprintf(f, "# HELP steer_cluster_heartbeat_age_seconds Seconds since the node's last "
	           "heartbeat (absent: never heard).\n"
	           "# TYPE steer_cluster_heartbeat_age_seconds gauge\n");
	for (size_t i = 0; i < n->layout->n; i++) {
		const struct clu_proc *p = &n->layout->procs[i];
		if (atomic_load(&m->t[i].state) == CLU_STATE_UNSEEN)
			continue;
		double age = p == n->self ? 0 : (double)(now - atomic_load(&m->t[i].last_us)) / 1e6;
		fprintf(f, "steer_cluster_heartbeat_age_seconds{node=\"%s\",peer=\"%s\"} %.3f\n",
		        n->self->name, p->name, age);
	}
	clu__noticemgr_metrics(n, f);
}

const struct clu__role_ops clu__manager_ops = {
    .open = manager_open,
    .on_msg = manager_on_msg,
    .tick = manager_tick,
    .close = manager_close,
    .metrics = manager_metrics,
};
