/* SPDX-License-Identifier: BSD-2-Clause */
/* logfmt.c: benchmark of the log layer: formatting conn.log records (22 fields) in TSV and JSON
 * with the record builder, checking them as the logger does, and appending them through the
 * durable store in batches of 1000 from four senders (with and without fsync). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <steer/clu_log.h>
#include <steer/clu_logstore.h>
#include <steer/error.h>

#define BATCH   1000
#define SENDERS 4

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A realistic conn record: varied addresses, ports, counts; an empty tunnel_parents set. */
static const char *conn_record(struct clu_logrec *r, uint64_t k, size_t *len)
{
	struct steer_addr o = {.family = 4,
	                       .a = {10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k}};
	struct steer_addr p = {.family = 4, .a = {192, 0, 2, (uint8_t)(k * 7)}};
	static const char *const hist[] = {"ShADadFf", "S", "ShAdDaFf", "Dd", "ShR"};
	static const char *const state[] = {"SF", "S0", "SF", "SF", "RSTO"};
	char uid[24];
	snprintf(uid, sizeof(uid), "C%07llx%09llx", (unsigned long long)(k * 2654435761u),
	         (unsigned long long)(k * 40503u));
	clu_logrec_begin(r);
	clu_logrec_time_us(r, 1714564800000000 + (int64_t)k * 1013);
	clu_logrec_str(r, uid);
	clu_logrec_addr(r, &o);
	clu_logrec_port(r, (uint16_t)(1024 + k % 60000));
	clu_logrec_addr(r, &p);
	clu_logrec_port(r, k % 3 ? 443 : 53);
	clu_logrec_enum(r, k % 3 ? "tcp" : "udp");
	if (k % 3)
		clu_logrec_str(r, "ssl");
	else
		clu_logrec_str(r, "dns");
	clu_logrec_interval_us(r, (int64_t)(k % 5000000));
	clu_logrec_count(r, k % 100000);
	clu_logrec_count(r, k % 1000000);
	clu_logrec_str(r, state[k % 5]);
	clu_logrec_bool(r, true);
	clu_logrec_bool(r, false);
	clu_logrec_count(r, 0);
	clu_logrec_str(r, hist[k % 5]);
	clu_logrec_count(r, k % 100);
	clu_logrec_count(r, k % 100000 + 40);
	clu_logrec_count(r, k % 120);
	clu_logrec_count(r, k % 1000000 + 40);
	clu_logrec_set_open(r);
	clu_logrec_set_close(r);
	clu_logrec_count(r, k % 3 ? 6 : 17);
	const char *line;
	if (clu_logrec_end(r, &line, len)) {
		fprintf(stderr, "logfmt: %s\n", clu_logrec_error(r));
		exit(1);
	}
	return line;
}

static void bench_format(const struct clu_log_stream *st, enum clu_log_format fmt, uint64_t n)
{
	struct clu_logrec *r;
	if (clu_logrec_new(st, fmt, &r))
		exit(1);
	uint64_t bytes = 0;
	double t0 = now_s();
	for (uint64_t k = 0; k < n; k++) {
		size_t len;
		conn_record(r, k, &len);
		bytes += len;
	}
	double dt = now_s() - t0;
	printf("format %-4s  %10.0f records/s  %7.1f MB/s  (%.0f bytes/record)\n",
	       fmt == CLU_LOG_TSV ? "TSV" : "JSON", (double)n / dt, (double)bytes / dt / 1e6,
	       (double)bytes / (double)n);
	clu_logrec_free(r);
}

/* n records pre-formatted into batches of BATCH lines. */
static char *make_batches(const struct clu_log_stream *st, uint64_t n, size_t **offs)
{
	struct clu_logrec *r;
	if (clu_logrec_new(st, CLU_LOG_TSV, &r))
		exit(1);
	size_t cap = (size_t)n * 320, len = 0;
	char *buf = malloc(cap);
	*offs = malloc(sizeof(size_t) * (size_t)(n / BATCH + 2));
	if (!buf || !*offs)
		exit(1);
	for (uint64_t k = 0; k < n; k++) {
		if (k % BATCH == 0)
			(*offs)[k / BATCH] = len;
		size_t l;
		const char *line = conn_record(r, k, &l);
		if (len + l > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		memcpy(buf + len, line, l);
		len += l;
	}
	(*offs)[n / BATCH] = len;
	clu_logrec_free(r);
	return buf;
}

static void bench_check(const char *buf, size_t len, uint64_t n)
{
	double t0 = now_s();
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (clu_logline_check(CLU_LOG_TSV, 22, p, (size_t)(nl - p), NULL, 0))
			exit(1);
		p = nl + 1;
	}
	double dt = now_s() - t0;
	printf("check TSV    %10.0f records/s  %7.1f MB/s\n", (double)n / dt,
	       (double)len / dt / 1e6);
}

static void bench_store(const struct clu_log_stream *st, const char *buf, const size_t *offs,
                        uint64_t n, bool fsync, const char *tmpdir)
{
	char dir[512], logs[600], state[600], err[STEER_ERRBUF_SIZE], cmd[700];
	snprintf(dir, sizeof(dir), "%s/steer-logfmt-%d-XXXXXX", tmpdir, (int)getpid());
	if (!mkdtemp(dir)) {
		perror(dir);
		exit(1);
	}
	snprintf(logs, sizeof(logs), "%s/logs", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	struct clu_logstore_opts o = {.dir = {.dir = logs, .format = CLU_LOG_TSV, .fsync = fsync},
	                              .state_dir = state};
	struct clu_logstore *s;
	if (clu_logstore_open(&o, &s, err)) {
		fprintf(stderr, "logfmt: %s\n", err);
		exit(1);
	}
	size_t dl;
	const char *desc = clu_log_stream_descriptor(st, &dl);
	uint64_t nb = n / BATCH;
	double t0 = now_s();
	for (uint64_t b = 0; b < nb; b++) {
		char sender[16];
		snprintf(sender, sizeof(sender), "worker-%llu", (unsigned long long)(b % SENDERS));
		uint64_t seq = b / SENDERS + 1;
		struct clu_logbatch bt = {
		    sender, 1, seq, seq - 1, desc, dl, buf + offs[b], offs[b + 1] - offs[b], BATCH};
		struct clu_logstore_reply rep;
		if (clu_logstore_append(s, &bt, &rep, err) || rep.verdict != CLU_BATCH_NEW) {
			fprintf(stderr, "logfmt: append: %s\n", err);
			exit(1);
		}
	}
	double dt = now_s() - t0;
	printf("store %-6s %10.0f records/s  %7.1f MB/s  (batches of %d, %d senders, %s)\n",
	       fsync ? "fsync" : "", (double)(nb * BATCH) / dt, (double)offs[nb] / dt / 1e6, BATCH,
	       SENDERS, tmpdir);
	clu_logstore_close(s, err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "logfmt: cannot remove %s\n", dir);
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: logfmt [-n RECORDS] [-d TMPDIR]\n"
	        "Formats conn.log records (TSV, JSON), checks them, appends them through the log\n"
	        "store in batches of 1000 (fsync off, then on with a tenth of the records).\n");
}

int main(int argc, char **argv)
{
	uint64_t n = 2000000;
	const char *tmpdir = "/tmp";
	int c;
	while ((c = getopt(argc, argv, "n:d:h")) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'd':
			tmpdir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (n < BATCH * SENDERS * 10) {
		usage(stderr);
		return 2;
	}
	struct clu_log_stream *st;
	char err[STEER_ERRBUF_SIZE];
	if (clu_log_stream_new(clu_log_schema_builtin("conn"), &st, err))
		return 1;
	bench_format(st, CLU_LOG_TSV, n);
	bench_format(st, CLU_LOG_JSON, n);
	size_t *offs;
	char *buf = make_batches(st, n, &offs);
	bench_check(buf, offs[n / BATCH], n);
	bench_store(st, buf, offs, n, false, tmpdir);
	bench_store(st, buf, offs, n / 10, true, tmpdir);
	free(buf);
	free(offs);
	clu_log_stream_free(st);
	return 0;
}
