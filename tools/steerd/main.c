/* SPDX-License-Identifier: BSD-2-Clause */
/* steerd/main.c: one cluster node: steerd [-c DIR] --node NAME runs the node of that name in
 * node.cfg with the role its type gives (manager, logger, proxy, worker); steerd -r FILE runs
 * the worker's analysis standalone over a capture, as zeek -r does. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <steer/clu_layout.h>
#include <steer/clu_node.h>
#include <steer/clu_notice.h>
#include <steer/clu_version.h>
#include <steer/config.h>
#include <steer/error.h>

#include "cli.h"
#include "setup.h"
#include "steerd.h"

static const char usage[] =
    "Usage: steerd [-c DIR] --node NAME [--daemon] [--check] [-r FILE] [ANALYSIS...]\n"
    "       steerd [-c DIR] -r FILE [--log-dir DIR] [ANALYSIS...]\n"
    "\n"
    "Run one node of a steer cluster: the node NAME of DIR/node.cfg, with the role\n"
    "its type gives. The manager, the loggers and the proxies listen on their ports;\n"
    "the others connect to them and reconnect by themselves. Every node sends heartbeats\n"
    "to the manager, serves Prometheus metrics, and sends its log records to the\n"
    "loggers (or the manager when there is none), which write one log per stream.\n"
    "Proxies hold the shared sets (known hosts and services) for their workers;\n"
    "notices go to the manager (its policy: DIR/notice.cfg).\n"
    "A worker with lb_procs = N is N nodes, NAME-1 .. NAME-N. A worker captures its\n"
    "interface with the plan's filter (or reads FILE with -r) and writes conn.log,\n"
    "known_hosts.log, known_services.log, capture_loss.log, stats.log, steering.log\n"
    "and its notices in notice.log.\n"
    "\n"
    "Without --node, -r FILE runs one standalone worker over the capture and writes\n"
    "its logs (all but steering.log) into --log-dir, as zeek -r does.\n"
    "\n"
    "Options:\n"
    "  -c, --config DIR  configuration directory holding node.cfg and steer.cfg\n"
    "                    (default: $STEER_CONFIG_DIR, else /etc/steer)\n"
    "  -n, --node NAME   the node to run (required)\n"
    "  -d, --daemon      detach once the node is up: print its pid and exit 0, or\n"
    "                    print why it could not start; its stderr then goes to\n"
    "                    STATE_DIR/NAME/stderr.log\n"
    "      --check       check the configuration and the node's name, then exit\n"
    "  -r, --read FILE   a worker reads this capture instead of its interface\n"
    "      --log-dir DIR standalone (-r without --node): where the logs go\n"
    "                    (default: the current directory)\n"
    "      --stats       standalone: print what the run did, as JSON: packets,\n"
    "                    bytes, connections, seconds and rates, the tracker's\n"
    "                    peak of connections held and its bytes per connection\n"
    "  -h, --help        show this help\n"
    "  -V, --version     show the version\n"
    "\n"
    "Analysis (Zeek's options of the same meaning):\n"
    "  -C, --no-checksums            do not validate checksums (zeek -C)\n"
    "      --local NET               a local network besides networks.cfg (repeatable)\n"
    "      --no-private-local        private address space is not local\n"
    "      --likely-tcp LIST         likely_server_ports for TCP: ports and ranges,\n"
    "      --likely-udp LIST         comma-separated (80,443,6666-6669); default Zeek's\n"
    "      --report-gaps-for-partial missed_bytes for connections not cleanly set up\n"
    "      --skip-bytes N            each frame is raw IP after N bytes (Zeek's SKIP\n"
    "                                analyzer as the root)\n"
    "      --seed N                  uids from this seed (reproducible); default random\n"
    "\n"
    "Files: STATE_DIR/NAME/ is the node's working directory (steerd.pid, locked while\n"
    "it runs; the outbox spool; a logger's store); a logger writes SPOOL_DIR/NAME/*.log\n"
    "and archives them under LOG_DIR. The directories and ports come from steer.cfg\n"
    "(see steerctl(1), or the commented etc/steer.cfg).\n"
    "\n"
    "Signals: SIGTERM and SIGINT stop the node: open log batches are sealed and sent,\n"
    "acknowledgements awaited (at most half of stop_timeout), files closed.\n"
    "\n"
    "Exit status: 0 stopped cleanly (or, standalone, the capture analysed); 1 the node\n"
    "failed (a port in use, the node already running, its log store unwritable, its\n"
    "capture lost); 2 usage or configuration error, a capture that cannot be read or\n"
    "is damaged (standalone: analysed and logged up to the damage).\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

enum {
	OPT_CHECK = 256,
	OPT_TEST_RECORDS,
	OPT_TEST_RATE,
	OPT_TEST_STREAM,
	OPT_TEST_CHUNK,
	OPT_TEST_SPOOL,
	OPT_TEST_INSERT,
	OPT_TEST_LIFETIME,
	OPT_TEST_RECORD,
	OPT_TEST_SAMPLE,
	OPT_TEST_KNOWN,
	OPT_TEST_AT,
	OPT_TEST_NOTICE,
	OPT_TEST_NOTICE_COUNT,
	OPT_TEST_NOTICE_EVERY,
};

/* The test sources a node runs (emit.c, share.c), one work hook for the loop. */
struct sources {
	struct steerd_emit *emit;
	struct steerd_share *share;
};

static int64_t sources_work(struct clu_node *n, void *arg, int64_t now)
{
	struct sources *s = arg;
	int64_t a = s->emit ? steerd_emit_work(n, s->emit, now) : INT64_MAX;
	int64_t b = s->share ? steerd_share_work(n, s->share, now) : INT64_MAX;
	return a < b ? a : b;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"node", required_argument, NULL, 'n'},
	    {"daemon", no_argument, NULL, 'd'},
	    {"check", no_argument, NULL, OPT_CHECK},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    /* Hidden: numbered records into a stream, for the tests and bench/logger. */
	    {"test-records", required_argument, NULL, OPT_TEST_RECORDS},
	    {"test-rate", required_argument, NULL, OPT_TEST_RATE},
	    {"test-stream", required_argument, NULL, OPT_TEST_STREAM},
	    {"test-chunk", required_argument, NULL, OPT_TEST_CHUNK},
	    {"test-spool", no_argument, NULL, OPT_TEST_SPOOL},
	    {"read", required_argument, NULL, 'r'},
	    {"log-dir", required_argument, NULL, STEERD_OPT_LOG_DIR},
	    {"no-checksums", no_argument, NULL, 'C'},
	    {"local", required_argument, NULL, STEERD_OPT_LOCAL},
	    {"no-private-local", no_argument, NULL, STEERD_OPT_NO_PRIVATE_LOCAL},
	    {"likely-tcp", required_argument, NULL, STEERD_OPT_LIKELY_TCP},
	    {"likely-udp", required_argument, NULL, STEERD_OPT_LIKELY_UDP},
	    {"report-gaps-for-partial", no_argument, NULL, STEERD_OPT_GAPS},
	    {"skip-bytes", required_argument, NULL, STEERD_OPT_SKIP},
	    {"seed", required_argument, NULL, STEERD_OPT_SEED},
	    {"stats", no_argument, NULL, STEERD_OPT_STATS},
	    /* Hidden: shared-set insertions, known hosts, notices (share.c). */
	    {"test-insert", required_argument, NULL, OPT_TEST_INSERT},
	    {"test-lifetime", required_argument, NULL, OPT_TEST_LIFETIME},
	    {"test-record", no_argument, NULL, OPT_TEST_RECORD},
	    {"test-sample", required_argument, NULL, OPT_TEST_SAMPLE},
	    {"test-known", required_argument, NULL, OPT_TEST_KNOWN},
	    {"test-at", required_argument, NULL, OPT_TEST_AT},
	    {"test-notice", required_argument, NULL, OPT_TEST_NOTICE},
	    {"test-notice-count", required_argument, NULL, OPT_TEST_NOTICE_COUNT},
	    {"test-notice-every", required_argument, NULL, OPT_TEST_NOTICE_EVERY},
	    {NULL, 0, NULL, 0},
	};
	static struct steerd_read rd;
	const char *confopt = NULL, *name = NULL;
	bool daemon = false, check = false;
	struct steerd_emit_opts eo = {.chunk = 100, .stream = "steer_test"};
	bool spool_all = false;
	struct steerd_share_opts so = {.notice_count = 1};
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "c:n:dhVr:C", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confopt = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'd':
			daemon = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'V':
			printf("steerd %s\n", clu_version());
			return EXIT_OK;
		case OPT_TEST_RECORDS:
			if (!cli_parse_u64("steerd", "--test-records", optarg, 0, UINT64_MAX / 2,
			                   false, &eo.count))
				return EXIT_USAGE;
			break;
		case OPT_TEST_RATE:
			if (!cli_parse_u64("steerd", "--test-rate", optarg, 0, 100000000, false,
			                   &eo.rate))
				return EXIT_USAGE;
			so.rate = eo.rate;
			break;
		case OPT_TEST_INSERT:
			if (!cli_parse_u64("steerd", "--test-insert", optarg, 1, UINT32_MAX, false,
			                   &so.inserts))
				return EXIT_USAGE;
			break;
		case OPT_TEST_LIFETIME: /* milliseconds */
			if (!cli_parse_u64("steerd", "--test-lifetime", optarg, 1, 1u << 30, false,
			                   &v))
				return EXIT_USAGE;
			so.lifetime_us = (int64_t)v * 1000;
			break;
		case OPT_TEST_RECORD:
			so.record = true;
			break;
		case OPT_TEST_SAMPLE:
			if (!cli_parse_u64("steerd", "--test-sample", optarg, 1, 1000000, false,
			                   &so.sample))
				return EXIT_USAGE;
			break;
		case OPT_TEST_KNOWN:
			so.known = optarg;
			break;
		case OPT_TEST_AT: /* wall clock, milliseconds since the epoch */
			if (!cli_parse_u64("steerd", "--test-at", optarg, 0, UINT64_MAX / 2000,
			                   false, &v))
				return EXIT_USAGE;
			so.known_at_us = (int64_t)v * 1000;
			break;
		case OPT_TEST_NOTICE:
			if (so.nnotices == 4) {
				cli_usage_error("steerd", "--test-notice: at most 4");
				return EXIT_USAGE;
			}
			so.notice[so.nnotices++] = optarg;
			break;
		case OPT_TEST_NOTICE_COUNT:
			if (!cli_parse_u64("steerd", "--test-notice-count", optarg, 1, 1000000,
			                   false, &so.notice_count))
				return EXIT_USAGE;
			break;
		case OPT_TEST_NOTICE_EVERY: /* milliseconds */
			if (!cli_parse_u64("steerd", "--test-notice-every", optarg, 1, 3600000,
			                   false, &v))
				return EXIT_USAGE;
			so.notice_every_us = (int64_t)v * 1000;
			break;
		case OPT_TEST_STREAM:
			eo.stream = optarg;
			break;
		case OPT_TEST_CHUNK:
			if (!cli_parse_u64("steerd", "--test-chunk", optarg, 1, 100000, false, &v))
				return EXIT_USAGE;
			eo.chunk = (unsigned)v;
			break;
		case OPT_TEST_SPOOL:
			spool_all = true;
			break;
		case 'r':
		case 'C':
		case STEERD_OPT_LOG_DIR:
		case STEERD_OPT_LOCAL:
		case STEERD_OPT_NO_PRIVATE_LOCAL:
		case STEERD_OPT_LIKELY_TCP:
		case STEERD_OPT_LIKELY_UDP:
		case STEERD_OPT_GAPS:
		case STEERD_OPT_SKIP:
		case STEERD_OPT_SEED:
		case STEERD_OPT_STATS:
			if (!steerd_read_opt(&rd, c, optarg))
				return EXIT_USAGE;
			break;
		default:
			cli_usage_error("steerd", "unknown option");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_usage_error("steerd", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!name && rd.o.read_file) {
		if (daemon || check || eo.count) {
			cli_usage_error("steerd", "-r without --node runs standalone: no --daemon, "
			                          "--check or test records");
			return EXIT_USAGE;
		}
		return steerd_read_run(&rd, confopt);
	}
	if (!name) {
		cli_usage_error("steerd", "--node NAME is required (or -r FILE alone)");
		return EXIT_USAGE;
	}
	if (rd.log_dir || rd.stats) {
		cli_usage_error("steerd", "--log-dir and --stats are for -r without --node: a "
		                          "node's logs go to its loggers");
		return EXIT_USAGE;
	}
	const char *dir = cli_config_dir(confopt);
	struct steer_config *cfg;
	if (cli_config_load("steerd", dir, &cfg) != 0)
		return EXIT_USAGE;

	/* The name and the layout are checked before anything runs or detaches. */
	char err[STEER_ERRBUF_SIZE], workdir[4096];
	struct clu_layout *l;
	if (clu_layout_build(cfg, &l, err) != 0) {
		fprintf(stderr, "steerd: %s\n", err);
		steer_config_free(cfg);
		return EXIT_USAGE;
	}
	const struct clu_proc *p = clu_layout_find(l, name);
	if (!p) {
		char q[CLI_QUOTE_SIZE];
		fprintf(stderr, "steerd: %s: no node '%s'\n", cfg->node_path, cli_quote(name, q));
		clu_layout_free(l);
		steer_config_free(cfg);
		return EXIT_USAGE;
	}
	if (rd.o.read_file && p->role != CLU_ROLE_WORKER) {
		fprintf(stderr, "steerd: -r: %s is a %s; only a worker reads a capture\n", name,
		        clu_role_name(p->role));
		clu_layout_free(l);
		steer_config_free(cfg);
		return EXIT_USAGE;
	}
	if (check) {
		/* The manager's notice policy too: it would not start with an error there. */
		struct clu_notice_cfg nc;
		struct steer_diags d = {0};
		int nrc = p->role == CLU_ROLE_MANAGER ? clu_notice_cfg_load(dir, &nc, &d) : 0;
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.v[i].text);
		if (p->role == CLU_ROLE_MANAGER)
			clu_notice_cfg_free(&nc);
		steer_diags_free(&d);
		if (nrc != 0) {
			clu_layout_free(l);
			steer_config_free(cfg);
			return EXIT_USAGE;
		}
		printf("%s: %s %s on %s, port %u, metrics %s:%u\n", dir, clu_role_name(p->role),
		       p->name, p->node->host, (unsigned)p->port, cfg->cluster.metrics_address,
		       (unsigned)p->metrics_port);
		clu_layout_free(l);
		steer_config_free(cfg);
		return EXIT_OK;
	}
	clu_layout_free(l);
	if (clu_node_workdir(cfg, name, workdir, sizeof(workdir)) != 0) {
		fprintf(stderr, "steerd: state_dir: path too long\n");
		steer_config_free(cfg);
		return EXIT_USAGE;
	}

	int ready = -1;
	if (daemon) {
		int rc = steerd_daemonize(&ready);
		if (rc >= 0) {
			steer_config_free(cfg);
			return rc;
		}
	}
	signals();
	struct sources src = {0};
	struct clu_node_opts opts = {.spool_all = spool_all, .work = sources_work, .arg = &src,
	                             .worker = &rd.o};
	if ((eo.count && !(src.emit = steerd_emit_new(&eo, workdir, name))) ||
	    ((so.inserts || so.record || so.known || so.nnotices) &&
	     !(src.share = steerd_share_new(&so, workdir, name)))) {
		steerd_ready(ready, workdir, "steerd: cannot start the test sources");
		steerd_emit_free(src.emit);
		steer_config_free(cfg);
		return EXIT_FAIL;
	}
	if (!src.emit && !src.share)
		opts.work = NULL;
	struct clu_node *node;
	int rc = clu_node_open(cfg, name, &opts, &node, err);
	if (rc != 0) {
		char msg[STEER_ERRBUF_SIZE + 16];
		snprintf(msg, sizeof(msg), "steerd: %s", err);
		if (ready >= 0)
			steerd_ready(ready, workdir, msg);
		else
			fprintf(stderr, "%s\n", msg);
		steerd_emit_free(src.emit);
		steerd_share_free(src.share);
		return rc == STEER_EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	steerd_ready(ready, workdir, NULL);
	rc = clu_node_run(node, &stop_flag, err);
	if (rc != 0)
		fprintf(stderr, "steerd: %s\n", err);
	clu_node_close(node);
	steerd_emit_free(src.emit);
	steerd_share_free(src.share);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
