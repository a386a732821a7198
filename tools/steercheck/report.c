/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/report.c: steercheck's report: text and --json from one print path (out.h),
 * --html as one self-contained page (inline SVG bar chart, tables of faults), --stats. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <steer/addr.h>
#include <steer/error.h>
#include <steer/flowkey.h>
#include <steer/proto.h>

#include "cli.h"
#include "html.h"
#include "out.h"
#include "steercheck.h"

/* ---- flows as text ---- */

/* "tcp", "proto-99", or "non-ip" for a MAC-pair key. */
static const char *proto_text(const struct steer_flow_key *k, char *buf)
{
	return k->family ? steer_proto_text(k->proto, buf) : "non-ip";
}

/* A flow's directions seen at a worker (bit 0 client to server, bit 1 back). */
static const char *dirs_text(uint8_t dirs)
{
	static const char *const text[4] = {"-", "->", "<-", "both"};
	return text[dirs & 3u];
}

static char *human_bytes(uint64_t b, char *buf, size_t n)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
	double v = (double)b;
	int u = 0;
	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%llu B", (unsigned long long)b);
	else
		snprintf(buf, n, "%.1f %s", v, units[u]);
	return buf;
}

/* ---- the text / JSON report ---- */

static void put_flow(struct out *o, const struct steer_flow *f)
{
	char pb[STEER_PROTO_STRLEN], s[STEER_ENDPOINT_STRLEN], d[STEER_ENDPOINT_STRLEN];
	char text[STEER_FLOW_STRLEN];
	const struct steer_flow_key *k = &f->key;
	out_obj_open(o, "flow");
	out_str(o, "text", "%s", steer_flow_key_format(k, text));
	out_str(o, "proto", NULL, proto_text(k, pb));
	if (k->family) {
		struct steer_addr a = {.family = k->family};
		char ab[STEER_ADDR_STRLEN];
		memcpy(a.a, k->src, 16);
		out_str(o, "src", NULL, steer_addr_format(&a, ab));
		out_u64(o, "sport", NULL, k->sport);
		memcpy(a.a, k->dst, 16);
		out_str(o, "dst", NULL, steer_addr_format(&a, ab));
		out_u64(o, "dport", NULL, k->dport);
	} else {
		out_str(o, "src", NULL, steer_flow_endpoint_format(k, false, s));
		out_str(o, "dst", NULL, steer_flow_endpoint_format(k, true, d));
	}
	if (k->vlan)
		out_u64(o, "vlan", NULL, k->vlan);
	out_obj_close(o);
}

/* The workers that saw f: " at worker-1 (both ways, 12 pkts), worker-2 (->, 3 pkts)". */
static void put_flow_workers(struct out *o, const struct steer_plan *p,
                             const struct steer_flow *f)
{
	out_arr_open(o, "workers");
	for (unsigned i = 0; i < f->nseen; i++) {
		const struct steer_flow_seen *s = &f->seen[i];
		out_text(o, i ? ", " : "  at ");
		out_obj_open(o, NULL);
		out_str(o, "worker", "%s", p->workers[s->worker].name);
		out_str(o, "directions", " (%s", dirs_text(s->dirs));
		out_u64(o, "packets", ", %llu pkts)", s->packets);
		out_obj_close(o);
	}
	out_arr_close(o);
	if (f->more)
		out_text(o, ", and more");
	out_bool(o, "more_workers", NULL, f->more != 0);
	if (f->nseen == 0)
		out_text(o, "  at no worker");
}

static void put_finding(struct out *o, const struct steer_plan *p, const struct steer_finding *x)
{
	char mac[STEER_MAC_STRLEN], hb[32];
	out_obj_open(o, NULL);
	out_str(o, "kind", "  %-13s ", steer_finding_name(x->kind));
	switch (x->kind) {
	case STEER_FIND_UNKNOWN_DEST:
		if (x->vlan >= 0)
			out_u64(o, "vlan", "vlan %llu", (uint64_t)x->vlan);
		else
			out_str(o, "mac", "%s", steer_mac_format(&x->mac, mac));
		out_text(o, " belongs to no worker:");
		out_u64(o, "packets", " %llu pkts", x->packets);
		out_u64(o, "bytes", NULL, x->bytes);
		out_text(o, ", %s", human_bytes(x->bytes, hb, sizeof(hb)));
		if (x->flow) {
			out_text(o, ", e.g. ");
			put_flow(o, x->flow);
		}
		break;
	case STEER_FIND_IMBALANCE:
		out_str(o, "worker", "%s", p->workers[x->worker].name);
		out_double(o, "ratio", " has %.2fx its expected share", x->ratio, 3);
		out_u64(o, "packets", " (%llu pkts", x->packets);
		out_u64(o, "bytes", NULL, x->bytes);
		out_text(o, ", %s)", human_bytes(x->bytes, hb, sizeof(hb)));
		break;
	default:
		put_flow(o, x->flow);
		out_u64(o, "packets", "  %llu pkts", x->packets);
		out_u64(o, "bytes", NULL, x->bytes);
		put_flow_workers(o, p, x->flow);
		if (x->kind == STEER_FIND_MISDIRECTED)
			out_str(o, "predicted", "; predicted %s", p->workers[x->worker].name);
		if (x->kind == STEER_FIND_SPLIT)
			out_bool(o, "duplicated", NULL, x->duplicated);
		if (x->duplicated)
			out_text(o, "  (duplicated: the same packets twice)");
		if (x->kind == STEER_FIND_ONE_SIDED)
			out_text(o, "  (no packet the other way)");
		break;
	}
	out_obj_close(o);
	out_text(o, "\n");
}

static void put_header(struct out *o, struct sc_ctx *x, const struct steer_check_result *r)
{
	const struct steer_plan *p = x->plan;
	const struct steer_hash_spec *h = &p->hasher->spec;
	char hb[32];
	out_str(o, "command", "steercheck %s: ", x->mode);
	out_str(o, "result", "%s\n", r->pass ? "PASS" : "FAIL");
	out_bool(o, "pass", NULL, r->pass);
	out_obj_open(o, "plan");
	out_str(o, "fingerprint", "plan %s", x->fingerprint);
	out_str(o, "profile", "  profile %s", x->profile_name);
	out_str(o, "hash", "  hash %s", steer_hash_name(h->fn));
	out_str(o, "fields", " %s", steer_fields_name(h->fields));
	out_bool(o, "symmetric", NULL, steer_hash_is_symmetric(h));
	out_text(o, " (%s)", steer_hash_is_symmetric(h) ? "symmetric" : "NOT symmetric");
	out_u64(o, "buckets", "  %llu buckets", p->nbuckets);
	out_str(o, "delivery", "  delivery %s\n", steer_delivery_name(p->delivery));
	out_obj_close(o);
	out_bool(o, "predicted", NULL, r->predicted);
	if (r->predicted)
		out_text(o, "predictions: every flow is held to the worker the plan predicts\n");
	if (r->predicted)
		out_str(o, "predict_note", NULL, NULL);
	else
		out_str(o, "predict_note", "predictions: off (%s)\n", x->predict_note);

	out_arr_open(o, "inputs");
	out_text(o, "inputs:");
	for (size_t i = 0; i < x->ninputs; i++) {
		int w = x->input_worker[i];
		out_obj_open(o, NULL);
		if (w >= 0) {
			out_str(o, "worker", " %s=", p->workers[w].name);
		} else {
			out_text(o, " (balanced) ");
			out_str(o, "worker", NULL, NULL);
		}
		out_str(o, "file", "%s", x->inputs[i]);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_text(o, "\n");

	out_obj_open(o, "totals");
	out_u64(o, "packets", "%llu packets", r->packets);
	out_u64(o, "bytes", NULL, r->bytes);
	out_text(o, ", %s", human_bytes(r->bytes, hb, sizeof(hb)));
	out_u64(o, "flows", ", %llu flows", r->flows);
	double dur = r->last_ns > r->first_ns ? (double)(r->last_ns - r->first_ns) / 1e9 : 0;
	out_double(o, "duration_s", " over %.1f s", dur, 6);
	out_u64(o, "non_ip", " (non-IP %llu", r->non_ip);
	out_u64(o, "malformed", ", malformed %llu", r->malformed);
	out_u64(o, "unknown_packets", ", to no worker %llu", r->unknown_packets);
	out_u64(o, "unknown_bytes", NULL, r->unknown_bytes);
	out_text(o, ")\n");
	out_u64(o, "untracked_packets", r->flows_untracked ? "%llu packets of flows beyond --max-flows were not "
	        "analysed\n" : NULL, r->flows_untracked);
	out_obj_close(o);
}

static void put_workers(struct out *o, struct sc_ctx *x, const struct steer_check_result *r)
{
	const struct steer_plan *p = x->plan;
	int wn = 6;
	char mac[STEER_MAC_STRLEN], hb[32];
	for (size_t i = 0; i < p->nworkers; i++)
		if ((int)strlen(p->workers[i].name) > wn)
			wn = (int)strlen(p->workers[i].name);
	out_text(o, "\n%-*s  %10s  %6s  %8s  %10s  %6s  %8s  %6s\n", wn, "WORKER", "PACKETS",
	         "SHARE", "EXPECTED", "BYTES", "SHARE", "FLOWS", "SHARE");
	out_arr_open(o, "workers");
	for (size_t i = 0; i < r->nworkers; i++) {
		const struct steer_check_worker *w = &r->workers[i];
		const struct steer_plan_worker *pw = &p->workers[i];
		out_obj_open(o, NULL);
		out_str(o, "name", NULL, pw->name);
		out_text(o, "%-*s", wn, pw->name);
		out_str(o, "mac", NULL, steer_mac_format(&pw->mac, mac));
		if (pw->vlan >= 0)
			out_u64(o, "vlan", NULL, (uint64_t)pw->vlan);
		out_bool(o, "alive", NULL, pw->alive);
		out_u64(o, "packets", "  %10llu", w->packets);
		out_double(o, "packets_pct", "  %5.1f%%", w->share_packets * 100, 6);
		out_double(o, "expected_pct", "  %7.1f%%", w->expected * 100, 6);
		out_u64(o, "bytes", NULL, w->bytes);
		out_text(o, "  %10s", human_bytes(w->bytes, hb, sizeof(hb)));
		out_double(o, "bytes_pct", "  %5.1f%%", w->share_bytes * 100, 6);
		out_u64(o, "flows", "  %8llu", w->flows);
		out_double(o, "flows_pct", "  %5.1f%%\n", w->share_flows * 100, 6);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_open(o, "imbalance");
	out_double(o, "packets", "imbalance %.2f", r->imbalance, 4);
	out_str(o, "worker", " (%s", r->imbalance_worker >= 0
	                                 ? p->workers[r->imbalance_worker].name : NULL);
	out_double(o, "threshold", ", threshold %.2f)", x->o->check.max_imbalance, 4);
	out_double(o, "flows", "  on flows %.2f", r->flow_imbalance, 4);
	out_bool(o, "judged", NULL, r->imbalance_judged);
	if (!r->imbalance_judged)
		out_text(o, "  (not judged: fewer than %llu flows per worker)",
		         (unsigned long long)x->o->check.min_flows);
	out_text(o, "\n");
	out_obj_close(o);
}

static void put_findings(struct out *o, struct sc_ctx *x, const struct steer_check_result *r)
{
	out_obj_open(o, "counts");
	out_text(o, "\nfindings:");
	for (int k = 0; k < STEER_FIND__COUNT; k++) {
		char fmt[48];
		snprintf(fmt, sizeof(fmt), "%s%s %%llu", k ? ", " : " ", steer_finding_name(k));
		out_u64(o, steer_finding_name(k), fmt, r->count[k]);
	}
	out_u64(o, "duplicated", "  (duplicated %llu)\n", r->duplicated);
	out_obj_close(o);
	/* r->findings holds the worst of each kind, sorted by kind; count[] says how many more */
	uint64_t shown = 0;
	out_arr_open(o, "findings");
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct steer_finding *f = &r->findings[i];
		put_finding(o, x->plan, f);
		shown++;
		if (i + 1 < r->nfindings && r->findings[i + 1].kind == f->kind)
			continue;
		if (r->count[f->kind] > shown)
			out_text(o, "  ... and %llu more %s\n",
			         (unsigned long long)(r->count[f->kind] - shown),
			         steer_finding_name(f->kind));
		shown = 0;
	}
	out_arr_close(o);
}

static void put_heaviest(struct out *o, struct sc_ctx *x, const struct steer_check_result *r)
{
	char hb[32];
	out_text(o, "\nheaviest flows:\n");
	out_arr_open(o, "heaviest");
	for (size_t i = 0; i < r->nheaviest; i++) {
		const struct steer_flow *f = r->heaviest[i];
		uint64_t b = f->bytes;
		out_obj_open(o, NULL);
		out_text(o, "  ");
		put_flow(o, f);
		out_u64(o, "packets", "  %llu pkts", f->packets[0] + f->packets[1]);
		out_u64(o, "bytes", NULL, b);
		out_text(o, ", %s", human_bytes(b, hb, sizeof(hb)));
		put_flow_workers(o, x->plan, f);
		out_obj_close(o);
		out_text(o, "\n");
	}
	out_arr_close(o);
}

/* Why the verdict is FAIL, in one line. */
static void put_verdict(struct out *o, struct sc_ctx *x, const struct steer_check_result *r)
{
	const struct steer_check_opts *t = &x->o->check;
	out_bool(o, "empty", NULL, r->empty);
	out_obj_open(o, "thresholds");
	out_u64(o, "max_split", NULL, t->max_split);
	out_double(o, "max_split_percent", NULL, t->max_split_frac * 100, 4);
	out_double(o, "max_imbalance", NULL, t->max_imbalance, 4);
	out_u64(o, "min_flows", NULL, t->min_flows);
	out_obj_close(o);
	if (r->pass) {
		out_text(o, "\nRESULT: PASS: every flow reached exactly one worker, both ways\n");
		return;
	}
	out_text(o, "\nRESULT: FAIL:");
	uint64_t splits = r->count[STEER_FIND_SPLIT] + r->count[STEER_FIND_ASYMMETRIC];
	const char *sep = " ";
	if (r->empty) {
		out_text(o, "%sno packets: nothing was checked", sep);
		sep = "; ";
	}
	if (splits) {
		uint64_t allowed = t->max_split_frac > 0
		                       ? (uint64_t)(t->max_split_frac * (double)r->flows)
		                       : t->max_split;
		out_text(o, "%s%llu split or asymmetric flows (tolerated: %llu)", sep,
		         (unsigned long long)splits, (unsigned long long)allowed);
		sep = "; ";
	}
	if (r->unknown_packets) {
		out_text(o, "%s%llu packets to no worker", sep,
		         (unsigned long long)r->unknown_packets);
		sep = "; ";
	}
	if (r->count[STEER_FIND_MISDIRECTED]) {
		out_text(o, "%s%llu flows at another worker than predicted", sep,
		         (unsigned long long)r->count[STEER_FIND_MISDIRECTED]);
		sep = "; ";
	}
	if (r->count[STEER_FIND_ONE_SIDED]) {
		out_text(o, "%s%llu one-sided TCP flows", sep,
		         (unsigned long long)r->count[STEER_FIND_ONE_SIDED]);
		sep = "; ";
	}
	if (r->count[STEER_FIND_IMBALANCE])
		out_text(o, "%simbalance %.2f above %.2f", sep, r->imbalance, t->max_imbalance);
	out_text(o, "\n");
}

static void put_memory(struct out *o, const struct steer_check_result *r)
{
	out_obj_open(o, "memory");
	out_u64(o, "flow_table_bytes", NULL, r->memory);
	out_double(o, "bytes_per_flow", NULL, r->bytes_per_flow, 1);
	out_obj_close(o);
}

/* ---- HTML ---- */

static void html_workers_of(FILE *f, const struct steer_plan *p, const struct steer_flow *fl)
{
	for (unsigned i = 0; i < fl->nseen; i++) {
		if (i)
			fputs(", ", f);
		html_esc(f, p->workers[fl->seen[i].worker].name);
		fprintf(f, " (%s, %u pkts)", fl->seen[i].dirs == 3 ? "both"
		                             : fl->seen[i].dirs == 1 ? "&rarr;" : "&larr;",
		        fl->seen[i].packets);
	}
	if (fl->more)
		fputs(", and more", f);
}

static void html_chart(FILE *f, struct sc_ctx *x, const struct steer_check_result *r)
{
	struct html_bar *b = calloc(r->nworkers ? r->nworkers : 1, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < r->nworkers; i++) {
		const struct steer_check_worker *w = &r->workers[i];
		b[i].label = x->plan->workers[i].name;
		b[i].value = w->share_packets;
		b[i].mark = w->expected;
		b[i].hot = w->expected > 0 &&
		           w->share_packets / w->expected > x->o->check.max_imbalance;
		snprintf(b[i].tip, sizeof(b[i].tip), "%s: %.1f%% of packets, expected %.1f%%",
		         b[i].label, w->share_packets * 100, w->expected * 100);
		snprintf(b[i].text, sizeof(b[i].text), "%.1f%%", w->share_packets * 100);
	}
	html_bars(f, b, r->nworkers, "share of packets per worker",
	          "bars: share of packets; lines: expected share by the plan");
	free(b);
}

static int write_html(struct sc_ctx *x, const struct steer_check_result *r)
{
	struct ofile of;
	FILE *f = sc_html_begin(x, &of);
	if (!f)
		return -1;
	const struct steer_plan *p = x->plan;
	char hb[32], text[STEER_FLOW_STRLEN], mac[STEER_MAC_STRLEN];
	html_open(f, "steercheck report");
	fprintf(f, "<h1>steercheck %s: <span class=\"%s\">%s</span></h1>\n", x->mode,
	        r->pass ? "pass" : "fail", r->pass ? "PASS" : "FAIL");
	fputs("<p>plan ", f);
	html_esc(f, x->fingerprint);
	fputs(", profile ", f);
	html_esc(f, x->profile_name);
	fputs(", hash ", f);
	html_esc(f, steer_hash_name(p->hasher->spec.fn));
	fprintf(f, " %s (%s), %u buckets; predictions %s.</p>\n",
	        steer_fields_name(p->hasher->spec.fields),
	        steer_hash_is_symmetric(&p->hasher->spec) ? "symmetric" : "NOT symmetric",
	        p->nbuckets, r->predicted ? "checked" : "off");
	fputs("<p>inputs:", f);
	for (size_t i = 0; i < x->ninputs; i++) {
		fputs(" ", f);
		if (x->input_worker[i] >= 0) {
			html_esc(f, p->workers[x->input_worker[i]].name);
			fputs("=", f);
		} else {
			fputs("(balanced) ", f);
		}
		html_esc(f, x->inputs[i]);
	}
	fprintf(f, "</p>\n<p>%llu packets, %s, %llu flows; non-IP %llu, malformed %llu, to no "
	           "worker %llu.</p>\n",
	        (unsigned long long)r->packets, human_bytes(r->bytes, hb, sizeof(hb)),
	        (unsigned long long)r->flows, (unsigned long long)r->non_ip,
	        (unsigned long long)r->malformed, (unsigned long long)r->unknown_packets);

	fputs("<h2>Share of each worker</h2>\n", f);
	html_chart(f, x, r);
	fputs("<table id=\"workers\"><tr><th>worker</th><th>MAC</th><th>packets</th>"
	      "<th>share</th><th>expected</th><th>bytes</th><th>share</th><th>flows</th>"
	      "<th>share</th></tr>\n",
	      f);
	for (size_t i = 0; i < r->nworkers; i++) {
		const struct steer_check_worker *w = &r->workers[i];
		fputs("<tr><td>", f);
		html_esc(f, p->workers[i].name);
		fputs("</td><td>", f);
		html_esc(f, steer_mac_format(&p->workers[i].mac, mac));
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%.1f%%</td>"
		           "<td class=\"n\">%.1f%%</td><td class=\"n\">%s</td>"
		           "<td class=\"n\">%.1f%%</td><td class=\"n\">%llu</td>"
		           "<td class=\"n\">%.1f%%</td></tr>\n",
		        (unsigned long long)w->packets, w->share_packets * 100, w->expected * 100,
		        human_bytes(w->bytes, hb, sizeof(hb)), w->share_bytes * 100,
		        (unsigned long long)w->flows, w->share_flows * 100);
	}
	fprintf(f, "</table>\n<p>imbalance %.2f (threshold %.2f)%s; on flows %.2f.</p>\n",
	        r->imbalance, x->o->check.max_imbalance,
	        r->imbalance_judged ? "" : ", not judged: too few flows", r->flow_imbalance);

	fputs("<h2>Faults</h2>\n<table id=\"counts\"><tr><th>finding</th><th>count</th></tr>\n",
	      f);
	for (int k = 0; k < STEER_FIND__COUNT; k++)
		fprintf(f, "<tr><td>%s</td><td class=\"n\">%llu</td></tr>\n", steer_finding_name(k),
		        (unsigned long long)r->count[k]);
	fputs("</table>\n", f);
	size_t top = x->o->check.top, shown[STEER_FIND__COUNT] = {0};
	for (int k = 0; k < STEER_FIND__COUNT; k++) {
		if (!r->count[k])
			continue;
		fprintf(f, "<h3>%s</h3>\n<table class=\"faults\" id=\"%s\"><tr><th>flow or "
		           "destination</th><th>packets</th><th>bytes</th><th>workers</th></tr>\n",
		        steer_finding_name(k), steer_finding_name(k));
		for (size_t i = 0; i < r->nfindings; i++) {
			const struct steer_finding *x2 = &r->findings[i];
			if ((int)x2->kind != k || shown[k]++ >= top)
				continue;
			fputs("<tr><td>", f);
			if (k == STEER_FIND_UNKNOWN_DEST) {
				if (x2->vlan >= 0)
					fprintf(f, "vlan %d", x2->vlan);
				else
					html_esc(f, steer_mac_format(&x2->mac, mac));
			} else if (k == STEER_FIND_IMBALANCE) {
				html_esc(f, p->workers[x2->worker].name);
				fprintf(f, " at %.2fx its share", x2->ratio);
			} else {
				html_esc(f, steer_flow_key_format(&x2->flow->key, text));
			}
			fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%s</td><td>",
			        (unsigned long long)x2->packets, human_bytes(x2->bytes, hb, sizeof(hb)));
			if (x2->flow && k != STEER_FIND_IMBALANCE)
				html_workers_of(f, p, x2->flow);
			if (k == STEER_FIND_MISDIRECTED) {
				fputs("; predicted ", f);
				html_esc(f, p->workers[x2->worker].name);
			}
			if (x2->duplicated)
				fputs(" (duplicated)", f);
			fputs("</td></tr>\n", f);
		}
		if (r->count[k] > top)
			fprintf(f, "<tr><td colspan=\"4\">&hellip; and %llu more</td></tr>\n",
			        (unsigned long long)(r->count[k] - top));
		fputs("</table>\n", f);
	}
	fputs("<h2>Heaviest flows</h2>\n<table id=\"heaviest\"><tr><th>flow</th><th>packets</th>"
	      "<th>bytes</th><th>workers</th></tr>\n",
	      f);
	for (size_t i = 0; i < r->nheaviest; i++) {
		const struct steer_flow *fl = r->heaviest[i];
		fputs("<tr><td>", f);
		html_esc(f, steer_flow_key_format(&fl->key, text));
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%s</td><td>",
		        (unsigned long long)(fl->packets[0] + fl->packets[1]),
		        human_bytes(fl->bytes, hb, sizeof(hb)));
		html_workers_of(f, p, fl);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n</body></html>\n", f);
	return sc_html_end(x, &of);
}

/* ---- all of it ---- */

static void print_stats(struct sc_ctx *x, const struct steer_check_result *r)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double s = x->seconds > 0 ? x->seconds : 1e-9;
	fprintf(stderr,
	        "%s: stats: %.3f s, %llu packets (%.2f Mpps), %.3f GB of frames (%.3f GB/s), "
	        "%llu flows, flow table %zu bytes (%.0f bytes per flow), max RSS %ld KiB\n",
	        x->prog, x->seconds, (unsigned long long)r->packets, (double)r->packets / s / 1e6,
	        (double)r->bytes / 1e9, (double)r->bytes / s / 1e9, (unsigned long long)r->flows,
	        r->memory, r->bytes_per_flow, ru.ru_maxrss);
}

int sc_report(struct sc_ctx *x)
{
	const struct steer_check_result *r = steer_check_finish(x->check);
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", x->prog);
		return EXIT_USAGE;
	}
	/* --html -: the page on stdout, instead of the text report */
	bool page_only = x->o->html && ofile_is_std(x->o->html);
	struct out o;
	out_init(&o, stdout, x->o->json);
	if (!page_only) {
		out_obj_open(&o, NULL);
		put_header(&o, x, r);
		put_workers(&o, x, r);
		put_findings(&o, x, r);
		put_heaviest(&o, x, r);
		put_memory(&o, r);
		put_verdict(&o, x, r);
		out_obj_close(&o);
		out_end(&o);
	}
	int rc = r->pass ? EXIT_OK : EXIT_FAIL;
	if (r->empty)
		fprintf(stderr, "%s: warning: no packets in the %s: nothing was checked\n", x->prog,
		        strcmp(x->mode, "live") == 0 ? "capture window" : "captures");
	if (x->o->html) {
		if (write_html(x, r) != 0)
			rc = EXIT_USAGE;
		else if (!x->o->json && !page_only)
			printf("HTML report: %s\n", x->o->html);
	}
	if (x->o->stats)
		print_stats(x, r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steercheck: stdout");
		return EXIT_USAGE;
	}
	return rc;
}
