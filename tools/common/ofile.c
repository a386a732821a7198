/* SPDX-License-Identifier: BSD-2-Clause */
/* common/ofile.c: the commands' output files (see ofile.h). */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ofile.h"

static void clear(struct ofile *o)
{
	free(o->target);
	free(o->tmp);
	free(o->canon);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

/* The absolute name of path's directory joined with its last component ("x" -> "/cwd/x"),
 * without following a link in the last component. NULL when the directory cannot be resolved. */
static char *canonical(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
	char real[PATH_MAX];
	char *r = NULL;
	if (dir && realpath(dir, real)) {
		size_t n = strlen(real) + strlen(base) + 2;
		if ((r = malloc(n)))
			snprintf(r, n, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
	}
	free(dir);
	return r;
}

static int fail(struct ofile *o, const char *prog, const char *what, const char *path, int e)
{
	fprintf(stderr, "%s: %s%s%s: %s\n", prog, what ? what : "", what ? ": " : "", path,
	        strerror(e));
	if (o->fd >= 0 && !o->is_stdout)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	clear(o);
	return -1;
}

static int open_through(struct ofile *o, unsigned flags)
{
	struct stat st;
	if (flags & OFILE_LOOK) {
		if (stat(o->path, &st) == 0) {
			o->has_id = true;
			o->dev = st.st_dev;
			o->ino = st.st_ino;
		}
		return 0;
	}
	o->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (o->fd < 0)
		return errno;
	if (fstat(o->fd, &st) == 0) {
		o->has_id = true;
		o->dev = st.st_dev;
		o->ino = st.st_ino;
	}
	return 0;
}

int ofile_open(struct ofile *o, const char *prog, const char *what, const char *path,
               unsigned flags)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->path = path;
	o->what = what;
	struct stat st, lst;
	if (ofile_is_std(path)) {
		o->is_stdout = true;
		o->fd = flags & OFILE_LOOK ? -1 : STDOUT_FILENO;
		if (fstat(o->fd, &st) == 0) {
			o->has_id = true;
			o->dev = st.st_dev;
			o->ino = st.st_ino;
		}
		return 0;
	}
	bool exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return fail(o, prog, what, path, errno);
	if (!exists && lstat(path, &lst) == 0) {
		/* a dangling link: the file it names is created, the link stays */
		int e = open_through(o, flags);
		return e ? fail(o, prog, what, path, e) : 0;
	}
	if (exists && S_ISDIR(st.st_mode))
		return fail(o, prog, what, path, EISDIR);
	if (exists && !S_ISREG(st.st_mode)) {
		/* a FIFO, a device, a socket: written through, never replaced */
		int e = open_through(o, flags);
		return e ? fail(o, prog, what, path, e) : 0;
	}
	/* A regular file or nothing: replaced by a complete one. A link is followed, so the link
	 * stays and the file it names is replaced. */
	char real[PATH_MAX];
	if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		if (!realpath(path, real))
			return fail(o, prog, what, path, errno);
		o->target = strdup(real);
	} else {
		o->target = strdup(path);
	}
	if (!o->target)
		return fail(o, prog, what, path, ENOMEM);
	o->canon = canonical(o->target);
	if (!o->canon)
		return fail(o, prog, what, path, errno ? errno : ENOMEM);
	if (exists) {
		o->has_id = true;
		o->dev = st.st_dev;
		o->ino = st.st_ino;
	}
	/* ".NAME.XXXXXX" beside it: the same file system, so the rename is atomic, and hidden
	 * from a glob such as DIR/NAME.pcap while it grows. */
	const char *slash = strrchr(o->target, '/');
	int dirlen = slash ? (int)(slash - o->target) + 1 : 0;
	size_t n = strlen(o->target) + 16;
	if (!(o->tmp = malloc(n)))
		return fail(o, prog, what, path, ENOMEM);
	snprintf(o->tmp, n, "%.*s.%s.XXXXXX", dirlen, o->target, o->target + dirlen);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		int e = errno;
		free(o->tmp);
		o->tmp = NULL;
		/* a directory we may not create in, holding a file we may write: write it */
		if (exists && (e == EACCES || e == EPERM || e == EROFS)) {
			free(o->target);
			free(o->canon);
			o->target = o->canon = NULL;
			e = open_through(o, flags);
			return e ? fail(o, prog, what, path, e) : 0;
		}
		return fail(o, prog, what, path, e);
	}
	/* the mode the file had, else what open(2) would give it under the umask */
	mode_t mode = 0666;
	if (exists) {
		mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode &= ~um;
	}
	fchmod(o->fd, mode);
	if (flags & OFILE_LOOK) {
		close(o->fd);
		o->fd = -1;
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	return 0;
}

int ofile_take_fd(struct ofile *o)
{
	if (o->is_stdout)
		return fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
	int fd = o->fd;
	o->fd = -1;
	return fd;
}

FILE *ofile_fdopen(struct ofile *o)
{
	if (o->is_stdout)
		return o->f = stdout;
	o->f = fdopen(o->fd, "w");
	if (o->f)
		o->fd = -1;
	return o->f;
}

int ofile_commit(struct ofile *o, const char *prog)
{
	int e = 0;
	if (!o->path)
		return 0;
	if (o->is_stdout) {
		if (fflush(stdout) != 0 || ferror(stdout))
			e = errno ? errno : EIO;
		clearerr(stdout);
	} else if (o->f) {
		bool bad = ferror(o->f);
		if (fclose(o->f) != 0 || bad)
			e = errno ? errno : EIO;
		o->f = NULL;
	} else if (o->fd >= 0) {
		if (close(o->fd) != 0)
			e = errno;
		o->fd = -1;
	}
	if (!e && o->tmp && rename(o->tmp, o->target) != 0)
		e = errno;
	if (e) {
		fprintf(stderr, "%s: %s%s%s: %s\n", prog, o->what ? o->what : "",
		        o->what ? ": " : "", o->is_stdout ? "standard output" : o->path,
		        strerror(e));
		if (o->tmp)
			unlink(o->tmp);
		clear(o);
		return -1;
	}
	clear(o);
	return 0;
}

void ofile_abort(struct ofile *o)
{
	if (!o->path)
		return;
	if (o->f && !o->is_stdout)
		fclose(o->f);
	else if (o->fd >= 0 && !o->is_stdout)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	clear(o);
}

bool ofile_same(const struct ofile *a, const struct ofile *b)
{
	if (a->is_stdout || b->is_stdout)
		return a->is_stdout && b->is_stdout;
	if (a->canon && b->canon && strcmp(a->canon, b->canon) == 0)
		return true;
	return a->has_id && b->has_id && a->dev == b->dev && a->ino == b->ino;
}

bool ofile_is_input(const struct ofile *o, const char *input)
{
	struct stat st;
	if (ofile_is_std(input) ? fstat(STDIN_FILENO, &st) != 0 : stat(input, &st) != 0)
		return false;
	/* two ends of one pipe, or one terminal, are not one file to destroy */
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return false;
	return o->has_id && o->dev == st.st_dev && o->ino == st.st_ino;
}
