/* SPDX-License-Identifier: BSD-2-Clause */
/* common/cli.c: shared command-line plumbing: config directory, plan loading, strict number parsing. */
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

#include "cli.h"

const char *cli_config_dir(const char *opt)
{
	if (opt)
		return opt;
	const char *env = getenv("STEER_CONFIG_DIR");
	return env && *env ? env : "/etc/steer";
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

struct steer_plan *cli_load_plan(const char *prog, const char *dir, struct steer_config **cfgp)
{
	struct steer_diags d = {0};
	struct steer_config *cfg = NULL;
	int rc = steer_config_load(dir, &cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s: %s\n", prog, d.v[i].text);
	steer_diags_free(&d);
	if (rc) {
		if (rc != STEER_ECONFIG)
			fprintf(stderr, "%s: %s: %s\n", prog, dir, steer_strerror(rc));
		return NULL;
	}
	char errbuf[STEER_ERRBUF_SIZE];
	struct steer_plan *plan = NULL;
	rc = steer_plan_build(cfg, &plan, errbuf);
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, errbuf);
		steer_config_free(cfg);
		return NULL;
	}
	if (cfgp)
		*cfgp = cfg;
	else
		steer_config_free(cfg);
	return plan;
}

bool cli_parse_u64(const char *prog, const char *what, const char *s, uint64_t min, uint64_t max,
                   bool hex_ok, uint64_t *out)
{
	char *end;
	errno = 0;
	/* strtoull accepts a sign and leading blanks; a count or a port has neither. */
	if (!isdigit((unsigned char)s[0])) {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, what, s);
		return false;
	}
	unsigned long long v = strtoull(s, &end, hex_ok ? 0 : 10);
	if (*end != '\0') {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, what, s);
		return false;
	}
	if (errno == ERANGE || v < min || v > max) {
		fprintf(stderr, "%s: %s: %s is out of range (%llu to %llu)\n", prog, what, s,
		        (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool cli_parse_rate(const char *prog, const char *what, const char *s, double *mbps)
{
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
		        what, s);
		return false;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit) == 0) {
			*mbps = v * units[i].mbps;
			return true;
		}
	}
bad:
	fprintf(stderr, "%s: %s: '%s' is not a rate (e.g. 2Gbps, 500Mbps, 2.5 Gbps)\n", prog, what, s);
	return false;
}

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {
	{"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"gre", 47}, {"esp", 50}, {"icmp6", 58},
	{"ipv6-icmp", 58}, {"sctp", 132}, {"udplite", 136},
};

bool cli_proto_by_name(const char *s, uint8_t *proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			*proto = protos[i].num;
			return true;
		}
	}
	return false;
}

bool cli_parse_proto(const char *prog, const char *s, uint8_t *proto)
{
	if (cli_proto_by_name(s, proto))
		return true;
	uint64_t v;
	if (isdigit((unsigned char)s[0]) && cli_parse_u64(prog, "protocol", s, 0, 255, false, &v)) {
		*proto = (uint8_t)v;
		return true;
	}
	if (!isdigit((unsigned char)s[0]))
		cli_usage_error(prog, "unknown protocol '%s' (tcp, udp, sctp, icmp, icmp6 or 0-255)",
		                s);
	return false;
}

const char *cli_proto_name(uint8_t proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	return NULL;
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
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", prog, STEER_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", prog);
			return EXIT_USAGE;
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
	cli_usage_error(prog, "unknown command '%s' (%s)", cmd, names);
	return EXIT_USAGE;
}
