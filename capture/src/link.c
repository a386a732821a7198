/* SPDX-License-Identifier: BSD-2-Clause */
/* link.c: interface link state over rtnetlink (libnl-route: RTM_GETLINK, RFC 3549). */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <steer/cap_link.h>
#include <steer/error.h>

struct cap_linkmon {
	struct nl_sock *sk;
};

int cap_linkmon_open(struct cap_linkmon **out, char *errbuf)
{
	*out = NULL;
	struct cap_linkmon *m = calloc(1, sizeof(*m));
	if (!m || !(m->sk = nl_socket_alloc())) {
		free(m);
		snprintf(errbuf, STEER_ERRBUF_SIZE, "netlink: out of memory");
		return STEER_ENOMEM;
	}
	int err = nl_connect(m->sk, NETLINK_ROUTE);
	if (err < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "netlink: %s", nl_geterror(err));
		nl_socket_free(m->sk);
		free(m);
		return STEER_EIO;
	}
	*out = m;
	return 0;
}

int cap_link_is_up(struct cap_linkmon *m, const char *ifname)
{
	struct rtnl_link *link = NULL;
	int err = rtnl_link_get_kernel(m->sk, 0, ifname, &link);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		return 0; /* a link that is gone is down */
	if (err < 0)
		return STEER_EIO;
	unsigned flags = rtnl_link_get_flags(link);
	rtnl_link_put(link);
	return (flags & IFF_UP) && (flags & IFF_RUNNING) ? 1 : 0;
}

void cap_linkmon_close(struct cap_linkmon *m)
{
	if (!m)
		return;
	nl_socket_free(m->sk);
	free(m);
}
