/* SPDX-License-Identifier: BSD-2-Clause */
/* daemon.c: steerd --daemon: the node runs in a child in its own session; the parent returns
 * only once the child has opened the node (its sockets bound, its pid file taken), with the
 * child's error if it could not, so that steerctl start and scripts see failures at once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "steerd.h"

int steerd_daemonize(int *ready_fd)
{
	int p[2];
	if (pipe(p) != 0) {
		fprintf(stderr, "steerd: pipe: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "steerd: fork: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			close(null);
		}
		*ready_fd = p[1];
		return -1;
	}
	close(p[1]);
	char msg[1024];
	size_t len = 0;
	ssize_t r;
	while (len < sizeof(msg) - 1 && ((r = read(p[0], msg + len, sizeof(msg) - 1 - len)) > 0 ||
	                                 (r < 0 && errno == EINTR)))
		len += r > 0 ? (size_t)r : 0;
	close(p[0]);
	msg[len] = '\0';
	if (strcmp(msg, "up\n") == 0) {
		printf("%ld\n", (long)pid);
		return EXIT_OK;
	}
	/* The child failed before it was up: its status says usage (2) or runtime (1). */
	int st = 0;
	waitpid(pid, &st, 0);
	fputs(len ? msg : "steerd: the node exited before it was up\n", stderr);
	return WIFEXITED(st) && WEXITSTATUS(st) == EXIT_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

void steerd_ready(int ready_fd, const char *workdir, const char *msg)
{
	if (ready_fd < 0)
		return;
	if (!msg) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/stderr.log", workdir);
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
	char line[1100];
	int n = snprintf(line, sizeof(line), "%s\n", msg ? msg : "up");
	if (write(ready_fd, line, (size_t)n) < 0) {
		/* The parent is gone: nobody to tell. */
	}
	close(ready_fd);
}
