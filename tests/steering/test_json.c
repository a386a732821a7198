/* SPDX-License-Identifier: BSD-2-Clause */
/* test_json.c: the JSON writer: escaping, nesting, compact and pretty layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>

#include <steer/json.h>

static char *render(bool pretty, void (*fill)(struct steer_json *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	struct steer_json j;
	steer_json_init(&j, m, pretty);
	fill(&j);
	steer_json_end(&j);
	fclose(m);
	return text;
}

static void doc(struct steer_json *j)
{
	steer_json_obj_open(j, NULL);
	steer_json_str(j, "s", "a\"b\\c\n\t\x01\x7f/é");
	steer_json_u64(j, "u", UINT64_MAX);
	steer_json_i64(j, "i", -5);
	steer_json_bool(j, "t", true);
	steer_json_double(j, "d", 0.25, 3);
	steer_json_double(j, "nan", NAN, 3);
	steer_json_str(j, "n", NULL);
	steer_json_arr_open(j, "a");
	steer_json_u64(j, NULL, 1);
	steer_json_u64(j, NULL, 2);
	steer_json_arr_close(j);
	steer_json_arr_open(j, "e");
	steer_json_arr_close(j);
	steer_json_obj_open(j, "o");
	steer_json_obj_close(j);
	steer_json_obj_close(j);
}

static void compact(void **state)
{
	(void)state;
	char *t = render(false, doc);
	assert_string_equal(t, "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u007f/é\",\"u\":18446744073709551615,"
	                       "\"i\":-5,\"t\":true,\"d\":0.250,\"nan\":null,\"n\":null,\"a\":[1,2],"
	                       "\"e\":[],\"o\":{}}\n");
	free(t);
}

static void pretty(void **state)
{
	(void)state;
	char *t = render(true, doc);
	assert_string_equal(t, "{\n"
	                       "  \"s\": \"a\\\"b\\\\c\\n\\t\\u0001\\u007f/é\",\n"
	                       "  \"u\": 18446744073709551615,\n"
	                       "  \"i\": -5,\n"
	                       "  \"t\": true,\n"
	                       "  \"d\": 0.250,\n"
	                       "  \"nan\": null,\n"
	                       "  \"n\": null,\n"
	                       "  \"a\": [1, 2],\n"
	                       "  \"e\": [],\n"
	                       "  \"o\": {}\n"
	                       "}\n");
	free(t);
}

static void arrays_of_objects(struct steer_json *j)
{
	j->compact_arrays = false;
	steer_json_arr_open(j, NULL);
	steer_json_obj_open(j, NULL);
	steer_json_u64(j, "k", 1);
	steer_json_obj_close(j);
	steer_json_obj_open(j, NULL);
	steer_json_obj_close(j);
	steer_json_arr_close(j);
}

static void nested_pretty(void **state)
{
	(void)state;
	char *t = render(true, arrays_of_objects);
	assert_string_equal(t, "[\n  {\n    \"k\": 1\n  },\n  {}\n]\n");
	free(t);
}

/* Bytes that are not well-formed UTF-8 (issue 13 item 16): U+FFFD each, so that a strict
 * parser takes the document; well-formed sequences pass as they are. */
static void not_utf8(struct steer_json *j)
{
	steer_json_obj_open(j, NULL);
	/* a lone 0xff, a cut sequence, an overlong '/', a surrogate, then é and a 4-byte one */
	steer_json_str(j, "s",
	               "a\xff"
	               "b\xc3"
	               "c\xc0\xaf"
	               "d\xed\xa0\x80"
	               "e\xc3\xa9\xf0\x9f\x98\x80");
	steer_json_obj_close(j);
}

static void escapes_bad_utf8(void **state)
{
	(void)state;
	char *t = render(false, not_utf8);
	assert_string_equal(t, "{\"s\":\"a\\ufffdb\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffde"
	                       "\xc3\xa9\xf0\x9f\x98\x80\"}\n");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(compact),
	    cmocka_unit_test(pretty),
	    cmocka_unit_test(nested_pretty),
	    cmocka_unit_test(escapes_bad_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
