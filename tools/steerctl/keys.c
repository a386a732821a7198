/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/keys.c: "steerctl keys --out DIR": a CURVE key pair per node (and one for steerctl
 * itself), so that every cluster socket is encrypted and authenticated. */
#include <getopt.h>
#include <stdio.h>

#include <steer/clu_keys.h>
#include <steer/error.h>

#include "cli.h"
#include "steerctl.h"

static const char usage[] =
    "Usage: steerctl keys --out DIR [--force]\n"
    "\n"
    "Write a CURVE key pair for every node of node.cfg (lb_procs processes each get\n"
    "their own) and one for steerctl: DIR/NAME.pub (public) and DIR/NAME.key\n"
    "(secret, mode 0600). Pairs already in DIR are kept, so adding a node and running\n"
    "this again gives only the new node a key. Then set keys_dir = DIR in steer.cfg:\n"
    "every socket of the cluster is CurveZMQ-encrypted, and a peer whose public key\n"
    "is not in DIR is refused (ZAP), as is any client without CURVE. Every host needs\n"
    "DIR with all .pub files and its own nodes' .key files.\n"
    "\n"
    "Options:\n"
    "      --out DIR   where the keys go (created, mode 0700)\n"
    "      --force     replace existing pairs (every node must then get the new ones)\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 written; 1 a file could not be written; 2 usage or configuration\n"
    "error.\n";

int steerctl_keys(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL;
	bool force = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (!cli_dir_arg("steerctl keys", "--out", optarg))
				return EXIT_USAGE;
			out = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			return cli_opt_done("steerctl keys", ch, usage, NULL);
		}
	}
	if (!out) {
		cli_usage_error("steerctl keys", "--out DIR is required");
		return EXIT_USAGE;
	}
	if (!cli_operands("steerctl keys", argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	struct ctl_cluster c;
	int rc = ctl_cluster_load("steerctl keys", confdir, 0, NULL, &c);
	if (rc < 0) {
		char err[STEER_ERRBUF_SIZE];
		int r = clu_keys_generate(c.l, out, force, err);
		if (r != 0) {
			fprintf(stderr, "steerctl keys: %s\n", err);
			/* keys that cannot be written are an output error, as for any output */
			rc = r == STEER_ENOMEM ? EXIT_FAIL : EXIT_USAGE;
		} else {
			printf("%s: key pairs for %zu nodes and steerctl; set keys_dir = %s in "
			       "steer.cfg\n",
			       out, c.l->n, out);
			rc = EXIT_OK;
		}
	}
	ctl_cluster_free(&c);
	return rc;
}
