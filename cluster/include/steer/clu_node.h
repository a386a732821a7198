/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_node.h: one cluster node (what steerd runs): its role from node.cfg, its sockets,
 * heartbeats, metrics and log records, in one single-threaded event loop. */
#ifndef STEER_CLU_NODE_H
#define STEER_CLU_NODE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/clu_layout.h>
#include <steer/clu_log.h>
#include <steer/clu_worker.h>
#include <steer/config.h>

#pragma GCC visibility push(default)

struct clu_node;

/* What the code that runs inside a node (a worker's capture, a test's record source) plugs
 * into the loop, and how its records are held. */
struct clu_node_opts {
	/* Called on every turn of the loop with the monotonic time (microseconds); returns when
	 * it wants to be called again: now or earlier while it has more work (the loop then does
	 * not sleep), INT64_MAX when only a message or another timer should wake the loop. The
	 * loop also runs it whenever something else woke it. NULL: none. */
	int64_t (*work)(struct clu_node *n, void *arg, int64_t now_us);
	void *arg;
	/* Spool every log batch when it is sealed rather than holding it in memory first, so that
	 * a SIGKILL of this node loses only the batches still open (clu_logoutbox.h). */
	bool spool_all;
	/* A worker's options (steer/clu_worker.h): a capture file to read instead of its
	 * interface, the tracker's options. NULL: capture the interface with Zeek's defaults.
	 * Must outlive the node. */
	const struct clu_worker_opts *worker;
};

/* Opens the node called name (a process name of cfg's layout, "worker-1-2" for lb_procs) of
 * the configuration cfg, which it takes over (freed by clu_node_close, also on failure):
 * makes its working directory STATE_DIR/NAME and takes its pid file (STEER_EIO when another
 * process runs that node), loads its CURVE keys when keys_dir is set,
 * binds (manager, loggers) or connects (the others), opens its log store (the log sink) or
 * outbox, and starts its metrics endpoint. Returns 0 with *out set, or STEER_EINVAL (no such
 * node), STEER_EIO (a socket, a port, a directory, a key file), STEER_ENOMEM, with errbuf
 * (STEER_ERRBUF_SIZE) saying what failed; *out is then NULL. */
int clu_node_open(struct steer_config *cfg, const char *name, const struct clu_node_opts *opts,
                  struct clu_node **out, char *errbuf);

/* Runs the loop until *stop becomes non-zero (a signal handler sets it), then stops as
 * SIGTERM asks: seals the open log batches, waits (at most half the stop timeout) until every
 * batch is acknowledged, closes the log files. Returns 0, or STEER_EIO when the node cannot
 * go on (its store cannot be written) with errbuf set. */
int clu_node_run(struct clu_node *n, volatile sig_atomic_t *stop, char *errbuf);

/* Closes everything; the held log batches are spooled for the next start. */
void clu_node_close(struct clu_node *n);

/* The working directory of process name: STATE_DIR/NAME (pid file, stderr of a daemon, the
 * outbox spool, the logger's store). Returns 0, or STEER_ERANGE when it does not fit in n. */
int clu_node_workdir(const struct steer_config *cfg, const char *name, char *buf, size_t n);

/* Whether a node runs from working directory dir on this host: its pid (> 0) when a process
 * holds the lock on dir's pid file; 0 when none does, with *stale set when a pid file is left
 * (the node did not stop cleanly: killed or crashed). */
long clu_node_running(const char *workdir, bool *stale);

/* This node's process, layout and configuration. */
const struct clu_proc *clu_node_self(const struct clu_node *n);
const struct clu_layout *clu_node_layout(const struct clu_node *n);
/* The cluster's log format (the format of the lines clu_node_log takes). */
enum clu_log_format clu_node_log_format(const struct clu_node *n);

/* Writes one record (a line ending in '\n' from a clu_logrec builder of st in the cluster's
 * format) into stream st, which must outlive the node. The record is batched and sent to a
 * logger (or the manager without loggers) and held until written there. Returns 0,
 * STEER_EFULL (the outbox's spool is full: the record is dropped and counted), STEER_EIO or
 * STEER_ENOMEM. On a logger node, STEER_ENOTSUP: loggers write no records of their own. */
int clu_node_log(struct clu_node *n, const struct clu_log_stream *st, const char *line, size_t len);

/* Seals every open batch now (spooled at once with spool_all): a checkpoint after which the
 * records written so far survive a SIGKILL of this node. Returns 0 or STEER_EIO. */
int clu_node_log_flush(struct clu_node *n);

struct clu_node_log_stats {
	uint64_t added, acked, refused; /* records */
	uint64_t held_batches;
};
void clu_node_log_stats(const struct clu_node *n, struct clu_node_log_stats *out);

/* A worker's capture counters (packets received, dropped by the kernel), published in its
 * heartbeats, its metrics and steerctl status. */
void clu_node_set_capture(struct clu_node *n, uint64_t pkts_recv, uint64_t pkts_drop);

#pragma GCC visibility pop
#endif
