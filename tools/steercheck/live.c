/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/live.c: `steercheck live`: capture on the workers' interfaces for a while and give
 * the same analysis and report as `steercheck pcap`. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/cap_privs.h>
#include <steer/error.h>

#include "cli.h"
#include "steercheck.h"
#include "cap.h"

static const char live_usage[] =
	"Usage: steercheck [-c DIR] live [-i [WORKER=]IFACE[@NETNS],...] --duration T\n"
	"                  [--snaplen N] [--buffer-size N] [--user USER] [OPTIONS]\n"
	"\n"
	"Capture on the workers' interfaces for T, then the same analysis and report as\n"
	"'steercheck pcap': split and asymmetric flows, packets to no worker, flows at\n"
	"another worker than predicted, one-sided TCP, and each worker's share.\n"
	"\n"
	"  -i, --interface LIST  capture points, comma-separated: IFACE (on this host),\n"
	"                        IFACE@NETNS (inside an 'ip netns' namespace), WORKER=...\n"
	"                        (what arrives there is that worker's). An interface\n"
	"                        only one worker uses is that worker's; one several\n"
	"                        share is balanced: the destination MAC (or VLAN) names\n"
	"                        the worker. Default: the workers' 'interface' values.\n"
	"  -d, --duration T      how long to capture: 10, 10s, 500ms, 2m (SIGINT stops\n"
	"                        early, and the report is still written)\n"
	"      --snaplen N       bytes kept per frame (default 262144; 128 is enough for\n"
	"                        the analysis of plain traffic)\n"
	"      --buffer-size N   kernel capture buffer per interface in bytes (default\n"
	"                        32 MiB)\n"
	"      --user USER       drop root for USER once the interfaces are open\n"
	"  -h, --help            show this help\n"
	"Report options:\n";

/* The kernel's capture buffer per interface (--buffer-size overrides). */
#define LIVE_BUFFER (32u << 20)
/* After the window: how long the ring's last, partly filled blocks take to be handed over
 * (libpcap's TPACKET_V3 block timeout is at most this). */
#define LIVE_DRAIN_MS 250

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

struct live_ctx {
	struct sc_ctx *x;
	int err;
};

static void feed_one(void *arg, const struct sc_cap *c, const struct cap_pkthdr *h,
                     const uint8_t *frame)
{
	struct live_ctx *l = arg;
	if (l->err || h->caplen == 0)
		return;
	uint64_t ts = (uint64_t)h->ts_sec * 1000000000u +
	              (c->nano ? h->ts_frac : (uint64_t)h->ts_frac * 1000u);
	int who = c->worker >= 0 ? c->worker : STEER_CHECK_BY_DEST;
	int rc = steer_check_feed(l->x->check, who, c->linktype, frame, h->caplen, h->len, ts);
	if (rc == STEER_ENOMEM)
		l->err = rc; /* the check stays usable, but the proof would be incomplete */
}

int steercheck_live(int argc, char **argv, const char *confdir)
{
	enum { OPT_SNAPLEN = 2000, OPT_BUFFER, OPT_USER };
	static const struct option opts[] = {
		SC_COMMON_LONGOPTS,
		{"interface", required_argument, NULL, 'i'},
		{"duration", required_argument, NULL, 'd'},
		{"snaplen", required_argument, NULL, OPT_SNAPLEN},
		{"buffer-size", required_argument, NULL, OPT_BUFFER},
		{"user", required_argument, NULL, OPT_USER},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steercheck live";
	struct sc_common o;
	sc_common_init(&o, confdir);
	const char *list = NULL, *user = NULL;
	uint64_t duration_ms = 0, v;
	/* Not immediate mode: libpcap's TPACKET_V3 ring packs frames into blocks, so 32 MiB hold
	 * tens of thousands of frames; immediate mode's TPACKET_V2 ring gives every frame a slot
	 * for the largest the snaplen allows (256 KiB with the default: 8 frames in libpcap's
	 * default 2 MiB), and the kernel dropped frames at any real rate. Latency does not matter
	 * here: the window is drained at its end. */
	struct cap_live_opts lo = {.promisc = true, .immediate = false, .timeout_ms = 20,
	                           .inbound_only = true, .buffer_size = LIVE_BUFFER};
	int c;
	while ((c = getopt_long(argc, argv, "c:i:d:h", opts, NULL)) != -1) {
		int r = sc_common_opt(&o, prog, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'i':
			list = optarg;
			break;
		case 'd':
			if (!sc_parse_duration(prog, "--duration", optarg, &duration_ms))
				return EXIT_USAGE;
			break;
		case OPT_SNAPLEN:
			if (!cli_parse_u64(prog, "--snaplen", optarg, 64, CAP_MAX_SNAPLEN, false, &v))
				return EXIT_USAGE;
			lo.snaplen = (uint32_t)v;
			break;
		case OPT_BUFFER:
			if (!cli_parse_u64(prog, "--buffer-size", optarg, 65536, 1u << 30, false, &v))
				return EXIT_USAGE;
			lo.buffer_size = (uint32_t)v;
			break;
		case OPT_USER:
			user = optarg;
			break;
		default:
			return cli_opt_done(prog, c, live_usage, sc_common_help, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	if (!duration_ms) {
		cli_usage_error(prog, "--duration is required");
		return EXIT_USAGE;
	}

	struct sc_ctx x;
	if (sc_setup(&x, prog, "live", &o, true) != 0) {
		sc_teardown(&x);
		return EXIT_USAGE;
	}
	struct sc_caps caps = {0};
	int rc = EXIT_USAGE;
	if (sc_html_check(&x) != 0 || sc_caps_parse(prog, x.plan, list, &caps) != 0)
		goto out;
	bool balanced = false;
	for (size_t i = 0; i < caps.n; i++)
		balanced |= caps.v[i].worker < 0;
	if (balanced && x.plan->delivery == STEER_DELIVER_PORT) {
		fprintf(stderr,
		        "%s: delivery is 'port': a shared interface does not say which port a "
		        "packet left by; give WORKER=IFACE for each worker\n",
		        prog);
		goto out;
	}
	x.inputs = calloc(caps.n, sizeof(*x.inputs));
	x.input_worker = calloc(caps.n, sizeof(*x.input_worker));
	if (!x.inputs || !x.input_worker) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	for (size_t i = 0; i < caps.n; i++) {
		const char *at = strchr(caps.v[i].spec, '=');
		x.inputs[i] = at ? at + 1 : caps.v[i].spec;
		x.input_worker[i] = caps.v[i].worker;
	}
	x.ninputs = caps.n;
	if (sc_caps_open(prog, &caps, &lo) != 0)
		goto out;
	if (user) {
		char errbuf[STEER_ERRBUF_SIZE];
		if (cap_drop_privileges(user, errbuf) != 0) {
			fprintf(stderr, "%s: %s\n", prog, errbuf);
			goto out;
		}
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct live_ctx l = {.x = &x};
	double t0 = sc_now(), end = t0 + (double)duration_ms / 1000.0;
	uint64_t seen = 0;
	while (!g_stop && sc_now() < end) {
		long n = sc_caps_poll(prog, &caps, 20, feed_one, &l);
		if (n < 0)
			goto out;
		seen += (uint64_t)n;
	}
	/* what is already in the kernel's buffers belongs to the window too, blocks not yet
	 * handed over included */
	long n = 0;
	double drain_end = sc_now() + LIVE_DRAIN_MS / 1000.0;
	while (sc_now() < drain_end && (n = sc_caps_poll(prog, &caps, 20, feed_one, &l)) >= 0)
		seen += (uint64_t)n;
	if (n < 0)
		goto out;
	if (l.err) {
		fprintf(stderr, "%s: out of memory: the flow table could not hold every flow\n",
		        prog);
		goto out;
	}
	for (size_t i = 0; i < caps.n; i++) {
		uint64_t d = sc_caps_drops(&caps, i);
		if (d)
			fprintf(stderr, "%s: %s: the kernel dropped %llu packets: the capture is "
			                "incomplete (raise --buffer-size, lower --snaplen)\n",
			        prog, caps.v[i].spec, (unsigned long long)d);
	}
	x.seconds = sc_now() - t0;
	if (g_stop)
		fprintf(stderr, "%s: stopped early after %.1f s\n", prog, x.seconds);
	(void)seen;
	rc = sc_report(&x);
out:
	sc_caps_close(&caps);
	sc_teardown(&x);
	return rc;
}
