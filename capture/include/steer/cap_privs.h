/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_privs.h: giving up root once the capture handles are open (tcpdump's -Z user). */
#ifndef STEER_CAP_PRIVS_H
#define STEER_CAP_PRIVS_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Becomes user (a name or a numeric uid) for good: supplementary groups from the group
 * database (initgroups), then the user's group, then the user (setgid before setuid, so that
 * the group change is still allowed), and checks that root cannot be regained. Open handles
 * (live captures, injectors) keep working. Returns 0, STEER_ENOENT (no such user) or
 * STEER_EIO (a set*id call failed: typically not root), with errbuf (STEER_ERRBUF_SIZE) set;
 * after STEER_EIO the process may hold a partial set of ids and should exit. */
int cap_drop_privileges(const char *user, char *errbuf);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
