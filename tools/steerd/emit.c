/* SPDX-License-Identifier: BSD-2-Clause */
/* emit.c: steerd's test record source (hidden options --test-*): numbered records into one
 * stream at a given rate, checkable by content at the logger: (node, n) is unique. A progress
 * file makes a restarted node go on after the last number it reserved, and says which numbers
 * are safe in the outbox spool (so a test knows exactly which records a SIGKILL may take).
 * With stream "conn" the records are conn.log rows (22 fields), for bench/logger, and the
 * source measures the time from writing a chunk of records to their acknowledgement. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/clu_log.h>
#include <steer/error.h>

#include "steerd.h"

/* Chunks in flight at most (the source waits, rather than grow the outbox without bound). */
#define HELD_MAX 16
#define LAT_MAX  (1u << 20)

static const struct clu_log_field test_fields[] = {
    {"ts", "time"}, {"node", "string"}, {"n", "count"}};

struct steerd_emit {
	struct steerd_emit_opts o;
	char node[64];
	char state_path[4200], out_base[4200];
	FILE *state;
	struct clu_log_schema schema;
	struct clu_log_stream *st;
	struct clu_logrec *rec;
	bool conn;
	uint64_t next;  /* the next number to write */
	uint64_t first; /* the first number of this run */
	int64_t t0;     /* when this run began writing */
	bool done, broken;
	/* latency: chunks by their last record's cumulative count, written at t */
	struct {
		uint64_t upto;
		int64_t t;
	} * pend;
	size_t pend_head, pend_n, pend_cap;
	uint64_t added0; /* the outbox's added count when this run began */
	uint32_t *lat;   /* microseconds per acknowledged chunk */
	size_t nlat;
	uint64_t bytes;
	int64_t last_ack_t;
	uint64_t wall0_us; /* wall clock when this run began writing */
};

static uint64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The last "reserve N" of the progress file: numbers up to N may have been written. */
static uint64_t read_reserved(FILE *f)
{
	char line[64];
	uint64_t r = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		if (sscanf(line, "reserve %llu", &v) == 1 && v > r)
			r = v;
	}
	return r;
}

struct steerd_emit *steerd_emit_new(const struct steerd_emit_opts *o, const char *workdir,
                                    const char *node)
{
	struct steerd_emit *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->o = *o;
	snprintf(e->node, sizeof(e->node), "%s", node);
	snprintf(e->state_path, sizeof(e->state_path), "%s/emit.state", workdir);
	snprintf(e->out_base, sizeof(e->out_base), "%s/emit", workdir);
	e->conn = strcmp(o->stream, "conn") == 0;
	if (e->conn)
		e->schema = *clu_log_schema_builtin("conn");
	else
		e->schema = (struct clu_log_schema){o->stream, 3, test_fields};
	e->lat = malloc(LAT_MAX * sizeof(*e->lat));
	e->pend_cap = HELD_MAX * 2;
	e->pend = calloc(e->pend_cap, sizeof(*e->pend));
	char err[STEER_ERRBUF_SIZE];
	if (!e->lat || !e->pend || clu_log_stream_new(&e->schema, &e->st, err) != 0) {
		fprintf(stderr, "steerd: test stream: %s\n", e->lat ? err : "out of memory");
		steerd_emit_free(e);
		return NULL;
	}
	return e;
}

void steerd_emit_free(struct steerd_emit *e)
{
	if (!e)
		return;
	if (e->state)
		fclose(e->state);
	clu_logrec_free(e->rec);
	clu_log_stream_free(e->st);
	free(e->lat);
	free(e->pend);
	free(e);
}

/* A conn.log row whose uid carries (node, n); the rest varies with n like real traffic. */
static void conn_record(struct steerd_emit *e, uint64_t n, int64_t ts)
{
	struct clu_logrec *r = e->rec;
	struct steer_addr a = {.family = 4,
	                       .a = {10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n}};
	struct steer_addr b = {.family = 4, .a = {192, 0, 2, (uint8_t)(n % 250 + 1)}};
	char uid[96];
	snprintf(uid, sizeof(uid), "C%s-%" PRIu64, e->node, n);
	clu_logrec_time_us(r, ts);
	clu_logrec_str(r, uid);
	clu_logrec_addr(r, &a);
	clu_logrec_port(r, (uint16_t)(1024 + n % 60000));
	clu_logrec_addr(r, &b);
	clu_logrec_port(r, 443);
	clu_logrec_enum(r, "tcp");
	clu_logrec_str(r, "ssl");
	clu_logrec_interval_us(r, (int64_t)(n % 5000000));
	clu_logrec_count(r, 517 + n % 10000);
	clu_logrec_count(r, 4431 + n % 100000);
	clu_logrec_str(r, "SF");
	clu_logrec_bool(r, true);
	clu_logrec_bool(r, false);
	clu_logrec_count(r, 0);
	clu_logrec_str(r, "ShADadFf");
	clu_logrec_count(r, 12 + n % 50);
	clu_logrec_count(r, 1153 + n % 10000);
	clu_logrec_count(r, 14 + n % 70);
	clu_logrec_count(r, 5174 + n % 100000);
	clu_logrec_unset(r);
	clu_logrec_count(r, 6);
}

static int emit_one(struct steerd_emit *e, struct clu_node *node, uint64_t n, int64_t ts)
{
	clu_logrec_begin(e->rec);
	if (e->conn) {
		conn_record(e, n, ts);
	} else {
		clu_logrec_time_us(e->rec, ts);
		clu_logrec_str(e->rec, e->node);
		clu_logrec_count(e->rec, n);
	}
	const char *line;
	size_t len;
	if (clu_logrec_end(e->rec, &line, &len) != 0) {
		fprintf(stderr, "steerd: test record: %s\n", clu_logrec_error(e->rec));
		return STEER_EINVAL;
	}
	e->bytes += len;
	return clu_node_log(node, e->st, line, len);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* WORKDIR/emit.summary (JSON) and WORKDIR/emit.latency (microseconds, one chunk a line), for
 * bench/logger to combine across senders. */
static void write_summary(struct steerd_emit *e)
{
	char path[4300];
	snprintf(path, sizeof(path), "%.4200s.latency", e->out_base);
	FILE *lf = fopen(path, "w");
	for (size_t i = 0; lf && i < e->nlat; i++)
		fprintf(lf, "%u\n", e->lat[i]);
	if (lf)
		fclose(lf);
	qsort(e->lat, e->nlat, sizeof(*e->lat), cmp_u32);
	uint32_t p50 = e->nlat ? e->lat[e->nlat / 2] : 0;
	uint32_t p99 = e->nlat ? e->lat[(e->nlat * 99) / 100] : 0;
	snprintf(path, sizeof(path), "%.4200s.summary", e->out_base);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	uint64_t end = e->wall0_us + (uint64_t)(e->last_ack_t - e->t0);
	fprintf(f,
	        "{\"node\": \"%s\", \"records\": %" PRIu64 ", \"bytes\": %" PRIu64
	        ", \"seconds\": %.6f, \"start_us\": %" PRIu64 ", \"end_us\": %" PRIu64
	        ", \"chunks\": %zu, \"p50_us\": %u, \"p99_us\": %u}\n",
	        e->node, e->next - e->first, e->bytes, (double)(e->last_ack_t - e->t0) / 1e6,
	        e->wall0_us, end, e->nlat, p50, p99);
	fclose(f);
}

/* Chunks whose records are all acknowledged: their write-to-acknowledgement time. */
static void collect_acks(struct steerd_emit *e, struct clu_node *node, int64_t now)
{
	struct clu_node_log_stats s;
	clu_node_log_stats(node, &s);
	while (e->pend_n && s.acked - e->added0 >= e->pend[e->pend_head].upto) {
		int64_t d = now - e->pend[e->pend_head].t;
		if (e->nlat < LAT_MAX)
			e->lat[e->nlat++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
		e->pend_head = (e->pend_head + 1) % e->pend_cap;
		e->pend_n--;
		e->last_ack_t = now;
	}
}

int64_t steerd_emit_work(struct clu_node *node, void *arg, int64_t now)
{
	struct steerd_emit *e = arg;
	if (e->broken)
		return INT64_MAX;
	if (!e->rec) {
		/* The first turn: the working directory exists now, and the format is known. */
		e->state = fopen(e->state_path, "a+");
		if (!e->state || clu_logrec_new(e->st, clu_node_log_format(node), &e->rec) != 0) {
			fprintf(stderr, "steerd: %s: %s\n", e->state_path, strerror(errno));
			e->broken = true;
			return INT64_MAX;
		}
		rewind(e->state);
		e->next = e->first = read_reserved(e->state) + 1;
		fseek(e->state, 0, SEEK_END);
		struct clu_node_log_stats s;
		clu_node_log_stats(node, &s);
		e->added0 = s.acked;
		e->t0 = now;
		e->wall0_us = wall_us();
	}
	collect_acks(e, node, now);
	if (e->next > e->o.count) {
		if (!e->done && e->pend_n == 0) {
			e->done = true;
			fprintf(e->state, "done %" PRIu64 "\n", e->o.count);
			fflush(e->state);
			write_summary(e);
		}
		return INT64_MAX;
	}
	if (e->pend_n >= HELD_MAX)
		return INT64_MAX; /* the log sink is behind: its acknowledgements wake us */
	uint64_t n = e->o.count - e->next + 1;
	if (n > e->o.chunk)
		n = e->o.chunk;
	if (e->o.rate) {
		uint64_t allowed = (uint64_t)((double)(now - e->t0) * (double)e->o.rate / 1e6);
		uint64_t written = e->next - e->first;
		if (allowed < written + n) /* a whole chunk at a time, when it is due */
			return e->t0 + (int64_t)((double)(written + n) * 1e6 / (double)e->o.rate);
	}
	uint64_t last = e->next + n - 1;
	/* Reserved before written: a restart never writes these numbers again. */
	fprintf(e->state, "reserve %" PRIu64 "\n", last);
	fflush(e->state);
	int64_t ts = (int64_t)wall_us();
	for (uint64_t k = e->next; k <= last; k++) {
		int rc = emit_one(e, node, k, ts);
		if (rc != 0)
			fprintf(stderr, "steerd: test record %" PRIu64 " not logged: %s\n", k,
			        steer_strerror(rc));
	}
	if (clu_node_log_flush(node) == 0) {
		fprintf(e->state, "durable %" PRIu64 "\n", last);
		fflush(e->state);
	}
	/* The chunk is acknowledged when the acknowledged count covers its last record. */
	e->pend[(e->pend_head + e->pend_n) % e->pend_cap].upto = last - e->first + 1;
	e->pend[(e->pend_head + e->pend_n) % e->pend_cap].t = now;
	e->pend_n++;
	e->next = last + 1;
	return now; /* the next chunk may be due already */
}
