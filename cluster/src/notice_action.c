/* SPDX-License-Identifier: BSD-2-Clause */
/* notice_action.c: the commands of the email, page and exec actions: "sh -c COMMAND" started
 * with posix_spawn in a process group of its own (safe in the manager's threaded process), the
 * notice written to its stdin through a non-blocking pipe, never waited for in the loop:
 * reaped when it ends, killed (the whole group) when it overruns the timeout. A command that
 * cannot start, exits non-zero, dies of a signal or overruns is reported on the manager's
 * stderr and counted. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notice_int.h"

extern char **environ;

#define RUNNING_MAX 32 /* commands at once; more are refused (reported) */

static const char *const kind_name[] = {"email", "page", "exec"};

struct job {
	pid_t pid;
	unsigned kind;
	int64_t deadline;
	bool killed;
	char what[CLU_NOTE_MAX + 1];
};

struct clu__actions {
	int64_t timeout_us;
	struct job run[RUNNING_MAX];
	size_t n;
	_Atomic uint64_t count[3][CLU__ACT__N];
};

int clu__actions_new(int64_t timeout_us, struct clu__actions **out)
{
	struct clu__actions *a = calloc(1, sizeof(*a));
	if (!a)
		return STEER_ENOMEM;
	a->timeout_us = timeout_us;
	*out = a;
	return 0;
}

void clu__actions_free(struct clu__actions *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		kill(-a->run[i].pid, SIGKILL);
		waitpid(a->run[i].pid, NULL, 0);
	}
	free(a);
}

uint64_t clu__actions_count(const struct clu__actions *a, unsigned kind, unsigned result)
{
	return kind < 3 && result < CLU__ACT__N ? CLU__GET(a->count[kind][result]) : 0;
}

static void report(struct clu_node *n, struct clu__actions *a, unsigned kind, const char *what,
                   unsigned result, const char *why)
{
	CLU__ADD(a->count[kind][result], 1);
	if (result != CLU__ACT_OK)
		clu__say(n, "notice action %s for %s failed: %s", kind_name[kind], what, why);
}

/* The environment: ours plus env (NAME=value strings). NULL when out of memory. */
static char **merged_env(char *const *env)
{
	size_t ne = 0, no = 0;
	while (env[ne])
		ne++;
	while (environ && environ[no])
		no++;
	char **v = malloc((ne + no + 1) * sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < ne; i++)
		v[k++] = env[i];
	for (size_t i = 0; i < no; i++)
		if (strncmp(environ[i], "NOTICE_", 7) != 0) /* ours win */
			v[k++] = environ[i];
	v[k] = NULL;
	return v;
}

int clu__action_run(struct clu_node *n, struct clu__actions *a, unsigned kind, const char *what,
                    const char *cmd, const char *input, size_t len, char *const *env)
{
	if (a->n == RUNNING_MAX) {
		report(n, a, kind, what, CLU__ACT_REFUSED, "too many commands still running");
		return -1;
	}
	int fd[2];
	if (pipe(fd) != 0 || fcntl(fd[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fd[1], F_SETFD, FD_CLOEXEC) != 0) {
		report(n, a, kind, what, CLU__ACT_REFUSED, strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[0], STDIN_FILENO);
	posix_spawnattr_init(&at);
	posix_spawnattr_setpgroup(&at, 0);
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGHUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	char **envp = merged_env(env);
	pid_t pid = -1;
	int rc = envp ? posix_spawn(&pid, "/bin/sh", &fa, &at, argv, envp) : ENOMEM;
	free(envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fd[0]);
	if (rc != 0) {
		close(fd[1]);
		report(n, a, kind, what, CLU__ACT_REFUSED, strerror(rc));
		return -1;
	}
	/* The notice fits the pipe's buffer; a command that does not read it does not block us. */
	fcntl(fd[1], F_SETFL, O_NONBLOCK);
	ssize_t w = write(fd[1], input, len);
	close(fd[1]);
	if (w != (ssize_t)len)
		clu__say(n, "notice action %s for %s: stdin cut short", kind_name[kind], what);
	struct job *j = &a->run[a->n++];
	*j = (struct job){.pid = pid, .kind = kind, .deadline = clu__mono_us() + a->timeout_us};
	snprintf(j->what, sizeof(j->what), "%s", what);
	return 0;
}

int64_t clu__actions_tick(struct clu_node *n, struct clu__actions *a, int64_t now)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < a->n;) {
		struct job *j = &a->run[i];
		int st;
		pid_t r = waitpid(j->pid, &st, WNOHANG);
		if (r == j->pid || (r < 0 && errno == ECHILD)) {
			char why[64];
			unsigned result = CLU__ACT_OK;
			if (j->killed) {
				result = CLU__ACT_TIMEOUT;
				snprintf(why, sizeof(why),
				         "still running after the action timeout: killed");
			} else if (r < 0) {
				result = CLU__ACT_FAILED;
				snprintf(why, sizeof(why), "lost (reaped elsewhere)");
			} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
				result = CLU__ACT_FAILED;
				snprintf(why, sizeof(why), "exit %d", WEXITSTATUS(st));
			} else if (WIFSIGNALED(st)) {
				result = CLU__ACT_FAILED;
				snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(st));
			}
			report(n, a, j->kind, j->what, result, why);
			a->run[i] = a->run[--a->n];
			continue;
		}
		if (!j->killed && now >= j->deadline) {
			kill(-j->pid, SIGKILL);
			j->killed = true;
		}
		/* Finished children are noticed within 50 ms. */
		next = now + 50000 < next ? now + 50000 : next;
		i++;
	}
	return next;
}
