/* SPDX-License-Identifier: BSD-2-Clause */
/* test_logoutbox.c: the sender's outbox (steer/clu_logoutbox.h): batching by count and time,
 * seq order and prev, acks and gaps, round robin, the spool, restarts (clean and SIGKILL), and
 * outbox -> store end to end with both sides restarted: every record once. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/clu_log.h>
#include <steer/clu_logoutbox.h>
#include <steer/clu_logstore.h>
#include <steer/error.h>

#include "logtest.h"

static struct clu_log_stream *g_kh, *g_conn;

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	char err[STEER_ERRBUF_SIZE];
	return clu_log_stream_new(clu_log_schema_builtin("known_hosts"), &g_kh, err) ||
	       clu_log_stream_new(clu_log_schema_builtin("conn"), &g_conn, err);
}

static int teardown(void **state)
{
	(void)state;
	clu_log_stream_free(g_kh);
	clu_log_stream_free(g_conn);
	return 0;
}

static const char *const one_dest[] = {"logger"};
static const char *const two_dests[] = {"logger-1", "logger-2"};

static struct clu_logoutbox *ob_open(const char *dir, size_t mem_limit, unsigned nd)
{
	struct clu_logoutbox_opts o = {.workdir = dir,
	                               .sender = "worker-1",
	                               .dests = nd == 1 ? one_dest : two_dests,
	                               .ndests = nd,
	                               .max_records = 3,
	                               .max_delay_us = 1000000,
	                               .mem_limit = mem_limit};
	struct clu_logoutbox *ob;
	char err[STEER_ERRBUF_SIZE];
	int rc = clu_logoutbox_open(&o, &ob, err);
	if (rc)
		fail_msg("%s", err);
	return ob;
}

static void add_kh(struct clu_logoutbox *ob, int k, int64_t now)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "1714564800.%06d\t10.0.0.%d\n", k, k % 250 + 1);
	assert_int_equal(clu_logoutbox_add(ob, g_kh, line, (size_t)n, now), 0);
}

static void expect_batch(struct clu_logoutbox *ob, unsigned dest, uint64_t seq, uint64_t prev,
                         int first_k, uint32_t n)
{
	struct clu_logbatch b;
	assert_int_equal(clu_logoutbox_next(ob, dest, &b), 1);
	assert_int_equal(b.seq, seq);
	assert_int_equal(b.prev, prev);
	assert_int_equal(b.nlines, n);
	assert_string_equal(b.sender, "worker-1");
	size_t dl;
	const char *d = clu_log_stream_descriptor(g_kh, &dl);
	assert_int_equal(b.descriptor_len, dl);
	assert_memory_equal(b.descriptor, d, dl);
	char want[64];
	int w = snprintf(want, sizeof(want), "1714564800.%06d\t", first_k);
	assert_memory_equal(b.lines, want, (size_t)w);
	assert_true(b.len > 0 && b.lines[b.len - 1] == '\n');
}

static void batching_case(size_t mem_limit)
{
	char dir[256];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "outbox"));
	struct clu_logoutbox *ob = ob_open(dir, mem_limit, 1);
	for (int k = 0; k < 7; k++)
		add_kh(ob, k, 100 + k);
	struct clu_logoutbox_stats st;
	clu_logoutbox_stats(ob, &st);
	assert_int_equal(st.batches_sealed, 2); /* 3 + 3 sealed by count, 1 open */
	assert_int_equal(clu_logoutbox_deadline(ob), 106 + 1000000);
	assert_false(clu_logoutbox_flush_due(ob, 106 + 999999));
	assert_true(clu_logoutbox_flush_due(ob, 106 + 1000000));
	assert_int_equal(clu_logoutbox_flush(ob, 106 + 1000000, false), 0);
	assert_int_equal(clu_logoutbox_deadline(ob), INT64_MAX);
	expect_batch(ob, 0, 1, 0, 0, 3);
	expect_batch(ob, 0, 2, 1, 3, 3);
	expect_batch(ob, 0, 3, 2, 6, 1);
	struct clu_logbatch b;
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 0);
	uint64_t inc = clu_logoutbox_incarnation(ob);
	assert_int_equal(clu_logoutbox_ack(ob, 0, inc + 1, 3, false), 0); /* not ours: ignored */
	clu_logoutbox_stats(ob, &st);
	assert_int_equal(st.held_batches, 3);
	assert_int_equal(clu_logoutbox_ack(ob, 0, inc, 1, false), 0);
	clu_logoutbox_rewind(ob, 0); /* after a reconnect: from the first held */
	expect_batch(ob, 0, 2, 0, 3, 3);
	expect_batch(ob, 0, 3, 2, 6, 1);
	assert_int_equal(clu_logoutbox_ack(ob, 0, inc, 1, true), 0); /* gap after 1 */
	expect_batch(ob, 0, 2, 0, 3, 3);
	assert_int_equal(clu_logoutbox_ack(ob, 0, inc, 3, false), 0);
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 0);
	clu_logoutbox_stats(ob, &st);
	assert_int_equal(st.held_batches, 0);
	assert_int_equal(st.records_acked, 7);
	assert_int_equal(st.mem_bytes, 0);
	assert_int_equal(st.spool_bytes, 0); /* emptied once nothing spooled is held */
	assert_int_equal(clu_logoutbox_close(ob, NULL), 0);
	lt_rmdir(dir);
}

static void test_batching_in_memory(void **state)
{
	(void)state;
	batching_case(1 << 20);
}

static void test_batching_spooled(void **state)
{
	(void)state;
	batching_case(0);
}

static void test_round_robin_and_restart(void **state)
{
	(void)state;
	char dir[256];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "outbox-rr"));
	struct clu_logoutbox *ob = ob_open(dir, 1 << 20, 2);
	uint64_t inc = clu_logoutbox_incarnation(ob);
	for (int k = 0; k < 12; k++)
		add_kh(ob, k, k);
	/* four batches: logger-1 gets 1st and 3rd (seq 1, 2), logger-2 the others */
	expect_batch(ob, 0, 1, 0, 0, 3);
	expect_batch(ob, 0, 2, 1, 6, 3);
	expect_batch(ob, 1, 1, 0, 3, 3);
	expect_batch(ob, 1, 2, 1, 9, 3);
	clu_logoutbox_set_alive(ob, 1, false);
	for (int k = 12; k < 18; k++)
		add_kh(ob, k, k);
	expect_batch(ob, 0, 3, 2, 12, 3);
	expect_batch(ob, 0, 4, 3, 15, 3);
	assert_int_equal(clu_logoutbox_ack(ob, 0, inc, 2, false), 0);
	add_kh(ob, 18, 18); /* open, sealed and spooled by close */
	assert_int_equal(clu_logoutbox_close(ob, NULL), 0);

	/* a clean restart: the same incarnation, every held batch back, new seqs above */
	ob = ob_open(dir, 1 << 20, 2);
	assert_int_equal(clu_logoutbox_incarnation(ob), inc);
	expect_batch(ob, 0, 3, 0, 12, 3);
	expect_batch(ob, 0, 4, 3, 15, 3);
	struct clu_logbatch b;
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 1); /* the record sealed at close */
	assert_int_equal(b.nlines, 1);
	uint64_t last0 = b.seq;
	expect_batch(ob, 1, 1, 0, 3, 3);
	expect_batch(ob, 1, 2, 1, 9, 3);
	for (int k = 19; k < 22; k++)
		add_kh(ob, k, k);
	int found = clu_logoutbox_next(ob, 0, &b) + clu_logoutbox_next(ob, 1, &b);
	assert_int_equal(found, 1);
	assert_int_equal(b.seq, b.seq == 3 ? 3 : last0 + 1); /* a clean stop: no gap */
	assert_int_equal(clu_logoutbox_close(ob, NULL), 0);
	lt_rmdir(dir);
}

/* A sender SIGKILLed after sealing past its lease: the restarted one never reuses a seq. */
static void test_sigkill_never_reuses_seq(void **state)
{
	(void)state;
	char dir[256];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "outbox-kill"));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct clu_logoutbox *ob = ob_open(dir, 1 << 30, 1);
		for (int k = 0; k < 3 * 5000; k++) {
			char line[64];
			int n = snprintf(line, sizeof(line), "1.000000\t10.0.0.%d\n", k % 250);
			if (clu_logoutbox_add(ob, g_kh, line, (size_t)n, 0))
				_exit(1);
		}
		raise(SIGKILL);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	struct clu_logoutbox *ob = ob_open(dir, 1 << 20, 1);
	struct clu_logbatch b;
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 0); /* all were in memory: gone */
	add_kh(ob, 1, 0);
	assert_int_equal(clu_logoutbox_flush(ob, 0, true), 0);
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 1);
	assert_true(b.seq > 5000);
	assert_int_equal(clu_logoutbox_close(ob, NULL), 0);
	lt_rmdir(dir);
}

/* A spool mostly acknowledged is rewritten with what is still held, which reads back whole. */
static void test_spool_compaction(void **state)
{
	(void)state;
	char dir[256];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "outbox-compact"));
	struct clu_logoutbox *ob = ob_open(dir, 0, 2);
	uint64_t inc = clu_logoutbox_incarnation(ob);
	char pad[2048];
	memset(pad, 'x', sizeof(pad));
	for (int k = 0; k < 2400; k++) { /* 800 batches of 3, alternating between the two */
		char line[2200];
		int n = snprintf(line, sizeof(line), "1714564800.%06d	%.*s\n", k, 1500, pad);
		line[n - 2] = '\n';
		assert_int_equal(clu_logoutbox_add(ob, g_kh, line, (size_t)n - 1, k), 0);
	}
	struct clu_logoutbox_stats st;
	clu_logoutbox_stats(ob, &st);
	uint64_t before = st.spool_bytes;
	assert_true(before > (3u << 20));
	/* 390 of logger-1's 400 acknowledged: more than half still held, an ack record added */
	assert_int_equal(clu_logoutbox_ack(ob, 0, inc, 390, false), 0);
	clu_logoutbox_stats(ob, &st);
	assert_true(st.spool_bytes > before);
	/* then 300 of logger-2's: 110 of 800 held, the spool is rewritten with them */
	assert_int_equal(clu_logoutbox_ack(ob, 1, inc, 300, false), 0);
	clu_logoutbox_stats(ob, &st);
	assert_true(st.spool_bytes < before / 6);
	assert_int_equal(st.held_batches, 110);
	struct clu_logbatch b;
	for (uint64_t seq = 391; seq <= 400; seq++) {
		assert_int_equal(clu_logoutbox_next(ob, 0, &b), 1);
		assert_int_equal(b.seq, seq);
		char want[32];
		int w = snprintf(want, sizeof(want), "1714564800.%06d\t", (int)((seq - 1) * 2 * 3));
		assert_memory_equal(b.lines, want, (size_t)w);
	}
	assert_int_equal(clu_logoutbox_close(ob, NULL), 0);
	ob = ob_open(dir, 0, 2); /* and after a restart */
	for (uint64_t seq = 391; seq <= 400; seq++) {
		assert_int_equal(clu_logoutbox_next(ob, 0, &b), 1);
		assert_int_equal(b.seq, seq);
	}
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 0);
	for (uint64_t seq = 301; seq <= 400; seq++) {
		assert_int_equal(clu_logoutbox_next(ob, 1, &b), 1);
		assert_int_equal(b.seq, seq);
		assert_int_equal(b.nlines, 3);
		char want[32];
		int w = snprintf(want, sizeof(want), "1714564800.%06d\t", (int)((seq - 1) * 6 + 3));
		assert_memory_equal(b.lines, want, (size_t)w);
	}
	assert_int_equal(clu_logoutbox_close(ob, NULL), 0);
	lt_rmdir(dir);
}

/* ---- outbox -> store, both restarted ---- */

static void pump(struct clu_logoutbox *ob, struct clu_logstore *s, int max)
{
	struct clu_logbatch b;
	struct clu_logstore_reply rep;
	char err[STEER_ERRBUF_SIZE];
	for (int i = 0; i < max && clu_logoutbox_next(ob, 0, &b) == 1; i++) {
		assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
		assert_int_equal(
		    clu_logoutbox_ack(ob, 0, b.incarnation, rep.ack, rep.verdict == CLU_BATCH_GAP),
		    0);
	}
}

static struct clu_logstore *store_open(const char *dir)
{
	static char logs[600], state[600];
	snprintf(logs, sizeof(logs), "%s/logs", dir);
	snprintf(state, sizeof(state), "%s/lstate", dir);
	struct clu_logstore_opts o = {
	    .dir = {.dir = logs, .format = CLU_LOG_TSV, .clock = lt_clock}, .state_dir = state};
	struct clu_logstore *s;
	char err[STEER_ERRBUF_SIZE];
	if (clu_logstore_open(&o, &s, err))
		fail_msg("%s", err);
	return s;
}

static void test_end_to_end_restarts(void **state)
{
	(void)state;
	char dir[256], sdir[300], path[600];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "outbox-e2e"));
	snprintf(sdir, sizeof(sdir), "%s/sender", dir);
	assert_int_equal(mkdir(sdir, 0755), 0);
	lt_now = 1714564800;
	struct clu_logoutbox *ob = ob_open(sdir, 0, 1); /* spool everything */
	struct clu_logstore *s = store_open(dir);
	int k = 0;
	for (; k < 30; k++)
		add_kh(ob, k, k);
	pump(ob, s, 4); /* 4 of 10 batches written and acked */
	/* a batch written but its ack lost: the store keeps it, the outbox still holds it */
	struct clu_logbatch b;
	struct clu_logstore_reply rep;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_logoutbox_next(ob, 0, &b), 1);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);
	/* both restart */
	assert_int_equal(clu_logstore_close(s, err), 0);
	assert_int_equal(clu_logoutbox_close(ob, err), 0);
	ob = ob_open(sdir, 0, 1);
	s = store_open(dir);
	for (; k < 45; k++)
		add_kh(ob, k, k);
	pump(ob, s, 1000);
	struct clu_logstore_stats ss;
	clu_logstore_stats(s, &ss);
	assert_int_equal(ss.batches_dup, 1); /* the one whose ack was lost */
	assert_int_equal(ss.seqs_lost, 0);   /* clean restarts leave no gap */
	assert_int_equal(clu_logstore_close(s, err), 0);
	assert_int_equal(clu_logoutbox_close(ob, err), 0);
	snprintf(path, sizeof(path), "%s/logs/known_hosts.log", dir);
	char *f = lt_slurp(path, NULL);
	assert_non_null(f);
	for (int i = 0; i < 45; i++) {
		char key[32];
		snprintf(key, sizeof(key), "\n1714564800.%06d\t", i);
		char *p = strstr(f, key);
		if (!p || strstr(p + 1, key))
			fail_msg("record %d is not there exactly once", i);
	}
	free(f);
	lt_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_batching_in_memory),
	    cmocka_unit_test(test_batching_spooled),
	    cmocka_unit_test(test_round_robin_and_restart),
	    cmocka_unit_test(test_sigkill_never_reuses_seq),
	    cmocka_unit_test(test_spool_compaction),
	    cmocka_unit_test(test_end_to_end_restarts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
