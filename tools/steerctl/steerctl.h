/* SPDX-License-Identifier: BSD-2-Clause */
/* steerctl/steerctl.h: private to steerctl: its subcommands, one file each. */
#ifndef STEERCTL_H
#define STEERCTL_H

/* Each takes the subcommand's own argv (argv[0] is the subcommand name) and the -c value given
 * before it (NULL if none); returns the process exit code. */
int steerctl_plan(int argc, char **argv, const char *confdir);
int steerctl_which(int argc, char **argv, const char *confdir);
int steerctl_hash(int argc, char **argv, const char *confdir);
int steerctl_size(int argc, char **argv, const char *confdir);
int steerctl_generate(int argc, char **argv, const char *confdir);

int steerctl_synth(int argc, char **argv, const char *confdir);

#endif
