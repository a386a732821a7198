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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_heartbeat),
	    cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
