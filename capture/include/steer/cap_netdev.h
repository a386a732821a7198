/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/cap_netdev.h: building a lab's cables and switches over rtnetlink (libnl-route; RFC 3549):
 * veth pairs, Linux bridges and their static FDB entries, VLAN links, link settings, network
 * namespaces. */
#ifndef STEER_CAP_NETDEV_H
#define STEER_CAP_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* A NETLINK_ROUTE socket bound to one network namespace, with the reason for the last failure. */
struct cap_netdev;

/* Opens a rtnetlink socket in the named network namespace (an `ip netns` name, i.e.
 * /run/netns/NAME; NULL: the caller's own). The socket stays in that namespace for its life:
 * every call below acts there. Returns 0 with *out set (close with cap_netdev_close), or
 * STEER_ENOENT (no such namespace), STEER_EIO (netlink, or setns(2) without CAP_SYS_ADMIN),
 * STEER_ENOMEM; errbuf (STEER_ERRBUF_SIZE) says why and *out is NULL. */
int cap_netdev_open(const char *netns, struct cap_netdev **out, char *errbuf);
void cap_netdev_close(struct cap_netdev *nd);

/* Why the last call on nd failed ("" when it did not): names the link and the kernel's reason. */
const char *cap_netdev_error(const struct cap_netdev *nd);

/* Every call below returns 0 or a negative STEER_E* code with cap_netdev_error() set:
 *   STEER_ENOENT  the named link (or namespace) does not exist,
 *   STEER_EINVAL  a bad argument, or the kernel refused it (e.g. a name already in use),
 *   STEER_ENOTSUP the kernel lacks the device type (no 802.1Q module, ...),
 *   STEER_EIO     any other netlink failure.
 * A failed call leaves nothing half made: a link it could not finish is deleted again. */

/* Creates a veth pair name <-> peer. With peer_netns (an `ip netns` name) the peer end is
 * created directly in that namespace. Both ends start down. */
int cap_netdev_veth_add(struct cap_netdev *nd, const char *name, const char *peer,
                        const char *peer_netns);

/* Creates a Linux bridge (down, STP off, learning as the kernel defaults). */
int cap_netdev_bridge_add(struct cap_netdev *nd, const char *name);

/* Creates an 802.1Q link name on parent with VLAN id vid (1..4094). STEER_ENOTSUP, saying so,
 * where the kernel has no 802.1Q device type (then filter on the parent: `vlan VID`). */
int cap_netdev_vlan_add(struct cap_netdev *nd, const char *name, const char *parent,
                        uint16_t vid);

/* Deletes a link (a veth end deletes the pair). STEER_ENOENT when it does not exist. */
int cap_netdev_del(struct cap_netdev *nd, const char *name);

/* Moves a link into the named network namespace (it is brought down on the way, as the kernel
 * does; names stay). */
int cap_netdev_set_netns(struct cap_netdev *nd, const char *name, const char *netns);

/* Enslaves a link to a bridge (master NULL: releases it). */
int cap_netdev_set_master(struct cap_netdev *nd, const char *name, const char *master);

/* Link settings. */
int cap_netdev_set_up(struct cap_netdev *nd, const char *name, bool up);
int cap_netdev_set_promisc(struct cap_netdev *nd, const char *name, bool on);
int cap_netdev_set_mtu(struct cap_netdev *nd, const char *name, uint32_t mtu);
int cap_netdev_set_mac(struct cap_netdev *nd, const char *name, const uint8_t mac[6]);

/* Adds a static entry to the forwarding database of the bridge port is enslaved to: frames to
 * mac go out of port only (`bridge fdb add MAC dev PORT master static`). vlan: 1..4094 for a
 * VLAN-aware bridge, -1 for none. Adding an entry that exists replaces it. */
int cap_netdev_fdb_add(struct cap_netdev *nd, const char *port, const uint8_t mac[6], int vlan);
/* Removes it again; STEER_ENOENT when there is no such entry. */
int cap_netdev_fdb_del(struct cap_netdev *nd, const char *port, const uint8_t mac[6], int vlan);

/* One link as the kernel reports it. */
struct cap_netdev_info {
	char name[16];       /* IFNAMSIZ */
	char kind[16];       /* "veth", "bridge", "vlan", ... ("" for a plain device) */
	int ifindex;
	int master;          /* ifindex of the bridge it is enslaved to, 0 if none */
	bool up;             /* IFF_UP */
	bool running;        /* IFF_RUNNING: carrier */
	bool promisc;        /* IFF_PROMISC */
	uint32_t mtu;
	uint8_t mac[6];
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped;
};

/* Fills *info for the named link. */
int cap_netdev_get(struct cap_netdev *nd, const char *name, struct cap_netdev_info *info);

/* Lists the namespace's links: up to max into out[], *n set to the number of links (which may
 * exceed max: then only max were written). */
int cap_netdev_list(struct cap_netdev *nd, struct cap_netdev_info *out, unsigned max, unsigned *n);

/* 1 when the bridge port port has a static FDB entry for mac, 0 when not. */
int cap_netdev_fdb_has(struct cap_netdev *nd, const char *port, const uint8_t mac[6]);

/* ---- running in another network namespace ---- */

/* Switches the calling thread, and only it, into the network namespace that "ip netns" named
 * netns (/run/netns/NETNS; setns(2)); sockets opened afterwards (a live capture, an injector,
 * netlink) live there and stay there when the thread leaves. *saved receives a descriptor of
 * the namespace left, for cap_netns_leave on the same thread. Needs CAP_SYS_ADMIN. Returns 0,
 * or with the thread where it was, *saved -1 and errbuf (STEER_ERRBUF_SIZE) naming the
 * namespace: STEER_EINVAL (an empty name, one with '/', or longer than a file name),
 * STEER_ENOENT (no such namespace), STEER_EIO (no permission, or setns failed: errbuf gives
 * the system's reason). */
int cap_netns_enter(const char *netns, int *saved, char *errbuf);
/* Returns the calling thread to the namespace saved by cap_netns_enter and closes saved
 * (saved -1: nothing to do, 0). Returns 0, or STEER_EIO when setns failed: the thread is then
 * still in the entered namespace (saved is closed all the same), which callers treat as
 * fatal. */
int cap_netns_leave(int saved);

/* Splits "IFACE@NETNS" into the interface and the namespace (NULL when there is no '@'):
 * writes the interface into ifname (IFNAMSIZ bytes) and returns a pointer into spec for the
 * namespace. STEER_EINVAL for an empty or too long interface name. */
int cap_netns_split(const char *spec, char ifname[16], const char **netns);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
