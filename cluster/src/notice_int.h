/* SPDX-License-Identifier: BSD-2-Clause */
/* notice_int.h: private to cluster/: notices at run time: raising and the suppressions a node
 * holds (notice.c), the judgement of one notice and its notice.log record (notice_policy.c),
 * the manager's handling (notice_mgr.c), the actions' commands (notice_action.c). */
#ifndef STEER_CLU_NOTICE_INT_H
#define STEER_CLU_NOTICE_INT_H

#include <steer/clu_notice.h>
#include <steer/clu_sset.h>

#include "node_int.h"

/* Checks nt and points nm's fields at its strings. 0 or STEER_EINVAL. */
int clu__notice_msg(const struct clu_notice *nt, int64_t now_us, struct clu_notice_msg *nm);

/* A suppression table: (note, identifier) -> until (wall clock us), in a clu_sset. */
bool clu__supp_active(struct clu_sset *s, struct clu_wstr note, struct clu_wstr ident, int64_t now);
void clu__supp_add(struct clu_sset *s, struct clu_wstr note, struct clu_wstr ident, int64_t now,
                   int64_t until);

/* ---- the judgement of one notice (notice_policy.c): the manager's, and a standalone
 * worker's ---- */

enum clu__verdict {
	CLU__V_ACT,        /* logged and acted on as its type says */
	CLU__V_SUPPRESSED, /* a repeat of (note, identifier) within its type's suppress_for */
	CLU__V_IGNORED,    /* its type's actions are none */
	CLU__V__N
};
/* The verdict on nm at now (microseconds: the manager's wall clock, a standalone run's
 * network time) under policy c with the suppressions in supp; *type is the note's policy.
 * CLU__V_ACT with an identifier starts its suppression in supp until now + suppress_for. */
enum clu__verdict clu__notice_decide(const struct clu_notice_cfg *c, struct clu_sset *supp,
                                     const struct clu_notice_msg *nm, int64_t now,
                                     const struct clu_notice_type **type);
/* The notice.log record (Zeek's 26 columns) of nm raised on node peer (NULL: unset, as a
 * standalone Zeek writes it) with the actions listed, in r's format. 0 with *line, *len
 * pointing into r, or clu_logrec_end's error. */
int clu__notice_record(struct clu_logrec *r, const struct clu_notice_msg *nm, const char *peer,
                       unsigned actions, const struct clu_notice_cfg *c, int64_t suppress_us,
                       const char **line, size_t *len);

/* ---- every node but the manager (notice.c) ---- */
int clu__notices_open(struct clu_node *n, char *errbuf);
void clu__notices_close(struct clu_node *n);
int64_t clu__notices_tick(struct clu_node *n, int64_t now);
/* No notice is held for the manager (a stopping node waits for that, as for its logs). */
bool clu__notices_drained(const struct clu_node *n);
void clu__notices_on_suppress(struct clu_node *n, struct clu__rx *rx);

/* ---- the manager (notice_mgr.c) ---- */
int clu__noticemgr_open(struct clu_node *n, char *errbuf);
void clu__noticemgr_close(struct clu_node *n);
void clu__noticemgr_on_msg(struct clu_node *n, struct clu__rx *rx);
/* Handles one notice raised by node peer (its name) or the manager itself. */
void clu__noticemgr_handle(struct clu_node *n, const struct clu_notice_msg *nm, const char *peer);
/* Node i of the layout is reached at route now (its heartbeat came from there): a new route
 * gets the suppressions in force. */
void clu__noticemgr_route(struct clu_node *n, size_t i, zmq_msg_t *route);
int64_t clu__noticemgr_tick(struct clu_node *n, int64_t now);
void clu__noticemgr_metrics(const struct clu_node *n, FILE *f);

/* ---- actions (notice_action.c) ---- */
struct clu__actions;
enum clu__act_result {
	CLU__ACT_OK,
	CLU__ACT_FAILED,
	CLU__ACT_TIMEOUT,
	CLU__ACT_REFUSED,
	CLU__ACT__N
};
int clu__actions_new(int64_t timeout_us, struct clu__actions **out);
/* Kills what still runs and reaps it. */
void clu__actions_free(struct clu__actions *a);
/* Runs "sh -c cmd" in its own process group with input on stdin and env added to the
 * environment; never waits for it. kind (0..2: email, page, exec) and what (the note) are for
 * the report. Returns 0, or -1 when it could not start (reported and counted). */
int clu__action_run(struct clu_node *n, struct clu__actions *a, unsigned kind, const char *what,
                    const char *cmd, const char *input, size_t len, char *const *env);
/* Reaps the finished, kills the overdue, reports every failure. Returns the next deadline. */
int64_t clu__actions_tick(struct clu_node *n, struct clu__actions *a, int64_t now);
/* Counts by kind and result (read by the metrics thread). */
uint64_t clu__actions_count(const struct clu__actions *a, unsigned kind, unsigned result);

#endif
