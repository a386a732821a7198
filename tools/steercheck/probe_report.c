/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/probe_report.c: the report of `steercheck probe` from the library's verdict
 * (steer/probe.h): text and --json from one print path (out.h), --html as one self-contained
 * page, --stats on standard error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <steer/probe.h>

#include "cap.h"
#include "cli.h"
#include "html.h"
#include "out.h"
#include "steercheck.h"

static const char *wname(const struct steer_plan *p, int w)
{
	if (w == STEER_PROBE_SEVERAL)
		return "(several)";
	return w >= 0 && (size_t)w < p->nworkers ? p->workers[w].name : "(none)";
}

static void put_totals(struct out *o, const struct steer_probe_result *r)
{
	out_obj_open(o, "totals");
	out_u64(o, "arrived", "arrived %llu", r->arrived);
	out_u64(o, "lost", ", lost %llu", r->total.lost);
	out_u64(o, "duplicated", ", duplicated %llu", r->total.duplicated);
	out_u64(o, "misdirected", ", misdirected %llu", r->total.misdirected);
	out_u64(o, "split_flows", ", split flows %llu", r->total.split);
	out_u64(o, "asymmetric_flows", ", asymmetric flows %llu", r->total.asymmetric);
	out_u64(o, "split_tolerated", r->split_tolerated ? " (tolerated: %llu)" : NULL,
	        r->split_tolerated);
	out_u64(o, "stray", ", at no worker %llu", r->stray);
	out_u64(o, "other_frames", " (other frames captured: %llu)\n", r->foreign);
	out_u64(o, "lost_flows", NULL, r->lost_flows);
	out_u64(o, "separate_direction_flows", NULL, r->separate_flows);
	if (r->separate_flows)
		out_text(o,
		         "%llu probe flows have directions the balancer hashes as two flows "
		         "(tunnels = outer: VXLAN's outer UDP ports differ by direction): each "
		         "direction is held to one worker and its prediction, not to the other's\n",
		         (unsigned long long)r->separate_flows);
	out_obj_close(o);
}

static void put_kinds(struct out *o, const struct steer_probe_result *r)
{
	out_arr_open(o, "kinds");
	out_text(o, "\n%-7s %6s %7s %6s %5s %6s %6s %6s\n", "kind", "flows", "frames", "lost",
	         "dup", "split", "asym", "misdir");
	for (int k = 0; k < STEER_PROBE__COUNT; k++) {
		const struct steer_probe_counts *c = &r->kinds[k];
		if (!c->flows)
			continue;
		out_obj_open(o, NULL);
		out_str(o, "kind", "%-7s", steer_probe_kind_name((enum steer_probe_kind)k));
		out_u64(o, "flows", " %6llu", c->flows);
		out_u64(o, "frames", " %7llu", c->frames);
		out_u64(o, "lost", " %6llu", c->lost);
		out_u64(o, "duplicated", " %5llu", c->duplicated);
		out_u64(o, "split", " %6llu", c->split);
		out_u64(o, "asymmetric", " %6llu", c->asymmetric);
		out_u64(o, "misdirected", " %6llu\n", c->misdirected);
		out_obj_close(o);
	}
	out_arr_close(o);
}

static void put_workers(struct out *o, const struct steer_plan *p,
                        const struct steer_probe_result *r)
{
	out_arr_open(o, "workers");
	out_text(o, "\n%-16s %9s %9s\n", "worker", "received", "predicted");
	for (size_t w = 0; w < r->nworkers; w++) {
		out_obj_open(o, NULL);
		out_str(o, "worker", "%-16s", p->workers[w].name);
		out_u64(o, "received", " %9llu", r->received[w]);
		out_u64(o, "predicted", " %9llu\n", r->expected[w]);
		out_obj_close(o);
	}
	out_arr_close(o);
}

static void put_faults(struct out *o, const struct steer_plan *p,
                       const struct steer_probe_result *r)
{
	out_arr_open(o, "faults");
	if (r->nfaults)
		out_text(o, "\nfaults, worst first:\n");
	for (size_t i = 0; i < r->nfaults; i++) {
		const struct steer_probe_fault *f = &r->faults[i];
		out_obj_open(o, NULL);
		out_str(o, "fault", "  %-11s", steer_probe_fault_name(f->kind));
		out_str(o, "flow", " %s:", f->desc);
		out_str(o, "c2s_worker", " c2s at %s", wname(p, f->worker[0]));
		out_str(o, "s2c_worker", ", s2c at %s", wname(p, f->worker[1]));
		out_u64(o, "frames", "; %llu frames", f->frames);
		out_u64(o, "lost", ", %llu lost", f->lost);
		out_u64(o, "duplicated", ", %llu duplicated", f->duplicated);
		out_u64(o, "misdirected", ", %llu misdirected", f->misdirected);
		if (f->misdirected) {
			out_str(o, "misdirected_to", " (to %s", wname(p, f->misdirected_to));
			out_str(o, "predicted", ", predicted %s)", wname(p, f->predicted));
		}
		out_text(o, "\n");
		out_obj_close(o);
	}
	out_arr_close(o);
	if (!r->nfaults)
		out_text(o, "\nevery probe frame arrived exactly once, both directions of every "
		            "flow at one worker%s\n",
		         r->predicted ? ", the predicted one" : "");
}

static void put_report(struct out *o, struct sc_ctx *x, const struct sc_probe_run *run,
                       const struct steer_probe_result *r)
{
	out_obj_open(o, NULL);
	out_str(o, "command", "steercheck %s: ", "probe");
	out_str(o, "result", "%s\n", r->pass ? "PASS" : "FAIL");
	out_bool(o, "pass", NULL, r->pass);
	out_str(o, "fingerprint", NULL, x->fingerprint);
	out_str(o, "profile", NULL, x->profile_name);
	out_str(o, "input", "probes sent into %s", run->in);
	out_u64(o, "flows", ": %llu probe flows", r->total.flows);
	out_u64(o, "frames", ", %llu frames", r->total.frames);
	out_double(o, "seconds", " in %.1f s\n", x->seconds, 3);
	out_bool(o, "predicted", NULL, r->predicted);
	if (r->predicted)
		out_text(o, "predictions: every probe is held to the worker the plan predicts\n");
	else
		out_str(o, "predict_note", "predictions: off (%s)\n",
		        x->predict_note ? x->predict_note : "no predictions");
	put_totals(o, r);
	put_kinds(o, r);
	put_workers(o, x->plan, r);
	put_faults(o, x->plan, r);
	out_obj_close(o);
	out_end(o);
}

/* ---- HTML ---- */

static void html_counts_row(FILE *f, const char *name, const struct steer_probe_counts *c)
{
	fputs("<tr><td>", f);
	html_esc(f, name);
	fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
	           "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
	           "<td class=\"n\">%llu</td></tr>\n",
	        (unsigned long long)c->flows, (unsigned long long)c->frames,
	        (unsigned long long)c->lost, (unsigned long long)c->duplicated,
	        (unsigned long long)c->split, (unsigned long long)c->asymmetric,
	        (unsigned long long)c->misdirected);
}

static void html_chart(FILE *f, const struct steer_plan *p, const struct steer_probe_result *r)
{
	struct html_bar *b = calloc(r->nworkers ? r->nworkers : 1, sizeof(*b));
	if (!b)
		return;
	for (size_t w = 0; w < r->nworkers; w++) {
		b[w].label = p->workers[w].name;
		b[w].value = (double)r->received[w];
		b[w].mark = (double)r->expected[w];
		b[w].hot = r->predicted && r->received[w] != r->expected[w];
		snprintf(b[w].tip, sizeof(b[w].tip), "%s: %llu frames received, %llu predicted",
		         b[w].label, (unsigned long long)r->received[w],
		         (unsigned long long)r->expected[w]);
		snprintf(b[w].text, sizeof(b[w].text), "%llu", (unsigned long long)r->received[w]);
	}
	html_bars(f, b, r->nworkers, "probe frames received per worker",
	          "bars: probe frames received; lines: frames the plan predicts there");
	free(b);
}

static int write_html(struct sc_ctx *x, const struct sc_probe_run *run,
                      const struct steer_probe_result *r)
{
	struct ofile of;
	FILE *f = sc_html_begin(x, &of);
	if (!f)
		return -1;
	const struct steer_plan *p = x->plan;
	html_open(f, "steercheck probe report");
	fprintf(f, "<h1>steercheck probe: <span class=\"%s\">%s</span></h1>\n",
	        r->pass ? "pass" : "fail", r->pass ? "PASS" : "FAIL");
	fputs("<p>plan ", f);
	html_esc(f, x->fingerprint);
	fputs(", profile ", f);
	html_esc(f, x->profile_name);
	fputs("; probes sent into ", f);
	html_esc(f, run->in);
	fprintf(f, ": %llu probe flows, %llu frames in %.1f s; predictions %s.</p>\n",
	        (unsigned long long)r->total.flows, (unsigned long long)r->total.frames,
	        x->seconds, r->predicted ? "checked" : "off");
	fputs("<p>caught at:", f);
	for (size_t i = 0; i < run->caps->n; i++) {
		fputs(" ", f);
		html_esc(f, run->caps->v[i].spec);
	}
	fprintf(f, ".</p>\n<p>arrived %llu, lost %llu, duplicated %llu, misdirected %llu; "
	           "split flows %llu, asymmetric flows %llu (tolerated %llu); at no worker %llu; "
	           "other frames captured %llu.</p>\n",
	        (unsigned long long)r->arrived, (unsigned long long)r->total.lost,
	        (unsigned long long)r->total.duplicated, (unsigned long long)r->total.misdirected,
	        (unsigned long long)r->total.split, (unsigned long long)r->total.asymmetric,
	        (unsigned long long)r->split_tolerated, (unsigned long long)r->stray,
	        (unsigned long long)r->foreign);

	fputs("<h2>Frames at each worker</h2>\n", f);
	html_chart(f, p, r);
	fputs("<table id=\"workers\"><tr><th>worker</th><th>received</th><th>predicted</th></tr>\n",
	      f);
	for (size_t w = 0; w < r->nworkers; w++) {
		fputs("<tr><td>", f);
		html_esc(f, p->workers[w].name);
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
		        (unsigned long long)r->received[w], (unsigned long long)r->expected[w]);
	}
	fputs("</table>\n<h2>Probe kinds</h2>\n<table id=\"kinds\"><tr><th>kind</th><th>flows</th>"
	      "<th>frames</th><th>lost</th><th>duplicated</th><th>split</th><th>asymmetric</th>"
	      "<th>misdirected</th></tr>\n",
	      f);
	for (int k = 0; k < STEER_PROBE__COUNT; k++)
		if (r->kinds[k].flows)
			html_counts_row(f, steer_probe_kind_name((enum steer_probe_kind)k),
			                &r->kinds[k]);
	html_counts_row(f, "all", &r->total);
	fputs("</table>\n<h2>Faults</h2>\n", f);
	if (!r->nfaults)
		fputs("<p>every probe frame arrived exactly once, both directions of every flow at "
		      "one worker.</p>\n",
		      f);
	else
		fputs("<table id=\"faults\"><tr><th>fault</th><th>flow</th><th>c2s at</th>"
		      "<th>s2c at</th><th>frames</th><th>lost</th><th>duplicated</th>"
		      "<th>misdirected</th></tr>\n",
		      f);
	for (size_t i = 0; i < r->nfaults; i++) {
		const struct steer_probe_fault *ft = &r->faults[i];
		fprintf(f, "<tr><td>%s</td><td>", steer_probe_fault_name(ft->kind));
		html_esc(f, ft->desc);
		fputs("</td><td>", f);
		html_esc(f, wname(p, ft->worker[0]));
		fputs("</td><td>", f);
		html_esc(f, wname(p, ft->worker[1]));
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		           "<td class=\"n\">%llu</td><td class=\"n\">%llu",
		        (unsigned long long)ft->frames, (unsigned long long)ft->lost,
		        (unsigned long long)ft->duplicated, (unsigned long long)ft->misdirected);
		if (ft->misdirected) {
			fputs(" (to ", f);
			html_esc(f, wname(p, ft->misdirected_to));
			fputs(", predicted ", f);
			html_esc(f, wname(p, ft->predicted));
			fputs(")", f);
		}
		fputs("</td></tr>\n", f);
	}
	if (r->nfaults)
		fputs("</table>\n", f);
	fputs("</body></html>\n", f);
	return sc_html_end(x, &of);
}

static void print_stats(struct sc_ctx *x, const struct sc_probe_run *run,
                        const struct steer_probe_result *r)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double s = x->seconds > 0 ? x->seconds : 1e-9;
	fprintf(stderr,
	        "%s: stats: %.3f s, %llu frames sent (%.0f frames/s), %llu frames caught "
	        "(%llu of this run), probe state %zu bytes, max RSS %ld KiB\n",
	        x->prog, x->seconds, (unsigned long long)r->total.frames,
	        (double)r->total.frames / s, (unsigned long long)run->captured,
	        (unsigned long long)(run->captured - r->foreign), r->memory, ru.ru_maxrss);
}

int sc_probe_report(struct sc_ctx *x, const struct sc_probe_run *run,
                    const struct steer_probe_result *r)
{
	/* --html -: the page on stdout, instead of the text report */
	bool page_only = x->o->html && ofile_is_std(x->o->html);
	struct out o;
	out_init(&o, stdout, x->o->json);
	if (!page_only)
		put_report(&o, x, run, r);
	int rc = r->pass ? EXIT_OK : EXIT_FAIL;
	if (x->o->html) {
		if (write_html(x, run, r) != 0)
			rc = EXIT_USAGE;
		else if (!x->o->json && !page_only)
			printf("HTML report: %s\n", x->o->html);
	}
	if (x->o->stats)
		print_stats(x, run, r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steercheck: stdout");
		return EXIT_USAGE;
	}
	return rc;
}
