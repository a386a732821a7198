/* SPDX-License-Identifier: BSD-2-Clause */
/* netdev.c: veth pairs, bridges, static FDB entries, VLAN links and link settings over rtnetlink
 * (libnl-route; RFC 3549; the bridge FDB as iproute2's `bridge fdb` speaks it), and setns(2). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/neighbour.h>

#include <steer/cap_netdev.h>
#include <steer/error.h>

#ifndef AF_BRIDGE
#define AF_BRIDGE 7
#endif

struct cap_netdev {
	struct nl_sock *sk;
	char err[STEER_ERRBUF_SIZE];
};

static int fail(struct cap_netdev *nd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct cap_netdev *nd, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(nd->err, sizeof(nd->err), fmt, ap);
	va_end(ap);
	return code;
}

/* libnl's negative NLE_* code to steer's vocabulary. */
static int nl_to_steer(int nlerr)
{
	switch (-nlerr) {
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return STEER_ENOENT;
	case NLE_OPNOTSUPP:
	case NLE_PROTO_MISMATCH:
		return STEER_ENOTSUP;
	case NLE_NOMEM:
		return STEER_ENOMEM;
	case NLE_EXIST:
	case NLE_INVAL:
	case NLE_RANGE:
	case NLE_BUSY:
		return STEER_EINVAL;
	default:
		return STEER_EIO;
	}
}

static int netns_fd(const char *netns, char *errbuf)
{
	if (!netns || !*netns || strchr(netns, '/')) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "network namespace '%s': bad name",
		         netns ? netns : "");
		return STEER_EINVAL;
	}
	char path[11 + NAME_MAX + 1];
	if (strlen(netns) > NAME_MAX) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "network namespace '%.40s...': name too long",
		         netns);
		return STEER_EINVAL;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno; /* before snprintf can change it */
		snprintf(errbuf, STEER_ERRBUF_SIZE, "network namespace '%s': %s", netns, strerror(e));
		return e == ENOENT ? STEER_ENOENT : STEER_EIO;
	}
	return fd;
}

int cap_netns_enter(const char *netns, int *saved, char *errbuf)
{
	*saved = -1;
	int target = netns_fd(netns, errbuf);
	if (target < 0)
		return target;
	/* the calling thread's own namespace, which may differ from the process's */
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "/proc/thread-self/ns/net: %s", strerror(errno));
		close(target);
		return STEER_EIO;
	}
	if (setns(target, CLONE_NEWNET) != 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "network namespace '%s': setns: %s", netns,
		         strerror(errno));
		close(target);
		close(self);
		return STEER_EIO;
	}
	close(target);
	*saved = self;
	return 0;
}

int cap_netns_leave(int saved)
{
	if (saved < 0)
		return 0;
	int rc = setns(saved, CLONE_NEWNET) == 0 ? 0 : STEER_EIO;
	close(saved);
	return rc;
}

int cap_netns_split(const char *spec, char ifname[16], const char **netns)
{
	const char *at = strchr(spec, '@');
	size_t n = at ? (size_t)(at - spec) : strlen(spec);
	*netns = at && at[1] ? at + 1 : NULL;
	if (n == 0 || n >= IFNAMSIZ || (at && !at[1]))
		return STEER_EINVAL;
	memcpy(ifname, spec, n);
	ifname[n] = '\0';
	return 0;
}

int cap_netdev_open(const char *netns, struct cap_netdev **out, char *errbuf)
{
	*out = NULL;
	struct cap_netdev *nd = calloc(1, sizeof(*nd));
	if (!nd || !(nd->sk = nl_socket_alloc())) {
		free(nd);
		snprintf(errbuf, STEER_ERRBUF_SIZE, "netlink: out of memory");
		return STEER_ENOMEM;
	}
	/* A netlink socket belongs to the namespace it is created in: enter, connect, leave. */
	int saved = -1, rc;
	if (netns && (rc = cap_netns_enter(netns, &saved, errbuf)) < 0) {
		nl_socket_free(nd->sk);
		free(nd);
		return rc;
	}
	int err = nl_connect(nd->sk, NETLINK_ROUTE);
	if (cap_netns_leave(saved) < 0 && err >= 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "cannot return from network namespace '%s'",
		         netns);
		nl_socket_free(nd->sk);
		free(nd);
		return STEER_EIO;
	}
	if (err < 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "netlink%s%s: %s", netns ? " in " : "",
		         netns ? netns : "", nl_geterror(err));
		nl_socket_free(nd->sk);
		free(nd);
		return STEER_EIO;
	}
	*out = nd;
	return 0;
}

void cap_netdev_close(struct cap_netdev *nd)
{
	if (!nd)
		return;
	nl_socket_free(nd->sk);
	free(nd);
}

const char *cap_netdev_error(const struct cap_netdev *nd)
{
	return nd->err;
}

static bool name_ok(const char *name)
{
	return name && *name && strlen(name) < IFNAMSIZ;
}

/* The kernel's view of a link, or an error naming it. */
static int get_link(struct cap_netdev *nd, const char *name, struct rtnl_link **link)
{
	*link = NULL;
	if (!name_ok(name))
		return fail(nd, STEER_EINVAL, "'%s': not an interface name", name ? name : "");
	int err = rtnl_link_get_kernel(nd->sk, 0, name, link);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "%s: %s", name, nl_geterror(err));
	return 0;
}

/* Applies the changes in chg to the link named name. */
static int change(struct cap_netdev *nd, const char *name, struct rtnl_link *chg, const char *what)
{
	struct rtnl_link *orig;
	int rc = get_link(nd, name, &orig);
	if (rc < 0)
		return rc;
	int err = rtnl_link_change(nd->sk, orig, chg, 0);
	rtnl_link_put(orig);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "%s: %s: %s", name, what, nl_geterror(err));
	nd->err[0] = '\0';
	return 0;
}

int cap_netdev_veth_add(struct cap_netdev *nd, const char *name, const char *peer,
                        const char *peer_netns)
{
	if (!name_ok(name) || !name_ok(peer))
		return fail(nd, STEER_EINVAL, "veth %s <-> %s: bad interface name",
		            name ? name : "", peer ? peer : "");
	int nsfd = -1;
	if (peer_netns) {
		nsfd = netns_fd(peer_netns, nd->err);
		if (nsfd < 0)
			return nsfd;
	}
	struct rtnl_link *link = rtnl_link_veth_alloc();
	if (!link) {
		if (nsfd >= 0)
			close(nsfd);
		return fail(nd, STEER_ENOMEM, "veth %s: out of memory", name);
	}
	/* get_peer takes a reference; the link's own reference to its peer goes with the link. */
	struct rtnl_link *p = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, name);
	rtnl_link_set_name(p, peer);
	if (nsfd >= 0)
		rtnl_link_set_ns_fd(p, nsfd);
	int err = rtnl_link_add(nd->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(p);
	rtnl_link_put(link);
	if (nsfd >= 0)
		close(nsfd);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "veth %s <-> %s%s%s: %s", name, peer,
		            peer_netns ? "@" : "", peer_netns ? peer_netns : "", nl_geterror(err));
	nd->err[0] = '\0';
	return 0;
}

int cap_netdev_bridge_add(struct cap_netdev *nd, const char *name)
{
	if (!name_ok(name))
		return fail(nd, STEER_EINVAL, "bridge '%s': bad interface name", name ? name : "");
	struct rtnl_link *link = rtnl_link_bridge_alloc();
	if (!link)
		return fail(nd, STEER_ENOMEM, "bridge %s: out of memory", name);
	rtnl_link_set_name(link, name);
	int err = rtnl_link_add(nd->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(link);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "bridge %s: %s", name, nl_geterror(err));
	nd->err[0] = '\0';
	return 0;
}

int cap_netdev_vlan_add(struct cap_netdev *nd, const char *name, const char *parent, uint16_t vid)
{
	if (!name_ok(name))
		return fail(nd, STEER_EINVAL, "vlan '%s': bad interface name", name ? name : "");
	if (vid < 1 || vid > 4094)
		return fail(nd, STEER_EINVAL, "vlan %s: id %u is not in 1..4094", name, vid);
	struct rtnl_link *par;
	int rc = get_link(nd, parent, &par);
	if (rc < 0)
		return rc;
	int ifindex = rtnl_link_get_ifindex(par);
	rtnl_link_put(par);
	struct rtnl_link *link = rtnl_link_vlan_alloc();
	if (!link)
		return fail(nd, STEER_ENOMEM, "vlan %s: out of memory", name);
	rtnl_link_set_name(link, name);
	rtnl_link_set_link(link, ifindex);
	rtnl_link_vlan_set_id(link, vid);
	int err = rtnl_link_add(nd->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(link);
	if (err < 0) {
		int code = nl_to_steer(err);
		/* The kernel answers EOPNOTSUPP for a link kind it has no driver for. */
		if (code == STEER_ENOTSUP)
			return fail(nd, code,
			            "vlan %s on %s: this kernel has no 802.1Q device type (%s); "
			            "filter on the parent with 'vlan %u' instead",
			            name, parent, nl_geterror(err), vid);
		return fail(nd, code, "vlan %s on %s: %s", name, parent, nl_geterror(err));
	}
	nd->err[0] = '\0';
	return 0;
}

int cap_netdev_del(struct cap_netdev *nd, const char *name)
{
	struct rtnl_link *link;
	int rc = get_link(nd, name, &link);
	if (rc < 0)
		return rc;
	int err = rtnl_link_delete(nd->sk, link);
	rtnl_link_put(link);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "%s: delete: %s", name, nl_geterror(err));
	nd->err[0] = '\0';
	return 0;
}

int cap_netdev_set_netns(struct cap_netdev *nd, const char *name, const char *netns)
{
	int fd = netns_fd(netns, nd->err);
	if (fd < 0)
		return fd;
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!chg) {
		close(fd);
		return fail(nd, STEER_ENOMEM, "%s: out of memory", name);
	}
	rtnl_link_set_ns_fd(chg, fd);
	int rc = change(nd, name, chg, "move to network namespace");
	rtnl_link_put(chg);
	close(fd);
	return rc;
}

int cap_netdev_set_master(struct cap_netdev *nd, const char *name, const char *master)
{
	int ifindex = 0;
	if (master) {
		struct rtnl_link *m;
		int rc = get_link(nd, master, &m);
		if (rc < 0)
			return rc;
		ifindex = rtnl_link_get_ifindex(m);
		rtnl_link_put(m);
	}
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!chg)
		return fail(nd, STEER_ENOMEM, "%s: out of memory", name);
	rtnl_link_set_master(chg, ifindex);
	int rc = change(nd, name, chg, master ? "enslave" : "release");
	rtnl_link_put(chg);
	return rc;
}

static int set_flag(struct cap_netdev *nd, const char *name, unsigned flag, bool on,
                    const char *what)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!chg)
		return fail(nd, STEER_ENOMEM, "%s: out of memory", name);
	if (on)
		rtnl_link_set_flags(chg, flag);
	else
		rtnl_link_unset_flags(chg, flag);
	int rc = change(nd, name, chg, what);
	rtnl_link_put(chg);
	return rc;
}

int cap_netdev_set_up(struct cap_netdev *nd, const char *name, bool up)
{
	return set_flag(nd, name, IFF_UP, up, up ? "set up" : "set down");
}

int cap_netdev_set_promisc(struct cap_netdev *nd, const char *name, bool on)
{
	return set_flag(nd, name, IFF_PROMISC, on, "promiscuous mode");
}

int cap_netdev_set_mtu(struct cap_netdev *nd, const char *name, uint32_t mtu)
{
	if (mtu < 68 || mtu > 65535)
		return fail(nd, STEER_EINVAL, "%s: MTU %u is not in 68..65535", name, mtu);
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!chg)
		return fail(nd, STEER_ENOMEM, "%s: out of memory", name);
	rtnl_link_set_mtu(chg, mtu);
	int rc = change(nd, name, chg, "set MTU");
	rtnl_link_put(chg);
	return rc;
}

int cap_netdev_set_mac(struct cap_netdev *nd, const char *name, const uint8_t mac[6])
{
	if (mac[0] & 1)
		return fail(nd, STEER_EINVAL, "%s: a multicast MAC cannot be a link's address",
		            name);
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!a || !chg) {
		nl_addr_put(a);
		rtnl_link_put(chg);
		return fail(nd, STEER_ENOMEM, "%s: out of memory", name);
	}
	rtnl_link_set_addr(chg, a);
	int rc = change(nd, name, chg, "set MAC");
	rtnl_link_put(chg);
	nl_addr_put(a);
	return rc;
}

/* An AF_BRIDGE neighbour on port: the shape of `bridge fdb add MAC dev PORT master static`.
 * NUD_NOARP is "static" (forwarded out of the port); NUD_PERMANENT would make the bridge
 * take the MAC as its own and deliver the frames locally instead. */
static int fdb_op(struct cap_netdev *nd, const char *port, const uint8_t mac[6], int vlan,
                  bool add)
{
	struct rtnl_link *p;
	int rc = get_link(nd, port, &p);
	if (rc < 0)
		return rc;
	int ifindex = rtnl_link_get_ifindex(p);
	int master = rtnl_link_get_master(p);
	rtnl_link_put(p);
	if (!master)
		return fail(nd, STEER_EINVAL, "%s: not a bridge port (no master)", port);
	if (vlan != -1 && (vlan < 1 || vlan > 4094))
		return fail(nd, STEER_EINVAL, "%s: VLAN %d is not in 1..4094", port, vlan);
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
	if (!n || !a) {
		nl_addr_put(a);
		rtnl_neigh_put(n);
		return fail(nd, STEER_ENOMEM, "%s: out of memory", port);
	}
	rtnl_neigh_set_family(n, AF_BRIDGE);
	rtnl_neigh_set_ifindex(n, ifindex);
	rtnl_neigh_set_lladdr(n, a);
	rtnl_neigh_set_flags(n, NTF_MASTER);
	rtnl_neigh_set_state(n, NUD_NOARP);
	if (vlan > 0)
		rtnl_neigh_set_vlan(n, vlan);
	int err = add ? rtnl_neigh_add(nd->sk, n, NLM_F_CREATE | NLM_F_REPLACE)
	              : rtnl_neigh_delete(nd->sk, n, 0);
	rtnl_neigh_put(n);
	nl_addr_put(a);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "%s: fdb %s %02x:%02x:%02x:%02x:%02x:%02x: %s",
		            port, add ? "add" : "del", mac[0], mac[1], mac[2], mac[3], mac[4],
		            mac[5], nl_geterror(err));
	nd->err[0] = '\0';
	return 0;
}

int cap_netdev_fdb_add(struct cap_netdev *nd, const char *port, const uint8_t mac[6], int vlan)
{
	return fdb_op(nd, port, mac, vlan, true);
}

int cap_netdev_fdb_del(struct cap_netdev *nd, const char *port, const uint8_t mac[6], int vlan)
{
	return fdb_op(nd, port, mac, vlan, false);
}

static void fill_info(struct rtnl_link *l, struct cap_netdev_info *info)
{
	memset(info, 0, sizeof(*info));
	const char *name = rtnl_link_get_name(l);
	snprintf(info->name, sizeof(info->name), "%s", name ? name : "");
	const char *kind = rtnl_link_get_type(l);
	snprintf(info->kind, sizeof(info->kind), "%s", kind ? kind : "");
	info->ifindex = rtnl_link_get_ifindex(l);
	info->master = rtnl_link_get_master(l);
	unsigned flags = rtnl_link_get_flags(l);
	info->up = flags & IFF_UP;
	info->running = flags & IFF_RUNNING;
	info->promisc = flags & IFF_PROMISC;
	info->mtu = rtnl_link_get_mtu(l);
	struct nl_addr *a = rtnl_link_get_addr(l);
	if (a && nl_addr_get_len(a) == 6)
		memcpy(info->mac, nl_addr_get_binary_addr(a), 6);
	info->rx_packets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
	info->tx_packets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
	info->rx_bytes = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
	info->tx_bytes = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
	info->rx_dropped = rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED);
	info->tx_dropped = rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED);
}

int cap_netdev_get(struct cap_netdev *nd, const char *name, struct cap_netdev_info *info)
{
	struct rtnl_link *l;
	int rc = get_link(nd, name, &l);
	if (rc < 0)
		return rc;
	fill_info(l, info);
	rtnl_link_put(l);
	nd->err[0] = '\0';
	return 0;
}

struct list_ctx {
	struct cap_netdev_info *out;
	unsigned max, n;
};

static void list_one(struct nl_object *obj, void *arg)
{
	struct list_ctx *c = arg;
	if (c->n < c->max)
		fill_info((struct rtnl_link *)obj, &c->out[c->n]);
	c->n++;
}

int cap_netdev_list(struct cap_netdev *nd, struct cap_netdev_info *out, unsigned max, unsigned *n)
{
	struct nl_cache *cache;
	int err = rtnl_link_alloc_cache(nd->sk, AF_UNSPEC, &cache);
	if (err < 0)
		return fail(nd, nl_to_steer(err), "list links: %s", nl_geterror(err));
	struct list_ctx c = {out, max, 0};
	nl_cache_foreach(cache, list_one, &c);
	nl_cache_free(cache);
	*n = c.n;
	nd->err[0] = '\0';
	return 0;
}

struct fdb_find {
	int ifindex;
	uint8_t mac[6];
	bool found;
};

static int fdb_dump_cb(struct nl_msg *msg, void *arg)
{
	struct fdb_find *f = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[NDA_MAX + 1];
	if (h->nlmsg_type != RTM_NEWNEIGH ||
	    nlmsg_parse(h, sizeof(struct ndmsg), tb, NDA_MAX, NULL) < 0)
		return NL_OK;
	const struct ndmsg *ndm = nlmsg_data(h);
	if (ndm->ndm_ifindex != f->ifindex || !(ndm->ndm_state & (NUD_NOARP | NUD_PERMANENT)) ||
	    !tb[NDA_LLADDR] || nla_len(tb[NDA_LLADDR]) != 6)
		return NL_OK;
	if (memcmp(nla_data(tb[NDA_LLADDR]), f->mac, 6) == 0)
		f->found = true;
	return NL_OK;
}

int cap_netdev_fdb_has(struct cap_netdev *nd, const char *port, const uint8_t mac[6])
{
	struct rtnl_link *p;
	int rc = get_link(nd, port, &p);
	if (rc < 0)
		return rc;
	struct fdb_find f = {.ifindex = rtnl_link_get_ifindex(p)};
	rtnl_link_put(p);
	memcpy(f.mac, mac, 6);
	struct ndmsg req = {.ndm_family = AF_BRIDGE};
	int err = nl_send_simple(nd->sk, RTM_GETNEIGH, NLM_F_DUMP, &req, sizeof(req));
	if (err >= 0) {
		/* A private callback set, so the socket's own stays as libnl's calls expect. */
		struct nl_cb *own = nl_socket_get_cb(nd->sk); /* a new reference */
		struct nl_cb *cb = nl_cb_clone(own);
		nl_cb_put(own);
		if (!cb)
			return fail(nd, STEER_ENOMEM, "%s: out of memory", port);
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fdb_dump_cb, &f);
		err = nl_recvmsgs(nd->sk, cb);
		nl_cb_put(cb);
	}
	if (err < 0)
		return fail(nd, nl_to_steer(err), "%s: fdb dump: %s", port, nl_geterror(err));
	nd->err[0] = '\0';
	return f.found ? 1 : 0;
}
