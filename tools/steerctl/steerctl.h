/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/steerctl.h: private to steerctl: its subcommands, one file each. */
#ifndef STEERCTL_H
#define STEERCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <steer/clu_ctl.h>
#include <steer/clu_layout.h>

/* Each takes the subcommand's own argv (argv[0] is the subcommand name) and the -c value given
 * before it (NULL if none); returns the process exit code. */
int steerctl_plan(int argc, char **argv, const char *confdir);
int steerctl_which(int argc, char **argv, const char *confdir);
int steerctl_hash(int argc, char **argv, const char *confdir);
int steerctl_size(int argc, char **argv, const char *confdir);
int steerctl_generate(int argc, char **argv, const char *confdir);

int steerctl_synth(int argc, char **argv, const char *confdir);

/* ---- the cluster: start, stop, restart, status, keys (nodes.c holds what they share) ---- */

int steerctl_start(int argc, char **argv, const char *confdir);
int steerctl_stop(int argc, char **argv, const char *confdir);
int steerctl_restart(int argc, char **argv, const char *confdir);
int steerctl_status(int argc, char **argv, const char *confdir);
int steerctl_keys(int argc, char **argv, const char *confdir);

/* The configuration, its processes, and which of them the command line names. */
struct ctl_cluster {
	char *confdir;             /* absolute */
	struct steer_config *cfg;
	struct clu_layout *l;
	bool *sel;                 /* parallel to l->procs; all when no name was given */
};

/* Loads the configuration of confdir (-c, else the default) and selects the processes named
 * (a process name, or a node.cfg section for all its processes). Returns -1 when loaded, else
 * the exit code (the error printed). Free with ctl_cluster_free() in either case. */
int ctl_cluster_load(const char *prog, const char *confdir, int nnames, char **names,
                     struct ctl_cluster *c);
void ctl_cluster_free(struct ctl_cluster *c);
/* Whether p runs on this host (its host is one of this host's addresses, or a lab namespace):
 * steerctl starts and signals it directly, else through ssh. */
bool ctl_is_local(const struct clu_proc *p);
/* The pid of p's steerd on this host (0: none; *stale: its pid file was left behind). */
long ctl_pid(const struct ctl_cluster *c, const struct clu_proc *p, bool *stale);
/* The manager's table of nodes (clu_ctl_status). */
int ctl_status(const struct ctl_cluster *c, int timeout_ms, struct clu_status_entry **v,
               size_t *n, char *err);
const struct clu_status_entry *ctl_entry(const struct clu_status_entry *v, size_t n,
                                         const char *name);
/* start.c and stop.c, for restart: run on c's selection; return the exit code. */
int ctl_start(const struct ctl_cluster *c, int timeout_s);
int ctl_stop(const struct ctl_cluster *c);

#endif
