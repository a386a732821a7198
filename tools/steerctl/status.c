/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/status.c: "steerctl status [--json] [NODE...]": one line per node from two views,
 * the process on this host (its pid file's lock) and the manager's table of heartbeats. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <steer/error.h>

#include "cli.h"
#include "out.h"
#include "steerctl.h"

static const char usage[] =
    "Usage: steerctl status [--json] [NODE...]\n"
    "\n"
    "One line per node (all, or those named): name, type, host, pid, state, uptime,\n"
    "seconds since its last heartbeat reached the manager, and for workers the packets\n"
    "captured and dropped by the kernel. The state is\n"
    "  running   the process runs and the manager hears its heartbeats\n"
    "  down      the process runs (or runs on another host), the manager does not hear it\n"
    "  stopped   no process\n"
    "  crashed   no process, but its pid file is left: it was killed or failed\n"
    "  unknown   on another host, and the manager does not answer\n"
    "\n"
    "Options:\n"
    "      --json      print a JSON array of objects instead\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 every node running; 1 some node is not; 2 usage or configuration\n"
    "error.\n";

#define ASK_MS 2000

struct row {
	const struct clu_proc *p;
	long pid;
	const char *process; /* running, stopped, crashed, remote */
	const char *hb;      /* up, down, unseen, unknown (manager not answering) */
	const char *state;
	double uptime; /* seconds, < 0 unknown */
	double hb_age; /* seconds, < 0 unknown */
	const struct clu_status_entry *e;
};

static void fmt_duration(double s, char *buf, size_t n)
{
	if (s < 0) {
		snprintf(buf, n, "-");
		return;
	}
	unsigned long t = (unsigned long)s;
	if (t >= 86400)
		snprintf(buf, n, "%lud%02lu:%02lu:%02lu", t / 86400, t % 86400 / 3600,
		         t % 3600 / 60, t % 60);
	else
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t % 3600 / 60, t % 60);
}

static void build(const struct ctl_cluster *c, const struct clu_proc *p,
                  const struct clu_status_entry *v, size_t nv, bool asked, struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->uptime = r->hb_age = -1;
	bool local = ctl_is_local(p), stale = false;
	r->e = ctl_entry(v, nv, p->name);
	if (local) {
		r->pid = ctl_pid(c, p, &stale);
		r->process = r->pid > 0 ? "running" : stale ? "crashed" : "stopped";
	} else {
		r->process = "remote";
		r->pid = r->e ? (long)r->e->pid : 0;
	}
	r->hb = !asked                                     ? "unknown"
	        : !r->e || r->e->state == CLU_STATE_UNSEEN ? "unseen"
	        : r->e->state == CLU_STATE_UP              ? "up"
	                                                   : "down";
	bool proc_ok = !local || r->pid > 0;
	if (strcmp(r->hb, "up") == 0 && proc_ok)
		r->state = "running";
	else if (local && r->pid <= 0)
		r->state = r->process;
	else if (!asked && !local)
		r->state = "unknown";
	else
		r->state = "down";
	/* The pid the manager saw must be this process, or its figures are an older one's. */
	bool same = r->e && r->e->state != CLU_STATE_UNSEEN && (!local || r->e->pid == r->pid);
	if (same && r->e->state == CLU_STATE_UP) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		r->uptime = now - (double)r->e->start_us / 1e6;
	} else if (local && r->pid > 0) {
		/* The manager does not hear it: the pid file's age is the uptime. */
		char path[4200];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s/steerd.pid", c->cfg->cluster.state_dir,
		         p->name);
		if (stat(path, &st) == 0)
			r->uptime = difftime(time(NULL), st.st_mtime);
	}
	if (r->e && r->e->state != CLU_STATE_UNSEEN && r->e->hb_age_ms != UINT32_MAX)
		r->hb_age = r->e->hb_age_ms / 1000.0;
}

static void print(struct out *o, const struct row *r, int w)
{
	char up[32], age[32];
	fmt_duration(r->uptime, up, sizeof(up));
	if (r->hb_age < 0)
		snprintf(age, sizeof(age), "-");
	else
		snprintf(age, sizeof(age), "%.1fs", r->hb_age);
	bool worker = r->p->role == CLU_ROLE_WORKER;
	out_obj_open(o, NULL);
	out_text(o, "%-*s ", w, r->p->name);
	out_str(o, "name", NULL, r->p->name);
	out_str(o, "type", "%-8s ", clu_role_name(r->p->role));
	out_str(o, "host", "%-15s ", r->p->node->host);
	if (r->pid > 0)
		out_u64(o, "pid", "%-8llu ", (unsigned long long)r->pid);
	else
		out_text(o, "%-8s ", "-");
	out_str(o, "state", "%-8s ", r->state);
	if (o->json) {
		out_str(o, "process", NULL, r->process);
		out_str(o, "heartbeat", NULL, r->hb);
		if (r->uptime >= 0)
			out_double(o, "uptime_s", NULL, r->uptime, 3);
		if (r->hb_age >= 0)
			out_double(o, "heartbeat_age_s", NULL, r->hb_age, 3);
		if (r->p->node->netns)
			out_str(o, "netns", NULL, r->p->node->netns);
	} else {
		out_text(o, "%-10s %-9s ", up, age);
	}
	if (worker && r->e && r->e->state != CLU_STATE_UNSEEN) {
		out_u64(o, "packets", "%-10llu ", r->e->pkts_recv);
		out_u64(o, "drops", "%llu", r->e->pkts_drop);
	} else if (!o->json) {
		out_text(o, "%-10s %s", "-", "-");
	}
	out_text(o, "\n");
	out_obj_close(o);
}

int steerctl_status(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		default:
			return cli_opt_done("steerctl status", ch, usage, NULL);
		}
	}
	struct ctl_cluster c;
	int rc = ctl_cluster_load("steerctl status", confdir, argc - optind, argv + optind, &c);
	if (rc >= 0) {
		ctl_cluster_free(&c);
		return rc;
	}
	struct clu_status_entry *v = NULL;
	size_t nv = 0;
	char err[STEER_ERRBUF_SIZE];
	/* Ask only when the manager may be there: a stopped local manager answers nobody. */
	bool stale, asked = false;
	const struct clu_proc *m = &c.l->procs[0];
	if (!ctl_is_local(m) || ctl_pid(&c, m, &stale) > 0) {
		asked = ctl_status(&c, ASK_MS, &v, &nv, err) == 0;
		if (!asked)
			fprintf(stderr, "steerctl status: %s\n", err);
	}
	int w = 4;
	for (size_t i = 0; i < c.l->n; i++)
		if (c.sel[i] && (int)strlen(c.l->procs[i].name) > w)
			w = (int)strlen(c.l->procs[i].name);
	struct out o;
	out_init(&o, stdout, json);
	out_text(&o, "%-*s %-8s %-15s %-8s %-8s %-10s %-9s %-10s %s\n", w, "NAME", "TYPE", "HOST",
	         "PID", "STATE", "UPTIME", "HEARTBEAT", "PACKETS", "DROPS");
	out_arr_open(&o, NULL);
	rc = EXIT_OK;
	for (size_t i = 0; i < c.l->n; i++) {
		if (!c.sel[i])
			continue;
		struct row r;
		build(&c, &c.l->procs[i], v, nv, asked, &r);
		print(&o, &r, w);
		if (strcmp(r.state, "running") != 0)
			rc = EXIT_FAIL;
	}
	out_arr_close(&o);
	out_end(&o);
	free(v);
	ctl_cluster_free(&c);
	/* a status that could not be written is not "a node is down" */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("steerctl status: standard output");
		return EXIT_USAGE;
	}
	return rc;
}
