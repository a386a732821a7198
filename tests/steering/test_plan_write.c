/* SPDX-License-Identifier: BSD-2-Clause */
/* test_plan_write.c: steer_plan_write_json's contract: 0 with the whole object written, and
 * STEER_EIO when the stream fails (the output then cut, the writer's nesting restored). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/json.h>
#include <steer/plan.h>

#include "plan_fixture.h"

static struct steer_plan *plan;

static int setup(void **state)
{
	(void)state;
	return test_plan_load(STEER_SOURCE_DIR "/etc", &plan);
}

static int teardown(void **state)
{
	(void)state;
	steer_plan_free(plan);
	return 0;
}

static void whole_object(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct steer_json j;
	steer_json_init(&j, f, false);
	steer_json_obj_open(&j, NULL);
	assert_int_equal(steer_plan_write_json(plan, &j, "plan"), 0);
	assert_int_equal(j.depth, 1);
	steer_json_obj_close(&j);
	steer_json_end(&j);
	assert_int_equal(fclose(f), 0);
	char fp[17];
	assert_non_null(steer_plan_fingerprint(plan, fp));
	assert_non_null(strstr(text, fp));
	assert_non_null(strstr(text, "\"table\":["));
	assert_string_equal(text + len - 4, "]}}\n"); /* the table, then both objects closed */
	free(text);
}

/* A stream that cannot be written (a full disk) is an error, never a silent partial plan. */
static void failing_stream(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	setvbuf(f, NULL, _IOFBF, 256); /* the plan is larger: writes fail while it is written */
	struct steer_json j;
	steer_json_init(&j, f, true);
	assert_int_equal(steer_plan_write_json(plan, &j, NULL), STEER_EIO);
	assert_int_equal(j.depth, 0);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_object),
		cmocka_unit_test(failing_stream),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
