/* SPDX-License-Identifier: BSD-2-Clause */
/* test_logrec.c: the schemas and the record builder (steer/clu_log.h): Zeek's value formats and
 * escaping in TSV and JSON as vectors, and Zeek's own conn.log baselines rebuilt byte for byte. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/addr.h>
#include <steer/clu_log.h>
#include <steer/error.h>

static struct clu_log_stream *mk(const char *path, unsigned n, const struct clu_log_field *f)
{
	struct clu_log_schema s = {path, n, f};
	struct clu_log_stream *st;
	char err[STEER_ERRBUF_SIZE];
	int rc = clu_log_stream_new(&s, &st, err);
	if (rc)
		fail_msg("%s", err);
	return st;
}

static const struct clu_log_field one_string[] = {{"v", "string"}};
static const struct clu_log_field one_set[] = {{"v", "set[string]"}};

/* The line for one string field (without its '\n'), in a static buffer. */
static const char *one(enum clu_log_format fmt, bool set, const char *s, size_t n)
{
	static char out[4096];
	struct clu_log_stream *st = mk("t", 1, set ? one_set : one_string);
	struct clu_logrec *r;
	assert_int_equal(clu_logrec_new(st, fmt, &r), 0);
	clu_logrec_begin(r);
	if (set) {
		assert_int_equal(clu_logrec_set_open(r), 0);
		assert_int_equal(clu_logrec_string(r, s, n), 0);
		assert_int_equal(clu_logrec_set_close(r), 0);
	} else {
		assert_int_equal(clu_logrec_string(r, s, n), 0);
	}
	const char *line;
	size_t len;
	assert_int_equal(clu_logrec_end(r, &line, &len), 0);
	assert_true(len > 0 && line[len - 1] == '\n');
	memcpy(out, line, len - 1);
	out[len - 1] = '\0';
	clu_logrec_free(r);
	clu_log_stream_free(st);
	return out;
}

#define S(lit) lit, sizeof(lit) - 1

static void test_tsv_escaping(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		bool set;
		const char *want;
	} v[] = {
	    {S(""), false, "(empty)"},
	    {S("-"), false, "\\x2d"},
	    {S("(empty)"), false, "\\x28empty)"},
	    {S("--"), false, "--"},
	    {S("a\tb"), false, "a\\x09b"},
	    {S("a\\b"), false, "a\\\\b"},
	    {S("a,b"), false, "a,b"},
	    {S("a,b"), true, "a\\x2cb"},
	    {S("-"), true, "\\x2d"},
	    {S(""), true, "(empty)"},
	    {S("x\x01y"), false, "x\\x01y"},
	    {S("\n\r"), false, "\\x0a\\x0d"},
	    {S("\x7f"), false, "\\x7f"},
	    {S("caf\xc3\xa9"), false, "caf\xc3\xa9"},
	    /* Zeek's quirk: a bad byte escapes every non-ASCII byte of its run... */
	    {S("caf\xc3\xa9\x01"), false, "caf\\xc3\\xa9\\x01"},
	    {S("\xc3\xa9\xff"), false, "\\xc3\\xa9\\xff"},
	    /* ...but not of the runs beyond a separator or backslash */
	    {S("\xc3\xa9\\\x01"), false, "\xc3\xa9\\\\\\x01"},
	    {S("\xc3\xa9\t\xff"), false, "\xc3\xa9\\x09\\xff"},
	    {S("\xed\xa0\x80"), false, "\\xed\\xa0\\x80"},      /* surrogate */
	    {S("\xc0\xaf"), false, "\\xc0\\xaf"},               /* overlong */
	    {S("\xee\x80\x80"), false, "\\xee\\x80\\x80"},      /* private use */
	    {S("\xc2\x85"), false, "\\xc2\\x85"},               /* C1 control */
	    {S("\xf0\x9f\x98\x80"), false, "\xf0\x9f\x98\x80"}, /* emoji */
	    {S("\xe2\x82"), false, "\\xe2\\x82"},               /* truncated */
	    {S("a\0b"), false, "a\\x00b"},
	    {S("#x"), false, "\\x23x"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *got = one(CLU_LOG_TSV, v[i].set, v[i].in, v[i].n);
		if (strcmp(got, v[i].want) != 0)
			fail_msg("vector %zu: got '%s', want '%s'", i, got, v[i].want);
	}
}

static void test_json_escaping(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} v[] = {
	    {S(""), "{\"v\":\"\"}"},
	    {S("-"), "{\"v\":\"-\"}"},
	    {S("a\"b\\c/d"), "{\"v\":\"a\\\"b\\\\c/d\"}"},
	    {S("\n\t\b\f\r"), "{\"v\":\"\\n\\t\\b\\f\\r\"}"},
	    {S("x\x01"), "{\"v\":\"x\\\\x01\"}"},
	    {S("caf\xc3\xa9"), "{\"v\":\"caf\xc3\xa9\"}"},
	    {S("caf\xc3\xa9\xff\n"), "{\"v\":\"caf\\\\xc3\\\\xa9\\\\xff\\n\"}"},
	    {S("\x7f"), "{\"v\":\"\\\\x7f\"}"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *got = one(CLU_LOG_JSON, false, v[i].in, v[i].n);
		if (strcmp(got, v[i].want) != 0)
			fail_msg("vector %zu: got '%s', want '%s'", i, got, v[i].want);
	}
	assert_string_equal(one(CLU_LOG_JSON, true, S("a,b")), "{\"v\":[\"a,b\"]}");
}

static const struct clu_log_field numbers[] = {
    {"t", "time"}, {"i", "interval"}, {"d", "double"}, {"c", "count"},
    {"n", "int"},  {"p", "port"},     {"b", "bool"},
};

struct numvec {
	int64_t t, i;
	double d;
	const char *tsv, *json;
};

static void test_numbers(void **state)
{
	(void)state;
	static const struct numvec v[] = {
	    {1300475167096535, 3698, 0.1, "1300475167.096535\t0.003698\t0.1",
	     "\"t\":1300475167.096535,\"i\":0.003698,\"d\":0.1"},
	    {1300475167000000, 3600000000, 100.0, "1300475167.000000\t3600.000000\t100.0",
	     "\"t\":1300475167.0,\"i\":3600.0,\"d\":100.0"},
	    {0, -500000, -0.5, "0.000000\t-0.500000\t-0.5", "\"t\":0.0,\"i\":-0.5,\"d\":-0.5"},
	    {-1, 1, 1e-7, "-0.000001\t0.000001\t0", "\"t\":-0.000001,\"i\":0.000001,\"d\":1e-7"},
	    {10, 0, 0.0, "0.000010\t0.000000\t0.0", "\"t\":0.00001,\"i\":0.0,\"d\":0.0"},
	    {0, 0, 12.5, "0.000000\t0.000000\t12.5", "\"t\":0.0,\"i\":0.0,\"d\":12.5"},
	    {0, 0, 3e9, "0.000000\t0.000000\t3000000000.0",
	     "\"t\":0.0,\"i\":0.0,\"d\":3000000000.0"},
	    {0, 0, 1e21, "0.000000\t0.000000\t1000000000000000000000.0",
	     "\"t\":0.0,\"i\":0.0,\"d\":1e21"},
	    {0, 0, 1.5e300, NULL, "\"t\":0.0,\"i\":0.0,\"d\":1.5e300"},
	    {0, 0, 0.001234, "0.000000\t0.000000\t0.001234", "\"t\":0.0,\"i\":0.0,\"d\":0.001234"},
	    {0, 0, 1.0000001, "0.000000\t0.000000\t1", "\"t\":0.0,\"i\":0.0,\"d\":1.0000001"},
	    {0, 0, 2.0000000001, "0.000000\t0.000000\t2.0",
	     "\"t\":0.0,\"i\":0.0,\"d\":2.0000000001"},
	    {0, 0, 123.4567896, "0.000000\t0.000000\t123.45679",
	     "\"t\":0.0,\"i\":0.0,\"d\":123.4567896"},
	    {0, 0, NAN, "0.000000\t0.000000\tnan", "\"t\":0.0,\"i\":0.0,\"d\":null"},
	    {0, 0, -INFINITY, "0.000000\t0.000000\t-inf", "\"t\":0.0,\"i\":0.0,\"d\":null"},
	};
	for (int fmt = 0; fmt < 2; fmt++) {
		struct clu_log_stream *st = mk("n", 7, numbers);
		struct clu_logrec *r;
		assert_int_equal(clu_logrec_new(st, (enum clu_log_format)fmt, &r), 0);
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
			const char *want = fmt ? v[k].json : v[k].tsv;
			if (!want)
				continue;
			clu_logrec_begin(r);
			assert_int_equal(clu_logrec_time_us(r, v[k].t), 0);
			assert_int_equal(clu_logrec_interval_us(r, v[k].i), 0);
			assert_int_equal(clu_logrec_double(r, v[k].d), 0);
			assert_int_equal(clu_logrec_count(r, UINT64_MAX), 0);
			assert_int_equal(clu_logrec_int(r, INT64_MIN), 0);
			assert_int_equal(clu_logrec_port(r, 65535), 0);
			assert_int_equal(clu_logrec_bool(r, k & 1), 0);
			const char *line;
			size_t len;
			assert_int_equal(clu_logrec_end(r, &line, &len), 0);
			char exp[512];
			if (fmt)
				snprintf(
				    exp, sizeof(exp),
				    "{%s,\"c\":18446744073709551615,\"n\":-9223372036854775808,"
				    "\"p\":65535,\"b\":%s}\n",
				    want, (k & 1) ? "true" : "false");
			else
				snprintf(
				    exp, sizeof(exp),
				    "%s\t18446744073709551615\t-9223372036854775808\t65535\t%s\n",
				    want, (k & 1) ? "T" : "F");
			if (strlen(exp) != len || memcmp(exp, line, len) != 0)
				fail_msg("fmt %d vector %zu: got '%.*s' want '%s'", fmt, k,
				         (int)len, line, exp);
		}
		clu_logrec_free(r);
		clu_log_stream_free(st);
	}
}

static void test_ns_floor_addr_subnet_vector(void **state)
{
	(void)state;
	static const struct clu_log_field f[] = {
	    {"t", "time"},   {"a", "addr"},          {"b", "addr"},      {"c", "addr"},
	    {"s", "subnet"}, {"v", "vector[count]"}, {"e", "set[enum]"}, {"u", "string"},
	};
	struct clu_log_stream *st = mk("x", 8, f);
	const char *want[2] = {
	    "-0.000001\t10.0.0.1\t2001:db8::1\t1.2.3.4\t2001:db8::/32\t1,-,3\tNotice::ACTION_LOG,"
	    "Notice::ACTION_EMAIL\t-\n",
	    "{\"t\":-0.000001,\"a\":\"10.0.0.1\",\"b\":\"2001:db8::1\",\"c\":\"1.2.3.4\",\"s\":"
	    "\"2001:db8::/32\",\"v\":[1,null,3],\"e\":[\"Notice::ACTION_LOG\","
	    "\"Notice::ACTION_EMAIL\"]}\n",
	};
	for (int fmt = 0; fmt < 2; fmt++) {
		struct clu_logrec *r;
		assert_int_equal(clu_logrec_new(st, (enum clu_log_format)fmt, &r), 0);
		clu_logrec_begin(r);
		struct steer_addr a, b, c, s;
		assert_int_equal(steer_addr_parse("10.0.0.1", &a), 0);
		assert_int_equal(steer_addr_parse("2001:db8:0:0::1", &b), 0);
		assert_int_equal(steer_addr_parse("::ffff:1.2.3.4", &c), 0);
		assert_int_equal(steer_addr_parse("2001:db8::", &s), 0);
		assert_int_equal(clu_logrec_time_ns(r, -1), 0);
		assert_int_equal(clu_logrec_addr(r, &a), 0);
		assert_int_equal(clu_logrec_addr(r, &b), 0);
		assert_int_equal(clu_logrec_addr(r, &c), 0);
		assert_int_equal(clu_logrec_subnet(r, &s, 32), 0);
		assert_int_equal(clu_logrec_set_open(r), 0);
		assert_int_equal(clu_logrec_count(r, 1), 0);
		assert_int_equal(clu_logrec_unset(r), 0);
		assert_int_equal(clu_logrec_count(r, 3), 0);
		assert_int_equal(clu_logrec_set_close(r), 0);
		assert_int_equal(clu_logrec_set_open(r), 0);
		assert_int_equal(clu_logrec_enum(r, "Notice::ACTION_LOG"), 0);
		assert_int_equal(clu_logrec_enum(r, "Notice::ACTION_EMAIL"), 0);
		assert_int_equal(clu_logrec_set_close(r), 0);
		assert_int_equal(clu_logrec_unset(r), 0);
		const char *line;
		size_t len;
		assert_int_equal(clu_logrec_end(r, &line, &len), 0);
		assert_int_equal(len, strlen(want[fmt]));
		assert_memory_equal(line, want[fmt], len);
		clu_logrec_free(r);
	}
	clu_log_stream_free(st);
}

/* Misuse is refused by return code and never yields a line. */
static void test_misuse(void **state)
{
	(void)state;
	struct clu_log_stream *st = mk("x", 7, numbers);
	struct clu_logrec *r;
	const char *line;
	size_t len;
	assert_int_equal(clu_logrec_new(st, CLU_LOG_TSV, &r), 0);

	clu_logrec_begin(r);
	assert_int_equal(clu_logrec_str(r, "oops"), STEER_EINVAL); /* field 1 is time */
	assert_non_null(strstr(clu_logrec_error(r), "field 1 (t) is time, got string"));
	assert_int_equal(clu_logrec_time_us(r, 1), STEER_EINVAL); /* poisoned */
	assert_int_equal(clu_logrec_end(r, &line, &len), STEER_EINVAL);
	assert_null(line);

	clu_logrec_begin(r); /* a new record starts clean */
	assert_string_equal(clu_logrec_error(r), "");
	assert_int_equal(clu_logrec_time_us(r, 1), 0);
	assert_int_equal(clu_logrec_end(r, &line, &len), STEER_EINVAL); /* 1 of 7 fields */
	assert_non_null(strstr(clu_logrec_error(r), "1 of 7 fields"));

	clu_logrec_begin(r);
	assert_int_equal(clu_logrec_set_open(r), STEER_EINVAL); /* not a set */
	clu_logrec_begin(r);
	for (int i = 0; i < 7; i++)
		assert_int_equal(clu_logrec_unset(r), 0);
	assert_int_equal(clu_logrec_unset(r), STEER_EINVAL); /* an 8th */
	clu_logrec_begin(r);
	for (int i = 0; i < 7; i++)
		assert_int_equal(clu_logrec_unset(r), 0);
	assert_int_equal(clu_logrec_end(r, &line, &len), 0);
	assert_int_equal(len, 14);
	assert_memory_equal(line, "-\t-\t-\t-\t-\t-\t-\n", 14);
	assert_int_equal(clu_logrec_count(r, 1), STEER_EINVAL); /* after end */
	clu_logrec_free(r);
	clu_log_stream_free(st);

	static const struct clu_log_field set1[] = {{"s", "set[string]"}};
	st = mk("y", 1, set1);
	assert_int_equal(clu_logrec_new(st, CLU_LOG_JSON, &r), 0);
	clu_logrec_begin(r);
	assert_int_equal(clu_logrec_set_open(r), 0);
	assert_int_equal(clu_logrec_unset(r), STEER_EINVAL); /* a set element cannot be unset */
	clu_logrec_begin(r);
	assert_int_equal(clu_logrec_set_open(r), 0);
	assert_int_equal(clu_logrec_end(r, &line, &len), STEER_EINVAL); /* not closed */
	clu_logrec_begin(r);
	assert_int_equal(clu_logrec_set_open(r), 0);
	assert_int_equal(clu_logrec_set_close(r), 0);
	assert_int_equal(clu_logrec_end(r, &line, &len), 0);
	assert_memory_equal(line, "{\"s\":[]}\n", len);
	clu_logrec_begin(r);
	assert_int_equal(clu_logrec_unset(r), 0);
	assert_int_equal(clu_logrec_end(r, &line, &len), 0);
	assert_memory_equal(line, "{}\n", len);
	clu_logrec_free(r);
	clu_log_stream_free(st);
}

static void test_schemas(void **state)
{
	(void)state;
	unsigned n;
	const struct clu_log_schema *const *all = clu_log_schemas(&n);
	assert_int_equal(n, 8);
	char err[STEER_ERRBUF_SIZE];
	for (unsigned i = 0; i < n; i++) {
		struct clu_log_stream *st, *back;
		assert_int_equal(clu_log_stream_new(all[i], &st, err), 0);
		size_t dl;
		const char *d = clu_log_stream_descriptor(st, &dl);
		assert_int_equal(clu_log_stream_decode(d, dl, &back, err), 0);
		assert_true(clu_log_stream_equal(st, back));
		assert_ptr_equal(clu_log_schema_builtin(all[i]->path), all[i]);
		clu_log_stream_free(back);
		clu_log_stream_free(st);
	}
	assert_int_equal(clu_log_schema_builtin("conn")->nfields, 22);
	assert_int_equal(clu_log_schema_builtin("notice")->nfields, 26);
	assert_null(clu_log_schema_builtin("nope"));

	static const struct {
		const char *desc, *why;
	} bad[] = {
	    {"", "bytes"},
	    {"conn\n", "3 lines"},
	    {"conn\nts\n", "3 lines"},
	    {"conn\nts\tuid\ntime\n", "3 lines"},
	    {"conn\nts\ntime\nextra", "3 lines"},
	    {"conn\nts\ntime", "3 lines"},
	    {"../x\nts\ntime\n", "path"},
	    {".x\nts\ntime\n", "path"},
	    {"c n\nts\ntime\n", "path"},
	    {"conn\nts\tts\ntime\ttime\n", "used twice"},
	    {"conn\nts x\ntime\n", "name"},
	    {"conn\nts\ntable[string]\n", "unknown type"},
	    {"conn\nts\nset[set[string]]\n", "unknown type"},
	    {"conn\nts\nset[]\n", "unknown type"},
	    {"conn\n\ntime\n", "name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct clu_log_stream *st = (void *)1;
		assert_int_equal(clu_log_stream_decode(bad[i].desc, strlen(bad[i].desc), &st, err),
		                 STEER_EINVAL);
		assert_null(st);
		if (!strstr(err, bad[i].why))
			fail_msg("descriptor %zu: '%s' does not say '%s'", i, err, bad[i].why);
	}
}

/* ---- Zeek's own conn.log baselines, rebuilt field by field ---- */

static size_t unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char h[3] = {s[i + 2], s[i + 3], 0};
			out[o++] = (char)strtoul(h, NULL, 16);
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

static int64_t parse_usec(const char *s)
{
	bool neg = *s == '-';
	if (neg)
		s++;
	char *dot;
	int64_t sec = strtoll(s, &dot, 10);
	int64_t us = strtoll(dot + 1, NULL, 10);
	return (neg ? -1 : 1) * (sec * 1000000 + us);
}

static void add_value(struct clu_logrec *r, const char *type, const char *v, size_t n)
{
	char buf[4096];
	memcpy(buf, v, n);
	buf[n] = '\0';
	bool elem = strncmp(type, "set[", 4) == 0 || strncmp(type, "vector[", 7) == 0;
	if (n == 1 && v[0] == '-') {
		assert_int_equal(clu_logrec_unset(r), 0);
		return;
	}
	if (elem) {
		const char *et = strchr(type, '[') + 1;
		char etype[32];
		snprintf(etype, sizeof(etype), "%.*s", (int)(strlen(et) - 1), et);
		assert_int_equal(clu_logrec_set_open(r), 0);
		if (strcmp(buf, "(empty)") != 0) {
			const char *p = buf;
			for (;;) {
				const char *c = strchr(p, ',');
				size_t k = c ? (size_t)(c - p) : strlen(p);
				add_value(r, etype, p, k);
				if (!c)
					break;
				p = c + 1;
			}
		}
		assert_int_equal(clu_logrec_set_close(r), 0);
		return;
	}
	if (!strcmp(type, "time") || !strcmp(type, "interval")) {
		int64_t us =
		    parse_usec(strcmp(buf, "XXXXXXXXXX.XXXXXX") ? buf : "1234567890.123456");
		assert_int_equal(
		    type[0] == 't' ? clu_logrec_time_us(r, us) : clu_logrec_interval_us(r, us), 0);
	} else if (!strcmp(type, "count")) {
		assert_int_equal(clu_logrec_count(r, strtoull(buf, NULL, 10)), 0);
	} else if (!strcmp(type, "port")) {
		assert_int_equal(clu_logrec_port(r, (uint16_t)strtoul(buf, NULL, 10)), 0);
	} else if (!strcmp(type, "bool")) {
		assert_int_equal(clu_logrec_bool(r, buf[0] == 'T'), 0);
	} else if (!strcmp(type, "addr")) {
		struct steer_addr a;
		assert_int_equal(steer_addr_parse(buf, &a), 0);
		assert_int_equal(clu_logrec_addr(r, &a), 0);
	} else if (!strcmp(type, "string") || !strcmp(type, "enum")) {
		char raw[4096];
		size_t k = strcmp(buf, "(empty)") ? unescape(buf, n, raw) : 0;
		assert_int_equal(type[0] == 's' ? clu_logrec_string(r, raw, k)
		                                : (raw[k] = 0, clu_logrec_enum(r, raw)),
		                 0);
	} else {
		fail_msg("type %s not in the baselines' vocabulary", type);
	}
}

static int split(char *line, char **tok, int max)
{
	int n = 0;
	for (char *p = line;; p++) {
		tok[n++] = p;
		p = strchr(p, '\t');
		if (!p || n == max)
			break;
		*p = '\0';
	}
	return n;
}

static void test_zeek_baselines(void **state)
{
	(void)state;
	char dir[1024];
	const char *env = getenv("STEER_ZEEK_ORACLE");
	snprintf(dir, sizeof(dir), "%s/baselines",
	         env ? env : STEER_SOURCE_DIR "/../shared/zeek-oracle");
	DIR *d = opendir(dir);
	if (!d)
		skip(); /* the oracle lives beside the project (README.md of the oracle) */
	struct dirent *e;
	int files = 0, lines = 0;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".log"))
			continue;
		char path[2048], buf[65536];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		char *fields[256], *types[256];
		static char fbuf[65536], tbuf[65536];
		int nf = 0;
		struct clu_log_stream *st = NULL;
		struct clu_logrec *r = NULL;
		while (fgets(buf, sizeof(buf), f)) {
			if (!strncmp(buf, "#fields\t", 8)) {
				snprintf(fbuf, sizeof(fbuf), "%s", buf + 8);
				fbuf[strcspn(fbuf, "\n")] = 0;
				nf = split(fbuf, fields, 256);
			} else if (!strncmp(buf, "#types\t", 7)) {
				snprintf(tbuf, sizeof(tbuf), "%s", buf + 7);
				tbuf[strcspn(tbuf, "\n")] = 0;
				assert_int_equal(split(tbuf, types, 256), nf);
				struct clu_log_field fl[256];
				for (int i = 0; i < nf; i++)
					fl[i] = (struct clu_log_field){fields[i], types[i]};
				st = mk("conn", (unsigned)nf, fl);
				if (nf == 22 &&
				    !strcmp(fields[2],
				            "id.orig_h")) { /* the built-in one is Zeek's */
					struct clu_log_stream *b =
					    mk("conn", 22, clu_log_schema_builtin("conn")->fields);
					assert_true(clu_log_stream_equal(st, b));
					clu_log_stream_free(b);
				}
				assert_int_equal(clu_logrec_new(st, CLU_LOG_TSV, &r), 0);
			} else if (buf[0] != '#' && st) {
				char want[65536], work[65536], *tok[256];
				/* the masked timestamps become a real one in both */
				char *p = buf, *w = want, *m;
				while ((m = strstr(p, "XXXXXXXXXX.XXXXXX"))) {
					memcpy(w, p, (size_t)(m - p));
					w += m - p;
					memcpy(w, "1234567890.123456", 17);
					w += 17;
					p = m + 17;
				}
				strcpy(w, p);
				snprintf(work, sizeof(work), "%s", buf);
				work[strcspn(work, "\n")] = 0;
				assert_int_equal(split(work, tok, 256), nf);
				clu_logrec_begin(r);
				for (int i = 0; i < nf; i++)
					add_value(r, types[i], tok[i], strlen(tok[i]));
				const char *line;
				size_t len;
				assert_int_equal(clu_logrec_end(r, &line, &len), 0);
				if (len != strlen(want) || memcmp(line, want, len) != 0)
					fail_msg("%s:\n got  %.*s want %s", e->d_name, (int)len,
					         line, want);
				lines++;
			}
		}
		fclose(f);
		clu_logrec_free(r);
		clu_log_stream_free(st);
		files++;
	}
	closedir(d);
	print_message("rebuilt %d lines of %d baselines byte for byte\n", lines, files);
	assert_true(files > 10 && lines > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tsv_escaping),
	    cmocka_unit_test(test_json_escaping),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_ns_floor_addr_subnet_vector),
	    cmocka_unit_test(test_misuse),
	    cmocka_unit_test(test_schemas),
	    cmocka_unit_test(test_zeek_baselines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
