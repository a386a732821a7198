/* SPDX-License-Identifier: BSD-2-Clause */
/* share.c: steerd's test sources for the shared state and notices (hidden options
 * --test-insert, --test-known, --test-notice): a worker inserts numbered keys into the shared
 * set "steer_test" and records every insertion it receives (WORKDIR/shared.recv: "KEY
 * LATENCY_US" lines, LATENCY_US from the insertion's time to its arrival); reports known hosts
 * at a given wall-clock time; raises notices repeatedly ("notices done FIRST_US LAST_US": the
 * wall clock of the first and last raise). For tests/cluster and bench/proxy. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/clu_notice.h>
#include <steer/clu_shared.h>
#include <steer/error.h>

#include "steerd.h"

#define BACKLOG_MAX 16 /* batches waiting for the ring before the source waits */

struct steerd_share {
	struct steerd_share_opts o;
	char node[64];
	char recv_path[4200], state_path[4200];
	FILE *recv, *state;
	bool started, broken, inserted_all, said_done;
	uint64_t next; /* the next key number */
	int64_t t0;
	uint64_t received;
	bool known_done[2];
	uint64_t notices;
	int64_t next_notice_us;
	int64_t first_notice_us; /* wall clock of the first raise (for "notices done") */
	int64_t flushed_us;
};

static int64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct steerd_share *steerd_share_new(const struct steerd_share_opts *o, const char *workdir,
                                      const char *node)
{
	struct steerd_share *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->o = *o;
	snprintf(s->node, sizeof(s->node), "%s", node);
	snprintf(s->recv_path, sizeof(s->recv_path), "%s/shared.recv", workdir);
	snprintf(s->state_path, sizeof(s->state_path), "%s/shared.state", workdir);
	s->next = 1;
	return s;
}

void steerd_share_free(struct steerd_share *s)
{
	if (!s)
		return;
	if (s->recv)
		fclose(s->recv);
	if (s->state)
		fclose(s->state);
	free(s);
}

/* Records a received insertion: "KEY LATENCY_US RECEIVED_US". With sampling, the keys whose
 * number is a multiple of the sample, so every worker records the same keys. */
static void on_insert(void *arg, struct clu_node *n, const struct clu_set_rec *r)
{
	(void)n;
	struct steerd_share *s = arg;
	s->received++;
	if (!s->recv)
		return;
	if (s->o.sample > 1) {
		const uint8_t *c = memchr(r->key, ':', r->keylen);
		uint64_t num = 0;
		for (c = c ? c + 1 : r->key + r->keylen; c < r->key + r->keylen; c++)
			num = num * 10 + (uint64_t)(*c - '0');
		if (num % s->o.sample != 0)
			return;
	}
	int64_t now = wall_us();
	fprintf(s->recv, "%.*s %" PRId64 " %" PRId64 "\n", (int)r->keylen, (const char *)r->key,
	        now - r->ts_us, now);
}

static void say(struct steerd_share *s, const char *what)
{
	fprintf(s->state, "%s\n", what);
	fflush(s->state);
	if (s->recv)
		fflush(s->recv);
}

static int64_t inserts(struct steerd_share *s, struct clu_node *n, int64_t now)
{
	if (s->inserted_all) {
		if (!s->said_done && clu_shared_backlog(n) == 0) {
			s->said_done = true;
			char msg[96];
			snprintf(msg, sizeof(msg), "done %" PRIu64 " %" PRId64, s->o.inserts,
			         wall_us());
			say(s, msg);
		}
		return s->said_done ? INT64_MAX : now + 10000;
	}
	if (clu_shared_backlog(n) >= BACKLOG_MAX)
		return now + 1000;
	uint64_t allowed = s->o.inserts;
	if (s->o.rate) {
		allowed = (uint64_t)((double)(now - s->t0) * (double)s->o.rate / 1e6) + 1;
		if (allowed > s->o.inserts)
			allowed = s->o.inserts;
	}
	/* A bounded number per turn, so the loop reads its sockets in between. */
	for (unsigned k = 0; k < 2000 && s->next <= allowed; k++, s->next++) {
		char key[96];
		int len = snprintf(key, sizeof(key), "%s:%" PRIu64, s->node, s->next);
		int rc = clu_shared_insert(n, "steer_test", key, (size_t)len, s->o.lifetime_us);
		if (rc != 0) {
			fprintf(stderr, "steerd: insert %s: %s\n", key, steer_strerror(rc));
			break;
		}
	}
	if (s->next > s->o.inserts)
		s->inserted_all = true;
	if (s->next <= allowed)
		return now;
	return s->o.rate ? s->t0 + (int64_t)((double)s->next * 1e6 / (double)s->o.rate) : now;
}

static void known(struct steerd_share *s, struct clu_node *n)
{
	int64_t w = wall_us();
	for (int round = 0; round < 2; round++) {
		/* At the given time, and once more a second later (then known everywhere). */
		if (s->known_done[round] || w < s->o.known_at_us + round * 1000000)
			continue;
		s->known_done[round] = true;
		char list[1024];
		snprintf(list, sizeof(list), "%s", s->o.known);
		for (char *save, *a = strtok_r(list, ",", &save); a;
		     a = strtok_r(NULL, ",", &save)) {
			struct steer_addr addr;
			if (steer_addr_parse(a, &addr) != 0)
				continue;
			clu_known_host(n, w, &addr);
			static const char *const http[] = {"HTTP"};
			clu_known_service(n, w, &addr, 80, 6, http, 1);
		}
		say(s, round ? "known again" : "known");
	}
}

static void raise_one(struct steerd_share *s, struct clu_node *n, const char *spec)
{
	char note[128], ident[128], msg[160];
	const char *colon = strchr(spec, '=');
	snprintf(note, sizeof(note), "%.*s", (int)(colon ? (size_t)(colon - spec) : strlen(spec)),
	         spec);
	snprintf(ident, sizeof(ident), "%s", colon ? colon + 1 : "");
	snprintf(msg, sizeof(msg), "test notice %" PRIu64 " from %s", s->notices + 1, s->node);
	struct clu_notice nt = {
	    .note = note, .msg = msg, .sub = s->node, .identifier = colon ? ident : NULL};
	int rc = clu_node_notice(n, &nt);
	if (rc != 0)
		fprintf(stderr, "steerd: notice %s: %s\n", note, steer_strerror(rc));
}

static int64_t notices(struct steerd_share *s, struct clu_node *n, int64_t now)
{
	if (s->notices >= s->o.notice_count)
		return INT64_MAX;
	if (now < s->next_notice_us)
		return s->next_notice_us;
	int64_t w = wall_us();
	if (s->notices == 0)
		s->first_notice_us = w;
	for (unsigned i = 0; i < s->o.nnotices; i++)
		raise_one(s, n, s->o.notice[i]);
	s->notices++;
	s->next_notice_us = now + s->o.notice_every_us;
	if (s->notices == s->o.notice_count) {
		/* When it raised them: a test knows which suppression intervals they span. */
		char msg[96];
		snprintf(msg, sizeof(msg), "notices done %" PRId64 " %" PRId64, s->first_notice_us, w);
		say(s, msg);
	}
	return s->next_notice_us;
}

int64_t steerd_share_work(struct clu_node *n, void *arg, int64_t now)
{
	struct steerd_share *s = arg;
	if (s->broken)
		return INT64_MAX;
	if (!s->state) {
		s->state = fopen(s->state_path, "a");
		if (s->o.inserts || s->o.record)
			s->recv = fopen(s->recv_path, "a");
		if (!s->state || ((s->o.inserts || s->o.record) && !s->recv)) {
			fprintf(stderr, "steerd: %s: %s\n", s->state_path, strerror(errno));
			s->broken = true;
			return INT64_MAX;
		}
		if (s->o.inserts || s->o.record)
			clu_shared_watch(n, on_insert, s);
	}
	int64_t next = INT64_MAX;
	if (s->o.nnotices)
		next = notices(s, n, now);
	if (!clu_shared_ready(n))
		return now + 10000 < next ? now + 10000 : next;
	if (!s->started) {
		s->started = true;
		s->t0 = now;
		char msg[64];
		snprintf(msg, sizeof(msg), "ready %" PRId64, wall_us());
		say(s, msg);
	}
	if (s->o.known)
		known(s, n);
	if (s->o.inserts) {
		int64_t t = inserts(s, n, now);
		next = t < next ? t : next;
	}
	if (s->o.known && !s->known_done[1])
		next = now + 10000 < next ? now + 10000 : next;
	/* What arrived is on disk within a fraction of a second (tests read it live). */
	if (s->recv && now - s->flushed_us > 200000) {
		fflush(s->recv);
		s->flushed_us = now;
	}
	if (s->recv)
		next = now + 200000 < next ? now + 200000 : next;
	return next;
}
