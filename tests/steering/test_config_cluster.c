/* SPDX-License-Identifier: BSD-2-Clause */
/* test_config_cluster.c: the cluster options of steer.cfg, zeekctl.cfg's share of them and
 * node.cfg's steer.netns: the values that reach struct steer_cluster_opts (the diagnostics of
 * bad values are golden cases of test_config). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>

#include "config_int.h"

#define CASES STEER_TEST_DATA "/config"

static const char node_ok[] = "[manager]\ntype = manager\nhost = h\nsteer.netns = ns-m\n"
                              "[proxy-1]\ntype = proxy\nhost = h\n"
                              "[worker-1]\ntype = worker\nhost = h\ninterface = eth0\n";

/* node_ok with the given steer.cfg and zeekctl.cfg (NULL: absent), from memory in dir "/c". */
static struct steer_config *load(const char *steer, const char *zeekctl, struct steer_diags *d)
{
	struct steer__cfg_input in = {
	    .buf = {node_ok, steer, NULL, zeekctl},
	    .len = {strlen(node_ok), steer ? strlen(steer) : 0, 0, zeekctl ? strlen(zeekctl) : 0}};
	struct steer_config *cfg = NULL;
	int rc = steer__config_parse_input(&in, "/c", &cfg, d);
	for (size_t i = 0; i < d->n; i++)
		print_message("%s\n", d->v[i].text);
	assert_int_equal(rc, 0);
	return cfg;
}

static void test_defaults(void **state)
{
	(void)state;
	struct steer_diags d = {0};
	struct steer_config *cfg = load(NULL, NULL, &d);
	const struct steer_cluster_opts *o = &cfg->cluster;
	assert_string_equal(o->log_dir, "/var/log/steer");
	assert_string_equal(o->spool_dir, "/var/spool/steer");
	assert_string_equal(o->state_dir, "/var/lib/steer");
	assert_int_equal(o->base_port, 27760);
	assert_int_equal(o->metrics_port, 9991);
	assert_string_equal(o->metrics_address, "127.0.0.1");
	assert_int_equal(o->rotation_ms, 3600000);
	assert_int_equal(o->stop_timeout_ms, 60000);
	assert_int_equal(o->heartbeat_ms, 1000);
	assert_int_equal(o->heartbeat_misses, 3);
	assert_int_equal(o->log_format, STEER_LOG_TSV);
	assert_true(o->compress);
	assert_int_equal(o->batch_records, 1000);
	assert_int_equal(o->batch_ms, 1000);
	assert_null(o->keys_dir);
	assert_string_equal(cfg->nodes[0].netns, "ns-m");
	assert_null(cfg->nodes[1].netns);
	assert_int_equal(d.n, 0);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

static void test_every_option(void **state)
{
	(void)state;
	struct steer_diags d = {0};
	struct steer_config *cfg = NULL;
	assert_int_equal(steer_config_load(CASES "/cluster-options", &cfg, &d), 0);
	assert_int_equal(d.n, 0);
	const struct steer_cluster_opts *o = &cfg->cluster;
	/* Relative directories are the configuration directory's. */
	assert_string_equal(o->log_dir, CASES "/cluster-options/logs");
	assert_string_equal(o->spool_dir, "/srv/steer/spool");
	assert_string_equal(o->state_dir, CASES "/cluster-options/state");
	assert_string_equal(o->keys_dir, CASES "/cluster-options/keys");
	assert_int_equal(o->base_port, 30000);
	assert_int_equal(o->metrics_port, 31000);
	assert_string_equal(o->metrics_address, "::1");
	assert_int_equal(o->rotation_ms, 15 * 60000);
	assert_int_equal(o->stop_timeout_ms, 90000);
	assert_int_equal(o->heartbeat_ms, 500);
	assert_int_equal(o->heartbeat_misses, 5);
	assert_int_equal(o->log_format, STEER_LOG_JSON);
	assert_false(o->compress);
	assert_int_equal(o->batch_records, 250);
	assert_int_equal(o->batch_ms, 200);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

/* zeekctl.cfg's six options are honoured (${Name} from the same file), steer.cfg wins. */
static void test_zeekctl(void **state)
{
	(void)state;
	struct steer_diags d = {0};
	struct steer_config *cfg = NULL;
	assert_int_equal(steer_config_load(CASES "/cluster-zeekctl", &cfg, &d), 0);
	assert_int_equal(d.nwarnings, 1);
	const struct steer_cluster_opts *o = &cfg->cluster;
	assert_string_equal(o->log_dir, "/usr/local/zeek/logs");
	assert_string_equal(o->spool_dir, "/usr/local/zeek/spool");
	assert_int_equal(o->base_port, 40000);
	assert_int_equal(o->metrics_port, 41000);
	assert_int_equal(o->rotation_ms, 7200000);
	assert_int_equal(o->stop_timeout_ms, 45000); /* steer.cfg's 45s over StopTimeout = 30 */
	steer_config_free(cfg);
	steer_diags_free(&d);

	/* Without steer.cfg's value, zeekctl's stands; zeekctl.cfg keys ignore case. */
	cfg = load(NULL, "stoptimeout = 30\nlogrotationinterval = 0\nBrokerDBDir = x\n", &d);
	assert_int_equal(cfg->cluster.stop_timeout_ms, 30000);
	assert_int_equal(cfg->cluster.rotation_ms, 0);
	assert_int_equal(d.n, 0);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

/* The workers' keys: defaults (Zeek's where Zeek has one), values, and the errors naming them. */
static void test_worker_keys(void **state)
{
	(void)state;
	struct steer_diags d = {0};
	struct steer_config *cfg = load(NULL, NULL, &d);
	const struct steer_cluster_opts *o = &cfg->cluster;
	assert_int_equal(o->snaplen, 9216);
	assert_int_equal(o->capture_buffer_mb, 128);
	assert_true(o->promisc);
	assert_null(o->capture_user);
	assert_int_equal(o->capture_loss_ms, 15 * 60000);
	assert_int_equal(o->stats_ms, 5 * 60000);
	assert_int_equal(o->steering_ms, 60000);
	assert_true(o->max_imbalance == 1.5);
	assert_true(o->max_misdirected == 0);
	assert_true(o->max_split_routing == 0.01);
	assert_int_equal(o->max_unexpected_dest, 0);
	steer_config_free(cfg);

	cfg = load("snaplen = 65535\ncapture_buffer_mb = 512\npromisc = no\n"
	           "capture_user = zeek\ncapture_loss_interval = 5m\nstats_interval = 30s\n"
	           "steering_interval = 10s\nmax_imbalance = 2.25\nmax_misdirected = 0.5%\n"
	           "max_split_routing = 3\nmax_unexpected_dest = 10\n",
	           NULL, &d);
	o = &cfg->cluster;
	assert_int_equal(o->snaplen, 65535);
	assert_int_equal(o->capture_buffer_mb, 512);
	assert_false(o->promisc);
	assert_string_equal(o->capture_user, "zeek");
	assert_int_equal(o->capture_loss_ms, 300000);
	assert_int_equal(o->stats_ms, 30000);
	assert_int_equal(o->steering_ms, 10000);
	assert_true(o->max_imbalance == 2.25);
	assert_true(o->max_misdirected == 0.005);
	assert_true(o->max_split_routing == 0.03);
	assert_int_equal(o->max_unexpected_dest, 10);
	assert_int_equal(d.n, 0);
	steer_config_free(cfg);
	steer_diags_free(&d);

	static const struct {
		const char *line, *msg;
	} bad[] = {
	    {"snaplen = 63", "/c/steer.cfg:1: error: snaplen: '63' is out of range (64..262144)"},
	    {"capture_user = a:b", "capture_user: 'a:b' is not a user name or uid"},
	    {"max_imbalance = 1.5x", "max_imbalance: '1.5x' is not a ratio, e.g. 1.5 (1..1000)"},
	    {"max_imbalance = 0.9", "max_imbalance: '0.9' is not a ratio"},
	    {"max_misdirected = 1.2.3%", "max_misdirected: '1.2.3%' is not a percentage"},
	    {"max_split_routing = 101%", "max_split_routing: '101%' is not a percentage"},
	    {"stats_interval = 0", "stats_interval: '0' is out of range (1s..24h)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct steer__cfg_input in = {.buf = {node_ok, bad[i].line, NULL, NULL},
		                              .len = {strlen(node_ok), strlen(bad[i].line), 0, 0}};
		assert_int_equal(steer__config_parse_input(&in, "/c", &cfg, &d), STEER_ECONFIG);
		assert_int_equal(d.nerrors, 1);
		if (!strstr(d.v[0].text, bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].line, d.v[0].text, bad[i].msg);
		steer_diags_free(&d);
		d = (struct steer_diags){0};
	}
}

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t ms;
	} v[] = {{"2", 2000},    {"2s", 2000},     {"250ms", 250},
	         {"3m", 180000}, {"3min", 180000}, {"1h", 3600000}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char steer[64];
		snprintf(steer, sizeof(steer), "batch_interval = %s\n", v[i].text);
		struct steer_diags d = {0};
		struct steer_config *cfg = load(steer, NULL, &d);
		assert_int_equal(cfg->cluster.batch_ms, v[i].ms);
		steer_config_free(cfg);
		steer_diags_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_option),
	    cmocka_unit_test(test_zeekctl),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_worker_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
