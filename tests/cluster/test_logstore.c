/* SPDX-License-Identifier: BSD-2-Clause */
/* test_logstore.c: the logger's durable store (steer/clu_logstore.h): duplicates, gaps,
 * hostile batches, crash states built by hand, and a child process writing through the store
 * that is SIGKILLed over and over (mid-write, mid-commit, mid-rotation, mid-recovery) while
 * senders re-send what was not acknowledged: afterwards every record is there exactly once. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <steer/clu_log.h>
#include <steer/clu_logstore.h>
#include <steer/error.h>

#include "logtest.h"

#define T0     1714564800 /* 2024-05-01 12:00:00 UTC */
#define NSEND  3
#define NLINES 40

static struct clu_log_stream *g_conn;
static char g_diag_path[512];
static int g_diags;

static void diag_to_file(void *arg, const char *msg)
{
	(void)arg;
	g_diags++;
	FILE *f = fopen(g_diag_path, "a");
	if (f) {
		fprintf(f, "%s\n", msg);
		fclose(f);
	}
}

/* The lines of sender s's batch seq: conn records with uid "S<s>-<seq>-<k>". */
static size_t make_batch(struct clu_logrec *r, int s, uint64_t seq, char *out, size_t cap)
{
	size_t n = 0;
	for (int k = 0; k < NLINES; k++) {
		const char *line;
		size_t len;
		assert_int_equal(lt_conn(r, (uint64_t)k, &line, &len), 0);
		/* replace uid "C<k>" by ours: rebuild the line with a distinct uid field */
		const char *tab1 = memchr(line, '\t', len), *tab2 = memchr(tab1 + 1, '\t', len);
		int w =
		    snprintf(out + n, cap - n, "%.*s\tS%d-%llu-%d%.*s", (int)(tab1 - line), line, s,
		             (unsigned long long)seq, k, (int)(len - (size_t)(tab2 - line)), tab2);
		n += (size_t)w;
	}
	return n;
}

static struct clu_logbatch batch(const char *sender, uint64_t inc, uint64_t seq, uint64_t prev,
                                 const char *lines, size_t len, uint32_t n)
{
	size_t dl;
	const char *d = clu_log_stream_descriptor(g_conn, &dl);
	return (struct clu_logbatch){sender, inc, seq, prev, d, dl, lines, len, n};
}

static struct clu_logstore *open_store(const char *dir, bool archive, int gzip, bool fsync)
{
	static char logs[600], arch[600], state[600];
	snprintf(logs, sizeof(logs), "%s/logs", dir);
	snprintf(arch, sizeof(arch), "%s/archive", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	struct clu_logstore_opts o = {
	    .dir = {.dir = logs,
	            .format = CLU_LOG_TSV,
	            .archive_dir = archive ? arch : NULL,
	            .rotate_interval = 600,
	            .gzip_level = gzip,
	            .fsync = fsync,
	            .clock = lt_clock},
	    .state_dir = state,
	    .diag = diag_to_file,
	};
	struct clu_logstore *s;
	char err[STEER_ERRBUF_SIZE];
	int rc = clu_logstore_open(&o, &s, err);
	if (rc)
		fail_msg("open: %s", err);
	return s;
}

static int group_setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	char err[STEER_ERRBUF_SIZE];
	return clu_log_stream_new(clu_log_schema_builtin("conn"), &g_conn, err);
}

static int group_teardown(void **state)
{
	(void)state;
	clu_log_stream_free(g_conn);
	return 0;
}

static void test_dedup_gap_hostile(void **state)
{
	(void)state;
	char dir[256], err[STEER_ERRBUF_SIZE], path[600];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logstore"));
	snprintf(g_diag_path, sizeof(g_diag_path), "%s/diag.txt", dir);
	lt_now = T0;
	struct clu_logstore *s = open_store(dir, false, 0, false);
	struct clu_logrec *r;
	assert_int_equal(clu_logrec_new(g_conn, CLU_LOG_TSV, &r), 0);
	static char buf[1 << 16];
	struct clu_logstore_reply rep;
	size_t n = make_batch(r, 0, 1, buf, sizeof(buf));
	struct clu_logbatch b = batch("worker-1", 7, 1, 0, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);
	assert_int_equal(rep.ack, 1);
	assert_int_equal(rep.written, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0); /* again */
	assert_int_equal(rep.verdict, CLU_BATCH_DUP);
	assert_int_equal(rep.ack, 1);
	b = batch("worker-1", 7, 3, 2, buf, n, NLINES); /* 2 is still held by the sender */
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_GAP);
	assert_int_equal(rep.ack, 1);
	n = make_batch(r, 0, 3, buf, sizeof(buf));
	b = batch("worker-1", 7, 3, 1, buf, n, NLINES); /* 2 died with the sender */
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);
	assert_int_equal(rep.ack, 3);
	struct clu_logstore_stats st;
	clu_logstore_stats(s, &st);
	assert_int_equal(st.seqs_lost, 1);
	/* a new incarnation of the same name starts afresh */
	n = make_batch(r, 1, 1, buf, sizeof(buf));
	b = batch("worker-1", 8, 1, 0, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);

	/* hostile lines are dropped one by one, the rest written */
	static const char mixed[] =
	    "bad\tline\n"
	    "1.0\tC\t1.1.1.1\t1\t2.2.2.2\t2\ttcp\t-\t-\t-\t-\tS0\tT\tF\t0\tS\t1"
	    "\t40\t0\t0\t(empty)\t6\n"
	    "1.0\tC\t1.1.1.1\t1\t2.2.2.2\t2\ttcp\t-\t-\t-\t-\tS0\tT\tF\t0\tS\t1"
	    "\t40\t0\t0\t(empty)\t6\x01\n"
	    "no newline";
	b = batch("worker-2", 1, 1, 0, mixed, sizeof(mixed) - 1, 4);
	g_diags = 0;
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);
	assert_int_equal(rep.written, 1);
	assert_int_equal(rep.dropped, 3);
	assert_int_equal(g_diags, 3);
	char *d = lt_slurp(g_diag_path, NULL);
	assert_non_null(strstr(
	    d, "worker-2 batch 1 (conn) line 1 dropped: byte 8: 2 fields, the stream has 22"));
	assert_non_null(strstr(d, "line 3 dropped: byte 67: control byte"));
	assert_non_null(strstr(d, "line 4 dropped: no newline at the end"));
	free(d);
	/* a lying descriptor drops the batch but commits it (no endless resending) */
	b = batch("worker-2", 1, 2, 1, buf, n, NLINES);
	b.descriptor = "conn\nts\n";
	b.descriptor_len = 8;
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);
	assert_int_equal(rep.dropped, NLINES);
	/* the same path with other fields than the open file's */
	static const struct clu_log_field other[] = {{"ts", "time"}};
	struct clu_log_schema os = {"conn", 1, other};
	struct clu_log_stream *ost;
	assert_int_equal(clu_log_stream_new(&os, &ost, err), 0);
	size_t dl;
	b = batch("worker-2", 1, 3, 2, "1.000000\n", 9, 1);
	b.descriptor = clu_log_stream_descriptor(ost, &dl);
	b.descriptor_len = dl;
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.dropped, 1);
	clu_log_stream_free(ost);
	/* batches that cannot be attributed are refused */
	b = batch("", 1, 1, 0, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), STEER_EINVAL);
	b = batch("w", 1, 0, 0, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), STEER_EINVAL);
	b = batch("w", 1, 5, 5, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), STEER_EINVAL);
	assert_int_equal(clu_logstore_close(s, err), 0);

	/* reopened: what was written is remembered; the file goes on after the old #close */
	lt_now = T0 + 100;
	s = open_store(dir, false, 0, false);
	n = make_batch(r, 0, 3, buf, sizeof(buf));
	b = batch("worker-1", 7, 3, 1, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_DUP);
	n = make_batch(r, 0, 4, buf, sizeof(buf));
	b = batch("worker-1", 7, 4, 3, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_NEW);
	assert_int_equal(clu_logstore_close(s, err), 0);
	snprintf(path, sizeof(path), "%s/logs/conn.log", dir);
	char *f = lt_slurp(path, NULL);
	int lines = 0, closes = 0;
	for (char *p = f; (p = strchr(p, '\n')); p++) {
		char *start = p;
		while (start > f && start[-1] != '\n')
			start--;
		if (*start == '#')
			closes += strncmp(start, "#close", 6) == 0;
		else
			lines++;
	}
	assert_int_equal(lines, 4 * NLINES + 1);
	assert_int_equal(closes, 1); /* the first close's #close was cut on reopen */
	assert_non_null(strstr(f, "\tS0-4-39\t"));
	free(f);
	clu_logrec_free(r);
	lt_rmdir(dir);
}

/* Runs fn in a child that ends with SIGKILL (exit status 1 means a check failed in it). */
static void in_killed_child(void (*fn)(const char *dir), const char *dir)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(dir);
		raise(SIGKILL);
		_exit(2);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		fail_msg("child failed: status %d", st);
}

static void child_append_first(const char *dir)
{
	struct clu_logrec *r;
	static char buf[1 << 16];
	char err[STEER_ERRBUF_SIZE];
	struct clu_logstore_reply rep;
	clu_logrec_new(g_conn, CLU_LOG_TSV, &r);
	struct clu_logstore *s = open_store(dir, true, 0, false);
	size_t n = make_batch(r, 0, 1, buf, sizeof(buf));
	struct clu_logbatch b = batch("w", 1, 1, 0, buf, n, NLINES);
	if (clu_logstore_append(s, &b, &rep, err) || rep.verdict != CLU_BATCH_NEW)
		_exit(1);
}

static void child_expect_dup(const char *dir)
{
	struct clu_logrec *r;
	static char buf[1 << 16];
	char err[STEER_ERRBUF_SIZE];
	struct clu_logstore_reply rep;
	clu_logrec_new(g_conn, CLU_LOG_TSV, &r);
	struct clu_logstore *s = open_store(dir, true, 0, false);
	size_t n = make_batch(r, 0, 1, buf, sizeof(buf));
	struct clu_logbatch b = batch("w", 1, 1, 0, buf, n, NLINES);
	if (clu_logstore_append(s, &b, &rep, err) || rep.verdict != CLU_BATCH_DUP || rep.ack != 1)
		_exit(1);
}

static void test_crash_states_by_hand(void **state)
{
	(void)state;
	char dir[256], err[STEER_ERRBUF_SIZE], path[600];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logcrash"));
	snprintf(g_diag_path, sizeof(g_diag_path), "%s/diag.txt", dir);
	lt_now = T0;
	in_killed_child(child_append_first, dir);
	/* as if killed after a write that was never committed, and in a journal write */
	snprintf(path, sizeof(path), "%s/logs/conn.log", dir);
	size_t committed;
	free(lt_slurp(path, &committed));
	FILE *f = fopen(path, "a");
	fputs("1714564800.000000\tS0-2-0\thalf a li", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/state/logstore.journal", dir);
	f = fopen(path, "a");
	fwrite("STJL\x40\0\0\0garbage", 1, 15, f);
	fclose(f);
	lt_now = T0 + 300;
	in_killed_child(child_expect_dup, dir);
	snprintf(path, sizeof(path), "%s/logs/conn.log", dir);
	size_t now_len;
	char *c = lt_slurp(path, &now_len);
	assert_int_equal(now_len, committed);
	assert_null(strstr(c, "half a li"));
	free(c);
	c = lt_slurp(g_diag_path, NULL);
	assert_non_null(strstr(c, "cutting 34 uncommitted bytes"));
	assert_non_null(strstr(c, "ignored 15 bytes after the last whole record"));
	free(c);
	/* down from 12:05 to 12:25: the file of 12:00-12:10 is rotated at once on reopen */
	lt_now = T0 + 25 * 60;
	struct clu_logstore *s = open_store(dir, true, 0, false);
	snprintf(path, sizeof(path), "%s/archive/2024-05-01/conn.12:00:00-12:10:00.log", dir);
	c = lt_slurp(path, NULL);
	assert_non_null(c);
	assert_non_null(strstr(c, "#close\t2024-05-01-12-10-00\n"));
	assert_non_null(strstr(c, "\tS0-1-39\t"));
	free(c);
	snprintf(path, sizeof(path), "%s/logs/conn.log", dir);
	assert_false(lt_exists(path));
	struct clu_logrec *r;
	static char buf[1 << 16];
	struct clu_logstore_reply rep;
	assert_int_equal(clu_logrec_new(g_conn, CLU_LOG_TSV, &r), 0);
	size_t n = make_batch(r, 0, 1, buf, sizeof(buf));
	struct clu_logbatch b = batch("w", 1, 1, 0, buf, n, NLINES);
	assert_int_equal(clu_logstore_append(s, &b, &rep, err), 0);
	assert_int_equal(rep.verdict, CLU_BATCH_DUP);
	assert_int_equal(clu_logstore_close(s, err), 0);
	clu_logrec_free(r);
	lt_rmdir(dir);
}

/* ---- SIGKILL at any point ---- */

#define NBATCH 30

/* The child: sends every sender's batches from start[s] on (prev = seq - 1, as an outbox that
 * holds them all), reports each acknowledgement on fd, ticks the fake clock (a rotation every
 * ten batches), closes cleanly at the end. */
static void torture_child(const char *dir, const uint64_t *start, int fd, int gzip, bool fsync)
{
	struct clu_logrec *r;
	static char buf[1 << 16];
	char err[STEER_ERRBUF_SIZE];
	struct clu_logstore_reply rep;
	if (clu_logrec_new(g_conn, CLU_LOG_TSV, &r))
		_exit(1);
	struct clu_logstore *s = open_store(dir, true, gzip, fsync);
	uint64_t next[NSEND];
	memcpy(next, start, sizeof(next));
	for (bool more = true; more;) {
		more = false;
		for (int k = 0; k < NSEND; k++) {
			if (next[k] > NBATCH)
				continue;
			more = true;
			char name[16];
			snprintf(name, sizeof(name), "worker-%d", k);
			size_t n = make_batch(r, k, next[k], buf, sizeof(buf));
			struct clu_logbatch b =
			    batch(name, 100 + (uint64_t)k, next[k], next[k] - 1, buf, n, NLINES);
			if (clu_logstore_append(s, &b, &rep, err) || rep.verdict == CLU_BATCH_GAP ||
			    rep.ack != next[k]) {
				fprintf(stderr, "child: %s verdict %d ack %llu\n", err, rep.verdict,
				        (unsigned long long)rep.ack);
				_exit(1);
			}
			char msg[32];
			int m =
			    snprintf(msg, sizeof(msg), "%d %llu\n", k, (unsigned long long)rep.ack);
			if (write(fd, msg, (size_t)m) != m)
				_exit(1);
			next[k]++;
			lt_now += 60;
			if (clu_logstore_tick(s, err))
				_exit(1);
		}
	}
	if (clu_logstore_close(s, err))
		_exit(1);
	clu_logrec_free(r);
	_exit(0);
}

/* Every record of every batch, counted over live files and archives (gzip read back). */
static void count_records(const char *dir, unsigned *count)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "find %s/logs %s/archive -type f", dir, dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char path[1024];
	static char line[8192];
	while (fgets(path, sizeof(path), p)) {
		path[strcspn(path, "\n")] = 0;
		size_t pl = strlen(path);
		/* nothing but live files and archives: no temporary, no file set aside */
		if (!(pl > 4 && strcmp(path + pl - 4, ".log") == 0) &&
		    !(pl > 7 && strcmp(path + pl - 7, ".log.gz") == 0))
			fail_msg("stray file %s", path);
		gzFile g = gzopen(path, "rb"); /* reads plain files too */
		assert_non_null(g);
		while (gzgets(g, line, sizeof(line))) {
			if (line[0] == '#')
				continue;
			size_t len = strlen(line);
			assert_true(len > 0 && line[len - 1] == '\n');
			assert_int_equal(clu_logline_check(CLU_LOG_TSV, 22, line, len - 1, NULL, 0),
			                 0);
			int s, k;
			unsigned long long seq;
			char *uid = strchr(line, '\t') + 1;
			assert_int_equal(sscanf(uid, "S%d-%llu-%d", &s, &seq, &k), 3);
			assert_true(s >= 0 && s < NSEND && seq >= 1 && seq <= NBATCH && k >= 0 &&
			            k < NLINES);
			count[((unsigned)s * NBATCH + (unsigned)(seq - 1)) * NLINES +
			      (unsigned)k]++;
		}
		gzclose(g);
	}
	pclose(p);
}

/* One round: the work done to the end through as many SIGKILLs as land, every record then
 * there exactly once. Returns the kills; *cut and *redo count the recoveries that cut
 * uncommitted bytes and that finished a rotation. */
static int torture_round(int gzip, bool fsync, int *cut, int *redo)
{
	char dir[256];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logkill"));
	snprintf(g_diag_path, sizeof(g_diag_path), "%s/diag.txt", dir);
	uint64_t acked[NSEND] = {0, 0, 0};
	int kills = 0, runs = 0;
	for (bool done = false; !done; runs++) {
		assert_true(runs < 5000);
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		uint64_t start[NSEND], sum = 0;
		for (int k = 0; k < NSEND; k++) {
			start[k] = acked[k] + 1;
			sum += acked[k];
		}
		lt_now = T0 + (time_t)(60 * sum);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			torture_child(dir, start, fds[1], gzip, fsync);
		}
		close(fds[1]);
		/* kill after a random delay (longer as runs go by, so the work gets done) */
		struct timespec ts = {0, (long)(rand() % (50 + 5 * runs)) * 1000L};
		nanosleep(&ts, NULL);
		int st;
		if (waitpid(pid, &st, WNOHANG) == 0) {
			kill(pid, SIGKILL);
			kills++;
			assert_int_equal(waitpid(pid, &st, 0), pid);
		} else {
			assert_true(WIFEXITED(st));
			assert_int_equal(WEXITSTATUS(st), 0);
			done = true;
		}
		FILE *f = fdopen(fds[0], "r");
		int k;
		unsigned long long a;
		while (fscanf(f, "%d %llu\n", &k, &a) == 2)
			if (a > acked[k])
				acked[k] = a;
		fclose(f);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			done = true;
		else if (WIFEXITED(st))
			fail_msg("child failed (exit %d)", WEXITSTATUS(st));
	}
	static unsigned count[NSEND * NBATCH * NLINES];
	memset(count, 0, sizeof(count));
	count_records(dir, count);
	for (unsigned i = 0; i < NSEND * NBATCH * NLINES; i++)
		if (count[i] != 1)
			fail_msg("record S%u-%u-%u is there %u times", i / (NBATCH * NLINES),
			         i / NLINES % NBATCH + 1, i % NLINES, count[i]);
	int torn = 0;
	FILE *d = fopen(g_diag_path, "r");
	char line[1024];
	while (d && fgets(line, sizeof(line), d)) {
		*cut += strstr(line, "uncommitted bytes") != NULL;
		*redo += strstr(line, "finishing the rotation") != NULL;
		torn += strstr(line, "after the last whole record") != NULL;
	}
	if (d)
		fclose(d);
	print_message("gzip %d fsync %d: %d runs, %d SIGKILLs; recovery cut uncommitted bytes %d "
	              "times, finished %d rotations, skipped %d torn journal tails; %d records "
	              "exactly once\n",
	              gzip, fsync, runs, kills, *cut, *redo, torn, NSEND * NBATCH * NLINES);
	lt_rmdir(dir);
	return kills;
}

/* Rounds until at least 20 SIGKILLs have landed: on a loaded machine a round can end with
 * few, since the kills come after random delays while the child runs on. */
static void torture(int gzip, bool fsync, unsigned seed)
{
	srand(seed);
	int kills = 0, cut = 0, redo = 0;
	for (int round = 0; kills < 20 || (fsync && (cut < 1 || redo < 1)); round++) {
		assert_true(round < 50);
		kills += torture_round(gzip, fsync, &cut, &redo);
	}
}

static void test_sigkill_plain(void **state)
{
	(void)state;
	torture(0, false, 1);
}

static void test_sigkill_gzip_fsync(void **state)
{
	(void)state;
	torture(6, true, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dedup_gap_hostile),
	    cmocka_unit_test(test_crash_states_by_hand),
	    cmocka_unit_test(test_sigkill_plain),
	    cmocka_unit_test(test_sigkill_gzip_fsync),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
