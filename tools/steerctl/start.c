/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/start.c: "steerctl start [NODE...]": the manager first, then the loggers, the
 * proxies and the workers, each tier up (its heartbeats seen by the manager) before the next
 * starts. Each node is a steerd daemon with its pid file in its working directory; a node in a
 * lab namespace is started inside it, a node on another host through ssh. */
#define _GNU_SOURCE /* setns */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <steer/error.h>

#include "cli.h"
#include "steerctl.h"

static const char usage[] =
    "Usage: steerctl start [--timeout SECONDS] [NODE...]\n"
    "\n"
    "Start the cluster's nodes (all, or those named: a node, or a node.cfg section\n"
    "for all its lb_procs processes), each as a steerd daemon: the manager first,\n"
    "then the loggers, the proxies, the workers. Each tier must be up (the manager\n"
    "hears its heartbeats) before the next starts. Nodes already running are left.\n"
    "A node with steer.netns in node.cfg is started inside that network namespace\n"
    "(root); a node on another host through ssh (steerd and the configuration\n"
    "directory must be at the same paths there).\n"
    "\n"
    "Options:\n"
    "      --timeout SECONDS  how long a tier may take to come up (default 30)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 every node up; 1 a node did not come up (its error, or the end of\n"
    "its STATE_DIR/NAME/stderr.log, is shown); 2 usage or configuration error.\n";

#define POLL_MS 100

/* steerd beside this steerctl (the build tree, an install), else $STEERD, else $PATH. */
static void steerd_path(char *buf, size_t n)
{
	const char *env = getenv("STEERD");
	if (env && *env) {
		snprintf(buf, n, "%s", env);
		return;
	}
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		snprintf(buf, n, "%s/steerd", dirname(self));
		if (access(buf, X_OK) == 0)
			return;
	}
	snprintf(buf, n, "steerd");
}

/* The child's side of a start: into the lab namespace, then steerd --daemon (or ssh). */
static void exec_node(const struct ctl_cluster *c, const struct clu_proc *p, const char *steerd,
                      bool local)
{
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO); /* steerd --daemon prints its pid; the pid file has it */
		close(null);
	}
	if (p->node->netns) {
		char path[256];
		snprintf(path, sizeof(path), "/run/netns/%s", p->node->netns);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
			fprintf(stderr, "steerctl start: %s: network namespace %s: %s\n", p->name,
			        p->node->netns, strerror(errno));
			_exit(EXIT_USAGE);
		}
		close(fd);
	}
	if (local)
		execl(steerd, "steerd", "-c", c->confdir, "--node", p->name, "--daemon",
		      (char *)NULL);
	else
		execlp("ssh", "ssh", "-o", "BatchMode=yes", p->node->host, steerd, "-c", c->confdir,
		       "--node", p->name, "--daemon", (char *)NULL);
	fprintf(stderr, "steerctl start: %s: cannot run %s: %s\n", p->name, local ? steerd : "ssh",
	        strerror(errno));
	_exit(EXIT_USAGE);
}

/* Starts p; steerd --daemon returns once the node is open (or says why it is not). */
static bool spawn(const struct ctl_cluster *c, const struct clu_proc *p, const char *steerd)
{
	bool local = ctl_is_local(p);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "steerctl start: fork: %s\n", strerror(errno));
		return false;
	}
	if (pid == 0)
		exec_node(c, p, steerd, local);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The last line of the node's stderr.log: usually why it stopped. */
static void tell_last_words(const struct ctl_cluster *c, const struct clu_proc *p)
{
	char path[4200], line[512], last[512] = "";
	snprintf(path, sizeof(path), "%s/%s/stderr.log", c->cfg->cluster.state_dir, p->name);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		memcpy(last, line, sizeof(last));
	fclose(f);
	if (*last)
		fprintf(stderr, "steerctl start: %s: %s", p->name, last);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until the manager reports every selected process of role r up. */
static bool tier_up(const struct ctl_cluster *c, enum clu_role r, int timeout_s)
{
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	char err[STEER_ERRBUF_SIZE] = "";
	for (;;) {
		struct clu_status_entry *v = NULL;
		size_t n = 0;
		int left = (int)(deadline - now_ms());
		bool all = ctl_status(c,
		                      left > 1000 ? 1000
		                      : left > 0  ? left
		                                  : 1,
		                      &v, &n, err) == 0;
		for (size_t i = 0; all && i < c->l->n; i++) {
			const struct clu_proc *p = &c->l->procs[i];
			if (!c->sel[i] || p->role != r)
				continue;
			const struct clu_status_entry *e = ctl_entry(v, n, p->name);
			all = e && e->state == CLU_STATE_UP;
		}
		/* A local node that died on the way up will not come: say so now. */
		bool dead = false;
		for (size_t i = 0; !all && i < c->l->n; i++) {
			const struct clu_proc *p = &c->l->procs[i];
			bool stale;
			if (c->sel[i] && p->role == r && ctl_is_local(p) &&
			    ctl_pid(c, p, &stale) == 0) {
				fprintf(stderr, "steerctl start: %s exited\n", p->name);
				tell_last_words(c, p);
				dead = true;
			}
		}
		free(v);
		if (all)
			return true;
		if (dead)
			return false;
		if (now_ms() >= deadline) {
			fprintf(stderr, "steerctl start: %ss not up after %d s%s%s\n",
			        clu_role_name(r), timeout_s, *err ? ": " : "", err);
			return false;
		}
		struct timespec ts = {0, POLL_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
}

int ctl_start(const struct ctl_cluster *c, int timeout_s)
{
	char steerd[4200];
	steerd_path(steerd, sizeof(steerd));
	/* Every tier is judged by the manager: without it nothing can be seen to come up. */
	const struct clu_proc *m = &c->l->procs[0];
	bool stale;
	if (!c->sel[0] && ctl_is_local(m) && ctl_pid(c, m, &stale) == 0) {
		fprintf(stderr, "steerctl start: the manager is not running: start it first (or "
		                "with these nodes)\n");
		return EXIT_FAIL;
	}
	for (enum clu_role r = CLU_ROLE_MANAGER; r <= CLU_ROLE_WORKER; r++) {
		bool any = false;
		for (size_t i = 0; i < c->l->n; i++) {
			const struct clu_proc *p = &c->l->procs[i];
			if (!c->sel[i] || p->role != r)
				continue;
			any = true;
			long pid = ctl_pid(c, p, &stale);
			if (pid > 0) {
				printf("%s: already running (pid %ld)\n", p->name, pid);
				continue;
			}
			printf("%s: starting\n", p->name);
			fflush(stdout);
			if (!spawn(c, p, steerd))
				return EXIT_FAIL;
		}
		if (!any)
			continue;
		if (!tier_up(c, r, timeout_s))
			return EXIT_FAIL;
		for (size_t i = 0; i < c->l->n; i++) {
			if (c->sel[i] && c->l->procs[i].role == r)
				printf("%s: up (pid %ld)\n", c->l->procs[i].name,
				       ctl_pid(c, &c->l->procs[i], &stale));
		}
		fflush(stdout);
	}
	return EXIT_OK;
}

int steerctl_start(int argc, char **argv, const char *confdir)
{
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t timeout = 30;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (!cli_parse_u64("steerctl start", "--timeout", optarg, 1, 3600, false,
			                   &timeout))
				return EXIT_USAGE;
			break;
		default:
			return cli_opt_done("steerctl start", ch, usage, NULL);
		}
	}
	struct ctl_cluster c;
	int rc = ctl_cluster_load("steerctl start", confdir, argc - optind, argv + optind, &c);
	if (rc < 0)
		rc = ctl_start(&c, (int)timeout);
	ctl_cluster_free(&c);
	return rc;
}
