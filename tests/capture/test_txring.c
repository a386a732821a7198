/* SPDX-License-Identifier: BSD-2-Clause */
/* test_txring.c: batched I/O on real links (steer/cap_tx.h, steer/cap_live.h): a veth pair in a
 * private network namespace (unshare: nothing is made in the caller's, and everything goes when
 * the process ends). Frames sent in batches through the TX ring arrive intact and in order; a
 * full ring (the output held back by a tbf qdisc) is waited on, and what cannot be sent within
 * the wait is counted; frames queued on a link that is down or refused by the kernel are
 * counted; frames the capture ring had no room for are reported as kernel drops. Exits 77
 * (skipped) without root, network namespaces or tc. */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/cap_live.h>
#include <steer/cap_netdev.h>
#include <steer/cap_pcap.h>
#include <steer/cap_tx.h>
#include <steer/error.h>

#define ETHERTYPE_TEST 0x88b5

static struct cap_netdev *g_nd;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Frame number seq: its length and every byte follow from seq. */
static size_t frame_len(uint32_t seq)
{
	return 60 + (seq * 37u) % 1455u;
}

static size_t frame_make(uint32_t seq, uint8_t *f)
{
	size_t n = frame_len(seq);
	static const uint8_t hdr[14] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01,
	                                ETHERTYPE_TEST >> 8, ETHERTYPE_TEST & 0xff};
	memcpy(f, hdr, 14);
	f[14] = (uint8_t)(seq >> 24);
	f[15] = (uint8_t)(seq >> 16);
	f[16] = (uint8_t)(seq >> 8);
	f[17] = (uint8_t)seq;
	for (size_t i = 18; i < n; i++)
		f[i] = (uint8_t)(seq * 131u + i);
	return n;
}

/* What the receiving side saw of the test's frames. */
struct rx {
	uint32_t n;          /* test frames received */
	uint32_t bad;        /* ... whose bytes are not those sent */
	uint32_t disordered; /* ... whose number is not above the previous one's */
	int64_t last;        /* the previous number, -1 before any */
	uint32_t expect_next; /* with exact: the number the next frame must carry */
	bool exact;          /* every number in turn, none skipped */
	uint32_t skipped;
};

static void on_frame(void *arg, size_t index, const struct cap_pkthdr *h, const uint8_t *f)
{
	(void)index;
	struct rx *r = arg;
	if (h->caplen < 18 || f[12] != (ETHERTYPE_TEST >> 8) || f[13] != (ETHERTYPE_TEST & 0xff))
		return;
	uint32_t seq = (uint32_t)f[14] << 24 | (uint32_t)f[15] << 16 | (uint32_t)f[16] << 8 | f[17];
	uint8_t want[2048];
	size_t n = frame_make(seq, want);
	if (h->caplen != n || h->len != n || memcmp(f, want, n) != 0)
		r->bad++;
	if ((int64_t)seq <= r->last)
		r->disordered++;
	if (r->exact && seq != r->expect_next)
		r->skipped++;
	r->expect_next = seq + 1;
	r->last = seq;
	r->n++;
}

/* Polls g until r holds want frames or timeout_ms passed. */
static void rx_until(struct cap_livegroup *g, struct rx *r, uint32_t want, int timeout_ms)
{
	char err[STEER_ERRBUF_SIZE];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		assert_true(cap_livegroup_poll(g, 5, 0, on_frame, r, err) >= 0);
		if (r->n >= want)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
			return;
	}
}

static struct cap_livegroup *rx_open(const char *iface, bool immediate, uint32_t buffer,
                                     int block_ms)
{
	struct cap_livegroup *g = NULL;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(cap_livegroup_new(&g), 0);
	struct cap_live_opts lo = {.iface = iface, .promisc = true, .immediate = immediate,
	                           .timeout_ms = block_ms, .buffer_size = buffer, .inbound_only = true};
	size_t idx;
	if (cap_livegroup_add(g, &lo, NULL, &idx, err) != 0)
		fail_msg("%s", err);
	return g;
}

static struct cap_tx *tx_open(const char *iface, uint32_t ring_bytes, int wait_ms)
{
	struct cap_tx *t = NULL;
	char err[STEER_ERRBUF_SIZE];
	struct cap_tx_opts o = {.iface = iface, .ring_bytes = ring_bytes, .wait_ms = wait_ms};
	if (cap_tx_open(&o, &t, err) != 0)
		fail_msg("%s", err);
	return t;
}

static uint64_t offered(const struct cap_tx_stats *s, size_t pending)
{
	return s->sent + pending + s->failed_full + s->failed_size + s->failed_down;
}

/* Frames sent in batches of 64 (one flush each), through both kinds of capture ring. */
static void test_batch_in_order(void **state)
{
	(void)state;
	for (int immediate = 0; immediate < 2; immediate++) {
		struct cap_livegroup *g = rx_open("tb", immediate, 32u << 20, 1);
		struct cap_tx *t = tx_open("ta", 0, 0);
		assert_true(cap_tx_slots(t) >= 64);
		assert_true(cap_tx_frame_max(t) >= 1514);
		struct rx r = {.last = -1, .exact = true};
		const uint32_t total = 3000;
		for (uint32_t seq = 0; seq < total; seq++) {
			size_t n = frame_len(seq);
			uint8_t *slot = cap_tx_frame(t, n);
			assert_non_null(slot);
			frame_make(seq, slot);
			assert_int_equal(cap_tx_commit(t, n), 0);
			if (seq % 64 == 63) {
				assert_true(cap_tx_flush(t) >= 0);
				/* the receiver keeps up (its ring is not what is tested here) */
				assert_true(cap_livegroup_poll(g, 0, 0, on_frame, &r, NULL) >= 0);
			}
		}
		assert_int_equal(cap_tx_drain(t, 1000), 0);
		rx_until(g, &r, total, 2000);
		struct cap_tx_stats st;
		cap_tx_get_stats(t, &st);
		printf("# %s capture ring: %u of %u frames received, %u bad, %u out of order; "
		       "sent %llu, retries %llu\n", immediate ? "TPACKET_V2" : "TPACKET_V3", r.n, total,
		       r.bad, r.disordered, (unsigned long long)st.sent,
		       (unsigned long long)st.retries);
		assert_int_equal(st.sent, total);
		assert_int_equal(st.failed_full + st.failed_size + st.failed_down, 0);
		assert_int_equal(r.n, total);
		assert_int_equal(r.bad, 0);
		assert_int_equal(r.disordered, 0);
		assert_int_equal(r.skipped, 0);
		assert_int_equal(cap_livegroup_drops(g, 0), 0);
		cap_tx_close(t);
		cap_livegroup_free(g);
	}
}

/* Lengths the interface cannot take are refused and counted, before and at commit. */
static void test_sizes(void **state)
{
	(void)state;
	struct cap_tx *t = tx_open("ta", 0, 0);
	uint8_t f[2048];
	frame_make(1, f);
	assert_null(cap_tx_frame(t, 13));
	assert_null(cap_tx_frame(t, 1500 + 18 + 1));
	assert_int_equal(cap_tx_put(t, f, 1600), STEER_EINVAL);
	/* 1518 bytes need an 802.1Q tag to fit MTU 1500 */
	assert_non_null(cap_tx_frame(t, 1518));
	assert_int_equal(cap_tx_commit(t, 1518), STEER_EINVAL);
	struct cap_tx_stats st;
	cap_tx_get_stats(t, &st);
	assert_int_equal(st.failed_size, 4);
	assert_int_equal(cap_tx_pending(t), 0);
	assert_non_null(strstr(cap_tx_error(t), "ta"));
	cap_tx_close(t);
	char err[STEER_ERRBUF_SIZE];
	struct cap_tx_opts o = {.iface = "steernosuch0"};
	assert_int_equal(cap_tx_open(&o, &t, err), STEER_EIO);
	assert_null(t);
	assert_non_null(strstr(err, "steernosuch0"));
}

/* The output held back by a token bucket (tbf): frames stay in flight, the ring fills, and
 * cap_tx_frame waits for the slots to come back. With a long enough wait nothing is lost; with
 * a short one the frames that found no room are counted, and every frame is accounted for. */
static void test_ring_full(void **state)
{
	(void)state;
	/* 250-byte frames at 2 Mbit/s: 1000 frames a second; 64 slots fill in a blink */
	assert_int_equal(run("tc qdisc add dev ta root tbf rate 2mbit burst 4000 limit 20000"), 0);
	/* a block of the capture ring is handed over after 10 ms however few frames it holds: at
	 * 1000 frames a second, 128 blocks (32 MiB) leave the reader 1.28 s */
	struct cap_livegroup *g = rx_open("tb", false, 32u << 20, 10);
	struct cap_tx *t = tx_open("ta", 1, 500); /* the smallest ring: 64 slots */
	assert_int_equal(cap_tx_slots(t), 64);
	struct rx r = {.last = -1, .exact = true};
	uint8_t f[2048];
	const uint32_t total = 400;
	for (uint32_t seq = 0; seq < total; seq++) {
		size_t n = frame_make(seq, f);
		assert_int_equal(cap_tx_put(t, f, n), 0);
		if (seq % 50 == 49)
			assert_true(cap_tx_flush(t) >= 0);
		assert_true(cap_livegroup_poll(g, 0, 0, on_frame, &r, NULL) >= 0);
	}
	assert_int_equal(cap_tx_drain(t, 3000), 0);
	rx_until(g, &r, total, 3000);
	struct cap_tx_stats st;
	cap_tx_get_stats(t, &st);
	printf("# tbf 2 Mbit/s, 64 slots, wait 500 ms: %llu waits, %llu sent, %u received in order "
	       "(%u bad, %u out of order)\n", (unsigned long long)st.waits,
	       (unsigned long long)st.sent, r.n, r.bad, r.disordered);
	assert_int_equal(cap_livegroup_drops(g, 0), 0);
	assert_true(st.waits > 0);
	assert_int_equal(st.sent, total);
	assert_int_equal(st.failed_full + st.failed_size + st.failed_down, 0);
	assert_int_equal(r.n, total);
	assert_int_equal(r.bad + r.disordered + r.skipped, 0);
	cap_tx_close(t);

	/* 80 frames a second and a 20 ms wait: most of 400 frames find no room */
	assert_int_equal(run("tc qdisc change dev ta root tbf rate 160kbit burst 4000 limit 20000"), 0);
	t = tx_open("ta", 1, 20);
	struct rx r2 = {.last = -1};
	for (uint32_t seq = 0; seq < total; seq++) {
		size_t n = frame_make(seq, f);
		int rc = cap_tx_put(t, f, n);
		assert_true(rc == 0 || rc == STEER_EFULL);
		if (seq % 50 == 49)
			assert_true(cap_tx_flush(t) >= 0);
	}
	cap_tx_get_stats(t, &st);
	size_t pending = cap_tx_pending(t);
	printf("# tbf 160 kbit/s, wait 20 ms: %llu waits, %llu sent, %zu queued, %llu found no room\n",
	       (unsigned long long)st.waits, (unsigned long long)st.sent, pending,
	       (unsigned long long)st.failed_full);
	assert_true(st.waits >= 1);
	/* stalled after the first wait that ran out: later frames do not wait again each (only
	 * after a slot has come free) */
	assert_true(st.waits < st.failed_full / 4);
	assert_true(st.failed_full > total / 2);
	assert_int_equal(offered(&st, pending), total);
	/* what the kernel took arrives, in order; the rest is in the counters, not lost */
	assert_int_equal(run("tc qdisc del dev ta root"), 0);
	assert_int_equal(cap_tx_drain(t, 1000), 0);
	cap_tx_get_stats(t, &st);
	rx_until(g, &r2, (uint32_t)st.sent, 2000);
	printf("# after the qdisc went: %llu sent, %u received\n", (unsigned long long)st.sent, r2.n);
	assert_int_equal(offered(&st, 0), total);
	assert_true(r2.n <= st.sent);
	assert_int_equal(r2.bad + r2.disordered, 0);
	cap_tx_close(t);
	cap_livegroup_free(g);
}

/* Queued frames on a link that is down are dropped and counted; the ring works again once the
 * link is up. A frame the kernel refuses after it was queued (the MTU shrank) is dropped alone
 * and counted, and the frames behind it still go, in order. */
static void test_down_and_refused(void **state)
{
	(void)state;
	struct cap_livegroup *g = rx_open("tb", false, 0, 1);
	struct cap_tx *t = tx_open("ta", 0, 0);
	uint8_t f[2048];
	assert_int_equal(cap_netdev_set_up(g_nd, "ta", false), 0);
	for (uint32_t seq = 0; seq < 10; seq++)
		assert_int_equal(cap_tx_put(t, f, frame_make(seq, f)), 0);
	assert_int_equal(cap_tx_flush(t), STEER_EIO);
	assert_non_null(strstr(cap_tx_error(t), "ta"));
	struct cap_tx_stats st;
	cap_tx_get_stats(t, &st);
	assert_int_equal(st.failed_down, 10);
	assert_int_equal(cap_tx_pending(t), 0);
	assert_int_equal(cap_netdev_set_up(g_nd, "ta", true), 0);
	assert_int_equal(cap_netdev_set_up(g_nd, "tb", true), 0);
	for (int i = 0; i < 200; i++) { /* carrier comes back */
		struct cap_netdev_info in;
		assert_int_equal(cap_netdev_get(g_nd, "ta", &in), 0);
		if (in.running)
			break;
		usleep(10000);
	}

	/* seq 39 (1503 bytes), 40 (85 bytes), 41 (122 bytes): then the MTU drops to 500 */
	for (uint32_t seq = 39; seq < 42; seq++) {
		size_t n = frame_make(seq, f);
		uint8_t *s = cap_tx_frame(t, n);
		assert_non_null(s);
		memcpy(s, f, n);
		assert_int_equal(cap_tx_commit(t, n), 0);
	}
	assert_int_equal(cap_netdev_set_mtu(g_nd, "ta", 500), 0);
	assert_int_equal(cap_tx_flush(t), STEER_EIO);
	assert_int_equal(cap_tx_pending(t), 0);
	cap_tx_get_stats(t, &st);
	assert_int_equal(st.failed_size, 1);
	assert_int_equal(st.sent, 2);
	struct rx r = {.last = -1};
	rx_until(g, &r, 2, 1000);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.last, 41);
	assert_int_equal(r.bad + r.disordered, 0);
	/* the MTU now known: too long at once */
	assert_null(cap_tx_frame(t, 600));
	assert_int_equal(cap_netdev_set_mtu(g_nd, "ta", 1500), 0);
	cap_tx_close(t);
	cap_livegroup_free(g);
}

/* A capture ring that is not read while frames keep coming: the kernel drops what does not
 * fit, and the group reports it; every frame sent is either received or counted dropped. */
static void test_capture_drops(void **state)
{
	(void)state;
	struct cap_livegroup *g = rx_open("tb", false, 1u << 20, 1); /* 1 MiB: 4 blocks */
	struct cap_tx *t = tx_open("ta", 0, 0);
	uint8_t f[2048];
	const uint32_t total = 20000;
	for (uint32_t seq = 0; seq < total; seq++) {
		assert_int_equal(cap_tx_put(t, f, frame_make(seq, f)), 0);
		if (seq % 64 == 63)
			assert_true(cap_tx_flush(t) >= 0);
	}
	assert_int_equal(cap_tx_drain(t, 1000), 0);
	struct cap_tx_stats st;
	cap_tx_get_stats(t, &st);
	assert_int_equal(st.sent, total);
	struct rx r = {.last = -1};
	rx_until(g, &r, total, 500);
	uint64_t drops = cap_livegroup_drops(g, 0);
	printf("# unread 1 MiB capture ring: %u received, %llu dropped by the kernel, of %u\n", r.n,
	       (unsigned long long)drops, total);
	assert_true(drops > 0);
	assert_int_equal(r.n + drops, total);
	assert_int_equal(r.bad + r.disordered, 0);
	cap_tx_close(t);
	cap_livegroup_free(g);
}

/* Whatever a failed test left: the cable back as it was, for the next test. */
static int reset(void **state)
{
	(void)state;
	run("tc qdisc del dev ta root >/dev/null 2>&1");
	cap_netdev_set_mtu(g_nd, "ta", 1500);
	cap_netdev_set_up(g_nd, "ta", true);
	cap_netdev_set_up(g_nd, "tb", true);
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: test_txring needs root (network namespaces, veth, packet sockets)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("SKIP: test_txring: cannot create a network namespace\n");
		return 77;
	}
	if (run("tc qdisc show >/dev/null 2>&1") != 0) {
		printf("SKIP: test_txring: no tc (iproute2)\n");
		return 77;
	}
	/* only the test's frames cross the cable: no IPv6 autoconfiguration or MLD */
	run("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 "
	    ">/dev/null 2>&1");
	char err[STEER_ERRBUF_SIZE];
	if (cap_netdev_open(NULL, &g_nd, err) != 0 || cap_netdev_veth_add(g_nd, "ta", "tb", NULL) ||
	    cap_netdev_set_up(g_nd, "ta", true) || cap_netdev_set_up(g_nd, "tb", true)) {
		printf("FAIL: the veth pair: %s\n", g_nd ? cap_netdev_error(g_nd) : err);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_batch_in_order, reset),
		cmocka_unit_test_teardown(test_sizes, reset),
		cmocka_unit_test_teardown(test_ring_full, reset),
		cmocka_unit_test_teardown(test_down_and_refused, reset),
		cmocka_unit_test_teardown(test_capture_drops, reset),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cap_netdev_close(g_nd);
	return rc;
}
