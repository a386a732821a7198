/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_logdir.h: a log directory: one file per stream with Zeek's ASCII writer header, and
 * rotation into an archive named as zeekctl names it (REFERENCE-cluster.md 2.1, 3.1, 3.2). */
#ifndef STEER_CLU_LOGDIR_H
#define STEER_CLU_LOGDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <steer/clu_log.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Default rotation interval (zeekctl's LogRotationInterval). */
#define CLU_LOGDIR_ROTATE_DEFAULT 3600u

/* Where and how the files go.
 * - Live files are DIR/<path>.log, created on a stream's first write (a quiet stream leaves no
 *   file). An existing file of that name is truncated in standalone mode (as `zeek -r` does)
 *   and, with rotation or under a store, set aside as DIR/<path>.log.orphan-<time>. TSV files open
 * with Zeek's header (#separator \x09, #set_separator, #empty_field, #unset_field, #path, #open
 * <local time %Y-%m-%d-%H-%M-%S>, #fields, #types) and end with #close <time>; JSON files have no
 * header lines.
 * - With archive_dir set, files rotate at local midnight + k * rotate_interval (Zeek's
 *   log_rotate_base_time 0:00) and once more at clu_logdir_close, into
 *   ARCHIVE/<YYYY-MM-DD>/<path>.<HH:MM:SS>-<HH:MM:SS>[-<suffix>].log[.gz]
 *   (date and first time: when the file was opened, or the previous rotation; second time:
 *   when it was closed; local time), written under a temporary name and renamed, so no partial
 *   file is ever visible under a final name. Should that name exist already, "-1", "-2", ...
 *   is added before ".log" rather than overwrite it.
 * - Without archive_dir (standalone, as `zeek -r`): no rotation; clu_logdir_close writes #close
 *   and leaves the files in DIR. */
struct clu_logdir_opts {
	const char *dir; /* created if missing (one level) */
	enum clu_log_format format;
	const char *archive_dir;  /* NULL: standalone; created if missing */
	uint32_t rotate_interval; /* seconds; 0: CLU_LOGDIR_ROTATE_DEFAULT */
	const char *suffix;       /* the logger's node name when there are several, or NULL */
	int gzip_level;           /* 0: plain archives; 1..9: gzip (zlib) */
	bool fsync;               /* fsync files and directories at the points the store needs */
	/* Wall clock in seconds (for #open, #close and rotation). NULL: time(NULL). */
	time_t (*clock)(void *arg);
	void *clock_arg;
};

struct clu_logdir;

/* Opens (creates) the directories. Returns 0 with *out set, or STEER_EINVAL (bad options),
 * STEER_EIO (a directory cannot be made) / STEER_ENOMEM with errbuf (STEER_ERRBUF_SIZE) naming
 * the path; *out is then NULL. */
int clu_logdir_open(const struct clu_logdir_opts *o, struct clu_logdir **out, char *errbuf);

/* Appends len bytes of whole records (each ending in '\n', from a clu_logrec builder of this
 * format or checked with clu_logline_check) to st's file, creating it with its header first.
 * Buffered: the bytes reach the file by clu_logdir_flush, a rotation or close, or when the
 * buffer fills. The first write of a path fixes its schema for the life of the file: a stream
 * with the same path and other fields is refused until the file has rotated. Returns 0, or
 * STEER_EINVAL (schema differs: errbuf says how), STEER_EIO (errbuf names the file; the
 * records stay buffered and the next flush tries again) or STEER_ENOMEM. */
int clu_logdir_write(struct clu_logdir *d, const struct clu_log_stream *st, const char *lines,
                     size_t len, char *errbuf);
/* Writes out every buffer. Returns 0 or STEER_EIO with errbuf set. */
int clu_logdir_flush(struct clu_logdir *d, char *errbuf);

/* Rotates every file whose interval has ended by the clock's now. Call it from the main loop
 * at least as often as clu_logdir_next_rotation says. Returns 0 or STEER_EIO (errbuf names the
 * file; the file stays live and the next call tries again). */
int clu_logdir_tick(struct clu_logdir *d, char *errbuf);
/* When the next rotation is due (seconds since the epoch), or 0 without rotation. */
time_t clu_logdir_next_rotation(const struct clu_logdir *d);

/* Flushes, writes #close in every file and, with rotation, archives them all. Frees d in every
 * case. Returns 0 or STEER_EIO with errbuf naming the first file that failed. */
int clu_logdir_close(struct clu_logdir *d, char *errbuf);

/* The archive name of a file (relative to the archive directory) for the given open and close
 * times, path and suffix (NULL: none), e.g. "2024-05-01/conn.23:00:00-00:00:00.log.gz" with
 * gzip. Returns 0, or STEER_ERANGE when cap is too small. */
int clu_logdir_archive_name(char *buf, size_t cap, const char *path, time_t open, time_t close,
                            const char *suffix, bool gzip);
/* The next rotation after now for an interval in seconds (local midnight + k * interval, as
 * Zeek's calc_next_rotate with base 0:00). */
time_t clu_logdir_rotation_after(time_t now, uint32_t interval);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
