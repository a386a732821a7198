/* SPDX-License-Identifier: BSD-2-Clause */
/* test_pcap_read.c: the capture reader (steer/cap_pcap.h) on files built byte by byte: classic
 * pcap in both byte orders, micro- and nanosecond magic, through the fast path and through
 * libpcap (CAP_READ_LIBPCAP), cut at every byte; bad headers and records; snaplen and link type;
 * pcapng through libpcap, also cut at every byte; standard input; records used in place
 * (cap_reader_next_mut) and the two-window contract of the release hook. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

#include "capfile.h"

#define NREC 6
/* Captured lengths of the test records: empty, one byte, minimum Ethernet, one shorter than its
 * original length, full, jumbo. */
static const uint32_t caplens[NREC] = {0, 1, 60, 100, 1514, 2048};
static const uint32_t origlens[NREC] = {0, 1, 60, 1500, 1514, 2048};
/* The first records, cut at every byte (every kind of record, in a small file). */
#define NCUT 4

/* A classic pcap file of the first n test records; ends[i] is the file offset after record i. */
static void build_pcap(struct capbuf *c, bool swapped, bool nano, size_t *ends, int n)
{
	uint8_t data[2048];
	memset(c, 0, sizeof(*c));
	c->swapped = swapped;
	capbuf_pcap_header(c, nano, 65535, 1);
	for (int i = 0; i < n; i++) {
		capfill(data, caplens[i], (unsigned)i);
		uint32_t frac = (nano ? 999999999u : 999999u) - (uint32_t)i;
		capbuf_pcap_record(c, 1700000000u + (uint32_t)i, frac, caplens[i], origlens[i],
		                   data);
		if (ends)
			ends[i] = c->n;
	}
}

/* The packets read are the first n records, bytes and header fields. */
static void expect_records(const struct capread *r, size_t n, bool nano)
{
	uint8_t data[2048];
	assert_int_equal(r->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct cappkt *p = &r->pkts[i];
		assert_int_equal(p->h.ts_sec, 1700000000 + (int64_t)i);
		assert_int_equal(p->h.ts_frac, nano ? 999999999u - i : 999999u - i);
		assert_int_equal(p->h.caplen, caplens[i]);
		assert_int_equal(p->h.len, origlens[i]);
		capfill(data, caplens[i], (unsigned)i);
		if (caplens[i])
			assert_memory_equal(p->data, data, caplens[i]);
	}
}

static void both_byte_orders_and_precisions(void **state)
{
	(void)state;
	for (int swapped = 0; swapped < 2; swapped++) {
		for (int nano = 0; nano < 2; nano++) {
			struct capbuf c;
			build_pcap(&c, swapped, nano, NULL, NREC);
			const char *path = capfile_write("orders.pcap", c.b, c.n);
			for (int lib = 0; lib < 2; lib++) {
				struct capread r;
				capread_file(path, lib ? CAP_READ_LIBPCAP : 0, &r);
				assert_int_equal(r.open_rc, 0);
				assert_int_equal(r.last, CAP_EOF);
				assert_int_equal(r.prec, nano ? CAP_TS_NANO : CAP_TS_MICRO);
				assert_int_equal(r.format, CAP_FORMAT_PCAP);
				assert_int_equal(r.linktype, 1);
				assert_int_equal(r.snaplen, 65535);
				assert_string_equal(r.err, "");
				expect_records(&r, NREC, nano);
				capread_free(&r);
			}
			/* offsets, size and count along the way; EOF stays EOF */
			struct cap_reader *rd = NULL;
			char err[STEER_ERRBUF_SIZE];
			size_t ends[NREC];
			capbuf_free(&c);
			build_pcap(&c, swapped, nano, ends, NREC);
			path = capfile_write("orders.pcap", c.b, c.n);
			for (int lib = 0; lib < 2; lib++) {
				assert_int_equal(cap_reader_open_file(
				                     path, lib ? CAP_READ_LIBPCAP : 0, &rd, err),
				                 0);
				assert_int_equal(cap_reader_size(rd), c.n);
				assert_int_equal(cap_reader_offset(rd), 24);
				assert_int_equal(cap_reader_raw(rd), !lib && !swapped);
				struct cap_pkthdr h;
				const uint8_t *d;
				for (int i = 0; i < NREC; i++) {
					assert_int_equal(cap_reader_next(rd, &h, &d), CAP_PACKET);
					assert_int_equal(cap_reader_offset(rd), ends[i]);
				}
				assert_int_equal(cap_reader_next(rd, &h, &d), CAP_EOF);
				assert_int_equal(cap_reader_next(rd, &h, &d), CAP_EOF);
				assert_int_equal(cap_reader_count(rd), NREC);
				assert_int_equal(cap_reader_drops(rd), 0);
				cap_reader_close(rd);
			}
			capbuf_free(&c);
		}
	}
}

/* Every cut of a file: a header cut is refused at open (naming the file); a file cut after
 * its header gives the whole records before the cut, then EOF at a record boundary or, inside a
 * record, STEER_EIO naming the packet and where it starts; and nothing more after that. */
static void truncation_at_every_byte(void **state)
{
	(void)state;
	for (int swapped = 0; swapped < 2; swapped++) {
		bool nano = swapped; /* both precisions, both orders */
		struct capbuf c;
		size_t ends[NREC];
		build_pcap(&c, swapped, nano, ends, NCUT);
		for (size_t cut = 0; cut < c.n; cut++) {
			const char *path = capfile_write("cut.pcap", c.b, cut);
			char want[256];
			for (int lib = 0; lib < 2; lib++) {
				struct capread r;
				capread_file(path, lib ? CAP_READ_LIBPCAP : 0, &r);
				if (cut < 24) {
					assert_int_equal(r.open_rc, STEER_EINVAL);
					assert_non_null(strstr(r.err, "cut.pcap"));
					if (cut >= 4) {
						snprintf(
						    want, sizeof(want),
						    "truncated pcap file header (%zu of 24 bytes)",
						    cut);
						assert_non_null(strstr(r.err, want));
					}
					continue;
				}
				assert_int_equal(r.open_rc, 0);
				size_t k = 0, start = 24;
				while (k < NCUT && ends[k] <= cut)
					start = ends[k++];
				expect_records(&r, k, nano);
				if (cut == start) {
					assert_int_equal(r.last, CAP_EOF);
					capread_free(&r);
					continue;
				}
				assert_int_equal(r.last, STEER_EIO);
				snprintf(want, sizeof(want),
				         "packet %zu at byte offset %zu: ", k + 1, start);
				if (strncmp(r.err, want, strlen(want)) != 0)
					fail_msg("cut %zu (%s): '%s' does not start with '%s'", cut,
					         lib ? "libpcap" : "fast", r.err, want);
				if (!lib && cut - start < 16)
					snprintf(want, sizeof(want),
					         "truncated record header (%zu of 16 bytes)",
					         cut - start);
				else if (!lib)
					snprintf(want, sizeof(want),
					         "truncated packet data (%zu of %u bytes)",
					         cut - start - 16, caplens[k]);
				else
					snprintf(want, sizeof(want), "truncated");
				assert_non_null(strstr(r.err, want));
				capread_free(&r);
			}
			/* after the damage: nothing more, the same answer */
			if (cut > 24) {
				struct cap_reader *rd = NULL;
				char err[STEER_ERRBUF_SIZE];
				struct cap_pkthdr h;
				const uint8_t *d;
				int rc;
				assert_int_equal(cap_reader_open_file(path, 0, &rd, err), 0);
				while ((rc = cap_reader_next(rd, &h, &d)) == CAP_PACKET)
					;
				assert_int_equal(cap_reader_next(rd, &h, &d), rc);
				cap_reader_close(rd);
			}
		}
		capbuf_free(&c);
	}
}

static void bad_headers(void **state)
{
	(void)state;
	struct capread r;
	uint8_t junk[100];
	memset(junk, 0x41, sizeof(junk));
	memcpy(junk, "JUNK", 4);
	for (int lib = 0; lib < 2; lib++) {
		capread_file(capfile_write("junk.pcap", junk, sizeof(junk)),
		             lib ? CAP_READ_LIBPCAP : 0, &r);
		assert_int_equal(r.open_rc, STEER_EINVAL);
		assert_non_null(
		    strstr(r.err, "junk.pcap: not a pcap or pcapng file (magic 0x4a554e4b)"));
	}
	/* version 1.0 */
	struct capbuf c = {0};
	capbuf_u32(&c, 0xa1b2c3d4);
	capbuf_u16(&c, 1);
	capbuf_u16(&c, 0);
	for (int i = 0; i < 4; i++)
		capbuf_u32(&c, i == 2 ? 65535 : i == 3 ? 1 : 0);
	capread_file(capfile_write("v1.pcap", c.b, c.n), 0, &r);
	assert_int_equal(r.open_rc, STEER_EINVAL);
	assert_non_null(strstr(r.err, "v1.pcap: pcap version 1 is not supported (only 2.x)"));
	capbuf_free(&c);
	/* no such file */
	capread_file(capfile_path("nonexistent.pcap"), 0, &r);
	assert_int_equal(r.open_rc, STEER_ENOENT);
	assert_non_null(strstr(r.err, "nonexistent.pcap"));
}

/* Records up to CAP_MAX_SNAPLEN bytes are read, a longer one is corrupt; the header's snaplen
 * is reported as it is; the FCS bits above the link type are not part of it. */
static void snaplen_and_linktype(void **state)
{
	(void)state;
	static uint8_t big[CAP_MAX_SNAPLEN + 1];
	struct capread r;
	for (int lib = 0; lib < 2; lib++) {
		struct capbuf c = {0};
		capbuf_pcap_header(&c, false, CAP_MAX_SNAPLEN,
		                   0x14000001u); /* FCS length 4, Ethernet */
		capfill(big, CAP_MAX_SNAPLEN, 9);
		capbuf_pcap_record(&c, 1, 2, CAP_MAX_SNAPLEN, CAP_MAX_SNAPLEN, big);
		capbuf_pcap_record(&c, 3, 4, 60, 60, big);
		size_t corrupt_at = c.n;
		capbuf_pcap_record(&c, 5, 6, CAP_MAX_SNAPLEN + 1, CAP_MAX_SNAPLEN + 1, big);
		capread_file(capfile_write("big.pcap", c.b, c.n), lib ? CAP_READ_LIBPCAP : 0, &r);
		assert_int_equal(r.open_rc, 0);
		assert_int_equal(r.linktype, 1);
		assert_int_equal(r.snaplen, CAP_MAX_SNAPLEN);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.pkts[0].h.caplen, CAP_MAX_SNAPLEN);
		assert_memory_equal(r.pkts[0].data, big, CAP_MAX_SNAPLEN);
		assert_int_equal(r.last, STEER_EIO);
		char want[128];
		snprintf(want, sizeof(want), "packet 3 at byte offset %zu: ", corrupt_at);
		assert_non_null(strstr(r.err, want));
		if (!lib)
			assert_non_null(strstr(r.err,
			                       "corrupt record: captured length 262145 exceeds "
			                       "the maximum 262144"));
		capread_free(&r);
		capbuf_free(&c);
	}
	/* a microsecond field that is no fraction of a second: given as it is on both paths */
	for (int lib = 0; lib < 2; lib++) {
		struct capbuf c = {0};
		capbuf_pcap_header(&c, false, 65535, 1);
		capbuf_pcap_record(&c, 7, 1700000000u, 60, 60, big);
		capbuf_pcap_record(&c, 8, UINT32_MAX, 60, 60, big);
		capread_file(capfile_write("frac.pcap", c.b, c.n), lib ? CAP_READ_LIBPCAP : 0, &r);
		assert_int_equal(r.prec, CAP_TS_MICRO);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.pkts[0].h.ts_frac, 1700000000u);
		assert_int_equal(r.pkts[1].h.ts_frac, UINT32_MAX);
		capread_free(&r);
		capbuf_free(&c);
	}
	/* a small snaplen is reported as the file says */
	struct capbuf c = {0};
	capbuf_pcap_header(&c, true, 96, 101);
	capbuf_pcap_record(&c, 1, 2, 20, 1500, big);
	capread_file(capfile_write("small.pcap", c.b, c.n), 0, &r);
	assert_int_equal(r.snaplen, 96);
	assert_int_equal(r.linktype, 101);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.pkts[0].h.len, 1500);
	capread_free(&r);
	capbuf_free(&c);
	assert_string_equal(cap_linktype_name(1), "EN10MB");
	assert_string_equal(cap_linktype_name(101), "RAW");
	assert_string_equal(cap_linktype_name(65000), "unknown");
}

/* Files of libpcap before 0.4 (versions 2.0 to 2.2) have a record's captured and original
 * lengths the other way round: read right on every path (through libpcap, which knows it);
 * seconds past 2038 (2^31) are the unsigned 32-bit field on every path. */
static void old_versions_and_late_times(void **state)
{
	(void)state;
	uint8_t data[200];
	capfill(data, sizeof(data), 3);
	for (int swapped = 0; swapped < 2; swapped++) {
		struct capbuf c = {0};
		c.swapped = swapped;
		capbuf_u32(&c, 0xa1b2c3d4u);
		capbuf_u16(&c, 2);
		capbuf_u16(&c, 2);
		for (int i = 0; i < 4; i++)
			capbuf_u32(&c, i == 2 ? 65535 : i == 3 ? 1 : 0);
		/* caplen 60, original length 200, written as len, caplen */
		capbuf_u32(&c, 3000000000u);
		capbuf_u32(&c, 5);
		capbuf_u32(&c, 200);
		capbuf_u32(&c, 60);
		capbuf_bytes(&c, data, 60);
		for (int lib = 0; lib < 2; lib++) {
			struct capread r;
			capread_file(capfile_write("v22.pcap", c.b, c.n),
			             lib ? CAP_READ_LIBPCAP : 0, &r);
			assert_int_equal(r.open_rc, 0);
			assert_int_equal(r.last, CAP_EOF);
			assert_int_equal(r.n, 1);
			assert_int_equal(r.pkts[0].h.caplen, 60);
			assert_int_equal(r.pkts[0].h.len, 200);
			assert_int_equal(r.pkts[0].h.ts_sec, 3000000000);
			assert_memory_equal(r.pkts[0].data, data, 60);
			capread_free(&r);
		}
		capbuf_free(&c);
		/* version 2.4, both paths: the seconds are unsigned */
		c.swapped = swapped;
		capbuf_pcap_header(&c, true, 65535, 1);
		capbuf_pcap_record(&c, 4294967295u, 1, 60, 60, data);
		for (int lib = 0; lib < 2; lib++) {
			struct capread r;
			capread_file(capfile_write("late.pcap", c.b, c.n),
			             lib ? CAP_READ_LIBPCAP : 0, &r);
			assert_int_equal(r.n, 1);
			assert_int_equal(r.pkts[0].h.ts_sec, 4294967295);
			capread_free(&r);
		}
		capbuf_free(&c);
	}
}

/* pcapng is read through libpcap (whatever the flags): nanosecond precision, the packets and
 * their timestamps as the blocks say. */
static void pcapng(void **state)
{
	(void)state;
	uint8_t data[1514];
	for (int nano = 0; nano < 2; nano++) {
		struct capbuf c = {0};
		size_t ends[NREC + 1];
		capbuf_pcapng_header(&c, 1, 0, nano);
		ends[0] = c.n;
		for (int i = 0; i < 4; i++) {
			capfill(data, 100u * (unsigned)i + 60, (unsigned)i);
			uint64_t ts = 1700000000ull * (nano ? 1000000000ull : 1000000ull) +
			              12345u * (unsigned)i;
			capbuf_pcapng_packet(&c, ts, 100u * (unsigned)i + 60, 1514, data);
			ends[i + 1] = c.n;
		}
		for (int lib = 0; lib < 2; lib++) {
			struct capread r;
			capread_file(capfile_write("ng.pcapng", c.b, c.n),
			             lib ? CAP_READ_LIBPCAP : 0, &r);
			assert_int_equal(r.open_rc, 0);
			assert_int_equal(r.format, CAP_FORMAT_PCAPNG);
			assert_int_equal(r.prec, CAP_TS_NANO);
			assert_int_equal(r.linktype, 1);
			assert_int_equal(r.last, CAP_EOF);
			assert_int_equal(r.n, 4);
			for (int i = 0; i < 4; i++) {
				capfill(data, 100u * (unsigned)i + 60, (unsigned)i);
				assert_int_equal(r.pkts[i].h.ts_sec, 1700000000);
				assert_int_equal(r.pkts[i].h.ts_frac,
				                 12345u * (unsigned)i * (nano ? 1 : 1000));
				assert_int_equal(r.pkts[i].h.caplen, 100u * (unsigned)i + 60);
				assert_int_equal(r.pkts[i].h.len, 1514);
				assert_memory_equal(r.pkts[i].data, data, r.pkts[i].h.caplen);
			}
			capread_free(&r);
		}
		/* cut at every byte: refused at open (naming the file), or the whole packets before
		 * the cut, then EOF at a block boundary or STEER_EIO naming the packet */
		for (size_t cut = 0; cut < c.n; cut++) {
			struct capread r;
			capread_file(capfile_write("ngcut.pcapng", c.b, cut), 0, &r);
			if (r.open_rc != 0) {
				assert_int_equal(r.open_rc, STEER_EINVAL);
				assert_non_null(strstr(r.err, "ngcut.pcapng"));
				assert_true(cut < ends[0]);
				continue;
			}
			size_t k = 0;
			while (k < 4 && ends[k + 1] <= cut)
				k++;
			assert_int_equal(r.n, k);
			if (cut == ends[k]) {
				assert_int_equal(r.last, CAP_EOF);
			} else {
				char want[64];
				assert_int_equal(r.last, STEER_EIO);
				snprintf(want, sizeof(want), "packet %zu ", k + 1);
				assert_non_null(strstr(r.err, want));
			}
			capread_free(&r);
		}
		capbuf_free(&c);
	}
}

/* "-" is standard input, read through libpcap (the magic peeked, then handed back). */
static void standard_input(void **state)
{
	(void)state;
	struct capbuf c;
	build_pcap(&c, false, false, NULL, NREC);
	const char *path = capfile_write("stdin.pcap", c.b, c.n);
	int fd = open(path, O_RDONLY), saved = dup(STDIN_FILENO);
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	struct capread r;
	capread_file("-", 0, &r);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(r.open_rc, 0);
	assert_int_equal(r.format, CAP_FORMAT_PCAP);
	assert_int_equal(r.prec, CAP_TS_MICRO);
	assert_int_equal(r.last, CAP_EOF);
	expect_records(&r, NREC, false);
	capread_free(&r);
	capbuf_free(&c);
}

/* cap_reader_next_mut: the fast path in this host's byte order hands out records in place,
 * header before the data as in the file; any other reader refuses. */
static void records_in_place(void **state)
{
	(void)state;
	for (int swapped = 0; swapped < 2; swapped++) {
		struct capbuf c;
		size_t ends[NREC];
		build_pcap(&c, swapped, false, ends, NREC);
		const char *path = capfile_write("mut.pcap", c.b, c.n);
		for (int lib = 0; lib < 2; lib++) {
			struct cap_reader *rd = NULL;
			char err[STEER_ERRBUF_SIZE];
			struct cap_pkthdr h;
			uint8_t *d;
			assert_int_equal(
			    cap_reader_open_file(path, lib ? CAP_READ_LIBPCAP : 0, &rd, err), 0);
			if (lib || swapped) {
				assert_false(cap_reader_raw(rd));
				assert_int_equal(cap_reader_next_mut(rd, &h, &d), STEER_EINVAL);
				cap_reader_close(rd);
				continue;
			}
			size_t start = 24;
			for (int i = 0; i < NREC; i++) {
				assert_int_equal(cap_reader_next_mut(rd, &h, &d), CAP_PACKET);
				assert_memory_equal(d - CAP_REC_HDR_LEN, c.b + start,
				                    CAP_REC_HDR_LEN + caplens[i]);
				if (h.caplen)
					d[0] ^= 0xff; /* writable */
				start = ends[i];
			}
			assert_int_equal(cap_reader_next_mut(rd, &h, &d), CAP_EOF);
			cap_reader_close(rd);
		}
		capbuf_free(&c);
	}
}

/* The release hook (cap_reader_set_release_hook): called before each refill; the records
 * returned since the previous call, and those returned between the two calls before, are
 * intact when it is called (a pass-through writer relies on it). */
struct held {
	const uint8_t *p;
	uint8_t copy[1600];
	size_t n;
};
struct hook_state {
	struct held *prev, *cur;
	size_t nprev, ncur, cap;
	unsigned calls;
};

static void check_held(const struct held *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(h[i].p, h[i].copy, h[i].n);
}

static void on_release(void *arg)
{
	struct hook_state *s = arg;
	check_held(s->prev, s->nprev);
	check_held(s->cur, s->ncur);
	struct held *t = s->prev;
	s->prev = s->cur;
	s->nprev = s->ncur;
	s->cur = t;
	s->ncur = 0;
	s->calls++;
}

static void release_hook(void **state)
{
	(void)state;
	enum { N = 8000 };
	struct capbuf c = {0};
	uint8_t data[1600];
	capbuf_pcap_header(&c, false, 65535, 1);
	for (unsigned i = 0; i < N; i++) {
		uint32_t n = 60 + (i * 7919u) % 1500u;
		capfill(data, n, i);
		capbuf_pcap_record(&c, i, 0, n, n, data);
	}
	const char *path = capfile_write("hook.pcap", c.b, c.n);
	struct cap_reader *rd = NULL;
	char err[STEER_ERRBUF_SIZE];
	struct hook_state s = {.cap = N};
	s.prev = calloc(N, sizeof(*s.prev));
	s.cur = calloc(N, sizeof(*s.cur));
	assert_true(s.prev && s.cur);
	assert_int_equal(cap_reader_open_file(path, 0, &rd, err), 0);
	assert_int_equal(cap_reader_set_release_hook(rd, on_release, &s), 0);
	struct cap_pkthdr h;
	const uint8_t *d;
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(cap_reader_next(rd, &h, &d), CAP_PACKET);
		capfill(data, h.caplen, i);
		assert_memory_equal(d, data, h.caplen);
		struct held *x = &s.cur[s.ncur++];
		x->p = d;
		x->n = h.caplen;
		memcpy(x->copy, d, h.caplen);
	}
	assert_int_equal(cap_reader_next(rd, &h, &d), CAP_EOF);
	/* ~6.6 MB in 1 MiB windows: several refills */
	assert_true(s.calls >= 4);
	check_held(s.prev, s.nprev);
	check_held(s.cur, s.ncur);
	assert_int_equal(cap_reader_set_release_hook(rd, NULL, NULL), 0);
	cap_reader_close(rd);
	free(s.prev);
	free(s.cur);
	capbuf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(both_byte_orders_and_precisions),
	    cmocka_unit_test(truncation_at_every_byte),
	    cmocka_unit_test(bad_headers),
	    cmocka_unit_test(snaplen_and_linktype),
	    cmocka_unit_test(old_versions_and_late_times),
	    cmocka_unit_test(pcapng),
	    cmocka_unit_test(standard_input),
	    cmocka_unit_test(records_in_place),
	    cmocka_unit_test(release_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
