/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_link.h: whether a network interface's link is up, asked of the kernel over rtnetlink
 * (libnl-route; RFC 3549). */
#ifndef STEER_CAP_LINK_H
#define STEER_CAP_LINK_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

struct cap_linkmon;

/* Opens a NETLINK_ROUTE socket. Returns 0 with *out set (close with cap_linkmon_close), or
 * STEER_EIO / STEER_ENOMEM with the reason in errbuf (STEER_ERRBUF_SIZE). */
int cap_linkmon_open(struct cap_linkmon **out, char *errbuf);

/* 1 when ifname is administratively up and has carrier (IFF_UP and IFF_RUNNING), 0 when it is
 * down or gone, or STEER_EIO when the kernel could not be asked. One netlink round trip: call
 * it now and then (steerlb: every 100 ms), not per packet. */
int cap_link_is_up(struct cap_linkmon *m, const char *ifname);

void cap_linkmon_close(struct cap_linkmon *m);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
