/* SPDX-License-Identifier: BSD-2-Clause */
/* notice_mgr.c: the manager's notice handling (Zeek's Notice framework, REFERENCE-cluster.md
 * 5): the policy of notice.cfg per note type, suppression of repeats of (note, identifier) for
 * the type's interval, the notice.log line (through the logger), the email / page / exec
 * actions, and the suppressions announced to every node (so that they stop sending repeats;
 * a node that connects anew gets those in force). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice_int.h"

#define SUPP_MAX (1u << 20)

struct route {
	zmq_msg_t r;
	bool set;
};

struct clu__noticemgr {
	struct clu_notice_cfg cfg;
	struct clu_sset *supp;
	struct clu_log_stream *st;
	struct clu_logrec *rec, *json;
	struct route *routes; /* by layout index */
	struct clu__actions *act;
	int64_t sweep_us;
	_Atomic uint64_t verdict[CLU__V__N];
};

static struct clu__noticemgr *nm_of(const struct clu_node *n)
{
	return n->noticemgr;
}

int clu__noticemgr_open(struct clu_node *n, char *errbuf)
{
	struct clu__noticemgr *m = calloc(1, sizeof(*m));
	if (!m) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->noticemgr = m;
	struct steer_diags d = {0};
	int rc = clu_notice_cfg_load(n->cfg->dir, &m->cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].sev == STEER_SEV_WARNING)
			clu__say(n, "%s", d.v[i].text);
	if (rc != 0) {
		/* The first error names the file and line; the others are on stderr. */
		size_t first = 0;
		while (first < d.n && d.v[first].sev != STEER_SEV_ERROR)
			first++;
		for (size_t i = first + 1; i < d.n; i++)
			if (d.v[i].sev == STEER_SEV_ERROR)
				clu__say(n, "%s", d.v[i].text);
		clu__err(errbuf, "%s", first < d.n ? d.v[first].text : steer_strerror(rc));
		steer_diags_free(&d);
		return rc == STEER_ENOMEM ? rc : STEER_EINVAL;
	}
	steer_diags_free(&d);
	if (!(m->routes = calloc(n->layout->n, sizeof(*m->routes))) ||
	    clu_sset_new(SUPP_MAX, &m->supp) != 0 ||
	    clu__actions_new(m->cfg.action_timeout_us, &m->act) != 0) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	rc = clu_log_stream_new(clu_log_schema_builtin("notice"), &m->st, errbuf);
	if (rc == 0 && (clu_logrec_new(m->st, n->format, &m->rec) != 0 ||
	                clu_logrec_new(m->st, CLU_LOG_JSON, &m->json) != 0)) {
		clu__err(errbuf, "out of memory");
		rc = STEER_ENOMEM;
	}
	return rc;
}

void clu__noticemgr_close(struct clu_node *n)
{
	struct clu__noticemgr *m = nm_of(n);
	if (!m)
		return;
	clu__actions_free(m->act);
	for (size_t i = 0; m->routes && i < n->layout->n; i++)
		if (m->routes[i].set)
			zmq_msg_close(&m->routes[i].r);
	free(m->routes);
	clu_sset_free(m->supp);
	clu_logrec_free(m->rec);
	clu_logrec_free(m->json);
	clu_log_stream_free(m->st);
	clu_notice_cfg_free(&m->cfg);
	free(m);
	n->noticemgr = NULL;
}

/* ---- announcing suppressions ---- */

static void send_supp(struct clu_node *n, size_t i, const struct clu_suppress *v, size_t nv)
{
	struct clu__noticemgr *m = nm_of(n);
	if (!m->routes[i].set || nv == 0)
		return;
	size_t cap = 2 + nv * (2 + CLU_NOTE_MAX + 2 + CLU_IDENT_MAX + 8);
	uint8_t *buf = malloc(cap);
	size_t len = buf ? clu_suppress_encode(v, nv, buf, cap) : 0;
	zmq_msg_t msg;
	uint8_t *p = len ? clu__msg_init(&msg, CLU_MSG_SUPPRESS, 0, n->self->name, len) : NULL;
	if (p) {
		memcpy(p, buf, len);
		if (clu__send(n, n->listen, &m->routes[i].r, &msg) != 0)
			zmq_msg_close(&msg); /* it reconnects: then it gets them all */
	}
	free(buf);
}

/* Splits a table key "note\0identifier". */
static void split(const struct clu_set_rec *r, struct clu_suppress *e)
{
	const uint8_t *z = memchr(r->key, 0, r->keylen);
	size_t nl = z ? (size_t)(z - r->key) : r->keylen;
	e->note = (struct clu_wstr){(const char *)r->key, (uint16_t)nl};
	e->ident = (struct clu_wstr){(const char *)r->key + nl + 1,
	                             (uint16_t)(z ? r->keylen - nl - 1 : 0)};
	e->until_us = r->expire_us;
}

void clu__noticemgr_route(struct clu_node *n, size_t i, zmq_msg_t *route)
{
	struct clu__noticemgr *m = nm_of(n);
	struct route *rt = &m->routes[i];
	if (rt->set && zmq_msg_size(&rt->r) == zmq_msg_size(route) &&
	    memcmp(zmq_msg_data(&rt->r), zmq_msg_data(route), zmq_msg_size(route)) == 0)
		return;
	if (rt->set)
		zmq_msg_close(&rt->r);
	zmq_msg_init(&rt->r);
	rt->set = zmq_msg_copy(&rt->r, route) == 0;
	/* A node (re)connected: everything in force, CLU_SUPPRESS_PER_MSG at a time. */
	struct clu_suppress v[CLU_SUPPRESS_PER_MSG];
	size_t nv = 0, cur = 0;
	struct clu_set_rec r;
	int64_t now = (int64_t)clu__wall_us();
	while (clu_sset_next(m->supp, &cur, now, &r)) {
		split(&r, &v[nv++]);
		if (nv == CLU_SUPPRESS_PER_MSG) {
			send_supp(n, i, v, nv);
			nv = 0;
		}
	}
	send_supp(n, i, v, nv);
}

/* ---- one notice ---- */

static void run_actions(struct clu_node *n, const struct clu_notice_msg *nm, const char *peer,
                        const struct clu_notice_type *t, const char *input, size_t len)
{
	struct clu__noticemgr *m = nm_of(n);
	static const unsigned bits[] = {CLU_ACTION_EMAIL, CLU_ACTION_PAGE, CLU_ACTION_EXEC};
	const char *cmds[] = {m->cfg.email_command, m->cfg.page_command, m->cfg.exec_command};
	const char *dests[] = {m->cfg.mail_dest, m->cfg.page_dest, NULL};
	static const char *const kinds[] = {"email", "page", "exec"};
	char note[CLU_NOTE_MAX + 1];
	snprintf(note, sizeof(note), "%.*s", (int)nm->note.len, nm->note.p);
	for (unsigned k = 0; k < 3; k++) {
		if (!(t->actions & bits[k]) || !cmds[k])
			continue;
		/* Environment strings: the texts are cut to what a variable sensibly holds. */
		char e_note[CLU_NOTE_MAX + 16], e_msg[1100], e_sub[1100], e_id[1100], e_node[96],
		    e_dest[300], e_act[32];
		snprintf(e_note, sizeof(e_note), "NOTICE_NOTE=%s", note);
		snprintf(e_msg, sizeof(e_msg), "NOTICE_MSG=%.*s", (int)nm->msg.len,
		         nm->msg.p ? nm->msg.p : "");
		snprintf(e_sub, sizeof(e_sub), "NOTICE_SUB=%.*s", (int)nm->sub.len,
		         nm->sub.p ? nm->sub.p : "");
		snprintf(e_id, sizeof(e_id), "NOTICE_IDENTIFIER=%.*s", (int)nm->ident.len,
		         nm->ident.p ? nm->ident.p : "");
		snprintf(e_node, sizeof(e_node), "NOTICE_NODE=%s", peer);
		snprintf(e_dest, sizeof(e_dest), "NOTICE_DEST=%s", dests[k] ? dests[k] : "");
		snprintf(e_act, sizeof(e_act), "NOTICE_ACTION=%s", kinds[k]);
		char *env[] = {e_note, e_msg, e_sub, e_id, e_node, e_dest, e_act, NULL};
		clu__action_run(n, m->act, k, note, cmds[k], input, len, env);
	}
}

void clu__noticemgr_handle(struct clu_node *n, const struct clu_notice_msg *nm, const char *peer)
{
	struct clu__noticemgr *m = nm_of(n);
	int64_t now = (int64_t)clu__wall_us();
	const struct clu_notice_type *t;
	enum clu__verdict v = clu__notice_decide(&m->cfg, m->supp, nm, now, &t);
	CLU__ADD(m->verdict[v], 1);
	if (v != CLU__V_ACT)
		return;
	const char *line;
	size_t len;
	if (t->actions & CLU_ACTION_LOG) {
		if (clu__notice_record(m->rec, nm, peer, t->actions, &m->cfg, t->suppress_us, &line,
		                       &len) != 0)
			clu__say(n, "notice.log record: %s", clu_logrec_error(m->rec));
		else if (clu_node_log(n, m->st, line, len) != 0)
			clu__say(n, "notice.log record not logged");
	}
	/* Its suppression, started by the verdict, is announced to every node. */
	if ((nm->flags & CLU_NF_IDENT) && t->suppress_us > 0) {
		struct clu_suppress e = {
		    .note = nm->note, .ident = nm->ident, .until_us = now + t->suppress_us};
		for (size_t i = 0; i < n->layout->n; i++)
			send_supp(n, i, &e, 1);
	}
	if (t->actions & (CLU_ACTION_EMAIL | CLU_ACTION_PAGE | CLU_ACTION_EXEC)) {
		if (clu__notice_record(m->json, nm, peer, t->actions, &m->cfg, t->suppress_us,
		                       &line, &len) == 0)
			run_actions(n, nm, peer, t, line, len);
		else
			clu__say(n, "notice actions: %s", clu_logrec_error(m->json));
	}
}

void clu__noticemgr_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	struct clu_notice_msg nm;
	char err[STEER_ERRBUF_SIZE];
	if (!clu_layout_find(n->layout, rx->m.sender)) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "notice from %s: not a node of node.cfg",
		          rx->m.sender);
		return;
	}
	if (clu_notice_decode(&rx->m, &nm, err) != CLU_WIRE_OK) {
		clu__drop(n, CLU__DROP_INVALID, "%s", err);
		return;
	}
	clu__noticemgr_handle(n, &nm, rx->m.sender);
}

int64_t clu__noticemgr_tick(struct clu_node *n, int64_t now)
{
	struct clu__noticemgr *m = nm_of(n);
	if (now >= m->sweep_us) { /* expired suppressions go, a piece every 100 ms */
		m->sweep_us = now + 100000;
		clu_sset_sweep(m->supp, (int64_t)clu__wall_us(), 1u << 14);
	}
	return clu__actions_tick(n, m->act, now);
}

void clu__noticemgr_metrics(const struct clu_node *n, FILE *f)
{
	const struct clu__noticemgr *m = nm_of(n);
	static const char *const verdicts[CLU__V__N] = {[CLU__V_ACT] = "logged",
	                                                [CLU__V_SUPPRESSED] = "suppressed",
	                                                [CLU__V_IGNORED] = "ignored"};
	fprintf(f, "# HELP steer_notices_total Notices the manager took: logged (and acted on), "
	           "suppressed as repeats, or of an ignored type.\n"
	           "# TYPE steer_notices_total counter\n");
	for (int v = 0; v < CLU__V__N; v++)
		fprintf(f, "steer_notices_total{node=\"%s\",verdict=\"%s\"} %llu\n", n->self->name,
		        verdicts[v], (unsigned long long)CLU__GET(m->verdict[v]));
	static const char *const kinds[] = {"email", "page", "exec"};
	static const char *const results[] = {"ok", "failed", "timeout", "refused"};
	fprintf(f, "# HELP steer_notice_actions_total Commands run for notice actions, by how "
	           "they ended.\n# TYPE steer_notice_actions_total counter\n");
	for (unsigned k = 0; k < 3; k++)
		for (unsigned r = 0; r < CLU__ACT__N; r++)
			fprintf(
			    f,
			    "steer_notice_actions_total{node=\"%s\",action=\"%s\",result=\"%s\"} "
			    "%llu\n",
			    n->self->name, kinds[k], results[r],
			    (unsigned long long)clu__actions_count(m->act, k, r));
}
