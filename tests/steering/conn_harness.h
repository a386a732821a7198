/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_harness.h: private to the tests: a connection tracker that keeps what it logs, and short
 * ways to feed it TCP, UDP and ICMP packets of one client/server pair. */
#ifndef STEER_TEST_CONN_HARNESS_H
#define STEER_TEST_CONN_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <steer/conn.h>
#include <steer/error.h>

#include "frame.h"

#define MAX_RECS 64

/* With STEER_WRITE_CORPUS=<dir>, every harness also writes its frames as a seed for
 * tests/fuzz/fuzz_conn.c (DIR/conn/HARNESS_NAME-NN.bin). */
#ifndef HARNESS_NAME
#define HARNESS_NAME "conn"
#endif

struct harness {
	struct steer_conn *t;
	FILE *seed;
	int64_t seed_ms;
	struct steer_conn_rec recs[MAX_RECS];
	int n;
	int established;
	struct steer_conn_rec ev;
};

static inline void h_on_conn(void *arg, const struct steer_conn_rec *r)
{
	struct harness *h = arg;
	assert_true(h->n < MAX_RECS);
	h->recs[h->n++] = *r;
}

static inline void h_on_event(void *arg, int ev, const struct steer_conn_rec *r)
{
	struct harness *h = arg;
	assert_int_equal(ev, STEER_CONN_EV_ESTABLISHED);
	h->established++;
	h->ev = *r;
}

/* A tracker with Zeek's defaults; opts may adjust them first (NULL: as they are). */
static inline void h_init(struct harness *h, void (*adjust)(struct steer_conn_opts *))
{
	struct steer_conn_opts o;
	char err[STEER_ERRBUF_SIZE];

	memset(h, 0, sizeof(*h));
	steer_conn_opts_default(&o);
	o.on_conn = h_on_conn;
	o.on_event = h_on_event;
	o.arg = h;
	o.uid_seed = 7;
	if (adjust)
		adjust(&o);
	assert_int_equal(steer_conn_new(&o, &h->t, err), 0);
	const char *dir = getenv("STEER_WRITE_CORPUS");
	if (dir) {
		static int n;
		char path[4096];
		snprintf(path, sizeof(path), "%s/conn/%s-%02d.bin", dir, HARNESS_NAME, n++);
		h->seed = fopen(path, "wb");
		assert_non_null(h->seed);
	}
}

static inline void h_done(struct harness *h)
{
	if (h->seed)
		fclose(h->seed);
	steer_conn_free(h->t);
}

/* Time in milliseconds from a fixed start. */
static inline int64_t h_ns(int64_t ms)
{
	return 1700000000000000000ll + ms * 1000000ll;
}

static inline void h_frame(struct harness *h, int64_t ms, const struct tframe *f)
{
	if (h->seed) {
		int64_t step = ms - h->seed_ms > 65535 ? 65535 : ms - h->seed_ms;
		fputc(0, h->seed);
		fputc((int)(step >> 8), h->seed);
		fputc((int)(step & 0xff), h->seed);
		fputc((int)(f->n >> 8), h->seed);
		fputc((int)(f->n & 0xff), h->seed);
		fwrite(f->b, 1, f->n, h->seed);
		h->seed_ms = ms;
	}
	steer_conn_packet(h->t, STEER_LINK_ETHERNET, f->b, (uint32_t)f->n, (uint32_t)f->n, h_ns(ms));
}

/* The test pair: client 10.0.0.1:40000, server 192.0.2.10:sport (7777 unless set). */
#define CLI "10.0.0.1"
#define SRV "192.0.2.10"
#define CPORT 40000

/* A TCP packet; from_client picks the direction. */
static inline void h_tcp(struct harness *h, int64_t ms, bool from_client, unsigned sport,
                  unsigned flags, uint32_t seq, uint32_t ack, size_t len)
{
	struct tframe f;
	if (from_client)
		tf_eth_tcp(&f, CLI, CPORT, SRV, sport, seq, ack, flags, len);
	else
		tf_eth_tcp(&f, SRV, sport, CLI, CPORT, seq, ack, flags, len);
	h_frame(h, ms, &f);
}

static inline void h_udp(struct harness *h, int64_t ms, bool from_client, unsigned sport, size_t len)
{
	struct tframe f;
	if (from_client)
		tf_eth_udp(&f, CLI, CPORT, SRV, sport, len);
	else
		tf_eth_udp(&f, SRV, sport, CLI, CPORT, len);
	h_frame(h, ms, &f);
}

/* Flushes and returns the only record logged. */
static inline const struct steer_conn_rec *h_one(struct harness *h)
{
	steer_conn_flush(h->t);
	assert_int_equal(h->n, 1);
	return &h->recs[0];
}

static inline void h_expect(const struct steer_conn_rec *r, const char *history, int state)
{
	assert_string_equal(r->history, history);
	assert_string_equal(steer_conn_state_name(r->conn_state), steer_conn_state_name(state));
}

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

#endif
