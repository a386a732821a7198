/* SPDX-License-Identifier: BSD-2-Clause */
/* test_hrw.c: rendezvous hashing as Zeek computes it (FNV-1a vectors, weights and digests
 * checked against an independent computation of REFERENCE-cluster.md 4.3), the owner's
 * stability when a proxy goes, and the assignment of workers to proxies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <steer/clu_hrw.h>

static void test_fnv_weight(void **state)
{
	(void)state;
	assert_int_equal(clu_fnv1a32("", 0), 0x811c9dc5u);
	assert_int_equal(clu_fnv1a32("a", 1), 0xe40c292cu);
	assert_int_equal(clu_fnv1a32("foobar", 6), 0xbf9cf968u);
	assert_int_equal(clu_hrw_weight(0xdeadbeefu, 0x12345678u), 1346398239u);

	struct steer_addr a;
	assert_int_equal(steer_addr_parse("10.0.0.1", &a), 0);
	uint32_t d = clu_hrw_digest_addr(&a);
	assert_int_equal(d, 0xbb67905au);
	assert_int_equal(clu_hrw_weight(d, 0xa214084fu), 1256455239u);
	assert_int_equal(clu_hrw_weight(d, 0x6587c75eu), 1005632570u);
	assert_int_equal(clu_hrw_weight(d, 0x4bc59205u), 1850063417u);
	assert_int_equal(steer_addr_parse("10.0.0.5", &a), 0);
	assert_int_equal(clu_hrw_digest_service(&a, 443, "tcp"), 0xe5d9f9feu);
}

/* A layout of the given roles, named as make_cluster names them. */
static struct clu_layout *layout(struct clu_layout *l, struct clu_proc *procs, int nproxies,
                                 int nworkers)
{
	size_t n = 0;
	procs[n++] = (struct clu_proc){.name = "manager", .role = CLU_ROLE_MANAGER};
	for (int i = 1; i <= nproxies; i++) {
		procs[n] = (struct clu_proc){.role = CLU_ROLE_PROXY};
		snprintf(procs[n++].name, CLU_NAME_MAX + 1, "proxy-%d", i);
	}
	for (int i = 1; i <= nworkers; i++) {
		procs[n] = (struct clu_proc){.role = CLU_ROLE_WORKER};
		snprintf(procs[n++].name, CLU_NAME_MAX + 1, "worker-%d", i);
	}
	*l = (struct clu_layout){.procs = procs, .n = n};
	return l;
}

static void test_pool(void **state)
{
	(void)state;
	struct clu_proc procs[32];
	struct clu_layout l;
	struct clu_pool pool;
	char err[256];
	assert_int_equal(clu_pool_init(layout(&l, procs, 3, 7), &pool, err), 0);
	assert_int_equal(pool.n, 3);
	assert_int_equal(pool.site[0], 0xa214084fu);
	assert_int_equal(pool.site[2], 0x4bc59205u);
	assert_ptr_equal(pool.proc[1], &procs[2]);
	assert_int_equal(clu_pool_index(&pool, &procs[3]), 2);
	assert_int_equal(clu_pool_index(&pool, &procs[0]), -1);

	struct steer_addr a;
	assert_int_equal(steer_addr_parse("10.0.0.1", &a), 0);
	/* proxy-3 has the highest weight (above); without it proxy-1. */
	assert_int_equal(clu_pool_owner(&pool, clu_hrw_digest_addr(&a), 7), 2);
	assert_int_equal(clu_pool_owner(&pool, clu_hrw_digest_addr(&a), 3), 0);
	assert_int_equal(clu_pool_owner(&pool, 1, 0), -1);

	/* A proxy's loss moves exactly its own keys. */
	unsigned moved = 0, owned = 0;
	for (uint32_t k = 0; k < 30000; k++) {
		uint32_t d = clu_fnv1a32(&k, sizeof(k));
		int all = clu_pool_owner(&pool, d, 7), less = clu_pool_owner(&pool, d, 5);
		owned += all == 1;
		if (all != less) {
			assert_int_equal(all, 1);
			moved++;
		}
	}
	assert_int_equal(moved, owned);
	assert_true(owned > 8000 && owned < 12000);
}

static void test_assign(void **state)
{
	(void)state;
	struct clu_proc procs[32];
	struct clu_layout l;
	struct clu_pool pool;
	char err[256];
	assert_int_equal(clu_pool_init(layout(&l, procs, 3, 7), &pool, err), 0);
	int count[3] = {0};
	for (int w = 0; w < 7; w++) {
		const struct clu_proc *p = &procs[4 + w];
		int home = clu_pool_home(&pool, &l, p);
		assert_int_equal(home, w % 3);
		assert_int_equal(clu_pool_assign(&pool, &l, p, 7), home);
		count[home]++;
		/* Its home gone, a worker moves to a live proxy, the same one every time. */
		uint64_t alive = 7 & ~(UINT64_C(1) << home);
		int other = clu_pool_assign(&pool, &l, p, alive);
		assert_true(other >= 0 && other != home && (alive >> other & 1));
		assert_int_equal(clu_pool_assign(&pool, &l, p, alive), other);
		assert_int_equal(clu_pool_assign(&pool, &l, p, 0), -1);
	}
	assert_int_equal(count[0], 3);
	assert_int_equal(count[1], 2);
	assert_int_equal(count[2], 2);
	assert_int_equal(clu_pool_home(&pool, &l, &procs[0]), -1);

	/* No proxies: nothing to assign. */
	assert_int_equal(clu_pool_init(layout(&l, procs, 0, 2), &pool, err), 0);
	assert_int_equal(clu_pool_assign(&pool, &l, &procs[1], 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fnv_weight),
	    cmocka_unit_test(test_pool),
	    cmocka_unit_test(test_assign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
