/* SPDX-License-Identifier: BSD-2-Clause */
/* test_pcap_write.c: the capture writer (steer/cap_pcap.h): the exact bytes of the header and the
 * records (pcap-savefile(5), this host's byte order), micro- and nanosecond magic, snaplen
 * clamping, records from pieces, libpcap's pcap_dump giving the same bytes, the round trip
 * through the reader, write errors, and records passed through from the reader without a copy
 * (synchronous and asynchronous writer). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

#include "capfile.h"

/* The bytes the writer must produce: the expected file, built independently. */
static void expected_header(struct capbuf *c, bool nano, uint32_t snaplen, uint32_t linktype)
{
	memset(c, 0, sizeof(*c));
	capbuf_pcap_header(c, nano, snaplen, linktype);
}

static void expect_file(const char *path, const struct capbuf *want)
{
	size_t n;
	uint8_t *got = capfile_read(path, &n);
	assert_int_equal(n, want->n);
	assert_memory_equal(got, want->b, n);
	free(got);
}

static void header_bytes(void **state)
{
	(void)state;
	static const struct {
		bool nano;
		uint32_t snaplen, written;
		int linktype;
	} v[] = {
	    {false, 1500, 1500, 1},
	    {true, 65535, 65535, 101},
	    {false, 0, CAP_MAX_SNAPLEN, 1},                    /* 0: the maximum */
	    {true, CAP_MAX_SNAPLEN + 1, CAP_MAX_SNAPLEN, 113}, /* above it: clamped */
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (int lib = 0; lib < 2; lib++) {
			struct cap_writer *w = NULL;
			char err[STEER_ERRBUF_SIZE] = "";
			const char *path = capfile_path("hdr.pcap");
			assert_int_equal(cap_writer_open(path, v[i].linktype, v[i].snaplen,
			                                 v[i].nano ? CAP_TS_NANO : CAP_TS_MICRO,
			                                 lib ? CAP_WRITE_LIBPCAP : 0, &w, err),
			                 0);
			if (!lib) {
				/* written at once: a valid (empty) capture before any packet */
				struct capbuf want;
				expected_header(&want, v[i].nano, v[i].written,
				                (uint32_t)v[i].linktype);
				expect_file(capfile_path("hdr.pcap"), &want);
				capbuf_free(&want);
			}
			assert_int_equal(cap_writer_count(w), 0);
			assert_int_equal(cap_writer_close(w, err), 0);
			struct capbuf want;
			expected_header(&want, v[i].nano, v[i].written, (uint32_t)v[i].linktype);
			expect_file(capfile_path("hdr.pcap"), &want);
			capbuf_free(&want);
		}
	}
	assert_int_equal(cap_writer_close(NULL, NULL), 0);
}

/* Records of every size (empty to the largest), whole and in pieces, with both writers: the
 * file is the expected bytes, and the reader gives the records back. */
static void round_trip(void **state)
{
	(void)state;
	static const uint32_t sizes[] = {0, 1, 14, 60, 1514, 9000, 65535, CAP_MAX_SNAPLEN, 3};
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	static uint8_t data[CAP_MAX_SNAPLEN];
	for (int nano = 0; nano < 2; nano++) {
		struct capbuf want;
		/* the largest snapshot length: a reader cuts records beyond it, as libpcap does */
		expected_header(&want, nano, CAP_MAX_SNAPLEN, 1);
		for (unsigned i = 0; i < N; i++) {
			capfill(data, sizes[i], i);
			capbuf_pcap_record(&want, 1700000000u + i, nano ? 999999999u : 999999u,
			                   sizes[i], sizes[i] + i, data);
		}
		for (int lib = 0; lib < 2; lib++) {
			struct cap_writer *w = NULL;
			char err[STEER_ERRBUF_SIZE] = "";
			assert_int_equal(cap_writer_open(capfile_path("rt.pcap"), 1,
			                                 CAP_MAX_SNAPLEN,
			                                 nano ? CAP_TS_NANO : CAP_TS_MICRO,
			                                 lib ? CAP_WRITE_LIBPCAP : 0, &w, err),
			                 0);
			for (unsigned i = 0; i < N; i++) {
				struct cap_pkthdr h = {.ts_sec = 1700000000 + i,
				                       .ts_frac = nano ? 999999999u : 999999u,
				                       .caplen = sizes[i],
				                       .len = sizes[i] + i};
				capfill(data, sizes[i], i);
				if (i % 2) {
					assert_int_equal(cap_writer_write(w, &h, data), 0);
				} else { /* three pieces, the middle one empty */
					uint32_t a = sizes[i] / 3;
					struct cap_iov iov[3] = {
					    {data, a}, {data + a, 0}, {data + a, sizes[i] - a}};
					assert_int_equal(cap_writer_writev(w, &h, iov, 3), 0);
				}
			}
			assert_int_equal(cap_writer_count(w), N);
			assert_int_equal(cap_writer_flush(w, err), 0);
			assert_int_equal(cap_writer_close(w, err), 0);
			expect_file(capfile_path("rt.pcap"), &want);

			struct capread r;
			capread_file(capfile_path("rt.pcap"), 0, &r);
			assert_int_equal(r.open_rc, 0);
			assert_int_equal(r.prec, nano ? CAP_TS_NANO : CAP_TS_MICRO);
			assert_int_equal(r.last, CAP_EOF);
			assert_int_equal(r.n, N);
			for (unsigned i = 0; i < N; i++) {
				capfill(data, sizes[i], i);
				assert_int_equal(r.pkts[i].h.ts_sec, 1700000000 + i);
				assert_int_equal(r.pkts[i].h.caplen, sizes[i]);
				assert_int_equal(r.pkts[i].h.len, sizes[i] + i);
				if (sizes[i])
					assert_memory_equal(r.pkts[i].data, data, sizes[i]);
			}
			capread_free(&r);
		}
		capbuf_free(&want);
	}
}

/* A record larger than the largest is refused and not written; the file stays valid. */
static void record_too_large(void **state)
{
	(void)state;
	static uint8_t data[CAP_MAX_SNAPLEN + 65];
	struct cap_writer *w = NULL;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(cap_writer_open(capfile_path("big.pcap"), 1, 0, CAP_TS_MICRO, 0, &w, err),
	                 0);
	struct cap_pkthdr h = {.caplen = sizeof(data), .len = sizeof(data)};
	assert_int_equal(cap_writer_write(w, &h, data), STEER_EINVAL);
	struct cap_iov iov[2] = {{data, CAP_MAX_SNAPLEN}, {data, 65}};
	assert_int_equal(cap_writer_writev(w, &h, iov, 2), STEER_EINVAL);
	assert_int_equal(cap_writer_count(w), 0);
	assert_int_equal(cap_writer_close(w, err), 0);
	struct capread r;
	capread_file(capfile_path("big.pcap"), 0, &r);
	assert_int_equal(r.open_rc, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.last, CAP_EOF);
}

/* Errors name the file: a directory that does not exist, a full device. */
static void write_errors(void **state)
{
	(void)state;
	char err[STEER_ERRBUF_SIZE];
	for (int lib = 0; lib < 2; lib++) {
		struct cap_writer *w = (struct cap_writer *)&err; /* must be reset */
		strcpy(err, "");
		assert_int_equal(cap_writer_open("/nonexistent-steer-dir/x.pcap", 1, 0,
		                                 CAP_TS_MICRO, lib ? CAP_WRITE_LIBPCAP : 0, &w,
		                                 err),
		                 STEER_EIO);
		assert_null(w);
		assert_non_null(strstr(err, "/nonexistent-steer-dir/x.pcap: "));
	}
	/* /dev/full: the header cannot be written */
	struct cap_writer *w = NULL;
	assert_int_equal(cap_writer_open("/dev/full", 1, 0, CAP_TS_MICRO, 0, &w, err), STEER_EIO);
	assert_null(w);
	assert_string_equal(err, "/dev/full: No space left on device");
	/* ... and libpcap's writer, which buffers: the error comes with a later write, the flush
	 * and the close, never lost (it was, until this test) */
	static uint8_t data[1500];
	assert_int_equal(
	    cap_writer_open("/dev/full", 1, 0, CAP_TS_MICRO, CAP_WRITE_LIBPCAP, &w, err), 0);
	struct cap_pkthdr h = {.caplen = sizeof(data), .len = sizeof(data)};
	int rc = 0;
	for (int i = 0; i < 10 && rc == 0; i++)
		rc = cap_writer_write(w, &h, data);
	assert_int_equal(rc, STEER_EIO);
	assert_true(cap_writer_count(w) < 10);
	assert_int_equal(cap_writer_flush(w, err), STEER_EIO);
	assert_string_equal(err, "/dev/full: No space left on device");
	strcpy(err, "");
	assert_int_equal(cap_writer_close(w, err), STEER_EIO);
	assert_string_equal(err, "/dev/full: No space left on device");
}

/* A file passed through: records from the reader's buffer, changed in place, handed to
 * cap_writer_write_raw, the writer released from the reader's hook: the output is the input
 * with the changes, byte for byte, whether the writer writes synchronously or from its thread. */
struct pass {
	struct cap_writer *w;
	unsigned releases;
};

static void release(void *arg)
{
	struct pass *p = arg;
	cap_writer_release(p->w);
	p->releases++;
}

static void pass_through(void **state)
{
	(void)state;
	enum { N = 9000 };
	struct capbuf in = {0}, want = {0};
	uint8_t data[1600];
	capbuf_pcap_header(&in, true, 65535, 1);
	capbuf_pcap_header(&want, true, 65535, 1);
	for (unsigned i = 0; i < N; i++) {
		uint32_t n = 14 + (i * 7919u) % 1500u;
		capfill(data, n, i);
		capbuf_pcap_record(&in, i, i * 3, n, n + 4, data);
		memset(data, (int)(i & 0xff),
		       6); /* the change made in place: the destination MAC */
		capbuf_pcap_record(&want, i, i * 3, n, n + 4, data);
	}
	const char *path = capfile_write("pass-in.pcap", in.b, in.n);
	char inpath[256];
	snprintf(inpath, sizeof(inpath), "%s", path);
	for (int async = 0; async < 2; async++) {
		struct cap_reader *r = NULL;
		struct pass p = {0};
		char err[STEER_ERRBUF_SIZE];
		assert_int_equal(cap_reader_open_file(inpath, 0, &r, err), 0);
		assert_int_equal(cap_writer_open(capfile_path("pass-out.pcap"), 1, 65535,
		                                 CAP_TS_NANO, 0, &p.w, err),
		                 0);
		assert_true(cap_writer_raw_ok(p.w, r));
		if (async)
			assert_int_equal(cap_writer_set_async(p.w), 0);
		assert_int_equal(cap_reader_set_release_hook(r, release, &p), 0);
		struct cap_pkthdr h;
		uint8_t *d;
		unsigned i = 0;
		while (cap_reader_next_mut(r, &h, &d) == CAP_PACKET) {
			memset(d, (int)(i++ & 0xff), 6);
			assert_int_equal(cap_writer_write_raw(p.w, d - CAP_REC_HDR_LEN,
			                                      CAP_REC_HDR_LEN + h.caplen, 1),
			                 0);
		}
		assert_int_equal(i, N);
		assert_true(p.releases >= 3); /* ~7 MB through 1 MiB windows */
		assert_int_equal(cap_writer_count(p.w), N);
		assert_int_equal(cap_writer_close(p.w, err), 0);
		cap_reader_close(r);
		expect_file(capfile_path("pass-out.pcap"), &want);
	}
	/* raw records are for steer's own writer of the same precision and a raw reader */
	struct cap_reader *r = NULL;
	struct cap_writer *w = NULL;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(cap_reader_open_file(inpath, 0, &r, err), 0);
	assert_int_equal(cap_writer_open(capfile_path("x.pcap"), 1, 0, CAP_TS_MICRO, 0, &w, err),
	                 0);
	assert_false(cap_writer_raw_ok(w, r)); /* micro writer, nano reader */
	assert_int_equal(cap_writer_close(w, err), 0);
	assert_int_equal(
	    cap_writer_open(capfile_path("x.pcap"), 1, 0, CAP_TS_NANO, CAP_WRITE_LIBPCAP, &w, err),
	    0);
	assert_false(cap_writer_raw_ok(w, r));
	assert_int_equal(cap_writer_write_raw(w, in.b + 24, 16, 1), STEER_EINVAL);
	assert_int_equal(cap_writer_set_async(w), STEER_EINVAL);
	assert_int_equal(cap_writer_close(w, err), 0);
	cap_reader_close(r);
	assert_int_equal(cap_reader_open_file(inpath, CAP_READ_LIBPCAP, &r, err), 0);
	assert_int_equal(cap_writer_open(capfile_path("x.pcap"), 1, 0, CAP_TS_NANO, 0, &w, err), 0);
	assert_false(cap_writer_raw_ok(w, r)); /* libpcap reader */
	assert_int_equal(cap_writer_close(w, err), 0);
	cap_reader_close(r);
	capbuf_free(&in);
	capbuf_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(header_bytes),     cmocka_unit_test(round_trip),
	    cmocka_unit_test(record_too_large), cmocka_unit_test(write_errors),
	    cmocka_unit_test(pass_through),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
