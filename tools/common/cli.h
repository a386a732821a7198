/* SPDX-License-Identifier: BSD-2-Clause */
/* common/cli.h: what every steer command shares: exit codes, number parsing, loading the plan. */
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

/* Loads DIR's configuration and builds the plan. Prints every diagnostic to stderr (one line
 * each, prefixed with prog); on an error returns NULL (exit with EXIT_USAGE). */
struct steer_plan *cli_load_plan(const char *prog, const char *dir, struct steer_config **cfg);

/* Strict unsigned parse: the whole string, base 10 (or 0x hex when hex_ok), within [min, max].
 * On failure prints "PROG: OPTION: 'TEXT' is not ..." to stderr and returns false. */
bool cli_parse_u64(const char *prog, const char *what, const char *s, uint64_t min, uint64_t max,
                   bool hex_ok, uint64_t *out);

/* A rate like "2Gbps", "2.5 Gbps", "500M", "1000000bps" in Mbps (1 Gbps = 1024 Mbps, as the
 * sizing rule counts). Prints an error and returns false on bad input. */
bool cli_parse_rate(const char *prog, const char *what, const char *s, double *mbps);

/* "tcp", "udp", "sctp", "icmp", "icmp6" / "ipv6-icmp", or a protocol number 0..255. */
bool cli_parse_proto(const char *prog, const char *s, uint8_t *proto);
/* The names alone, without a message: false when s is none of them. */
bool cli_proto_by_name(const char *s, uint8_t *proto);
const char *cli_proto_name(uint8_t proto);

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

/* Usage error: "PROG: MESSAGE\nTry 'PROG --help' for more information." on stderr. */
void cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
