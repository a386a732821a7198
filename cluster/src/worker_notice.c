/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_notice.c: a worker's notices into notice.log (REFERENCE-cluster.md 5), with the notice
 * framework's suppression by [note, identifier] for Notice::default_suppression_interval (1 h,
 * network time), decided on this node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "util_int.h"
#include "worker_int.h"

#define SUPPRESS_US  3600000000ll
#define SUPPRESS_MAX 64 /* [note, identifier] pairs remembered: a worker raises a handful */

struct supp {
	char key[160];
	int64_t until;
};

struct clu__notifier {
	struct clu__wsink sink;
	char peer[64];
	struct clu_log_stream *st;
	struct clu_logrec *rec;
	struct supp supp[SUPPRESS_MAX];
	size_t nsupp;
};

int clu__notifier_new(enum clu_log_format fmt, const char *peer, const struct clu__wsink *sink,
                      struct clu__notifier **out, char *errbuf)
{
	*out = NULL;
	struct clu__notifier *nf = calloc(1, sizeof(*nf));
	if (!nf) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	nf->sink = *sink;
	snprintf(nf->peer, sizeof(nf->peer), "%s", peer);
	int rc = clu_log_stream_new(clu_log_schema_builtin("notice"), &nf->st, errbuf);
	if (rc == 0 && clu_logrec_new(nf->st, fmt, &nf->rec) != 0) {
		clu__err(errbuf, "out of memory");
		rc = STEER_ENOMEM;
	}
	if (rc != 0) {
		clu__notifier_free(nf);
		return rc;
	}
	*out = nf;
	return 0;
}

void clu__notifier_free(struct clu__notifier *nf)
{
	if (!nf)
		return;
	clu_logrec_free(nf->rec);
	clu_log_stream_free(nf->st);
	free(nf);
}

/* True when [note, identifier] is suppressed at ts; otherwise starts its suppression. */
static bool suppressed(struct clu__notifier *nf, const struct clu__notice *nt)
{
	if (!nt->identifier)
		return false;
	char key[160];
	snprintf(key, sizeof(key), "%s\t%s", nt->note, nt->identifier);
	struct supp *slot = NULL;
	for (size_t i = 0; i < nf->nsupp; i++) {
		struct supp *s = &nf->supp[i];
		if (strcmp(s->key, key) == 0) {
			if (nt->ts_us < s->until)
				return true;
			slot = s;
			break;
		}
		if (nt->ts_us >= s->until && !slot)
			slot = s; /* an expired entry is free */
	}
	if (!slot && nf->nsupp < SUPPRESS_MAX)
		slot = &nf->supp[nf->nsupp++];
	if (slot) {
		snprintf(slot->key, sizeof(slot->key), "%s", key);
		slot->until = nt->ts_us + SUPPRESS_US;
	}
	return false;
}

bool clu__notice_raise(struct clu__notifier *nf, const struct clu__notice *nt)
{
	if (suppressed(nf, nt))
		return false;
	struct clu_logrec *r = nf->rec;
	const struct clu_log_schema *s = clu_log_stream_schema(nf->st);
	clu_logrec_begin(r);
	for (unsigned i = 0; i < s->nfields; i++) {
		const char *f = s->fields[i].name;
		if (strcmp(f, "ts") == 0)
			clu_logrec_time_us(r, nt->ts_us);
		else if (strcmp(f, "note") == 0)
			clu_logrec_enum(r, nt->note);
		else if (strcmp(f, "msg") == 0)
			clu_logrec_str(r, nt->msg);
		else if (strcmp(f, "sub") == 0 && nt->sub)
			clu_logrec_str(r, nt->sub);
		else if (strcmp(f, "n") == 0 && nt->has_n)
			clu_logrec_count(r, nt->n);
		else if (strcmp(f, "peer_descr") == 0)
			clu_logrec_str(r, nf->peer);
		else if (strcmp(f, "actions") == 0) {
			clu_logrec_set_open(r);
			clu_logrec_enum(r, "Notice::ACTION_LOG");
			clu_logrec_set_close(r);
		} else if (strcmp(f, "email_dest") == 0) {
			clu_logrec_set_open(r);
			clu_logrec_set_close(r);
		} else if (strcmp(f, "suppress_for") == 0)
			clu_logrec_interval_us(r, SUPPRESS_US);
		else
			clu_logrec_unset(r);
	}
	const char *line;
	size_t len;
	int rc = clu_logrec_end(r, &line, &len);
	if (rc == 0)
		rc = nf->sink.put(nf->sink.arg, nf->st, line, len);
	if (rc != 0)
		fprintf(stderr, "steerd[%s]: notice %s not logged: %s\n", nf->peer, nt->note,
		        steer_strerror(rc));
	/* An operator watching the node sees it too. */
	fprintf(stderr, "steerd[%s]: notice %s: %s\n", nf->peer, nt->note, nt->msg);
	return rc == 0;
}
