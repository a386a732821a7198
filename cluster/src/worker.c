/* SPDX-License-Identifier: BSD-2-Clause */
/* worker.c: the worker role: its capture (the interface with the plan's filter, root given up
 * once it is open; or a capture file: -r, or steer.read in node.cfg) through the worker's
 * analysis, whose records go to the loggers, whose notices go to the manager and whose known
 * hosts and services the proxies decide; capture counters in the heartbeats; and, live, the
 * cluster's packet counts asked of the manager at the end of each steering interval, for the
 * worker's share. */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <steer/cap_pcap.h>
#include <steer/cap_privs.h>
#include <steer/clu_notice.h>
#include <steer/clu_shared.h>
#include <steer/hwp_generate.h>
#include <steer/hwp_profile.h>

#include "node_int.h"
#include "state_int.h"
#include "worker_int.h"

#define READ_BATCH    16384   /* frames of a file per turn of the loop */
#define LIVE_BATCH    4096    /* frames of the capture per turn */
#define CLOCK_US      100000  /* live: network time follows the wall clock this often */
#define SHARE_WAIT_US 2000000 /* the manager's answer for a share, at most */

struct prev {
	uint64_t start_us, pkts;
};

struct worker {
	struct steer_plan *plan;
	int windex;
	unsigned proc, nprocs;
	struct clu__wa *a;
	struct clu__wcap *cap;   /* live */
	struct cap_reader *file; /* -r */
	int linktype;
	int64_t scale;
	bool done;
	int64_t next_clock;
	/* the share: the manager's table of nodes, asked for at the end of each interval */
	uint64_t req_seq;
	bool asked;       /* an answer is due (req_seq) */
	bool row_pending; /* a steering row waits for it */
	int64_t wait_until;
	struct prev *prev; /* each worker's packets at the last answer, parallel to the procs */
	bool have_prev;
	struct clu__wknown known;
	int64_t ready_wait_us; /* a file waits for every proxy ready until then (mono) */
	/* What the worker says once it runs (a daemon's stderr is its log file only then). */
	char hello[320];
	bool dropped;
};

static struct worker *wk(const struct clu_node *n)
{
	return n->role;
}

static int to_node(void *arg, const struct clu_log_stream *st, const char *line, size_t len)
{
	return clu_node_log(arg, st, line, len);
}

/* ---- notices and known hosts: the cluster's ---- */

/* To the manager, which judges it for the whole cluster (steer/clu_notice.h). */
static void notify(void *arg, const struct clu_notice *nt)
{
	struct clu_node *n = arg;
	int rc = clu_node_notice(n, nt);
	if (rc != 0)
		clu__say(n, "notice %s not raised: %s", nt->note, steer_strerror(rc));
	else
		clu__say(n, "notice %s: %s", nt->note, nt->msg);
}

/* The proxy that owns the key decides and writes the log line (steer/clu_shared.h). */
static void known_host(void *arg, int64_t ts_us, const struct steer_addr *host)
{
	int rc = clu_known_host(arg, ts_us, host);
	if (rc != 0)
		clu__say(arg, "known host not reported: %s", steer_strerror(rc));
}

static void known_service(void *arg, int64_t ts_us, const struct steer_addr *host, uint16_t port,
                          uint8_t ip_proto)
{
	/* No protocol analysis: no service names, Zeek's empty set. */
	int rc = clu_known_service(arg, ts_us, host, port, ip_proto, NULL, 0);
	if (rc != 0)
		clu__say(arg, "known service not reported: %s", steer_strerror(rc));
}

/* ---- the share, from the manager's table of nodes ---- */

/* Asks the manager for its table of nodes: each worker's packets as its heartbeats said. */
static bool ask_status(struct clu_node *n, struct worker *w)
{
	zmq_msg_t msg;
	if (!n->mgr.up || !clu__msg_init(&msg, CLU_MSG_STATUS_REQ, ++w->req_seq, n->self->name, 0))
		return false;
	if (clu__send(n, n->mgr.sock, NULL, &msg) != 0) {
		zmq_msg_close(&msg);
		return false;
	}
	w->asked = true;
	w->wait_until = clu__mono_us() + SHARE_WAIT_US;
	return true;
}

/* A steering interval ended: its row waits for the manager's answer (or goes without a
 * share when none can come). */
static void ask_share(void *arg)
{
	struct clu_node *n = arg;
	struct worker *w = wk(n);
	w->row_pending = true;
	if (!w->asked && !ask_status(n, w)) {
		w->row_pending = false;
		clu__wa_steering_row(w->a, 0, 0);
	}
}

static void worker_on_mgr_msg(struct clu_node *n, struct clu__rx *rx)
{
	struct worker *w = wk(n);
	if (rx->m.type != CLU_MSG_STATUS_REP || !w->asked || rx->m.seq != w->req_seq) {
		clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s on the heartbeat link",
		          clu_msg_type_name(rx->m.type), rx->m.sender);
		return;
	}
	const struct clu_layout *l = n->layout;
	struct clu_status_entry *v = calloc(l->n, sizeof(*v));
	size_t count = 0;
	char err[STEER_ERRBUF_SIZE];
	if (!v || clu_status_decode(&rx->m, v, l->n, &count, err) != CLU_WIRE_OK) {
		if (v)
			clu__drop(n, CLU__DROP_INVALID, "status from %s: %s", rx->m.sender, err);
		free(v);
		return;
	}
	w->asked = false;
	/* Packets since the last answer, worker by worker: a restarted worker counts afresh. */
	uint64_t own = 0, all = 0;
	for (size_t i = 0; i < count; i++) {
		const struct clu_proc *p = clu_layout_find(l, v[i].name);
		if (!p || p->role != CLU_ROLE_WORKER || v[i].state != CLU_STATE_UP)
			continue;
		struct prev *pv = &w->prev[p - l->procs];
		uint64_t d = pv->start_us == v[i].start_us && v[i].pkts_recv >= pv->pkts
		                 ? v[i].pkts_recv - pv->pkts
		                 : v[i].pkts_recv;
		pv->start_us = v[i].start_us;
		pv->pkts = v[i].pkts_recv;
		all += d;
		if (p == n->self)
			own = d;
	}
	free(v);
	if (w->row_pending) {
		w->row_pending = false;
		clu__wa_steering_row(w->a, own, w->have_prev ? all : 0);
	}
	w->have_prev = true;
}

/* ---- opening ---- */

/* The process's place among its worker's lb_procs: "worker-1-3" is process 2 of worker-1. */
static unsigned proc_index(const struct clu_proc *self)
{
	char buf[CLU_NAME_MAX + 1];
	for (unsigned i = 0; i < self->node->lb_procs; i++)
		if (strcmp(steer_node_proc_name(self->node, i, buf, sizeof(buf)), self->name) == 0)
			return i;
	return 0;
}

/* chown -R without following links: the working directory holds a few files and the outbox's
 * spool directory. */
static int chown_tree(const char *path, uid_t uid, gid_t gid, int depth)
{
	if (lchown(path, uid, gid) != 0)
		return -1;
	struct stat sb;
	if (depth > 8 || lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return 0;
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int rc = 0;
	const struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[PATH_MAX];
		rc = clu__join(sub, path, e->d_name) ? chown_tree(sub, uid, gid, depth + 1) : -1;
	}
	closedir(d);
	return rc;
}

/* The node's working directory (its spool, its pid file) goes to user, so that the node can
 * still write it once it has given up root. */
static int give_workdir(struct clu_node *n, const char *user, char *errbuf)
{
	const struct passwd *pw = getpwnam(user);
	char *end;
	unsigned long uid = strtoul(user, &end, 10);
	if (!pw && *end == '\0')
		pw = getpwuid((uid_t)uid);
	if (!pw) {
		clu__err(errbuf, "capture_user '%s': no such user", user);
		return STEER_ENOENT;
	}
	if (chown_tree(n->workdir, pw->pw_uid, pw->pw_gid, 0) != 0) {
		clu__err(errbuf, "%s: cannot give it to %s: %s", n->workdir, user, strerror(errno));
		return STEER_EIO;
	}
	return 0;
}

static int open_live(struct clu_node *n, struct worker *w, const struct hwp_profile *prof,
                     char *errbuf)
{
	const struct steer_config *cfg = n->cfg;
	char *expr;
	int rc = hwp_filter_expr(prof, w->plan, (size_t)w->windex, &expr, errbuf);
	if (rc)
		return rc;
	bool strays = hwp_profile_edits_frames(prof);
	rc = clu__wcap_open(cfg, w->plan, w->windex, w->proc, w->nprocs, expr, strays, &w->cap,
	                    errbuf);
	if (rc == 0)
		snprintf(w->hello, sizeof(w->hello), "capturing %s, filter '%.200s'%s",
		         w->plan->workers[w->windex].interface, expr,
		         w->nprocs > 1 ? " with the process split" : "");
	free(expr);
	if (rc)
		return rc;
	w->linktype = clu__wcap_linktype(w->cap);
	n->watch_fd = clu__wcap_fd(w->cap);
	const char *user = cfg->cluster.capture_user;
	if (user && geteuid() == 0) {
		if ((rc = give_workdir(n, user, errbuf)) != 0 ||
		    (rc = cap_drop_privileges(user, errbuf)) != 0)
			return rc;
		w->dropped = true;
	}
	return 0;
}

static int open_file(struct worker *w, const char *path, char *errbuf)
{
	int rc = cap_reader_open_file(path, 0, &w->file, errbuf);
	if (rc)
		return rc;
	w->linktype = cap_reader_linktype(w->file);
	w->scale = cap_reader_precision(w->file) == CAP_TS_NANO ? 1 : 1000;
	snprintf(w->hello, sizeof(w->hello), "reading %.290s", path);
	return 0;
}

static int worker_open(struct clu_node *n, char *errbuf)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w || !(w->prev = calloc(n->layout->n, sizeof(*w->prev)))) {
		free(w);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->role = w;
	int rc = steer_plan_build(n->cfg, &w->plan, errbuf);
	if (rc)
		return rc;
	w->windex = steer_plan_find(w->plan, n->self->node->name);
	if (w->windex < 0) {
		clu__err(errbuf, "%s: no worker %s in the plan", n->cfg->node_path,
		         n->self->node->name);
		return STEER_EINVAL;
	}
	/* The worker's predictions (misdirected connections) are the device's, as steercheck's
	 * are: what it parses through, how it picks an output, its non-IP and fragment handling. */
	struct hwp_profile *prof;
	if ((rc = hwp_profile_resolve(n->cfg->fe.profile, n->cfg->dir, &prof, errbuf)) != 0)
		return rc;
	hwp_profile_view(prof, w->plan);
	w->nprocs = n->self->node->lb_procs ? n->self->node->lb_procs : 1;
	w->proc = proc_index(n->self);
	const struct clu_worker_opts *o = n->opts.worker;
	const char *path = o && o->read_file ? o->read_file : n->self->node->read;
	bool file = path != NULL;
	/* A host or service is decided once for the cluster, by the proxy that owns its key
	 * (node.cfg always has a proxy: a cluster without one is refused, as zeekctl does). */
	w->known = (struct clu__wknown){known_host, known_service, n};
	w->ready_wait_us = clu__mono_us() + 4 * (int64_t)n->cfg->cluster.heartbeat_ms * 1000 *
	                                        (int64_t)n->cfg->cluster.heartbeat_misses;
	struct clu__wa_conf wc = {
	    .cfg = n->cfg,
	    .o = o,
	    .peer = n->self->name,
	    .plan = w->plan,
	    .worker = w->windex,
	    .proc = w->proc,
	    .nprocs = w->nprocs,
	    .sink = {to_node, n},
	    .notify = {notify, n},
	    .known = &w->known,
	    /* From a file, network time outruns the heartbeats: no share to ask for. */
	    .steering_due = file ? NULL : ask_share,
	    .arg = n,
	};
	if ((rc = clu__wa_new(&wc, &w->a, errbuf)) == 0)
		rc = file ? open_file(w, path, errbuf) : open_live(n, w, prof, errbuf);
	hwp_profile_free(prof);
	return rc;
}

/* ---- running ---- */

static void finish(struct clu_node *n, struct worker *w, const char *why)
{
	clu__wa_finish(w->a);
	w->done = true;
	n->watch_fd = -1; /* nothing more is read: a lost capture's descriptor must not spin us */
	struct clu__wa_stats s;
	clu__wa_stats(w->a, &s);
	clu__say(n, "%s: %llu packets, %llu connections logged", why, (unsigned long long)s.packets,
	         (unsigned long long)s.conns_logged);
}

static int64_t read_file(struct clu_node *n, struct worker *w, int64_t now)
{
	/* A file is read faster than proxies start: rather than pile up its questions about
	 * known hosts and services (they wait until every proxy is ready: known.c), it waits
	 * for that itself, a while. */
	if (w->ready_wait_us && !clu__shared_settled(n)) {
		if (now < w->ready_wait_us)
			return now + 10000;
		clu__say(n, "not every proxy is ready: reading on; known hosts and services wait "
		            "for them");
	}
	w->ready_wait_us = 0;
	struct cap_pkthdr h;
	const uint8_t *d;
	int rc = CAP_PACKET;
	for (int i = 0; i < READ_BATCH && (rc = cap_reader_next(w->file, &h, &d)) == CAP_PACKET;
	     i++) {
		/* The file is the worker's share (steerlb --split writes one per worker): each of
		 * its lb_procs processes keeps its part, as its live filter would. */
		if (w->nprocs > 1 && steer_proc_of(w->linktype, d, h.caplen, w->nprocs) != w->proc)
			continue;
		clu__wa_frame(w->a, w->linktype, d, h.caplen, h.len,
		              h.ts_sec * 1000000000ll + (int64_t)h.ts_frac * w->scale);
	}
	struct clu__wa_stats s;
	clu__wa_stats(w->a, &s);
	clu_node_set_capture(n, s.packets, 0);
	if (rc == CAP_PACKET)
		return now;
	if (rc < 0)
		clu__say(n, "%s", cap_reader_error(w->file));
	finish(n, w, rc < 0 ? "capture damaged, read up to the damage" : "end of the capture");
	return INT64_MAX;
}

static int64_t read_live(struct clu_node *n, struct worker *w, int64_t now)
{
	char err[STEER_ERRBUF_SIZE];
	long k = clu__wcap_read(w->cap, w->a, LIVE_BATCH, err);
	if (k < 0) {
		/* The interface went away: nothing more will come; the node says so and stays
		 * up for its logs, as an idle worker. */
		clu__say(n, "capture lost: %s", err);
		finish(n, w, "capture lost");
		return INT64_MAX;
	}
	if (now >= w->next_clock) {
		w->next_clock = now + CLOCK_US;
		clu__wa_time(w->a, (int64_t)clu__wall_us() * 1000);
		uint64_t drops = clu__wcap_drops(w->cap);
		struct clu__wa_stats s;
		clu__wa_stats(w->a, &s);
		clu__wa_capture(w->a, drops);
		clu_node_set_capture(n, s.packets, drops);
	}
	if (!w->have_prev && !w->asked)
		ask_status(n, w); /* where the first interval's counts start */
	if (w->asked && now >= w->wait_until) {
		w->asked = false;
		if (w->row_pending) {
			w->row_pending = false;
			clu__wa_steering_row(w->a, 0, 0);
		}
	}
	int64_t next = k >= LIVE_BATCH ? now : w->next_clock;
	return w->asked && w->wait_until < next ? w->wait_until : next;
}

static int64_t worker_tick(struct clu_node *n, int64_t now)
{
	struct worker *w = wk(n);
	if (w->hello[0]) {
		clu__say(n, "%s", w->hello);
		if (w->dropped)
			clu__say(n, "running as %s", n->cfg->cluster.capture_user);
		w->hello[0] = '\0';
	}
	if (w->done)
		return INT64_MAX;
	if (n->stopping) {
		/* The node stops: what is still open is written before the last batches go. */
		finish(n, w, "stopping");
		return INT64_MAX;
	}
	return w->file ? read_file(n, w, now) : read_live(n, w, now);
}

static void worker_on_msg(struct clu_node *n, struct clu__rx *rx)
{
	clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s: not for a worker",
	          clu_msg_type_name(rx->m.type), rx->m.sender);
}

static void worker_close(struct clu_node *n)
{
	struct worker *w = wk(n);
	if (!w)
		return;
	clu__wa_free(w->a);
	clu__wcap_close(w->cap);
	if (w->file)
		cap_reader_close(w->file);
	steer_plan_free(w->plan);
	free(w->prev);
	free(w);
	n->role = NULL;
	n->watch_fd = -1;
}

const struct clu__role_ops clu__worker_ops = {
    .open = worker_open,
    .on_msg = worker_on_msg,
    .tick = worker_tick,
    .close = worker_close,
    .on_mgr_msg = worker_on_mgr_msg,
};
