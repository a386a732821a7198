/* SPDX-License-Identifier: BSD-2-Clause */
/* common/ofile.h: every file a command writes (steerlb -w, --split, --stats; synth --out,
 * --truth; steercheck --html), opened one way: "-" is standard output; a regular file (or a
 * name not yet taken) is written beside itself and renamed over it once complete, so a reader
 * never sees half of it and a failed run leaves the old one; anything else (a FIFO, a device, a
 * symbolic link to one) is written through, never replaced. A symbolic link to a regular file
 * stays a link: the file it points to is replaced. */
#ifndef STEER_OFILE_H
#define STEER_OFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct ofile {
	const char *path; /* as given (borrowed) */
	const char *what; /* the option, for messages (borrowed) */
	char *target;     /* what the rename replaces; NULL when written through or stdout */
	char *tmp;        /* the temporary beside it, until committed or aborted */
	int fd;           /* -1 once handed over (ofile_fdopen, or the caller took it) */
	FILE *f;          /* after ofile_fdopen */
	bool is_stdout;
	bool has_id; /* dev and ino name the file written to or replaced (when it exists) */
	dev_t dev;
	ino_t ino;
	char *canon; /* the replaced file's absolute name, NULL when written through */
};

/* ofile_open flags */
enum {
	/* Only look: what ofile_same and ofile_is_input need, and whether the file could be
	 * written, without opening what another process would notice (a FIFO's reader sees no
	 * open and close): stdout, FIFOs and devices are only looked at; a regular file's
	 * temporary is made and removed at once. Finish with ofile_abort. */
	OFILE_LOOK = 1u << 0,
};

/* Opens path for writing as above. what names the option in messages ("-w"); every error is
 * printed as one line "PROG: WHAT: PATH: reason" and gives -1 (exit EXIT_USAGE), with *o
 * cleared. Returns 0 with o->fd open (-1 with OFILE_LOOK where nothing was opened). */
int ofile_open(struct ofile *o, const char *prog, const char *what, const char *path,
               unsigned flags);

/* The descriptor for a writer that will own and close it (a capture writer): o->fd itself,
 * or for stdout a copy (stdout stays open for messages). -1 with errno when none could be
 * made. ofile_commit then only renames. */
int ofile_take_fd(struct ofile *o);

/* A stdio stream on o->fd (o->f), which ofile_commit closes. NULL when out of memory. */
FILE *ofile_fdopen(struct ofile *o);

/* Finishes the file: closes it (o->f, or o->fd unless the caller took it), checking every
 * error on the way (a full disk, a closed pipe), then renames the temporary over the target.
 * stdout is flushed and checked, not closed. Returns 0, or -1 with "PROG: WHAT: PATH: reason"
 * printed (PATH "standard output" for "-") and the temporary removed (the old file, if any,
 * unchanged). *o is cleared. */
int ofile_commit(struct ofile *o, const char *prog);

/* Gives up: closes, removes the temporary (an output that was never complete leaves nothing
 * behind). *o is cleared. ofile_commit and ofile_abort do nothing on an ofile never opened
 * (zeroed: path NULL) or already finished. */
void ofile_abort(struct ofile *o);

/* True when a and b are one file: both stdout, the same file written through, or the same
 * name to be replaced. */
bool ofile_same(const struct ofile *a, const struct ofile *b);

/* True when the output o would replace or write to the file the input path names (or, for
 * "-", standard input): steerlb -r x.pcap -w x.pcap would destroy its own input. */
bool ofile_is_input(const struct ofile *o, const char *input);

/* The "-" rule for inputs: "-" is standard input. Returns true for "-". */
static inline bool ofile_is_std(const char *path)
{
	return path[0] == '-' && path[1] == '\0';
}

#endif
