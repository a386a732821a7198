/* SPDX-License-Identifier: BSD-2-Clause */
/* test_config.c: the cluster description loader (zeekctl's node.cfg, steer.cfg, networks.cfg):
 * the bundled etc/, and golden diagnostics for every bad configuration in tests/data/config/. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>

#include "config_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define CASES    STEER_TEST_DATA "/config"

/* Every directory of tests/data/config/: node.cfg (steer.cfg, networks.cfg) and `expected`, the
 * exact diagnostics with the case directory's prefix removed. An empty `expected` means the
 * configuration loads. test_case_table_complete keeps this list and the directories in step. */
static const char *const cases[] = {
    "bad-cidr",
    "bad-fields",
    "bad-hash",
    "bad-lb-procs",
    "bad-seed",
    "bad-steer-values",
    "bad-toeplitz-key",
    "bad-type",
    "bad-vlan",
    "buckets-few",
    "buckets-not-pow2",
    "buckets-range",
    "cluster-bad-values",
    "cluster-options",
    "cluster-ports",
    "cluster-ports-overlap",
    "cluster-zeekctl",
    "cluster-zeekctl-bad",
    "crlf",
    "duplicate-key",
    "duplicate-mac",
    "duplicate-node-name",
    "duplicate-port",
    "duplicate-section",
    "duplicate-vlan",
    "empty-node-cfg",
    "fields-unsupported",
    "hash-key-xor",
    "host-bits",
    "key-outside-section",
    "lb-interfaces",
    "lb-on-proxy",
    "lb-procs-no-method",
    "mac-base",
    "mac-base-multicast",
    "malformed-ini",
    "missing-node-cfg",
    "multicast-mac",
    "netns",
    "no-interface",
    "no-manager",
    "no-proxy",
    "no-worker",
    "non-ip-manager",
    "non-ip-worker",
    "pin-env",
    "several-errors",
    "standalone",
    "steer-dup-key",
    "steer-read",
    "steer-read-path",
    "steer-sections",
    "two-managers",
    "unknown-key",
    "unknown-steer-key",
    "weight-zero",
    "zeekctl-cluster",
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	for (;;) {
		char *nb = realloc(buf, len + 4097);
		assert_non_null(nb);
		buf = nb;
		size_t r = fread(buf + len, 1, 4096, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static const struct steer_node *node_named(const struct steer_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nnodes; i++)
		if (strcmp(cfg->nodes[i].name, name) == 0)
			return &cfg->nodes[i];
	return NULL;
}

static void test_bundled(void **state)
{
	(void)state;
	struct steer_config *cfg = NULL;
	struct steer_diags d = {0};
	int rc = steer_config_load(STEER_SOURCE_DIR "/etc", &cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		print_error("%s\n", d.v[i].text);
	assert_int_equal(rc, 0);
	assert_int_equal(d.n, 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->node_path, STEER_SOURCE_DIR "/etc/node.cfg");
	assert_string_equal(cfg->steer_path, STEER_SOURCE_DIR "/etc/steer.cfg");
	assert_string_equal(cfg->networks_path, STEER_SOURCE_DIR "/etc/networks.cfg");

	static const struct {
		const char *name;
		enum steer_node_type type;
	} want[] = {
	    {"manager", STEER_NODE_MANAGER}, {"logger", STEER_NODE_LOGGER},
	    {"proxy-1", STEER_NODE_PROXY},   {"worker-1", STEER_NODE_WORKER},
	    {"worker-2", STEER_NODE_WORKER}, {"worker-3", STEER_NODE_WORKER},
	    {"worker-4", STEER_NODE_WORKER},
	};
	assert_int_equal(cfg->nnodes, NELEM(want));
	for (size_t i = 0; i < NELEM(want); i++) {
		const struct steer_node *n = &cfg->nodes[i];
		assert_string_equal(n->name, want[i].name);
		assert_int_equal(n->type, want[i].type);
		assert_string_equal(n->host, "localhost");
		assert_int_equal(n->lb_procs, 1);
		assert_null(n->lb_method);
		assert_false(n->has_mac);
		assert_int_equal(n->vlan, -1);
		assert_int_equal(n->port, -1);
		assert_int_equal(n->weight, 0);
		assert_true(n->line > 0);
	}
	assert_int_equal(steer_config_nworkers(cfg), 4);
	for (size_t i = 0; i < 4; i++) {
		const struct steer_node *w = steer_config_worker(cfg, i);
		char name[16];
		snprintf(name, sizeof(name), "worker-%zu", i + 1);
		assert_non_null(w);
		assert_string_equal(w->name, name);
		assert_string_equal(w->interface, "eth0");
	}
	assert_null(steer_config_worker(cfg, 4));

	const struct steer_frontend *fe = &cfg->fe;
	char mac[STEER_MAC_STRLEN];
	assert_string_equal(fe->profile, "steerlb");
	assert_int_equal(fe->hash.fn, STEER_HASH_DEFAULT);
	assert_int_equal(fe->hash.fields, STEER_FIELDS_5);
	assert_int_equal(fe->hash.seed, 0);
	assert_int_equal(fe->buckets, 4096);
	assert_int_equal(fe->fragments, STEER_FRAG_REMEMBER);
	assert_int_equal(fe->non_ip, STEER_NONIP_MAC);
	assert_null(fe->non_ip_worker);
	assert_false(fe->tunnels_inner);
	assert_false(fe->vlan_in_key);
	assert_string_equal(steer_mac_format(&fe->mac_base, mac), "02:53:54:00:00:00");
	assert_int_equal(fe->vlan_base, 100);
	assert_int_equal(fe->delivery, STEER_DELIVER_MAC);

	static const char *const nets[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
	                                   "fd00::/8"};
	assert_int_equal(cfg->nnets, NELEM(nets));
	for (size_t i = 0; i < NELEM(nets); i++) {
		char a[STEER_ADDR_STRLEN], text[64];
		snprintf(text, sizeof(text), "%s/%u", steer_addr_format(&cfg->nets[i].net, a),
		         cfg->nets[i].prefix_len);
		assert_string_equal(text, nets[i]);
		assert_non_null(cfg->nets[i].desc);
	}
	steer_config_free(cfg);
	steer_diags_free(&d);
}

/* zeekctl's lb_procs expansion: worker-1 with lb_procs = 10 runs worker-1-1 ... worker-1-10. */
static void test_proc_names(void **state)
{
	(void)state;
	struct steer_config *cfg = NULL;
	struct steer_diags d = {0};
	assert_int_equal(steer_config_load(CASES "/zeekctl-cluster", &cfg, &d), 0);
	assert_int_equal(d.n, 0);
	char buf[64], mac[STEER_MAC_STRLEN];

	const struct steer_node *w1 = node_named(cfg, "worker-1");
	assert_non_null(w1);
	assert_int_equal(w1->lb_procs, 10);
	assert_string_equal(w1->lb_method, "pf_ring");
	assert_string_equal(w1->pin_cpus, "2,3,4,5,6,7,8,9,10,11");
	assert_int_equal(w1->weight, 10);
	assert_string_equal(steer_node_proc_name(w1, 0, buf, sizeof(buf)), "worker-1-1");
	assert_string_equal(steer_node_proc_name(w1, 9, buf, sizeof(buf)), "worker-1-10");
	/* truncated, still terminated */
	assert_string_equal(steer_node_proc_name(w1, 9, buf, 5), "work");

	const struct steer_node *w2 = node_named(cfg, "worker-2");
	assert_non_null(w2);
	assert_true(w2->has_mac); /* written "steer_mac: ..." */
	assert_string_equal(steer_mac_format(&w2->mac, mac), "02:53:54:00:01:02");
	assert_string_equal(w2->env_vars, "ZEEK_DNS_RESOLVER=10.0.0.53, TZ=UTC");
	assert_string_equal(steer_node_proc_name(w2, 3, buf, sizeof(buf)), "worker-2-4");

	const struct steer_node *m = node_named(cfg, "manager");
	assert_non_null(m);
	assert_string_equal(steer_node_proc_name(m, 0, buf, sizeof(buf)), "manager");
	assert_string_equal(steer_config_worker(cfg, 0)->name, "worker-1");
	assert_int_equal(steer_config_nworkers(cfg), 2);
	assert_int_equal(cfg->nnets, 0);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

/* Splits text into lines (modifies it); returns how many. */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *p = text;
	while (*p && n < max) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lines[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

static void run_case(const char *name)
{
	char dir[512], path[600];
	snprintf(dir, sizeof(dir), "%s/%s", CASES, name);
	snprintf(path, sizeof(path), "%s/expected", dir);
	char *exp = slurp(path);
	if (!exp)
		fail_msg("%s: cannot read", path);
	char *want[64];
	size_t nwant = split_lines(exp, want, NELEM(want));
	bool want_error = false;
	unsigned nerr = 0, nwarn = 0;
	for (size_t i = 0; i < nwant; i++) {
		bool e = strstr(want[i], ": error: ") != NULL;
		want_error |= e;
		nerr += e;
		nwarn += !e;
	}

	struct steer_config *cfg = (struct steer_config *)&cfg; /* must be reset */
	struct steer_diags d = {0};
	int rc = steer_config_load(dir, &cfg, &d);

	size_t plen = strlen(dir) + 1; /* "DIR/" */
	bool same = d.n == nwant;
	for (size_t i = 0; same && i < d.n; i++)
		same = strncmp(d.v[i].text, dir, plen - 1) == 0 && d.v[i].text[plen - 1] == '/' &&
		       strcmp(d.v[i].text + plen, want[i]) == 0;
	if (!same) {
		print_error("case %s: expected\n", name);
		for (size_t i = 0; i < nwant; i++)
			print_error("  %s\n", want[i]);
		print_error("got\n");
		for (size_t i = 0; i < d.n; i++)
			print_error("  %s\n", d.v[i].text);
		fail_msg("case %s: diagnostics differ", name);
	}
	assert_int_equal(d.nerrors, nerr);
	assert_int_equal(d.nwarnings, nwarn);
	if (want_error) {
		assert_int_equal(rc, STEER_ECONFIG);
		assert_null(cfg);
	} else {
		assert_int_equal(rc, 0);
		assert_non_null(cfg);
	}
	steer_config_free(cfg);
	steer_diags_free(&d);
	free(exp);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++)
		run_case(cases[i]);
}

static void test_case_table_complete(void **state)
{
	(void)state;
	DIR *dir = opendir(CASES);
	assert_non_null(dir);
	struct dirent *e;
	size_t n = 0;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		bool listed = false;
		for (size_t i = 0; i < NELEM(cases); i++)
			listed |= strcmp(cases[i], e->d_name) == 0;
		if (!listed)
			fail_msg("tests/data/config/%s is not in the cases table", e->d_name);
		n++;
	}
	closedir(dir);
	assert_int_equal(n, NELEM(cases));
}

/* ---- from memory (the fuzzer's entry point) ---- */

static const char node_ok[] = "[manager]\ntype = manager\nhost = h\n"
                              "[proxy-1]\ntype = proxy\nhost = h\n"
                              "[worker-1]\ntype = worker\nhost = h\ninterface = eth0\n";

/* Parses the three buffers (NULL: absent) with dir "d"; returns rc, diagnostics in *d. */
static int parse(const char *node, const char *steer, const char *net, struct steer_config **cfg,
                 struct steer_diags *d)
{
	return steer__config_parse(node, node ? strlen(node) : 0, steer, steer ? strlen(steer) : 0,
	                           net, net ? strlen(net) : 0, "d", cfg, d);
}

static void expect_one(const char *node, const char *steer, const char *net, const char *text)
{
	struct steer_config *cfg;
	struct steer_diags d = {0};
	int rc = parse(node, steer, net, &cfg, &d);
	if (d.n != 1 || strcmp(d.v[0].text, text) != 0) {
		for (size_t i = 0; i < d.n; i++)
			print_error("got: %s\n", d.v[i].text);
		fail_msg("expected: %s", text);
	}
	assert_int_equal(rc, d.nerrors ? STEER_ECONFIG : 0);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

static void test_bytes(void **state)
{
	(void)state;
	/* an embedded NUL: the line is refused, not cut short */
	static const char nul[] = "[manager]\ntype = manager\nhost = h\0ost\n";
	struct steer_config *cfg;
	struct steer_diags d = {0};
	assert_int_equal(steer__config_parse(nul, sizeof(nul) - 1, NULL, 0, NULL, 0, "d", &cfg, &d),
	                 STEER_ECONFIG);
	assert_null(cfg);
	assert_true(d.n >= 2);
	assert_string_equal(d.v[0].text, "d/node.cfg:1: error: [manager] host: missing (every node "
	                                 "needs one)");
	assert_string_equal(d.v[1].text, "d/node.cfg:3: error: line contains a NUL byte");
	steer_diags_free(&d);

	/* a UTF-8 BOM, CR LF, no final newline */
	char buf[512];
	snprintf(buf, sizeof(buf),
	         "\xef\xbb\xbf%s[worker-2]\r\ntype = worker\r\nhost = h\r\n"
	         "interface = eth1",
	         node_ok);
	assert_int_equal(parse(buf, NULL, NULL, &cfg, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(steer_config_worker(cfg, 1)->interface, "eth1");
	steer_config_free(cfg);

	snprintf(buf, sizeof(buf),
	         "%s[work\x01"
	         "er]\n",
	         node_ok);
	expect_one(buf, NULL, NULL,
	           "d/node.cfg:11: error: control character in section name: '[work\\x01er]'");
	expect_one(node_ok, "buckets = 6\x1b[31m4\n", NULL,
	           "d/steer.cfg:1: error: buckets: '6\\x1b[31m4' is not a number (a power of two, "
	           "1..65536)");
	expect_one(node_ok, NULL, "10.0.0.0/8\x01 x\n",
	           "d/networks.cfg:1: error: '10.0.0.0/8\\x01' is not an IPv4 or IPv6 prefix");
	/* keys are case-insensitive (ConfigParser), values are not */
	assert_int_equal(
	    parse("[manager]\nTYPE = manager\nHost = h\n[proxy]\ntype=proxy\nhost=h\n"
	          "[w]\ntype=worker\nhost=h\ninterface=e\nSTEER.MAC = 02:00:00:00:00:0A\n",
	          NULL, NULL, &cfg, &d),
	    0);
	assert_int_equal(d.n, 0);
	assert_true(steer_config_worker(cfg, 0)->has_mac);
	assert_int_equal(steer_config_worker(cfg, 0)->mac.b[5], 0x0a);
	steer_config_free(cfg);
	/* a refused type: no guessing at which role is then missing */
	expect_one("[manager]\ntype = Manager\nhost = h\n", NULL, NULL,
	           "d/node.cfg:2: error: [manager] type: 'Manager' is not a node type (standalone, "
	           "manager, logger, proxy or worker)");
}

/* steer.read: relative to the configuration directory, an absolute path as it is. */
static void test_steer_read_path(void **state)
{
	(void)state;
	struct steer_config *cfg = NULL;
	struct steer_diags d = {0};
	assert_int_equal(
	    steer_config_load(STEER_SOURCE_DIR "/tests/data/config/steer-read-path", &cfg, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(node_named(cfg, "worker-1")->read, STEER_SOURCE_DIR
	                    "/tests/data/config/steer-read-path/split/worker-1.pcap");
	assert_string_equal(node_named(cfg, "worker-2")->read, "/var/tmp/worker-2.pcap");
	assert_null(node_named(cfg, "manager")->read);
	steer_config_free(cfg);
	steer_diags_free(&d);
}

static void test_steer_values(void **state)
{
	(void)state;
	struct steer_config *cfg;
	struct steer_diags d = {0};
	char mac[STEER_MAC_STRLEN];

	/* steer.cfg absent: every default */
	assert_int_equal(parse(node_ok, NULL, NULL, &cfg, &d), 0);
	assert_string_equal(cfg->fe.profile, "steerlb");
	assert_int_equal(cfg->fe.hash.fields, steer_hash_default_fields(STEER_HASH_DEFAULT));
	assert_int_equal(cfg->fe.buckets, 4096);
	assert_int_equal(cfg->fe.line_non_ip, 0);
	steer_config_free(cfg);

	/* toeplitz: sym key when none is given, its default fields */
	assert_int_equal(parse(node_ok, "hash = toeplitz\n", NULL, &cfg, &d), 0);
	assert_int_equal(cfg->fe.hash.fn, STEER_HASH_TOEPLITZ);
	assert_memory_equal(cfg->fe.hash.key, steer_toeplitz_key_sym, STEER_HASH_KEY_LEN);
	assert_int_equal(cfg->fe.hash.fields, steer_hash_default_fields(STEER_HASH_TOEPLITZ));
	steer_config_free(cfg);

	/* every other value, in any order (fields before hash) */
	assert_int_equal(parse(node_ok,
	                       "fields = 2\nhash_key: ms\nhash = toeplitz\nprofile = ovs-1.0_x\n"
	                       "buckets = 1\nfragments = l3\nnon_ip = worker:worker-1\n"
	                       "tunnels = inner\nvlan_in_key = true\nmac_base = 06:00:00:00:00:00\n"
	                       "vlan_base = 4094\ndelivery = port\n",
	                       NULL, &cfg, &d),
	                 0);
	assert_int_equal(d.n, 0);
	const struct steer_frontend *fe = &cfg->fe;
	assert_int_equal(fe->hash.fields, STEER_FIELDS_2);
	assert_memory_equal(fe->hash.key, steer_toeplitz_key_ms, STEER_HASH_KEY_LEN);
	assert_string_equal(fe->profile, "ovs-1.0_x");
	assert_int_equal(fe->buckets, 1);
	assert_int_equal(fe->fragments, STEER_FRAG_L3);
	assert_int_equal(fe->non_ip, STEER_NONIP_WORKER);
	assert_string_equal(fe->non_ip_worker, "worker-1");
	assert_int_equal(fe->line_non_ip, 7);
	assert_true(fe->tunnels_inner);
	assert_true(fe->vlan_in_key);
	assert_string_equal(steer_mac_format(&fe->mac_base, mac), "06:00:00:00:00:00");
	assert_int_equal(fe->vlan_base, 4094);
	assert_int_equal(fe->delivery, STEER_DELIVER_PORT);
	steer_config_free(cfg);

	/* the default hash's seed, decimal or hex */
	assert_int_equal(parse(node_ok, "hash_key = 0xDEADbeef\nvlan_in_key = 0\n", NULL, &cfg, &d),
	                 0);
	assert_int_equal(cfg->fe.hash.seed, 0xdeadbeefu);
	assert_false(cfg->fe.vlan_in_key);
	steer_config_free(cfg);
	assert_int_equal(parse(node_ok, "hash_key = 4294967295\n", NULL, &cfg, &d), 0);
	assert_int_equal(cfg->fe.hash.seed, 0xffffffffu);
	steer_config_free(cfg);
	assert_int_equal(d.n, 0);
	steer_diags_free(&d);
}

static void test_diags(void **state)
{
	(void)state;
	struct steer_diags d = {0};
	steer_diag_add(&d, STEER_SEV_ERROR, "f.cfg", 3, "k: %s %d", "bad", 7);
	steer_diag_add(&d, STEER_SEV_WARNING, "f.cfg", 0, "w");
	steer_diag_add(&d, STEER_SEV_ERROR, NULL, 0, "no file");
	steer_diag_add(NULL, STEER_SEV_ERROR, NULL, 0, "ignored");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.nerrors, 2);
	assert_int_equal(d.nwarnings, 1);
	assert_string_equal(d.v[0].text, "f.cfg:3: error: k: bad 7");
	assert_int_equal(d.v[0].sev, STEER_SEV_ERROR);
	assert_string_equal(d.v[1].text, "f.cfg: warning: w");
	assert_int_equal(d.v[1].sev, STEER_SEV_WARNING);
	assert_string_equal(d.v[2].text, "error: no file");

	/* earlier diagnostics are the caller's: neither counted against this load nor reordered */
	struct steer_config *cfg;
	assert_int_equal(parse(node_ok, "colour = red\n", NULL, &cfg, &d), 0);
	assert_non_null(cfg);
	assert_int_equal(d.n, 4);
	assert_string_equal(d.v[0].text, "f.cfg:3: error: k: bad 7");
	assert_string_equal(d.v[3].text, "d/steer.cfg:1: warning: colour: unknown key (ignored)");
	steer_config_free(cfg);
	steer_diags_free(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.v);

	/* diags may be NULL */
	assert_int_equal(parse(node_ok, NULL, NULL, &cfg, NULL), 0);
	steer_config_free(cfg);
	assert_int_equal(parse("x", NULL, NULL, &cfg, NULL), STEER_ECONFIG);
	assert_null(cfg);
	steer_config_free(NULL);
	steer_diags_free(NULL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(steer_node_type_name(STEER_NODE_STANDALONE), "standalone");
	assert_string_equal(steer_node_type_name(STEER_NODE_WORKER), "worker");
	assert_string_equal(steer_node_type_name((enum steer_node_type)0), "unknown");
	assert_string_equal(steer_frag_policy_name(STEER_FRAG_L3), "l3");
	assert_string_equal(steer_frag_policy_name(STEER_FRAG_REMEMBER), "remember");
	assert_string_equal(steer_nonip_policy_name(STEER_NONIP_MAC), "mac");
	assert_string_equal(steer_nonip_policy_name(STEER_NONIP_WORKER), "worker");
	assert_string_equal(steer_nonip_policy_name(STEER_NONIP_DROP), "drop");
	assert_string_equal(steer_delivery_name(STEER_DELIVER_MAC), "mac");
	assert_string_equal(steer_delivery_name(STEER_DELIVER_VLAN), "vlan");
	assert_string_equal(steer_delivery_name(STEER_DELIVER_PORT), "port");
}

/* A node.cfg that exists but cannot be read is an error, never "absent". */
static void test_unreadable(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/steer-test-config-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char path[128];
	snprintf(path, sizeof(path), "%s/node.cfg", tmpl);
	assert_int_equal(mkdir(path, 0700), 0);

	struct steer_config *cfg;
	struct steer_diags d = {0};
	assert_int_equal(steer_config_load(tmpl, &cfg, &d), STEER_ECONFIG);
	assert_null(cfg);
	assert_int_equal(d.n, 1);
	char want[256];
	snprintf(want, sizeof(want), "%s: error: not a regular file (a directory)", path);
	assert_string_equal(d.v[0].text, want);
	steer_diags_free(&d);
	/* a FIFO is refused at once (it would block the load until a writer came), a link to
	 * nothing is an error, not "absent" (issue 13 item 22) */
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(steer_config_load(tmpl, &cfg, &d), STEER_ECONFIG);
	snprintf(want, sizeof(want), "%s: error: not a regular file (a FIFO)", path);
	assert_string_equal(d.v[0].text, want);
	steer_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/nonexistent/node.cfg", path), 0);
	assert_int_equal(steer_config_load(tmpl, &cfg, &d), STEER_ECONFIG);
	snprintf(want, sizeof(want), "%s: error: symbolic link to a file that does not exist",
	         path);
	assert_string_equal(d.v[0].text, want);
	steer_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	rmdir(path);
	rmdir(tmpl);
}

/* Node names are file names (issue 13 items 4, 5, 16): nothing that leaves a directory,
 * nothing a JSON string or a file name could not carry. */
static void test_name_valid(void **state)
{
	(void)state;
	static const char *const good[] = {"worker-1", "w.1", "w_1", "W", "-x", "a..b"};
	static const char *const bad[] = {"",    ".",   "..",    ".hidden",   "w/1", "../x",
	                                  "w 1", "w:1", "w\xff", "w\xc3\xa9", "w\n"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(steer_name_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(steer_name_valid(bad[i], strlen(bad[i])));
	char n[STEER_NAME_MAX + 2];
	memset(n, 'w', sizeof(n));
	assert_true(steer_name_valid(n, STEER_NAME_MAX));
	assert_false(steer_name_valid(n, STEER_NAME_MAX + 1));
	/* the length given is the name: a NUL inside is not part of a valid one */
	assert_false(steer_name_valid("w\0x", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundled),    cmocka_unit_test(test_proc_names),
	    cmocka_unit_test(test_cases),      cmocka_unit_test(test_case_table_complete),
	    cmocka_unit_test(test_bytes),      cmocka_unit_test(test_steer_values),
	    cmocka_unit_test(test_diags),      cmocka_unit_test(test_names),
	    cmocka_unit_test(test_unreadable), cmocka_unit_test(test_steer_read_path),
	    cmocka_unit_test(test_name_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
