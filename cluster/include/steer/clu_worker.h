/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_worker.h: the worker: frames from its capture (its interface with the plan's
 * filter, or a capture file) through the connection tracker into conn.log, known_hosts.log,
 * known_services.log, capture_loss.log, stats.log and steering.log, with the steering-health
 * and capture-loss notices in notice.log. As the worker role of a cluster node (clu_node_open
 * with clu_node_opts.worker), or standalone over a capture file with its logs in a directory
 * (steerd -r, as zeek -r), or timed over a file (steerctl size --measure). */
#ifndef STEER_CLU_WORKER_H
#define STEER_CLU_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/clu_log.h>
#include <steer/config.h>

#pragma GCC visibility push(default)

/* How a worker reads and tracks; zero-initialised means: capture the node's interface, Zeek's
 * defaults, random uids. */
struct clu_worker_opts {
	const char *read_file; /* read this capture (pcap or pcapng) instead of the interface;
	                        * network time is then the packets' (the logs' ts, the intervals,
	                        * the timeouts) */
	/* the tracker: Zeek's options of the same meaning */
	bool ignore_checksums;                  /* zeek -C: checksums not validated */
	const struct steer_network *local_nets; /* local networks besides networks.cfg */
	size_t n_local_nets;
	bool no_private_local; /* Site::private_address_space_is_local = F */
	const uint8_t *likely_tcp,
	    *likely_udp; /* likely_server_ports bitmaps (8192 bytes, bit
	                  * port % 8 of byte port / 8); NULL: Zeek's default sets */
	bool report_gaps_for_partial;
	int skip_bytes;  /* > 0: each frame is raw IP after this many bytes (Zeek's SKIP
	                  * packet analyzer as the root); 0: the capture's link type */
	bool fixed_seed; /* uids from uid_seed (reproducible); else random per process */
	uint64_t uid_seed;
};

/* What one run over a capture file did. */
struct clu_worker_result {
	uint64_t packets, bytes; /* frames read, their wire bytes */
	uint64_t conns;          /* connections logged */
	double seconds;          /* wall time of the analysis (reading included), one core */
	double bytes_per_conn;   /* the tracker's memory per connection at its peak */
	size_t peak_conns;
};

/* Runs the worker's analysis over o->read_file standalone, as zeek -r does: every log of the
 * worker in log_dir (created if missing; files truncated; #close at the end) in cfg's log
 * format, and no steering.log (a standalone node has no share of a plan). With log_dir NULL
 * the records are made and dropped (a measurement). cfg gives networks.cfg, the log format and
 * the log intervals. Returns 0 with *res filled, or STEER_ENOENT / STEER_EINVAL (the file
 * cannot be read or is not a capture; a link type steer cannot parse), STEER_EIO (the capture
 * is damaged part way: everything up to the damage is analysed and logged, as zeek -r does;
 * or a log cannot be written), STEER_ENOMEM, with errbuf (STEER_ERRBUF_SIZE) saying what and
 * where. */
int clu_worker_run_file(const struct steer_config *cfg, const struct clu_worker_opts *o,
                        const char *log_dir, struct clu_worker_result *res, char *errbuf);

/* The stream schema of steering.log (steer's own; see steerd(1)). */
const struct clu_log_schema *clu_worker_steering_schema(void);

#pragma GCC visibility pop
#endif
