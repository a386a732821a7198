/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_pcap.c: libFuzzer target for the capture reader (steer/cap_pcap.h): the input is a
 * capture file (classic pcap in either byte order and precision, pcapng, or anything), read to
 * its end through the fast path, through libpcap (CAP_READ_LIBPCAP) and from a pipe (the way
 * steerlb -r - and a FIFO are read). Either the open is refused with a message naming the
 * file, or every packet is within its limits and the reading ends in EOF or in one "packet N
 * at byte offset O: what" error that stays; for a classic pcap file that both open, both paths
 * give the same packets (records past the snapshot length cut alike) and end the same way, and
 * the pipe gives what libpcap gives from the file. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_pcap: expected %s\n", what);
		abort();
	}
}

/* What one reading gave: a digest of the packets (FNV-1a over headers, bytes and the offset
 * after each), their count, the largest captured length, how it ended. */
struct outcome {
	int open_rc, last;
	uint64_t n, digest;
	uint32_t snaplen, max_caplen;
	enum cap_format format;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const uint8_t *)p)[i]) * 0x100000001b3ull;
	return h;
}

/* size: the input's; piped: read from a pipe (its size unknown to the reader). */
static void read_all(const char *path, unsigned flags, size_t size, bool piped, struct outcome *o)
{
	struct cap_reader *r = NULL;
	char err[STEER_ERRBUF_SIZE] = "";
	memset(o, 0, sizeof(*o));
	o->digest = 0xcbf29ce484222325ull;
	o->open_rc = cap_reader_open_file(path, flags, &r, err);
	if (o->open_rc != 0) {
		check(r == NULL, "no reader after a refusal");
		check(o->open_rc == STEER_EINVAL || o->open_rc == STEER_ENOMEM ||
		          o->open_rc == STEER_EIO,
		      "a refusal of a readable file says bad input");
		check(strncmp(err, path, strlen(path)) == 0, "the refusal names the file");
		return;
	}
	o->format = cap_reader_format(r);
	o->snaplen = cap_reader_snaplen(r);
	check(o->format != CAP_FORMAT_LIVE, "a file");
	check(cap_reader_size(r) == (piped ? 0 : size), "the file's size (a pipe's: unknown)");
	uint64_t last_off = 0;
	for (;;) {
		struct cap_pkthdr h;
		const uint8_t *d = NULL;
		int rc = cap_reader_next(r, &h, &d);
		if (rc != CAP_PACKET) {
			o->last = rc;
			check(rc == CAP_EOF || rc == STEER_EIO, "EOF or STEER_EIO");
			check(cap_reader_next(r, &h, &d) == rc, "the end stays");
			if (rc == STEER_EIO) {
				char want[32];
				snprintf(want, sizeof(want), "packet %llu ",
				         (unsigned long long)o->n + 1);
				check(strncmp(cap_reader_error(r), want, strlen(want)) == 0,
				      "the damage names the packet");
			}
			break;
		}
		check(h.caplen <= CAP_MAX_SNAPLEN, "caplen within the largest");
		check(o->format != CAP_FORMAT_PCAP || o->snaplen == 0 || h.caplen <= o->snaplen,
		      "caplen within the file's snapshot length");
		check(h.caplen == 0 || d != NULL, "data");
		check(cap_reader_count(r) == ++o->n, "the count");
		uint64_t off = cap_reader_offset(r);
		check(off <= size && off >= last_off, "the offset moves forward within the file");
		last_off = off;
		o->digest = fnv(o->digest, &h.ts_sec, sizeof(h.ts_sec));
		o->digest = fnv(o->digest, &h.ts_frac, sizeof(h.ts_frac));
		o->digest = fnv(o->digest, &h.caplen, sizeof(h.caplen));
		o->digest = fnv(o->digest, &h.len, sizeof(h.len));
		o->digest = fnv(o->digest, d, h.caplen);
		o->digest = fnv(o->digest, &off, sizeof(off));
		if (h.caplen > o->max_caplen)
			o->max_caplen = h.caplen;
	}
	cap_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The reader takes a path: the input as a file in memory. */
	int fd = memfd_create("fuzz.pcap", MFD_CLOEXEC);
	check(fd >= 0, "a memfd");
	check(size == 0 || write(fd, data, size) == (ssize_t)size, "the input written");
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	struct outcome fast, lib;
	read_all(path, 0, size, false, &fast);
	read_all(path, CAP_READ_LIBPCAP, size, false, &lib);
	/* A classic pcap file both paths open (libpcap refuses minor versions above 4, which the
	 * fast path reads as 2.4) with the same cut (libpcap's snapshot for a header's 0 or a
	 * huge snaplen is its link type's largest, 262144 for most): the same packets at the
	 * same offsets, records past the snapshot length cut alike. The reasons given for damage
	 * differ (libpcap's words), so only the kind of ending is compared. */
	uint32_t cut =
	    fast.snaplen && fast.snaplen < CAP_MAX_SNAPLEN ? fast.snaplen : CAP_MAX_SNAPLEN;
	if (fast.open_rc == 0 && fast.format == CAP_FORMAT_PCAP && lib.open_rc == 0 &&
	    lib.snaplen == cut) {
		check(lib.n == fast.n && lib.digest == fast.digest,
		      "the same packets on both paths");
		check(lib.last == fast.last, "the same ending on both paths");
	}
	/* From a pipe (what fits in one: no writer thread needed), as libpcap reads the file. */
	int p[2];
	if (lib.open_rc == 0 && size <= 65536 && pipe(p) == 0) {
		if (size == 0 || write(p[1], data, size) == (ssize_t)size) {
			close(p[1]);
			char ppath[64];
			snprintf(ppath, sizeof(ppath), "/proc/self/fd/%d", p[0]);
			struct outcome piped;
			read_all(ppath, 0, size, true, &piped);
			check(piped.open_rc == 0, "a pipe opens as its file does");
			check(piped.n == lib.n && piped.last == lib.last,
			      "a pipe gives what the file gives");
		} else {
			close(p[1]);
		}
		close(p[0]);
	}
	close(fd);
	return 0;
}
