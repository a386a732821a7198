/* SPDX-License-Identifier: BSD-2-Clause */
/* log_outbox.c: a sender's outbox: per-stream batching by count and time, per-destination
 * sequence numbers leased from a state file (so a restart never reuses one), held batches in
 * memory up to a bound and then in a CRC-framed spool file that survives restarts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <steer/clu_logoutbox.h>
#include <steer/error.h>

#include "log_int.h"

#define SP_MAGIC   0x50535453u /* "STSP" */
#define SP_BATCH   1u
#define SP_ACK     2u
#define SEQ_LEASE  4096u
#define COMPACT_AT (1u << 20) /* rewrite a spool past this when less than half is held */

struct held {
	uint64_t seq;
	unsigned desc; /* index into ob->descs */
	char *lines;   /* NULL when only in the spool */
	size_t len;
	uint32_t nlines;
	uint64_t spool_off; /* the record's offset, when spooled */
	uint32_t spool_len;
	bool spooled;
};

struct dest {
	char name[CLU_LOG_MAX_NAME + 1];
	uint64_t next_seq, ceiling;
	struct held *q; /* held batches in seq order: q[0..n) */
	size_t n, cap;
	size_t cursor; /* the next one to hand out */
	bool alive;
};

struct obatch {
	const struct clu_log_stream *st;
	unsigned desc;
	struct clu__buf lines;
	uint32_t n;
	int64_t first_us;
};

struct clu_logoutbox {
	struct clu_logoutbox_opts o;
	char sender[CLU_LOG_MAX_NAME + 1];
	uint64_t inc;
	struct dest *d;
	unsigned nd, rr;
	struct obatch *ob;
	size_t nob;
	struct {
		char *p;
		size_t len;
	} * descs;
	unsigned ndesc;
	char spool_path[4096], state_path[4096];
	int spool_fd;
	uint64_t spool_len;
	struct clu__buf rec, scratch;
	struct clu_logoutbox_stats st;
};

static int ioerr(char *errbuf, const char *what, const char *path)
{
	if (errbuf)
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%s %.300s: %s", what, path, strerror(errno));
	return STEER_EIO;
}

static int intern_desc(struct clu_logoutbox *ob, const char *p, size_t len, unsigned *out)
{
	for (unsigned i = 0; i < ob->ndesc; i++)
		if (ob->descs[i].len == len && memcmp(ob->descs[i].p, p, len) == 0) {
			*out = i;
			return 0;
		}
	void *n = realloc(ob->descs, (ob->ndesc + 1) * sizeof(*ob->descs));
	char *c = malloc(len ? len : 1);
	if (!n || !c) {
		if (n)
			ob->descs = n;
		free(c);
		return STEER_ENOMEM;
	}
	ob->descs = n;
	memcpy(c, p, len);
	ob->descs[ob->ndesc].p = c;
	ob->descs[ob->ndesc].len = len;
	*out = ob->ndesc++;
	return 0;
}

/* outbox.state: "incarnation HEX" then "dest NAME CEILING" lines, replaced atomically. */
static int save_state(struct clu_logoutbox *ob, char *errbuf)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", ob->state_path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return ioerr(errbuf, "cannot write", tmp);
	fprintf(f, "incarnation %016llx\n", (unsigned long long)ob->inc);
	for (unsigned i = 0; i < ob->nd; i++)
		fprintf(f, "dest %s %llu\n", ob->d[i].name, (unsigned long long)ob->d[i].ceiling);
	bool bad = fflush(f) != 0 || ferror(f);
	if (fclose(f) || bad || rename(tmp, ob->state_path))
		return ioerr(errbuf, "cannot write", ob->state_path);
	return 0;
}

static int load_state(struct clu_logoutbox *ob, char *errbuf)
{
	FILE *f = fopen(ob->state_path, "r");
	if (!f) {
		if (errno != ENOENT)
			return ioerr(errbuf, "cannot read", ob->state_path);
		int r = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (r < 0 || read(r, &ob->inc, sizeof(ob->inc)) != (ssize_t)sizeof(ob->inc)) {
			if (r >= 0)
				close(r);
			return ioerr(errbuf, "cannot read", "/dev/urandom");
		}
		close(r);
		ob->inc |= 1; /* never 0 */
		return 0;
	}
	char line[256], name[CLU_LOG_MAX_NAME + 2];
	unsigned long long v;
	int lineno = 0, rc = 0;
	bool have_inc = false;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (sscanf(line, "incarnation %llx", &v) == 1 && v) {
			ob->inc = v;
			have_inc = true;
		} else if (sscanf(line, "dest %65s %llu", name, &v) == 2) {
			for (unsigned i = 0; i < ob->nd; i++)
				if (strcmp(ob->d[i].name, name) == 0)
					ob->d[i].ceiling = v;
		} else {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "%.300s:%d: not an outbox state line",
			         ob->state_path, lineno);
			rc = STEER_EIO;
			break;
		}
	}
	fclose(f);
	if (!rc && !have_inc) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "%.300s: no incarnation", ob->state_path);
		rc = STEER_EIO;
	}
	return rc;
}

static struct dest *dest_by_name(struct clu_logoutbox *ob, const char *name)
{
	for (unsigned i = 0; i < ob->nd; i++)
		if (strcmp(ob->d[i].name, name) == 0)
			return &ob->d[i];
	return NULL;
}

static int push_held(struct dest *d, const struct held *h)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct held *q = realloc(d->q, cap * sizeof(*q));
		if (!q)
			return STEER_ENOMEM;
		d->q = q;
		d->cap = cap;
	}
	d->q[d->n++] = *h;
	return 0;
}

/* Frees the held batches of d with seq <= ack. Returns whether a spooled one was among them. */
static bool pop_acked(struct clu_logoutbox *ob, struct dest *d, uint64_t ack)
{
	size_t k = 0;
	bool spooled = false;
	while (k < d->n && d->q[k].seq <= ack) {
		struct held *h = &d->q[k];
		ob->st.batches_acked++;
		ob->st.records_acked += h->nlines;
		ob->st.held_batches--;
		ob->st.held_bytes -= h->len;
		if (h->lines) {
			ob->st.mem_bytes -= h->len;
			free(h->lines);
		}
		spooled |= h->spooled;
		k++;
	}
	if (k)
		memmove(d->q, d->q + k, (d->n - k) * sizeof(*d->q));
	d->n -= k;
	d->cursor = d->cursor > k ? d->cursor - k : 0;
	return spooled;
}

/* Appends a record built in ob->rec to the spool; *off gets its offset. */
static int spool_append(struct clu_logoutbox *ob, uint64_t *off)
{
	if (clu__pwrite_all(ob->spool_fd, ob->rec.p, ob->rec.len, ob->spool_len))
		return STEER_EIO;
	if (off)
		*off = ob->spool_len;
	ob->spool_len += ob->rec.len;
	ob->st.spool_bytes = ob->spool_len;
	return 0;
}

static void rec_batch(struct clu_logoutbox *ob, const struct dest *d, const struct held *h,
                      const char *lines)
{
	ob->rec.len = 0;
	size_t at = clu__rec_start(&ob->rec);
	clu__put_u32(&ob->rec, SP_BATCH);
	clu__put_str(&ob->rec, d->name, strlen(d->name));
	clu__put_u64(&ob->rec, h->seq);
	clu__put_str(&ob->rec, ob->descs[h->desc].p, ob->descs[h->desc].len);
	clu__put_u32(&ob->rec, h->nlines);
	clu__put_str(&ob->rec, lines, h->len);
	clu__rec_seal(&ob->rec, at, SP_MAGIC);
}

static int spool_held(struct clu_logoutbox *ob, struct dest *d, struct held *h)
{
	rec_batch(ob, d, h, h->lines);
	if (!ob->rec.p)
		return STEER_ENOMEM;
	int rc = spool_append(ob, &h->spool_off);
	if (rc)
		return rc;
	h->spool_len = (uint32_t)ob->rec.len;
	h->spooled = true;
	return 0;
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct held *)a)->seq, y = ((const struct held *)b)->seq;
	return x < y ? -1 : x > y;
}

/* Reads the spool back (at open). Batches were appended in seal order, and those still in
 * memory at close after them: each queue is sorted, then the highest ack recorded applies
 * (acks are cumulative). A torn tail is cut off. */
static int load_spool(struct clu_logoutbox *ob, char *errbuf)
{
	struct clu__buf b = {0};
	uint64_t max_ack[64] = {0};
	if (clu__read_file(ob->spool_path, &b)) {
		if (errno == ENOENT)
			return 0;
		return ioerr(errbuf, "cannot read", ob->spool_path);
	}
	size_t off = 0;
	int rc = 0;
	while (off < b.len && !rc) {
		const unsigned char *body;
		size_t blen, n = clu__rec_check((unsigned char *)b.p + off, b.len - off, SP_MAGIC,
		                                &body, &blen);
		if (!n)
			break;
		struct clu__rd r = {body, blen, false};
		char name[CLU_LOG_MAX_NAME + 1];
		uint32_t type = clu__get_u32(&r);
		clu__get_str(&r, name, CLU_LOG_MAX_NAME);
		uint64_t seq = clu__get_u64(&r);
		struct dest *d = dest_by_name(ob, name);
		if (type == SP_ACK && !r.bad) {
			if (d && seq > max_ack[d - ob->d])
				max_ack[d - ob->d] = seq;
		} else if (type == SP_BATCH) {
			size_t dl, ll;
			const char *desc = clu__get_bytes(&r, &dl);
			uint32_t nlines = clu__get_u32(&r);
			clu__get_bytes(&r, &ll);
			if (r.bad)
				break;
			if (!d) {
				ob->st.spool_discarded++;
			} else {
				struct held h = {.seq = seq,
				                 .len = ll,
				                 .nlines = nlines,
				                 .spool_off = off,
				                 .spool_len = (uint32_t)n,
				                 .spooled = true};
				rc = intern_desc(ob, desc, dl, &h.desc);
				if (!rc)
					rc = push_held(d, &h);
				if (!rc) {
					ob->st.held_batches++;
					ob->st.held_bytes += ll;
				}
			}
		} else {
			break;
		}
		off += n;
	}
	clu__buf_free(&b);
	if (rc)
		return rc;
	for (unsigned i = 0; i < ob->nd; i++) {
		struct dest *d = &ob->d[i];
		if (d->n > 1)
			qsort(d->q, d->n, sizeof(*d->q), by_seq);
		size_t w = 0;
		for (size_t k = 0; k < d->n; k++) /* a batch spooled twice counts once */
			if (w == 0 || d->q[w - 1].seq != d->q[k].seq)
				d->q[w++] = d->q[k];
			else
				ob->st.held_batches--, ob->st.held_bytes -= d->q[k].len;
		d->n = w;
		pop_acked(ob, d, max_ack[i]);
	}
	ob->st.batches_acked = ob->st.records_acked = 0;
	ob->spool_len = off; /* anything after is a torn write: overwritten from here */
	ob->st.spool_bytes = off;
	if (ftruncate(ob->spool_fd, (off_t)off))
		return ioerr(errbuf, "cannot truncate", ob->spool_path);
	return 0;
}

static void free_outbox(struct clu_logoutbox *ob)
{
	for (unsigned i = 0; i < ob->nd; i++) {
		for (size_t k = 0; k < ob->d[i].n; k++)
			free(ob->d[i].q[k].lines);
		free(ob->d[i].q);
	}
	free(ob->d);
	for (size_t i = 0; i < ob->nob; i++)
		clu__buf_free(&ob->ob[i].lines);
	free(ob->ob);
	for (unsigned i = 0; i < ob->ndesc; i++)
		free(ob->descs[i].p);
	free(ob->descs);
	if (ob->spool_fd >= 0)
		close(ob->spool_fd);
	clu__buf_free(&ob->rec);
	clu__buf_free(&ob->scratch);
	free(ob);
}

int clu_logoutbox_open(const struct clu_logoutbox_opts *o, struct clu_logoutbox **out, char *errbuf)
{
	*out = NULL;
	if (!o || !o->workdir || !o->sender || !o->sender[0] ||
	    strlen(o->sender) > CLU_LOG_MAX_NAME || !o->dests || o->ndests == 0 || o->ndests > 64) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "log outbox: bad options");
		return STEER_EINVAL;
	}
	for (unsigned i = 0; i < o->ndests; i++)
		if (!o->dests[i] || !o->dests[i][0] || strlen(o->dests[i]) > CLU_LOG_MAX_NAME ||
		    strpbrk(o->dests[i], " \t\n")) {
			snprintf(errbuf, STEER_ERRBUF_SIZE, "log outbox: bad destination name %u",
			         i + 1);
			return STEER_EINVAL;
		}
	struct clu_logoutbox *ob = calloc(1, sizeof(*ob));
	if (!ob)
		return STEER_ENOMEM;
	ob->spool_fd = -1;
	ob->o = *o;
	ob->o.dests = NULL; /* copied below */
	if (!ob->o.max_records)
		ob->o.max_records = 1000;
	if (ob->o.max_delay_us <= 0)
		ob->o.max_delay_us = 1000000;
	if (!ob->o.spool_limit)
		ob->o.spool_limit = 1ull << 30;
	snprintf(ob->sender, sizeof(ob->sender), "%s", o->sender);
	ob->d = calloc(o->ndests, sizeof(*ob->d));
	if (!ob->d) {
		free_outbox(ob);
		return STEER_ENOMEM;
	}
	ob->nd = o->ndests;
	for (unsigned i = 0; i < ob->nd; i++) {
		snprintf(ob->d[i].name, sizeof(ob->d[i].name), "%s", o->dests[i]);
		ob->d[i].alive = true;
	}
	snprintf(ob->state_path, sizeof(ob->state_path), "%s/outbox.state", o->workdir);
	snprintf(ob->spool_path, sizeof(ob->spool_path), "%s/outbox.spool", o->workdir);
	int rc = load_state(ob, errbuf);
	if (rc)
		goto fail;
	/* Seqs up to the old ceiling may have been used: start above it, lease anew. */
	for (unsigned i = 0; i < ob->nd; i++) {
		ob->d[i].next_seq = ob->d[i].ceiling + 1;
		ob->d[i].ceiling += SEQ_LEASE;
	}
	if ((rc = save_state(ob, errbuf)))
		goto fail;
	ob->spool_fd = open(ob->spool_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (ob->spool_fd < 0) {
		rc = ioerr(errbuf, "cannot open", ob->spool_path);
		goto fail;
	}
	if ((rc = load_spool(ob, errbuf)))
		goto fail;
	*out = ob;
	return 0;
fail:
	free_outbox(ob);
	return rc;
}

static struct obatch *open_batch(struct clu_logoutbox *ob, const struct clu_log_stream *st)
{
	for (size_t i = 0; i < ob->nob; i++)
		if (ob->ob[i].st == st)
			return &ob->ob[i];
	size_t dl;
	const char *desc = clu_log_stream_descriptor(st, &dl);
	unsigned di;
	if (intern_desc(ob, desc, dl, &di))
		return NULL;
	for (size_t i = 0; i < ob->nob; i++)
		if (ob->ob[i].desc == di) {
			ob->ob[i].st = st; /* another handle of the same stream */
			return &ob->ob[i];
		}
	struct obatch *n = realloc(ob->ob, (ob->nob + 1) * sizeof(*n));
	if (!n)
		return NULL;
	ob->ob = n;
	struct obatch *b = &ob->ob[ob->nob++];
	memset(b, 0, sizeof(*b));
	b->st = st;
	b->desc = di;
	return b;
}

static int seal(struct clu_logoutbox *ob, struct obatch *b)
{
	if (b->n == 0)
		return 0;
	unsigned k = 0;
	for (unsigned i = 0; i < ob->nd; i++) {
		unsigned c = (ob->rr + i) % ob->nd;
		if (ob->d[c].alive) {
			k = c;
			break;
		}
	}
	ob->rr = (k + 1) % ob->nd;
	struct dest *d = &ob->d[k];
	if (d->next_seq > d->ceiling) {
		d->ceiling = d->next_seq - 1 + SEQ_LEASE;
		int rc = save_state(ob, NULL);
		if (rc)
			return rc;
	}
	struct held h = {.seq = d->next_seq, .desc = b->desc, .len = b->lines.len, .nlines = b->n};
	bool to_spool = ob->st.mem_bytes + h.len > ob->o.mem_limit;
	if (to_spool) {
		h.lines = b->lines.p;
		int rc = spool_held(ob, d, &h);
		h.lines = NULL;
		if (rc)
			return rc;
		b->lines.len = 0; /* the buffer is reused */
	} else {
		h.lines = b->lines.p; /* the buffer moves to the held batch */
		b->lines.p = NULL;
		b->lines.len = b->lines.cap = 0;
		ob->st.mem_bytes += h.len;
	}
	int rc = push_held(d, &h);
	if (rc) {
		free(h.lines);
		return rc;
	}
	d->next_seq++;
	ob->st.batches_sealed++;
	ob->st.held_batches++;
	ob->st.held_bytes += h.len;
	b->n = 0;
	return 0;
}

int clu_logoutbox_add(struct clu_logoutbox *ob, const struct clu_log_stream *st, const char *line,
                      size_t len, int64_t now_us)
{
	if (ob->st.mem_bytes >= ob->o.mem_limit && ob->spool_len >= ob->o.spool_limit) {
		ob->st.records_refused++;
		return STEER_EFULL;
	}
	struct obatch *b = open_batch(ob, st);
	if (!b || clu__buf_put(&b->lines, line, len))
		return STEER_ENOMEM;
	if (b->n++ == 0)
		b->first_us = now_us;
	ob->st.records_added++;
	return b->n >= ob->o.max_records ? seal(ob, b) : 0;
}

bool clu_logoutbox_flush_due(const struct clu_logoutbox *ob, int64_t now_us)
{
	return now_us >= clu_logoutbox_deadline(ob);
}

int64_t clu_logoutbox_deadline(const struct clu_logoutbox *ob)
{
	int64_t t = INT64_MAX;
	for (size_t i = 0; i < ob->nob; i++)
		if (ob->ob[i].n && ob->ob[i].first_us + ob->o.max_delay_us < t)
			t = ob->ob[i].first_us + ob->o.max_delay_us;
	return t;
}

int clu_logoutbox_flush(struct clu_logoutbox *ob, int64_t now_us, bool all)
{
	for (size_t i = 0; i < ob->nob; i++) {
		struct obatch *b = &ob->ob[i];
		if (b->n && (all || now_us >= b->first_us + ob->o.max_delay_us)) {
			int rc = seal(ob, b);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void clu_logoutbox_set_alive(struct clu_logoutbox *ob, unsigned dest, bool alive)
{
	if (dest < ob->nd)
		ob->d[dest].alive = alive;
}

int clu_logoutbox_next(struct clu_logoutbox *ob, unsigned dest, struct clu_logbatch *b)
{
	if (dest >= ob->nd || ob->d[dest].cursor >= ob->d[dest].n)
		return 0;
	struct dest *d = &ob->d[dest];
	struct held *h = &d->q[d->cursor];
	const char *lines = h->lines;
	if (!lines) {
		ob->scratch.len = 0;
		if (clu__buf_reserve(&ob->scratch, h->spool_len))
			return STEER_ENOMEM;
		ssize_t r = pread(ob->spool_fd, ob->scratch.p, h->spool_len, (off_t)h->spool_off);
		const unsigned char *body;
		size_t blen;
		if (r != (ssize_t)h->spool_len ||
		    !clu__rec_check((unsigned char *)ob->scratch.p, h->spool_len, SP_MAGIC, &body,
		                    &blen))
			return STEER_EIO;
		struct clu__rd rd = {body, blen, false};
		char name[CLU_LOG_MAX_NAME + 1];
		size_t dl, ll;
		clu__get_u32(&rd);
		clu__get_str(&rd, name, CLU_LOG_MAX_NAME);
		clu__get_u64(&rd);
		clu__get_bytes(&rd, &dl);
		clu__get_u32(&rd);
		lines = clu__get_bytes(&rd, &ll);
		if (rd.bad || ll != h->len)
			return STEER_EIO;
	}
	*b = (struct clu_logbatch){
	    .sender = ob->sender,
	    .incarnation = ob->inc,
	    .seq = h->seq,
	    .prev = d->cursor ? d->q[d->cursor - 1].seq : 0,
	    .descriptor = ob->descs[h->desc].p,
	    .descriptor_len = ob->descs[h->desc].len,
	    .lines = lines,
	    .len = h->len,
	    .nlines = h->nlines,
	};
	d->cursor++;
	return 1;
}

void clu_logoutbox_rewind(struct clu_logoutbox *ob, unsigned dest)
{
	if (dest < ob->nd)
		ob->d[dest].cursor = 0;
}

/* Rewrites the spool with only the batches still held (when it is mostly dead). */
static int compact(struct clu_logoutbox *ob)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", ob->spool_path);
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return STEER_EIO;
	uint64_t off = 0;
	for (unsigned i = 0; i < ob->nd; i++)
		for (size_t k = 0; k < ob->d[i].n; k++) {
			struct held *h = &ob->d[i].q[k];
			if (!h->spooled)
				continue;
			if (clu__buf_reserve(&ob->scratch, h->spool_len) ||
			    pread(ob->spool_fd, ob->scratch.p, h->spool_len, (off_t)h->spool_off) !=
			        (ssize_t)h->spool_len ||
			    clu__pwrite_all(fd, ob->scratch.p, h->spool_len, off)) {
				close(fd);
				unlink(tmp);
				return STEER_EIO;
			}
			h->spool_off = off;
			off += h->spool_len;
		}
	if (rename(tmp, ob->spool_path)) {
		close(fd);
		unlink(tmp);
		return STEER_EIO;
	}
	close(ob->spool_fd);
	ob->spool_fd = fd;
	ob->spool_len = off;
	ob->st.spool_bytes = off;
	return 0;
}

int clu_logoutbox_ack(struct clu_logoutbox *ob, unsigned dest, uint64_t incarnation, uint64_t ack,
                      bool gap)
{
	if (dest >= ob->nd || incarnation != ob->inc)
		return 0;
	struct dest *d = &ob->d[dest];
	bool spooled = pop_acked(ob, d, ack);
	if (gap)
		d->cursor = 0;
	if (!spooled)
		return 0;
	uint64_t live = 0;
	for (unsigned i = 0; i < ob->nd; i++)
		for (size_t k = 0; k < ob->d[i].n; k++)
			live += ob->d[i].q[k].spooled ? ob->d[i].q[k].spool_len : 0;
	if (live == 0) {
		if (ftruncate(ob->spool_fd, 0))
			return STEER_EIO;
		ob->spool_len = 0;
		ob->st.spool_bytes = 0;
		return 0;
	}
	if (ob->spool_len > COMPACT_AT && live < ob->spool_len / 2)
		return compact(ob);
	/* Remember the ack, so that a restart does not send these again. */
	ob->rec.len = 0;
	size_t at = clu__rec_start(&ob->rec);
	clu__put_u32(&ob->rec, SP_ACK);
	clu__put_str(&ob->rec, d->name, strlen(d->name));
	clu__put_u64(&ob->rec, ack);
	clu__rec_seal(&ob->rec, at, SP_MAGIC);
	return spool_append(ob, NULL);
}

void clu_logoutbox_stats(const struct clu_logoutbox *ob, struct clu_logoutbox_stats *out)
{
	*out = ob->st;
}

uint64_t clu_logoutbox_incarnation(const struct clu_logoutbox *ob)
{
	return ob->inc;
}

int clu_logoutbox_close(struct clu_logoutbox *ob, char *errbuf)
{
	if (!ob)
		return 0;
	int rc = clu_logoutbox_flush(ob, 0, true);
	for (unsigned i = 0; !rc && i < ob->nd; i++)
		for (size_t k = 0; !rc && k < ob->d[i].n; k++) {
			struct held *h = &ob->d[i].q[k];
			if (!h->spooled)
				rc = spool_held(ob, &ob->d[i], h);
		}
	if (rc && errbuf)
		snprintf(errbuf, STEER_ERRBUF_SIZE, "cannot spool into %.300s", ob->spool_path);
	if (!rc) {
		/* A clean stop knows exactly which seqs it used: the next start goes on from there
		 * (after a kill it starts above the lease, and the logger hears of a gap). */
		for (unsigned i = 0; i < ob->nd; i++)
			ob->d[i].ceiling = ob->d[i].next_seq - 1;
		rc = save_state(ob, errbuf);
	}
	free_outbox(ob);
	return rc;
}
