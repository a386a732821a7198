/* SPDX-License-Identifier: BSD-2-Clause */
/* steerd/steerd.h: private to steerd: detaching as a daemon, and the test record source. */
#ifndef STEERD_H
#define STEERD_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/clu_node.h>
#include <steer/clu_worker.h>
#include <steer/config.h>

/* ---- daemon.c ---- */

/* Forks; the parent waits until the child says it is up and returns its exit code (0 when the
 * node opened; otherwise it has printed the child's error). The child returns -1 and goes on:
 * a new session, stdin from /dev/null. Returns 2 when the fork itself fails. */
int steerd_daemonize(int *ready_fd);
/* In the child: stdout and stderr to WORKDIR/stderr.log, then reports "up" (msg NULL) or the
 * error msg to the waiting parent. */
void steerd_ready(int ready_fd, const char *workdir, const char *msg);

/* ---- emit.c: numbered records into a stream, for the log pipeline's tests and benchmark ---- */

struct steerd_emit_opts {
	uint64_t count;     /* records 1..count, then idle */
	uint64_t rate;      /* records per second; 0: as fast as the outbox takes them */
	unsigned chunk;     /* records between checkpoints */
	const char *stream; /* its path; the schema is ts, node, n (and pad fields for "conn") */
};

struct steerd_emit;

/* Prepares the source. On its first turn it reads its progress file WORKDIR/emit.state, so
 * that a restarted node goes on after the last number it reserved (never writing a number
 * twice). Returns NULL with an error printed. */
struct steerd_emit *steerd_emit_new(const struct steerd_emit_opts *o, const char *workdir,
                                    const char *node);
void steerd_emit_free(struct steerd_emit *e);
/* The node's work hook (clu_node_opts.work). */
int64_t steerd_emit_work(struct clu_node *n, void *arg, int64_t now_us);

/* ---- read.c: -r FILE and the analysis options ---- */

enum {
	STEERD_OPT_LOG_DIR = 512,
	STEERD_OPT_LOCAL,
	STEERD_OPT_NO_PRIVATE_LOCAL,
	STEERD_OPT_LIKELY_TCP,
	STEERD_OPT_LIKELY_UDP,
	STEERD_OPT_GAPS,
	STEERD_OPT_SKIP,
	STEERD_OPT_SEED,
	STEERD_OPT_STATS,
};

#define STEERD_MAX_NETS 64

struct steerd_read {
	struct clu_worker_opts o;
	const char *log_dir; /* NULL: the current directory */
	bool stats;          /* print what the run did (JSON) */
	struct steer_network nets[STEERD_MAX_NETS];
	uint8_t ltcp[8192], ludp[8192];
};

/* Takes option c ('r', 'C' or STEERD_OPT_*) with its argument. False (a usage error printed)
 * when the argument is bad or c is not one of them. */
bool steerd_read_opt(struct steerd_read *r, int c, const char *arg);
/* steerd -r without --node: the standalone analysis of r->o.read_file. Returns the exit code. */
int steerd_read_run(struct steerd_read *r, const char *confopt);

/* ---- share.c: shared-set insertions, known hosts and notices, for tests and bench/proxy ---- */

struct steerd_share_opts {
	uint64_t inserts;      /* keys NODE:1..NODE:inserts into the set "steer_test" */
	uint64_t rate;         /* insertions per second; 0: as fast as the proxies take them */
	int64_t lifetime_us;   /* of each key; 0: the default */
	bool record;           /* record received insertions even without inserting */
	uint64_t sample;       /* record one received insertion in this many (0, 1: all) */
	const char *known;     /* addresses reported as known hosts (and HTTP on port 80) */
	int64_t known_at_us;   /* at this wall-clock time (then again a second later) */
	const char *notice[4]; /* NOTE or NOTE=IDENTIFIER, each raised notice_count times */
	unsigned nnotices;
	uint64_t notice_count;
	int64_t notice_every_us;
};

struct steerd_share;
/* Writes WORKDIR/shared.state (what it did: "ready", "done N", "known", "notices done") and
 * WORKDIR/shared.recv. NULL when out of memory. */
struct steerd_share *steerd_share_new(const struct steerd_share_opts *o, const char *workdir,
                                      const char *node);
void steerd_share_free(struct steerd_share *s);
int64_t steerd_share_work(struct clu_node *n, void *arg, int64_t now_us);

#endif
