/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_notice.c: the notices of a standalone worker (steerd -r, as zeek -r): judged as the
 * manager judges a cluster's (notice_policy.c: notice.cfg's policy, suppression of repeats of
 * (note, identifier)) but in network time, and written into the run's notice.log. A worker of
 * a cluster sends its notices to the manager instead (clu_node_notice). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice_int.h"
#include "worker_int.h"

#define SUPP_MAX 4096 /* (note, identifier) pairs held: a worker raises a handful */

struct clu__wnotices {
	struct clu__wsink sink;
	struct clu_notice_cfg cfg;
	struct clu_sset *supp;
	struct clu_log_stream *st;
	struct clu_logrec *rec;
};

/* The first error of a notice.cfg load, for errbuf; warnings go to stderr. */
static void tell(const struct steer_diags *d, char *errbuf)
{
	bool said = false;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].sev == STEER_SEV_ERROR && !said) {
			clu__err(errbuf, "%s", d->v[i].text);
			said = true;
		} else {
			fprintf(stderr, "steerd: %s\n", d->v[i].text);
		}
	}
}

/* Whether the policy names actions that only a cluster's manager runs. */
static bool commands(const struct clu_notice_cfg *c)
{
	const unsigned cmd = CLU_ACTION_EMAIL | CLU_ACTION_PAGE | CLU_ACTION_EXEC;
	bool any = c->dflt.actions & cmd;
	for (size_t i = 0; i < c->ntypes; i++)
		any |= (c->types[i].actions & cmd) != 0;
	return any;
}

int clu__wnotices_new(const struct steer_config *cfg, enum clu_log_format fmt,
                      const struct clu__wsink *sink, struct clu__wnotices **out, char *errbuf)
{
	*out = NULL;
	struct clu__wnotices *w = calloc(1, sizeof(*w));
	if (!w) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	w->sink = *sink;
	struct steer_diags d = {0};
	int rc = clu_notice_cfg_load(cfg->dir, &w->cfg, &d);
	tell(&d, errbuf);
	steer_diags_free(&d);
	if (rc == 0 && commands(&w->cfg))
		fprintf(stderr, "steerd: notice.cfg: email, page and exec actions are run by a "
		                "cluster's manager only; standalone, notices are only logged\n");
	if (rc == 0 && clu_sset_new(SUPP_MAX, &w->supp) != 0)
		rc = STEER_ENOMEM;
	if (rc == 0)
		rc = clu_log_stream_new(clu_log_schema_builtin("notice"), &w->st, errbuf);
	if (rc == 0 && clu_logrec_new(w->st, fmt, &w->rec) != 0)
		rc = STEER_ENOMEM;
	if (rc == STEER_ENOMEM)
		clu__err(errbuf, "out of memory");
	if (rc != 0) {
		clu__wnotices_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void clu__wnotices_free(struct clu__wnotices *w)
{
	if (!w)
		return;
	clu_logrec_free(w->rec);
	clu_log_stream_free(w->st);
	clu_sset_free(w->supp);
	clu_notice_cfg_free(&w->cfg);
	free(w);
}

void clu__wnotices_raise(void *arg, const struct clu_notice *nt)
{
	struct clu__wnotices *w = arg;
	struct clu_notice_msg nm;
	if (clu__notice_msg(nt, nt->ts_us, &nm) != 0) {
		fprintf(stderr, "steerd: notice %s: a field out of range: not logged\n", nt->note);
		return;
	}
	const struct clu_notice_type *t;
	if (clu__notice_decide(&w->cfg, w->supp, &nm, nm.ts_us, &t) != CLU__V_ACT ||
	    !(t->actions & CLU_ACTION_LOG))
		return;
	const char *line;
	size_t len;
	int rc = clu__notice_record(w->rec, &nm, NULL, CLU_ACTION_LOG, &w->cfg, t->suppress_us,
	                            &line, &len);
	if (rc == 0)
		rc = w->sink.put(w->sink.arg, w->st, line, len);
	if (rc != 0)
		fprintf(stderr, "steerd: notice %s not logged: %s\n", nt->note, steer_strerror(rc));
	/* An operator watching the run sees it too. */
	fprintf(stderr, "steerd: notice %s: %s\n", nt->note, nt->msg);
}
