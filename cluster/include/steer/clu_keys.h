/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_keys.h: the cluster's CURVE key pairs (ZeroMQ's CurveZMQ, RFC 26): one per process
 * and one for steerctl, as files in a keys directory. */
#ifndef STEER_CLU_KEYS_H
#define STEER_CLU_KEYS_H

#include <stdbool.h>

#include <steer/clu_layout.h>

#pragma GCC visibility push(default)

/* The name of steerctl's own key pair: the control client asks the manager for status. */
#define CLU_CONTROL_NAME "steerctl"

/* Writes DIR/NAME.pub (the public key, Z85, one line) and DIR/NAME.key (the secret key, Z85,
 * one line, mode 0600) for every process of l and for CLU_CONTROL_NAME; DIR is created (mode
 * 0700) if missing. Existing key files are kept unless force (a cluster whose keys change must
 * be given the new ones everywhere). Returns 0, or STEER_EIO / STEER_ENOTSUP (libzmq without
 * CURVE) / STEER_EINVAL (a node is called CLU_CONTROL_NAME) with errbuf naming the file; keys
 * written before the failure stay. */
int clu_keys_generate(const struct clu_layout *l, const char *dir, bool force, char *errbuf);

#pragma GCC visibility pop
#endif
