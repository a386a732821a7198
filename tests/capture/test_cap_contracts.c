/* SPDX-License-Identifier: BSD-2-Clause */
/* test_cap_contracts.c: what cap_pcap.h and cap_netdev.h promise on failure: cap_writer_open
 * and cap_writer_writev / cap_writer_write on a file that cannot be written (a size limit,
 * RLIMIT_FSIZE), on a record too large; cap_netns_enter on names it cannot use (no root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/cap_netdev.h>
#include <steer/cap_pcap.h>
#include <steer/error.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/steer-test-capc-XXXXXX");
	/* a write beyond RLIMIT_FSIZE fails with EFBIG instead of killing the process */
	signal(SIGXFSZ, SIG_IGN);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void open_failures(void **state)
{
	(void)state;
	char path[128], errbuf[STEER_ERRBUF_SIZE];
	struct cap_writer *w = (struct cap_writer *)1;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.pcap", dir);
	for (unsigned flags = 0; flags <= CAP_WRITE_LIBPCAP; flags += CAP_WRITE_LIBPCAP) {
		w = (struct cap_writer *)1;
		assert_int_equal(cap_writer_open(path, 1, 0, CAP_TS_MICRO, flags, &w, errbuf),
		                 STEER_EIO);
		assert_null(w);
		assert_non_null(strstr(errbuf, path));
		assert_non_null(strstr(errbuf, "No such file or directory"));
	}
	/* errbuf may be NULL */
	assert_int_equal(cap_writer_open(path, 1, 0, CAP_TS_MICRO, 0, &w, NULL), STEER_EIO);
}

/* Writes 1000-byte records until one fails; returns how many were taken. */
static unsigned fill(struct cap_writer *w, int *last)
{
	static uint8_t frame[1000];
	struct cap_pkthdr h = {.ts_sec = 1, .caplen = sizeof(frame), .len = sizeof(frame)};
	unsigned n = 0;
	while (n < 10000 && (*last = cap_writer_write(w, &h, frame)) == 0)
		n++;
	return n;
}

static void write_failures(void **state)
{
	(void)state;
	char path[128], errbuf[STEER_ERRBUF_SIZE];
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	for (unsigned flags = 0; flags <= CAP_WRITE_LIBPCAP; flags += CAP_WRITE_LIBPCAP) {
		snprintf(path, sizeof(path), "%s/w%u.pcap", dir, flags);
		struct cap_writer *w;
		assert_int_equal(cap_writer_open(path, 1, 0, CAP_TS_MICRO, flags, &w, errbuf), 0);
		/* too large a record: refused, the writer stays usable */
		static uint8_t big[CAP_MAX_SNAPLEN + 65];
		struct cap_iov iov = {big, sizeof(big)};
		struct cap_pkthdr h = {.ts_sec = 1, .len = sizeof(big)};
		assert_int_equal(cap_writer_writev(w, &h, &iov, 1), STEER_EINVAL);
		assert_int_equal(cap_writer_count(w), 0);
		/* a file that may not grow past 300 kB: writes fail while the writer buffers */
		lim = old;
		lim.rlim_cur = 300000;
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		int last = 0;
		unsigned n = fill(w, &last);
		assert_int_equal(last, STEER_EIO);
		assert_true(n < 10000);
		assert_int_equal(cap_writer_count(w), n);
		/* the error stays: every later record is refused too */
		assert_int_equal(fill(w, &last), 0);
		assert_int_equal(last, STEER_EIO);
		assert_int_equal(cap_writer_flush(w, errbuf), STEER_EIO);
		assert_non_null(strstr(errbuf, path));
		assert_int_equal(cap_writer_close(w, errbuf), STEER_EIO);
		assert_non_null(strstr(errbuf, path));
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	}
}

static void netns_names(void **state)
{
	(void)state;
	char errbuf[STEER_ERRBUF_SIZE], longname[300];
	int saved = 7;
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	const char *const bad[] = {"", "a/b", "../x", longname};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		saved = 7;
		assert_int_equal(cap_netns_enter(bad[i], &saved, errbuf), STEER_EINVAL);
		assert_int_equal(saved, -1);
		assert_non_null(strstr(errbuf, "network namespace"));
	}
	char name[64];
	snprintf(name, sizeof(name), "steer-no-such-ns-%d", (int)getpid());
	assert_int_equal(cap_netns_enter(name, &saved, errbuf), STEER_ENOENT);
	assert_int_equal(saved, -1);
	assert_non_null(strstr(errbuf, name));
	/* nothing to leave */
	assert_int_equal(cap_netns_leave(-1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_failures),
		cmocka_unit_test(write_failures),
		cmocka_unit_test(netns_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
