/* SPDX-License-Identifier: BSD-2-Clause */
/* test_proc_split.c: the lb_procs process split compiled by libpcap: for each number of
 * processes, every frame (IPv4, IPv6, under an 802.1Q tag, QinQ, non-IP) matches exactly one
 * process's filter, the one steer_proc_of names, both directions alike; the shares are even; and
 * the split and-ed with each kind of worker filter still compiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/cap_filter.h>
#include <steer/error.h>
#include <steer/packet.h>
#include <steer/worker.h>

#include "frame.h"

/* Flow i of kind (0 IPv4 TCP, 1 IPv6 UDP, 2 tagged IPv4, 3 tagged IPv6, 4 ARP, 5 QinQ IPv4),
 * one way or the other. */
static void frame(struct tframe *f, unsigned kind, unsigned i, bool reply)
{
	char a[64], b[64];
	bool v6 = kind == 1 || kind == 3;
	if (v6) {
		snprintf(a, sizeof(a), "2001:db8::%x:%x", i >> 16, i & 0xffff);
		snprintf(b, sizeof(b), "2001:db8:1::%x", 1 + i % 300);
	} else {
		snprintf(a, sizeof(a), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		snprintf(b, sizeof(b), "198.51.100.%u", 1 + i % 200);
	}
	const char *s = reply ? b : a, *d = reply ? a : b;
	unsigned sp = reply ? 53 : 30000 + i % 30000, dp = reply ? 30000 + i % 30000 : 53;
	if (kind == 4) {
		f->n = 0;
		tf_eth(f, 0x0806);
		tf_fill(f, 28, (unsigned)(i + reply) & 255);
		return;
	}
	tf_eth_udp(f, s, sp, d, dp, 20);
	if (kind == 2 || kind == 3 || kind == 5) {
		/* push a tag (two for QinQ) after the MACs */
		size_t tags = kind == 5 ? 8 : 4;
		memmove(f->b + 12 + tags, f->b + 12, f->n - 12);
		f->n += tags;
		uint8_t *t = f->b + 12;
		if (kind == 5) {
			memcpy(t, "\x88\xa8\x00\x64", 4);
			t += 4;
		}
		memcpy(t, "\x81\x00\x00\x0a", 4);
	}
}

static void partition(void **state)
{
	(void)state;
	static const unsigned nprocs[] = {2, 3, 4, 7};
	char err[STEER_ERRBUF_SIZE], expr[1024];
	for (size_t t = 0; t < sizeof(nprocs) / sizeof(nprocs[0]); t++) {
		unsigned n = nprocs[t];
		struct cap_filter *cf[8];
		for (unsigned k = 0; k < n; k++) {
			assert_int_equal(steer_proc_filter(k, n, expr, sizeof(expr)), 0);
			if (cap_filter_compile(1, expr, &cf[k], err) != 0)
				fail_msg("process %u of %u: %s: %s", k, n, expr, err);
		}
		unsigned count[8] = {0};
		for (unsigned kind = 0; kind < 6; kind++) {
			for (unsigned i = 0; i < 300; i++) {
				unsigned want = 0;
				for (int dir = 0; dir < 2; dir++) {
					struct tframe f;
					frame(&f, kind, i * 2654435u + kind, dir == 1);
					unsigned hit = 0, which = 0;
					for (unsigned k = 0; k < n; k++)
						if (cap_filter_match(cf[k], f.b, f.n, f.n)) {
							hit++;
							which = k;
						}
					assert_int_equal(hit, 1);
					assert_int_equal(which,
					                 steer_proc_of(STEER_LINK_ETHERNET, f.b,
					                               (uint32_t)f.n, n));
					if (dir == 0)
						want = which;
					else
						assert_int_equal(which, want);
					if (kind >= 4)
						assert_int_equal(which, 0);
				}
				if (kind < 4)
					count[want]++;
			}
		}
		/* 1200 IP flows: every process gets its share, give or take a third */
		for (unsigned k = 0; k < n; k++)
			assert_in_range(count[k], 800 / n, 1600 / n);
		for (unsigned k = 0; k < n; k++)
			cap_filter_free(cf[k]);
	}
}

static void with_worker_filters(void **state)
{
	(void)state;
	char err[STEER_ERRBUF_SIZE], split[1024], expr[2048];
	/* the three kinds of worker filter: delivery by MAC, by VLAN, the bpf-split hash */
	static const char bpf_split[] = "(ip and ((ip[12:4] ^ ip[16:4]) & 0x3) = 1) or "
	                                "(vlan and ip and ((ip[12:4] ^ ip[16:4]) & 0x3) = 1)";
	static const char *const worker[] = {"ether dst 02:53:54:00:00:01", "vlan 101", bpf_split};
	assert_int_equal(steer_proc_filter(1, 3, split, sizeof(split)), 0);
	for (size_t i = 0; i < 3; i++) {
		snprintf(expr, sizeof(expr), "(%s) and (%s)", split, worker[i]);
		struct cap_filter *cf;
		if (cap_filter_compile(1, expr, &cf, err) != 0)
			fail_msg("%s: %s", expr, err);
		assert_true(cap_filter_insns(cf) < CAP_FILTER_MAX_INSNS);
		cap_filter_free(cf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(partition),
	    cmocka_unit_test(with_worker_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
