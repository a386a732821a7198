/* SPDX-License-Identifier: BSD-2-Clause */
/* pcap_write.c: writing classic pcap files (tcpdump.org/manpages/pcap-savefile.5): steer's own
 * buffered record writer, or libpcap's pcap_dump() on request. */
#define _GNU_SOURCE /* pcap.h needs the BSD u_int types */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <pcap.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

#include "cap_int.h"

/* Large writes: one write(2) per MiB keeps the system-call cost per packet negligible. */
#define WBUF_SIZE (1u << 20)
/* Pieces gathered for one writev(2): runs of the buffer and of raw records
 * (cap_writer_write_raw), in file order. */
#define WIOV_MAX 256

/* cap_writer_set_async: a thread that writes one batch of pieces at a time. */
struct wthread {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool busy, quit; /* a batch is being written; the thread is to end */
	int fd;
	int err;         /* first write error, 0 if none */
	struct iovec iov[WIOV_MAX];
	int niov;
	size_t total;
	uint8_t *spare;  /* the writer's other buffer (the batch may point into the current one) */
};

struct cap_writer {
	char *path;
	int fd;
	uint8_t *buf;
	size_t used;
	struct iovec iov[WIOV_MAX];
	int niov;
	size_t pending; /* bytes in iov[0..niov) */
	uint64_t count;
	int err_no; /* first write error, 0 if none */
	/* CAP_WRITE_LIBPCAP */
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	uint8_t *scratch;
	enum cap_precision prec;
	struct wthread *th; /* cap_writer_set_async */
};

/* Writes iov[0..n) (total bytes) whole, across short writes; returns 0 or an errno. */
static int writev_all(int fd, struct iovec *iov, int n, size_t total)
{
	while (total) {
		ssize_t k = n == 1 ? write(fd, iov->iov_base, iov->iov_len) : writev(fd, iov, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		total -= (size_t)k;
		while (n && (size_t)k >= iov->iov_len) {
			k -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	return 0;
}

/* Queues len bytes at p for the next writev: they extend the last piece when adjacent to it.
 * The caller has made room (niov < WIOV_MAX). */
static inline void queue(struct cap_writer *w, const void *p, size_t len)
{
	struct iovec *last = w->niov ? &w->iov[w->niov - 1] : NULL;
	if (last && (const uint8_t *)last->iov_base + last->iov_len == p)
		last->iov_len += len;
	else
		w->iov[w->niov++] = (struct iovec){(void *)(uintptr_t)p, len};
	w->pending += len;
}

static void *wthread_main(void *arg)
{
	struct wthread *t = arg;
	pthread_mutex_lock(&t->mu);
	for (;;) {
		while (!t->busy && !t->quit)
			pthread_cond_wait(&t->cv, &t->mu);
		if (!t->busy)
			break;
		/* The batch is the thread's until busy is cleared: no lock needed to write it. */
		pthread_mutex_unlock(&t->mu);
		int e = writev_all(t->fd, t->iov, t->niov, t->total);
		pthread_mutex_lock(&t->mu);
		if (e && !t->err)
			t->err = e;
		t->busy = false;
		pthread_cond_broadcast(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

/* Waits for the thread's batch to be written (locked); takes over its error. */
static void wthread_idle(struct cap_writer *w)
{
	struct wthread *t = w->th;
	while (t->busy)
		pthread_cond_wait(&t->cv, &t->mu);
	if (t->err && !w->err_no)
		w->err_no = t->err;
}

/* Writes the queued pieces: hands them to the thread once it has written the previous batch,
 * or writes them now (synchronous writer). Then the queue and the buffer are free again. */
static void write_queued(struct cap_writer *w)
{
	struct wthread *t = w->th;
	if (t) {
		pthread_mutex_lock(&t->mu);
		wthread_idle(w);
		if (w->niov && !w->err_no) {
			memcpy(t->iov, w->iov, (size_t)w->niov * sizeof(w->iov[0]));
			t->niov = w->niov;
			t->total = w->pending;
			t->busy = true;
			pthread_cond_broadcast(&t->cv);
			uint8_t *b = w->buf; /* the batch may point into it */
			w->buf = t->spare;
			t->spare = b;
		}
		pthread_mutex_unlock(&t->mu);
	} else if (w->niov && !w->err_no) {
		w->err_no = writev_all(w->fd, w->iov, w->niov, w->pending);
	}
	w->niov = 0;
	w->pending = 0;
	w->used = 0;
}

/* Ends the thread after its last batch. */
static void wthread_stop(struct cap_writer *w)
{
	struct wthread *t = w->th;
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	wthread_idle(w);
	t->quit = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->tid, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t->spare);
	free(t);
	w->th = NULL;
}

int cap_writer_set_async(struct cap_writer *w)
{
	if (w->dumper)
		return STEER_EINVAL;
	if (w->th)
		return 0;
	struct wthread *t = calloc(1, sizeof(*t));
	if (!t || !(t->spare = malloc(WBUF_SIZE))) {
		free(t);
		return STEER_ENOMEM;
	}
	t->fd = w->fd;
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t->spare);
		free(t);
		return STEER_EIO;
	}
	if (pthread_cond_init(&t->cv, NULL) != 0) {
		pthread_mutex_destroy(&t->mu);
		free(t->spare);
		free(t);
		return STEER_EIO;
	}
	/* The caller's signals stay with the caller's threads. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&t->tid, NULL, wthread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		free(t->spare);
		free(t);
		return STEER_EIO;
	}
	w->th = t;
	return 0;
}

void cap_writer_release(struct cap_writer *w)
{
	if (w->dumper)
		cap_writer_flush(w, NULL);
	else
		write_queued(w);
}

static void writer_free(struct cap_writer *w)
{
	free(w->path);
	free(w->buf);
	free(w->scratch);
	free(w);
}

static int open_libpcap(struct cap_writer *w, int linktype, uint32_t snaplen, char *errbuf)
{
	w->fp = fdopen(w->fd, "wb");
	if (!w->fp) {
		cap__seterr(errbuf, "%s: %s", w->path, strerror(errno));
		return STEER_EIO;
	}
	w->fd = -1; /* the stream owns it now */
	setvbuf(w->fp, NULL, _IOFBF, WBUF_SIZE);
	w->dead = pcap_open_dead_with_tstamp_precision(
		cap__linktype_to_dlt(linktype), (int)snaplen,
		w->prec == CAP_TS_NANO ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	w->scratch = malloc(CAP_MAX_SNAPLEN + 64);
	if (!w->dead || !w->scratch) {
		cap__seterr(errbuf, "%s: out of memory", w->path);
		return STEER_ENOMEM;
	}
	w->dumper = pcap_dump_fopen(w->dead, w->fp);
	if (!w->dumper) {
		cap__seterr(errbuf, "%s: %s", w->path, pcap_geterr(w->dead));
		return STEER_EIO;
	}
	w->fp = NULL; /* the dumper owns it now */
	return 0;
}

int cap_writer_open(const char *path, int linktype, uint32_t snaplen, enum cap_precision prec,
                    unsigned flags, struct cap_writer **out, char *errbuf)
{
	*out = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		cap__seterr(errbuf, "%s: %s", path, strerror(errno));
		return STEER_EIO;
	}
	return cap_writer_open_fd(fd, path, linktype, snaplen, prec, flags, out, errbuf);
}

int cap_writer_open_fd(int fd, const char *name, int linktype, uint32_t snaplen,
                       enum cap_precision prec, unsigned flags, struct cap_writer **out,
                       char *errbuf)
{
	*out = NULL;
	struct cap_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(name))) {
		free(w);
		close(fd);
		cap__seterr(errbuf, "%s: out of memory", name);
		return STEER_ENOMEM;
	}
	w->fd = fd;
	w->prec = prec;
	if (snaplen == 0 || snaplen > CAP_MAX_SNAPLEN)
		snaplen = CAP_MAX_SNAPLEN;
	if (flags & CAP_WRITE_LIBPCAP) {
		int rc = open_libpcap(w, linktype, snaplen, errbuf);
		if (rc) {
			if (w->dumper)
				pcap_dump_close(w->dumper);
			else if (w->fp)
				fclose(w->fp);
			else
				close(w->fd);
			if (w->dead)
				pcap_close(w->dead);
			writer_free(w);
			return rc;
		}
		*out = w;
		return 0;
	}
	w->buf = malloc(WBUF_SIZE);
	if (!w->buf) {
		cap__seterr(errbuf, "%s: out of memory", name);
		close(w->fd);
		writer_free(w);
		return STEER_ENOMEM;
	}
	/* pcap-savefile(5): magic, version 2.4, thiszone 0, sigfigs 0, snaplen, link type;
	 * host byte order, as readers detect it from the magic. */
	uint32_t hdr[6] = {prec == CAP_TS_NANO ? 0xa1b23c4du : 0xa1b2c3d4u, 0, 0, 0, snaplen,
	                   (uint32_t)linktype};
	uint16_t ver[2] = {2, 4};
	memcpy(&hdr[1], ver, 4);
	memcpy(w->buf, hdr, sizeof(hdr));
	w->used = sizeof(hdr);
	queue(w, w->buf, sizeof(hdr));
	/* Written at once so that an output that never gets a packet is still a valid capture. */
	if (cap_writer_flush(w, errbuf) != 0) {
		close(w->fd);
		writer_free(w);
		return STEER_EIO;
	}
	*out = w;
	return 0;
}

int cap_writer_flush(struct cap_writer *w, char *errbuf)
{
	if (w->dumper) {
		/* stdio may have failed a write already (then fflush has nothing left to fail) */
		if ((pcap_dump_flush(w->dumper) != 0 || ferror(pcap_dump_file(w->dumper))) &&
		    !w->err_no)
			w->err_no = errno ? errno : EIO;
	} else {
		write_queued(w);
		if (w->th) {
			pthread_mutex_lock(&w->th->mu);
			wthread_idle(w);
			pthread_mutex_unlock(&w->th->mu);
		}
	}
	if (w->err_no) {
		cap__seterr(errbuf, "%s: %s", w->path, strerror(w->err_no));
		return STEER_EIO;
	}
	return 0;
}

int cap_writer_writev(struct cap_writer *w, const struct cap_pkthdr *h, const struct cap_iov *iov,
                      int n)
{
	size_t total = 0;
	for (int i = 0; i < n; i++)
		total += iov[i].len;
	if (total > CAP_MAX_SNAPLEN + 64)
		return STEER_EINVAL;
	if (w->err_no)
		return STEER_EIO;
	if (w->dumper) {
		uint8_t *p = w->scratch;
		for (int i = 0; i < n; i++) {
			memcpy(p, iov[i].base, iov[i].len);
			p += iov[i].len;
		}
		struct pcap_pkthdr ph = {.caplen = (bpf_u_int32)total, .len = h->len};
		ph.ts.tv_sec = (time_t)h->ts_sec;
		ph.ts.tv_usec = (suseconds_t)h->ts_frac; /* nanoseconds for a nanosecond dumper */
		pcap_dump((u_char *)w->dumper, &ph, w->scratch);
		/* pcap_dump says nothing of a failed write: stdio's error flag does */
		if (ferror(pcap_dump_file(w->dumper))) {
			if (!w->err_no)
				w->err_no = errno ? errno : EIO;
			return STEER_EIO;
		}
		w->count++;
		return 0;
	}
	if (WBUF_SIZE - w->used < 16 + total || w->niov == WIOV_MAX) {
		write_queued(w);
		if (w->err_no)
			return STEER_EIO;
	}
	uint32_t rec[4] = {(uint32_t)h->ts_sec, h->ts_frac, (uint32_t)total, h->len};
	uint8_t *start = w->buf + w->used, *p = start;
	memcpy(p, rec, 16);
	p += 16;
	for (int i = 0; i < n; i++) {
		memcpy(p, iov[i].base, iov[i].len);
		p += iov[i].len;
	}
	w->used += 16 + total;
	queue(w, start, 16 + total);
	w->count++;
	return 0;
}

bool cap_writer_raw_ok(const struct cap_writer *w, const struct cap_reader *r)
{
	return !w->dumper && cap_reader_raw(r) && cap_reader_precision(r) == w->prec;
}

int cap_writer_write_raw(struct cap_writer *w, const void *recs, size_t len, uint64_t n)
{
	if (w->dumper)
		return STEER_EINVAL;
	if (w->err_no)
		return STEER_EIO;
	if (w->niov == WIOV_MAX) {
		write_queued(w);
		if (w->err_no)
			return STEER_EIO;
	}
	queue(w, recs, len);
	w->count += n;
	return 0;
}

int cap_writer_write(struct cap_writer *w, const struct cap_pkthdr *h, const uint8_t *data)
{
	struct cap_iov iov = {data, h->caplen};
	return cap_writer_writev(w, h, &iov, 1);
}

uint64_t cap_writer_count(const struct cap_writer *w)
{
	return w->count;
}

int cap_writer_close(struct cap_writer *w, char *errbuf)
{
	if (!w)
		return 0;
	int rc = cap_writer_flush(w, errbuf);
	wthread_stop(w);
	if (w->dumper) {
		pcap_dump_close(w->dumper);
		pcap_close(w->dead);
	} else if (close(w->fd) != 0 && rc == 0) {
		cap__seterr(errbuf, "%s: %s", w->path, strerror(errno));
		rc = STEER_EIO;
	}
	writer_free(w);
	return rc;
}
