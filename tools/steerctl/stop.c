/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/stop.c: "steerctl stop [NODE...]" and "steerctl restart [NODE...]": workers,
 * proxies, the manager, the loggers (zeekctl's order: the loggers last, so that they write the
 * others' last records), each tier SIGTERMed and waited for, SIGKILLed after stop_timeout;
 * restart is stop, then start. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <steer/clu_node.h>
#include <steer/error.h>

#include "cli.h"
#include "steerctl.h"

static const char usage_stop[] =
    "Usage: steerctl stop [NODE...]\n"
    "\n"
    "Stop the cluster's nodes (all, or those named): workers, proxies, the manager,\n"
    "then the loggers, which so write everything the others send last (the workers'\n"
    "open connections, the manager's notices). Each tier gets SIGTERM (a node then\n"
    "sends what it holds, waits for the logger's acknowledgements and closes its\n"
    "files) and is waited for; a node still running after stop_timeout (steer.cfg,\n"
    "default 60 s) gets SIGKILL. A node on another host is signalled through ssh.\n"
    "\n"
    "Exit status: 0 every node stopped; 1 a node had to be killed or could not be\n"
    "signalled; 2 usage or configuration error.\n";

static const char usage_restart[] =
    "Usage: steerctl restart [--timeout SECONDS] [NODE...]\n"
    "\n"
    "Stop, then start the cluster's nodes (all, or those named), in the orders of\n"
    "'steerctl stop' and 'steerctl start'.\n"
    "\n"
    "Options:\n"
    "      --timeout SECONDS  how long a tier may take to come up (default 30)\n"
    "\n"
    "Exit status: as 'steerctl start'.\n";

#define POLL_MS 50

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Signals a node on another host: its pid file is at the same path there. */
static bool remote_kill(const struct ctl_cluster *c, const struct clu_proc *p, const char *sig)
{
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "kill -%s $(cat '%s/%s/steerd.pid')", sig,
	         c->cfg->cluster.state_dir, p->name);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("ssh", "ssh", "-o", "BatchMode=yes", p->node->host, cmd, (char *)NULL);
		_exit(EXIT_USAGE);
	}
	int st = 0;
	if (pid < 0)
		return false;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Removes the pid file a killed node left, so that status says stopped, not crashed. */
static void forget(const struct ctl_cluster *c, const struct clu_proc *p)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s/steerd.pid", c->cfg->cluster.state_dir, p->name);
	unlink(path);
}

static int stop_tier(const struct ctl_cluster *c, enum clu_role r)
{
	size_t n = c->l->n;
	long *pid = calloc(n, sizeof(*pid));
	int rc = EXIT_OK;
	if (!pid)
		return EXIT_FAIL;
	size_t left = 0;
	for (size_t i = 0; i < n; i++) {
		const struct clu_proc *p = &c->l->procs[i];
		if (!c->sel[i] || p->role != r)
			continue;
		if (!ctl_is_local(p)) {
			printf("%s: stopping (ssh %s)\n", p->name, p->node->host);
			if (!remote_kill(c, p, "TERM"))
				rc = EXIT_FAIL;
			continue;
		}
		bool stale;
		pid[i] = ctl_pid(c, p, &stale);
		if (pid[i] <= 0) {
			if (stale)
				forget(c, p);
			continue;
		}
		printf("%s: stopping (pid %ld)\n", p->name, pid[i]);
		if (kill((pid_t)pid[i], SIGTERM) != 0 && errno != ESRCH) {
			fprintf(stderr, "steerctl stop: %s: kill %ld: %s\n", p->name, pid[i],
			        strerror(errno));
			rc = EXIT_FAIL;
			pid[i] = 0;
			continue;
		}
		left++;
	}
	fflush(stdout);
	int64_t deadline = now_ms() + (int64_t)c->cfg->cluster.stop_timeout_ms;
	while (left) {
		left = 0;
		bool late = now_ms() >= deadline;
		for (size_t i = 0; i < n; i++) {
			if (pid[i] <= 0)
				continue;
			const struct clu_proc *p = &c->l->procs[i];
			bool stale;
			/* The pid file's lock, not the pid: it goes exactly when steerd ends. */
			if (ctl_pid(c, p, &stale) != pid[i]) {
				printf("%s: stopped\n", p->name);
				pid[i] = 0;
				continue;
			}
			if (late) {
				kill((pid_t)pid[i], SIGKILL);
				printf(
				    "%s: killed after %llu s\n", p->name,
				    (unsigned long long)(c->cfg->cluster.stop_timeout_ms / 1000));
				forget(c, p);
				pid[i] = 0;
				rc = EXIT_FAIL;
				continue;
			}
			left++;
		}
		fflush(stdout);
		if (left) {
			struct timespec ts = {0, POLL_MS * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	free(pid);
	return rc;
}

int ctl_stop(const struct ctl_cluster *c)
{
	/* The loggers last, as zeekctl stops them: the manager writes notice.log and
	 * cluster.log through them, up to its own stop. */
	static const enum clu_role order[] = {CLU_ROLE_WORKER, CLU_ROLE_PROXY, CLU_ROLE_MANAGER,
	                                      CLU_ROLE_LOGGER};
	int rc = EXIT_OK;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int t = stop_tier(c, order[i]);
		if (t != EXIT_OK)
			rc = t;
	}
	return rc;
}

static int run(int argc, char **argv, const char *confdir, bool restart)
{
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *prog = restart ? "steerctl restart" : "steerctl stop";
	uint64_t timeout = 30;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", restart ? opts : opts + 1, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (!cli_parse_u64(prog, "--timeout", optarg, 1, 3600, false, &timeout))
				return EXIT_USAGE;
			break;
		default:
			return cli_opt_done(prog, ch, restart ? usage_restart : usage_stop, NULL);
		}
	}
	struct ctl_cluster c;
	int rc = ctl_cluster_load(prog, confdir, argc - optind, argv + optind, &c);
	if (rc < 0) {
		rc = ctl_stop(&c);
		if (restart)
			rc = ctl_start(&c, (int)timeout);
	}
	ctl_cluster_free(&c);
	return rc;
}

int steerctl_stop(int argc, char **argv, const char *confdir)
{
	return run(argc, argv, confdir, false);
}

int steerctl_restart(int argc, char **argv, const char *confdir)
{
	return run(argc, argv, confdir, true);
}
