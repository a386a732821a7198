/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/size.c: "steerctl size": worker cores and hosts for a peak rate, by the cluster
 * sizing rule of thumb (one worker core per 250 Mbps of traffic). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "out.h"
#include "steerctl.h"

static const char usage[] =
	"Usage: steerctl size --peak RATE [--per-core RATE] [--cores-per-host N]\n"
	"                     [--reserve N] [--json]\n"
	"\n"
	"Size a cluster for a link's peak rate by the rule of thumb that one worker\n"
	"core keeps up with about 250 Mbps of typical traffic. Shows the exact number\n"
	"of cores, then whole worker processes (one per core) and hosts.\n"
	"The rule is an assumption about your traffic; measure your own per-core rate\n"
	"and give it with --per-core.\n"
	"\n"
	"Rates: a number with a unit, bps, Kbps, Mbps, Gbps or Tbps (or K, M, G, T),\n"
	"e.g. 2Gbps, 2.5Gbps, 800Mbps. As the sizing rule counts, 1 Gbps = 1024 Mbps.\n"
	"\n"
	"Options:\n"
	"      --peak RATE          the link's peak rate (required)\n"
	"      --per-core RATE      what one worker core handles (default 250Mbps)\n"
	"      --cores-per-host N   cores of each worker host (default 16)\n"
	"      --reserve N          cores per host kept for the OS, the manager, logger\n"
	"                           and proxies (default 1)\n"
	"      --json               print a JSON object\n"
	"  -h, --help               show this help\n";

int steerctl_size(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
		{"peak", required_argument, NULL, 'p'},
		{"per-core", required_argument, NULL, 'r'},
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
	int c;
	(void)confdir;
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
	if (!have_peak) {
		cli_usage_error(prog, "--peak RATE is required");
		return EXIT_USAGE;
	}
	if (reserve >= cores_per_host) {
		cli_usage_error(prog, "--reserve %llu leaves no worker core on a %llu-core host",
		                (unsigned long long)reserve, (unsigned long long)cores_per_host);
		return EXIT_USAGE;
	}
	double cores = peak / per_core;
	/* A hair of tolerance so 2000 Mbps / 250 Mbps is 8 cores, not 9 from rounding noise. */
	uint64_t workers = (uint64_t)ceil(cores - 1e-9);
	if (workers == 0)
		workers = 1;
	uint64_t per_host = cores_per_host - reserve;
	uint64_t hosts = (workers + per_host - 1) / per_host;

	struct out o;
	out_init(&o, stdout, json);
	out_obj_open(&o, NULL);
	out_double(&o, "peak_mbps", "peak %.6g Mbps", peak, 3);
	out_double(&o, "per_core_mbps", " / %.6g Mbps per core", per_core, 3);
	out_double(&o, "cores", " = %.1f cores\n", cores, 3);
	out_u64(&o, "workers", "workers: %llu", workers);
	out_text(&o, " (one worker process per core, rounded up)\n");
	out_u64(&o, "hosts", "hosts: %llu", hosts);
	out_u64(&o, "cores_per_host", " (%llu cores per host, ", cores_per_host);
	out_u64(&o, "reserve", "%llu kept for the OS and the other roles: ", reserve);
	out_u64(&o, "workers_per_host", "%llu workers per host)\n", per_host);
	out_text(&o, "assumes: one core per %.6g Mbps (the rule of thumb; calibrate on your own "
	             "traffic with --per-core); 1 Gbps = 1024 Mbps\n", per_core);
	out_str(&o, "assumption", NULL,
	        "one worker core per per_core_mbps of traffic; 1 Gbps = 1024 Mbps");
	out_obj_close(&o);
	out_end(&o);
	return EXIT_OK;
}
