/* SPDX-License-Identifier: BSD-2-Clause */
/* pcap_write.c: writing classic pcap files (tcpdump.org/manpages/pcap-savefile.5): steer's own
 * buffered record writer, or libpcap's pcap_dump() on request. */
#define _GNU_SOURCE /* pcap.h needs the BSD u_int types */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

#include "cap_int.h"

/* Large writes: one write(2) per MiB keeps the system-call cost per packet negligible. */
#define WBUF_SIZE (1u << 20)

struct cap_writer {
	char *path;
	int fd;
	uint8_t *buf;
	size_t used;
	uint64_t count;
	int err_no; /* first write error, 0 if none */
	/* CAP_WRITE_LIBPCAP */
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	uint8_t *scratch;
	enum cap_precision prec;
};

static void seterr(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(char *errbuf, const char *fmt, ...)
{
	va_list ap;
	if (!errbuf)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, STEER_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
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
	w->fp = fopen(w->path, "wb");
	if (!w->fp) {
		seterr(errbuf, "%s: %s", w->path, strerror(errno));
		return STEER_EIO;
	}
	setvbuf(w->fp, NULL, _IOFBF, WBUF_SIZE);
	w->dead = pcap_open_dead_with_tstamp_precision(
		cap__linktype_to_dlt(linktype), (int)snaplen,
		w->prec == CAP_TS_NANO ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	w->scratch = malloc(CAP_MAX_SNAPLEN + 64);
	if (!w->dead || !w->scratch) {
		seterr(errbuf, "%s: out of memory", w->path);
		return STEER_ENOMEM;
	}
	w->dumper = pcap_dump_fopen(w->dead, w->fp);
	if (!w->dumper) {
		seterr(errbuf, "%s: %s", w->path, pcap_geterr(w->dead));
		return STEER_EIO;
	}
	w->fp = NULL; /* the dumper owns it now */
	return 0;
}

int cap_writer_open(const char *path, int linktype, uint32_t snaplen, enum cap_precision prec,
                    unsigned flags, struct cap_writer **out, char *errbuf)
{
	*out = NULL;
	struct cap_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path))) {
		free(w);
		seterr(errbuf, "%s: out of memory", path);
		return STEER_ENOMEM;
	}
	w->fd = -1;
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
		seterr(errbuf, "%s: out of memory", path);
		writer_free(w);
		return STEER_ENOMEM;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		seterr(errbuf, "%s: %s", path, strerror(errno));
		writer_free(w);
		return STEER_EIO;
	}
	/* pcap-savefile(5): magic, version 2.4, thiszone 0, sigfigs 0, snaplen, link type;
	 * host byte order, as readers detect it from the magic. */
	uint32_t hdr[6] = {prec == CAP_TS_NANO ? 0xa1b23c4du : 0xa1b2c3d4u, 0, 0, 0, snaplen,
	                   (uint32_t)linktype};
	uint16_t ver[2] = {2, 4};
	memcpy(&hdr[1], ver, 4);
	memcpy(w->buf, hdr, sizeof(hdr));
	w->used = sizeof(hdr);
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
		if (pcap_dump_flush(w->dumper) != 0 && !w->err_no)
			w->err_no = errno ? errno : EIO;
	} else if (w->used && !w->err_no) {
		w->err_no = write_all(w->fd, w->buf, w->used);
		w->used = 0;
	}
	if (w->err_no) {
		seterr(errbuf, "%s: %s", w->path, strerror(w->err_no));
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
		w->count++;
		return 0;
	}
	if (w->err_no)
		return STEER_EIO;
	if (WBUF_SIZE - w->used < 16 + total && cap_writer_flush(w, NULL) != 0)
		return STEER_EIO;
	uint32_t rec[4] = {(uint32_t)h->ts_sec, h->ts_frac, (uint32_t)total, h->len};
	uint8_t *p = w->buf + w->used;
	memcpy(p, rec, 16);
	p += 16;
	for (int i = 0; i < n; i++) {
		memcpy(p, iov[i].base, iov[i].len);
		p += iov[i].len;
	}
	w->used += 16 + total;
	w->count++;
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
	if (w->dumper) {
		pcap_dump_close(w->dumper);
		pcap_close(w->dead);
	} else if (close(w->fd) != 0 && rc == 0) {
		seterr(errbuf, "%s: %s", w->path, strerror(errno));
		rc = STEER_EIO;
	}
	writer_free(w);
	return rc;
}
