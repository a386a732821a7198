/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_cli.c: libFuzzer target for the command-line surface every command shares
 * (tools/common/cli.h): numbers, rates, protocols, addresses with ports, Toeplitz keys, the
 * quoting of arguments in messages, and the "-" and directory rules. The input is up to four
 * NUL-separated arguments. A parser either refuses (and says so on stderr) or gives a value
 * within its stated range; a quoted argument is one short line of printable ASCII. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/addr.h>
#include <steer/hash.h>

#include "cli.h"
#include "ofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_cli: expected %s\n", what);
		abort();
	}
}

static void one(const char *s)
{
	/* numbers: the whole string in range, or refused */
	static const uint64_t ranges[][2] = {{0, 255}, {1, 65535}, {64, 262144}, {0, UINT64_MAX}};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		for (int hex = 0; hex < 2; hex++) {
			uint64_t v = 0xdead;
			if (cli_parse_u64("fuzz", "n", s, ranges[i][0], ranges[i][1], hex, &v))
				check(v >= ranges[i][0] && v <= ranges[i][1] && s[0] >= '0' &&
				          s[0] <= '9',
				      "a number within its range");
			else
				check(v == 0xdead, "a refused number leaves the value");
		}
	}
	double mbps = -1;
	if (cli_parse_rate("fuzz", "rate", s, &mbps))
		check(isfinite(mbps) && mbps >= CLI_RATE_MIN_MBPS && mbps <= CLI_RATE_MAX_MBPS,
		      "a rate within 1bps..1Pbps");
	uint8_t proto;
	cli_parse_proto("fuzz", s, &proto);
	struct steer_addr a;
	uint16_t port = 0;
	bool has_port = false;
	if (steer_endpoint_parse(s, &a, &port, &has_port) == 0)
		check(a.family == 4 || a.family == 6, "an address family");
	uint8_t key[STEER_HASH_KEY_LEN];
	steer_hash_key_parse(s, key);
	/* quoting: at most CLI_QUOTE_MAX bytes of the argument, each shown as printable ASCII */
	char q[CLI_QUOTE_SIZE];
	const char *r = cli_quote(s, q);
	check(r == q && strlen(q) < CLI_QUOTE_SIZE, "a quote within its buffer");
	for (const char *p = q; *p; p++)
		check(*p >= 0x20 && *p < 0x7f, "a quote of printable ASCII");
	size_t len = strlen(s), qlen = strlen(q);
	bool dots = qlen >= 3 && strcmp(q + qlen - 3, "...") == 0;
	if (len > CLI_QUOTE_MAX)
		check(dots, "a long argument cut");
	else
		check(!dots || (len >= 3 && strcmp(s + len - 3, "...") == 0), "a short one whole");
	/* the "-" rules */
	check(ofile_is_std(s) == (strcmp(s, "-") == 0), "'-' and only '-' is standard I/O");
	check(cli_dir_arg("fuzz", "--out", s) == (strcmp(s, "-") != 0), "'-' is never a directory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* every refusal prints a line on stderr: run libFuzzer with its output to a file */
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* up to four arguments, NUL-separated */
	char *s = buf;
	for (int i = 0; i < 4 && s <= buf + size; i++) {
		one(s);
		s += strlen(s) + 1;
	}
	free(buf);
	return 0;
}
