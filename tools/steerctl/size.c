/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/size.c: "steerctl size": worker cores and hosts for a peak rate, by the cluster
 * sizing rule of thumb (one worker core per 250 Mbps of traffic), or by the rate one core of the
 * worker's analysis sustains on the user's own trace (--measure). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <steer/cap_pcap.h>
#include <steer/clu_worker.h>
#include <steer/error.h>

#include "cli.h"
#include "out.h"
#include "setup.h"
#include "steerctl.h"

static const char usage[] =
    "Usage: steerctl size --peak RATE [--per-core RATE] [--cores-per-host N]\n"
    "                     [--reserve N] [--json]\n"
    "       steerctl [-c DIR] size --measure FILE.pcap [--peak RATE] [...]\n"
    "\n"
    "Size a cluster for a link's peak rate by the rule of thumb that one worker\n"
    "core keeps up with about 250 Mbps of typical traffic. Shows the exact number\n"
    "of cores, then whole worker processes (one per core) and hosts.\n"
    "The rule is an assumption about your traffic; measure your own per-core rate\n"
    "and give it with --per-core, or let --measure do it.\n"
    "\n"
    "--measure FILE runs the worker's analysis (steerd -r's: connection tracking and\n"
    "the log records, on one core, the records dropped) over your own trace, after\n"
    "reading it once alone (which also puts it in the page cache), and sizes the\n"
    "cluster from the rate it sustained, beside the rule's figures. Without --peak\n"
    "the peak is the trace's own: its busiest second. -c DIR gives networks.cfg and\n"
    "steer.cfg's options to the analysis.\n"
    "\n"
    "Rates: a number with a unit, bps, Kbps, Mbps, Gbps or Tbps (or K, M, G, T),\n"
    "e.g. 2Gbps, 2.5Gbps, 800Mbps. As the sizing rule counts, 1 Gbps = 1024 Mbps.\n"
    "\n"
    "Options:\n"
    "      --peak RATE          the link's peak rate (required without --measure)\n"
    "      --per-core RATE      what one worker core handles (default 250Mbps)\n"
    "      --measure FILE       measure the per-core rate on this capture\n"
    "      --cores-per-host N   cores of each worker host (default 16)\n"
    "      --reserve N          cores per host kept for the OS, the manager, logger\n"
    "                           and proxies (default 1)\n"
    "      --json               print a JSON object\n"
    "  -h, --help               show this help\n";

/* As the sizing rule counts, 1 Gbps = 1024 Mbps: one of its Mbps is 10^9 / 1024 bits/s. */
#define RULE_MBPS_BITS (1e9 / 1024)

/* The most worker cores steer sizes for: beyond, the inputs are a typing error (1e30bps). */
#define SIZE_MAX_CORES 1e6

/* Whether peak at per_core (Mbps) can be sized: both positive and finite, and at most
 * SIZE_MAX_CORES cores; else says why (what: where the numbers come from). */
static bool sizable(const char *prog, const char *what, double peak, double per_core)
{
	double cores = peak / per_core;
	if (!(peak > 0 && per_core > 0 && isfinite(peak) && isfinite(per_core))) {
		fprintf(stderr,
		        "%s: %s: no rate to size from (peak %.6g Mbps, %.6g Mbps per core)\n", prog,
		        what, peak, per_core);
		return false;
	}
	if (!(cores <= SIZE_MAX_CORES)) {
		fprintf(stderr,
		        "%s: %s: %.6g Mbps at %.6g Mbps per core needs %.3g cores, more than "
		        "the %.0f steer sizes for: check the units\n",
		        prog, what, peak, per_core, cores, SIZE_MAX_CORES);
		return false;
	}
	return true;
}

/* The cores, workers and hosts for peak at per_core (Mbps; sizable()), as one block. */
static void sizing(struct out *o, double peak, double per_core, uint64_t cores_per_host,
                   uint64_t reserve)
{
	double cores = peak / per_core;
	/* A hair of tolerance so 2000 Mbps / 250 Mbps is 8 cores, not 9 from rounding noise. */
	uint64_t workers = (uint64_t)ceil(cores - 1e-9);
	if (workers == 0)
		workers = 1;
	uint64_t per_host = cores_per_host - reserve;
	uint64_t hosts = (workers + per_host - 1) / per_host;
	out_double(o, "peak_mbps", "peak %.6g Mbps", peak, 3);
	out_double(o, "per_core_mbps", " / %.6g Mbps per core", per_core, 3);
	out_double(o, "cores", " = %.1f cores\n", cores, 3);
	out_u64(o, "workers", "workers: %llu", workers);
	out_text(o, " (one worker process per core, rounded up)\n");
	out_u64(o, "hosts", "hosts: %llu", hosts);
	out_u64(o, "cores_per_host", " (%llu cores per host, ", cores_per_host);
	out_u64(o, "reserve", "%llu kept for the OS and the other roles: ", reserve);
	out_u64(o, "workers_per_host", "%llu workers per host)\n", per_host);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct trace {
	double read_s;    /* reading it alone */
	double span_s;    /* whole seconds from the first packet to the last */
	double peak_mbps; /* its busiest second, in the rule's Mbps */
	struct clu_worker_result r;
};

/* The rate one core of the worker's analysis sustained on the trace, in Mbps. */
static double measured_rate(const struct trace *t)
{
	return (double)t->r.bytes * 8 / RULE_MBPS_BITS / t->r.seconds;
}

/* Reads the file once alone (the floor, and the page cache), finding its busiest second. */
static int read_alone(const char *prog, const char *path, struct trace *t)
{
	char err[STEER_ERRBUF_SIZE];
	struct cap_reader *r;
	if (cap_reader_open_file(path, 0, &r, err) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	struct cap_pkthdr h;
	const uint8_t *d;
	int64_t sec = INT64_MIN, first = 0, last = 0;
	uint64_t bytes = 0, peak = 0;
	double t0 = mono();
	int rc;
	while ((rc = cap_reader_next(r, &h, &d)) == CAP_PACKET) {
		if (h.ts_sec != sec) {
			if (sec == INT64_MIN)
				first = last = h.ts_sec;
			peak = bytes > peak ? bytes : peak;
			bytes = 0;
			sec = h.ts_sec;
		}
		bytes += h.len;
		last = h.ts_sec > last ? h.ts_sec : last;
	}
	t->read_s = mono() - t0;
	peak = bytes > peak ? bytes : peak;
	t->peak_mbps = (double)peak * 8 / RULE_MBPS_BITS;
	t->span_s = sec == INT64_MIN ? 0 : (double)(last - first + 1);
	if (rc < 0)
		fprintf(stderr, "%s: %s: %s\n", prog, path, cap_reader_error(r));
	cap_reader_close(r);
	return rc < 0 ? -1 : 0;
}

/* The worker's analysis over the file, its records made and dropped. */
static int measure(const char *prog, const char *path, const char *confdir, struct trace *t)
{
	if (read_alone(prog, path, t) != 0)
		return -1;
	struct steer_config *cfg;
	if (confdir ? cli_config_load(prog, confdir, &cfg) != 0 : steer_config_defaults(&cfg) != 0)
		return -1;
	struct clu_worker_opts wo = {.read_file = path};
	char err[STEER_ERRBUF_SIZE];
	int rc = clu_worker_run_file(cfg, &wo, NULL, &t->r, err);
	steer_config_free(cfg);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	if (t->r.packets == 0 || t->r.seconds <= 0) {
		fprintf(stderr, "%s: %s: no packets to measure on\n", prog, path);
		return -1;
	}
	return 0;
}

static void measured(struct out *o, const char *file, const struct trace *t, bool have_peak,
                     double peak, uint64_t cores_per_host, uint64_t reserve)
{
	const struct clu_worker_result *r = &t->r;
	double rate = measured_rate(t);
	out_obj_open(o, "measured");
	out_str(o, "file", "\nmeasured on %s: ", file);
	out_u64(o, "packets", "%llu packets, ", r->packets);
	out_u64(o, "bytes", "%llu bytes, ", r->bytes);
	out_u64(o, "connections", "%llu connections", r->conns);
	out_double(o, "trace_seconds", " in %.0f s of traffic", t->span_s, 0);
	out_double(o, "trace_peak_mbps", " (busiest second: %.6g Mbps)\n", t->peak_mbps, 3);
	out_double(o, "read_seconds", "read alone in %.3f s; ", t->read_s, 6);
	out_double(o, "analysis_seconds", "the worker's analysis on one core in %.3f s", r->seconds,
	           6);
	out_text(o, " = %.6g Mbps per core%s\n", rate,
	         have_peak ? "" : "; the peak is the trace's busiest second");
	sizing(o, peak, rate, cores_per_host, reserve);
	out_obj_close(o);
}

int steerctl_size(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
	    {"peak", required_argument, NULL, 'p'},
	    {"per-core", required_argument, NULL, 'r'},
	    {"measure", required_argument, NULL, 'm'},
	    {"cores-per-host", required_argument, NULL, 'C'},
	    {"reserve", required_argument, NULL, 'R'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *prog = "steerctl size";
	double peak = 0, per_core = 250;
	uint64_t cores_per_host = 16, reserve = 1;
	bool json = false, have_peak = false;
	const char *file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!cli_parse_rate(prog, "--peak", optarg, &peak))
				return EXIT_USAGE;
			have_peak = true;
			break;
		case 'r':
			if (!cli_parse_rate(prog, "--per-core", optarg, &per_core))
				return EXIT_USAGE;
			break;
		case 'm':
			file = optarg;
			break;
		case 'C':
			if (!cli_parse_u64(prog, "--cores-per-host", optarg, 1, 4096, false,
			                   &cores_per_host))
				return EXIT_USAGE;
			break;
		case 'R':
			if (!cli_parse_u64(prog, "--reserve", optarg, 0, 4095, false, &reserve))
				return EXIT_USAGE;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_opt_done(prog, c, usage, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	if (!have_peak && !file) {
		cli_usage_error(prog, "--peak RATE is required (or --measure FILE)");
		return EXIT_USAGE;
	}
	if (reserve >= cores_per_host) {
		cli_usage_error(prog, "--reserve %llu leaves no worker core on a %llu-core host",
		                (unsigned long long)reserve, (unsigned long long)cores_per_host);
		return EXIT_USAGE;
	}
	struct trace t = {0};
	if (file && measure(prog, file, confdir, &t) != 0)
		return EXIT_USAGE;
	if (!have_peak)
		peak = t.peak_mbps;
	if (!sizable(prog, "--peak, --per-core", peak, per_core) ||
	    (file && !sizable(prog, file, peak, measured_rate(&t))))
		return EXIT_USAGE;

	struct out o;
	out_init(&o, stdout, json);
	out_obj_open(&o, NULL);
	sizing(&o, peak, per_core, cores_per_host, reserve);
	out_text(&o,
	         "assumes: one core per %.6g Mbps (the rule of thumb; calibrate on your own "
	         "traffic with --per-core); 1 Gbps = 1024 Mbps\n",
	         per_core);
	out_str(&o, "assumption", NULL,
	        "one worker core per per_core_mbps of traffic; 1 Gbps = 1024 Mbps");
	if (file)
		measured(&o, file, &t, have_peak, peak, cores_per_host, reserve);
	out_obj_close(&o);
	out_end(&o);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steerctl size: standard output");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
