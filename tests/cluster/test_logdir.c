/* SPDX-License-Identifier: BSD-2-Clause */
/* test_logdir.c: the log directory (steer/clu_logdir.h): Zeek's TSV files byte for byte against
 * golden files, JSON lines parsed back by Python's json module, rotation and #close with an
 * injected clock, archive names, gzip archives decompressed, local-midnight boundaries.
 * STEER_REFRESH_GOLDEN=1 rewrites the golden files (review the diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include <steer/clu_log.h>
#include <steer/clu_logdir.h>
#include <steer/error.h>

#include "logtest.h"

#define T0 1714564800 /* 2024-05-01 12:00:00 UTC */

static void utc(void)
{
	setenv("TZ", "UTC0", 1);
	tzset();
}

static struct clu_log_stream *builtin(const char *path)
{
	struct clu_log_stream *st;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_log_stream_new(clu_log_schema_builtin(path), &st, err), 0);
	return st;
}

static void write_line(struct clu_logdir *d, const struct clu_log_stream *st, struct clu_logrec *r)
{
	const char *line;
	size_t len;
	char err[STEER_ERRBUF_SIZE];
	if (clu_logrec_end(r, &line, &len))
		fail_msg("%s", clu_logrec_error(r));
	assert_int_equal(clu_logdir_write(d, st, line, len, err), 0);
}

/* conn records covering every value form; weird records with hostile strings. */
static void write_samples(struct clu_logdir *d, enum clu_log_format fmt)
{
	struct clu_log_stream *conn = builtin("conn"), *weird = builtin("weird");
	struct clu_logrec *r, *w;
	assert_int_equal(clu_logrec_new(conn, fmt, &r), 0);
	assert_int_equal(clu_logrec_new(weird, fmt, &w), 0);
	const char *line;
	size_t len;
	char err[STEER_ERRBUF_SIZE];
	for (uint64_t k = 1; k <= 2; k++) {
		assert_int_equal(lt_conn(r, k, &line, &len), 0);
		assert_int_equal(clu_logdir_write(d, conn, line, len, err), 0);
	}
	/* a one-packet UDP flow: unset duration and bytes, a tunnel parent set, IPv6 */
	struct steer_addr o, p;
	steer_addr_parse("2001:db8::1", &o);
	steer_addr_parse("ff02::1:3", &p);
	clu_logrec_begin(r);
	clu_logrec_time_us(r, 1714564801500000);
	clu_logrec_str(r, "CtPZjS20MLrsMUOJi2");
	clu_logrec_addr(r, &o);
	clu_logrec_port(r, 5353);
	clu_logrec_addr(r, &p);
	clu_logrec_port(r, 5353);
	clu_logrec_enum(r, "udp");
	clu_logrec_unset(r);
	for (int i = 0; i < 3; i++)
		clu_logrec_unset(r);
	clu_logrec_str(r, "S0");
	clu_logrec_bool(r, true);
	clu_logrec_bool(r, false);
	clu_logrec_count(r, 0);
	clu_logrec_str(r, "D");
	clu_logrec_count(r, 1);
	clu_logrec_count(r, 88);
	clu_logrec_count(r, 0);
	clu_logrec_count(r, 0);
	clu_logrec_set_open(r);
	clu_logrec_str(r, "CHhAvVGS1DHFjwGM9");
	clu_logrec_str(r, "odd,uid");
	clu_logrec_set_close(r);
	clu_logrec_count(r, 17);
	write_line(d, conn, r);

	static const struct {
		const char *name, *addl;
		size_t addl_len;
	} hostile[] = {
	    {"tab\there", "back\\slash", 10},
	    {"-", "(empty)", 7},
	    {"",
	     "nul\0and\x01"
	     "ctl",
	     11},
	    {"caf\xc3\xa9", "caf\xc3\xa9\xff", 6},
	    {"#hash", "new\nline", 8},
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		clu_logrec_begin(w);
		clu_logrec_time_us(w, 1714564802000000 + (int64_t)i);
		clu_logrec_unset(w);
		for (int k = 0; k < 4; k++)
			clu_logrec_unset(w);
		clu_logrec_str(w, hostile[i].name);
		clu_logrec_string(w, hostile[i].addl, hostile[i].addl_len);
		clu_logrec_bool(w, i & 1);
		clu_logrec_str(w, "worker-1");
		clu_logrec_str(w, i == 4 ? "#x" : "");
		write_line(d, weird, w);
	}
	clu_logrec_free(r);
	clu_logrec_free(w);
	clu_log_stream_free(conn);
	clu_log_stream_free(weird);
}

static void golden(const char *got_path, const char *name)
{
	char gpath[1024];
	snprintf(gpath, sizeof(gpath), "%s/cluster/%s", STEER_TEST_DATA, name);
	size_t glen = 0, wlen = 0;
	char *got = lt_slurp(got_path, &glen);
	assert_non_null(got);
	if (getenv("STEER_REFRESH_GOLDEN")) {
		FILE *f = fopen(gpath, "wb");
		assert_non_null(f);
		fwrite(got, 1, glen, f);
		fclose(f);
	}
	char *want = lt_slurp(gpath, &wlen);
	if (!want)
		fail_msg("no golden file %s (STEER_REFRESH_GOLDEN=1 writes it)", gpath);
	if (glen != wlen || memcmp(got, want, glen) != 0)
		fail_msg("%s differs from %s", got_path, gpath);
	free(got);
	free(want);
}

static void test_standalone_tsv_golden(void **state)
{
	(void)state;
	utc();
	char dir[256], path[512], err[STEER_ERRBUF_SIZE];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logdir"));
	lt_now = T0;
	struct clu_logdir_opts o = {.dir = dir, .format = CLU_LOG_TSV, .clock = lt_clock};
	struct clu_logdir *d;
	assert_int_equal(clu_logdir_open(&o, &d, err), 0);
	write_samples(d, CLU_LOG_TSV);
	lt_now = T0 + 3661;
	assert_int_equal(clu_logdir_tick(d, err), 0); /* standalone: never rotates */
	assert_int_equal(clu_logdir_next_rotation(d), 0);
	assert_int_equal(clu_logdir_close(d, err), 0);
	snprintf(path, sizeof(path), "%s/conn.log", dir);
	golden(path, "conn.log");
	snprintf(path, sizeof(path), "%s/weird.log", dir);
	golden(path, "weird.log");
	snprintf(path, sizeof(path), "%s/notice.log", dir);
	assert_false(lt_exists(path)); /* a quiet stream leaves no file */
	lt_rmdir(dir);
}

static const char json_check[] =
    "import json,sys\n"
    "rows=[json.loads(l) for l in open(sys.argv[1],encoding='utf-8')]\n"
    "c=[r for r in rows if 'conn_state' in r]\n"
    "assert len(c)==3,c\n"
    "assert list(c[0])[:4]==['ts','uid','id.orig_h','id.orig_p'],list(c[0])\n"
    "assert c[0]['ts']==1714564800.000001 and c[0]['uid']=='C1' and c[0]['duration']==1.234567\n"
    "assert c[0]['local_orig'] is True and c[0]['local_resp'] is False and "
    "c[0]['tunnel_parents']==[]\n"
    "assert c[2]['id.orig_h']=='2001:db8::1' and 'duration' not in c[2] and 'service' not in c[2]\n"
    "assert c[2]['tunnel_parents']==['CHhAvVGS1DHFjwGM9','odd,uid'] and c[2]['ip_proto']==17\n"
    "w=[r for r in rows if 'addl' in r]\n"
    "assert [x['name'] for x in w]==['tab\\there','-','','caf\\u00e9','#hash'],w\n"
    "assert w[0]['addl']=='back\\\\slash' and w[1]['addl']=='(empty)'\n"
    "assert w[2]['addl']=='nul\\\\x00and\\\\x01ctl',w[2]\n"
    "assert w[3]['addl']=='caf\\\\xc3\\\\xa9\\\\xff' and w[4]['addl']=='new\\nline'\n"
    "assert 'uid' not in w[0] and w[1]['notice'] is True and w[0]['source']==''\n"
    "print('json ok', len(rows))\n";

static void test_json_parsed_back(void **state)
{
	(void)state;
	utc();
	if (system("python3 -c 'import json' 2>/dev/null") != 0)
		skip();
	char dir[256], path[512], cmd[2048], err[STEER_ERRBUF_SIZE];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logjson"));
	lt_now = T0;
	struct clu_logdir_opts o = {.dir = dir, .format = CLU_LOG_JSON, .clock = lt_clock};
	struct clu_logdir *d;
	assert_int_equal(clu_logdir_open(&o, &d, err), 0);
	write_samples(d, CLU_LOG_JSON);
	assert_int_equal(clu_logdir_close(d, err), 0);
	/* one file holding both streams' lines, for the one check script */
	snprintf(cmd, sizeof(cmd), "cat %s/conn.log %s/weird.log > %s/all.json", dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/check.py", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(json_check, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 %s/check.py %s/all.json", dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/conn.log", dir);
	char *s = lt_slurp(path, NULL);
	assert_true(s && s[0] == '{'); /* JSON: no header lines, no #close */
	assert_null(strstr(s, "#close"));
	free(s);
	lt_rmdir(dir);
}

static void put_conn(struct clu_logdir *d, struct clu_log_stream *st, struct clu_logrec *r,
                     uint64_t k)
{
	const char *line;
	size_t len;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(lt_conn(r, k, &line, &len), 0);
	assert_int_equal(clu_logdir_write(d, st, line, len, err), 0);
}

static char *gunzip(const char *path)
{
	gzFile g = gzopen(path, "rb");
	assert_non_null(g);
	size_t cap = 1 << 20, n = 0;
	char *b = malloc(cap + 1);
	int r;
	while ((r = gzread(g, b + n, (unsigned)(cap - n))) > 0)
		n += (size_t)r;
	gzclose(g);
	b[n] = '\0';
	return b;
}

/* Runs a rotation scenario; *first gets the first archive's bytes (decompressed). */
static void rotation_case(int gzip, const char *suffix, char **first)
{
	utc();
	char dir[256], arch[300], path[1024], err[STEER_ERRBUF_SIZE];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logrot"));
	snprintf(arch, sizeof(arch), "%s/archive", dir);
	lt_now = T0 - 30; /* 11:59:30 */
	struct clu_logdir_opts o = {.dir = dir,
	                            .format = CLU_LOG_TSV,
	                            .archive_dir = arch,
	                            .rotate_interval = 3600,
	                            .suffix = suffix,
	                            .gzip_level = gzip,
	                            .clock = lt_clock};
	struct clu_logdir *d;
	assert_int_equal(clu_logdir_open(&o, &d, err), 0);
	struct clu_log_stream *st = builtin("conn");
	struct clu_logrec *r;
	assert_int_equal(clu_logrec_new(st, CLU_LOG_TSV, &r), 0);
	put_conn(d, st, r, 1);
	assert_int_equal(clu_logdir_next_rotation(d), T0);
	lt_now = T0 - 1;
	assert_int_equal(clu_logdir_tick(d, err), 0);
	snprintf(path, sizeof(path), "%s/conn.log", dir);
	assert_true(lt_exists(path)); /* not yet */
	lt_now = T0 + 5;
	assert_int_equal(clu_logdir_tick(d, err), 0);
	assert_false(lt_exists(path)); /* rotated; reopened only by the next write */

	const char *sfx = suffix ? "-logger-1" : "";
	const char *gz = gzip ? ".gz" : "";
	snprintf(path, sizeof(path), "%s/2024-05-01/conn.11:59:30-12:00:00%s.log%s", arch, sfx, gz);
	char *a = gzip ? gunzip(path) : lt_slurp(path, NULL);
	if (!a)
		fail_msg("no archive %s", path);
	assert_non_null(strstr(a, "#open\t2024-05-01-11-59-30\n"));
	assert_non_null(strstr(a, "\tC1\t"));
	size_t al = strlen(a);
	assert_true(al > 27 && strcmp(a + al - 27, "#close\t2024-05-01-12-00-00\n") == 0);
	*first = a;

	lt_now = T0 + 600; /* 12:10: the next file's name starts at the rotation */
	put_conn(d, st, r, 2);
	lt_now = T0 + 3600;
	assert_int_equal(clu_logdir_tick(d, err), 0);
	snprintf(path, sizeof(path), "%s/2024-05-01/conn.12:00:00-13:00:00%s.log%s", arch, sfx, gz);
	a = gzip ? gunzip(path) : lt_slurp(path, NULL);
	if (!a)
		fail_msg("no archive %s", path);
	assert_non_null(strstr(a, "#open\t2024-05-01-12-10-00\n"));
	assert_non_null(strstr(a, "\tC2\t"));
	assert_null(strstr(a, "\tC1\t"));
	free(a);

	/* a name taken already is never overwritten: "-1" is added */
	lt_now = T0 + 3700;
	put_conn(d, st, r, 3);
	snprintf(path, sizeof(path), "%s/2024-05-01/conn.13:00:00-13:01:50%s.log%s", arch, sfx, gz);
	FILE *f = fopen(path, "w");
	fputs("someone else's\n", f);
	fclose(f);
	lt_now = T0 + 3710;
	assert_int_equal(clu_logdir_close(d, err), 0); /* rotates at shutdown */
	a = lt_slurp(path, NULL);
	assert_string_equal(a, "someone else's\n");
	free(a);
	snprintf(path, sizeof(path), "%s/2024-05-01/conn.13:00:00-13:01:50%s-1.log%s", arch, sfx,
	         gz);
	a = gzip ? gunzip(path) : lt_slurp(path, NULL);
	if (!a)
		fail_msg("no archive %s", path);
	assert_non_null(strstr(a, "\tC3\t"));
	free(a);
	snprintf(path, sizeof(path), "find %s -name '*.tmp' | grep -q .", arch);
	assert_int_not_equal(system(path), 0); /* no temporary left */
	clu_logrec_free(r);
	clu_log_stream_free(st);
	lt_rmdir(dir);
}

static void test_rotation_plain(void **state)
{
	(void)state;
	char *a;
	rotation_case(0, NULL, &a);
	free(a);
}

/* The same run with gzip: the archives decompress to exactly the plain run's bytes. */
static void test_rotation_gzip_suffix(void **state)
{
	(void)state;
	char *plain, *gz;
	rotation_case(0, "logger-1", &plain);
	rotation_case(6, "logger-1", &gz);
	assert_string_equal(plain, gz);
	free(plain);
	free(gz);
}

static void test_boundaries(void **state)
{
	(void)state;
	utc();
	assert_int_equal(clu_logdir_rotation_after(T0, 3600), T0 + 3600); /* on a boundary */
	assert_int_equal(clu_logdir_rotation_after(T0 + 1, 3600), T0 + 3600);
	assert_int_equal(clu_logdir_rotation_after(T0 - 1, 3600), T0);
	assert_int_equal(clu_logdir_rotation_after(T0, 0), T0 + 3600); /* default interval */
	/* 7 h from midnight: 00, 07, 14, 21, then 28 h = 04:00 the next day (Zeek's rule) */
	time_t midnight = T0 - 12 * 3600;
	assert_int_equal(clu_logdir_rotation_after(T0, 7 * 3600), midnight + 14 * 3600);
	assert_int_equal(clu_logdir_rotation_after(midnight + 22 * 3600, 7 * 3600),
	                 midnight + 28 * 3600);
	/* local midnight, not UTC: at UTC+5:30, 12:00 UTC is 17:30 local */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	time_t local_mid = T0 - (17 * 3600 + 1800);
	assert_int_equal(clu_logdir_rotation_after(T0, 3600), T0 + 1800);
	assert_int_equal(clu_logdir_rotation_after(T0, 86400), local_mid + 86400);
	char name[256];
	assert_int_equal(
	    clu_logdir_archive_name(name, sizeof(name), "conn", T0, T0 + 1800, NULL, true), 0);
	assert_string_equal(name, "2024-05-01/conn.17:30:00-18:00:00.log.gz");
	assert_int_equal(clu_logdir_archive_name(name, sizeof(name), "dns",
	                                         local_mid + 86400 - 3600, local_mid + 86400,
	                                         "logger-2", false),
	                 0);
	assert_string_equal(name, "2024-05-01/dns.23:00:00-00:00:00-logger-2.log");
	assert_int_equal(clu_logdir_archive_name(name, 10, "conn", T0, T0, NULL, false),
	                 STEER_ERANGE);
	utc();
}

static void test_schema_clash_and_bad_options(void **state)
{
	(void)state;
	utc();
	char dir[256], err[STEER_ERRBUF_SIZE];
	assert_non_null(lt_mkdtemp(dir, sizeof(dir), "logclash"));
	lt_now = T0;
	struct clu_logdir_opts o = {.dir = dir, .format = CLU_LOG_TSV, .clock = lt_clock};
	struct clu_logdir *d;
	assert_int_equal(clu_logdir_open(&o, &d, err), 0);
	static const struct clu_log_field other[] = {{"ts", "time"}, {"x", "count"}};
	struct clu_log_schema s = {"conn", 2, other};
	struct clu_log_stream *a = builtin("conn"), *b;
	assert_int_equal(clu_log_stream_new(&s, &b, err), 0);
	struct clu_logrec *r;
	assert_int_equal(clu_logrec_new(a, CLU_LOG_TSV, &r), 0);
	put_conn(d, a, r, 1);
	assert_int_equal(clu_logdir_write(d, b, "1.000000\t2\n", 11, err), STEER_EINVAL);
	assert_non_null(strstr(err, "conn"));
	assert_int_equal(clu_logdir_close(d, err), 0);
	clu_logrec_free(r);
	clu_log_stream_free(a);
	clu_log_stream_free(b);

	o.gzip_level = 10;
	assert_int_equal(clu_logdir_open(&o, &d, err), STEER_EINVAL);
	assert_null(d);
	o.gzip_level = 0;
	o.dir = "/proc/nope/logs";
	assert_int_equal(clu_logdir_open(&o, &d, err), STEER_EIO);
	assert_non_null(strstr(err, "/proc/nope/logs"));
	lt_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standalone_tsv_golden),
	    cmocka_unit_test(test_json_parsed_back),
	    cmocka_unit_test(test_rotation_plain),
	    cmocka_unit_test(test_rotation_gzip_suffix),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_schema_clash_and_bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
