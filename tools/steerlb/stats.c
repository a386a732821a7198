/* SPDX-License-Identifier: BSD-2-Clause */
/* steerlb/stats.c: steerlb's counters: distinct flows per worker (HyperLogLog, Flajolet, Fusy,
 * Gandouet, Meunier 2007), the --stats JSON document, the text summary and the progress line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <steer/flowkey.h>
#include <steer/splitmix.h>

#include "out.h"
#include "steerlb.h"

uint64_t lb_flow_hash(const struct steer_pkt *pkt, int status)
{
	struct steer_flow_key k;
	if (status != STEER_PKT_IP) {
		struct steer_pkt l2 = *pkt;
		l2.family = 0;
		steer_flow_key_from_pkt(&l2, false, &k);
	} else {
		steer_flow_key_from_pkt(pkt, false, &k);
	}
	steer_flow_key_canon(&k);
	/* The key is 40 padding-free bytes: five words, each mixed in. */
	uint64_t w[5], h = 0x5465657246;
	_Static_assert(sizeof(k) == sizeof(w), "flow key layout");
	memcpy(w, &k, sizeof(w));
	for (int i = 0; i < 5; i++)
		h = steer_splitmix64_mix(h ^ w[i]);
	return h;
}

double lb_hll_estimate(const struct lb_hll *h)
{
	const double m = LB_HLL_REGS;
	double sum = 0;
	unsigned zeros = 0;
	for (unsigned i = 0; i < LB_HLL_REGS; i++) {
		sum += ldexp(1.0, -h->reg[i]);
		zeros += h->reg[i] == 0;
	}
	double e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros); /* linear counting: small cardinalities */
	return e;
}

void lb_stats_fold(struct lb *lb)
{
	const struct steer_path_stats *s = steer_path_stats(lb->path);
	lb->base.ip += s->ip;
	lb->base.non_ip += s->non_ip;
	lb->base.malformed += s->malformed;
	lb->base.frag_first += s->frag_first;
	lb->base.frag_hit += s->frag_hit;
	lb->base.frag_miss += s->frag_miss;
	lb->base.dropped += s->dropped;
}

/* One print path for --stats (JSON) and --verbose (text). */
static void stats_out(struct lb *lb, struct out *o, bool final)
{
	const struct steer_path_stats *s = steer_path_stats(lb->path);
	out_obj_open(o, NULL);
	out_str(o, "input", "steerlb: %s", lb->o.in ? lb->o.in : lb->o.iface);
	out_u64(o, "link_type", " (link type %llu", (uint64_t)lb->linktype);
	out_str(o, "link_type_name", " %s)", cap_linktype_name(lb->linktype));
	out_bool(o, "final", NULL, final);
	out_str(o, "error", NULL, lb->error);
	out_u64(o, "packets", ": %llu packets", lb->packets);
	out_u64(o, "bytes", ", %llu bytes", lb->bytes);
	out_u64(o, "replans", ", %llu re-plans\n", lb->replans);
	if (lb->live) {
		/* The kernel's count (pcap_stats: ps_drop + ps_ifdrop): frames that reached the
		 * interface but not steerlb, so never steered. */
		out_u64(o, "capture_drops", "  capture drops %llu", lb->capture_drops);
		out_u64(o, "link_downs", ", output links down %llu", lb->link_downs);
		out_u64(o, "link_ups", ", up %llu\n", lb->link_ups);
	}
	out_obj_open(o, "reasons");
	out_u64(o, "ip", "  ip %llu", lb->base.ip + s->ip);
	out_u64(o, "non_ip", ", non-ip %llu", lb->base.non_ip + s->non_ip);
	out_u64(o, "malformed", ", malformed %llu", lb->base.malformed + s->malformed);
	out_u64(o, "dropped", ", dropped by policy %llu\n", lb->base.dropped + s->dropped);
	out_u64(o, "frag_first", "  fragments: first %llu", lb->base.frag_first + s->frag_first);
	out_u64(o, "frag_hit", ", followed %llu", lb->base.frag_hit + s->frag_hit);
	out_u64(o, "frag_miss", ", before their first %llu\n", lb->base.frag_miss + s->frag_miss);
	out_obj_close(o);
	struct cap_tx_stats tx;
	lb_tx_totals(lb, &tx);
	out_obj_open(o, "outputs");
	out_u64(o, "unrewritten", "  not rewritten (no Ethernet header) %llu", lb->unrewritten);
	/* Every frame for an interface is sent or counted here: none is dropped silently. */
	out_u64(o, "inject_errors", ", not sent %llu\n",
	        tx.failed_full + tx.failed_size + tx.failed_down);
	if (lb->tx) {
		out_u64(o, "sent", "  sent %llu", tx.sent);
		out_u64(o, "send_full", "; not sent: TX ring full %llu", tx.failed_full);
		out_u64(o, "send_refused", ", too long for the output %llu", tx.failed_size);
		out_u64(o, "send_down", ", output down or send error %llu\n", tx.failed_down);
		out_u64(o, "tx_waits", "  TX ring full, waited %llu times", tx.waits);
		out_u64(o, "tx_retries", ", sends retried %llu\n", tx.retries);
	}
	out_obj_close(o);
	out_arr_open(o, "workers");
	for (size_t i = 0; i < lb->nslots; i++) {
		const struct lb_slot *w = &lb->slots[i];
		int pi = steer_plan_find(lb->plan, w->name);
		out_obj_open(o, NULL);
		out_str(o, "name", "  %-16s", w->name);
		out_u64(o, "packets", " %12llu packets", w->packets);
		out_u64(o, "bytes", " %14llu bytes", w->bytes);
		out_u64(o, "flows", " ~%llu flows", (uint64_t)llround(lb_hll_estimate(&w->hll)));
		out_bool(o, "alive", NULL, pi >= 0 && lb->plan->workers[pi].alive);
		out_bool(o, "in_plan", NULL, pi >= 0);
		if (w->port_iface) {
			struct cap_tx_stats st;
			lb_slot_tx_stats(w, &st);
			out_str(o, "port", " on %s", w->port_iface);
			out_bool(o, "link_down", NULL, w->link_down);
			out_u64(o, "sent", " sent %llu", st.sent);
			out_u64(o, "not_sent", " not sent %llu",
			        st.failed_full + st.failed_size + st.failed_down);
		}
		if (pi < 0)
			out_text(o, " (no longer in the plan)");
		else if (w->link_down)
			out_text(o, " (failed: link down)");
		else if (!lb->plan->workers[pi].alive)
			out_text(o, " (failed)");
		out_text(o, "\n");
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
	out_end(o);
}

int lb_stats_write(struct lb *lb, bool final)
{
	if (!lb->o.stats)
		return 0;
	/* One document per line (a reader of --stats - takes a line at a time), and a file is
	 * replaced only once complete, so a reader never sees half a document. */
	struct ofile f;
	if (ofile_open(&f, lb->prog, "--stats", lb->o.stats, 0) != 0)
		return -1;
	FILE *fp = ofile_fdopen(&f);
	if (!fp) {
		fprintf(stderr, "%s: --stats: %s: out of memory\n", lb->prog, lb->o.stats);
		ofile_abort(&f);
		return -1;
	}
	struct out o;
	out_init_compact(&o, fp);
	stats_out(lb, &o, final);
	return ofile_commit(&f, lb->prog);
}

int lb_stats_check(struct lb *lb)
{
	if (!lb->o.stats)
		return 0;
	struct ofile f;
	if (ofile_open(&f, lb->prog, "--stats", lb->o.stats, OFILE_LOOK) != 0)
		return -1;
	const char *clash = NULL;
	if (lb->o.in && ofile_is_input(&f, lb->o.in))
		clash = "the input";
	else if (lb->w && ofile_same(&f, &lb->wfile))
		clash = "the -w output";
	for (size_t i = 0; !clash && i < lb->nslots; i++)
		if (lb->slots[i].split && ofile_same(&f, &lb->slots[i].split_file))
			clash = "a --split output";
	if (clash)
		fprintf(stderr, "%s: --stats: %s is %s: refusing to overwrite it\n", lb->prog,
		        lb->o.stats, clash);
	/* only a look: the file is written at the end (or on SIGUSR1) */
	ofile_abort(&f);
	return clash ? -1 : 0;
}

void lb_stats_print(struct lb *lb)
{
	struct out o;
	out_init(&o, stderr, false);
	stats_out(lb, &o, true);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void lb_progress(struct lb *lb, bool last)
{
	if (lb->prog_tty < 0)
		lb->prog_tty = lb->o.in && isatty(STDERR_FILENO);
	if (!lb->prog_tty)
		return;
	double t = now();
	if (lb->prog_t0 == 0)
		lb->prog_t0 = lb->prog_tlast = t;
	double t0 = lb->prog_t0, tlast = lb->prog_tlast;
	uint64_t plast = lb->prog_plast;
	if (!last && t - tlast < 0.5)
		return;
	uint64_t size = cap_reader_size(lb->rd), off = cap_reader_offset(lb->rd);
	double rate = t > tlast ? (double)(lb->packets - plast) / (t - tlast) / 1e6 : 0;
	if (last)
		rate = t > t0 ? (double)lb->packets / (t - t0) / 1e6 : 0;
	if (size)
		fprintf(stderr, "\r%s: %llu packets, %5.1f%%, %.2f Mpps   ", lb->prog,
		        (unsigned long long)lb->packets, 100.0 * (double)off / (double)size, rate);
	else
		fprintf(stderr, "\r%s: %llu packets, %.2f Mpps   ", lb->prog,
		        (unsigned long long)lb->packets, rate);
	if (last)
		fputc('\n', stderr);
	lb->prog_tlast = t;
	lb->prog_plast = lb->packets;
}
