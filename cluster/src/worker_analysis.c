/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_analysis.c: a worker's analysis of its frames: the connection tracker with Zeek's
 * options into conn.log; known hosts (connection_established, known-hosts.zeek) and known
 * services (at removal, known-services.zeek), decided cluster-wide by the proxies or by this
 * process alone; per interval of network time capture_loss.log (capture-loss.zeek: the first
 * after a minute, then every capture_loss_interval), stats.log and steering.log with the
 * steering-health notices. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <steer/error.h>
#include <steer/known.h>
#include <steer/packet.h>

#include "util_int.h"
#include "worker_int.h"

#define FIRST_LOSS_NS  60000000000ll /* CaptureLoss::initial_watch_interval */
#define TOO_MUCH_LOSS  10.0          /* CaptureLoss::too_much_loss, in percent */
#define PEAK_EVERY     4096          /* frames between two looks at the table's size */
#define ADVANCE_BUDGET 32768         /* connections examined per move of the clock */

struct clu__wa {
	const struct steer_cluster_opts *co;
	char peer[64], worker[64];
	struct steer_conn *t;
	struct clu__wlogs *logs;
	struct clu__wnotify notify;
	struct steer_health *h;   /* NULL: no plan worker */
	struct clu__wknown known; /* host NULL: decided here, in known_set */
	struct steer_known_set *known_set;
	char plan_ident[32]; /* the identifier of the balancer's notices */
	int skip;
	void (*steering_due)(void *arg);
	void *arg;

	bool started;
	int64_t now;      /* network time, ns */
	int64_t last_pkt; /* the last packet's time, ns */
	uint64_t packets, bytes, conns_logged;
	size_t peak_conns;
	double peak_bpc;
	/* per protocol (tcp, udp, icmp): connections finished, for the active counts */
	uint64_t done[3];
	/* intervals: when each ends next, and when its last row was written */
	int64_t loss_next, loss_last, stats_next, stats_last, steer_next, steer_last;
	uint64_t loss_acks, loss_gaps; /* the tracker's counters at the last row */
	uint64_t st_packets, st_bytes; /* at the last stats row */
	uint64_t st_conns[3], st_drops;
	bool live;
	uint64_t drops;
	char unexpected_what[64];
	/* a steering row waiting for the cluster's view */
	bool steer_pending;
	int64_t pend_ts, pend_delta;
};

static int64_t us(int64_t ns)
{
	return ns / 1000;
}

/* ---- the tracker's callbacks ---- */

static int proto_index(int proto)
{
	return proto == STEER_CONN_TCP    ? 0
	       : proto == STEER_CONN_UDP  ? 1
	       : proto == STEER_CONN_ICMP ? 2
	                                  : -1;
}

static void addr_of(struct steer_addr *a, int family, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	memcpy(a->a, b, family == 4 ? 4 : 16);
}

static void on_conn(void *arg, const struct steer_conn_rec *r)
{
	struct clu__wa *a = arg;
	a->conns_logged++;
	int pi = proto_index(r->proto);
	if (pi >= 0)
		a->done[pi]++;
	clu__wlog_conn(a->logs, r);
	if (a->h)
		steer_health_finished(a->h, r);
	/* known-services.zeek at connection_state_remove: a local responder that qualifies. */
	if ((r->flags & STEER_CONN_F_SERVICE) && (r->flags & STEER_CONN_F_LOCAL) && r->local_resp) {
		struct steer_known_key k = {
		    .kind = STEER_KNOWN_SERVICE, .proto = r->proto, .port = r->resp_p};
		addr_of(&k.host, r->family, r->resp_h);
		if (a->known.service)
			a->known.service(a->known.arg, us(a->now), &k.host, r->resp_p, r->ip_proto);
		else if (steer_known_set_is_new(a->known_set, &k, us(a->now)))
			clu__wlog_known_service(a->logs, us(a->now), &k.host, r->resp_p, r->proto);
	}
}

/* known-hosts.zeek at connection_established: both hosts, each if local. */
static void on_event(void *arg, int ev, const struct steer_conn_rec *r)
{
	struct clu__wa *a = arg;
	if (ev != STEER_CONN_EV_ESTABLISHED || !(r->flags & STEER_CONN_F_LOCAL))
		return;
	for (int side = 0; side < 2; side++) {
		if (!(side ? r->local_resp : r->local_orig))
			continue;
		struct steer_known_key k = {.kind = STEER_KNOWN_HOST};
		addr_of(&k.host, r->family, side ? r->resp_h : r->orig_h);
		if (a->known.host)
			a->known.host(a->known.arg, us(a->now), &k.host);
		else if (steer_known_set_is_new(a->known_set, &k, us(a->now)))
			clu__wlog_known_host(a->logs, us(a->now), &k.host);
	}
}

/* ---- set-up ---- */

static int tracker(struct clu__wa *a, const struct steer_config *cfg,
                   const struct clu_worker_opts *o, char *errbuf)
{
	struct steer_conn_opts co;
	steer_conn_opts_default(&co);
	co.on_conn = on_conn;
	co.on_event = on_event;
	co.arg = a;
	co.ignore_checksums = o->ignore_checksums;
	co.report_gaps_for_partial = o->report_gaps_for_partial;
	co.private_is_local = !o->no_private_local;
	co.likely_tcp = o->likely_tcp;
	co.likely_udp = o->likely_udp;
	if (o->fixed_seed)
		co.uid_seed = o->uid_seed;
	else if (getrandom(&co.uid_seed, sizeof(co.uid_seed), 0) != sizeof(co.uid_seed))
		co.uid_seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ (uint64_t)time(NULL);
	/* networks.cfg, then the caller's own */
	size_t n = cfg->nnets + o->n_local_nets;
	struct steer_network *nets = n ? calloc(n, sizeof(*nets)) : NULL;
	if (n && !nets) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	for (size_t i = 0; i < cfg->nnets; i++)
		nets[i] = cfg->nets[i];
	for (size_t i = 0; i < o->n_local_nets; i++)
		nets[cfg->nnets + i] = o->local_nets[i];
	co.local_nets = nets;
	co.n_local_nets = n;
	int rc = steer_conn_new(&co, &a->t, errbuf);
	free(nets);
	return rc;
}

int clu__wa_new(const struct clu__wa_conf *c, struct clu__wa **out, char *errbuf)
{
	static const struct clu_worker_opts none = {0};
	const struct clu_worker_opts *o = c->o ? c->o : &none;
	*out = NULL;
	struct clu__wa *a = calloc(1, sizeof(*a));
	if (!a) {
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	a->co = &c->cfg->cluster;
	snprintf(a->peer, sizeof(a->peer), "%s", c->peer);
	a->skip = o->skip_bytes;
	a->notify = c->notify;
	a->steering_due = c->steering_due;
	a->arg = c->arg;
	enum clu_log_format fmt =
	    c->cfg->cluster.log_format == STEER_LOG_JSON ? CLU_LOG_JSON : CLU_LOG_TSV;
	int rc = tracker(a, c->cfg, o, errbuf);
	if (rc == 0)
		rc = clu__wlogs_new(fmt, &c->sink, &a->logs, errbuf);
	if (rc == 0 && c->worker >= 0) {
		struct steer_health_limits lim = {
		    .max_imbalance = a->co->max_imbalance,
		    .max_misdirected = a->co->max_misdirected,
		    .max_split_routing = a->co->max_split_routing,
		    .max_unexpected_dest = a->co->max_unexpected_dest,
		};
		rc = steer_health_new(c->plan, c->worker, c->proc, c->nprocs, &lim, &a->h, errbuf);
		if (rc == 0)
			snprintf(a->worker, sizeof(a->worker), "%s",
			         c->plan->workers[c->worker].name);
		char fp[17];
		if (rc == 0 && !steer_plan_fingerprint(c->plan, fp)) {
			clu__err(errbuf, "out of memory");
			rc = STEER_ENOMEM;
		}
		if (rc == 0)
			snprintf(a->plan_ident, sizeof(a->plan_ident), "plan %s", fp);
	}
	if (rc == 0 && c->known) {
		a->known = *c->known;
	} else if (rc == 0 &&
	           (rc = steer_known_set_new(STEER_KNOWN_EXPIRE_US, 0, &a->known_set)) != 0) {
		clu__err(errbuf, "out of memory");
	}
	if (rc != 0) {
		clu__wa_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void clu__wa_free(struct clu__wa *a)
{
	if (!a)
		return;
	steer_conn_free(a->t);
	clu__wlogs_free(a->logs);
	steer_health_free(a->h);
	steer_known_set_free(a->known_set);
	free(a);
}

/* ---- intervals ---- */

static uint64_t mem_mb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE) >> 20;
}

static void loss_row(struct clu__wa *a)
{
	const struct steer_conn_stats *s = steer_conn_stats(a->t);
	uint64_t acks = s->ack_events - a->loss_acks, gaps = s->gap_events - a->loss_gaps;
	a->loss_acks = s->ack_events;
	a->loss_gaps = s->gap_events;
	clu__wlog_capture_loss(a->logs, us(a->now), us(a->now - a->loss_last), a->peer, gaps, acks);
	a->loss_last = a->now;
	double pct = acks ? 100.0 * (double)gaps / (double)acks : 0;
	if (pct >= TOO_MUCH_LOSS) {
		char msg[160];
		snprintf(msg, sizeof(msg),
		         "The capture loss script detected an estimated loss rate above %.3f%%",
		         pct);
		/* capture-loss.zeek gives it no identifier: never suppressed. */
		struct clu_notice nt = {
		    .note = "CaptureLoss::Too_Much_Loss", .msg = msg, .ts_us = us(a->now)};
		a->notify.raise(a->notify.arg, &nt);
	}
}

static void stats_row(struct clu__wa *a)
{
	const struct steer_conn_stats *s = steer_conn_stats(a->t);
	uint64_t made[3] = {s->tcp, s->udp, s->icmp};
	struct clu__wstats r = {.ts_us = us(a->now),
	                        .peer = a->peer,
	                        .mem_mb = mem_mb(),
	                        .pkts_proc = a->packets - a->st_packets,
	                        .bytes_recv = a->bytes - a->st_bytes,
	                        .live = a->live};
	if (a->live) {
		r.pkts_dropped = a->drops - a->st_drops;
		r.pkts_link = r.pkts_proc + r.pkts_dropped;
		/* Zeek's pkt_lag: the clock's lead on the last packet (the node moves network
		 * time to the wall clock between packets). */
		r.pkt_lag_us = us(a->now - a->last_pkt);
	}
	for (int i = 0; i < 3; i++) {
		r.active[i] = made[i] - a->done[i];
		r.conns[i] = made[i] - a->st_conns[i];
		a->st_conns[i] = made[i];
	}
	a->st_packets = a->packets;
	a->st_bytes = a->bytes;
	a->st_drops = a->drops;
	a->stats_last = a->now;
	clu__wlog_stats(a->logs, &r);
}

static void health_notices(struct clu__wa *a, const struct steer_health_report *p,
                           const char **notes, unsigned *n)
{
	char msg[320];
	const struct steer_health_counts *c = &p->c;
	/* What the notice is about decides which notices are the same (one notice.log line per
	 * suppression interval): misdirection and split routing are the balancer's, the same
	 * fault at every worker of the plan; a stray MAC is the worker's switch port; a share
	 * is the process's. */
	struct clu_notice nt = {.sub = a->worker, .ts_us = us(a->now)};
	if (p->verdicts & STEER_HEALTH_MISDIRECTED) {
		snprintf(
		    msg, sizeof(msg),
		    "%llu of %llu new connections began with a packet the plan gives to another "
		    "worker: the balancer does not steer as the plan says (its hash, key or "
		    "bucket table)",
		    (unsigned long long)c->misdirected, (unsigned long long)c->conns);
		nt.note = notes[(*n)++] = "Steer::Misdirected";
		nt.msg = msg;
		nt.identifier = a->plan_ident;
		nt.has_n = true;
		nt.n = c->misdirected;
		a->notify.raise(a->notify.arg, &nt);
	}
	if (p->verdicts & STEER_HEALTH_SPLIT_ROUTING) {
		snprintf(msg, sizeof(msg),
		         "%llu of %llu TCP connections had possible_split_routing and %llu were "
		         "one-sided, %llu ACKs for data never seen: the two directions of a flow "
		         "reach different workers (an asymmetric hash?)",
		         (unsigned long long)c->split_routing, (unsigned long long)c->tcp_done,
		         (unsigned long long)c->one_sided, (unsigned long long)c->acks_unseen);
		nt.note = notes[(*n)++] = "Steer::Split_Routing";
		nt.msg = msg;
		nt.identifier = a->plan_ident;
		nt.has_n = true;
		nt.n = c->split_routing;
		a->notify.raise(a->notify.arg, &nt);
	}
	if (p->verdicts & STEER_HEALTH_UNEXPECTED_DEST) {
		snprintf(msg, sizeof(msg),
		         "%llu frames on the interface to %s, which belongs to no worker here: the "
		         "switch delivers another port's traffic to this one",
		         (unsigned long long)c->unexpected_dest, a->unexpected_what);
		nt.note = notes[(*n)++] = "Steer::Unexpected_Destination";
		nt.msg = msg;
		nt.identifier = a->worker;
		nt.has_n = true;
		nt.n = c->unexpected_dest;
		a->notify.raise(a->notify.arg, &nt);
	}
	if (p->verdicts & STEER_HEALTH_IMBALANCE) {
		snprintf(msg, sizeof(msg),
		         "%.1f%% of the cluster's packets, %.2f times the expected %.1f%% (above "
		         "max_imbalance %.2f)",
		         p->share * 100, p->ratio, p->expected * 100, a->co->max_imbalance);
		nt.note = notes[(*n)++] = "Steer::Imbalance";
		nt.msg = msg;
		nt.identifier = a->peer;
		nt.has_n = false;
		a->notify.raise(a->notify.arg, &nt);
	}
}

void clu__wa_steering_row(struct clu__wa *a, uint64_t own_packets, uint64_t cluster_packets)
{
	if (!a->steer_pending)
		return;
	a->steer_pending = false;
	struct steer_health_report p;
	steer_health_interval(a->h, steer_conn_stats(a->t)->acks_unseen, own_packets,
	                      cluster_packets, &p);
	const char *notes[4];
	unsigned n = 0;
	health_notices(a, &p, notes, &n);
	struct clu__wsteer r = {.ts_us = us(a->pend_ts),
	                        .delta_us = us(a->pend_delta),
	                        .peer = a->peer,
	                        .worker = a->worker,
	                        .rep = &p,
	                        .notes = notes,
	                        .n_notes = n};
	clu__wlog_steering(a->logs, &r);
}

/* A steering interval ends now: its row waits for the caller's view of the cluster, if it
 * has one, else is written at once. */
static void steering_end(struct clu__wa *a, bool final)
{
	clu__wa_steering_row(a, 0, 0); /* one still waiting goes without a share */
	a->steer_pending = true;
	a->pend_ts = a->now;
	a->pend_delta = a->now - a->steer_last;
	a->steer_last = a->now;
	if (a->steering_due && !final)
		a->steering_due(a->arg);
	else
		clu__wa_steering_row(a, 0, 0);
}

/* Network time has moved to a->now: the intervals that ended are written, each once (a timer
 * that fired late reschedules from now, as Zeek's do). */
static void intervals(struct clu__wa *a)
{
	if (a->now >= a->loss_next) {
		loss_row(a);
		a->loss_next = a->now + (int64_t)a->co->capture_loss_ms * 1000000;
	}
	if (a->now >= a->stats_next) {
		stats_row(a);
		a->stats_next = a->now + (int64_t)a->co->stats_ms * 1000000;
	}
	if (a->h && a->now >= a->steer_next) {
		steering_end(a, false);
		a->steer_next = a->now + (int64_t)a->co->steering_ms * 1000000;
	}
}

static void set_time(struct clu__wa *a, int64_t ns)
{
	if (!a->started) {
		a->started = true;
		a->now = ns;
		a->loss_last = a->stats_last = a->steer_last = ns;
		a->loss_next = ns + FIRST_LOSS_NS;
		a->stats_next = ns + (int64_t)a->co->stats_ms * 1000000;
		a->steer_next = ns + (int64_t)a->co->steering_ms * 1000000;
		return;
	}
	if (ns <= a->now)
		return;
	a->now = ns;
	intervals(a);
}

/* ---- frames ---- */

void clu__wa_frame(struct clu__wa *a, int linktype, const uint8_t *frame, uint32_t caplen,
                   uint32_t wirelen, int64_t ts_ns)
{
	set_time(a, ts_ns);
	a->last_pkt = ts_ns > a->last_pkt ? ts_ns : a->last_pkt;
	a->packets++;
	a->bytes += wirelen;
	if (a->skip > 0) {
		/* Zeek's SKIP analyzer as the root: a fixed header, then IP. */
		if (caplen <= (uint32_t)a->skip)
			return;
		frame += a->skip;
		caplen -= (uint32_t)a->skip;
		wirelen = wirelen > (uint32_t)a->skip ? wirelen - (uint32_t)a->skip : 0;
		linktype = STEER_LINK_RAW;
	}
	bool mine = a->h ? steer_health_frame(a->h, linktype, frame, caplen, wirelen) : true;
	uint64_t before = steer_conn_stats(a->t)->conns;
	steer_conn_packet(a->t, linktype, frame, caplen, wirelen, ts_ns);
	uint64_t made = steer_conn_stats(a->t)->conns - before;
	if (made && a->h)
		steer_health_created(a->h, made, mine);
	if ((a->packets & (PEAK_EVERY - 1)) == 0) {
		size_t n = steer_conn_count(a->t);
		if (n > a->peak_conns) {
			a->peak_conns = n;
			a->peak_bpc = steer_conn_bytes_per_conn(a->t);
		}
	}
}

void clu__wa_time(struct clu__wa *a, int64_t now_ns)
{
	if (!a->started || now_ns <= a->now)
		return;
	/* A bounded look per call (the node calls it ten times a second): a million idle
	 * connections are all looked at within seconds, never in one turn of the loop. */
	steer_conn_advance(a->t, now_ns, ADVANCE_BUDGET);
	set_time(a, now_ns);
}

void clu__wa_capture(struct clu__wa *a, uint64_t dropped)
{
	a->live = true;
	a->drops = dropped;
}

void clu__wa_unexpected(struct clu__wa *a, uint64_t n, const struct steer_mac *mac, int vlan)
{
	if (!n || !a->h)
		return;
	steer_health_unexpected(a->h, n);
	char m[STEER_MAC_STRLEN];
	if (vlan >= 0)
		snprintf(a->unexpected_what, sizeof(a->unexpected_what), "VLAN %d", vlan);
	else
		snprintf(a->unexpected_what, sizeof(a->unexpected_what), "MAC %s",
		         steer_mac_format(mac, m));
}

void clu__wa_finish(struct clu__wa *a)
{
	size_t n = steer_conn_count(a->t);
	if (n > a->peak_conns) {
		a->peak_conns = n;
		a->peak_bpc = steer_conn_bytes_per_conn(a->t);
	}
	steer_conn_flush(a->t);
	if (!a->started)
		return;
	stats_row(a);
	if (a->h)
		steering_end(a, true);
}

void clu__wa_stats(const struct clu__wa *a, struct clu__wa_stats *out)
{
	out->packets = a->packets;
	out->bytes = a->bytes;
	out->conns_logged = a->conns_logged;
	out->conns_active = steer_conn_count(a->t);
	out->peak_conns = a->peak_conns;
	out->bytes_per_conn = a->peak_bpc;
	out->records_lost = clu__wlogs_lost(a->logs);
}
