/* SPDX-License-Identifier: BSD-2-Clause */
/* sset.c: benchmark of the shared-set replica (every proxy and worker holds one): merges/s of
 * new keys and of keys already held, bytes per key, and the longest single merge, which is
 * what a growing table costs the insertion that triggers it (every replica of a cluster grows
 * at about the same moment, so that pause adds up round the ring).
 * Usage: sset [KEYS] (default 2000000). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/clu_sset.h>
#include <steer/error.h>

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * 4;
}

/* Merges keys "worker-N:I" (as bench/proxy's insertions), I from 1 to n; returns the seconds
 * taken and the longest merge in *worst_ns. */
static double run(struct clu_sset *s, uint64_t n, int64_t *worst_ns, int expect)
{
	*worst_ns = 0;
	int64_t t0 = now_ns(), prev = t0;
	for (uint64_t i = 1; i <= n; i++) {
		char key[32];
		int len = snprintf(key, sizeof(key), "worker-%" PRIu64 ":%" PRIu64, i % 6 + 1, i);
		struct clu_set_rec r = {.set = "steer_test",
		                        .setlen = 10,
		                        .key = (const uint8_t *)key,
		                        .keylen = (uint16_t)len,
		                        .ts_us = 1000,
		                        .expire_us = INT64_MAX,
		                        .origin = 1};
		int rc = clu_sset_merge(s, &r, 0);
		if (rc != expect) {
			fprintf(stderr, "sset: merge of %s returned %d, not %d\n", key, rc, expect);
			exit(1);
		}
		int64_t t = now_ns();
		if (t - prev > *worst_ns)
			*worst_ns = t - prev;
		prev = t;
	}
	return (double)(now_ns() - t0) / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
	if (n == 0) {
		fprintf(stderr, "usage: sset [KEYS]\n");
		return 2;
	}
	struct clu_sset *s;
	long rss0 = rss_kb();
	if (clu_sset_new(n, &s) != 0) {
		fprintf(stderr, "sset: out of memory\n");
		return 1;
	}
	int64_t worst;
	double secs = run(s, n, &worst, 1);
	long rss = rss_kb() - rss0;
	printf("%" PRIu64 " new keys: %.2f M merges/s, longest merge %.2f ms, %.1f bytes per key\n",
	       n, (double)n / secs / 1e6, (double)worst / 1e6, (double)rss * 1024 / (double)n);
	secs = run(s, n, &worst, 0);
	printf("%" PRIu64 " keys held again: %.2f M merges/s, longest merge %.2f ms\n", n,
	       (double)n / secs / 1e6, (double)worst / 1e6);
	clu_sset_free(s);
	return 0;
}
