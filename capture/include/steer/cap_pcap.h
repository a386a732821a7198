/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_pcap.h: reading and writing capture files and live interfaces, and injecting frames
 * (pcap: tcpdump.org/manpages/pcap-savefile.5; pcapng through libpcap). */
#ifndef STEER_CAP_PCAP_H
#define STEER_CAP_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Largest captured length accepted in a record (libpcap's MAXIMUM_SNAPLEN). */
#define CAP_MAX_SNAPLEN 262144u

enum cap_precision {
	CAP_TS_MICRO = 0, /* ts_frac counts microseconds */
	CAP_TS_NANO = 1,  /* ts_frac counts nanoseconds */
};

enum cap_format {
	CAP_FORMAT_PCAP = 0, /* classic pcap (pcap-savefile(5)) */
	CAP_FORMAT_PCAPNG,   /* pcapng, read through libpcap */
	CAP_FORMAT_LIVE,     /* a live interface */
};

/* One record's header, as in the file: the timestamp in the reader's precision, the captured
 * and the original length. */
struct cap_pkthdr {
	int64_t ts_sec;
	uint32_t ts_frac;
	uint32_t caplen;
	uint32_t len;
};

/* ---- reading ---- */

struct cap_reader;

/* cap_reader_open_file flags */
enum {
	/* Read classic pcap files through libpcap (pcap_next_ex) as well, instead of the
	 * default fast path (large read(2)s, records walked in place). pcapng and non-regular
	 * files always go through libpcap. */
	CAP_READ_LIBPCAP = 1u << 0,
};

/* Opens a capture file for reading: classic pcap (either byte order, micro- or nanosecond) or
 * pcapng; "-" is standard input. The link type is checked by the caller (cap_reader_linktype).
 * Returns 0 with *out set (close with cap_reader_close), or STEER_ENOENT (cannot open),
 * STEER_EINVAL (not a capture file: bad magic or header), STEER_ENOMEM; errbuf
 * (STEER_ERRBUF_SIZE) then names the file and the fault, *out is NULL. */
int cap_reader_open_file(const char *path, unsigned flags, struct cap_reader **out,
                         char *errbuf);

struct cap_live_opts {
	const char *iface;
	uint32_t snaplen;     /* 0: CAP_MAX_SNAPLEN */
	bool promisc;
	bool immediate;       /* deliver each packet as it arrives (pcap_set_immediate_mode) */
	uint32_t buffer_size; /* kernel buffer in bytes, 0: libpcap's default */
	int timeout_ms;       /* cap_reader_next returns CAP_TIMEOUT after this long idle; a
	                       * live group without immediate: the ring's block timeout */
	bool inbound_only;    /* ignore frames this host sends (pcap_setdirection PCAP_D_IN) */
	const char *filter;   /* a BPF filter (pcap-filter(7)) set once the capture is active;
	                       * NULL or "": every frame */
};

/* Opens a live interface (pcap_create, configure, pcap_activate); nanosecond timestamps
 * when the platform offers them. Same returns as cap_reader_open_file (STEER_EIO when
 * activation fails, e.g. no permission, with libpcap's text in errbuf). */
int cap_reader_open_live(const struct cap_live_opts *o, struct cap_reader **out, char *errbuf);

/* What cap_reader_next returns besides a negative STEER_E* code. */
enum {
	CAP_EOF = 0,     /* end of the file */
	CAP_PACKET = 1,  /* *h and *data describe the next packet */
	CAP_TIMEOUT = 2, /* live: nothing arrived within the timeout */
};

/* The next packet. *data points into the reader's memory and stays valid until the next call.
 * On damage (a truncated or corrupt record) returns STEER_EIO; cap_reader_error() then says
 * "packet N at byte offset O: what" (N counts from 1, O is where the damaged record starts,
 * or "offset unknown" on a pipe), and the reader gives nothing more. */
int cap_reader_next(struct cap_reader *r, struct cap_pkthdr *h, const uint8_t **data);

/* A reader of a pipe or standard input waits for bytes as long as the writer keeps it open.
 * With a hook set here, cap_reader_next calls fn(arg) while it waits: every 50 ms and after
 * each signal, so the caller can act on its signals' flags (write statistics, re-plan). fn
 * returns true to give up: cap_reader_next then returns STEER_EIO (the error says
 * "Interrupted system call"), and the reader gives nothing more. Files need none (their reads
 * never wait for a writer); for them this does nothing. */
void cap_reader_set_idle(struct cap_reader *r, bool (*fn)(void *arg), void *arg);

/* ---- pass-through: records read and written as they are ----
 * A classic pcap file read by the fast path in this host's byte order holds its records exactly
 * as steer's writer writes them (a CAP_REC_HDR_LEN-byte header, then the captured bytes). A
 * caller that changes bytes of a frame in place (keeping its length) can then hand whole records
 * to cap_writer_write_raw: no copy in user space, one write(2) per run of adjacent records. */

/* Size of a classic pcap record header (before the captured bytes). */
#define CAP_REC_HDR_LEN 16u

/* True when r's records can be used raw: a classic pcap file on the fast path (not
 * CAP_READ_LIBPCAP, not a pipe, not pcapng), in this host's byte order. */
bool cap_reader_raw(const struct cap_reader *r);

/* As cap_reader_next, but the packet's bytes may be changed in place; the whole record, as in the
 * file, is the CAP_REC_HDR_LEN bytes before *data and the h->caplen bytes from it. Returns
 * STEER_EINVAL when !cap_reader_raw(r). */
int cap_reader_next_mut(struct cap_reader *r, struct cap_pkthdr *h, uint8_t **data);

/* fn(arg) is called before each refill of the reader's buffer. With a hook set the reader
 * alternates between two buffers: a refill overwrites the records returned before the previous
 * call of fn, while those returned since stay intact until the next call. A pass-through writer
 * calls cap_writer_release there. NULL fn removes it. Flush or close such writers before
 * cap_reader_close. Returns 0 or STEER_ENOMEM. */
int cap_reader_set_release_hook(struct cap_reader *r, void (*fn)(void *arg), void *arg);

/* The link type as a LINKTYPE_* number (tcpdump.org/linktypes.html), and a name for it. */
int cap_reader_linktype(const struct cap_reader *r);
const char *cap_linktype_name(int linktype);
uint32_t cap_reader_snaplen(const struct cap_reader *r);
enum cap_precision cap_reader_precision(const struct cap_reader *r);
enum cap_format cap_reader_format(const struct cap_reader *r);
/* Bytes read so far and the file's size (0 when unknown: a pipe, a live interface). */
uint64_t cap_reader_offset(const struct cap_reader *r);
uint64_t cap_reader_size(const struct cap_reader *r);
/* Packets returned so far. */
uint64_t cap_reader_count(const struct cap_reader *r);
/* The last error ("" if none). */
const char *cap_reader_error(const struct cap_reader *r);
/* Live: packets the kernel dropped (pcap_stats), 0 otherwise. */
uint64_t cap_reader_drops(struct cap_reader *r);
void cap_reader_close(struct cap_reader *r);

/* ---- writing ---- */

struct cap_writer;

enum {
	/* Write through libpcap's pcap_dump() instead of steer's own buffered record writer
	 * (same bytes; kept to compare and to fall back on). */
	CAP_WRITE_LIBPCAP = 1u << 0,
};

/* Creates (truncates) a classic pcap file with the given link type (LINKTYPE_*, written as
 * given), snaplen (0 or above CAP_MAX_SNAPLEN: CAP_MAX_SNAPLEN) and timestamp precision (the
 * magic says which: pcap-savefile(5)), in this host's byte order; flags: CAP_WRITE_LIBPCAP.
 * The header is written at once, so even an empty output is a valid capture. Returns 0 with
 * *out set (close with cap_writer_close), or with *out NULL: STEER_EIO (the file cannot be
 * created or its header written: errbuf gives the system's reason) or STEER_ENOMEM, errbuf
 * (STEER_ERRBUF_SIZE, may be NULL) naming the file. After a failure the file may exist,
 * truncated (it held nothing of this writer but perhaps part of the header). */
int cap_writer_open(const char *path, int linktype, uint32_t snaplen, enum cap_precision prec,
                    unsigned flags, struct cap_writer **out, char *errbuf);

/* As cap_writer_open, on an open file descriptor (a regular file, a pipe, standard output),
 * named name in messages. w owns fd from the call on: cap_writer_close closes it, and so does
 * a failure here. Same returns. */
int cap_writer_open_fd(int fd, const char *name, int linktype, uint32_t snaplen,
                       enum cap_precision prec, unsigned flags, struct cap_writer **out,
                       char *errbuf);

/* A piece of a record. */
struct cap_iov {
	const void *base;
	size_t len;
};

/* Appends one record: h's timestamp (in w's precision) and original length as given; the
 * captured bytes are the concatenation of iov[0..n) (their total becomes the captured length,
 * h->caplen is not read; it is not cut to the file's snaplen: stay within it). Buffered: 0
 * means the record is taken, not that it reached the file (cap_writer_flush and
 * cap_writer_close say whether everything did). Returns 0, STEER_EINVAL (more than
 * CAP_MAX_SNAPLEN + 64 bytes: the record is dropped, w stays usable) or STEER_EIO (a write
 * failed, now or before: the record is dropped, and so is every later one; w keeps the first
 * error, which cap_writer_flush and cap_writer_close report with the file's name). The count
 * (cap_writer_count) counts the records taken. */
int cap_writer_writev(struct cap_writer *w, const struct cap_pkthdr *h, const struct cap_iov *iov,
                      int n);

/* Whether w can take r's records raw (cap_writer_write_raw): steer's own writer (not
 * CAP_WRITE_LIBPCAP), the same timestamp precision as r, and cap_reader_raw(r). */
bool cap_writer_raw_ok(const struct cap_writer *w, const struct cap_reader *r);

/* Appends len bytes of whole records (each a CAP_REC_HDR_LEN-byte header in this host's byte
 * order and w's precision, then its captured bytes), n records in all, as they are and without
 * copying them: w keeps the pointer and writes runs of adjacent memory with one write(2). The
 * memory must stay unchanged until the next cap_writer_flush or cap_writer_close (which a
 * reader's release hook calls). Returns 0 or STEER_EIO (as cap_writer_writev), STEER_EINVAL
 * for a CAP_WRITE_LIBPCAP writer. */
int cap_writer_write_raw(struct cap_writer *w, const void *recs, size_t len, uint64_t n);

/* Makes w write from a thread of its own: cap_writer_release then only waits for the previous
 * batch and hands the current one over, so that reading and steering the next records overlaps
 * the write(2) of the last ones. cap_writer_flush and cap_writer_close still wait for
 * everything. Returns 0, or STEER_ENOMEM / STEER_EIO (no thread: w stays synchronous). */
int cap_writer_set_async(struct cap_writer *w);

/* For a reader's release hook (cap_reader_set_release_hook): the raw records given before the
 * previous call are written out, and those given since are on their way. A synchronous writer
 * writes everything (cap_writer_flush). Errors stay in w and are reported by cap_writer_flush
 * and cap_writer_close. */
void cap_writer_release(struct cap_writer *w);

/* One record of h->caplen bytes from data: cap_writer_writev with one piece, the same
 * returns. */
int cap_writer_write(struct cap_writer *w, const struct cap_pkthdr *h, const uint8_t *data);

/* Writes out what is buffered. Returns 0 or STEER_EIO with errbuf set. */
int cap_writer_flush(struct cap_writer *w, char *errbuf);

/* Flushes and closes; the file is then a complete capture. Returns 0 or STEER_EIO with errbuf
 * set (NULL errbuf: no message). Frees w in every case. */
int cap_writer_close(struct cap_writer *w, char *errbuf);

uint64_t cap_writer_count(const struct cap_writer *w);

/* ---- injecting ---- */

struct cap_injector;

/* Opens iface for sending whole link-layer frames (pcap_inject). Returns 0 with *out set, or
 * STEER_EIO with libpcap's reason in errbuf. */
int cap_injector_open(const char *iface, struct cap_injector **out, char *errbuf);
/* Sends one frame. Returns 0 or STEER_EIO (count kept; cap_injector_error says why). */
int cap_inject(struct cap_injector *inj, const uint8_t *frame, size_t len);
const char *cap_injector_error(const struct cap_injector *inj);
void cap_injector_close(struct cap_injector *inj);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
