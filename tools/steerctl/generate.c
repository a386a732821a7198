/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/generate.c: "steerctl generate": every device artefact of the plan (filters,
 * OpenFlow, Click, cPacket, switch, PF_RING, AF_PACKET, netmap, zeekctl) into one directory. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <steer/error.h>
#include <steer/hwp_generate.h>
#include <steer/hwp_profile.h>

#include "cli.h"
#include "setup.h"
#include "steerctl.h"

static const char usage[] =
	"Usage: steerctl [-c DIR] generate --out DIR [--only KIND] [--force] [--strict]\n"
	"                [--click-io pcap:IN,OUT|dev:IN,OUT] [--zeek-site DIR]\n"
	"\n"
	"Write the configuration of every device that carries the plan: always each\n"
	"worker's BPF filter (filters/, compiled with libpcap first) and a zeekctl\n"
	"node.cfg with per-worker filter scripts (zeek/), plus what the configured\n"
	"profile's device needs: openflow/ (openflow13, ovs), click/, cpacket/ and\n"
	"switch/ (cpacket-*), switch/ (commodity-switch), pfring/, afpacket/, netmap/.\n"
	"Every file starts with a comment naming steer's version and the plan's\n"
	"fingerprint; the same plan gives the same files, byte for byte. A plan the\n"
	"profile cannot carry is refused with the limit and by how much; one it carries\n"
	"with a risk (netmap lb splits fragmented flows) is written with a warning.\n"
	"\n"
	"Options:\n"
	"  -c, --config DIR      configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                        else /etc/steer); a profile NAME.ini there overrides\n"
	"                        the shipped one\n"
	"  -o, --out DIR         output directory (created; must be empty unless --force)\n"
	"      --only KIND       write only one kind: filters, openflow, click, cpacket,\n"
	"                        switch, pfring, afpacket, netmap or zeek\n"
	"  -f, --force           overwrite a non-empty DIR (the kinds written are emptied\n"
	"                        of their old files first)\n"
	"      --strict          refuse a plan the device carries only with a risk\n"
	"      --click-io SPEC   Click's input and output: pcap:IN,OUT (FromDump, ToDump;\n"
	"                        the default is pcap:in.pcap,out.pcap) or dev:IN,OUT\n"
	"                        (FromDevice, Queue, ToDevice)\n"
	"      --zeek-site DIR   also copy zeek/steer/ into DIR/steer/, DIR being zeekctl's\n"
	"                        site directory (SitePolicyPath), as 'zeekctl check' needs\n"
	"  -h, --help            show this help\n";

int steerctl_generate(int argc, char **argv, const char *confdir)
{
	enum { OPT_ONLY = 256, OPT_CLICK_IO, OPT_STRICT, OPT_ZEEK_SITE };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"out", required_argument, NULL, 'o'},
		{"only", required_argument, NULL, OPT_ONLY},
		{"force", no_argument, NULL, 'f'},
		{"click-io", required_argument, NULL, OPT_CLICK_IO},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"zeek-site", required_argument, NULL, OPT_ZEEK_SITE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "steerctl generate", *out = NULL, *only = NULL;
	struct hwp_gen_opts go = {false, NULL, NULL};
	unsigned strict = 0;
	int c;
	while ((c = getopt_long(argc, argv, "c:o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confdir = optarg;
			break;
		case 'o':
			if (!cli_dir_arg("steerctl generate", "--out", optarg))
				return EXIT_USAGE;
			out = optarg;
			break;
		case OPT_ONLY:
			only = optarg;
			break;
		case 'f':
			go.force = true;
			break;
		case OPT_CLICK_IO:
			go.click_io = optarg;
			break;
		case OPT_STRICT:
			strict = CLI_STRICT;
			break;
		case OPT_ZEEK_SITE:
			go.zeek_site = optarg;
			break;
		default:
			return cli_opt_done(prog, c, usage, NULL);
		}
	}
	if (!cli_operands(prog, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	if (!out || !*out) {
		cli_usage_error(prog, "--out DIR is required");
		return EXIT_USAGE;
	}
	enum hwp_kind kind = HWP_KIND_FILTERS;
	if (only && hwp_kind_from_name(only, &kind) != 0) {
		cli_usage_error(prog, "--only: unknown kind '%s' (filters, openflow, click, cpacket, "
		                      "switch, pfring, afpacket, netmap or zeek)", only);
		return EXIT_USAGE;
	}
	if (go.click_io && strncmp(go.click_io, "pcap:", 5) && strncmp(go.click_io, "dev:", 4)) {
		cli_usage_error(prog, "--click-io: '%s' is not pcap:IN,OUT or dev:IN,OUT",
		                go.click_io);
		return EXIT_USAGE;
	}
	struct cli_setup cs;
	if (cli_setup_load(&cs, "steerctl", confdir, CLI_CHECK_PROFILE | strict) != 0)
		return EXIT_USAGE;
	const struct hwp_profile *prof = cs.profile;
	char errbuf[STEER_ERRBUF_SIZE];
	int rc = EXIT_USAGE;
	unsigned kinds = only ? 1u << kind : hwp_kinds_for_profile(prof);
	if (hwp_generate(prof, cs.plan, cs.cfg, kinds, out, &go, errbuf)) {
		fprintf(stderr, "steerctl: %s\n", errbuf);
		goto out;
	}
	printf("%s: plan %s, profile %s:", out, cs.fingerprint, prof->name);
	for (unsigned k = 0; k < HWP_KIND__COUNT; k++)
		if (kinds & (1u << k))
			printf(" %s/", hwp_kind_name((enum hwp_kind)k));
	printf("\n");
	rc = EXIT_OK;
out:
	cli_setup_free(&cs);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steerctl: stdout");
		return EXIT_USAGE;
	}
	return rc;
}
