/* SPDX-License-Identifier: BSD-2-Clause */
/* common/cli.c: shared command-line plumbing: the configuration directory, the end of every
 * getopt_long loop, strict number parsing, the subcommand dispatcher. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/proto.h>

#include "cli.h"

const char *cli_config_dir(const char *opt)
{
	if (opt)
		return opt;
	const char *env = getenv("STEER_CONFIG_DIR");
	return env && *env ? env : "/etc/steer";
}

const char *cli_quote(const char *s, char buf[CLI_QUOTE_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	size_t i = 0;
	for (; s[i] && i < CLI_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	if (s[i])
		p += sprintf(p, "...");
	*p = '\0';
	return buf;
}

void cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
}

bool cli_dir_arg(const char *prog, const char *what, const char *arg)
{
	if (strcmp(arg, "-") != 0)
		return true;
	cli_usage_error(prog, "%s: '-' (standard input or output) is not a directory", what);
	return false;
}

int cli_opt_done(const char *prog, int c, ...)
{
	if (c != 'h') {
		fprintf(stderr, "Try '%s --help' for more information.\n", prog);
		return EXIT_USAGE;
	}
	va_list ap;
	va_start(ap, c);
	for (const char *s; (s = va_arg(ap, const char *));)
		fputs(s, stdout);
	va_end(ap);
	return EXIT_OK;
}

bool cli_operands(const char *prog, int argc, char **argv, int min, int max, const char *what)
{
	char q[CLI_QUOTE_SIZE];
	int n = argc - optind;
	if (n >= min && (max < 0 || n <= max))
		return true;
	if (n > max && max >= 0 && !what)
		cli_usage_error(prog, "unexpected argument '%s'", cli_quote(argv[optind + max], q));
	else
		cli_usage_error(prog, "%s", what ? what : "missing argument");
	return false;
}

bool cli_parse_u64(const char *prog, const char *what, const char *s, uint64_t min, uint64_t max,
                   bool hex_ok, uint64_t *out)
{
	char q[CLI_QUOTE_SIZE];
	char *end;
	errno = 0;
	/* strtoull accepts a sign and leading blanks; a count or a port has neither. */
	if (!isdigit((unsigned char)s[0])) {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, what, cli_quote(s, q));
		return false;
	}
	unsigned long long v = strtoull(s, &end, hex_ok ? 0 : 10);
	if (*end != '\0') {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, what, cli_quote(s, q));
		return false;
	}
	if (errno == ERANGE || v < min || v > max) {
		fprintf(stderr, "%s: %s: %s is out of range (%llu to %llu)\n", prog, what,
		        cli_quote(s, q), (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool cli_parse_rate(const char *prog, const char *what, const char *s, double *mbps)
{
	char q[CLI_QUOTE_SIZE];
	static const struct {
		const char *unit;
		double mbps;
	} units[] = {
		{"bps", 1.0 / (1024.0 * 1024.0)}, {"b", 1.0 / (1024.0 * 1024.0)},
		{"kbps", 1.0 / 1024.0}, {"k", 1.0 / 1024.0},
		{"mbps", 1.0}, {"m", 1.0},
		{"gbps", 1024.0}, {"g", 1024.0},
		{"tbps", 1024.0 * 1024.0}, {"t", 1024.0 * 1024.0},
	};
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		goto bad;
	double v = strtod(s, &end);
	if (errno || !isfinite(v) || v <= 0 || end == s)
		goto bad;
	while (*end == ' ')
		end++;
	if (*end == '\0') {
		fprintf(stderr, "%s: %s: '%s' needs a unit (bps, Kbps, Mbps, Gbps or Tbps)\n", prog,
		        what, cli_quote(s, q));
		return false;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit) == 0) {
			double m = v * units[i].mbps;
			if (!(m >= CLI_RATE_MIN_MBPS && m <= CLI_RATE_MAX_MBPS)) {
				fprintf(stderr, "%s: %s: %s is out of range (1bps to 1Pbps)\n",
				        prog, what, cli_quote(s, q));
				return false;
			}
			*mbps = m;
			return true;
		}
	}
bad:
	fprintf(stderr, "%s: %s: '%s' is not a rate (e.g. 2Gbps, 500Mbps, 2.5 Gbps)\n", prog, what,
	        cli_quote(s, q));
	return false;
}

bool cli_parse_proto(const char *prog, const char *s, uint8_t *proto)
{
	char q[CLI_QUOTE_SIZE];
	if (steer_proto_from_name(s, proto) == 0)
		return true;
	uint64_t v;
	if (isdigit((unsigned char)s[0]) && cli_parse_u64(prog, "protocol", s, 0, 255, false, &v)) {
		*proto = (uint8_t)v;
		return true;
	}
	if (!isdigit((unsigned char)s[0]))
		cli_usage_error(prog,
		                "unknown protocol '%s' (tcp, udp, sctp, icmp, icmp6 or 0-255)",
		                cli_quote(s, q));
	return false;
}

/* "plan, which, hash or size" from the command table. */
static void command_list(const struct cli_command *cmds, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int k = snprintf(buf + used, len - used, "%s%s", sep, cmds[i].name);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

int cli_dispatch(const char *prog, const char *usage, const struct cli_command *cmds, size_t n,
                 int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *confdir = NULL;
	char names[256];
	int c;
	command_list(cmds, n, names, sizeof(names));
	/* '+': stop at the command name, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confdir = optarg;
			break;
		case 'V':
			printf("%s %s\n", prog, STEER_VERSION);
			return EXIT_OK;
		default:
			return cli_opt_done(prog, c, usage, NULL);
		}
	}
	if (optind >= argc) {
		cli_usage_error(prog, "missing command (%s)", names);
		return EXIT_USAGE;
	}
	const char *cmd = argv[optind];
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cmd, cmds[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* glibc: restart getopt for the command's own options */
			return cmds[i].run(sub_argc, sub_argv, confdir);
		}
	}
	char q[CLI_QUOTE_SIZE];
	cli_usage_error(prog, "unknown command '%s' (%s)", cli_quote(cmd, q), names);
	return EXIT_USAGE;
}
