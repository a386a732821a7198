/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_ctl.h: the control client: asks the manager for its table of nodes (what steerctl
 * start waits on and steerctl status shows). */
#ifndef STEER_CLU_CTL_H
#define STEER_CLU_CTL_H

#include <stddef.h>

#include <steer/clu_layout.h>
#include <steer/clu_wire.h>

#pragma GCC visibility push(default)

struct clu_ctl;

/* Prepares a connection to l's manager (CURVE with steerctl's own key pair when keys_dir is
 * set). Returns 0 with *out set, or STEER_EIO / STEER_EINVAL / STEER_ENOMEM with errbuf (the
 * manager's host does not resolve, a key file is missing). */
int clu_ctl_open(const struct clu_layout *l, struct clu_ctl **out, char *errbuf);
void clu_ctl_close(struct clu_ctl *c);

/* Asks for the table of nodes and waits at most timeout_ms. Returns 0 with *v (malloc'ed, *n
 * entries, layout order; the caller frees it), or STEER_EIO with errbuf ("not answering" when
 * no reply came in time: the manager is down, or refuses this client's key). */
int clu_ctl_status(struct clu_ctl *c, int timeout_ms, struct clu_status_entry **v, size_t *n,
                   char *errbuf);

#pragma GCC visibility pop
#endif
