/* SPDX-License-Identifier: BSD-2-Clause */
/* logtest.h: helpers shared by the log layer's tests (temporary directories, files, a fake
 * clock, a conn.log record maker). Header-only, private to tests/cluster. */
#ifndef STEER_TEST_LOGTEST_H
#define STEER_TEST_LOGTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <steer/addr.h>
#include <steer/clu_log.h>

static time_t lt_now;
static inline time_t lt_clock(void *arg)
{
	(void)arg;
	return lt_now;
}

/* A fresh directory under /tmp (removed by lt_rmdir). */
static inline char *lt_mkdtemp(char *buf, size_t cap, const char *what)
{
	snprintf(buf, cap, "/tmp/steer-%s-%d-XXXXXX", what, (int)getpid());
	return mkdtemp(buf);
}

static inline void lt_rmdir(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* The whole file, NUL-terminated (NULL if missing); *len its length. Free it. */
static inline char *lt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, cap * 2 + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (b)
		b[n] = '\0';
	if (len)
		*len = n;
	return b;
}

static inline bool lt_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* A conn.log record numbered k (uid "C<k>", orig_bytes k) in r's format. */
static inline int lt_conn(struct clu_logrec *r, uint64_t k, const char **line, size_t *len)
{
	struct steer_addr o = {.family = 4, .a = {10, 0, 0, 1}},
	                  p = {.family = 4, .a = {10, 0, 0, 2}};
	char uid[32];
	snprintf(uid, sizeof(uid), "C%llu", (unsigned long long)k);
	clu_logrec_begin(r);
	clu_logrec_time_us(r, 1714564800000000 + (int64_t)k);
	clu_logrec_str(r, uid);
	clu_logrec_addr(r, &o);
	clu_logrec_port(r, (uint16_t)(k % 60000 + 1024));
	clu_logrec_addr(r, &p);
	clu_logrec_port(r, 443);
	clu_logrec_enum(r, "tcp");
	clu_logrec_str(r, "ssl");
	clu_logrec_interval_us(r, 1234567);
	clu_logrec_count(r, k);
	clu_logrec_count(r, 5000);
	clu_logrec_str(r, "SF");
	clu_logrec_bool(r, true);
	clu_logrec_bool(r, false);
	clu_logrec_count(r, 0);
	clu_logrec_str(r, "ShADadFf");
	clu_logrec_count(r, 10);
	clu_logrec_count(r, 1500);
	clu_logrec_count(r, 12);
	clu_logrec_count(r, 6000);
	clu_logrec_set_open(r);
	clu_logrec_set_close(r);
	clu_logrec_count(r, 6);
	return clu_logrec_end(r, line, len);
}

#endif
