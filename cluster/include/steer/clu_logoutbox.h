/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_logoutbox.h: a sender's outbox: formatted records batched per stream, numbered per
 * logger, kept until acknowledged (in memory, then in a spool file) and across restarts. */
#ifndef STEER_CLU_LOGOUTBOX_H
#define STEER_CLU_LOGOUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/clu_log.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Batching: records of a stream collect in an open batch, sealed when it holds max_records or
 * when its first record is max_delay_us old (Zeek's defaults: 1000 records, 1 s). A sealed
 * batch goes to one destination (a logger; several: round robin over those marked alive) and
 * gets the next seq for it; it is held until a cumulative acknowledgement covers its seq.
 *
 * Holding: sealed batches stay in memory up to mem_limit bytes; beyond that they are written to
 * WORKDIR/outbox.spool (CRC-checked records) and read back to be sent. Close spools every held
 * batch. Open reads the spool back: those batches are sent again first (batches spooled for a
 * destination no longer configured are discarded and counted in spool_discarded).
 *
 * Numbering across restarts: WORKDIR/outbox.state keeps a random incarnation, made once, and
 * per destination a seq ceiling leased in steps, so that a restarted sender (even after a
 * SIGKILL) only ever uses higher seqs than before and is never taken for a duplicate. A clean
 * close records the exact next seq, so that only a killed sender leaves a gap in the seqs.
 *
 * What survives what: a clean close, or a SIGKILL of the sender, keeps every spooled batch;
 * after a SIGKILL the batches that were only in memory and the open batches are lost (the
 * logger is told by each batch's prev that their seqs will not come). mem_limit = 0 spools
 * every batch when it is sealed, so that a sender SIGKILL loses only its open batches. */
struct clu_logoutbox_opts {
	const char *workdir;      /* the node's working directory (must exist) */
	const char *sender;       /* this node's name */
	const char *const *dests; /* the destinations' names (loggers, or the manager) */
	unsigned ndests;          /* 1..64 */
	uint32_t max_records;     /* 0: 1000 */
	int64_t max_delay_us;     /* 0: 1 s */
	size_t mem_limit;         /* bytes of held batches in memory; 0: spool every batch */
	uint64_t spool_limit; /* bytes of spool; beyond it clu_logoutbox_add refuses; 0: 1 GiB */
};

struct clu_logoutbox;

/* Opens the outbox: reads or makes outbox.state, reads the spool back (a torn last record is
 * cut off). Returns 0 with *out set, or STEER_EINVAL (bad options), STEER_EIO (errbuf names the
 * file), STEER_ENOMEM; *out is then NULL. */
int clu_logoutbox_open(const struct clu_logoutbox_opts *o, struct clu_logoutbox **out,
                       char *errbuf);

/* Adds one record (a line ending in '\n', as clu_logrec_end gives it) of stream st (which must
 * outlive the outbox's use of it; compared by identity, then by schema) at time now_us. Seals
 * the stream's batch when it is full. Returns 0, STEER_EFULL (the spool is at its limit: the
 * record is not taken, count it as dropped), STEER_EIO (spool write failed) or STEER_ENOMEM. */
int clu_logoutbox_add(struct clu_logoutbox *ob, const struct clu_log_stream *st, const char *line,
                      size_t len, int64_t now_us);
/* True when an open batch is due by time (the caller's loop polls this with the current time);
 * clu_logoutbox_deadline gives when the next one will be (INT64_MAX if none is open). */
bool clu_logoutbox_flush_due(const struct clu_logoutbox *ob, int64_t now_us);
int64_t clu_logoutbox_deadline(const struct clu_logoutbox *ob);
/* Seals the open batches that are due by now_us (all of them with all = true). Returns 0,
 * STEER_EIO or STEER_ENOMEM. */
int clu_logoutbox_flush(struct clu_logoutbox *ob, int64_t now_us, bool all);

/* Marks a destination alive or not for the round robin of new batches (all start alive; when
 * none is, batches go to destination 0 and wait). */
void clu_logoutbox_set_alive(struct clu_logoutbox *ob, unsigned dest, bool alive);

/* The next held batch not yet handed out for dest, in seq order. Returns 1 with *b filled (its
 * pointers valid until the next call of clu_logoutbox_next or any call that changes ob), 0 if
 * there is none, or STEER_EIO (a spooled batch cannot be read back). */
int clu_logoutbox_next(struct clu_logoutbox *ob, unsigned dest, struct clu_logbatch *b);
/* Hands out every held batch of dest again from the first (after a reconnect). */
void clu_logoutbox_rewind(struct clu_logoutbox *ob, unsigned dest);
/* Applies a logger's reply: frees every held batch of dest with seq <= ack; with gap, hands out
 * again from the first held batch after ack. A reply for another incarnation is ignored.
 * Returns 0 or STEER_EIO (the spool could not be trimmed). */
int clu_logoutbox_ack(struct clu_logoutbox *ob, unsigned dest, uint64_t incarnation, uint64_t ack,
                      bool gap);

struct clu_logoutbox_stats {
	uint64_t records_added, records_acked;
	uint64_t batches_sealed, batches_acked;
	uint64_t held_batches, held_bytes; /* now */
	uint64_t mem_bytes, spool_bytes;   /* now */
	uint64_t records_refused;          /* STEER_EFULL */
	uint64_t spool_discarded;          /* batches of unknown destinations at open */
};
void clu_logoutbox_stats(const struct clu_logoutbox *ob, struct clu_logoutbox_stats *out);
uint64_t clu_logoutbox_incarnation(const struct clu_logoutbox *ob);

/* Seals the open batches, spools every held batch still only in memory, and frees ob in every
 * case. Returns 0 or STEER_EIO with errbuf. */
int clu_logoutbox_close(struct clu_logoutbox *ob, char *errbuf);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
