/* SPDX-License-Identifier: BSD-2-Clause */
/* probe.c: active probing's bookkeeping: the probe flows and frames sent (each with the worker
 * the plan predicts for it), and the frames caught at the workers, found by the record their
 * payload carries. The verdict is probe_verdict.c's. */
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/names.h>
#include <steer/packet.h>

#include "probe_int.h"

static const struct steer_name kind_names[] = {
	{STEER_PROBE_TCP, "tcp"},     {STEER_PROBE_UDP, "udp"},     {STEER_PROBE_ICMP, "icmp"},
	{STEER_PROBE_IPV6, "ipv6"},   {STEER_PROBE_VLAN, "vlan"},   {STEER_PROBE_QINQ, "qinq"},
	{STEER_PROBE_MPLS, "mpls"},   {STEER_PROBE_FRAG, "frag"},   {STEER_PROBE_FRAG6, "frag6"},
	{STEER_PROBE_GRE, "gre"},     {STEER_PROBE_VXLAN, "vxlan"},
};

const char *steer_probe_kind_name(enum steer_probe_kind k)
{
	return steer_name_of(kind_names, STEER_NAMES_LEN(kind_names), (int)k, "?");
}

int steer_probe_kind_from_name(const char *s, size_t n, enum steer_probe_kind *k)
{
	int v;
	if (steer_name_find(kind_names, STEER_NAMES_LEN(kind_names), s, n, &v) != 0)
		return STEER_EINVAL;
	*k = (enum steer_probe_kind)v;
	return 0;
}

static const uint8_t rec_magic[4] = {'S', 'P', 'R', 'B'};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void steer_probe_fill(uint8_t *p, size_t len, uint32_t nonce, uint32_t flow, uint32_t frame)
{
	uint8_t rec[STEER_PROBE_REC_LEN];
	memcpy(rec, rec_magic, 4);
	put_be32(rec + 4, nonce);
	put_be32(rec + 8, flow);
	put_be32(rec + 12, frame);
	for (size_t i = 0; i < len; i++)
		p[i] = rec[i % STEER_PROBE_REC_LEN];
}

int steer_probe_new(const struct steer_plan *plan, uint32_t nonce,
                    const struct steer_probe_opts *opts, struct steer_probe **out)
{
	*out = NULL;
	struct steer_probe *pr = calloc(1, sizeof(*pr));
	if (!pr)
		return STEER_ENOMEM;
	pr->plan = plan;
	pr->nonce = nonce;
	if (opts)
		pr->opts = *opts;
	/* the prediction of a later fragment is its first fragment's, as on the balancer */
	pr->path = steer_path_new(plan, 0);
	if (!pr->path) {
		free(pr);
		return STEER_ENOMEM;
	}
	*out = pr;
	return 0;
}

void steer_probe_free(struct steer_probe *pr)
{
	if (!pr)
		return;
	for (uint32_t i = 0; i < pr->nfl; i++)
		free(pr->fl[i].desc);
	free(pr->fl);
	free(pr->fr);
	steer_path_free(pr->path);
	steer__probe_result_free(pr);
	free(pr);
}

/* Room for one more element of an array of *cap elements of size sz. */
static int grow(void **v, uint32_t *cap, uint32_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	if (*cap >= UINT32_MAX / 2)
		return STEER_ENOMEM;
	uint32_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*v, (size_t)c * sz);
	if (!p)
		return STEER_ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

int steer_probe_add_flow(struct steer_probe *pr, enum steer_probe_kind kind, const char *desc,
                         uint32_t *flow)
{
	if ((unsigned)kind >= STEER_PROBE__COUNT || pr->result)
		return STEER_EINVAL;
	if (grow((void **)&pr->fl, &pr->capfl, pr->nfl, sizeof(*pr->fl)) != 0)
		return STEER_ENOMEM;
	struct steer__probe_flow *f = &pr->fl[pr->nfl];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (!(f->desc = strdup(desc ? desc : "")))
		return STEER_ENOMEM;
	*flow = pr->nfl++;
	return 0;
}

uint32_t steer_probe_next_frame(const struct steer_probe *pr)
{
	return pr->nfr;
}

int steer_probe_sent(struct steer_probe *pr, uint32_t flow, unsigned dir, const uint8_t *frame,
                     uint32_t len)
{
	if (flow >= pr->nfl || dir > 1 || pr->result)
		return STEER_EINVAL;
	if (grow((void **)&pr->fr, &pr->capfr, pr->nfr, sizeof(*pr->fr)) != 0)
		return STEER_ENOMEM;
	const struct steer_plan *p = pr->plan;
	struct steer_pkt pkt;
	uint32_t hash;
	int st = steer_parse(STEER_LINK_ETHERNET, frame, len, p->tunnels_inner, &pkt);
	struct steer__probe_frame *f = &pr->fr[pr->nfr++];
	memset(f, 0, sizeof(*f));
	f->flow = flow;
	f->dir = (uint8_t)dir;
	f->worker = -1;
	f->predicted = steer_path_classify(pr->path, st, &pkt, &hash);
	/* The balancer sees both directions as one flow when the canonical keys of their first
	 * frames agree (a first fragment has the ports its later fragments lack). */
	struct steer__probe_flow *fl = &pr->fl[flow];
	if (!(fl->have & (1u << dir))) {
		steer_flow_key_from_pkt(&pkt, p->vlan_in_key, &fl->key[dir]);
		steer_flow_key_canon(&fl->key[dir]);
		fl->have |= (uint8_t)(1u << dir);
	}
	return 0;
}

/* This run's first record in d: its (flow, frame), false when there is none or it names no
 * frame that was sent for that flow. */
static bool find_record(const struct steer_probe *pr, const uint8_t *d, uint32_t len,
                        uint32_t *flow, uint32_t *frame)
{
	uint8_t key[8];
	memcpy(key, rec_magic, 4);
	put_be32(key + 4, pr->nonce);
	for (uint32_t i = 0; i + STEER_PROBE_REC_LEN <= len; i++) {
		if (d[i] != key[0] || memcmp(d + i, key, sizeof(key)) != 0)
			continue;
		*flow = get_be32(d + i + 8);
		*frame = get_be32(d + i + 12);
		return *flow < pr->nfl && *frame < pr->nfr && pr->fr[*frame].flow == *flow;
	}
	return false;
}

int steer_probe_arrived(struct steer_probe *pr, int worker, const uint8_t *frame,
                        uint32_t caplen)
{
	if (pr->result || worker < STEER_PROBE_NO_WORKER || (worker >= 0 &&
	                                                     (size_t)worker >= pr->plan->nworkers))
		return STEER_EINVAL;
	uint32_t flow, n;
	if (!find_record(pr, frame, caplen, &flow, &n)) {
		pr->foreign++;
		return STEER_PROBE_FOREIGN;
	}
	if (worker == STEER_PROBE_NO_WORKER) {
		pr->stray++;
		return STEER_PROBE_STRAY;
	}
	struct steer__probe_frame *f = &pr->fr[n];
	if (f->arrivals++ == 0) {
		f->worker = worker;
		pr->arrived++;
	} else if (f->worker != worker) {
		f->elsewhere = true;
	}
	return STEER_PROBE_ARRIVAL;
}

bool steer_probe_complete(const struct steer_probe *pr)
{
	return pr->arrived == pr->nfr;
}
