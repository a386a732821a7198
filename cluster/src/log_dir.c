/* SPDX-License-Identifier: BSD-2-Clause */
/* log_dir.c: a log directory: one live file per stream with Zeek's ASCII writer header
 * (zeek:src/logging/writers/ascii/Ascii.cc WriteHeader, CloseFile), rotation at local
 * midnight + k * interval (zeek:src/util.cc calc_next_rotate) into zeekctl's archive names
 * (zeekctl:bin/make-archive-name), optionally gzip-compressed with zlib. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include <steer/clu_logdir.h>
#include <steer/error.h>

#include "log_int.h"

#define FLUSH_AT (256u * 1024u)

struct ld_stream {
	char path[CLU_LOG_MAX_NAME + 1];
	struct clu_log_stream *schema; /* the live file's; NULL without one */
	int fd;                        /* -1: no live file */
	uint64_t len;                  /* bytes written to the file */
	struct clu__buf pend;          /* bytes not yet written */
	time_t created;
	time_t name_open; /* 0: no file yet in this run */
};

struct clu_logdir {
	struct clu_logdir_opts o;
	bool keep_foreign; /* set a live file nobody accounts for aside instead of truncating it */
	char *dir, *archive, *suffix;
	struct ld_stream *s;
	size_t n, cap;
};

time_t clu__logdir_now(const struct clu_logdir *d)
{
	return d->o.clock ? d->o.clock(d->o.clock_arg) : time(NULL);
}

static int ioerr(char *errbuf, const char *what, const char *path)
{
	if (errbuf)
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s %.300s: %s", what, path, strerror(errno));
	return STEER_EIO;
}

static char *dupstr(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static void free_dir(struct clu_logdir *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->s[i].fd >= 0)
			close(d->s[i].fd);
		clu_log_stream_free(d->s[i].schema);
		clu__buf_free(&d->s[i].pend);
	}
	free(d->s);
	free(d->dir);
	free(d->archive);
	free(d->suffix);
	free(d);
}

int clu_logdir_open(const struct clu_logdir_opts *o, struct clu_logdir **out, char *errbuf)
{
	*out = NULL;
	if (!o || !o->dir || !o->dir[0] || o->gzip_level < 0 || o->gzip_level > 9 ||
	    (o->format != CLU_LOG_TSV && o->format != CLU_LOG_JSON) ||
	    (o->suffix && (strchr(o->suffix, '/') || !o->suffix[0]))) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log directory: bad options");
		return STEER_EINVAL;
	}
	struct clu_logdir *d = calloc(1, sizeof(*d));
	if (!d)
		return STEER_ENOMEM;
	d->o = *o;
	d->dir = dupstr(o->dir);
	d->archive = dupstr(o->archive_dir);
	d->suffix = dupstr(o->suffix);
	if (!d->dir || (o->archive_dir && !d->archive) || (o->suffix && !d->suffix)) {
		free_dir(d);
		return STEER_ENOMEM;
	}
	d->o.dir = d->dir;
	d->o.archive_dir = d->archive;
	d->o.suffix = d->suffix;
	if (!d->o.rotate_interval)
		d->o.rotate_interval = CLU_LOGDIR_ROTATE_DEFAULT;
	if (clu__mkdir(d->dir) || (d->archive && clu__mkdir(d->archive))) {
		int rc = ioerr(errbuf, "cannot make log directory",
		               d->archive && errno ? d->archive : d->dir);
		free_dir(d);
		return rc;
	}
	*out = d;
	return 0;
}

static struct ld_stream *find(const struct clu_logdir *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->s[i].path, path) == 0)
			return &d->s[i];
	return NULL;
}

static struct ld_stream *find_or_add(struct clu_logdir *d, const char *path)
{
	struct ld_stream *s = find(d, path);
	if (s)
		return s;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct ld_stream *n = realloc(d->s, cap * sizeof(*n));
		if (!n)
			return NULL;
		d->s = n;
		d->cap = cap;
	}
	s = &d->s[d->n++];
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->fd = -1;
	return s;
}

static void live_name(const struct clu_logdir *d, const char *path, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s.log", d->dir, path);
}

/* Zeek's header: "#separator \x09" with a space, then key TAB value lines. */
static int put_header(struct clu__buf *b, const struct clu_log_stream *st, time_t now)
{
	char ts[32];
	clu__fmt_localtime(now, CLU__TM_HEADER, ts, sizeof(ts));
	const struct clu_log_schema *sc = &st->schema;
	size_t need = 256 + strlen(sc->path) + st->desc_len;
	if (clu__buf_reserve(b, need))
		return STEER_ENOMEM;
	char *p = b->p + b->len;
	p += sprintf(p,
	             "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	             "#unset_field\t-\n#path\t%s\n#open\t%s\n#fields",
	             sc->path, ts);
	for (unsigned i = 0; i < sc->nfields; i++)
		p += sprintf(p, "\t%s", sc->fields[i].name);
	p += sprintf(p, "\n#types");
	for (unsigned i = 0; i < sc->nfields; i++)
		p += sprintf(p, "\t%s", sc->fields[i].type);
	*p++ = '\n';
	b->len = (size_t)(p - b->p);
	return 0;
}

/* Start of the interval now lies in, and the next boundary after now: local midnight +
 * k * interval, counted from the day now is in (as Zeek's calc_next_rotate). */
static time_t day_start(time_t now)
{
	struct tm t;
	if (!localtime_r(&now, &t))
		return now - now % 86400;
	t.tm_hour = t.tm_min = t.tm_sec = 0;
	return mktime(&t);
}

time_t clu_logdir_rotation_after(time_t now, uint32_t interval)
{
	if (!interval)
		interval = CLU_LOGDIR_ROTATE_DEFAULT;
	time_t sod = day_start(now);
	int64_t since = (int64_t)now - (int64_t)sod;
	int64_t k = since >= 0 ? (since + interval - 1) / interval : 0;
	time_t next = sod + (time_t)(k * interval);
	return next > now ? next : now + interval;
}

static time_t interval_start(time_t now, uint32_t interval)
{
	time_t sod = day_start(now);
	int64_t since = (int64_t)now - (int64_t)sod;
	return since >= 0 ? sod + (time_t)(since / interval * interval) : now;
}

static int open_live(struct clu_logdir *d, struct ld_stream *s, const struct clu_log_stream *st,
                     char *errbuf)
{
	char name[4096];
	live_name(d, s->path, name, sizeof(name));
	time_t now = clu__logdir_now(d);
	struct stat sb;
	if ((d->archive || d->keep_foreign) && stat(name, &sb) == 0) {
		/* A file nobody accounts for: never overwrite it, keep it aside. */
		char ts[32], aside[4200];
		clu__fmt_localtime(now, CLU__TM_HEADER, ts, sizeof(ts));
		snprintf(aside, sizeof(aside), "%s.orphan-%s", name, ts);
		if (rename(name, aside))
			return ioerr(errbuf, "cannot move aside", name);
	}
	size_t dl;
	const char *desc = clu_log_stream_descriptor(st, &dl);
	char dummy[STEER_ERRBUF_SIZE];
	if (clu_log_stream_decode(desc, dl, &s->schema, dummy))
		return STEER_ENOMEM;
	s->fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		clu_log_stream_free(s->schema);
		s->schema = NULL;
		return ioerr(errbuf, "cannot create", name);
	}
	if (d->o.fsync)
		clu__fsync_dir(d->dir); /* the new name too must survive a power loss */
	s->len = 0;
	s->pend.len = 0;
	s->created = now;
	s->name_open = s->name_open ? interval_start(now, d->o.rotate_interval) : now;
	if (d->o.format == CLU_LOG_TSV && put_header(&s->pend, st, now))
		return STEER_ENOMEM;
	return 0;
}

static int flush_stream(struct clu_logdir *d, struct ld_stream *s, char *errbuf)
{
	if (s->fd < 0 || s->pend.len == 0)
		return 0;
	if (clu__pwrite_all(s->fd, s->pend.p, s->pend.len, s->len)) {
		char name[4096];
		live_name(d, s->path, name, sizeof(name));
		return ioerr(errbuf, "cannot write", name);
	}
	s->len += s->pend.len;
	s->pend.len = 0;
	if (d->o.fsync)
		fdatasync(s->fd);
	return 0;
}

int clu_logdir_write(struct clu_logdir *d, const struct clu_log_stream *st, const char *lines,
                     size_t len, char *errbuf)
{
	struct ld_stream *s = find_or_add(d, st->schema.path);
	if (!s)
		return STEER_ENOMEM;
	if (s->fd < 0) {
		int rc = open_live(d, s, st, errbuf);
		if (rc)
			return rc;
	} else if (!clu_log_stream_equal(s->schema, st)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "stream %s: fields or types differ from the open %s.log's", s->path,
		         s->path);
		return STEER_EINVAL;
	}
	if (clu__buf_put(&s->pend, lines, len))
		return STEER_ENOMEM;
	return s->pend.len >= FLUSH_AT ? flush_stream(d, s, errbuf) : 0;
}

int clu_logdir_flush(struct clu_logdir *d, char *errbuf)
{
	int rc = 0;
	for (size_t i = 0; i < d->n; i++) {
		int r = flush_stream(d, &d->s[i], errbuf);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

int clu__logdir_flush_path(struct clu_logdir *d, const char *path, char *errbuf)
{
	struct ld_stream *s = find(d, path);
	return s ? flush_stream(d, s, errbuf) : 0;
}

bool clu__logdir_info(const struct clu_logdir *d, const char *path, struct clu__ldinfo *out)
{
	const struct ld_stream *s = find(d, path);
	if (!s)
		return false;
	out->live = s->fd >= 0;
	out->len = s->len + s->pend.len;
	out->created = s->created;
	out->name_open = s->name_open;
	out->schema = s->schema;
	return true;
}

const char *clu__logdir_path_at(const struct clu_logdir *d, size_t i)
{
	return i < d->n ? d->s[i].path : NULL;
}

int clu__logdir_restore(struct clu_logdir *d, const struct clu_log_stream *st, uint64_t len,
                        time_t created, time_t name_open, char *errbuf)
{
	struct ld_stream *s = find_or_add(d, st->schema.path);
	if (!s)
		return STEER_ENOMEM;
	char name[4096];
	live_name(d, s->path, name, sizeof(name));
	if (s->fd >= 0)
		close(s->fd);
	clu_log_stream_free(s->schema);
	s->schema = NULL;
	s->fd = open(name, O_WRONLY | O_CLOEXEC);
	if (s->fd < 0)
		return errno == ENOENT ? STEER_ENOENT : ioerr(errbuf, "cannot open", name);
	struct stat sb;
	if (fstat(s->fd, &sb) || (uint64_t)sb.st_size < len) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "%.300s: %lld bytes, shorter than the %llu the journal committed", name,
		         (long long)sb.st_size, (unsigned long long)len);
		close(s->fd);
		s->fd = -1;
		return STEER_EIO;
	}
	if (ftruncate(s->fd, (off_t)len)) {
		int rc = ioerr(errbuf, "cannot truncate", name);
		close(s->fd);
		s->fd = -1;
		return rc;
	}
	size_t dl;
	const char *desc = clu_log_stream_descriptor(st, &dl);
	char dummy[STEER_ERRBUF_SIZE];
	if (clu_log_stream_decode(desc, dl, &s->schema, dummy)) {
		close(s->fd);
		s->fd = -1;
		return STEER_ENOMEM;
	}
	s->len = len;
	s->pend.len = 0;
	s->created = created;
	s->name_open = name_open;
	return 0;
}

int clu_logdir_archive_name(char *buf, size_t cap, const char *path, time_t open, time_t close,
                            const char *suffix, bool gzip)
{
	char date[32], t0[16], t1[16];
	clu__fmt_localtime(open, CLU__TM_DATE, date, sizeof(date));
	clu__fmt_localtime(open, CLU__TM_CLOCK, t0, sizeof(t0));
	clu__fmt_localtime(close, CLU__TM_CLOCK, t1, sizeof(t1));
	int n = snprintf(buf, cap, "%s/%s.%s-%s%s%s.log%s", date, path, t0, t1, suffix ? "-" : "",
	                 suffix ? suffix : "", gzip ? ".gz" : "");
	return n < 0 || (size_t)n >= cap ? STEER_ERANGE : 0;
}

bool clu__logdir_due(const struct clu_logdir *d, const char *path, time_t now, time_t *close)
{
	const struct ld_stream *s = find(d, path);
	if (!s || s->fd < 0 || !d->archive)
		return false;
	time_t end = clu_logdir_rotation_after(s->name_open, d->o.rotate_interval);
	*close = end;
	return end <= now;
}

int clu__logdir_plan(struct clu_logdir *d, const char *path, time_t close, char *name, size_t cap)
{
	const struct ld_stream *s = find(d, path);
	if (!s || !d->archive)
		return STEER_EINVAL;
	bool gz = d->o.gzip_level > 0;
	if (clu_logdir_archive_name(name, cap, path, s->name_open, close, d->suffix, gz))
		return STEER_ERANGE;
	char full[8192];
	struct stat sb;
	size_t base_len = strlen(name) - (gz ? 7 : 4); /* before ".log[.gz]" */
	for (unsigned k = 1; k < 100000; k++) {
		snprintf(full, sizeof(full), "%s/%s", d->archive, name);
		if (stat(full, &sb) != 0)
			return 0;
		char base[4096];
		snprintf(base, sizeof(base), "%.*s", (int)base_len, name);
		char *dash = k > 1 ? strrchr(base, '-') : NULL;
		if (dash)
			*dash = '\0'; /* drop the previous "-N" */
		int n = snprintf(name, cap, "%s-%u.log%s", base, k, gz ? ".gz" : "");
		if (n < 0 || (size_t)n >= cap)
			return STEER_ERANGE;
		base_len = strlen(name) - (gz ? 7 : 4);
	}
	return STEER_EIO;
}

/* Copies the live file (len bytes) to tmp, gzip-compressed or as it is. */
static int copy_out(struct clu_logdir *d, const char *live, uint64_t len, const char *tmp,
                    char *errbuf)
{
	int in = open(live, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return ioerr(errbuf, "cannot read", live);
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return ioerr(errbuf, "cannot create", tmp);
	}
	gzFile gz = NULL;
	if (d->o.gzip_level > 0) {
		char mode[16];
		snprintf(mode, sizeof(mode), "wb%d", d->o.gzip_level);
		int dupfd = dup(out);
		gz = dupfd >= 0 ? gzdopen(dupfd, mode) : NULL;
		if (!gz) {
			if (dupfd >= 0)
				close(dupfd);
			close(in);
			close(out);
			return ioerr(errbuf, "cannot compress into", tmp);
		}
		gzbuffer(gz, 256 * 1024);
	}
	static char buf[256 * 1024];
	uint64_t off = 0;
	int rc = 0;
	while (off < len && !rc) {
		size_t want = len - off < sizeof(buf) ? (size_t)(len - off) : sizeof(buf);
		ssize_t r = pread(in, buf, want, (off_t)off);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			rc = ioerr(errbuf, "cannot read", live);
			break;
		}
		if (gz ? gzwrite(gz, buf, (unsigned)r) != (int)r
		       : clu__write_all(out, buf, (size_t)r))
			rc = ioerr(errbuf, "cannot write", tmp);
		off += (uint64_t)r;
	}
	if (gz && gzclose(gz) != Z_OK && !rc)
		rc = ioerr(errbuf, "cannot finish", tmp);
	if (!rc && d->o.fsync && fsync(out))
		rc = ioerr(errbuf, "cannot sync", tmp);
	close(in);
	close(out);
	return rc;
}

int clu__logdir_rotate(struct clu_logdir *d, const char *path, time_t close_time, const char *name,
                       bool redo, char *errbuf)
{
	struct ld_stream *s = find(d, path);
	if (!s || s->fd < 0 || !d->archive)
		return 0;
	char live[4096], dst[8192], tmp[8300], date[8192];
	live_name(d, path, live, sizeof(live));
	snprintf(dst, sizeof(dst), "%s/%s", d->archive, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	snprintf(date, sizeof(date), "%s", dst);
	*strrchr(date, '/') = '\0';
	int rc = flush_stream(d, s, errbuf);
	if (rc)
		return rc;
	if (d->o.format == CLU_LOG_TSV) {
		char ts[32], line[64];
		clu__fmt_localtime(close_time, CLU__TM_HEADER, ts, sizeof(ts));
		int n = snprintf(line, sizeof(line), "#close\t%s\n", ts);
		if (clu__pwrite_all(s->fd, line, (size_t)n, s->len))
			return ioerr(errbuf, "cannot write", live);
		s->len += (uint64_t)n;
		if (d->o.fsync)
			fdatasync(s->fd);
	}
	if (clu__mkdir(date))
		return ioerr(errbuf, "cannot make", date);
	if (redo)
		unlink(
		    dst); /* our own archive from before a crash (the journal's intent says so) */
	bool linked = false;
	if (d->o.gzip_level == 0) {
		/* Same filesystem: the complete file takes its final name in one step. */
		if (link(live, dst) == 0)
			linked = true;
		else if (errno != EXDEV)
			return ioerr(errbuf, "cannot archive to", dst);
	}
	if (!linked) {
		rc = copy_out(d, live, s->len, tmp, errbuf);
		if (!rc && rename(tmp, dst))
			rc = ioerr(errbuf, "cannot rename to", dst);
		if (rc) {
			unlink(tmp);
			return rc;
		}
	}
	if (d->o.fsync)
		clu__fsync_dir(date);
	if (unlink(live))
		return ioerr(errbuf, "cannot remove", live);
	if (d->o.fsync)
		clu__fsync_dir(d->dir);
	close(s->fd);
	s->fd = -1;
	s->len = 0;
	clu_log_stream_free(s->schema);
	s->schema = NULL;
	s->name_open = close_time;
	return 0;
}

int clu_logdir_tick(struct clu_logdir *d, char *errbuf)
{
	if (!d->archive)
		return 0;
	time_t now = clu__logdir_now(d), close_time;
	int rc = 0;
	for (size_t i = 0; i < d->n; i++) {
		char name[4096];
		if (!clu__logdir_due(d, d->s[i].path, now, &close_time))
			continue;
		int r = clu__logdir_plan(d, d->s[i].path, close_time, name, sizeof(name));
		if (!r)
			r = clu__logdir_rotate(d, d->s[i].path, close_time, name, false, errbuf);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

time_t clu_logdir_next_rotation(const struct clu_logdir *d)
{
	if (!d->archive)
		return 0;
	time_t next = clu_logdir_rotation_after(clu__logdir_now(d), d->o.rotate_interval);
	for (size_t i = 0; i < d->n; i++) {
		if (d->s[i].fd < 0)
			continue;
		time_t t = clu_logdir_rotation_after(d->s[i].name_open, d->o.rotate_interval);
		if (t < next)
			next = t;
	}
	return next;
}

int clu_logdir_close(struct clu_logdir *d, char *errbuf)
{
	int rc = 0;
	time_t now = clu__logdir_now(d);
	for (size_t i = 0; i < d->n; i++) {
		struct ld_stream *s = &d->s[i];
		if (s->fd < 0)
			continue;
		int r;
		if (d->archive) {
			char name[4096];
			r = clu__logdir_plan(d, s->path, now, name, sizeof(name));
			if (!r)
				r = clu__logdir_rotate(d, s->path, now, name, false, errbuf);
		} else {
			r = flush_stream(d, s, errbuf);
			if (!r && d->o.format == CLU_LOG_TSV) {
				char ts[32], line[64];
				clu__fmt_localtime(now, CLU__TM_HEADER, ts, sizeof(ts));
				int n = snprintf(line, sizeof(line), "#close\t%s\n", ts);
				if (clu__pwrite_all(s->fd, line, (size_t)n, s->len)) {
					char live[4096];
					live_name(d, s->path, live, sizeof(live));
					r = ioerr(errbuf, "cannot write", live);
				}
			}
			if (d->o.fsync)
				fsync(s->fd);
		}
		if (r && !rc)
			rc = r;
	}
	free_dir(d);
	return rc;
}

void clu__logdir_keep_foreign(struct clu_logdir *d)
{
	d->keep_foreign = true;
}

void clu__logdir_abandon(struct clu_logdir *d)
{
	if (d)
		free_dir(d);
}
