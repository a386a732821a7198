/* SPDX-License-Identifier: BSD-2-Clause */
/* test_wire.c: the cluster wire format: header and payloads round-trip, and every malformed
 * frame is refused with the right class (the fuzz target checks the same on random input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/clu_wire.h>
#include <steer/error.h>

static size_t frame(uint8_t *out, uint8_t type, uint64_t seq, const char *sender,
                    const void *payload, uint32_t len)
{
	size_t hl = clu_wire_header(out, type, seq, sender, len);
	assert_true(hl > 0);
	memcpy(out + hl, payload, len);
	return hl + len;
}

static void test_header(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = frame(buf, CLU_MSG_LOG_BATCH, 0x0102030405060708ull, "worker-1-2", "abc", 3);
	static const uint8_t want[] = {0x53, 0x54, 0x45, 0x52, 1,   2,   0,   10,  1,   2,   3,
	                               4,    5,    6,    7,    8,   0,   0,   0,   3,   'w', 'o',
	                               'r',  'k',  'e',  'r',  '-', '1', '-', '2', 'a', 'b', 'c'};
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	struct clu_msg m;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_wire_decode(buf, n, &m, err), CLU_WIRE_OK);
	assert_int_equal(m.type, CLU_MSG_LOG_BATCH);
	assert_int_equal(m.seq, 0x0102030405060708ull);
	assert_string_equal(m.sender, "worker-1-2");
	assert_int_equal(m.len, 3);
	assert_memory_equal(m.payload, "abc", 3);

	/* Names that cannot be sent. */
	assert_int_equal(clu_wire_header(buf, 1, 0, "", 0), 0);
	assert_int_equal(clu_wire_header(buf, 1, 0, "a b", 0), 0);
	assert_int_equal(clu_wire_header(buf, 1, 0, ".x", 0), 0);
	char longname[80];
	memset(longname, 'a', 64);
	longname[64] = '\0';
	assert_int_equal(clu_wire_header(buf, 1, 0, longname, 0), 0);
	longname[63] = '\0';
	assert_int_not_equal(clu_wire_header(buf, 1, 0, longname, 0), 0);
}

/* Byte i of a valid frame changed to v, or the frame cut at len: the class it must get. */
static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int at; /* byte to change, -1: none */
		uint8_t v;
		int cut; /* bytes to drop from the end (negative: bytes to add) */
		int want;
	} cases[] = {
	    {"valid", -1, 0, 0, CLU_WIRE_OK},
	    {"magic", 0, 'X', 0, CLU_WIRE_EFOREIGN},
	    {"version", 4, 9, 0, CLU_WIRE_EVERSION},
	    {"type 0", 5, 0, 0, CLU_WIRE_EINVAL},
	    {"type 99", 5, 99, 0, CLU_WIRE_EINVAL},
	    {"flags", 6, 1, 0, CLU_WIRE_EINVAL},
	    {"name length 0", 7, 0, 0, CLU_WIRE_EINVAL},
	    {"name length past end", 7, 200, 0, CLU_WIRE_ETRUNC},
	    {"name byte", 20, ' ', 0, CLU_WIRE_EINVAL},
	    {"length huge", 16, 0xff, 0, CLU_WIRE_EINVAL},
	    {"short payload", -1, 0, 1, CLU_WIRE_ETRUNC},
	    {"extra byte", -1, 0, -1, CLU_WIRE_EINVAL},
	    {"header only", -1, 0, 15, CLU_WIRE_ETRUNC},
	    {"cut in header", -1, 0, 30, CLU_WIRE_ETRUNC},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[256] = {0};
		size_t n = frame(buf, CLU_MSG_LOG_BATCH, 1, "worker-1", "0123456789", 10);
		if (cases[i].at >= 0)
			buf[cases[i].at] = cases[i].v;
		n = (size_t)((long)n - cases[i].cut);
		struct clu_msg m;
		char err[STEER_ERRBUF_SIZE] = "";
		int rc = clu_wire_decode(buf, n, &m, err);
		if (rc != cases[i].want)
			fail_msg("%s: got %s (%s), want %s", cases[i].name, clu_wire_strerror(rc),
			         err, clu_wire_strerror(cases[i].want));
		if (rc != CLU_WIRE_OK)
			assert_true(err[0] != '\0');
	}
}

static void test_heartbeat(void **state)
{
	(void)state;
	struct clu_heartbeat h = {.role = CLU_ROLE_WORKER,
	                          .pid = 4242,
	                          .start_us = 1700000000123456ull,
	                          .interval_ms = 1000,
	                          .pkts_recv = 99,
	                          .pkts_drop = 3},
	                     g;
	uint8_t p[64], buf[256];
	assert_int_equal(clu_heartbeat_encode(&h, p, sizeof(p)), CLU_HEARTBEAT_LEN);
	assert_int_equal(clu_heartbeat_encode(&h, p, CLU_HEARTBEAT_LEN - 1), 0);
	size_t n = frame(buf, CLU_MSG_HEARTBEAT, 7, "worker-1", p, CLU_HEARTBEAT_LEN);
	struct clu_msg m;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_wire_decode(buf, n, &m, err), CLU_WIRE_OK);
	assert_int_equal(clu_heartbeat_decode(&m, &g, err), CLU_WIRE_OK);
	assert_int_equal(g.role, h.role);
	assert_int_equal(g.pid, h.pid);
	assert_int_equal(g.start_us, h.start_us);
	assert_int_equal(g.interval_ms, h.interval_ms);
	assert_int_equal(g.pkts_recv, h.pkts_recv);
	assert_int_equal(g.pkts_drop, h.pkts_drop);

	p[0] = 7; /* no such role */
	n = frame(buf, CLU_MSG_HEARTBEAT, 7, "worker-1", p, CLU_HEARTBEAT_LEN);
	assert_int_equal(clu_wire_decode(buf, n, &m, err), CLU_WIRE_OK);
	assert_int_equal(clu_heartbeat_decode(&m, &g, err), CLU_WIRE_EINVAL);
	n = frame(buf, CLU_MSG_HEARTBEAT, 7, "worker-1", p, 10);
	assert_int_equal(clu_wire_decode(buf, n, &m, err), CLU_WIRE_OK);
	assert_int_equal(clu_heartbeat_decode(&m, &g, err), CLU_WIRE_ETRUNC);
}

static void test_status(void **state)
{
	(void)state;
	struct clu_status_entry v[2] =
	    {{.name = "manager", .role = CLU_ROLE_MANAGER, .state = CLU_STATE_UP, .pid = 1},
	     {.name = "worker-2",
	      .role = CLU_ROLE_WORKER,
	      .state = CLU_STATE_DOWN,
	      .pid = 77,
	      .start_us = 5,
	      .hb_age_ms = UINT32_MAX,
	      .pkts_recv = 1000,
	      .pkts_drop = 1}},
	                        g[2];
	uint8_t p[512], buf[600];
	size_t pl = clu_status_encode(v, 2, p, sizeof(p));
	assert_true(pl > 0);
	size_t n = frame(buf, CLU_MSG_STATUS_REP, 1, "manager", p, (uint32_t)pl);
	struct clu_msg m;
	char err[STEER_ERRBUF_SIZE];
	size_t k;
	assert_int_equal(clu_wire_decode(buf, n, &m, err), CLU_WIRE_OK);
	assert_int_equal(clu_status_decode(&m, g, 2, &k, err), CLU_WIRE_OK);
	assert_int_equal(k, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(g[i].name, v[i].name);
		assert_int_equal(g[i].role, v[i].role);
		assert_int_equal(g[i].state, v[i].state);
		assert_int_equal(g[i].pid, v[i].pid);
		assert_int_equal(g[i].start_us, v[i].start_us);
		assert_int_equal(g[i].hb_age_ms, v[i].hb_age_ms);
		assert_int_equal(g[i].pkts_recv, v[i].pkts_recv);
		assert_int_equal(g[i].pkts_drop, v[i].pkts_drop);
	}
	/* Cut anywhere inside: truncated, never an entry built from missing bytes. */
	for (size_t cut = 1; cut < pl; cut++) {
		n = frame(buf, CLU_MSG_STATUS_REP, 1, "manager", p, (uint32_t)(pl - cut));
		assert_int_equal(clu_wire_decode(buf, n, &m, err), CLU_WIRE_OK);
		int rc = clu_status_decode(&m, g, 2, &k, err);
		assert_true(rc == CLU_WIRE_ETRUNC || rc == CLU_WIRE_EINVAL);
	}
}

/* A message of type with payload p (len bytes), decoded into *m (buffer buf). */
static void msg(uint8_t *buf, struct clu_msg *m, uint8_t type, const char *sender, const void *p,
                size_t len)
{
	char err[STEER_ERRBUF_SIZE];
	size_t n = frame(buf, type, 7, sender, p, (uint32_t)len);
	assert_int_equal(clu_wire_decode(buf, n, m, err), CLU_WIRE_OK);
}

static void test_set_batch(void **state)
{
	(void)state;
	static uint8_t pay[4096], buf[4200];
	struct clu_set_rec r = {.set = "steer_test",
	                        .setlen = 10,
	                        .key = (const uint8_t *)"k1",
	                        .keylen = 2,
	                        .ts_us = 100,
	                        .expire_us = 200,
	                        .origin = 5};
	struct clu_set_batch h = {.count = 2, .ring_origin = 2, .hops = 1, .ring_incarnation = 9};
	size_t len = CLU_SET_RING_HDR;
	clu_set_batch_header(pay, &h, true);
	len += clu_set_rec_encode(&r, pay + len, sizeof(pay) - len);
	r.key = (const uint8_t *)"key-2";
	r.keylen = 5;
	len += clu_set_rec_encode(&r, pay + len, sizeof(pay) - len);
	struct clu_msg m;
	msg(buf, &m, CLU_MSG_SET_RING, "proxy-2", pay, len);
	struct clu_set_batch b;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_set_batch_decode(&m, &b, err), CLU_WIRE_OK);
	assert_int_equal(b.count, 2);
	assert_int_equal(b.ring_origin, 2);
	assert_int_equal(b.hops, 1);
	assert_int_equal(b.ring_incarnation, 9);
	size_t off = 0;
	struct clu_set_rec got;
	assert_true(clu_set_batch_next(&b, &off, &got));
	assert_memory_equal(got.key, "k1", 2);
	assert_true(clu_set_batch_next(&b, &off, &got));
	assert_int_equal(got.keylen, 5);
	assert_int_equal(got.origin, 5);
	assert_int_equal(got.expire_us, 200);
	assert_false(clu_set_batch_next(&b, &off, &got));
	/* One byte short, one byte more, a count that lies: refused whole. */
	msg(buf, &m, CLU_MSG_SET_RING, "proxy-2", pay, len - 1);
	assert_int_equal(clu_set_batch_decode(&m, &b, err), CLU_WIRE_ETRUNC);
	assert_non_null(strstr(err, "record 2 of 2"));
	pay[len] = 0;
	msg(buf, &m, CLU_MSG_SET_RING, "proxy-2", pay, len + 1);
	assert_int_equal(clu_set_batch_decode(&m, &b, err), CLU_WIRE_EINVAL);
	pay[CLU_SET_RING_HDR - 1] = 1; /* count 1 of 2 records */
	msg(buf, &m, CLU_MSG_SET_RING, "proxy-2", pay, len);
	assert_int_equal(clu_set_batch_decode(&m, &b, err), CLU_WIRE_EINVAL);
	/* Records that cannot be encoded. */
	r.expire_us = r.ts_us;
	assert_int_equal(clu_set_rec_encode(&r, pay, sizeof(pay)), 0);
	r.expire_us = 200;
	r.set = "a b";
	r.setlen = 3;
	assert_int_equal(clu_set_rec_encode(&r, pay, sizeof(pay)), 0);
}

static void test_notice_payloads(void **state)
{
	(void)state;
	static uint8_t pay[16384], buf[17000];
	struct clu_notice_msg nm = {.ts_us = 5,
	                            .flags = CLU_NF_IDENT | CLU_NF_N,
	                            .note = {"Steer::Wrong_Worker", 19},
	                            .msg = {"m", 1},
	                            .ident = {"id", 2},
	                            .n = 3};
	size_t len = clu_notice_encode(&nm, pay, sizeof(pay));
	assert_true(len > 0);
	struct clu_msg m;
	msg(buf, &m, CLU_MSG_NOTICE, "worker-1", pay, len);
	struct clu_notice_msg got;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_notice_decode(&m, &got, err), CLU_WIRE_OK);
	assert_int_equal(got.flags, CLU_NF_IDENT | CLU_NF_N);
	assert_memory_equal(got.note.p, "Steer::Wrong_Worker", 19);
	assert_null(got.sub.p);
	assert_int_equal(got.n, 3);
	nm.note = (struct clu_wstr){"a b", 3}; /* a note with a space */
	len = clu_notice_encode(&nm, pay, sizeof(pay));
	msg(buf, &m, CLU_MSG_NOTICE, "worker-1", pay, len);
	assert_int_equal(clu_notice_decode(&m, &got, err), CLU_WIRE_EINVAL);

	struct clu_suppress v[2] = {{.note = {"A::B", 4}, .ident = {"x", 1}, .until_us = 9},
	                            {.note = {"C::D", 4}, .until_us = 10}};
	len = clu_suppress_encode(v, 2, pay, sizeof(pay));
	msg(buf, &m, CLU_MSG_SUPPRESS, "manager", pay, len);
	struct clu_suppress w[1];
	size_t n;
	assert_int_equal(clu_suppress_decode(&m, w, 1, &n, err), CLU_WIRE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].until_us, 9);
	msg(buf, &m, CLU_MSG_SUPPRESS, "manager", pay, len - 1);
	assert_int_equal(clu_suppress_decode(&m, w, 1, &n, err), CLU_WIRE_ETRUNC);

	struct clu_known k = {.kind = CLU_KNOWN_SERVICE,
	                      .ts_us = 1,
	                      .port = 80,
	                      .proto = 6,
	                      .nservices = 1,
	                      .service = {{"HTTP", 4}}};
	steer_addr_parse("10.0.0.1", &k.host);
	len = clu_known_encode(&k, pay, sizeof(pay));
	msg(buf, &m, CLU_MSG_KNOWN, "worker-1", pay, len);
	struct clu_known kg;
	assert_int_equal(clu_known_decode(&m, &kg, err), CLU_WIRE_OK);
	assert_int_equal(kg.port, 80);
	assert_memory_equal(kg.service[0].p, "HTTP", 4);
	k.kind = CLU_KNOWN_HOST; /* a host with a port */
	len = clu_known_encode(&k, pay, sizeof(pay));
	msg(buf, &m, CLU_MSG_KNOWN, "worker-1", pay, len);
	assert_int_equal(clu_known_decode(&m, &kg, err), CLU_WIRE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_heartbeat), cmocka_unit_test(test_status),
	    cmocka_unit_test(test_set_batch), cmocka_unit_test(test_notice_payloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
