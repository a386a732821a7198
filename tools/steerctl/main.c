/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/main.c: the field engineer's command: plan, which, hash, size, generate, synth, and
 * the cluster's start, stop, restart, status and keys. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "steerctl.h"

static const char usage[] =
	"Usage: steerctl [-c DIR] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Plan and inspect the steering of a Zeek-style monitoring cluster: which worker\n"
	"each flow reaches, with which MAC, and how many workers a link needs.\n"
	"\n"
	"Commands:\n"
	"  plan [--json] [--check]\n"
	"      The plan: workers with their MAC, VLAN, port, weight and share of buckets.\n"
	"  which [--json] [--vlan ID] PROTO SRC[:PORT] DST[:PORT]\n"
	"      The hash, bucket and worker a flow reaches, and that the reverse\n"
	"      direction reaches the same worker.\n"
	"  hash --fn NAME [--key ms|sym|HEX] [--fields N] [--seed S] [--json]\n"
	"       PROTO SRC[:PORT] DST[:PORT]\n"
	"      The raw value of one hash function (default, toeplitz, pfring,\n"
	"      netmap-lb, xor) for one flow, in hex. Needs no configuration.\n"
	"  size --peak RATE [--per-core RATE] [--cores-per-host N] [--reserve N] [--json]\n"
	"  size --measure FILE [--peak RATE] [...]\n"
	"      Worker cores and hosts for a peak rate (one core per 250 Mbps by default,\n"
	"      or the rate one core of the worker's analysis sustains on your trace).\n"
	"  generate --out DIR [--only KIND] [--force] [--click-io pcap:IN,OUT|dev:IN,OUT]\n"
	"      Every device's configuration from the plan: BPF filters, OpenFlow flows,\n"
	"      Click, cPacket and switch MAC tables, PF_RING, AF_PACKET, netmap, zeekctl.\n"
	"  synth --flows N --out FILE.pcap [--seed S] [--mix LIST] [--size BYTES]\n"
	"      A deterministic synthetic capture (TCP, UDP, ICMP, IPv6, VLAN, QinQ, MPLS,\n"
	"      GRE, VXLAN, fragments, ARP) for tests, demos and benchmarks.\n"
	"  start [--timeout SECONDS] [NODE...]\n"
	"      Start the cluster's steerd nodes: manager, loggers, proxies, workers, each\n"
	"      tier up (heartbeats seen by the manager) before the next.\n"
	"  stop [NODE...]\n"
	"      Stop them in reverse order: SIGTERM, SIGKILL after stop_timeout.\n"
	"  restart [--timeout SECONDS] [NODE...]\n"
	"      Stop, then start.\n"
	"  status [--json] [NODE...]\n"
	"      One line per node: type, host, pid, state, uptime, heartbeat age, packets\n"
	"      and drops (workers). Exit 1 if a node is not running.\n"
	"  keys --out DIR [--force]\n"
	"      A CURVE key pair per node and for steerctl (set keys_dir in steer.cfg).\n"
	"\n"
	"Options:\n"
	"  -c, --config DIR  configuration directory holding node.cfg, steer.cfg and\n"
	"                    networks.cfg (default: $STEER_CONFIG_DIR, else /etc/steer)\n"
	"  -h, --help        show this help; 'steerctl COMMAND --help' shows a command's\n"
	"  -V, --version     show the version\n"
	"\n"
	"Addresses are IPv4 or IPv6; with a port, IPv6 is written [ADDR]:PORT.\n"
	"\n"
	"Exit status: 0 success; 1 a check failed (e.g. the two directions of a flow\n"
	"reach different workers); 2 usage, configuration or input error.\n";

static const struct cli_command commands[] = {
	{"plan", steerctl_plan},
	{"which", steerctl_which},
	{"hash", steerctl_hash},
	{"size", steerctl_size},
	{"generate", steerctl_generate},
	{"synth", steerctl_synth},
	{"start", steerctl_start},
	{"stop", steerctl_stop},
	{"restart", steerctl_restart},
	{"status", steerctl_status},
	{"keys", steerctl_keys},
};

int main(int argc, char **argv)
{
	return cli_dispatch("steerctl", usage, commands, sizeof(commands) / sizeof(commands[0]), argc,
	                    argv);
}
