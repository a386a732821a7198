/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_logstore.h: the logger's durable store: batches from many senders appended to one
 * log directory exactly once, across SIGKILLs of the logger at any point. */
#ifndef STEER_CLU_LOGSTORE_H
#define STEER_CLU_LOGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/clu_log.h>
#include <steer/clu_logdir.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* How it works. The store keeps, per sender (name, incarnation), the highest seq it has written
 * (H), and per live file its committed length, in a journal (STATE/logstore.journal, CRC-checked
 * records, one write(2) per commit) compacted into STATE/logstore.snap. A batch is appended at
 * the file's committed length, then one journal record commits both the new length and the
 * sender's H; only then is it acknowledged. On open the store replays the journal (a torn last
 * record is ignored), truncates every live file back to its committed length (dropping a batch
 * whose write or commit was interrupted), removes a live file whose creation was journalled but
 * whose first commit was not, and finishes any rotation the journal shows begun (an intent
 * record with its close time and archive name precedes every rotation). A live file the
 * journal does not know is never overwritten: it is set aside as <path>.log.orphan-<time>.
 *
 * Guarantees.
 * - Logger process killed (SIGKILL, crash) at any point, then reopened: every acknowledged
 *   batch is in the files exactly once; an unacknowledged one is either absent or, if its
 *   commit record was written, answered CLU_BATCH_DUP when sent again. So with a sender that
 *   re-sends until acknowledged, nothing is lost and nothing duplicated. No partial line ever
 *   stays in a file, no partial archive is ever visible under its final name.
 * - Power loss or kernel crash: only with opts.dir.fsync (the data file is fdatasync'ed before
 *   its commit record, the journal before the acknowledgement, directories after renames), at
 *   a cost of two fdatasync per batch. Without it (the default) the last seconds before the
 *   crash may be lost, and a file may keep stray bytes the page cache had not written.
 * - Records a sender never got out of its own memory are not the store's to keep (see
 *   clu_logoutbox.h). */

struct clu_logstore_opts {
	struct clu_logdir_opts dir; /* the files (archive_dir, suffix, gzip, fsync, clock) */
	const char *state_dir;      /* the journal: the logger's working directory; created */
	/* Called for each dropped line or batch with one line naming sender, seq, stream, line
	 * number and the fault (a lying or mismatched peer), and for recovery notes. NULL: none. */
	void (*diag)(void *arg, const char *msg);
	void *diag_arg;
};

struct clu_logstore;

/* Opens the state, recovers (see above) and opens the directory. Returns 0 with *out set, or
 * STEER_EIO (a file cannot be read, written or truncated; a live file is shorter than its
 * committed length), STEER_EINVAL (bad options) or STEER_ENOMEM, with errbuf (STEER_ERRBUF_SIZE)
 * naming the file; *out is then NULL. */
int clu_logstore_open(const struct clu_logstore_opts *o, struct clu_logstore **out, char *errbuf);

enum clu_batch_verdict {
	CLU_BATCH_NEW = 0, /* written and committed: acknowledge */
	CLU_BATCH_DUP = 1, /* written before: acknowledge, nothing written */
	CLU_BATCH_GAP = 2, /* an earlier batch the sender still holds is missing: nothing written;
	                      the sender must send again from the first batch after ack */
};

/* What to answer the sender: its (name, incarnation), the verdict and ack = the highest seq of
 * this sender now in the files (everything <= ack may be freed). */
struct clu_logstore_reply {
	enum clu_batch_verdict verdict;
	uint64_t ack;
	uint32_t written; /* lines written (NEW) */
	uint32_t dropped; /* lines dropped as invalid (NEW), reported through diag */
};

/* Takes one batch (decoded from the wire by the transport; no field is trusted). A batch whose
 * seq is new is validated line by line (clu_logline_check against its descriptor), the valid
 * lines appended, the invalid ones dropped and counted with a diagnostic; a batch with a bad
 * descriptor, or one whose stream clashes with the open file's schema, is dropped whole
 * (reply.dropped = nlines) and still committed, so that the sender does not send it forever.
 * A batch answered CLU_BATCH_DUP or CLU_BATCH_GAP is not looked at further.
 * Returns 0 with *reply set, STEER_EINVAL for a batch that cannot be attributed (no sender
 * name, seq 0, prev >= seq: nothing committed, do not acknowledge), STEER_ENOMEM, or STEER_EIO
 * when the files or the journal cannot be written (errbuf says which; nothing is acknowledged
 * and the store must be closed and reopened, which recovers). */
int clu_logstore_append(struct clu_logstore *s, const struct clu_logbatch *b,
                        struct clu_logstore_reply *reply, char *errbuf);

/* Rotates what is due (journalled as above). Returns 0 or STEER_EIO with errbuf. */
int clu_logstore_tick(struct clu_logstore *s, char *errbuf);
/* When the next rotation is due, or 0 without rotation. */
time_t clu_logstore_next_rotation(const struct clu_logstore *s);

struct clu_logstore_stats {
	uint64_t batches_new, batches_dup, batches_gap;
	uint64_t lines_written, lines_dropped;
	uint64_t bytes_written;
	uint64_t seqs_lost; /* seqs a sender declared gone (prev < seq - 1 with nothing between) */
};
void clu_logstore_stats(const struct clu_logstore *s, struct clu_logstore_stats *out);

/* Closes the files as clu_logdir_close does (with rotation: archives them), commits that and
 * frees s in every case. Returns 0 or STEER_EIO with errbuf. */
int clu_logstore_close(struct clu_logstore *s, char *errbuf);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
