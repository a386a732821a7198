/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_logs.c: the records a worker writes: conn.log (Zeek's 22 columns from the tracker's
 * record), known_hosts.log and known_services.log (known-hosts.zeek, known-services.zeek),
 * capture_loss.log (capture-loss.zeek), stats.log (stats.zeek) and steer's own steering.log. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "util_int.h"
#include "worker_int.h"

#define F(n, t)                                                                                    \
	{                                                                                          \
		n, t                                                                               \
	}

/* steering.log: one row per worker process and interval (steerd(1) documents the columns). */
static const struct clu_log_field steering_f[] = {
    F("ts", "time"),           F("ts_delta", "interval"),     F("peer", "string"),
    F("worker", "string"),     F("packets", "count"),         F("bytes", "count"),
    F("share", "double"),      F("expected_share", "double"), F("conns", "count"),
    F("misdirected", "count"), F("unexpected_dest", "count"), F("tcp_conns", "count"),
    F("one_sided", "count"),   F("split_routing", "count"),   F("acks_unseen", "count"),
    F("notes", "set[enum]"),
};
static const struct clu_log_schema steering_s = {
    "steering", sizeof(steering_f) / sizeof(steering_f[0]), steering_f};

const struct clu_log_schema *clu_worker_steering_schema(void)
{
	return &steering_s;
}

struct clu__wlogs {
	struct clu__wsink sink;
	struct clu_log_stream *st[CLU__WLOG__N];
	struct clu_logrec *rec[CLU__WLOG__N];
	uint64_t lost;
	bool said; /* a lost record was reported */
};

static const char *const paths[CLU__WLOG__N] = {
    [CLU__WLOG_CONN] = "conn",
    [CLU__WLOG_KNOWN_HOSTS] = "known_hosts",
    [CLU__WLOG_KNOWN_SERVICES] = "known_services",
    [CLU__WLOG_CAPTURE_LOSS] = "capture_loss",
    [CLU__WLOG_STATS] = "stats",
    [CLU__WLOG_STEERING] = "steering",
};

int clu__wlogs_new(enum clu_log_format fmt, const struct clu__wsink *sink, struct clu__wlogs **out,
                   char *errbuf)
{
	*out = NULL;
	struct clu__wlogs *l = calloc(1, sizeof(*l));
	if (!l) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	l->sink = *sink;
	for (int i = 0; i < CLU__WLOG__N; i++) {
		const struct clu_log_schema *s =
		    i == CLU__WLOG_STEERING ? &steering_s : clu_log_schema_builtin(paths[i]);
		int rc = clu_log_stream_new(s, &l->st[i], errbuf);
		if (rc == 0 && clu_logrec_new(l->st[i], fmt, &l->rec[i]) != 0) {
			clu__err(errbuf, "out of memory");
			rc = STEER_ENOMEM;
		}
		if (rc != 0) {
			clu__wlogs_free(l);
			return rc;
		}
	}
	*out = l;
	return 0;
}

void clu__wlogs_free(struct clu__wlogs *l)
{
	if (!l)
		return;
	for (int i = 0; i < CLU__WLOG__N; i++) {
		clu_logrec_free(l->rec[i]);
		clu_log_stream_free(l->st[i]);
	}
	free(l);
}

uint64_t clu__wlogs_lost(const struct clu__wlogs *l)
{
	return l->lost;
}

/* Ends the record of stream i and hands it to the sink. A builder error is a bug in this
 * file: it is reported, never written malformed. */
static void put(struct clu__wlogs *l, int i)
{
	const char *line;
	size_t len;
	int rc = clu_logrec_end(l->rec[i], &line, &len);
	if (rc == 0)
		rc = l->sink.put(l->sink.arg, l->st[i], line, len);
	if (rc == 0)
		return;
	l->lost++;
	if (!l->said) {
		l->said = true;
		fprintf(stderr, "steerd: %s record not logged: %s%s%s\n", paths[i],
		        steer_strerror(rc), rc == STEER_EINVAL ? ": " : "",
		        rc == STEER_EINVAL ? clu_logrec_error(l->rec[i]) : "");
	}
}

static void rec_addr(struct steer_addr *a, int family, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	memcpy(a->a, b, family == 4 ? 4 : 16);
}

void clu__wlog_conn(struct clu__wlogs *l, const struct steer_conn_rec *c)
{
	struct clu_logrec *r = l->rec[CLU__WLOG_CONN];
	struct steer_addr a;
	clu_logrec_begin(r);
	clu_logrec_time_us(r, c->ts_us);
	clu_logrec_str(r, c->uid);
	rec_addr(&a, c->family, c->orig_h);
	clu_logrec_addr(r, &a);
	clu_logrec_port(r, c->orig_p);
	rec_addr(&a, c->family, c->resp_h);
	clu_logrec_addr(r, &a);
	clu_logrec_port(r, c->resp_p);
	clu_logrec_enum(r, steer_conn_proto_name(c->proto));
	clu_logrec_unset(r); /* service: no protocol analysis */
	if (c->flags & STEER_CONN_F_DURATION) {
		clu_logrec_interval_us(r, c->duration_us);
		clu_logrec_count(r, c->orig_bytes);
		clu_logrec_count(r, c->resp_bytes);
	} else {
		clu_logrec_unset(r);
		clu_logrec_unset(r);
		clu_logrec_unset(r);
	}
	clu_logrec_str(r, steer_conn_state_name(c->conn_state));
	if (c->flags & STEER_CONN_F_LOCAL) {
		clu_logrec_bool(r, c->local_orig);
		clu_logrec_bool(r, c->local_resp);
	} else {
		clu_logrec_unset(r);
		clu_logrec_unset(r);
	}
	clu_logrec_count(r, c->missed_bytes);
	if (c->history_len)
		clu_logrec_string(r, c->history, c->history_len);
	else
		clu_logrec_unset(r);
	clu_logrec_count(r, c->orig_pkts);
	clu_logrec_count(r, c->orig_ip_bytes);
	clu_logrec_count(r, c->resp_pkts);
	clu_logrec_count(r, c->resp_ip_bytes);
	if (c->n_parents) {
		clu_logrec_set_open(r);
		for (unsigned i = 0; i < c->n_parents; i++)
			clu_logrec_str(r, c->parents[i]);
		clu_logrec_set_close(r);
	} else {
		clu_logrec_unset(r);
	}
	clu_logrec_count(r, c->ip_proto);
	put(l, CLU__WLOG_CONN);
}

void clu__wlog_known_host(struct clu__wlogs *l, int64_t ts_us, const struct steer_addr *host)
{
	struct clu_logrec *r = l->rec[CLU__WLOG_KNOWN_HOSTS];
	clu_logrec_begin(r);
	clu_logrec_time_us(r, ts_us);
	clu_logrec_addr(r, host);
	put(l, CLU__WLOG_KNOWN_HOSTS);
}

void clu__wlog_known_service(struct clu__wlogs *l, int64_t ts_us, const struct steer_addr *host,
                             uint16_t port, int proto)
{
	struct clu_logrec *r = l->rec[CLU__WLOG_KNOWN_SERVICES];
	clu_logrec_begin(r);
	clu_logrec_time_us(r, ts_us);
	clu_logrec_addr(r, host);
	clu_logrec_port(r, port);
	clu_logrec_enum(r, steer_conn_proto_name(proto));
	/* No protocol analysis: no service names, Zeek's empty set. */
	clu_logrec_set_open(r);
	clu_logrec_set_close(r);
	put(l, CLU__WLOG_KNOWN_SERVICES);
}

void clu__wlog_capture_loss(struct clu__wlogs *l, int64_t ts_us, int64_t delta_us, const char *peer,
                            uint64_t gaps, uint64_t acks)
{
	struct clu_logrec *r = l->rec[CLU__WLOG_CAPTURE_LOSS];
	clu_logrec_begin(r);
	clu_logrec_time_us(r, ts_us);
	clu_logrec_interval_us(r, delta_us);
	clu_logrec_str(r, peer);
	clu_logrec_count(r, gaps);
	clu_logrec_count(r, acks);
	clu_logrec_double(r, acks ? 100.0 * (double)gaps / (double)acks : 0.0);
	put(l, CLU__WLOG_CAPTURE_LOSS);
}

void clu__wlog_stats(struct clu__wlogs *l, const struct clu__wstats *s)
{
	struct clu_logrec *r = l->rec[CLU__WLOG_STATS];
	clu_logrec_begin(r);
	clu_logrec_time_us(r, s->ts_us);
	clu_logrec_str(r, s->peer);
	clu_logrec_count(r, s->mem_mb);
	clu_logrec_count(r, s->pkts_proc);
	clu_logrec_count(r, s->bytes_recv);
	if (s->live) {
		clu_logrec_count(r, s->pkts_dropped);
		clu_logrec_count(r, s->pkts_link);
		clu_logrec_interval_us(r, s->pkt_lag_us);
	} else {
		clu_logrec_unset(r);
		clu_logrec_unset(r);
		clu_logrec_unset(r);
	}
	clu_logrec_unset(r); /* pkts_filtered */
	clu_logrec_unset(r); /* events_proc: no event engine */
	clu_logrec_unset(r); /* events_queued */
	for (int i = 0; i < 3; i++)
		clu_logrec_count(r, s->active[i]);
	for (int i = 0; i < 3; i++)
		clu_logrec_count(r, s->conns[i]);
	clu_logrec_unset(r); /* timers: none as Zeek counts them */
	clu_logrec_unset(r); /* active_timers */
	/* files, active_files, dns_requests, active_dns_requests: no protocol analysis; the
	 * reassembly buffers: the tracker keeps no payload. */
	for (int i = 0; i < 4; i++)
		clu_logrec_count(r, 0);
	clu_logrec_count(r, 0); /* reassem_tcp_size */
	clu_logrec_unset(r);    /* reassem_file_size */
	clu_logrec_unset(r);    /* reassem_frag_size */
	clu_logrec_unset(r);    /* reassem_unknown_size */
	put(l, CLU__WLOG_STATS);
}

void clu__wlog_steering(struct clu__wlogs *l, const struct clu__wsteer *s)
{
	struct clu_logrec *r = l->rec[CLU__WLOG_STEERING];
	const struct steer_health_report *p = s->rep;
	clu_logrec_begin(r);
	clu_logrec_time_us(r, s->ts_us);
	clu_logrec_interval_us(r, s->delta_us);
	clu_logrec_str(r, s->peer);
	clu_logrec_str(r, s->worker);
	clu_logrec_count(r, p->c.packets);
	clu_logrec_count(r, p->c.bytes);
	if (isnan(p->share))
		clu_logrec_unset(r);
	else
		clu_logrec_double(r, p->share);
	clu_logrec_double(r, p->expected);
	clu_logrec_count(r, p->c.conns);
	clu_logrec_count(r, p->c.misdirected);
	clu_logrec_count(r, p->c.unexpected_dest);
	clu_logrec_count(r, p->c.tcp_done);
	clu_logrec_count(r, p->c.one_sided);
	clu_logrec_count(r, p->c.split_routing);
	clu_logrec_count(r, p->c.acks_unseen);
	clu_logrec_set_open(r);
	for (unsigned i = 0; i < s->n_notes; i++)
		clu_logrec_enum(r, s->notes[i]);
	clu_logrec_set_close(r);
	put(l, CLU__WLOG_STEERING);
}
