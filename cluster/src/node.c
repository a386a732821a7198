/* SPDX-License-Identifier: BSD-2-Clause */
/* node.c: one cluster node: opening it (working directory and pid file, keys, sockets, log
 * store or outbox, metrics), the single-threaded event loop (heartbeats, messages, the roles'
 * timers, the caller's work hook), and stopping as SIGTERM asks. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <steer/error.h>

#include "node_int.h"
#include "notice_int.h"
#include "state_int.h"

#define PIDFILE   "steerd.pid"
#define DRAIN_MAX 1024 /* messages taken from one socket per turn (the others get theirs) */
#define POLL_MAX  256

int64_t clu__mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t clu__wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void clu__say(const struct clu_node *n, const char *fmt, ...)
{
	char msg[STEER_ERRBUF_SIZE + 128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Epoch seconds as Zeek's logs write them: the lines of several nodes sort together. */
	uint64_t t = clu__wall_us();
	fprintf(stderr, "%llu.%06llu steerd[%s]: %s\n", (unsigned long long)(t / 1000000),
	        (unsigned long long)(t % 1000000), n->self ? n->self->name : "?", msg);
}

/* ---- working directory and pid file ---- */

int clu_node_workdir(const struct steer_config *cfg, const char *name, char *buf, size_t n)
{
	char p[PATH_MAX];
	/* Room for the files inside it (the longest: the outbox's and the store's). */
	if (!clu__join(p, cfg->cluster.state_dir, name) || strlen(p) + 32 >= PATH_MAX ||
	    strlen(p) >= n)
		return STEER_ERANGE;
	memcpy(buf, p, strlen(p) + 1);
	return 0;
}

long clu_node_running(const char *workdir, bool *stale)
{
	char path[PATH_MAX];
	*stale = false;
	if (!clu__join(path, workdir, PIDFILE))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* The lock, not the number in the file: a pid can be reused, a lock dies with its owner. */
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	long pid = 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid;
	else
		*stale = true;
	close(fd);
	return pid;
}

static int take_pidfile(struct clu_node *n, char *errbuf)
{
	char path[PATH_MAX];
	clu__join(path, n->workdir, PIDFILE); /* fits: the workdir was made with room for it */
	n->pidfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (n->pidfd < 0) {
		clu__err(errbuf, "%s: %s", path, strerror(errno));
		return STEER_EIO;
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(n->pidfd, F_SETLK, &fl) != 0) {
		bool stale;
		long other = clu_node_running(n->workdir, &stale);
		clu__err(errbuf, "%s is already running (pid %ld, %s)", n->self->name, other, path);
		close(n->pidfd);
		n->pidfd = -1;
		return STEER_EIO;
	}
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(n->pidfd, 0) != 0 || pwrite(n->pidfd, buf, (size_t)len, 0) != len) {
		clu__err(errbuf, "%s: %s", path, strerror(errno));
		return STEER_EIO;
	}
	return 0;
}

/* ---- open and close ---- */

static const struct clu__role_ops *role_ops(enum clu_role r)
{
	switch (r) {
	case CLU_ROLE_MANAGER:
		return &clu__manager_ops;
	case CLU_ROLE_LOGGER:
		return &clu__logger_ops;
	case CLU_ROLE_PROXY:
		return &clu__proxy_ops;
	case CLU_ROLE_WORKER:
		return &clu__worker_ops;
	}
	return NULL;
}

int clu_node_open(struct steer_config *cfg, const char *name, const struct clu_node_opts *opts,
                  struct clu_node **out, char *errbuf)
{
	*out = NULL;
	struct clu_node *n = calloc(1, sizeof(*n));
	if (!n) {
		steer_config_free(cfg);
		clu__err(errbuf, "out of memory");
		return STEER_ENOMEM;
	}
	n->cfg = cfg;
	n->pidfd = -1;
	n->watch_fd = -1;
	n->start_mono_us = clu__mono_us();
	n->start_wall_us = clu__wall_us();
	if (opts)
		n->opts = *opts;
	n->format = cfg->cluster.log_format == STEER_LOG_JSON ? CLU_LOG_JSON : CLU_LOG_TSV;

	int rc = clu_layout_build(cfg, &n->layout, errbuf);
	if (rc != 0)
		goto fail;
	n->self = clu_layout_find(n->layout, name);
	if (!n->self) {
		char list[256] = "";
		size_t len = 0;
		for (size_t i = 0; i < n->layout->n && len < sizeof(list) - 4; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
			                        i ? ", " : "", n->layout->procs[i].name);
		clu__err(errbuf, "%s: no node '%s' (the nodes: %s)", cfg->node_path, name, list);
		rc = STEER_EINVAL;
		goto fail;
	}
	n->ops = role_ops(n->self->role);
	if (clu_node_workdir(cfg, name, n->workdir, sizeof(n->workdir)) != 0) {
		clu__err(errbuf, "state_dir too long");
		rc = STEER_ERANGE;
		goto fail;
	}
	if ((rc = clu__mkdirs(n->workdir, errbuf)) != 0 || (rc = take_pidfile(n, errbuf)) != 0)
		goto fail;

	if (cfg->cluster.keys_dir &&
	    (rc = clu__keys_load(cfg->cluster.keys_dir, name, &n->keys, errbuf)) != 0)
		goto fail;
	if (!(n->zctx = zmq_ctx_new())) {
		clu__err(errbuf, "zmq_ctx_new: %s", zmq_strerror(errno));
		rc = STEER_EIO;
		goto fail;
	}
	/* Proxies listen too: their workers and the other proxies reach them there. */
	bool binds = n->self->role != CLU_ROLE_WORKER;
	if (binds && n->keys && (rc = clu__zap_start(n, errbuf)) != 0)
		goto fail;
	if (binds && (rc = clu__listen(n, &n->listen, errbuf)) != 0)
		goto fail;
	if (n->self->role != CLU_ROLE_MANAGER) {
		if ((rc = clu__connect(n, &n->layout->procs[0], &n->mgr, errbuf)) != 0)
			goto fail;
		/* Notices raised while stopping (a worker's last steering row) still reach the
		 * manager when the socket closes: a wait of at most a second, and only for a
		 * manager that is connected (nothing is queued for one that is not). */
		int linger = 1000;
		zmq_setsockopt(n->mgr.sock, ZMQ_LINGER, &linger, sizeof(linger));
	}
	if (clu_layout_is_log_sink(n->layout, n->self) && (rc = clu__sink_open(n, errbuf)) != 0)
		goto fail;
	if (n->self->role != CLU_ROLE_LOGGER && (rc = clu__sender_open(n, errbuf)) != 0)
		goto fail;
	if ((rc = n->ops->open(n, errbuf)) != 0)
		goto fail;
	if (n->self->role != CLU_ROLE_MANAGER && (rc = clu__notices_open(n, errbuf)) != 0)
		goto fail;
	if (n->self->role == CLU_ROLE_WORKER &&
	    ((rc = clu__shared_open(n, errbuf)) != 0 || (rc = clu__known_open(n, errbuf)) != 0))
		goto fail;
	if ((rc = clu__metrics_start(n, errbuf)) != 0)
		goto fail;
	*out = n;
	return 0;
fail:
	clu_node_close(n);
	return rc;
}

void clu_node_close(struct clu_node *n)
{
	if (!n)
		return;
	clu__metrics_stop(n);
	if (n->sender)
		clu__sender_close(n);
	if (n->sink)
		clu__sink_close(n);
	if (n->self && n->self->role == CLU_ROLE_WORKER) {
		clu__known_close(n);
		clu__shared_close(n);
	}
	clu__notices_close(n);
	if (n->ops && n->self)
		n->ops->close(n);
	clu__link_close(&n->mgr);
	if (n->listen)
		zmq_close(n->listen);
	if (n->zctx) {
		zmq_ctx_shutdown(n->zctx);
		clu__zap_stop(n);
		zmq_ctx_term(n->zctx);
	}
	clu__keys_free(n->keys);
	if (n->pidfd >= 0) {
		char path[PATH_MAX];
		clu__join(path, n->workdir, PIDFILE);
		/* Gone on a clean stop only: a pid file left behind says the node was killed. */
		unlink(path);
		close(n->pidfd);
	}
	clu_layout_free(n->layout);
	steer_config_free(n->cfg);
	free(n);
}

/* ---- accessors and the log API ---- */

const struct clu_proc *clu_node_self(const struct clu_node *n)
{
	return n->self;
}

const struct clu_layout *clu_node_layout(const struct clu_node *n)
{
	return n->layout;
}

enum clu_log_format clu_node_log_format(const struct clu_node *n)
{
	return n->format;
}

int clu_node_log(struct clu_node *n, const struct clu_log_stream *st, const char *line, size_t len)
{
	if (!n->sender)
		return STEER_ENOTSUP;
	return clu__sender_add(n, st, line, len);
}

int clu_node_log_flush(struct clu_node *n)
{
	if (!n->sender)
		return STEER_ENOTSUP;
	return clu__sender_flush(n);
}

void clu_node_log_stats(const struct clu_node *n, struct clu_node_log_stats *out)
{
	out->added = CLU__GET(n->m.rec_added);
	out->acked = CLU__GET(n->m.rec_acked);
	out->refused = CLU__GET(n->m.rec_refused);
	out->held_batches = CLU__GET(n->m.outbox_batches);
}

void clu_node_set_capture(struct clu_node *n, uint64_t pkts_recv, uint64_t pkts_drop)
{
	CLU__SET(n->m.pkts_recv, pkts_recv);
	CLU__SET(n->m.pkts_drop, pkts_drop);
}

/* ---- the loop ---- */

static void send_heartbeat(struct clu_node *n)
{
	struct clu_heartbeat h = {.role = (uint8_t)n->self->role,
	                          .pid = (uint32_t)getpid(),
	                          .start_us = n->start_wall_us,
	                          .interval_ms = (uint32_t)n->cfg->cluster.heartbeat_ms,
	                          .pkts_recv = CLU__GET(n->m.pkts_recv),
	                          .pkts_drop = CLU__GET(n->m.pkts_drop)};
	zmq_msg_t msg;
	uint8_t *p =
	    clu__msg_init(&msg, CLU_MSG_HEARTBEAT, ++n->hb_seq, n->self->name, CLU_HEARTBEAT_LEN);
	if (!p)
		return;
	clu_heartbeat_encode(&h, p, CLU_HEARTBEAT_LEN);
	/* Not queued while the manager is away: a stale heartbeat would lie about now. */
	if (clu__send(n, n->mgr.sock, NULL, &msg) == 0)
		CLU__ADD(n->m.hb_sent, 1);
	else
		zmq_msg_close(&msg);
}

static void drain_listen(struct clu_node *n)
{
	for (int i = 0; i < DRAIN_MAX; i++) {
		struct clu__rx rx;
		int r = clu__recv(n, n->listen, true, &rx);
		if (r == 0)
			return;
		if (r < 0)
			continue;
		if (rx.m.type == CLU_MSG_LOG_BATCH && n->sink)
			clu__sink_on_batch(n, &rx);
		else
			n->ops->on_msg(n, &rx);
		clu__rx_close(&rx);
	}
}

/* On the heartbeat link the manager sends the suppressions of notices and replies to a role's
 * requests: anything else is unexpected. */
static void drain_mgr(struct clu_node *n)
{
	for (int i = 0; i < DRAIN_MAX; i++) {
		struct clu__rx rx;
		int r = clu__recv(n, n->mgr.sock, false, &rx);
		if (r == 0)
			return;
		if (r < 0)
			continue;
		if (rx.m.type == CLU_MSG_SUPPRESS && n->notices &&
		    strcmp(rx.m.sender, n->layout->procs[0].name) == 0)
			clu__notices_on_suppress(n, &rx);
		else if (n->ops->on_mgr_msg)
			n->ops->on_mgr_msg(n, &rx);
		else
			clu__drop(n, CLU__DROP_UNEXPECTED, "%s from %s on the heartbeat link",
			          clu_msg_type_name(rx.m.type), rx.m.sender);
		clu__rx_close(&rx);
	}
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int clu_node_run(struct clu_node *n, volatile sig_atomic_t *stop, char *errbuf)
{
	const struct steer_cluster_opts *o = &n->cfg->cluster;
	int64_t stop_deadline = 0;
	clu__say(n, "%s running (pid %ld), %s", clu_role_name(n->self->role), (long)getpid(),
	         n->keys ? "CURVE on" : "plaintext");
	for (;;) {
		if (n->failed) {
			clu__err(errbuf, "%s", n->fatal);
			return STEER_EIO;
		}
		int64_t now = clu__mono_us();
		if (*stop && !n->stopping) {
			n->stopping = true;
			stop_deadline = now + (int64_t)o->stop_timeout_ms * 500;
		}
		int64_t next = INT64_MAX;
		if (n->mgr.sock) {
			if (now >= n->next_hb_us) {
				send_heartbeat(n);
				n->next_hb_us = now + (int64_t)o->heartbeat_ms * 1000;
			}
			next = n->next_hb_us;
		}
		next = min64(next, n->ops->tick(n, now));
		if (n->shared)
			next = min64(next, clu__shared_tick(n, now));
		if (n->shared && n->known)
			next = min64(next, clu__known_tick(n, now));
		if (n->notices)
			next = min64(next, clu__notices_tick(n, now));
		if (n->sink)
			next = min64(next, clu__sink_tick(n, now));
		if (n->sender)
			next = min64(next, clu__sender_tick(n, now, n->stopping));
		if (n->stopping) {
			bool drained = (!n->sender || clu__sender_drained(n)) &&
			               (!n->notices || clu__notices_drained(n));
			if (drained || now >= stop_deadline) {
				if (!drained)
					clu__say(n,
					         "stop: %llu log batches not acknowledged in time: "
					         "spooled for the next start",
					         (unsigned long long)CLU__GET(n->m.outbox_batches));
				break;
			}
		}
		if (!n->stopping && n->opts.work) {
			next = min64(next, n->opts.work(n, n->opts.arg, now));
			/* What the work inserted goes out before the loop sleeps. */
			if (n->shared)
				clu__shared_flush(n, now);
		}

		zmq_pollitem_t items[POLL_MAX];
		size_t k = 0;
		if (n->listen)
			items[k++] = (zmq_pollitem_t){.socket = n->listen, .events = ZMQ_POLLIN};
		if (n->mgr.sock) {
			items[k++] = (zmq_pollitem_t){.socket = n->mgr.sock, .events = ZMQ_POLLIN};
			items[k++] = (zmq_pollitem_t){.socket = n->mgr.mon, .events = ZMQ_POLLIN};
		}
		if (n->sender)
			k += clu__sender_poll_items(n, items + k, POLL_MAX - k);
		if (n->watch_fd >= 0 && k < POLL_MAX)
			items[k++] = (zmq_pollitem_t){.fd = n->watch_fd, .events = ZMQ_POLLIN};
		if (n->ops->poll_items)
			k += n->ops->poll_items(n, items + k, POLL_MAX - k);
		if (n->shared)
			k += clu__shared_poll_items(n, items + k, POLL_MAX - k);
		int64_t wait_ms = next <= now ? 0 : (next - now + 999) / 1000;
		if (wait_ms > 1000 || next == INT64_MAX)
			wait_ms = 1000;
		if (n->stopping && wait_ms > 20)
			wait_ms = 20;
		if (wait_ms < 0)
			wait_ms = 0;
		if (zmq_poll(items, (int)k, (long)wait_ms) < 0 && errno != EINTR) {
			if (errno == ETERM)
				break;
		}
		if (n->listen)
			drain_listen(n);
		if (n->mgr.sock) {
			drain_mgr(n);
			clu__link_events(n, &n->mgr);
			/* A manager that came back hears from us at once. */
			if (n->mgr.reconnected) {
				n->mgr.reconnected = false;
				n->next_hb_us = 0;
			}
		}
		if (n->sender)
			clu__sender_on_ready(n);
	}
	clu__say(n, "stopped");
	return 0;
}
