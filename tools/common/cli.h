/* SPDX-License-Identifier: BSD-2-Clause */
/* common/cli.h: what every steer command shares: exit codes, the configuration directory, number
 * parsing, the subcommand dispatcher (loading the configuration and plan: setup.h). */
#ifndef STEER_CLI_H
#define STEER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/plan.h>

/* The exit codes of every command (ARCHITECTURE.md §3). */
enum {
	EXIT_OK = 0,    /* success; every check passed */
	EXIT_FAIL = 1,  /* a check failed (steering fault found) */
	EXIT_USAGE = 2, /* bad usage or bad input (configuration, file) */
};

/* The configuration directory: -c DIR, else $STEER_CONFIG_DIR, else /etc/steer. */
const char *cli_config_dir(const char *opt);

/* A user's text quoted in a message: at most CLI_QUOTE_MAX bytes of it, then "...", control
 * and non-ASCII bytes as \xNN (a 40 KB argument is not echoed whole, and the message stays
 * one line of valid UTF-8). Written into buf; returns buf. */
#define CLI_QUOTE_MAX  64
#define CLI_QUOTE_SIZE (4 * CLI_QUOTE_MAX + 4)
const char *cli_quote(const char *s, char buf[CLI_QUOTE_SIZE]);

/* Strict unsigned parse: the whole string, base 10 (or 0x hex when hex_ok), within [min, max].
 * On failure prints "PROG: OPTION: 'TEXT' is not ..." to stderr and returns false. */
bool cli_parse_u64(const char *prog, const char *what, const char *s, uint64_t min, uint64_t max,
                   bool hex_ok, uint64_t *out);

/* A rate like "2Gbps", "2.5 Gbps", "500M", "1000000bps" in Mbps (1 Gbps = 1024 Mbps, as the
 * sizing rule counts), from 1 bps to 1 Pbps (CLI_RATE_MIN_MBPS..CLI_RATE_MAX_MBPS). Prints an
 * error and returns false on bad input or out of range. */
#define CLI_RATE_MIN_MBPS (1.0 / (1024.0 * 1024.0))
#define CLI_RATE_MAX_MBPS (1024.0 * 1024.0 * 1024.0)
bool cli_parse_rate(const char *prog, const char *what, const char *s, double *mbps);

/* A protocol name (steer_proto_from_name) or number 0..255. Prints the error and returns false
 * on bad input. */
bool cli_parse_proto(const char *prog, const char *s, uint8_t *proto);

/* A subcommand: takes its own argv (argv[0] is its name) and the -c value given before it
 * (NULL if none); returns the exit code. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv, const char *confdir);
};

/* The main() of a command with subcommands: [-c DIR] [-h] [-V] COMMAND [ARGS]. Prints usage on
 * --help, "PROG VERSION" on --version, and names the commands on a missing or unknown one.
 * Returns the exit code. */
int cli_dispatch(const char *prog, const char *usage, const struct cli_command *cmds, size_t n,
                 int argc, char **argv);

/* The cases every subcommand's getopt_long switch ends with, for each c it does not handle
 * itself: 'h' prints the help texts (a NULL-terminated list, in order) on stdout and gives
 * EXIT_OK; anything else (getopt_long has named the unknown option or the missing argument)
 * prints "Try 'PROG --help' for more information." on stderr and gives EXIT_USAGE. The caller
 * returns what it gives. */
int cli_opt_done(const char *prog, int c, ...) __attribute__((sentinel));

/* After the getopt_long loop: the operands argv[optind..argc) must number from min to max (max
 * -1: no bound). Else prints the usage error and returns false: "unexpected argument 'X'" for
 * one past max when what is NULL, otherwise what itself (e.g. "expected PROTO SRC DST"). */
bool cli_operands(const char *prog, int argc, char **argv, int min, int max, const char *what);

/* A directory operand (--split DIR, --log-dir DIR, --out DIR): "-" is standard input or
 * output for a file, never a directory. False (the usage error printed) for "-". */
bool cli_dir_arg(const char *prog, const char *what, const char *arg);

/* Usage error: "PROG: MESSAGE\nTry 'PROG --help' for more information." on stderr. */
void cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
