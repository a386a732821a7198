/* SPDX-License-Identifier: BSD-2-Clause */
/* test_logline.c: the logger's line validator (clu_logline_check): what a lying peer may send
 * is refused with the offset of the fault, and everything the record builder makes passes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/clu_log.h>
#include <steer/error.h>

#include "logtest.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_tsv(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		size_t len;
		unsigned nf;
		const char *why; /* NULL: valid */
	} v[] = {
	    {S("a\tb\tc"), 3, NULL},
	    {S("caf\xc3\xa9\t\\x09\t-"), 3, NULL},
	    {S("a\tb"), 3, "byte 3: 2 fields, the stream has 3"},
	    {S("a\tb\tc\td"), 3, "byte 5: more fields than the stream has"},
	    {S("a\t\tc"), 3, "byte 2: empty field"},
	    {S("\tb\tc"), 3, "byte 0: empty field"},
	    {S("a\tb\t"), 3, "byte 4: empty field"},
	    {S("a\nb\tc\td"), 3, "byte 1: control byte"},
	    {S("a\rb\tc\td"), 3, "byte 1: control byte"},
	    {S("a\x7f\tb\tc"), 3, "byte 1: control byte"},
	    {S("a\0\tb\tc"), 3, "byte 1: control byte"},
	    {S("a\xff\tb\tc"), 3, "byte 1: invalid UTF-8"},
	    {S("a\xed\xa0\x80\tb\tc"), 3, "byte 1: invalid UTF-8"},
	    {S("a\xe2\x82"), 1, "byte 1: invalid UTF-8"},
	    {S("#close\tx\ty"), 3, "byte 0: starts with '#'"},
	    {S(""), 1, "byte 0: empty line"},
	};
	char why[128];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int rc =
		    clu_logline_check(CLU_LOG_TSV, v[i].nf, v[i].line, v[i].len, why, sizeof(why));
		if (v[i].why ? (rc != STEER_EINVAL || strcmp(why, v[i].why) != 0) : rc != 0)
			fail_msg("vector %zu: rc %d why '%s'", i, rc, why);
	}
	assert_int_equal(clu_logline_check(CLU_LOG_TSV, 0, "a", 1, NULL, 0), STEER_EINVAL);
}

static void test_json(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		unsigned nf;
		const char *why;
	} v[] = {
	    {"{}", 1, NULL},
	    {"{\"a\":1,\"b\":[1,-2.5e+3,true,false,null,\"x\"],\"c\":{\"d\":\"\\u00e9\\n\"}}", 3,
	     NULL},
	    {"{\"a\":\"caf\xc3\xa9\"}", 1, NULL},
	    {"{\"a\":1} ", 1, NULL},
	    {"{\"a\":1,\"b\":2}", 1, "byte 13: 2 members, the stream has 1 fields"},
	    {"[1]", 1, "byte 0: not a JSON object"},
	    {"{\"a\":1", 1, "byte 6: expected ',' or '}'"},
	    {"{\"a\":1}}", 1, "byte 7: bytes after the object"},
	    {"{\"a\":01}", 1, "byte 6: expected ',' or '}'"},
	    {"{\"a\":1.}", 1, "byte 7: bad fraction"},
	    {"{\"a\":-}", 1, "byte 6: bad number"},
	    {"{\"a\":tru}", 1, "byte 5: bad literal"},
	    {"{\"a\":\"x\ty\"}", 1, "byte 7: control byte in a string"},
	    {"{\"a\":\"\\x41\"}", 1, "byte 6: bad escape"},
	    {"{\"a\":\"\\u12\"}", 1, "byte 6: bad \\u escape"},
	    {"{\"a\":\"\xff\"}", 1, "byte 6: invalid UTF-8"},
	    {"{\"a\":\"abc}", 1, "byte 10: unterminated string"},
	    {"{a:1}", 1, "byte 1: expected a key"},
	    {"{\"a\" 1}", 1, "byte 5: expected ':'"},
	    {"{\"a\":[[[[[[[[[1]]]]]]]]]}", 1, "byte 12: nested too deep"},
	    {"{\"a\":@}", 1, "byte 5: unexpected byte"},
	};
	char why[128];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int rc = clu_logline_check(CLU_LOG_JSON, v[i].nf, v[i].line, strlen(v[i].line), why,
		                           sizeof(why));
		if (v[i].why ? (rc != STEER_EINVAL || strcmp(why, v[i].why) != 0) : rc != 0)
			fail_msg("vector %zu: rc %d why '%s'", i, rc, why);
	}
}

/* Whatever the builder makes of random bytes and numbers passes the validator. */
static void test_builder_output_passes(void **state)
{
	(void)state;
	static const struct clu_log_field f[] = {
	    {"s", "string"},         {"e", "enum"},        {"d", "double"}, {"t", "time"},
	    {"v", "vector[string]"}, {"x", "set[string]"}, {"c", "count"},
	};
	struct clu_log_schema sc = {"fuzzy", 7, f};
	struct clu_log_stream *st;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_log_stream_new(&sc, &st, err), 0);
	srand(7);
	for (int fmt = 0; fmt < 2; fmt++) {
		struct clu_logrec *r;
		assert_int_equal(clu_logrec_new(st, (enum clu_log_format)fmt, &r), 0);
		for (int it = 0; it < 20000; it++) {
			unsigned char s[24];
			size_t n = (size_t)(rand() % 24);
			for (size_t i = 0; i < n; i++)
				s[i] = (unsigned char)(rand() % 4 ? rand() % 256
				                                  : "\t\\,-#\n\"("[rand() % 8]);
			double dv;
			uint64_t bits =
			    ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
			memcpy(&dv, &bits, sizeof(dv));
			clu_logrec_begin(r);
			assert_int_equal(it % 3 ? clu_logrec_string(r, s, n) : clu_logrec_unset(r),
			                 0);
			char e[8];
			snprintf(e, sizeof(e), "%.*s", (int)(n < 7 ? n : 7), (const char *)s);
			assert_int_equal(clu_logrec_enum(r, e), 0);
			assert_int_equal(clu_logrec_double(r, it % 5 ? dv : NAN), 0);
			assert_int_equal(clu_logrec_time_us(r, (int64_t)bits), 0);
			assert_int_equal(clu_logrec_set_open(r), 0);
			for (int k = 0; k < it % 4; k++)
				assert_int_equal(
				    k == 1 ? clu_logrec_unset(r) : clu_logrec_string(r, s, n), 0);
			assert_int_equal(clu_logrec_set_close(r), 0);
			assert_int_equal(clu_logrec_set_open(r), 0);
			if (it & 1)
				assert_int_equal(clu_logrec_string(r, s, n), 0);
			assert_int_equal(clu_logrec_set_close(r), 0);
			assert_int_equal(clu_logrec_count(r, bits), 0);
			const char *line;
			size_t len;
			assert_int_equal(clu_logrec_end(r, &line, &len), 0);
			char why[128];
			if (clu_logline_check((enum clu_log_format)fmt, 7, line, len - 1, why,
			                      sizeof(why)))
				fail_msg("fmt %d: '%.*s': %s", fmt, (int)len - 1, line, why);
			if (memchr(line, '\n', len - 1))
				fail_msg("a newline inside a record");
		}
		clu_logrec_free(r);
	}
	clu_log_stream_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tsv),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_builder_output_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
