/* SPDX-License-Identifier: BSD-2-Clause */
/* steerlb/main.c: the software balancer and lab emulator: reads a capture or an interface, steers
 * every packet by the plan (steer_parse, steer_path_classify) and writes or sends it on. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/packet.h>
#include <steer/path.h>
#include <steer/hwp_profile.h>
#include <steer/plan.h>

#include "cli.h"
#include "setup.h"
#include "steerlb.h"

static const char usage[] =
	"Usage: steerlb [-c DIR] (-r FILE | -i IFACE) [--split DIR] [-w FILE] [-o IFACE]\n"
	"               [--port-map[=PORT=IFACE,...]] [--emulate PROFILE] [--fail WORKER]...\n"
	"               [--stats FILE|-] [OPTIONS]\n"
	"\n"
	"Steer every packet of a capture or an interface to its worker by the plan of\n"
	"DIR, as the frontend balancer does: parse, hash, bucket, worker, then rewrite\n"
	"the destination MAC (or push the worker's VLAN tag, per 'delivery').\n"
	"Timestamps and payloads are kept bit for bit; only the rewritten bytes change.\n"
	"\n"
	"Input (one of):\n"
	"  -r, --read FILE       a pcap or pcapng file ('-': standard input)\n"
	"  -i, --interface IFACE a live interface\n"
	"Outputs (any; none: count only):\n"
	"      --split DIR       one pcap per worker, DIR/WORKER.pcap, frames unchanged\n"
	"  -w, --write FILE      one pcap of the rewritten frames\n"
	"  -o, --output IFACE    send the rewritten frames out of IFACE\n"
	"      --port-map[=MAP]  send each worker's frames out of its own interface: the\n"
	"                        worker's 'interface', or MAP: PORT=IFACE,... by steer.port\n"
	"Steering:\n"
	"  -c, --config DIR      configuration directory (default: $STEER_CONFIG_DIR,\n"
	"                        else /etc/steer)\n"
	"      --emulate PROFILE behave as that balancer does (its hash, fields, fragment\n"
	"                        and non-IP handling): PROFILE.ini in the configuration\n"
	"                        directory, else the shipped hwprofiles/PROFILE.ini\n"
	"      --fail WORKER     take WORKER out: only its buckets move (repeatable)\n"
	"Counters:\n"
	"      --stats FILE|-    per-worker and per-reason counters as JSON, one document\n"
	"                        per line, at the end and on SIGUSR1 (FILE is replaced\n"
	"                        once complete)\n"
	"  -v, --verbose         a text summary on standard error at the end\n"
	"Live capture:\n"
	"      --snaplen N       bytes kept per frame (default 262144)\n"
	"      --no-promisc      do not put the interface in promiscuous mode\n"
	"      --buffer-size N   kernel capture buffer in bytes (default 32 MiB)\n"
	"Other:\n"
	"      --libpcap-io      read and write files through libpcap (pcap_next_ex,\n"
	"                        pcap_dump) instead of steerlb's own reader and buffered\n"
	"                        writer (same bytes; for comparison)\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Signals: SIGHUP re-reads the configuration and re-plans between two packets;\n"
	"SIGUSR1 writes the --stats; SIGINT / SIGTERM stop after the current packet.\n"
	"Live, they take effect within 100 ms even when no frame arrives.\n"
	"\n"
	"Files: '-' is standard input (-r) or output (-w, --stats). An output that is a\n"
	"regular file (or new) is written beside it and renamed over it once complete;\n"
	"a FIFO or a device is written to. An output that is the input is refused.\n"
	"\n"
	"Exit status: 0 success; 1 the capture is truncated or corrupt (read up to the\n"
	"damage; the outputs hold every packet before it), or SIGINT / SIGTERM stopped\n"
	"the reading of a file before its end; 2 usage, configuration, input or output\n"
	"error (e.g. a link type steer cannot parse, an output that cannot be written).\n";

/* The default kernel capture buffer live (--buffer-size overrides): 32 MiB; and how old a
 * block of the capture ring may get before the kernel hands it over. */
#define LB_LIVE_BUFFER (32u << 20)
#define LB_LIVE_BLOCK_MS 4

volatile sig_atomic_t lb_sig_any, lb_sig_hup, lb_sig_usr1, lb_sig_stop;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		lb_sig_hup = 1;
	else if (sig == SIGUSR1)
		lb_sig_usr1 = 1;
	else
		lb_sig_stop = sig;
	lb_sig_any = 1;
}

static void signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Restart reads: a signal must not look like the end of the capture. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static bool linktype_ok(int lt)
{
	return lt == STEER_LINK_ETHERNET || lt == STEER_LINK_RAW || lt == STEER_LINK_LINUX_SLL ||
	       lt == STEER_LINK_IPV4 || lt == STEER_LINK_IPV6;
}

/* --emulate NAME: NAME.ini in the configuration directory, else the shipped profile. */
static int profile_load(struct lb *lb)
{
	struct hwp_profile *p = cli_profile_load(lb->prog, "--emulate", lb->o.emulate,
	                                         cli_config_dir(lb->o.confdir));
	if (!p)
		return -1;
	lb->profile = p;
	lb->keep_frames = !hwp_profile_edits_frames(p);
	return 0;
}

/* Without --emulate, the plan must fit the profile steer.cfg names, as steerctl plan --check
 * and generate demand: a plan no such device can carry is not one to emulate. */
static int profile_fits(struct lb *lb, const struct steer_config *cfg,
                        const struct steer_plan *plan)
{
	char where[STEER_ERRBUF_SIZE];
	cli_profile_where(cfg, where, sizeof(where));
	struct hwp_profile *p = cli_profile_load(lb->prog, where, plan->profile,
	                                         cli_config_dir(lb->o.confdir));
	if (!p)
		return -1;
	int rc = hwp_profile_check(p, plan, lb->errbuf);
	if (rc != 0)
		fprintf(stderr, "%s: %s: %s\n", lb->prog, where, lb->errbuf);
	hwp_profile_free(p);
	return rc ? -1 : 0;
}

static int profile_apply(struct lb *lb, const struct steer_config *cfg, struct steer_plan *plan)
{
	if (!lb->profile)
		return profile_fits(lb, cfg, plan);
	if (hwp_profile_emulate(lb->profile, plan, lb->errbuf) != 0) {
		fprintf(stderr, "%s: --emulate %s: %s\n", lb->prog, lb->o.emulate, lb->errbuf);
		return -1;
	}
	return 0;
}

/* Builds the plan from cfg as steerlb runs it: the profile's behaviour, then --fail, then the
 * workers whose --port-map link is down. strict: an unknown --fail name is an error (at start)
 * rather than a warning (on a re-plan, where the configuration may have dropped the worker). */
static int plan_make(struct lb *lb, const struct steer_config *cfg, bool strict,
                     struct steer_plan **out)
{
	struct steer_plan *p;
	if (steer_plan_build(cfg, &p, lb->errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", lb->prog, lb->errbuf);
		return -1;
	}
	if (profile_apply(lb, cfg, p) != 0)
		goto fail;
	if (strict)
		cli_plan_lint(lb->prog, cfg, p);
	for (size_t i = 0; i < lb->o.nfail; i++) {
		int w = steer_plan_find(p, lb->o.fail[i]);
		if (w < 0) {
			fprintf(stderr, "%s: --fail: no worker '%s' in the plan%s\n", lb->prog,
			        lb->o.fail[i], strict ? "" : " (ignored)");
			if (strict)
				goto fail;
			continue;
		}
		if (p->workers[w].alive && steer_plan_fail(p, (size_t)w) != 0) {
			fprintf(stderr, "%s: --fail %s: cannot fail the last alive worker\n", lb->prog,
			        lb->o.fail[i]);
			goto fail;
		}
	}
	for (size_t i = 0; i < lb->nslots; i++) {
		int w = lb->slots[i].link_down ? steer_plan_find(p, lb->slots[i].name) : -1;
		if (w >= 0 && p->workers[w].alive && steer_plan_fail(p, (size_t)w) != 0)
			fprintf(stderr, "%s: %s: link down but it is the last alive worker\n",
			        lb->prog, lb->slots[i].name);
	}
	*out = p;
	return 0;
fail:
	steer_plan_free(p);
	return -1;
}

/* Replaces the plan between two packets: the old path's counters are kept. */
static int plan_swap(struct lb *lb, struct steer_plan *p)
{
	struct steer_path *path = steer_path_new(p, 65536);
	uint32_t *slot_of;
	if (!path) {
		fprintf(stderr, "%s: out of memory\n", lb->prog);
		return -1;
	}
	if (lb_slots_map(lb, p, &slot_of) != 0) {
		steer_path_free(path);
		return -1;
	}
	lb_stats_fold(lb);
	steer_path_free(lb->path);
	steer_plan_free(lb->plan);
	free(lb->slot_of);
	lb->path = path;
	lb->plan = p;
	lb->slot_of = slot_of;
	lb->replans++;
	return 0;
}

static void replan(struct lb *lb, bool reload)
{
	struct steer_config *cfg = lb->cfg;
	const char *dir = cli_config_dir(lb->o.confdir);
	if (reload && cli_config_load(lb->prog, dir, &cfg) != 0) {
		fprintf(stderr, "%s: SIGHUP: %s: configuration not reloaded, the plan stays\n",
		        lb->prog, dir);
		return;
	}
	struct steer_plan *p;
	if (plan_make(lb, cfg, false, &p) != 0 || plan_swap(lb, p) != 0) {
		if (cfg != lb->cfg)
			steer_config_free(cfg);
		fprintf(stderr, "%s: re-plan failed, the plan stays\n", lb->prog);
		return;
	}
	if (cfg != lb->cfg) {
		steer_config_free(lb->cfg);
		lb->cfg = cfg;
	}
	if (lb->o.verbose)
		fprintf(stderr, "%s: re-planned after %llu packets\n", lb->prog,
		        (unsigned long long)lb->packets);
}

static void handle_signals(struct lb *lb)
{
	lb_sig_any = 0;
	if (lb_sig_hup) {
		lb_sig_hup = 0;
		replan(lb, true);
	}
	if (lb_sig_usr1) {
		lb_sig_usr1 = 0;
		if (lb->live)
			lb->capture_drops = cap_livegroup_drops(lb->lg, 0);
		lb_stats_write(lb, false); /* a failure is said; the next may succeed */
	}
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Between packets, now and then: the progress line; live, the output links. */
static void periodic(struct lb *lb, double *next_poll)
{
	lb_progress(lb, false);
	if (!lb->links)
		return;
	double t = mono();
	if (t < *next_poll)
		return;
	*next_poll = t + 0.1;
	if (lb_links_poll(lb))
		replan(lb, false);
}

/* The per-packet path: no allocation, no system call (outputs are buffered). */
static inline void lb_packet(struct lb *lb, const struct cap_pkthdr *h, const uint8_t *d,
                             uint8_t *mut)
{
	struct steer_pkt pkt;
	uint32_t hash;
	int st = steer_parse(lb->linktype, d, h->caplen, lb->plan->tunnels_inner, &pkt);
	int w = steer_path_classify(lb->path, st, &pkt, &hash);
	lb->packets++;
	lb->bytes += h->len;
	if (w < 0)
		return;
	struct lb_slot *s = &lb->slots[lb->slot_of[w]];
	s->packets++;
	s->bytes += h->len;
	/* A later fragment belongs to the flow its first fragment counted. */
	if ((pkt.flags & (STEER_F_FRAG | STEER_F_FRAG_FIRST)) != STEER_F_FRAG)
		lb_hll_add(&s->hll, lb_flow_hash(&pkt, st));
	lb_deliver(lb, (unsigned)w, h, d, mut, &pkt);
}

/* Live: one frame of the capture, steered at once (the bytes are libpcap's until we return). */
static void on_live(void *arg, size_t index, const struct cap_pkthdr *h, const uint8_t *frame)
{
	(void)index;
	lb_packet(arg, h, frame, NULL);
}

/* Live: poll(2) with a bounded wait instead of a blocking read, since libpcap's read timeout
 * never fires on an idle interface. The wait (LB_LIVE_WAIT_MS) bounds how late a signal that
 * arrives just before poll() is seen (one arriving during it interrupts it at once), and the
 * link monitor is asked every 100 ms whatever the traffic. Frames come in batches of what the
 * capture ring holds (no system call per frame), each steered into its output's TX ring; then
 * one send(2) per output ring sends the batch. Signals are acted on between batches, so a
 * re-plan still falls between two packets and a stop loses nothing taken from the ring. */
#define LB_LIVE_WAIT_MS 50
#define LB_LIVE_BATCH 512
/* Reading a file into interfaces: the rings are flushed every this many packets. */
#define LB_FILE_BATCH 64

static int run_live(struct lb *lb)
{
	double next_poll = 0;
	for (;;) {
		if (lb_sig_any) {
			if (lb_sig_stop)
				return EXIT_OK;
			handle_signals(lb);
		}
		long n = cap_livegroup_poll(lb->lg, LB_LIVE_WAIT_MS, LB_LIVE_BATCH, on_live, lb,
		                            lb->errbuf);
		if (n < 0) {
			lb->error = lb->errbuf;
			fprintf(stderr, "%s: %s\n", lb->prog, lb->errbuf);
			return EXIT_USAGE;
		}
		/* also when idle: frames the kernel could not take at once are tried again */
		if (lb->tx)
			lb_outputs_flush(lb);
		periodic(lb, &next_poll);
	}
}

/* A pipe that stays quiet: the signals are served while the reader waits; a stop ends the
 * wait (the reader then gives nothing more). */
static bool on_idle(void *arg)
{
	struct lb *lb = arg;
	if (lb_sig_stop)
		return true;
	if (lb_sig_any)
		handle_signals(lb);
	return false;
}

/* Returns the exit code. */
static int run(struct lb *lb)
{
	if (lb->live)
		return run_live(lb);
	double next_poll = 0;
	/* a pipe's reader waiting for a quiet writer still serves the signals */
	cap_reader_set_idle(lb->rd, on_idle, lb);
	for (;;) {
		if (lb_sig_any) {
			if (lb_sig_stop)
				break;
			handle_signals(lb);
		}
		struct cap_pkthdr h;
		const uint8_t *d;
		uint8_t *m = NULL;
		int rc;
		if (lb->raw) {
			rc = cap_reader_next_mut(lb->rd, &h, &m);
			d = m;
		} else {
			rc = cap_reader_next(lb->rd, &h, &d);
		}
		if (rc == CAP_PACKET) {
			lb_packet(lb, &h, d, m);
			if (lb->tx && (lb->packets % LB_FILE_BATCH) == 0)
				lb_outputs_flush(lb);
			if ((lb->packets & 0xffff) == 0 || (lb->links && (lb->packets & 0xff) == 0))
				periodic(lb, &next_poll);
			continue;
		}
		if (rc == CAP_TIMEOUT) {
			periodic(lb, &next_poll);
			continue;
		}
		if (rc == CAP_EOF)
			return EXIT_OK;
		if (lb_sig_stop)
			break; /* the reader gave up waiting for a pipe: not damage */
		lb->error = cap_reader_error(lb->rd);
		return EXIT_FAIL;
	}
	/* Stopped before the end of the input: the outputs hold only what was read, and the
	 * exit status and --stats say so (a run that looks complete must be complete). */
	lb->stop_sig = lb_sig_stop;
	snprintf(lb->errbuf, sizeof(lb->errbuf), "interrupted by %s after %llu packets",
	         lb_sig_stop == SIGINT ? "SIGINT" : "SIGTERM", (unsigned long long)lb->packets);
	lb->error = lb->errbuf;
	return EXIT_FAIL;
}

static int open_input(struct lb *lb)
{
	int rc;
	if (lb->o.in) {
		rc = cap_reader_open_file(lb->o.in, lb->o.read_flags, &lb->rd, lb->errbuf);
	} else {
		struct cap_live_opts lo = {
			.iface = lb->o.iface,
			.snaplen = lb->o.snaplen,
			.promisc = lb->o.promisc,
			/* libpcap's TPACKET_V3 ring: frames packed into blocks, so 32 MiB hold tens
			 * of thousands of frames (immediate mode's TPACKET_V2 ring gives each frame
			 * a slot for the largest one a veth may carry, 64 KiB: 512 slots, 2.5 ms at
			 * 200,000 frames/s). A block is handed over when full or LB_LIVE_BLOCK_MS
			 * old: the longest a frame waits, and, since a block that times out holds
			 * few frames at low rates, 128 blocks of 32 MiB then last 128 times that
			 * (with 550-byte frames a stall of steerlb up to 0.5 s loses nothing below
			 * ~100,000 frames/s; with 1 ms, stalls of 130 ms lost frames at 10,000/s on
			 * a busy machine). */
			.immediate = false,
			.timeout_ms = LB_LIVE_BLOCK_MS,
			.buffer_size = lb->o.buffer_size ? lb->o.buffer_size : LB_LIVE_BUFFER,
			/* What steerlb sends out of the same interface must not come back in. */
			.inbound_only = true,
		};
		size_t idx;
		lb->live = true;
		rc = cap_livegroup_new(&lb->lg);
		if (rc == 0)
			rc = cap_livegroup_add(lb->lg, &lo, NULL, &idx, lb->errbuf);
		else
			snprintf(lb->errbuf, sizeof(lb->errbuf), "%s: out of memory", lo.iface);
		if (rc) {
			/* no input: no statistics either */
			cap_livegroup_free(lb->lg);
			lb->lg = NULL;
		}
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", lb->prog, lb->errbuf);
		return -1;
	}
	if (lb->live) {
		lb->linktype = cap_livegroup_linktype(lb->lg, 0);
		lb->prec = cap_livegroup_precision(lb->lg, 0);
		lb->snaplen = lb->o.snaplen ? lb->o.snaplen : CAP_MAX_SNAPLEN;
	} else {
		lb->linktype = cap_reader_linktype(lb->rd);
		lb->prec = cap_reader_precision(lb->rd);
		lb->snaplen = cap_reader_snaplen(lb->rd);
	}
	const char *name = lb->o.in ? lb->o.in : lb->o.iface;
	/* the reason goes to --stats too: a refused input is not a run without error */
	if (!linktype_ok(lb->linktype)) {
		snprintf(lb->errbuf, sizeof(lb->errbuf),
		         "link type %d (%s) is not one steerlb reads (it reads Ethernet, raw IP, "
		         "Linux cooked, IPv4 and IPv6)",
		         lb->linktype, cap_linktype_name(lb->linktype));
		goto refused;
	}
	if ((lb->o.wout || lb->o.oiface || lb->o.port_map) &&
	    lb->linktype != STEER_LINK_ETHERNET) {
		snprintf(lb->errbuf, sizeof(lb->errbuf),
		         "link type %s has no destination MAC to rewrite: -w, -o and --port-map "
		         "need Ethernet (--split works)", cap_linktype_name(lb->linktype));
		goto refused;
	}
	return 0;
refused:
	lb->error = lb->errbuf;
	fprintf(stderr, "%s: %s: %s\n", lb->prog, name, lb->errbuf);
	return -1;
}

static bool parse_args(struct lb *lb, int argc, char **argv, int *exit_code)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"read", required_argument, NULL, 'r'},
		{"interface", required_argument, NULL, 'i'},
		{"split", required_argument, NULL, 'S'},
		{"write", required_argument, NULL, 'w'},
		{"output", required_argument, NULL, 'o'},
		{"port-map", optional_argument, NULL, 'P'},
		{"emulate", required_argument, NULL, 'E'},
		{"fail", required_argument, NULL, 'F'},
		{"stats", required_argument, NULL, 's'},
		{"snaplen", required_argument, NULL, 'L'},
		{"no-promisc", no_argument, NULL, 'N'},
		{"buffer-size", required_argument, NULL, 'B'},
		{"libpcap-io", no_argument, NULL, 'l'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct lb_opts *o = &lb->o;
	uint64_t v;
	int c;
	*exit_code = EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "c:r:i:w:o:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->confdir = optarg;
			break;
		case 'r':
			o->in = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'S':
			o->split_dir = optarg;
			break;
		case 'w':
			o->wout = optarg;
			break;
		case 'o':
			o->oiface = optarg;
			break;
		case 'P':
			o->port_map = true;
			o->port_map_spec = optarg;
			break;
		case 'E':
			o->emulate = optarg;
			break;
		case 'F': {
			const char **f = realloc(o->fail, (o->nfail + 1) * sizeof(*f));
			if (!f) {
				fprintf(stderr, "%s: out of memory\n", lb->prog);
				return false;
			}
			o->fail = f;
			o->fail[o->nfail++] = optarg;
			break;
		}
		case 's':
			o->stats = optarg;
			break;
		case 'L':
			if (!cli_parse_u64(lb->prog, "--snaplen", optarg, 64, CAP_MAX_SNAPLEN, false, &v))
				return false;
			o->snaplen = (uint32_t)v;
			break;
		case 'N':
			o->promisc = false;
			break;
		case 'B':
			if (!cli_parse_u64(lb->prog, "--buffer-size", optarg, 65536, 1u << 31, false,
			                   &v))
				return false;
			o->buffer_size = (uint32_t)v;
			break;
		case 'l':
			o->read_flags |= CAP_READ_LIBPCAP;
			o->write_flags |= CAP_WRITE_LIBPCAP;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf("steerlb %s\n", STEER_VERSION);
			*exit_code = EXIT_OK;
			return false;
		default:
			*exit_code = cli_opt_done(lb->prog, c, usage, NULL);
			return false;
		}
	}
	if (!cli_operands(lb->prog, argc, argv, 0, 0, NULL))
		return false;
	if (!o->in == !o->iface) {
		cli_usage_error(lb->prog, "give one input: -r FILE or -i IFACE");
		return false;
	}
	/* "-" is standard input or output, for each FILE; a directory cannot be either */
	if (o->split_dir && !cli_dir_arg(lb->prog, "--split", o->split_dir))
		return false;
	if (o->wout && o->stats && ofile_is_std(o->wout) && ofile_is_std(o->stats)) {
		cli_usage_error(lb->prog, "-w - and --stats - would both write to standard output");
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct lb *lb = calloc(1, sizeof(*lb));
	if (!lb) {
		fprintf(stderr, "steerlb: out of memory\n");
		return EXIT_USAGE;
	}
	lb->prog = "steerlb";
	lb->o.promisc = true;
	lb->prog_tty = -1;
	int code;
	bool started = false;
	if (!parse_args(lb, argc, argv, &code))
		goto out;
	code = EXIT_USAGE;
	if (lb->o.emulate && profile_load(lb) != 0)
		goto out;
	/* the plan as steerlb runs it: with the profile's behaviour and --fail applied */
	if (cli_config_load(lb->prog, cli_config_dir(lb->o.confdir), &lb->cfg) != 0 ||
	    plan_make(lb, lb->cfg, true, &lb->plan) != 0)
		goto out;
	if (!(lb->path = steer_path_new(lb->plan, 65536))) {
		fprintf(stderr, "%s: out of memory\n", lb->prog);
		goto out;
	}
	if (open_input(lb) != 0 || lb_outputs_open(lb) != 0)
		goto close;
	if (lb_stats_check(lb) != 0) {
		lb->o.stats = NULL; /* said once */
		goto close;
	}
	started = true;
	signals_install();
	if (lb->live)
		/* Frames that arrive before this line were not seen (the capture ring did not
		 * exist yet): whoever starts steerlb and then sends waits for it, as for tcpdump's. */
		fprintf(stderr, "%s: listening on %s, link type %s, capture buffer %u bytes\n",
		        lb->prog, lb->o.iface, cap_linktype_name(lb->linktype),
		        lb->o.buffer_size ? lb->o.buffer_size : LB_LIVE_BUFFER);
	code = run(lb);
	lb_progress(lb, true);
	if (lb->live)
		lb->capture_drops = cap_livegroup_drops(lb->lg, 0);
	if (code == EXIT_FAIL)
		fprintf(stderr, "%s: %s: %s; the outputs hold the %llu packets %s\n", lb->prog,
		        lb->o.in, lb->error, (unsigned long long)lb->packets,
		        lb->stop_sig ? "read" : "before it");
close:
	/* outputs of a run that never started are removed, not left as empty captures */
	if (lb_outputs_close(lb, started) != 0)
		code = EXIT_USAGE;
	if (lb->path && (lb->rd || lb->lg)) {
		if (lb_stats_write(lb, true) != 0)
			code = EXIT_USAGE;
		if (lb->o.verbose)
			lb_stats_print(lb);
	}
out:
	cap_reader_close(lb->rd);
	cap_livegroup_free(lb->lg);
	for (size_t i = 0; i < lb->nslots; i++) {
		free(lb->slots[i].name);
		free(lb->slots[i].port_iface);
	}
	free(lb->slots);
	free(lb->slot_of);
	steer_path_free(lb->path);
	steer_plan_free(lb->plan);
	steer_config_free(lb->cfg);
	hwp_profile_free(lb->profile);
	free(lb->o.fail);
	free(lb);
	return code;
}
