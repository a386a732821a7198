/* SPDX-License-Identifier: BSD-2-Clause */
/* hrw.c: the proxy pool and rendezvous hashing as Zeek computes it (zeek.bif fnv1a32 and
 * hrw_weight, base/utils/hash_hrw.zeek get_site, cluster/pools.zeek init_pool_node), and the
 * assignment of workers to proxies. */
#include <stdio.h>
#include <string.h>

#include <steer/clu_hrw.h>
#include <steer/error.h>

#include "util_int.h"

#define FNV32_OFFSET   2166136261u
#define FNV32_PRIME    16777619u
#define ZEEK_TYPE_ADDR 11 /* Zeek's TypeTag of addr, the first thing its binary Describe writes */

static uint32_t fnv_more(uint32_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * FNV32_PRIME;
	return h;
}

uint32_t clu_fnv1a32(const void *p, size_t len)
{
	return fnv_more(FNV32_OFFSET, p, len);
}

uint32_t clu_hrw_weight(uint32_t digest, uint32_t site)
{
	const uint32_t a = 1103515245u, b = 12345u;
	uint32_t v = a * ((a * site + b) ^ (digest & 0x7fffffffu)) + b; /* mod 2^32 */
	return v & 0x7fffffffu;                                         /* mod 2^31 */
}

uint32_t clu_hrw_digest_addr(const struct steer_addr *a)
{
	/* ODesc in binary mode: Add(int) writes the host-order bytes of the tag, then the
	 * address as text with its terminating NUL. */
	uint32_t tag = ZEEK_TYPE_ADDR;
	char text[STEER_ADDR_STRLEN];
	steer_addr_format(a, text);
	uint32_t h = fnv_more(FNV32_OFFSET, &tag, sizeof(tag));
	return fnv_more(h, text, strlen(text) + 1);
}

uint32_t clu_hrw_digest_service(const struct steer_addr *a, uint16_t port, const char *proto)
{
	char text[STEER_ADDR_STRLEN + 32];
	steer_addr_format(a, text);
	size_t n = strlen(text);
	snprintf(text + n, sizeof(text) - n, "%u/%s", (unsigned)port, proto);
	return clu_fnv1a32(text, strlen(text));
}

int clu_pool_init(const struct clu_layout *l, struct clu_pool *out, char *errbuf)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < l->n; i++) {
		const struct clu_proc *p = &l->procs[i];
		if (p->role != CLU_ROLE_PROXY)
			continue;
		if (out->n == CLU_POOL_MAX) {
			clu__err(errbuf, "more than %d proxies", CLU_POOL_MAX);
			return STEER_ERANGE;
		}
		/* Zeek's alias NAME.c: the first c whose id no earlier member has. */
		for (unsigned c = 0;; c++) {
			char alias[CLU_NAME_MAX + 16];
			int len = snprintf(alias, sizeof(alias), "%s.%u", p->name, c);
			uint32_t id = clu_fnv1a32(alias, (size_t)len);
			size_t k = 0;
			while (k < out->n && out->site[k] != id)
				k++;
			if (k == out->n) {
				out->site[out->n] = id;
				break;
			}
		}
		out->proc[out->n++] = p;
	}
	return 0;
}

int clu_pool_index(const struct clu_pool *pool, const struct clu_proc *p)
{
	for (size_t i = 0; i < pool->n; i++)
		if (pool->proc[i] == p)
			return (int)i;
	return -1;
}

int clu_pool_owner(const struct clu_pool *pool, uint32_t digest, uint64_t alive)
{
	int best = -1;
	uint32_t best_w = 0;
	for (size_t i = 0; i < pool->n; i++) {
		if (!(alive >> i & 1))
			continue;
		uint32_t w = clu_hrw_weight(digest, pool->site[i]);
		if (best < 0 || w > best_w || (w == best_w && pool->site[i] > pool->site[best])) {
			best = (int)i;
			best_w = w;
		}
	}
	return best;
}

int clu_pool_home(const struct clu_pool *pool, const struct clu_layout *l, const struct clu_proc *w)
{
	if (pool->n == 0 || w->role != CLU_ROLE_WORKER)
		return -1;
	size_t k = 0;
	for (const struct clu_proc *p = l->procs; p < w; p++)
		k += p->role == CLU_ROLE_WORKER;
	return (int)(k % pool->n);
}

int clu_pool_assign(const struct clu_pool *pool, const struct clu_layout *l,
                    const struct clu_proc *w, uint64_t alive)
{
	int home = clu_pool_home(pool, l, w);
	if (home < 0 || alive >> home & 1)
		return home;
	return clu_pool_owner(pool, clu_fnv1a32(w->name, strlen(w->name)), alive);
}
