/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_lint.c: warnings about a valid plan that is probably not what was meant (steer/plan.h):
 * an asymmetric hash, a worker that holds no bucket. */
#include <steer/plan.h>

unsigned steer_plan_lint(const struct steer_plan *p, const struct steer_config *cfg,
                         struct steer_diags *diags)
{
	unsigned n = 0;
	const struct steer_hash_spec *h = &p->hasher->spec;
	if (!steer_hash_is_symmetric(h)) {
		steer_diag_add(diags, STEER_SEV_WARNING, cfg->steer_path, cfg->fe.line_hash,
		               "hash: %s with this key is not symmetric: the two directions of a "
		               "flow can reach different workers%s",
		               steer_hash_name(h->fn),
		               h->fn == STEER_HASH_TOEPLITZ ? " (hash_key = sym makes it symmetric)"
		                                            : "");
		n++;
	}
	for (size_t i = 0; i < p->nworkers; i++) {
		const struct steer_plan_worker *w = &p->workers[i];
		if (!w->alive || w->nbuckets)
			continue;
		const struct steer_node *nd =
		    i < steer_config_nworkers(cfg) ? steer_config_worker(cfg, i) : NULL;
		steer_diag_add(diags, STEER_SEV_WARNING, cfg->node_path, nd ? nd->line : 0,
		               "[%s]: weight %u gets none of the %u buckets against the others' "
		               "weights: it receives no traffic",
		               w->name, w->weight, p->nbuckets);
		n++;
	}
	return n;
}
