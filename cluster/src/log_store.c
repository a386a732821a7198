/* SPDX-License-Identifier: BSD-2-Clause */
/* log_store.c: the logger's durable store: batches appended exactly once across SIGKILLs, by a
 * journal of CRC-framed commit records (file length + sender seq in one write) compacted into
 * a snapshot, with rotation intents so that an interrupted rotation is finished on restart. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <steer/clu_logstore.h>
#include <steer/error.h>

#include "log_int.h"

#define J_MAGIC    0x4c4a5453u /* "STJL" */
#define J_EPOCH    1u
#define J_COMMIT   2u
#define J_INTENT   3u
#define J_DONE     4u
#define J_SENDER   5u /* snapshot only */
#define J_FILE     6u /* snapshot only */
#define J_CREATE   7u /* a live file is about to be created (its first commit follows) */
#define COMPACT_AT (8u << 20)
#define NCACHE     16

struct sender {
	char name[CLU_LOG_MAX_NAME + 1];
	uint64_t inc, h;
};

/* A live file as the journal knows it (recovery only). */
struct jfile {
	char path[CLU_LOG_MAX_NAME + 1];
	uint64_t len, created, name_open;
	char *desc;
	size_t desc_len;
	bool intent;
	uint64_t close;
	char name[512];
};

struct clu_logstore {
	struct clu_logstore_opts o;
	struct clu_logdir *d;
	char *state_dir;
	char jpath[4096], spath[4096];
	int jfd;
	uint64_t jlen, epoch;
	bool broken;
	struct sender *snd;
	size_t nsnd, capsnd;
	struct clu__buf rec, good;
	struct {
		char *desc;
		size_t len;
		struct clu_log_stream *st;
	} cache[NCACHE];
	unsigned cache_next;
	struct clu_logstore_stats stats;
	/* recovery */
	struct jfile *jf;
	size_t njf;
};

static void diag(struct clu_logstore *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void diag(struct clu_logstore *s, const char *fmt, ...)
{
	if (!s->o.diag)
		return;
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->o.diag(s->o.diag_arg, msg);
}

static int ioerr(char *errbuf, const char *what, const char *path)
{
	snprintf(errbuf, STEER_ERRBUF_SIZE, "%s %.300s: %s", what, path, strerror(errno));
	return STEER_EIO;
}

static struct sender *sender_get(struct clu_logstore *s, const char *name, uint64_t inc, bool add)
{
	for (size_t i = 0; i < s->nsnd; i++)
		if (s->snd[i].inc == inc && strcmp(s->snd[i].name, name) == 0)
			return &s->snd[i];
	if (!add)
		return NULL;
	if (s->nsnd == s->capsnd) {
		size_t cap = s->capsnd ? s->capsnd * 2 : 16;
		struct sender *n = realloc(s->snd, cap * sizeof(*n));
		if (!n)
			return NULL;
		s->snd = n;
		s->capsnd = cap;
	}
	struct sender *x = &s->snd[s->nsnd++];
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->inc = inc;
	x->h = 0;
	return x;
}

static struct jfile *jfile_get(struct clu_logstore *s, const char *path)
{
	for (size_t i = 0; i < s->njf; i++)
		if (strcmp(s->jf[i].path, path) == 0)
			return &s->jf[i];
	struct jfile *n = realloc(s->jf, (s->njf + 1) * sizeof(*n));
	if (!n)
		return NULL;
	s->jf = n;
	struct jfile *f = &s->jf[s->njf++];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	return f;
}

static void jfile_drop(struct clu_logstore *s, struct jfile *f)
{
	free(f->desc);
	*f = s->jf[--s->njf];
}

/* The file part of a commit or snapshot record. */
static bool apply_file(struct clu_logstore *s, struct clu__rd *r)
{
	char path[CLU_LOG_MAX_NAME + 1];
	clu__get_str(r, path, CLU_LOG_MAX_NAME);
	uint64_t len = clu__get_u64(r), created = clu__get_u64(r), nopen = clu__get_u64(r);
	size_t dl;
	const char *desc = clu__get_bytes(r, &dl);
	if (r->bad)
		return false;
	if (!path[0])
		return true; /* a batch dropped whole: no file */
	struct jfile *f = jfile_get(s, path);
	if (!f)
		return false;
	f->len = len;
	f->created = created;
	f->name_open = nopen;
	if (dl) {
		free(f->desc);
		f->desc = malloc(dl);
		if (!f->desc)
			return false;
		memcpy(f->desc, desc, dl);
		f->desc_len = dl;
	}
	return true;
}

/* Applies one journal or snapshot record to the recovery state. false: malformed. */
static bool apply(struct clu_logstore *s, const unsigned char *body, size_t blen, uint64_t *epoch)
{
	struct clu__rd r = {body, blen, false};
	uint32_t type = clu__get_u32(&r);
	char name[CLU_LOG_MAX_NAME + 1], path[CLU_LOG_MAX_NAME + 1];
	switch (type) {
	case J_EPOCH:
		*epoch = clu__get_u64(&r);
		return !r.bad;
	case J_SENDER:
	case J_COMMIT: {
		clu__get_str(&r, name, CLU_LOG_MAX_NAME);
		uint64_t inc = clu__get_u64(&r), seq = clu__get_u64(&r);
		if (r.bad || !name[0])
			return false;
		struct sender *x = sender_get(s, name, inc, true);
		if (!x)
			return false;
		x->h = seq;
		return type == J_SENDER || apply_file(s, &r); /* a commit also carries its file */
	}
	case J_FILE:
		return apply_file(s, &r);
	case J_INTENT: {
		clu__get_str(&r, path, CLU_LOG_MAX_NAME);
		uint64_t close = clu__get_u64(&r);
		char aname[512];
		clu__get_str(&r, aname, sizeof(aname) - 1);
		struct jfile *f = r.bad ? NULL : jfile_get(s, path);
		if (!f)
			return false;
		f->intent = true;
		f->close = close;
		snprintf(f->name, sizeof(f->name), "%s", aname);
		return true;
	}
	case J_CREATE: {
		clu__get_str(&r, path, CLU_LOG_MAX_NAME);
		struct jfile *f = r.bad ? NULL : jfile_get(s, path);
		if (!f)
			return false;
		f->len = 0; /* nothing committed yet */
		return true;
	}
	case J_DONE: {
		clu__get_str(&r, path, CLU_LOG_MAX_NAME);
		if (r.bad)
			return false;
		struct jfile *f = jfile_get(s, path);
		if (f)
			jfile_drop(s, f);
		return true;
	}
	default:
		return false;
	}
}

/* Appends one record (built in s->rec) to the journal with one write(2). */
static int journal(struct clu_logstore *s, char *errbuf)
{
	if (clu__write_all(s->jfd, s->rec.p, s->rec.len)) {
		s->broken = true;
		return ioerr(errbuf, "cannot write", s->jpath);
	}
	s->jlen += s->rec.len;
	if (s->o.dir.fsync && fdatasync(s->jfd)) {
		s->broken = true;
		return ioerr(errbuf, "cannot sync", s->jpath);
	}
	return 0;
}

static void rec_file(struct clu__buf *b, const char *path, const struct clu__ldinfo *fi,
                     bool with_desc)
{
	clu__put_str(b, path, strlen(path));
	clu__put_u64(b, fi ? fi->len : 0);
	clu__put_u64(b, fi ? (uint64_t)fi->created : 0);
	clu__put_u64(b, fi ? (uint64_t)fi->name_open : 0);
	size_t dl = 0;
	const char *desc =
	    with_desc && fi && fi->schema ? clu_log_stream_descriptor(fi->schema, &dl) : "";
	clu__put_str(b, desc, dl);
}

/* Writes a snapshot of the whole state under a new epoch and starts an empty journal. */
static int snapshot(struct clu_logstore *s, char *errbuf)
{
	struct clu__buf b = {0};
	uint64_t epoch = s->epoch + 1;
	size_t at = clu__rec_start(&b);
	clu__put_u32(&b, J_EPOCH);
	clu__put_u64(&b, epoch);
	clu__rec_seal(&b, at, J_MAGIC);
	for (size_t i = 0; i < s->nsnd; i++) {
		at = clu__rec_start(&b);
		clu__put_u32(&b, J_SENDER);
		clu__put_str(&b, s->snd[i].name, strlen(s->snd[i].name));
		clu__put_u64(&b, s->snd[i].inc);
		clu__put_u64(&b, s->snd[i].h);
		clu__rec_seal(&b, at, J_MAGIC);
	}
	const char *path;
	for (size_t i = 0; s->d && (path = clu__logdir_path_at(s->d, i)); i++) {
		struct clu__ldinfo fi;
		if (!clu__logdir_info(s->d, path, &fi) || !fi.live)
			continue;
		at = clu__rec_start(&b);
		clu__put_u32(&b, J_FILE);
		rec_file(&b, path, &fi, true);
		clu__rec_seal(&b, at, J_MAGIC);
	}
	if (!b.p) {
		return STEER_ENOMEM;
	}
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->spath);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = 0;
	if (fd < 0 || clu__write_all(fd, b.p, b.len) || (s->o.dir.fsync && fsync(fd)))
		rc = ioerr(errbuf, "cannot write", tmp);
	if (fd >= 0)
		close(fd);
	if (!rc && rename(tmp, s->spath))
		rc = ioerr(errbuf, "cannot rename to", s->spath);
	clu__buf_free(&b);
	if (rc)
		return rc;
	if (s->o.dir.fsync)
		clu__fsync_dir(s->state_dir);
	/* The old journal is now covered by the snapshot (its epoch no longer matches). */
	s->epoch = epoch;
	if (ftruncate(s->jfd, 0) || lseek(s->jfd, 0, SEEK_SET) < 0)
		return ioerr(errbuf, "cannot truncate", s->jpath);
	s->jlen = 0;
	s->rec.len = 0;
	at = clu__rec_start(&s->rec);
	clu__put_u32(&s->rec, J_EPOCH);
	clu__put_u64(&s->rec, epoch);
	clu__rec_seal(&s->rec, at, J_MAGIC);
	return journal(s, errbuf);
}

/* Reads snapshot then journal into the recovery state; the journal's torn tail is ignored. */
static int replay(struct clu_logstore *s, char *errbuf)
{
	struct clu__buf b = {0};
	uint64_t snap_epoch = 0;
	if (clu__read_file(s->spath, &b) == 0) {
		size_t off = 0;
		while (off < b.len) {
			const unsigned char *body;
			size_t blen, n = clu__rec_check((unsigned char *)b.p + off, b.len - off,
			                                J_MAGIC, &body, &blen);
			if (!n || !apply(s, body, blen, &snap_epoch)) {
				clu__buf_free(&b);
				snprintf(errbuf, STEER_ERRBUF_SIZE, "%.300s: corrupt at byte %zu",
				         s->spath, off);
				return STEER_EIO;
			}
			off += n;
		}
	} else if (errno != ENOENT) {
		clu__buf_free(&b);
		return ioerr(errbuf, "cannot read", s->spath);
	}
	s->epoch = snap_epoch;
	b.len = 0;
	if (clu__read_file(s->jpath, &b) == 0) {
		size_t off = 0;
		uint64_t jepoch = UINT64_MAX;
		while (off < b.len) {
			const unsigned char *body;
			size_t blen, n = clu__rec_check((unsigned char *)b.p + off, b.len - off,
			                                J_MAGIC, &body, &blen);
			if (!n)
				break; /* torn by a kill mid-write: the commit did not happen */
			if (off == 0) {
				struct clu__rd r = {body, blen, false};
				if (clu__get_u32(&r) != J_EPOCH ||
				    (jepoch = clu__get_u64(&r), r.bad) || jepoch != snap_epoch)
					break; /* a journal the snapshot already covers */
			} else if (!apply(s, body, blen, &jepoch)) {
				break;
			}
			off += n;
		}
		if (off < b.len && off > 0)
			diag(s, "logstore: %s: ignored %zu bytes after the last whole record",
			     s->jpath, b.len - off);
	} else if (errno != ENOENT) {
		clu__buf_free(&b);
		return ioerr(errbuf, "cannot read", s->jpath);
	}
	clu__buf_free(&b);
	return 0;
}

static int rotate_one(struct clu_logstore *s, const char *path, time_t close, const char *name,
                      bool redo, char *errbuf)
{
	if (!redo) {
		s->rec.len = 0;
		size_t at = clu__rec_start(&s->rec);
		clu__put_u32(&s->rec, J_INTENT);
		clu__put_str(&s->rec, path, strlen(path));
		clu__put_u64(&s->rec, (uint64_t)close);
		clu__put_str(&s->rec, name, strlen(name));
		clu__rec_seal(&s->rec, at, J_MAGIC);
		int rc = journal(s, errbuf);
		if (rc)
			return rc;
	}
	int rc = clu__logdir_rotate(s->d, path, close, name, redo, errbuf);
	if (rc) {
		s->broken = true;
		return rc;
	}
	s->rec.len = 0;
	size_t at = clu__rec_start(&s->rec);
	clu__put_u32(&s->rec, J_DONE);
	clu__put_str(&s->rec, path, strlen(path));
	clu__rec_seal(&s->rec, at, J_MAGIC);
	return journal(s, errbuf);
}

/* Takes the files over as the journal left them: truncated to their committed length, an
 * interrupted rotation finished. */
static int restore(struct clu_logstore *s, char *errbuf)
{
	for (size_t i = 0; i < s->njf; i++) {
		struct jfile *f = &s->jf[i];
		struct clu_log_stream *st = NULL;
		if (f->len == 0 && !f->intent) {
			/* created, never committed: its bytes belong to batches not acknowledged */
			char live[4200];
			snprintf(live, sizeof(live), "%s/%s.log", s->o.dir.dir, f->path);
			if (unlink(live) == 0)
				diag(s, "logstore: removed %s.log, created but never committed",
				     f->path);
			continue;
		}
		if (!f->desc || clu_log_stream_decode(f->desc, f->desc_len, &st, errbuf)) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "%.300s: no valid schema for %s.log",
			         s->jpath, f->path);
			return STEER_EIO;
		}
		char live[4200];
		struct stat sb;
		snprintf(live, sizeof(live), "%s/%s.log", s->o.dir.dir, f->path);
		if (stat(live, &sb) == 0 && (uint64_t)sb.st_size > f->len)
			diag(s, "logstore: %s.log: cutting %llu uncommitted bytes", f->path,
			     (unsigned long long)((uint64_t)sb.st_size - f->len));
		int rc = clu__logdir_restore(s->d, st, f->len, (time_t)f->created,
		                             (time_t)f->name_open, errbuf);
		clu_log_stream_free(st);
		if (rc == STEER_ENOENT) {
			if (f->intent)
				continue; /* the rotation had got past removing the live file */
			diag(s, "logstore: %s.log is gone: its %llu committed bytes are lost",
			     f->path, (unsigned long long)f->len);
			continue;
		}
		if (rc)
			return rc;
		if (f->intent) {
			diag(s, "logstore: finishing the rotation of %s.log into %s", f->path,
			     f->name);
			rc = clu__logdir_rotate(s->d, f->path, (time_t)f->close, f->name, true,
			                        errbuf);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static void free_store(struct clu_logstore *s)
{
	if (s->jfd >= 0)
		close(s->jfd);
	for (size_t i = 0; i < s->njf; i++)
		free(s->jf[i].desc);
	free(s->jf);
	for (unsigned i = 0; i < NCACHE; i++) {
		free(s->cache[i].desc);
		clu_log_stream_free(s->cache[i].st);
	}
	free(s->snd);
	clu__buf_free(&s->rec);
	clu__buf_free(&s->good);
	free(s->state_dir);
	free(s);
}

int clu_logstore_open(const struct clu_logstore_opts *o, struct clu_logstore **out, char *errbuf)
{
	*out = NULL;
	if (!o || !o->state_dir || !o->state_dir[0]) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log store: no state directory");
		return STEER_EINVAL;
	}
	struct clu_logstore *s = calloc(1, sizeof(*s));
	if (!s)
		return STEER_ENOMEM;
	s->jfd = -1;
	s->o = *o;
	size_t n = strlen(o->state_dir) + 1;
	s->state_dir = malloc(n);
	if (!s->state_dir) {
		free_store(s);
		return STEER_ENOMEM;
	}
	memcpy(s->state_dir, o->state_dir, n);
	s->o.state_dir = s->state_dir;
	snprintf(s->jpath, sizeof(s->jpath), "%s/logstore.journal", s->state_dir);
	snprintf(s->spath, sizeof(s->spath), "%s/logstore.snap", s->state_dir);
	int rc;
	if (clu__mkdir(s->state_dir)) {
		rc = ioerr(errbuf, "cannot make", s->state_dir);
		goto fail;
	}
	if ((rc = replay(s, errbuf)))
		goto fail;
	if ((rc = clu_logdir_open(&o->dir, &s->d, errbuf)))
		goto fail;
	clu__logdir_keep_foreign(s->d);
	s->jfd = open(s->jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (s->jfd < 0) {
		rc = ioerr(errbuf, "cannot open", s->jpath);
		goto fail;
	}
	if ((rc = restore(s, errbuf)) || (rc = snapshot(s, errbuf)))
		goto fail;
	for (size_t i = 0; i < s->njf; i++)
		free(s->jf[i].desc);
	free(s->jf);
	s->jf = NULL;
	s->njf = 0;
	if ((rc = clu_logstore_tick(s, errbuf)))
		goto fail;
	*out = s;
	return 0;
fail:
	clu__logdir_abandon(s->d);
	free_store(s);
	return rc;
}

static const struct clu_log_stream *stream_for(struct clu_logstore *s, const char *desc, size_t len,
                                               char *why)
{
	for (unsigned i = 0; i < NCACHE; i++)
		if (s->cache[i].st && s->cache[i].len == len &&
		    memcmp(s->cache[i].desc, desc, len) == 0)
			return s->cache[i].st;
	struct clu_log_stream *st;
	if (clu_log_stream_decode(desc, len, &st, why))
		return NULL;
	char *copy = malloc(len);
	if (!copy) {
		clu_log_stream_free(st);
		snprintf(why, STEER_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	memcpy(copy, desc, len);
	unsigned k = s->cache_next++ % NCACHE;
	free(s->cache[k].desc);
	clu_log_stream_free(s->cache[k].st);
	s->cache[k].desc = copy;
	s->cache[k].len = len;
	s->cache[k].st = st;
	return st;
}

/* Splits the batch into lines, keeps the valid ones (in place when all are). Returns the
 * bytes to write in *out / *out_len and counts. */
static int check_lines(struct clu_logstore *s, const struct clu_logbatch *b,
                       const struct clu_log_stream *st, const char **out, size_t *out_len,
                       uint32_t *good, uint32_t *bad)
{
	enum clu_log_format fmt = s->o.dir.format;
	unsigned nf = st->schema.nfields;
	const char *p = b->lines, *end = b->lines + b->len;
	bool copying = false;
	*good = *bad = 0;
	s->good.len = 0;
	uint32_t lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char why[160];
		lineno++;
		int rc = nl ? clu_logline_check(fmt, nf, p, n, why, sizeof(why))
		            : (snprintf(why, sizeof(why), "no newline at the end"), STEER_EINVAL);
		if (rc) {
			if (!copying) {
				if (clu__buf_put(&s->good, b->lines, (size_t)(p - b->lines)))
					return STEER_ENOMEM;
				copying = true;
			}
			(*bad)++;
			diag(s, "logstore: %s batch %llu (%s) line %u dropped: %s", b->sender,
			     (unsigned long long)b->seq, st->schema.path, lineno, why);
		} else {
			(*good)++;
			if (copying && clu__buf_put(&s->good, p, n + 1))
				return STEER_ENOMEM;
		}
		p += n + (nl != NULL);
	}
	*out = copying ? s->good.p : b->lines;
	*out_len = copying ? s->good.len : b->len;
	return 0;
}

int clu_logstore_append(struct clu_logstore *s, const struct clu_logbatch *b,
                        struct clu_logstore_reply *reply, char *errbuf)
{
	memset(reply, 0, sizeof(*reply));
	if (s->broken) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "log store: failed before; close and reopen it");
		return STEER_EIO;
	}
	size_t nl = b->sender ? strnlen(b->sender, CLU_LOG_MAX_NAME + 1) : 0;
	if (nl == 0 || nl > CLU_LOG_MAX_NAME || b->seq == 0 || b->prev >= b->seq ||
	    (b->len && !b->lines)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log batch: bad sender, seq or prev");
		return STEER_EINVAL;
	}
	struct sender *x = sender_get(s, b->sender, b->incarnation, true);
	if (!x)
		return STEER_ENOMEM;
	if (b->seq <= x->h) {
		reply->verdict = CLU_BATCH_DUP;
		reply->ack = x->h;
		s->stats.batches_dup++;
		return 0;
	}
	if (b->seq != x->h + 1 && b->prev > x->h) {
		reply->verdict = CLU_BATCH_GAP;
		reply->ack = x->h;
		s->stats.batches_gap++;
		return 0;
	}
	if (b->seq > x->h + 1) {
		uint64_t lost = b->seq - x->h - 1;
		s->stats.seqs_lost += lost;
		diag(s,
		     "logstore: %s: seqs %llu-%llu skipped by the sender (unused after a restart, "
		     "or lost with a killed sender)",
		     b->sender, (unsigned long long)(x->h + 1), (unsigned long long)(b->seq - 1));
	}
	char why[STEER_ERRBUF_SIZE];
	const struct clu_log_stream *st = stream_for(s, b->descriptor, b->descriptor_len, why);
	const char *path = "";
	struct clu__ldinfo fi = {0};
	bool new_file = false;
	uint32_t good = 0, bad = b->nlines;
	uint64_t before = 0;
	if (!st) {
		diag(s, "logstore: %s batch %llu dropped: %s", b->sender,
		     (unsigned long long)b->seq, why);
	} else {
		const char *w;
		size_t wlen;
		int rc = check_lines(s, b, st, &w, &wlen, &good, &bad);
		if (rc)
			return rc;
		path = st->schema.path;
		new_file = !clu__logdir_info(s->d, path, &fi) || !fi.live;
		before = new_file ? 0 : fi.len;
		if (new_file && good) {
			/* journalled first, so that recovery removes a file whose first commit
			 * never happened instead of taking it for someone else's */
			s->rec.len = 0;
			size_t at = clu__rec_start(&s->rec);
			clu__put_u32(&s->rec, J_CREATE);
			clu__put_str(&s->rec, path, strlen(path));
			clu__rec_seal(&s->rec, at, J_MAGIC);
			if ((rc = journal(s, errbuf)))
				return rc;
		}
		if (good) {
			rc = clu_logdir_write(s->d, st, w, wlen, why);
			if (rc == STEER_EINVAL) {
				diag(s, "logstore: %s batch %llu dropped: %s", b->sender,
				     (unsigned long long)b->seq, why);
				bad += good;
				good = 0;
				path = "";
			} else if (rc || (rc = clu__logdir_flush_path(s->d, path, errbuf))) {
				if (rc != STEER_EIO)
					snprintf(errbuf, STEER_ERRBUF_SIZE, "%s", why);
				s->broken = true;
				return rc;
			}
		}
		if (path[0] && !clu__logdir_info(s->d, path, &fi))
			path = "";
		if (path[0] && !fi.live)
			path = ""; /* nothing valid and no file yet */
	}
	s->rec.len = 0;
	size_t at = clu__rec_start(&s->rec);
	clu__put_u32(&s->rec, J_COMMIT);
	clu__put_str(&s->rec, b->sender, nl);
	clu__put_u64(&s->rec, b->incarnation);
	clu__put_u64(&s->rec, b->seq);
	rec_file(&s->rec, path, path[0] ? &fi : NULL, new_file);
	clu__rec_seal(&s->rec, at, J_MAGIC);
	int rc = journal(s, errbuf);
	if (rc)
		return rc;
	x->h = b->seq;
	reply->verdict = CLU_BATCH_NEW;
	reply->ack = x->h;
	reply->written = good;
	reply->dropped = bad;
	s->stats.batches_new++;
	s->stats.lines_written += good;
	s->stats.lines_dropped += bad;
	if (good)
		s->stats.bytes_written += fi.len - before;
	if (s->jlen > COMPACT_AT)
		return snapshot(s, errbuf);
	return 0;
}

int clu_logstore_tick(struct clu_logstore *s, char *errbuf)
{
	if (s->broken)
		return STEER_EIO;
	time_t now = clu__logdir_now(s->d), close;
	const char *path;
	for (size_t i = 0; (path = clu__logdir_path_at(s->d, i)); i++) {
		char name[512];
		if (!clu__logdir_due(s->d, path, now, &close))
			continue;
		int rc = clu__logdir_plan(s->d, path, close, name, sizeof(name));
		if (rc || (rc = rotate_one(s, path, close, name, false, errbuf)))
			return rc == STEER_EIO ? rc : STEER_EIO;
	}
	return 0;
}

time_t clu_logstore_next_rotation(const struct clu_logstore *s)
{
	return clu_logdir_next_rotation(s->d);
}

void clu_logstore_stats(const struct clu_logstore *s, struct clu_logstore_stats *out)
{
	*out = s->stats;
}

int clu_logstore_close(struct clu_logstore *s, char *errbuf)
{
	int rc = 0;
	if (!s)
		return 0;
	if (!s->broken && s->o.dir.archive_dir) {
		time_t now = clu__logdir_now(s->d);
		const char *path;
		for (size_t i = 0; !rc && (path = clu__logdir_path_at(s->d, i)); i++) {
			struct clu__ldinfo fi;
			char name[512];
			if (!clu__logdir_info(s->d, path, &fi) || !fi.live)
				continue;
			rc = clu__logdir_plan(s->d, path, now, name, sizeof(name));
			if (!rc)
				rc = rotate_one(s, path, now, name, false, errbuf);
		}
		clu__logdir_abandon(s->d);
	} else if (!s->broken) {
		/* Standalone: #close goes after the committed length; a reopen cuts it and goes on.
		 */
		rc = clu_logdir_close(s->d, errbuf);
	} else {
		clu__logdir_abandon(s->d);
	}
	free_store(s);
	return rc;
}
