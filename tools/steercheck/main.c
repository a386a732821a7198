/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/main.c: the operator's proof that steering works: dispatch, shared options and set-up,
 * the progress bar. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <steer/error.h>
#include <steer/hwp_profile.h>

#include "cli.h"
#include "steercheck.h"

static const char usage[] =
	"Usage: steercheck [-c DIR] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Prove that the frontend balancer steers every packet of a flow, both\n"
	"directions, to exactly one worker, and say plainly what is wrong where not.\n"
	"\n"
	"Commands:\n"
	"  plan [--json]\n"
	"      Static proof: every worker's filter compiles; synthetic traffic covering\n"
	"      every bucket, both directions, IPv4 and IPv6, tagged and untagged, and\n"
	"      fragments matches exactly one worker's filter, the predicted one; MACs\n"
	"      are unique and unicast; the plan fits the profile's limits.\n"
	"  pcap [OPTIONS] FILE...\n"
	"      Passive proof from captures: one per worker (WORKER=FILE, or files named\n"
	"      after the workers), or one balanced capture where the destination MAC or\n"
	"      VLAN names the worker. Finds split and asymmetric flows, packets to no\n"
	"      worker, flows at another worker than the plan predicts, one-sided TCP,\n"
	"      and each worker's share of packets, bytes and flows.\n"
	"  live [-i [WORKER=]IFACE[@NETNS],...] --duration T [OPTIONS]\n"
	"      The same proof on the workers' interfaces, live, for T.\n"
	"  probe --in IFACE[@NETNS] [-i [WORKER=]IFACE[@NETNS],...] [OPTIONS]\n"
	"      Active proof: crafted probe flows (both directions, every encapsulation)\n"
	"      sent into the balancer's input must each arrive once, at one worker, the\n"
	"      same for both directions, and at the predicted one.\n"
	"\n"
	"Options:\n"
	"  -c, --config DIR  configuration directory holding node.cfg, steer.cfg and\n"
	"                    networks.cfg (default: $STEER_CONFIG_DIR, else /etc/steer)\n"
	"  -h, --help        show this help; 'steercheck COMMAND --help' shows a command's\n"
	"  -V, --version     show the version\n"
	"\n"
	"Exit status: 0 steering is right; 1 steering faults found (beyond the\n"
	"thresholds); 2 usage, configuration or input error (e.g. a damaged capture).\n";

static const struct cli_command commands[] = {
	{"plan", steercheck_plan},
	{"pcap", steercheck_pcap},
	{"live", steercheck_live},
	{"probe", steercheck_probe},
};

int main(int argc, char **argv)
{
	return cli_dispatch("steercheck", usage, commands, sizeof(commands) / sizeof(commands[0]),
	                    argc, argv);
}

/* ---- shared options ---- */

const char sc_common_help[] =
	"  -c, --config DIR      configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                        else /etc/steer)\n"
	"      --json            the report as JSON on standard output\n"
	"      --html FILE       also write the report as one self-contained HTML page\n"
	"                        (bar chart of each worker's share, tables of faults)\n"
	"      --max-split N[%]  split and asymmetric flows tolerated: a number, or a\n"
	"                        percentage of the flows (default 0)\n"
	"      --max-imbalance R highest share / expected share of packets tolerated for\n"
	"                        any worker (default 1.5)\n"
	"      --min-flows N     judge the imbalance only with at least N flows per\n"
	"                        worker (default 20)\n"
	"      --top N           findings listed per kind, and heaviest flows (default 10)\n"
	"      --max-flows N     bound the flow table (default: no bound); later new flows\n"
	"                        are counted but not analysed\n"
	"      --no-predict      do not hold flows to the plan's predicted worker (by\n"
	"                        default checked when the profile's hash is known)\n"
	"      --stats           time, rate, memory and bytes per flow on standard error\n"
	"      --[no-]progress   a progress bar on standard error (default: when it is a\n"
	"                        terminal and the input is large)\n";

void sc_common_init(struct sc_common *o, const char *confdir)
{
	memset(o, 0, sizeof(*o));
	o->confdir = confdir;
	o->check.max_imbalance = 1.5;
	o->check.min_flows = 20;
	o->check.top = 10;
	o->progress = -1;
}

static bool parse_double(const char *prog, const char *what, const char *s, double min,
                         double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno || !isfinite(v) || v < min) {
		char q[CLI_QUOTE_SIZE];
		fprintf(stderr, "%s: %s: '%s' is not a number of at least %g\n", prog, what,
		        cli_quote(s, q), min);
		return false;
	}
	*out = v;
	return true;
}

int sc_common_opt(struct sc_common *o, const char *prog, int c, const char *arg)
{
	uint64_t v;
	switch (c) {
	case 'c':
		o->confdir = arg;
		return 1;
	case SC_OPT_JSON:
		o->json = true;
		return 1;
	case SC_OPT_HTML:
		o->html = arg;
		return 1;
	case SC_OPT_MAX_SPLIT: {
		size_t n = strlen(arg);
		if (n > 1 && arg[n - 1] == '%') {
			char num[64];
			double pct = 0;
			if (n >= sizeof(num)) {
				char q[CLI_QUOTE_SIZE];
				fprintf(stderr, "%s: --max-split: '%s' is too long\n", prog,
				        cli_quote(arg, q));
				return -1;
			}
			memcpy(num, arg, n - 1);
			num[n - 1] = '\0';
			if (!parse_double(prog, "--max-split", num, 0, &pct) || pct > 100) {
				if (pct > 100)
					fprintf(stderr, "%s: --max-split: %s is above 100%%\n", prog, arg);
				return -1;
			}
			o->check.max_split_frac = pct / 100.0;
			o->check.max_split = 0;
			return 1;
		}
		if (!cli_parse_u64(prog, "--max-split", arg, 0, UINT64_MAX, false, &v))
			return -1;
		o->check.max_split = v;
		o->check.max_split_frac = 0;
		return 1;
	}
	case SC_OPT_MAX_IMBALANCE:
		return parse_double(prog, "--max-imbalance", arg, 1.0, &o->check.max_imbalance) ? 1
		                                                                                : -1;
	case SC_OPT_MIN_FLOWS:
		if (!cli_parse_u64(prog, "--min-flows", arg, 1, UINT32_MAX, false, &v))
			return -1;
		o->check.min_flows = v;
		return 1;
	case SC_OPT_TOP:
		if (!cli_parse_u64(prog, "--top", arg, 1, 1000000, false, &v))
			return -1;
		o->check.top = (size_t)v;
		return 1;
	case SC_OPT_MAX_FLOWS:
		if (!cli_parse_u64(prog, "--max-flows", arg, 1, (uint64_t)1 << 31, false, &v))
			return -1;
		o->check.max_flows = (size_t)v;
		return 1;
	case SC_OPT_NO_PREDICT:
		o->no_predict = true;
		return 1;
	case SC_OPT_STATS:
		o->stats = true;
		return 1;
	case SC_OPT_PROGRESS:
		o->progress = 1;
		return 1;
	case SC_OPT_NO_PROGRESS:
		o->progress = 0;
		return 1;
	default:
		return 0;
	}
}

/* ---- set-up ---- */

int sc_setup(struct sc_ctx *x, const char *prog, const char *mode, struct sc_common *o,
             bool analysis)
{
	memset(x, 0, sizeof(*x));
	x->prog = prog;
	x->mode = mode;
	x->o = o;
	if (cli_setup_load(&x->setup, "steercheck", o->confdir, CLI_LOAD_PROFILE) != 0)
		return -1;
	x->plan = x->setup.plan;
	/* predictions are the device's: the encapsulations it parses, how it picks an output */
	hwp_profile_view(x->setup.profile, x->plan);
	x->fingerprint = x->setup.fingerprint;
	x->profile_name = x->setup.profile->name;
	x->hash_known = x->setup.profile->hash_known;
	if (!x->hash_known)
		x->predict_note = "the profile's hash is not known: flows are not held to a "
		                  "predicted worker";
	if (o->no_predict)
		x->predict_note = "--no-predict";
	if (!analysis)
		return 0;
	struct steer_check_opts co = o->check;
	co.predict = x->hash_known && !o->no_predict;
	char errbuf[STEER_ERRBUF_SIZE];
	if (steer_check_new(x->plan, &co, &x->check, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		return -1;
	}
	return 0;
}

int sc_html_check(const struct sc_ctx *x)
{
	const char *html = x->o->html;
	if (!html)
		return 0;
	if (ofile_is_std(html) && x->o->json) {
		cli_usage_error(x->prog, "--html - and --json would both write to standard output");
		return -1;
	}
	struct ofile of;
	if (ofile_open(&of, x->prog, "--html", html, OFILE_LOOK) != 0)
		return -1;
	/* the inputs of pcap are files (live's and probe's are interfaces) */
	bool files = strcmp(x->mode, "pcap") == 0;
	for (size_t i = 0; files && i < x->ninputs; i++) {
		if (x->inputs[i] && ofile_is_input(&of, x->inputs[i])) {
			fprintf(stderr,
			        "%s: --html: %s is the input %s: refusing to overwrite it\n",
			        x->prog, html, x->inputs[i]);
			ofile_abort(&of);
			return -1;
		}
	}
	ofile_abort(&of);
	return 0;
}

FILE *sc_html_begin(const struct sc_ctx *x, struct ofile *of)
{
	if (ofile_open(of, x->prog, "--html", x->o->html, 0) != 0)
		return NULL;
	FILE *f = ofile_fdopen(of);
	if (!f) {
		fprintf(stderr, "%s: out of memory\n", x->prog);
		ofile_abort(of);
	}
	return f;
}

int sc_html_end(const struct sc_ctx *x, struct ofile *of)
{
	return ofile_commit(of, x->prog);
}

void sc_teardown(struct sc_ctx *x)
{
	steer_check_free(x->check);
	cli_setup_free(&x->setup);
	free(x->inputs);
	free(x->input_worker);
	memset(x, 0, sizeof(*x));
}

/* ---- progress ---- */

double sc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sc_progress_start(struct sc_progress *p, const struct sc_common *o, const char *label,
                       uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total;
	p->t0 = p->tlast = sc_now();
	p->width = 30;
	if (o->progress >= 0)
		p->on = o->progress == 1;
	else
		p->on = isatty(STDERR_FILENO) && total >= (64u << 20) && !o->stats;
}

void sc_progress_update(struct sc_progress *p, uint64_t done, uint64_t packets)
{
	if (!p->on)
		return;
	double t = sc_now();
	if (t - p->tlast < 0.1)
		return;
	p->tlast = t;
	double el = t - p->t0, rate = el > 0 ? (double)done / el / 1e9 : 0;
	if (p->total) {
		double frac = (double)done / (double)p->total;
		if (frac > 1)
			frac = 1;
		int fill = (int)(frac * p->width);
		char bar[64];
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(p->width - fill));
		bar[p->width] = '\0';
		fprintf(stderr, "\r%s [%s] %3.0f%%  %llu packets  %.2f GB/s ", p->label, bar,
		        frac * 100, (unsigned long long)packets, rate);
	} else {
		fprintf(stderr, "\r%s %llu packets  %.2f GB/s ", p->label,
		        (unsigned long long)packets, rate);
	}
}

void sc_progress_end(struct sc_progress *p)
{
	if (p->on && p->tlast > p->t0)
		fputs("\r\033[K", stderr);
}
