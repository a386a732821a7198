/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/steercheck.h: private to steercheck: its subcommands, and what they share (options, loading
 * the plan and the profile, the report, the progress bar). */
#ifndef STEERCHECK_H
#define STEERCHECK_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/check.h>
#include <steer/config.h>
#include <steer/plan.h>

#include "ofile.h"
#include "setup.h"

/* Each takes the subcommand's own argv (argv[0] is its name) and the -c value given before it
 * (NULL if none); returns the process exit code (cli.h). */
int steercheck_plan(int argc, char **argv, const char *confdir);
int steercheck_pcap(int argc, char **argv, const char *confdir);
int steercheck_live(int argc, char **argv, const char *confdir);
int steercheck_probe(int argc, char **argv, const char *confdir);

/* ---- options every analysing subcommand (pcap, live, probe) takes ---- */

struct sc_common {
	const char *confdir;
	bool json;
	const char *html;      /* --html FILE */
	struct steer_check_opts check;
	bool no_predict;       /* --no-predict */
	bool stats;            /* --stats: time, rate, memory on stderr */
	int progress;          /* --progress / --no-progress; -1: when stderr is a terminal */
};

enum {
	SC_OPT_JSON = 1000,
	SC_OPT_HTML,
	SC_OPT_MAX_SPLIT,
	SC_OPT_MAX_IMBALANCE,
	SC_OPT_MIN_FLOWS,
	SC_OPT_TOP,
	SC_OPT_MAX_FLOWS,
	SC_OPT_NO_PREDICT,
	SC_OPT_STATS,
	SC_OPT_PROGRESS,
	SC_OPT_NO_PROGRESS,
};

/* The long options of struct sc_common, to put in a subcommand's getopt_long table ('c' is -c):
 * the report's, which every analysing subcommand takes, and the flow analysis' (pcap, live). */
#define SC_REPORT_LONGOPTS                                                        \
	{"config", required_argument, NULL, 'c'},                                 \
	{"json", no_argument, NULL, SC_OPT_JSON},                                 \
	{"html", required_argument, NULL, SC_OPT_HTML},                           \
	{"max-split", required_argument, NULL, SC_OPT_MAX_SPLIT},                 \
	{"no-predict", no_argument, NULL, SC_OPT_NO_PREDICT},                     \
	{"stats", no_argument, NULL, SC_OPT_STATS}
#define SC_COMMON_LONGOPTS                                                        \
	SC_REPORT_LONGOPTS,                                                       \
	{"max-imbalance", required_argument, NULL, SC_OPT_MAX_IMBALANCE},         \
	{"min-flows", required_argument, NULL, SC_OPT_MIN_FLOWS},                 \
	{"top", required_argument, NULL, SC_OPT_TOP},                             \
	{"max-flows", required_argument, NULL, SC_OPT_MAX_FLOWS},                 \
	{"progress", no_argument, NULL, SC_OPT_PROGRESS},                         \
	{"no-progress", no_argument, NULL, SC_OPT_NO_PROGRESS}

/* The help text of those options. */
extern const char sc_common_help[];

void sc_common_init(struct sc_common *o, const char *confdir);
/* Handles option c (from getopt_long) when it is one of the common ones: returns 1 when handled,
 * 0 when not common, -1 on a bad value (message printed: exit EXIT_USAGE). */
int sc_common_opt(struct sc_common *o, const char *prog, int c, const char *arg);

/* ---- set-up ---- */

/* What an analysing subcommand runs with. */
struct sc_ctx {
	const char *prog;              /* "steercheck pcap" */
	const char *mode;              /* "pcap", "live", "probe" */
	struct sc_common *o;
	struct cli_setup setup;        /* configuration, plan, fingerprint, profile */
	struct steer_plan *plan;       /* setup's, for short */
	const char *fingerprint;       /* setup's */
	const char *profile_name;      /* the profile's */
	bool hash_known;               /* the profile says its hash is public and deterministic */
	const char *predict_note;      /* why predictions are off, or NULL */
	struct steer_check *check;     /* the flow analysis (pcap, live), else NULL */
	/* inputs, for the report: files (pcap) or interfaces (live), each with the worker it
	 * was seen at, -1 for a balanced one; strings borrowed (argv); arrays malloc'd, freed by
	 * sc_teardown */
	const char **inputs;
	int *input_worker;             /* worker index, or -1 for a balanced capture */
	size_t ninputs;
	double seconds;                /* wall time of the analysis (for --stats) */
};

/* Loads the configuration, the plan and its profile (hash_known decides predictions), and with
 * analysis makes the check. Prints what went wrong and returns -1 (exit EXIT_USAGE), else 0;
 * sc_teardown in either case. */
int sc_setup(struct sc_ctx *x, const char *prog, const char *mode, struct sc_common *o,
             bool analysis);
void sc_teardown(struct sc_ctx *x);

/* --html FILE: before the analysis, that it can be written and is none of the inputs
 * (x->inputs); "-" (the page on stdout instead of the text report) cannot go with --json.
 * Returns 0 or -1 (said; exit EXIT_USAGE). */
int sc_html_check(const struct sc_ctx *x);

/* The --html page's stream (common/ofile.h: "-" is stdout, a file is replaced once complete),
 * and its end: 0, or -1 when it could not be written completely (said). */
FILE *sc_html_begin(const struct sc_ctx *x, struct ofile *of);
int sc_html_end(const struct sc_ctx *x, struct ofile *of);

/* Finishes the check and writes the report: text or --json to stdout, --html to its file,
 * --stats to stderr. Returns the exit code: EXIT_OK, EXIT_FAIL (faults beyond the thresholds)
 * or EXIT_USAGE (output could not be written). */
int sc_report(struct sc_ctx *x);

/* ---- the probe's report (probe_report.c) ---- */

struct sc_caps;
struct steer_probe_result;

/* What a probe run did besides the verdict. */
struct sc_probe_run {
	const char *in;                /* --in */
	const struct sc_caps *caps;    /* where frames were caught */
	uint64_t captured;             /* frames caught, probes or not */
};

/* Writes the probe's report: text or --json to stdout, --html to its file, --stats to stderr
 * (x->seconds: the time from the first frame sent). Returns EXIT_OK, EXIT_FAIL (r->pass is
 * false) or EXIT_USAGE (output could not be written). */
int sc_probe_report(struct sc_ctx *x, const struct sc_probe_run *run,
                    const struct steer_probe_result *r);

/* ---- progress on stderr ---- */

struct sc_progress {
	bool on;
	const char *label;
	uint64_t total;      /* bytes, 0 unknown */
	double t0, tlast;
	int width;
};

double sc_now(void);
/* on: from o->progress (-1: stderr is a terminal) and total (files under 64 MiB: off). */
void sc_progress_start(struct sc_progress *p, const struct sc_common *o, const char *label,
                       uint64_t total);
/* Cheap to call often: redraws at most 10 times a second. */
void sc_progress_update(struct sc_progress *p, uint64_t done, uint64_t packets);
void sc_progress_end(struct sc_progress *p);

#endif
