/* SPDX-License-Identifier: BSD-2-Clause */
/* test_netdev.c: the libnl layer of capture/ (steer/cap_netdev.h) on real links: veth pairs,
 * a bridge with static FDB entries, settings, namespaces, VLAN links or their clear refusal.
 * Runs in a network namespace and a mount namespace of its own (unshare), with a private
 * /run/netns for the one named namespace it adds: nothing it makes is visible to another run or
 * outlives it, however it ends. Exits 77 (skipped) without root or namespaces. */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/cap_live.h>
#include <steer/cap_netdev.h>
#include <steer/cap_pcap.h>
#include <steer/error.h>

static char g_ns[64];
static struct cap_netdev *g_nd;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void test_veth_bridge_fdb(void **state)
{
	(void)state;
	struct cap_netdev *nd = g_nd;
	assert_int_equal(cap_netdev_bridge_add(nd, "tbr0"), 0);
	assert_int_equal(cap_netdev_veth_add(nd, "tv0", "tv0p", NULL), 0);
	assert_int_equal(cap_netdev_veth_add(nd, "tv1", "tv1p", NULL), 0);
	/* the same name again is refused, and says which */
	assert_int_equal(cap_netdev_veth_add(nd, "tv0", "tv0q", NULL), STEER_EINVAL);
	assert_non_null(strstr(cap_netdev_error(nd), "tv0"));

	assert_int_equal(cap_netdev_set_master(nd, "tv0", "tbr0"), 0);
	assert_int_equal(cap_netdev_set_master(nd, "tv1", "tbr0"), 0);
	const char *up[] = {"tbr0", "tv0", "tv0p", "tv1", "tv1p"};
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++)
		assert_int_equal(cap_netdev_set_up(nd, up[i], true), 0);
	assert_int_equal(cap_netdev_set_mtu(nd, "tv0p", 9000), 0);
	assert_int_equal(cap_netdev_set_mtu(nd, "tv0p", 10), STEER_EINVAL);
	const uint8_t mac[6] = {0x02, 0x53, 0x54, 0x00, 0x00, 0x07};
	assert_int_equal(cap_netdev_set_mac(nd, "tv1p", mac), 0);
	assert_int_equal(cap_netdev_set_promisc(nd, "tv1p", true), 0);

	struct cap_netdev_info info;
	assert_int_equal(cap_netdev_get(nd, "tv1p", &info), 0);
	assert_string_equal(info.kind, "veth");
	assert_memory_equal(info.mac, mac, 6);
	assert_true(info.up && info.promisc);
	assert_int_equal(cap_netdev_get(nd, "tv0p", &info), 0);
	assert_int_equal(info.mtu, 9000);
	struct cap_netdev_info br, port;
	assert_int_equal(cap_netdev_get(nd, "tbr0", &br), 0);
	assert_string_equal(br.kind, "bridge");
	assert_int_equal(cap_netdev_get(nd, "tv0", &port), 0);
	assert_int_equal(port.master, br.ifindex);

	/* static FDB entry: there after add, gone after del; also visible to iproute2 */
	assert_int_equal(cap_netdev_fdb_has(nd, "tv1", mac), 0);
	assert_int_equal(cap_netdev_fdb_add(nd, "tv1", mac, -1), 0);
	assert_int_equal(cap_netdev_fdb_has(nd, "tv1", mac), 1);
	assert_int_equal(run("bridge fdb show dev tv1 | grep -q '02:53:54:00:00:07 master tbr0 static'"),
	                 0);
	/* adding it again replaces it */
	assert_int_equal(cap_netdev_fdb_add(nd, "tv1", mac, -1), 0);
	assert_int_equal(cap_netdev_fdb_del(nd, "tv1", mac, -1), 0);
	assert_int_equal(cap_netdev_fdb_has(nd, "tv1", mac), 0);
	assert_int_equal(cap_netdev_fdb_del(nd, "tv1", mac, -1), STEER_ENOENT);
	/* not a bridge port */
	assert_int_equal(cap_netdev_fdb_add(nd, "tv0p", mac, -1), STEER_EINVAL);

	struct cap_netdev_info all[32];
	unsigned n = 0;
	assert_int_equal(cap_netdev_list(nd, all, 32, &n), 0);
	assert_true(n >= 6); /* lo, tbr0, 4 veth ends */
	int seen = 0;
	for (unsigned i = 0; i < n && i < 32; i++)
		seen += !strcmp(all[i].name, "tv0") || !strcmp(all[i].name, "tv1p");
	assert_int_equal(seen, 2);

	/* deleting one end deletes the pair */
	assert_int_equal(cap_netdev_del(nd, "tv0"), 0);
	assert_int_equal(cap_netdev_get(nd, "tv0p", &info), STEER_ENOENT);
	assert_int_equal(cap_netdev_del(nd, "tv0"), STEER_ENOENT);
	assert_int_equal(cap_netdev_del(nd, "tv1"), 0);
	assert_int_equal(cap_netdev_del(nd, "tbr0"), 0);
}

static int g_live_frames;

static void on_live_frame(void *arg, size_t index, const struct cap_pkthdr *h,
                          const uint8_t *frame)
{
	(void)arg;
	assert_int_equal(index, 0);
	if (h->caplen == 60 && frame[12] == 0x88 && frame[13] == 0xb5)
		g_live_frames++;
}

static void test_netns(void **state)
{
	(void)state;
	struct cap_netdev *nd = g_nd;
	/* peer created directly in the named namespace, and a link moved there */
	assert_int_equal(cap_netdev_veth_add(nd, "tn0", "eth0", g_ns), 0);
	assert_int_equal(cap_netdev_veth_add(nd, "tn1", "tn1p", NULL), 0);
	assert_int_equal(cap_netdev_set_netns(nd, "tn1p", g_ns), 0);
	struct cap_netdev_info info;
	assert_int_equal(cap_netdev_get(nd, "tn1p", &info), STEER_ENOENT);

	struct cap_netdev *in = NULL;
	char err[STEER_ERRBUF_SIZE];
	assert_int_equal(cap_netdev_open(g_ns, &in, err), 0);
	assert_int_equal(cap_netdev_get(in, "eth0", &info), 0);
	assert_int_equal(cap_netdev_get(in, "tn1p", &info), 0);
	assert_int_equal(cap_netdev_set_up(in, "eth0", true), 0);
	cap_netdev_close(in);

	/* a live group on this side polls with a bounded wait, idle or not */
	assert_int_equal(cap_netdev_set_up(nd, "tn0", true), 0);
	struct cap_livegroup *g = NULL;
	assert_int_equal(cap_livegroup_new(&g), 0);
	struct cap_live_opts lo = {.iface = "tn0", .promisc = true, .immediate = true,
	                           .inbound_only = true};
	size_t idx = 99;
	assert_int_equal(cap_livegroup_add(g, &lo, NULL, &idx, err), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(cap_livegroup_linktype(g, 0), 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* (IPv6 neighbour discovery of the far end may show up: only the bound matters) */
	assert_true(cap_livegroup_poll(g, 100, 0, on_live_frame, NULL, err) >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(el < 1.0);
	struct cap_live_opts bad = {.iface = "steernosuch0"};
	assert_int_equal(cap_livegroup_add(g, &bad, NULL, &idx, err), STEER_EIO);
	assert_non_null(strstr(err, "steernosuch0"));
	assert_int_equal(cap_livegroup_count(g), 1);

	/* a capture handle opened inside the namespace stays bound there */
	int saved;
	assert_int_equal(cap_netns_enter(g_ns, &saved, err), 0);
	struct cap_injector *inj = NULL;
	int rc = cap_injector_open("eth0", &inj, err);
	assert_int_equal(cap_netns_leave(saved), 0);
	assert_int_equal(rc, 0);
	uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5};
	assert_int_equal(cap_inject(inj, frame, sizeof(frame)), 0);
	cap_injector_close(inj);
	/* ... and the frame sent in the namespace arrives on this side of the cable */
	g_live_frames = 0;
	for (int i = 0; i < 50 && g_live_frames == 0; i++)
		assert_true(cap_livegroup_poll(g, 20, 0, on_live_frame, NULL, err) >= 0);
	assert_int_equal(g_live_frames, 1);
	cap_livegroup_free(g);

	assert_int_equal(cap_netdev_open("steer-no-such-ns", &in, err), STEER_ENOENT);
	assert_null(in);
	assert_int_equal(cap_netns_enter("steer-no-such-ns", &saved, err), STEER_ENOENT);

	char ifn[16];
	const char *ns;
	assert_int_equal(cap_netns_split("eth0@lab-w1", ifn, &ns), 0);
	assert_string_equal(ifn, "eth0");
	assert_string_equal(ns, "lab-w1");
	assert_int_equal(cap_netns_split("eth1", ifn, &ns), 0);
	assert_null(ns);
	assert_int_equal(cap_netns_split("@x", ifn, &ns), STEER_EINVAL);
	assert_int_equal(cap_netns_split("eth0@", ifn, &ns), STEER_EINVAL);

	assert_int_equal(cap_netdev_del(nd, "tn0"), 0);
	assert_int_equal(cap_netdev_del(nd, "tn1"), 0);
}

static void test_vlan(void **state)
{
	(void)state;
	struct cap_netdev *nd = g_nd;
	assert_int_equal(cap_netdev_veth_add(nd, "tq0", "tq0p", NULL), 0);
	assert_int_equal(cap_netdev_vlan_add(nd, "tq0.5", "tq0", 0), STEER_EINVAL);
	assert_int_equal(cap_netdev_vlan_add(nd, "tq0.5", "no-such", 5), STEER_ENOENT);
	int rc = cap_netdev_vlan_add(nd, "tq0.5", "tq0", 5);
	if (rc == STEER_ENOTSUP) {
		/* this machine: no 802.1Q type; the refusal must say so and what to do */
		printf("# no 802.1Q device type here: %s\n", cap_netdev_error(nd));
		assert_non_null(strstr(cap_netdev_error(nd), "802.1Q"));
		assert_non_null(strstr(cap_netdev_error(nd), "vlan 5"));
	} else {
		assert_int_equal(rc, 0);
		struct cap_netdev_info info;
		assert_int_equal(cap_netdev_get(nd, "tq0.5", &info), 0);
		assert_string_equal(info.kind, "vlan");
	}
	assert_int_equal(cap_netdev_del(nd, "tq0"), 0);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: test_netdev needs root (network namespaces, veth, bridges)\n");
		return 77;
	}
	/* Private network and mount namespaces; a private tmpfs on /run/netns (where ip netns and
	 * cap_netdev keep the names): the named namespace below is this process's alone, and the
	 * kernel frees it with the process even if it never reaches its clean-up. */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("SKIP: test_netdev: cannot create network and mount namespaces\n");
		return 77;
	}
	mkdir("/run/netns", 0755);
	if (mount("steer-test", "/run/netns", "tmpfs", 0, "mode=755") != 0) {
		printf("SKIP: test_netdev: cannot mount a private /run/netns\n");
		return 77;
	}
	snprintf(g_ns, sizeof(g_ns), "steer-%d-nd", (int)getpid());
	if (run("ip netns add %s", g_ns) != 0) {
		printf("SKIP: test_netdev: 'ip netns add' failed\n");
		return 77;
	}
	char err[STEER_ERRBUF_SIZE];
	if (cap_netdev_open(NULL, &g_nd, err) != 0) {
		printf("FAIL: %s\n", err);
		run("ip netns del %s", g_ns);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_veth_bridge_fdb),
		cmocka_unit_test(test_netns),
		cmocka_unit_test(test_vlan),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cap_netdev_close(g_nd);
	run("ip netns del %s", g_ns);
	return rc;
}
