/* SPDX-License-Identifier: BSD-2-Clause */
/* test_notice_cfg.c: notice.cfg: defaults without the file, per-type suppression intervals and
 * actions, the commands actions need, and every mistake reported with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/clu_notice.h>
#include <steer/error.h>

static char dir[64];

static int load(const char *text, struct clu_notice_cfg *c, struct steer_diags *d)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/notice.cfg", dir);
	if (text) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	} else {
		unlink(path);
	}
	memset(d, 0, sizeof(*d));
	return clu_notice_cfg_load(dir, c, d);
}

static bool said(const struct steer_diags *d, const char *what)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].text, what))
			return true;
	return false;
}

static void test_defaults(void **state)
{
	(void)state;
	struct clu_notice_cfg c;
	struct steer_diags d;
	assert_int_equal(load(NULL, &c, &d), 0);
	const struct clu_notice_type *t = clu_notice_cfg_type(&c, "X::Y", 4);
	assert_int_equal(t->suppress_us, 3600000000ll);
	assert_int_equal(t->actions, CLU_ACTION_LOG);
	clu_notice_cfg_free(&c);
	steer_diags_free(&d);
}

static void test_types(void **state)
{
	(void)state;
	struct clu_notice_cfg c;
	struct steer_diags d;
	assert_int_equal(
	    load("[Test::Repeat]\nsuppress_for = 2s\n\n"
	         "[notice]\nsuppress_for = 10m\nexec_command = cat >/dev/null\n"
	         "action_timeout = 500ms\nmail_dest = ops@example.org\n\n"
	         "[Test::Exec]\nactions = log, exec\n\n[Test::Quiet]\nactions = none\n",
	         &c, &d),
	    0);
	assert_int_equal(d.nerrors, 0);
	const struct clu_notice_type *t = clu_notice_cfg_type(&c, "Test::Repeat", 12);
	assert_int_equal(t->suppress_us, 2000000);
	assert_int_equal(t->actions, CLU_ACTION_LOG); /* the default, given after it */
	t = clu_notice_cfg_type(&c, "Test::Exec", 10);
	assert_int_equal(t->suppress_us, 600000000ll);
	assert_int_equal(t->actions, CLU_ACTION_LOG | CLU_ACTION_EXEC);
	assert_int_equal(clu_notice_cfg_type(&c, "Test::Quiet", 11)->actions, 0);
	assert_int_equal(clu_notice_cfg_type(&c, "Other::Thing", 12)->suppress_us, 600000000ll);
	assert_int_equal(c.action_timeout_us, 500000);
	assert_string_equal(c.exec_command, "cat >/dev/null");
	assert_string_equal(c.mail_dest, "ops@example.org");
	clu_notice_cfg_free(&c);
	steer_diags_free(&d);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *said;
	} bad[] = {
	    {"[notice]\nsuppress_for = soon\n", "notice.cfg:2: error: [notice] suppress_for"},
	    {"[A::B]\nactions = log, shout\n", "notice.cfg:2: error: [A::B] actions: 'shout'"},
	    {"[A::B]\nactions = none, log\n", "actions"},
	    {"[A::B]\nactions = page\n", "needs [notice] page_command"},
	    {"suppress_for = 1h\n", "outside a section"},
	    {"[A B]\nactions = log\n", "not a note type"},
	    {"[notice]\naction_timeout = 0\n", "action_timeout"},
	    {"[A::B]\nactions = log\n[A::B]\n", "again (first at line 1)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct clu_notice_cfg c;
		struct steer_diags d;
		assert_int_equal(load(bad[i].text, &c, &d), STEER_ECONFIG);
		if (!said(&d, bad[i].said)) {
			for (size_t k = 0; k < d.n; k++)
				print_message("%s\n", d.v[k].text);
			fail_msg("case %zu: no '%s'", i, bad[i].said);
		}
		clu_notice_cfg_free(&c);
		steer_diags_free(&d);
	}
	/* An unknown key is a warning only. */
	struct clu_notice_cfg c;
	struct steer_diags d;
	assert_int_equal(load("[notice]\ncolour = red\n", &c, &d), 0);
	assert_true(said(&d, "warning: [notice] colour: unknown key"));
	clu_notice_cfg_free(&c);
	steer_diags_free(&d);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/steer-notice-cfg.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/notice.cfg", dir);
	unlink(path);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
