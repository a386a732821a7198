/* SPDX-License-Identifier: BSD-2-Clause */
/* test_layout.c: the cluster's processes and ports as zeekctl lays them out (manager, loggers,
 * proxies, workers, each in node.cfg order; lb_procs expanded), whatever the order of node.cfg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/clu_layout.h>
#include <steer/config.h>
#include <steer/error.h>

#include "config_int.h"

static struct steer_config *load(const char *node, const char *steer)
{
	struct steer_config *cfg = NULL;
	struct steer_diags d = {0};
	int rc = steer__config_parse(node, strlen(node), steer, steer ? strlen(steer) : 0, NULL, 0,
	                             "/c", &cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		print_message("%s\n", d.v[i].text);
	assert_int_equal(rc, 0);
	steer_diags_free(&d);
	return cfg;
}

static void test_order_and_ports(void **state)
{
	(void)state;
	/* Deliberately out of order: workers first, the manager last. */
	static const char node[] =
	    "[worker-1]\ntype = worker\nhost = h\ninterface = eth0\nlb_method = custom\n"
	    "lb_procs = 3\n"
	    "[proxy-2]\ntype = proxy\nhost = h\n"
	    "[logger-b]\ntype = logger\nhost = h\n"
	    "[worker-2]\ntype = worker\nhost = h\ninterface = eth0\n"
	    "[proxy-1]\ntype = proxy\nhost = h\n"
	    "[logger-a]\ntype = logger\nhost = h\n"
	    "[manager]\ntype = manager\nhost = h\n";
	struct steer_config *cfg = load(node, "base_port = 30000\nmetrics_port = 40000\n");
	struct clu_layout *l;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_layout_build(cfg, &l, err), 0);
	static const struct {
		const char *name;
		enum clu_role role;
	} want[] = {
	    {"manager", CLU_ROLE_MANAGER},   {"logger-b", CLU_ROLE_LOGGER},
	    {"logger-a", CLU_ROLE_LOGGER},   {"proxy-2", CLU_ROLE_PROXY},
	    {"proxy-1", CLU_ROLE_PROXY},     {"worker-1-1", CLU_ROLE_WORKER},
	    {"worker-1-2", CLU_ROLE_WORKER}, {"worker-1-3", CLU_ROLE_WORKER},
	    {"worker-2", CLU_ROLE_WORKER},
	};
	assert_int_equal(l->n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(l->nloggers, 2);
	for (size_t i = 0; i < l->n; i++) {
		assert_string_equal(l->procs[i].name, want[i].name);
		assert_int_equal(l->procs[i].role, want[i].role);
		assert_int_equal(l->procs[i].port, 30000 + i);
		assert_int_equal(l->procs[i].metrics_port, 40000 + i);
	}
	assert_string_equal(l->procs[6].node->name, "worker-1");
	assert_ptr_equal(clu_layout_find(l, "worker-1-2"), &l->procs[6]);
	assert_null(clu_layout_find(l, "worker-1"));
	/* Logs go to the loggers; without any, to the manager. */
	assert_true(clu_layout_is_log_sink(l, &l->procs[1]));
	assert_false(clu_layout_is_log_sink(l, &l->procs[0]));
	clu_layout_free(l);
	steer_config_free(cfg);
}

static void test_default_ports_and_no_logger(void **state)
{
	(void)state;
	static const char node[] = "[manager]\ntype = manager\nhost = h\n"
	                           "[proxy-1]\ntype = proxy\nhost = h\n"
	                           "[worker-1]\ntype = worker\nhost = h\ninterface = eth0\n";
	struct steer_config *cfg = load(node, NULL);
	struct clu_layout *l;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_layout_build(cfg, &l, err), 0);
	assert_int_equal(l->procs[0].port, 27760);
	assert_int_equal(l->procs[2].port, 27762);
	assert_int_equal(l->procs[2].metrics_port, 9993);
	assert_true(clu_layout_is_log_sink(l, &l->procs[0]));
	clu_layout_free(l);
	steer_config_free(cfg);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(clu_name_valid("worker-1.a_b", 12));
	assert_false(clu_name_valid("", 0));
	assert_false(clu_name_valid(".x", 2));
	assert_false(clu_name_valid("a b", 3));
	assert_false(clu_name_valid("a/b", 3));
	char longname[100];
	memset(longname, 'w', sizeof(longname));
	assert_true(clu_name_valid(longname, CLU_NAME_MAX));
	assert_false(clu_name_valid(longname, CLU_NAME_MAX + 1));

	/* A section name that cannot be a process name is refused with its line, where the
	 * configuration is loaded (steer_name_valid). */
	static const char node[] = "[manager]\ntype = manager\nhost = h\n"
	                           "[proxy-1]\ntype = proxy\nhost = h\n"
	                           "[worker 1]\ntype = worker\nhost = h\ninterface = eth0\n";
	struct steer_config *cfg = NULL;
	struct steer_diags d = {0};
	assert_int_equal(steer__config_parse(node, strlen(node), NULL, 0, NULL, 0, "/c", &cfg, &d),
	                 STEER_ECONFIG);
	assert_null(cfg);
	assert_int_equal(d.nerrors, 1);
	assert_non_null(strstr(d.v[0].text, "/c/node.cfg:7: error: [worker 1]: not usable as a "
	                                    "node name"));
	steer_diags_free(&d);
}

static void test_host_addr(void **state)
{
	(void)state;
	char buf[80], err[STEER_ERRBUF_SIZE];
	assert_int_equal(clu_host_addr("127.0.0.1", buf, sizeof(buf), err), 0);
	assert_string_equal(buf, "127.0.0.1");
	assert_int_equal(clu_host_addr("::1", buf, sizeof(buf), err), 0);
	assert_string_equal(buf, "[::1]");
	assert_int_equal(clu_host_addr("no-such-host.invalid", buf, sizeof(buf), err),
	                 STEER_EINVAL);
	assert_non_null(strstr(err, "no-such-host.invalid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_ports),
	    cmocka_unit_test(test_default_ports_and_no_logger),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_host_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
