/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/pcap.c: "steercheck pcap": the passive proof from captures taken at the workers
 * (one per worker) or after the balancer (one balanced capture, worker by MAC or VLAN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>
#include <steer/packet.h>

#include "cli.h"
#include "steercheck.h"

static const char usage_head[] =
	"Usage: steercheck [-c DIR] pcap [OPTIONS] FILE...\n"
	"\n"
	"Check the steering on captures (classic pcap or pcapng), either\n"
	"  - one capture per worker: WORKER=FILE, or FILE named after the worker\n"
	"    (worker-1.pcap, worker-2.pcapng, ...): each packet was seen there; or\n"
	"  - one balanced capture (the balancer's output, e.g. steerlb -w): the\n"
	"    destination MAC (delivery mac) or the outer VLAN (delivery vlan) names the\n"
	"    worker; a packet to no worker's MAC or VLAN is a fault.\n"
	"A file that names no worker is a balanced capture; --balanced says so for all.\n"
	"\n"
	"Findings, worst first, each with its flow and the workers involved:\n"
	"  split          one direction of a flow at more than one worker (marked\n"
	"                 'duplicated' when two saw the very same packets: overlapping\n"
	"                 filters, a capture counted twice: duplicate conn.log entries)\n"
	"  asymmetric     the two directions at different workers\n"
	"  unknown-dest   packets to a MAC or VLAN of no worker\n"
	"  misdirected    at another worker than the plan predicts (only when the\n"
	"                 profile's hash is known)\n"
	"  one-sided-tcp  TCP seen one way only with ACKs: no handshake answer\n"
	"  imbalance      a worker's share of packets above --max-imbalance x its own\n"
	"\n"
	"Options:\n"
	"      --balanced        every FILE is a balanced capture\n";

static const char usage_tail[] =
	"  -h, --help            show this help\n"
	"\n"
	"A capture given twice for one worker is read once; captures with no packet at\n"
	"all prove nothing: that is a failure.\n"
	"\n"
	"Exit status: 0 no fault; 1 faults beyond the thresholds, or no packet at all;\n"
	"2 usage, configuration or input error (a missing, truncated or corrupt capture,\n"
	"a wrong magic, an unsupported link type).\n";

/* The worker a file is named after: "DIR/worker-1.pcap" -> worker-1; -1 if none. */
static int worker_by_filename(const struct steer_plan *p, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	static const char *const exts[] = {".pcapng", ".pcap", ".cap"};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && strcmp(base + n - e, exts[i]) == 0) {
			n -= e;
			break;
		}
	}
	for (size_t i = 0; i < p->nworkers; i++)
		if (strlen(p->workers[i].name) == n && strncmp(p->workers[i].name, base, n) == 0)
			return (int)i;
	return -1;
}

/* Resolves the arguments into (file, worker) pairs. Returns 0 or -1 (message printed). */
static int resolve_inputs(struct sc_ctx *x, int n, char **args, bool balanced)
{
	const struct steer_plan *p = x->plan;
	x->inputs = calloc((size_t)n, sizeof(*x->inputs));
	x->input_worker = calloc((size_t)n, sizeof(*x->input_worker));
	if (!x->inputs || !x->input_worker) {
		fprintf(stderr, "%s: out of memory\n", x->prog);
		return -1;
	}
	size_t named = 0;
	for (int i = 0; i < n; i++) {
		const char *a = args[i], *eq = strchr(a, '=');
		int w = -1;
		if (eq && !memchr(a, '/', (size_t)(eq - a)) && !balanced) {
			/* WORKER=FILE */
			size_t len = (size_t)(eq - a);
			for (size_t k = 0; k < p->nworkers; k++)
				if (strlen(p->workers[k].name) == len &&
				    strncmp(p->workers[k].name, a, len) == 0)
					w = (int)k;
			if (w < 0) {
				fprintf(stderr, "%s: %s: no worker named '%.*s' in the plan\n",
				        x->prog, a, (int)len, a);
				return -1;
			}
			a = eq + 1;
			if (!*a) {
				cli_usage_error(x->prog, "%s: no file after '='", args[i]);
				return -1;
			}
		} else if (!balanced) {
			w = worker_by_filename(p, a);
		}
		named += w >= 0;
		x->inputs[i] = a;
		x->input_worker[i] = w;
	}
	x->ninputs = (size_t)n;
	if (named && named != (size_t)n) {
		for (int i = 0; i < n; i++) {
			if (x->input_worker[i] < 0) {
				fprintf(stderr,
				        "%s: %s: cannot tell which worker captured it: name it "
				        "WORKER.pcap or give WORKER=%s (or --balanced for balanced "
				        "captures only)\n",
				        x->prog, x->inputs[i], x->inputs[i]);
				return -1;
			}
		}
	}
	if (!named && p->delivery == STEER_DELIVER_PORT) {
		fprintf(stderr,
		        "%s: delivery is 'port': a balanced capture does not say which port a "
		        "packet left by; give one capture per worker (WORKER=FILE)\n",
		        x->prog);
		return -1;
	}
	return 0;
}

/* The same capture given twice for one worker (two names, a link) would count its packets
 * twice, and every flow in it as split into duplicates: read once, with a warning. Given for
 * two workers it is kept: that is what the 'duplicated' finding is for. */
static void drop_repeats(struct sc_ctx *x)
{
	struct stat *st = calloc(x->ninputs, sizeof(*st));
	bool *have = calloc(x->ninputs, sizeof(*have));
	size_t n = 0;
	for (size_t i = 0; st && have && i < x->ninputs; i++) {
		const char *f = x->inputs[i];
		have[n] = strcmp(f, "-") != 0 && stat(f, &st[n]) == 0 && S_ISREG(st[n].st_mode);
		bool repeat = false;
		for (size_t k = 0; have[n] && k < n && !repeat; k++) {
			repeat = have[k] && st[k].st_dev == st[n].st_dev &&
			         st[k].st_ino == st[n].st_ino &&
			         x->input_worker[k] == x->input_worker[i];
			if (repeat)
				fprintf(stderr,
				        "%s: warning: %s is %s again (the same file): read once\n",
				        x->prog, f, x->inputs[k]);
		}
		if (repeat)
			continue;
		x->inputs[n] = x->inputs[i];
		x->input_worker[n] = x->input_worker[i];
		n++;
	}
	if (st && have)
		x->ninputs = n;
	free(st);
	free(have);
}

/* One capture per worker, but not for every worker: its flows go unchecked (and the shares
 * count it as idle). Worth saying once the captures are read, not a fault of the steering. */
static void warn_missing(const struct sc_ctx *x)
{
	const struct steer_plan *p = x->plan;
	bool named = false;
	for (size_t i = 0; i < x->ninputs; i++)
		named |= x->input_worker[i] >= 0;
	for (size_t k = 0; named && k < p->nworkers; k++) {
		bool have = false;
		for (size_t i = 0; i < x->ninputs && !have; i++)
			have = x->input_worker[i] == (int)k;
		if (!have && p->workers[k].alive)
			fprintf(stderr, "%s: warning: no capture for %s: its traffic is not checked\n",
			        x->prog, p->workers[k].name);
	}
}

/* Reads one capture into the check. Returns 0 or -1 (message printed). */
static int read_one(struct sc_ctx *x, const char *path, int worker)
{
	char errbuf[STEER_ERRBUF_SIZE];
	struct cap_reader *r;
	if (cap_reader_open_file(path, 0, &r, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", x->prog, errbuf);
		return -1;
	}
	int lt = cap_reader_linktype(r), rc = -1;
	struct steer_pkt probe;
	if (steer_parse(lt, NULL, 0, false, &probe) == STEER_PKT_UNSUPPORTED_LINK) {
		fprintf(stderr,
		        "%s: %s: link type %d (%s) is not supported (Ethernet, raw IP, Linux "
		        "cooked)\n",
		        x->prog, path, lt, cap_linktype_name(lt));
		goto out;
	}
	if (worker < 0 && x->plan->delivery == STEER_DELIVER_MAC && lt != STEER_LINK_ETHERNET) {
		fprintf(stderr,
		        "%s: %s: link type %s has no destination MAC: a balanced capture must be "
		        "Ethernet to tell the workers apart\n",
		        x->prog, path, cap_linktype_name(lt));
		goto out;
	}
	int who = worker >= 0 ? worker : STEER_CHECK_BY_DEST;
	bool nano = cap_reader_precision(r) == CAP_TS_NANO;
	struct sc_progress prog;
	sc_progress_start(&prog, x->o, path, cap_reader_size(r));
	struct cap_pkthdr h;
	const uint8_t *d;
	uint64_t n = 0;
	int st;
	while ((st = cap_reader_next(r, &h, &d)) == CAP_PACKET) {
		n++;
		uint64_t ts = (uint64_t)h.ts_sec * 1000000000u +
		              (nano ? h.ts_frac : (uint64_t)h.ts_frac * 1000u);
		int frc = steer_check_feed(x->check, who, lt, d, h.caplen, h.len, ts);
		if (frc != 0) {
			fprintf(stderr, "%s: %s: packet %llu: %s\n", x->prog, path,
			        (unsigned long long)cap_reader_count(r), steer_strerror(frc));
			goto out_prog;
		}
		if ((n & 0xffff) == 0)
			sc_progress_update(&prog, cap_reader_offset(r), n);
	}
	if (st < 0) {
		fprintf(stderr, "%s: %s: %s\n", x->prog, path, cap_reader_error(r));
		goto out_prog;
	}
	rc = 0;
out_prog:
	sc_progress_end(&prog);
out:
	cap_reader_close(r);
	return rc;
}

int steercheck_pcap(int argc, char **argv, const char *confdir)
{
	enum { OPT_BALANCED = 2000 };
	static const struct option opts[] = {
		SC_COMMON_LONGOPTS,
		{"balanced", no_argument, NULL, OPT_BALANCED},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steercheck pcap";
	struct sc_common o;
	sc_common_init(&o, confdir);
	bool balanced = false;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		int k = sc_common_opt(&o, prog, c, optarg);
		if (k < 0)
			return EXIT_USAGE;
		if (k > 0)
			continue;
		switch (c) {
		case OPT_BALANCED:
			balanced = true;
			break;
		default:
			return cli_opt_done(prog, c, usage_head, sc_common_help, usage_tail, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 1, -1,
	                  "give at least one capture FILE (or WORKER=FILE)"))
		return EXIT_USAGE;
	struct sc_ctx x;
	int rc = EXIT_USAGE;
	if (sc_setup(&x, prog, "pcap", &o, true) != 0)
		goto out;
	if (resolve_inputs(&x, argc - optind, argv + optind, balanced) != 0 ||
	    sc_html_check(&x) != 0)
		goto out;
	drop_repeats(&x);
	double t0 = sc_now();
	for (size_t i = 0; i < x.ninputs; i++)
		if (read_one(&x, x.inputs[i], x.input_worker[i]) != 0)
			goto out;
	x.seconds = sc_now() - t0;
	warn_missing(&x);
	rc = sc_report(&x);
out:
	sc_teardown(&x);
	return rc;
}
