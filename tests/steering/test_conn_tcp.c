/* SPDX-License-Identifier: BSD-2-Clause */
/* test_conn_tcp.c: the connection tracker on crafted TCP sequences: every conn_state, every
 * history letter, the log10 rule, flips, sizes, reuse and Zeek's TCP timers
 * (REFERENCE-cluster 1.3-1.9, 1.11). */
#define HARNESS_NAME "tcp"
#include "conn_harness.h"

#define P 7777 /* not a likely server port */
enum { C_ISN = 1000, S_ISN = 5000 };

/* SYN, SYN-ACK, ACK from the client. */
static void handshake(struct harness *h, int64_t ms, unsigned port)
{
	h_tcp(h, ms, true, port, F_SYN, C_ISN, 0, 0);
	h_tcp(h, ms + 1, false, port, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0);
	h_tcp(h, ms + 2, true, port, F_ACK, C_ISN + 1, S_ISN + 1, 0);
}

static void full_conversation_sf(void **state)
{
	struct harness h;
	(void)state;
	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 10, true, P, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 100);
	h_tcp(&h, 20, false, P, F_ACK, S_ISN + 1, C_ISN + 101, 0);
	h_tcp(&h, 30, false, P, F_ACK | F_PSH, S_ISN + 1, C_ISN + 101, 250);
	h_tcp(&h, 40, true, P, F_ACK | F_FIN, C_ISN + 101, S_ISN + 251, 0);
	h_tcp(&h, 50, false, P, F_ACK | F_FIN, S_ISN + 251, C_ISN + 102, 0);
	h_tcp(&h, 60, true, P, F_ACK, C_ISN + 102, S_ISN + 252, 0);
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "ShADadFf", STEER_CONN_SF);
	assert_int_equal(r->orig_bytes, 100);
	assert_int_equal(r->resp_bytes, 250);
	assert_int_equal(r->orig_pkts, 5);
	assert_int_equal(r->resp_pkts, 4);
	assert_int_equal(r->orig_ip_bytes, 5 * 40 + 100);
	assert_int_equal(r->resp_ip_bytes, 4 * 40 + 250);
	/* The last ACK came after both FINs: it does not lengthen the connection. */
	assert_int_equal(r->duration_us, 50000);
	assert_true(r->flags & STEER_CONN_F_DURATION);
	assert_true(r->flags & STEER_CONN_F_SERVICE);
	assert_false(r->flags & STEER_CONN_F_ONE_SIDED);
	assert_int_equal(r->orig_p, CPORT);
	assert_int_equal(r->resp_p, P);
	assert_int_equal(r->proto, STEER_CONN_TCP);
	assert_int_equal(r->ip_proto, 6);
	assert_int_equal(r->uid[0], 'C');
	/* connection_established with both ends ESTABLISHED: once. */
	assert_int_equal(h.established, 1);
	assert_string_equal(h.ev.uid, r->uid);
	h_done(&h);
}

/* The states a TCP connection ends in, each from the shortest sequence that gives it. */
struct state_case {
	const char *name;
	struct {
		int64_t ms;
		bool client;
		unsigned flags;
		uint32_t seq, ack;
		size_t len;
	} pkts[6];
	int npkts;
	const char *history;
	int state;
};

static const struct state_case state_cases[] = {
	{"S0: an unanswered SYN", {{0, true, F_SYN, C_ISN, 0, 0}}, 1, "S", STEER_CONN_S0},
	{"S0: SYN retransmitted, same ISN",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1000, true, F_SYN, C_ISN, 0, 0},
	  {3000, true, F_SYN, C_ISN, 0, 0}},
	 3, "S", STEER_CONN_S0},
	{"REJ: SYN answered by RST",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_RST | F_ACK, 0, C_ISN + 1, 0}},
	 2, "Sr", STEER_CONN_REJ},
	{"S1: handshake only",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0},
	  {2, true, F_ACK, C_ISN + 1, S_ISN + 1, 0}},
	 3, "ShA", STEER_CONN_S1},
	{"RSTO: the originator aborts",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0},
	  {2, true, F_RST, C_ISN + 1, 0, 0}},
	 3, "ShR", STEER_CONN_RSTO},
	{"RSTR: the responder aborts",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0},
	  {2, true, F_ACK, C_ISN + 1, S_ISN + 1, 0}, {3, false, F_RST, S_ISN + 1, 0, 0}},
	 4, "ShAr", STEER_CONN_RSTR},
	{"RSTOS0: SYN then the originator's RST",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, true, F_RST, C_ISN + 1, 0, 0}},
	 2, "SR", STEER_CONN_RSTOS0},
	{"RSTRH: the responder resets a connection seen midstream",
	 {{0, true, F_ACK | F_PSH, C_ISN, S_ISN, 10}, {1, false, F_RST, S_ISN, 0, 0}},
	 2, "Dr", STEER_CONN_RSTRH},
	{"SH: SYN, then the originator's FIN",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, true, F_FIN, C_ISN + 1, 0, 0}},
	 2, "SF", STEER_CONN_SH},
	{"S2: established, the originator closed",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0},
	  {2, true, F_ACK | F_FIN, C_ISN + 1, S_ISN + 1, 0}},
	 3, "ShF", STEER_CONN_S2},
	{"S3: established, the responder closed",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0},
	  {2, true, F_ACK, C_ISN + 1, S_ISN + 1, 0}, {3, false, F_ACK | F_FIN, S_ISN + 1, C_ISN + 1, 0}},
	 4, "ShAf", STEER_CONN_S3},
	{"OTH: a SYN-ACK alone, from a port that is not likely a server's",
	 {{0, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0}}, 1, "H", STEER_CONN_OTH},
	{"OTH: midstream data from one side",
	 {{0, true, F_ACK | F_PSH, C_ISN, S_ISN, 10}}, 1, "D", STEER_CONN_OTH},
	{"SF without a handshake: FINs both ways midstream",
	 {{0, true, F_ACK | F_FIN, C_ISN, S_ISN, 0}, {1, false, F_ACK | F_FIN, S_ISN, C_ISN + 1, 0}},
	 2, "Ff", STEER_CONN_SF},
	{"I: FIN and RST together",
	 {{0, true, F_SYN, C_ISN, 0, 0}, {1, false, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0},
	  {2, true, F_FIN | F_RST, C_ISN + 1, 0, 0}},
	 3, "ShI", STEER_CONN_RSTO},
	{"Q: SYN and FIN together",
	 {{0, true, F_SYN | F_FIN, C_ISN, 0, 0}}, 1, "Q", STEER_CONN_SH},
};

static void conn_states(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(state_cases) / sizeof(state_cases[0]); i++) {
		const struct state_case *sc = &state_cases[i];
		struct harness h;
		h_init(&h, NULL);
		for (int k = 0; k < sc->npkts; k++)
			h_tcp(&h, sc->pkts[k].ms, sc->pkts[k].client, P, sc->pkts[k].flags,
			      sc->pkts[k].seq, sc->pkts[k].ack, sc->pkts[k].len);
		steer_conn_flush(h.t);
		if (h.n != 1 || strcmp(h.recs[0].history, sc->history) ||
		    h.recs[0].conn_state != sc->state)
			fail_msg("%s: %d records, history '%s' state %s; expected '%s' %s", sc->name,
			         h.n, h.n ? h.recs[0].history : "", h.n ? steer_conn_state_name(
			                                                      h.recs[0].conn_state)
			                                                : "-",
			         sc->history, steer_conn_state_name(sc->state));
		h_done(&h);
	}
}

static void history_window_checksum(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, NULL);
	handshake(&h, 0, P);
	/* A zero window from the responder: a pure ACK 'a' and 'w'. */
	tf_eth_tcp(&f, SRV, P, CLI, CPORT, S_ISN + 1, C_ISN + 1, F_ACK, 0);
	tf_set16(&f, 14 + 20 + 14, 0);
	tf_ip_csum_end(&f, 14);
	h_frame(&h, 5, &f);
	/* A bad checksum: 'C', and the packet is not counted. */
	tf_eth_tcp(&f, CLI, CPORT, SRV, P, C_ISN + 1, S_ISN + 1, F_ACK | F_PSH, 10);
	f.b[14 + 20 + 16] ^= 0x55;
	h_frame(&h, 6, &f);
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "ShAawC", STEER_CONN_S1);
	assert_int_equal(r->orig_pkts, 2);
	h_done(&h);
}

static void ignore_checksums(struct steer_conn_opts *o)
{
	o->ignore_checksums = true;
}

static void checksums_ignored(void **state)
{
	struct harness h;
	struct tframe f;
	(void)state;
	h_init(&h, ignore_checksums);
	tf_eth_tcp(&f, CLI, CPORT, SRV, P, C_ISN, 0, F_SYN, 0);
	f.b[14 + 20 + 16] ^= 0x55;
	f.b[14 + 10] ^= 0x55; /* the IP header's too */
	h_frame(&h, 0, &f);
	h_expect(h_one(&h), "S", STEER_CONN_S0);
	h_done(&h);
}

/* 't': retransmitted payload, recorded at 1, 10 and 100 (Zeek's log10 rule). */
static void retransmissions_log10(void **state)
{
	(void)state;
	static const struct {
		int copies;
		const char *history;
	} cases[] = {{1, "ShAD"}, {2, "ShADT"}, {10, "ShADT"}, {11, "ShADTT"}, {101, "ShADTTT"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness h;
		h_init(&h, NULL);
		handshake(&h, 0, P);
		for (int k = 0; k < cases[i].copies; k++)
			h_tcp(&h, 10 + k, true, P, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 50);
		const struct steer_conn_rec *r = h_one(&h);
		assert_string_equal(r->history, cases[i].history);
		/* Retransmitted bytes are not counted twice. */
		assert_int_equal(r->orig_bytes, 50);
		assert_int_equal(r->orig_pkts, 2 + cases[i].copies);
		h_done(&h);
	}
}

/* 'g' and missed_bytes: the responder acknowledges data the capture never saw. */
static void content_gap(void **state)
{
	struct harness h;
	(void)state;
	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 10, true, P, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 100);
	/* [101, 301) never captured; the server acknowledges it all. */
	h_tcp(&h, 20, false, P, F_ACK, S_ISN + 1, C_ISN + 301, 0);
	h_tcp(&h, 30, true, P, F_ACK | F_PSH, C_ISN + 301, S_ISN + 1, 50);
	h_tcp(&h, 40, false, P, F_ACK, S_ISN + 1, C_ISN + 351, 0);
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "ShADaG", STEER_CONN_S1);
	assert_int_equal(r->missed_bytes, 200);
	assert_int_equal(r->orig_bytes, 350);
	const struct steer_conn_stats *st = steer_conn_stats(h.t);
	assert_int_equal(st->gap_events, 1);
	assert_true(st->ack_events >= 2);
	h_done(&h);
}

/* Data above a hole is delivered once the hole is passed: only the hole is missed. */
static void gap_below_buffered_data(void **state)
{
	struct harness h;
	(void)state;
	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 10, true, P, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 100);
	h_tcp(&h, 11, true, P, F_ACK | F_PSH, C_ISN + 201, S_ISN + 1, 100); /* [101,201) lost */
	h_tcp(&h, 20, false, P, F_ACK, S_ISN + 1, C_ISN + 301, 0);
	const struct steer_conn_rec *r = h_one(&h);
	assert_int_equal(r->missed_bytes, 100);
	assert_string_equal(r->history, "ShADaG");
	h_done(&h);
}

/* '^': the roles turn round when the first packet is the server's. */
static void flips(void **state)
{
	struct harness h;
	(void)state;

	/* A SYN-ACK from a likely server port: flipped at once. */
	h_init(&h, NULL);
	h_tcp(&h, 0, false, 443, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0);
	h_tcp(&h, 1, true, 443, F_ACK, C_ISN + 1, S_ISN + 1, 0);
	h_tcp(&h, 2, true, 443, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 20);
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "^hAD", STEER_CONN_S1);
	assert_int_equal(r->orig_p, CPORT);
	assert_int_equal(r->resp_p, 443);
	assert_int_equal(r->orig_pkts, 2);
	assert_int_equal(r->resp_pkts, 1);
	h_done(&h);

	/* From a port that is not likely: "H", then the client's ACK flips it (Zeek PR 2191). */
	h_init(&h, NULL);
	h_tcp(&h, 0, false, P, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0);
	h_tcp(&h, 1, true, P, F_ACK, C_ISN + 1, S_ISN + 1, 0);
	r = h_one(&h);
	assert_string_equal(r->history, "^hA");
	assert_int_equal(r->orig_p, CPORT);
	assert_int_equal(r->orig_pkts, 1);
	assert_int_equal(r->resp_pkts, 1);
	h_done(&h);

	/* ... or the server's own ACK: it stays the responder, "^ha". */
	h_init(&h, NULL);
	h_tcp(&h, 0, false, P, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0);
	h_tcp(&h, 1, false, P, F_ACK, S_ISN + 1, C_ISN + 1, 0);
	h_tcp(&h, 2, false, P, F_ACK | F_FIN, S_ISN + 1, C_ISN + 1, 0);
	r = h_one(&h);
	h_expect(r, "^haf", STEER_CONN_SHR);
	assert_int_equal(r->orig_p, CPORT);
	assert_int_equal(r->orig_pkts, 0);
	assert_int_equal(r->resp_pkts, 3);
	h_done(&h);

	/* A SYN-ACK then RST stays unflipped: a stealth scan's answer. */
	h_init(&h, NULL);
	h_tcp(&h, 0, false, P, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0);
	h_tcp(&h, 1, true, P, F_RST, C_ISN + 1, 0, 0);
	r = h_one(&h);
	assert_string_equal(r->history, "Hr");
	assert_int_equal(r->orig_p, P);
	h_done(&h);

	/* SYN-ACK and SYN captured the wrong way round: flipped and established. */
	h_init(&h, NULL);
	h_tcp(&h, 0, false, P, F_SYN | F_ACK, S_ISN, C_ISN + 1, 0);
	h_tcp(&h, 1, true, P, F_SYN, C_ISN, 0, 0);
	h_tcp(&h, 2, true, P, F_ACK, C_ISN + 1, S_ISN + 1, 0);
	r = h_one(&h);
	h_expect(r, "Hs^A", STEER_CONN_S1);
	assert_int_equal(r->orig_p, CPORT);
	h_done(&h);

	/* No SYN from a likely port: flipped. Both ports likely: only from the lower one. */
	h_init(&h, NULL);
	h_tcp(&h, 0, false, 80, F_ACK | F_PSH, S_ISN, C_ISN, 10);
	r = h_one(&h);
	assert_string_equal(r->history, "^d");
	assert_int_equal(r->orig_p, CPORT);
	h_done(&h);
	struct tframe f;
	h_init(&h, NULL);
	tf_eth_tcp(&f, SRV, 80, CLI, 8080, S_ISN, C_ISN, F_ACK | F_PSH, 10);
	h_frame(&h, 0, &f);
	tf_eth_tcp(&f, CLI, 8080, SRV, 80, C_ISN, 0, F_SYN | F_ACK, 0);
	h_frame(&h, 1, &f);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.recs[0].history, "^d");
	assert_int_equal(h.recs[0].orig_p, 8080);
	assert_string_equal(h.recs[1].history, "H"); /* a SYN-ACK is never flipped then */
	assert_int_equal(h.recs[1].orig_p, 8080);
	h_done(&h);
}

/* A new SYN on a closed connection, or with another ISN, starts a new one. */
static void reuse(void **state)
{
	struct harness h;
	(void)state;
	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 10, true, P, F_ACK | F_FIN, C_ISN + 1, S_ISN + 1, 0);
	h_tcp(&h, 11, false, P, F_ACK | F_FIN, S_ISN + 1, C_ISN + 2, 0);
	h_tcp(&h, 1000, true, P, F_SYN, C_ISN + 999, 0, 0);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	h_expect(&h.recs[0], "ShAFf", STEER_CONN_SF);
	h_expect(&h.recs[1], "S", STEER_CONN_S0);
	assert_string_not_equal(h.recs[0].uid, h.recs[1].uid);
	h_done(&h);

	h_init(&h, NULL);
	h_tcp(&h, 0, true, P, F_SYN, C_ISN, 0, 0);
	h_tcp(&h, 100, true, P, F_SYN, C_ISN + 77777, 0, 0);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	h_done(&h);
}

/* Zeek's timers, exactly: a packet after the time starts a new connection, one before does not. */
static void timers(void **state)
{
	struct harness h;
	(void)state;

	/* tcp_attempt_delay: an unanswered SYN goes after 5 s. */
	h_init(&h, NULL);
	h_tcp(&h, 0, true, P, F_SYN, C_ISN, 0, 0);
	h_tcp(&h, 4999, true, P, F_SYN, C_ISN, 0, 0);
	h_tcp(&h, 5000, true, P, F_SYN, C_ISN, 0, 0);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.recs[0].orig_pkts, 2);
	assert_int_equal(h.recs[0].ts_us + 4999000, h.recs[0].ts_us + h.recs[0].duration_us);
	h_done(&h);

	/* tcp_close_delay: 5 s after the close completed. */
	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 10, true, P, F_ACK | F_FIN, C_ISN + 1, S_ISN + 1, 0);
	h_tcp(&h, 11, false, P, F_ACK | F_FIN, S_ISN + 1, C_ISN + 2, 0);
	h_tcp(&h, 5010, true, P, F_ACK, C_ISN + 2, S_ISN + 2, 0);
	h_tcp(&h, 5011, true, P, F_ACK, C_ISN + 2, S_ISN + 2, 0);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.recs[0].orig_pkts, 4);
	assert_string_equal(h.recs[1].history, "A");
	h_done(&h);

	/* tcp_inactivity_timeout (5 min) once established ... */
	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 299999, true, P, F_ACK, C_ISN + 1, S_ISN + 1, 0);
	h_tcp(&h, 599998, true, P, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 10);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 1);
	h_tcp(&h, 0, true, P, F_ACK | F_PSH, C_ISN + 11, S_ISN + 1, 10);
	h_done(&h);

	h_init(&h, NULL);
	handshake(&h, 0, P);
	h_tcp(&h, 300002, true, P, F_ACK, C_ISN + 1, S_ISN + 1, 0);
	steer_conn_flush(h.t);
	assert_int_equal(h.n, 2);
	h_done(&h);

	/* ... and network time alone expires idle connections (steer_conn_advance). */
	h_init(&h, NULL);
	handshake(&h, 0, P);
	steer_conn_advance(h.t, h_ns(300001), 0);
	assert_int_equal(h.n, 0);
	steer_conn_advance(h.t, h_ns(300002), 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(steer_conn_count(h.t), 0);
	h_done(&h);
}

/* Steering health: a client whose SYN-ACK took another path. */
static void split_routing(void **state)
{
	struct harness h;
	(void)state;
	h_init(&h, NULL);
	h_tcp(&h, 0, true, P, F_SYN, C_ISN, 0, 0);
	h_tcp(&h, 1, true, P, F_ACK, C_ISN + 1, S_ISN + 1, 0);
	h_tcp(&h, 2, true, P, F_ACK | F_PSH, C_ISN + 1, S_ISN + 1, 30);
	const struct steer_conn_rec *r = h_one(&h);
	h_expect(r, "SAD", STEER_CONN_S0);
	assert_true(r->flags & STEER_CONN_F_SPLIT_ROUTING);
	assert_true(r->flags & STEER_CONN_F_ONE_SIDED);
	assert_true(r->flags & STEER_CONN_F_ACK_UNSEEN);
	assert_int_equal(r->resp_bytes, 0);
	assert_int_equal(steer_conn_stats(h.t)->split_routing, 1);
	assert_int_equal(steer_conn_stats(h.t)->one_sided, 1);
	assert_int_equal(h.established, 0);
	h_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(full_conversation_sf),
	    cmocka_unit_test(conn_states),
	    cmocka_unit_test(history_window_checksum),
	    cmocka_unit_test(checksums_ignored),
	    cmocka_unit_test(retransmissions_log10),
	    cmocka_unit_test(content_gap),
	    cmocka_unit_test(gap_below_buffered_data),
	    cmocka_unit_test(flips),
	    cmocka_unit_test(reuse),
	    cmocka_unit_test(timers),
	    cmocka_unit_test(split_routing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
