/* SPDX-License-Identifier: BSD-2-Clause */
/* pcap_io.c: reading captures: classic pcap files by large read(2)s into a window
 * (tcpdump.org/manpages/pcap-savefile.5),
 * pcapng files, pipes and live interfaces through libpcap (pcap_next_ex). */
#define _GNU_SOURCE /* pcap.h needs the BSD u_int types */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

#include "cap_int.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au
#define FILE_HDR_LEN 24u
#define LINKTYPE_RAW    101
#define LINKTYPE_RAW_12 12
/* How often a pipe's reader looks at its interrupt flag while no byte comes. */
#define READ_POLL_MS 50
#define REC_HDR_LEN 16u

struct cap_reader {
	enum cap_format format;
	int linktype;
	uint32_t snaplen;
	enum cap_precision prec;
	/* the fast path (classic pcap, regular file): a window of the file read with read(2) */
	int fd;
	uint8_t *win;        /* the current window: wins[0], or wins[1] in turn with a release hook */
	uint8_t *wins[2];
	size_t win_len, pos; /* bytes in the window; the next record's place in it */
	uint32_t cut;        /* records' captured bytes beyond this are not returned (snaplen) */
	uint64_t win_off;    /* file offset of win[0] */
	bool eof;
	bool swapped;
	void (*release)(void *); /* cap_reader_set_release_hook */
	void *release_arg;
	/* the libpcap path */
	pcap_t *p;
	struct peeked *pk; /* a pipe or standard input: the stream libpcap reads (owned by it) */
	bool count_offset; /* classic pcap from a pipe through libpcap: the offset is counted
	                    * (files are asked: libpcap may skip bytes past the snaplen) */
	uint64_t off;
	uint64_t size, count;
	bool failed;
	char err[STEER_ERRBUF_SIZE];
};

/* LINKTYPE_* (file) and DLT_* (libpcap API) differ for a few link types; steer speaks LINKTYPE. */
static const struct {
	int dlt, linktype;
} dlt_map[] = {
	{DLT_RAW, 101},
#ifdef DLT_IPV4
	{DLT_IPV4, 228},
#endif
#ifdef DLT_IPV6
	{DLT_IPV6, 229},
#endif
};

int cap__dlt_to_linktype(int dlt)
{
	for (size_t i = 0; i < sizeof(dlt_map) / sizeof(dlt_map[0]); i++)
		if (dlt_map[i].dlt == dlt)
			return dlt_map[i].linktype;
	return dlt;
}

int cap__linktype_to_dlt(int linktype)
{
	for (size_t i = 0; i < sizeof(dlt_map) / sizeof(dlt_map[0]); i++)
		if (dlt_map[i].linktype == linktype)
			return dlt_map[i].dlt;
	return linktype;
}

const char *cap_linktype_name(int linktype)
{
	const char *n = pcap_datalink_val_to_name(cap__linktype_to_dlt(linktype));
	return n ? n : "unknown";
}

void cap__seterr(char *errbuf, const char *fmt, ...)
{
	va_list ap;
	if (!errbuf)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, STEER_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Classic pcap, regular file: read it in blocks and walk the records ourselves. (mmap was
 * measured slower here: a page fault per 4 KiB page costs more than one copy of the bytes.)
 * The window is refilled only when the next record is not whole in it, so it must hold the
 * largest record; 1 MiB keeps it in the cache between read(2), the walk and a pass-through
 * writer's write(2) (measured faster than 8 MiB). */
#define WIN_SIZE (1u << 20)
_Static_assert(WIN_SIZE >= REC_HDR_LEN + CAP_MAX_SNAPLEN, "the window must hold any record");

static int fill(struct cap_reader *r)
{
	/* Whoever holds pointers to the records returned so far lets go of them first. */
	if (r->release)
		r->release(r->release_arg);
	/* Keep the unread tail (part of a record), then read as much as fits. With a release hook
	 * the windows alternate: the records returned since the previous refill stay intact until
	 * the next one. */
	size_t tail = r->win_len - r->pos;
	if (r->wins[1]) {
		uint8_t *next = r->win == r->wins[0] ? r->wins[1] : r->wins[0];
		memcpy(next, r->win + r->pos, tail);
		r->win = next;
	} else {
		memmove(r->win, r->win + r->pos, tail);
	}
	r->win_off += r->pos;
	r->pos = 0;
	r->win_len = tail;
	while (!r->eof && r->win_len < WIN_SIZE) {
		ssize_t k = read(r->fd, r->win + r->win_len, WIN_SIZE - r->win_len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			r->eof = true;
		r->win_len += (size_t)k;
	}
	return 0;
}

static int open_fast(struct cap_reader *r, int fd, const char *path, char *errbuf)
{
	if (!(r->win = r->wins[0] = malloc(WIN_SIZE))) {
		cap__seterr(errbuf, "%s: out of memory", path);
		return STEER_ENOMEM;
	}
	r->fd = fd;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	int e = fill(r);
	if (e < 0 || r->win_len < FILE_HDR_LEN) {
		cap__seterr(errbuf, "%s: %s", path, e < 0 ? strerror(-e) : "truncated pcap file header");
		free(r->win);
		r->win = NULL;
		return e < 0 ? STEER_EIO : STEER_EINVAL;
	}
	const uint8_t *h = r->win;
	uint32_t magic;
	memcpy(&magic, h, 4);
	r->swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
	             magic == __builtin_bswap32(PCAP_MAGIC_NS);
	magic = rd32(h, r->swapped);
	r->prec = magic == PCAP_MAGIC_NS ? CAP_TS_NANO : CAP_TS_MICRO;
	uint16_t major = (uint16_t)(r->swapped ? (h[4] << 8 | h[5]) : (h[5] << 8 | h[4]));
	if (major != 2) {
		cap__seterr(errbuf, "%s: pcap version %u is not supported (only 2.x)", path, major);
		free(r->win);
		r->win = NULL;
		return STEER_EINVAL;
	}
	r->snaplen = rd32(h + 16, r->swapped);
	/* The upper bits of the link-type field carry FCS information (pcap-savefile(5)). */
	r->linktype = (int)(rd32(h + 20, r->swapped) & 0x03ffffffu);
	/* 12 is raw IP where DLT_RAW is 12 (Linux, most BSDs): libpcap reads it as raw IP there,
	 * and so do we, whichever path reads the file. */
	if (r->linktype == LINKTYPE_RAW_12)
		r->linktype = LINKTYPE_RAW;
	/* Records longer than the snapshot length are cut to it, as libpcap does (pcap-savefile(5):
	 * caplen never exceeds it), so both paths give the same bytes. 0 or too large: none. */
	r->cut = r->snaplen && r->snaplen < CAP_MAX_SNAPLEN ? r->snaplen : CAP_MAX_SNAPLEN;
	r->pos = FILE_HDR_LEN;
	r->format = CAP_FORMAT_PCAP;
	return 0;
}

/* A pipe or standard input with its first four bytes already taken (to learn the magic): a
 * stdio stream that hands them back first, then reads on (glibc fopencookie). */
struct peeked {
	uint8_t head[4];
	size_t n, pos;
	int fd;
	bool own_fd;
	bool (*idle)(void *arg); /* cap_reader_set_idle */
	void *idle_arg;
};

static ssize_t peeked_read(void *c, char *buf, size_t size)
{
	struct peeked *pk = c;
	size_t k = 0;
	while (pk->pos < pk->n && k < size)
		buf[k++] = (char)pk->head[pk->pos++];
	if (k > 0 || size == 0)
		return (ssize_t)k;
	/* read(2), not fread: a pipe's packets must come through as they arrive, not wait
	 * for a full stdio buffer. With an idle hook, a quiet writer that keeps the pipe open
	 * cannot hold the reader: the hook runs every READ_POLL_MS and after each signal. */
	for (;;) {
		if (pk->idle) {
			struct pollfd pfd = {.fd = pk->fd, .events = POLLIN};
			int r = poll(&pfd, 1, READ_POLL_MS);
			if (r < 0 && errno != EINTR)
				return -1;
			if (r <= 0) {
				if (pk->idle(pk->idle_arg)) {
					errno = EINTR;
					return -1;
				}
				continue;
			}
		}
		ssize_t n = read(pk->fd, buf, size);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

static int peeked_close(void *c)
{
	struct peeked *pk = c;
	if (pk->own_fd)
		close(pk->fd);
	free(c);
	return 0;
}

static FILE *open_peek(int fd, bool own_fd, uint32_t *magic, bool *known, struct peeked **out)
{
	struct peeked *pk = calloc(1, sizeof(*pk));
	if (!pk)
		return NULL;
	pk->fd = fd;
	while (pk->n < 4) {
		ssize_t k = read(pk->fd, pk->head + pk->n, 4 - pk->n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		pk->n += (size_t)k;
	}
	if (pk->n == 4) {
		memcpy(magic, pk->head, 4);
		*known = true;
	}
	cookie_io_functions_t io = {.read = peeked_read, .close = peeked_close};
	FILE *f = fopencookie(pk, "r", io);
	if (!f) {
		free(pk);
		return NULL;
	}
	pk->own_fd = own_fd;
	*out = pk;
	return f;
}

/* fd: standard input or a pipe (read through open_peek, which cap_reader_set_interrupt can
 * stop), else -1: libpcap opens path itself. The reader owns fd from the call on. */
static int open_libpcap(struct cap_reader *r, const char *path, int fd, uint32_t magic, bool known,
                        char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	FILE *f = NULL;
	if (fd >= 0) {
		f = open_peek(fd, fd != STDIN_FILENO, &magic, &known, &r->pk);
		if (!f) {
			if (fd != STDIN_FILENO)
				close(fd);
			cap__seterr(errbuf, "%s: out of memory", path);
			return STEER_ENOMEM;
		}
	}
	bool classic = known && (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
	                         magic == __builtin_bswap32(PCAP_MAGIC_US) ||
	                         magic == __builtin_bswap32(PCAP_MAGIC_NS));
	bool micro = classic &&
	             (magic == PCAP_MAGIC_US || magic == __builtin_bswap32(PCAP_MAGIC_US));
	/* A classic microsecond file is read in microseconds: libpcap hands the field over as it
	 * is, as the fast path does (scaled up to nanoseconds, a corrupt value of 2^32 / 1000 or
	 * more would wrap). Everything else in nanoseconds: libpcap scales pcapng's units. */
	int tsp = micro ? PCAP_TSTAMP_PRECISION_MICRO : PCAP_TSTAMP_PRECISION_NANO;
	if (f) {
		r->p = pcap_fopen_offline_with_tstamp_precision(f, tsp, pe);
		if (!r->p) {
			fclose(f);
			r->pk = NULL;
		}
	} else {
		r->p = pcap_open_offline_with_tstamp_precision(path, tsp, pe);
	}
	if (!r->p) {
		cap__seterr(errbuf, "%s: %s", path, pe);
		return strstr(pe, "No such file") || strstr(pe, "ermission") ? STEER_ENOENT
		                                                             : STEER_EINVAL;
	}
	r->linktype = cap__dlt_to_linktype(pcap_datalink(r->p));
	r->snaplen = (uint32_t)pcap_snapshot(r->p);
	r->format = known && magic == PCAPNG_SHB ? CAP_FORMAT_PCAPNG : CAP_FORMAT_PCAP;
	r->count_offset = classic && !r->size;
	r->off = classic ? FILE_HDR_LEN : 0;
	/* The output keeps microseconds only when the input is known to have no more. */
	r->prec = micro ? CAP_TS_MICRO : CAP_TS_NANO;
	return 0;
}

int cap_reader_open_file(const char *path, unsigned flags, struct cap_reader **out, char *errbuf)
{
	*out = NULL;
	struct cap_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		cap__seterr(errbuf, "%s: out of memory", path);
		return STEER_ENOMEM;
	}
	uint32_t magic = 0;
	bool known = false;
	int rc, fd = STDIN_FILENO;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cap__seterr(errbuf, "%s: %s", path, strerror(errno));
			free(r);
			return STEER_ENOENT;
		}
		struct stat st = {0};
		uint8_t head[8] = {0};
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			r->size = (uint64_t)st.st_size;
			if (pread(fd, head, sizeof(head), 0) >= 4) {
				memcpy(&magic, head, 4);
				known = true;
			}
		}
		bool swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		               magic == __builtin_bswap32(PCAP_MAGIC_NS);
		bool classic =
		    known && (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS || swapped);
		/* Versions 2.0 to 2.3 (libpcap before 0.4) may have caplen and len swapped: libpcap
		 * knows those layouts, the fast path reads 2.4. */
		unsigned major = swapped ? head[4] << 8 | head[5] : head[5] << 8 | head[4];
		unsigned minor = swapped ? head[6] << 8 | head[7] : head[7] << 8 | head[6];
		bool archaic = classic && major == 2 && minor < 4;
		if (classic && r->size < FILE_HDR_LEN) {
			cap__seterr(errbuf, "%s: truncated pcap file header (%llu of %u bytes)", path,
			       (unsigned long long)r->size, FILE_HDR_LEN);
			close(fd);
			free(r);
			return STEER_EINVAL;
		}
		if (classic && !archaic && !(flags & CAP_READ_LIBPCAP)) {
			rc = open_fast(r, fd, path, errbuf);
			if (rc) {
				close(fd);
				free(r);
				return rc;
			}
			*out = r;
			return 0;
		}
		if (known && magic != PCAPNG_SHB && !classic) {
			close(fd);
			cap__seterr(errbuf, "%s: not a pcap or pcapng file (magic 0x%08x)", path,
			       __builtin_bswap32(magic));
			free(r);
			return STEER_EINVAL;
		}
		/* a pipe, a FIFO, a device: read through our own stream, as standard input */
		if (S_ISREG(st.st_mode)) {
			close(fd);
			fd = -1;
		}
	}
	rc = open_libpcap(r, path, fd, magic, known, errbuf);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int cap_reader_open_live(const struct cap_live_opts *o, struct cap_reader **out, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	*out = NULL;
	struct cap_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		cap__seterr(errbuf, "%s: out of memory", o->iface);
		return STEER_ENOMEM;
	}
	pcap_t *p = pcap_create(o->iface, pe);
	if (!p) {
		cap__seterr(errbuf, "%s: %s", o->iface, pe);
		free(r);
		return STEER_EIO;
	}
	pcap_set_snaplen(p, (int)(o->snaplen ? o->snaplen : CAP_MAX_SNAPLEN));
	pcap_set_promisc(p, o->promisc);
	pcap_set_immediate_mode(p, o->immediate);
	pcap_set_timeout(p, o->timeout_ms > 0 ? o->timeout_ms : 100);
	if (o->buffer_size)
		pcap_set_buffer_size(p, (int)o->buffer_size);
	r->prec = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0 ? CAP_TS_NANO
	                                                                        : CAP_TS_MICRO;
	int rc = pcap_activate(p);
	if (rc < 0) {
		/* pcap_geterr holds the detail for PCAP_ERROR; the code names the others. */
		const char *why = rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc);
		cap__seterr(errbuf, "%s: %s", o->iface, why);
		pcap_close(p);
		free(r);
		return STEER_EIO;
	}
	if (o->inbound_only)
		pcap_setdirection(p, PCAP_D_IN);
	if (cap__set_filter(p, o, o->iface, errbuf) != 0) {
		pcap_close(p);
		free(r);
		return STEER_EINVAL;
	}
	r->p = p;
	r->format = CAP_FORMAT_LIVE;
	r->linktype = cap__dlt_to_linktype(pcap_datalink(p));
	r->snaplen = (uint32_t)pcap_snapshot(p);
	*out = r;
	return 0;
}

static int damage(struct cap_reader *r, uint64_t off, bool off_known, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int damage(struct cap_reader *r, uint64_t off, bool off_known, const char *fmt, ...)
{
	char what[STEER_ERRBUF_SIZE - 96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (off_known)
		snprintf(r->err, sizeof(r->err), "packet %llu at byte offset %llu: %s",
		         (unsigned long long)r->count + 1, (unsigned long long)off, what);
	else
		snprintf(r->err, sizeof(r->err), "packet %llu (offset unknown): %s",
		         (unsigned long long)r->count + 1, what);
	r->failed = true;
	return STEER_EIO;
}

/* Refills the window when the next record is not whole in it (a corrupt length is left for
 * next_fast to report). */
static inline bool need_fill(const struct cap_reader *r, size_t left)
{
	if (r->eof)
		return false;
	if (left < REC_HDR_LEN)
		return true;
	uint32_t caplen = rd32(r->win + r->pos + 8, r->swapped);
	return caplen <= CAP_MAX_SNAPLEN && left - REC_HDR_LEN < caplen;
}

static inline int next_fast(struct cap_reader *r, struct cap_pkthdr *h, uint8_t **data)
{
	size_t left = r->win_len - r->pos;
	if (need_fill(r, left)) {
		int e = fill(r);
		if (e < 0)
			return damage(r, r->win_off + r->pos, true, "read: %s", strerror(-e));
		left = r->win_len - r->pos;
	}
	uint64_t off = r->win_off + r->pos;
	if (left == 0)
		return CAP_EOF;
	if (left < REC_HDR_LEN)
		return damage(r, off, true, "truncated record header (%zu of %u bytes)", left,
		              REC_HDR_LEN);
	uint8_t *rec = r->win + r->pos;
	uint32_t caplen = rd32(rec + 8, r->swapped);
	if (caplen > CAP_MAX_SNAPLEN)
		return damage(r, off, true,
		              "corrupt record: captured length %u exceeds the maximum %u", caplen,
		              CAP_MAX_SNAPLEN);
	if (left - REC_HDR_LEN < caplen)
		return damage(r, off, true, "truncated packet data (%zu of %u bytes)",
		              left - REC_HDR_LEN, caplen);
	h->ts_sec = rd32(rec, r->swapped);
	h->ts_frac = rd32(rec + 4, r->swapped);
	h->caplen = caplen;
	h->len = rd32(rec + 12, r->swapped);
	if (caplen > r->cut) {
		/* cut as libpcap cuts; the record in the window says so too, for a pass-through
		 * writer (raw records are in this host's byte order) */
		h->caplen = r->cut;
		if (!r->swapped)
			memcpy(rec + 8, &r->cut, 4);
	}
	*data = rec + REC_HDR_LEN;
	r->pos += REC_HDR_LEN + caplen;
	r->count++;
	return CAP_PACKET;
}

static int next_libpcap(struct cap_reader *r, struct cap_pkthdr *h, const uint8_t **data)
{
	struct pcap_pkthdr *ph;
	const u_char *d;
	uint64_t off = r->off;
	bool off_known = r->count_offset;
	if (!off_known && r->size) {
		FILE *f = pcap_file(r->p);
		long t = f ? ftell(f) : -1;
		off_known = t >= 0;
		off = off_known ? (uint64_t)t : 0;
	}
	int rc = pcap_next_ex(r->p, &ph, &d);
	if (rc == 1) {
		/* a classic file's seconds are 32 bits unsigned (libpcap sign-extends them) */
		h->ts_sec = r->format == CAP_FORMAT_PCAP ? (int64_t)(uint32_t)ph->ts.tv_sec
		                                         : ph->ts.tv_sec;
		h->ts_frac = (uint32_t)ph->ts.tv_usec; /* in r->prec: the handle was opened so */
		h->caplen = ph->caplen;
		h->len = ph->len;
		*data = d;
		r->count++;
		if (r->count_offset)
			r->off += REC_HDR_LEN + ph->caplen;
		return CAP_PACKET;
	}
	if (rc == 0)
		return CAP_TIMEOUT;
	if (rc == PCAP_ERROR_BREAK)
		return CAP_EOF;
	return damage(r, off, off_known, "%s", pcap_geterr(r->p));
}

int cap_reader_next(struct cap_reader *r, struct cap_pkthdr *h, const uint8_t **data)
{
	if (r->failed)
		return STEER_EIO;
	if (!r->win)
		return next_libpcap(r, h, data);
	uint8_t *d = NULL;
	int rc = next_fast(r, h, &d);
	*data = d;
	return rc;
}

bool cap_reader_raw(const struct cap_reader *r)
{
	return r->win && !r->swapped;
}

int cap_reader_next_mut(struct cap_reader *r, struct cap_pkthdr *h, uint8_t **data)
{
	if (r->failed)
		return STEER_EIO;
	if (!cap_reader_raw(r))
		return STEER_EINVAL;
	return next_fast(r, h, data);
}

void cap_reader_set_idle(struct cap_reader *r, bool (*fn)(void *arg), void *arg)
{
	if (r->pk) {
		r->pk->idle = fn;
		r->pk->idle_arg = arg;
	}
}

int cap_reader_set_release_hook(struct cap_reader *r, void (*fn)(void *arg), void *arg)
{
	if (fn && r->win && !r->wins[1] && !(r->wins[1] = malloc(WIN_SIZE)))
		return STEER_ENOMEM;
	r->release = fn;
	r->release_arg = arg;
	return 0;
}

int cap_reader_linktype(const struct cap_reader *r)
{
	return r->linktype;
}

uint32_t cap_reader_snaplen(const struct cap_reader *r)
{
	return r->snaplen;
}

enum cap_precision cap_reader_precision(const struct cap_reader *r)
{
	return r->prec;
}

enum cap_format cap_reader_format(const struct cap_reader *r)
{
	return r->format;
}

uint64_t cap_reader_offset(const struct cap_reader *r)
{
	if (r->win)
		return r->win_off + r->pos;
	if (r->count_offset)
		return r->off;
	if (r->size) {
		FILE *f = pcap_file(r->p);
		long t = f ? ftell(f) : -1;
		return t >= 0 ? (uint64_t)t : 0;
	}
	return 0;
}

uint64_t cap_reader_size(const struct cap_reader *r)
{
	return r->size;
}

uint64_t cap_reader_count(const struct cap_reader *r)
{
	return r->count;
}

const char *cap_reader_error(const struct cap_reader *r)
{
	return r->err;
}

uint64_t cap_reader_drops(struct cap_reader *r)
{
	struct pcap_stat st;
	if (r->format != CAP_FORMAT_LIVE || pcap_stats(r->p, &st) != 0)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

void cap_reader_close(struct cap_reader *r)
{
	if (!r)
		return;
	if (r->win) {
		free(r->wins[0]);
		free(r->wins[1]);
		close(r->fd);
	}
	if (r->p)
		pcap_close(r->p);
	free(r);
}
