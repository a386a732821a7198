/* SPDX-License-Identifier: BSD-2-Clause */
/* conn.c: the connection tracker's lifecycle: options, the table of connections and the pool of
 * spilled state, finding a connection (ending it first when Zeek's timers would have), starting,
 * flipping and finishing one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>

#include "conn_int.h"


void steer_conn_opts_default(struct steer_conn_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tcp_inactivity_us = 300 * 1000000ll;
	o->udp_inactivity_us = 60 * 1000000ll;
	o->icmp_inactivity_us = 60 * 1000000ll;
	o->other_inactivity_us = 60 * 1000000ll;
	o->tcp_attempt_delay_us = 5 * 1000000ll;
	o->tcp_close_delay_us = 5 * 1000000ll;
	o->tcp_linger_us = 5 * 1000000ll;
	o->tcp_syn_timeout_us = 5 * 1000000ll;
	o->tcp_session_timer_us = 6 * 1000000ll;
	o->max_tunnel_changes = 5;
	o->private_is_local = true;
}

static int check_opts(const struct steer_conn_opts *o, char *errbuf)
{
	const struct {
		const char *name;
		int64_t v;
	} times[] = {
	    {"tcp_inactivity_us", o->tcp_inactivity_us},
	    {"udp_inactivity_us", o->udp_inactivity_us},
	    {"icmp_inactivity_us", o->icmp_inactivity_us},
	    {"other_inactivity_us", o->other_inactivity_us},
	    {"tcp_attempt_delay_us", o->tcp_attempt_delay_us},
	    {"tcp_close_delay_us", o->tcp_close_delay_us},
	    {"tcp_linger_us", o->tcp_linger_us},
	    {"tcp_syn_timeout_us", o->tcp_syn_timeout_us},
	    {"tcp_session_timer_us", o->tcp_session_timer_us},
	};
	/* A year bounds every timer: the arithmetic on them stays far from overflow. */
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		if (times[i].v <= 0 || times[i].v > 366 * 86400 * 1000000ll) {
			snprintf(errbuf, STEER_ERRBUF_SIZE,
			         "conn: %s: %lld is not a time between 1 us and a year", times[i].name,
			         (long long)times[i].v);
			return STEER_EINVAL;
		}
	}
	if (o->max_tunnel_changes > 255) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "conn: max_tunnel_changes: %u is above 255",
		         o->max_tunnel_changes);
		return STEER_EINVAL;
	}
	if (o->n_local_nets && !o->local_nets) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "conn: n_local_nets is %zu but local_nets is NULL",
		         o->n_local_nets);
		return STEER_EINVAL;
	}
	if (!o->on_conn) {
		snprintf(errbuf, STEER_ERRBUF_SIZE, "conn: on_conn is required");
		return STEER_EINVAL;
	}
	return 0;
}

int steer_conn_new(const struct steer_conn_opts *o, struct steer_conn **out, char *errbuf)
{
	struct steer_conn *t;
	int rc;

	*out = NULL;
	rc = check_opts(o, errbuf);
	if (rc)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t)
		return STEER_ENOMEM;
	t->o = *o;
	if (o->likely_tcp)
		memcpy(t->likely[0], o->likely_tcp, sizeof(t->likely[0]));
	else
		steer_conn_default_likely(6, t->likely[0]);
	if (o->likely_udp)
		memcpy(t->likely[1], o->likely_udp, sizeof(t->likely[1]));
	else
		steer_conn_default_likely(17, t->likely[1]);
	steer__uid_keys(o->uid_seed, t->hash_key);
	rc = steer__netset_new(o, &t->local);
	if (rc == STEER_EINVAL)
		snprintf(errbuf, STEER_ERRBUF_SIZE, "conn: a local network has a bad family or length");
	if (!rc)
		rc = steer_flowtab_new(sizeof(struct steer__conn), o->max_conns, &t->tab);
	if (!rc)
		rc = steer__frag_new(&t->frags);
	if (rc) {
		steer_conn_free(t);
		return rc;
	}
	/* A few table positions per packet keep idle connections from waiting long; the lazy
	 * check at lookup keeps the semantics exact whatever this is. */
	t->sweep_per_packet = 2;
	*out = t;
	return 0;
}

static void ext_release(struct steer__conn_ext *x)
{
	for (int s = 0; s < 2; s++)
		free(x->blk[s]);
	free(x->hist_tail);
	free(x);
}

void steer_conn_free(struct steer_conn *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n_ext; i++) {
		/* Free slots hold the next free index with the low bit set, never a pointer. */
		if (t->ext[i] && !((uintptr_t)t->ext[i] & 1u))
			ext_release(t->ext[i]);
	}
	free(t->ext);
	steer_flowtab_free(t->tab);
	steer__netset_free(t->local);
	steer__frag_free(t->frags);
	free(t);
}

/* ---- the pool of spilled state ---- */

struct steer__conn_ext *steer__conn_ext_get(struct steer_conn *t, struct steer__conn *c)
{
	struct steer__conn_ext *x;
	uint32_t i;

	if (c->ext)
		return t->ext[c->ext - 1];
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	if (t->free_ext) {
		i = t->free_ext - 1;
		t->free_ext = (uint32_t)((uintptr_t)t->ext[i] >> 1);
	} else {
		if (t->n_ext == t->cap_ext) {
			uint32_t cap = t->cap_ext ? t->cap_ext * 2 : 64;
			struct steer__conn_ext **v =
			    cap > t->cap_ext ? realloc(t->ext, cap * sizeof(*v)) : NULL;
			if (!v) {
				free(x);
				return NULL;
			}
			t->ext = v;
			t->cap_ext = cap;
		}
		i = t->n_ext++;
	}
	t->ext[i] = x;
	t->ext_bytes += sizeof(*x);
	c->ext = i + 1;
	return x;
}

void steer__conn_ext_bytes(struct steer_conn *t, ptrdiff_t delta)
{
	t->ext_bytes = (size_t)((ptrdiff_t)t->ext_bytes + delta);
}

void steer__conn_ext_drop(struct steer_conn *t, struct steer__conn *c)
{
	struct steer__conn_ext *x;
	uint32_t i;

	if (!c->ext)
		return;
	i = c->ext - 1;
	x = t->ext[i];
	t->ext_bytes -= sizeof(*x) + (size_t)x->hist_cap +
	                ((size_t)x->capblk[0] + x->capblk[1]) * sizeof(struct steer__block);
	ext_release(x);
	t->ext[i] = (struct steer__conn_ext *)(((uintptr_t)t->free_ext << 1) | 1u);
	t->free_ext = i + 1;
	c->ext = 0;
}

/* ---- fields that spill ---- */

int64_t steer__conn_start(const struct steer_conn *t, const struct steer__conn *c)
{
	if (c->start == START_EXT) {
		const struct steer__conn_ext *x = conn_ext(t, c);
		return x ? x->start_abs : 0;
	}
	return (int64_t)c->start - START_BIAS;
}

int64_t steer__conn_last(const struct steer_conn *t, const struct steer__conn *c)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	if (x && (x->xflags & X_LAST))
		return x->last_abs;
	return steer__conn_start(t, c) + c->last;
}

void steer__conn_set_last(struct steer_conn *t, struct steer__conn *c, int64_t now)
{
	int64_t d = now - steer__conn_start(t, c);
	struct steer__conn_ext *x = conn_ext(t, c);

	/* The delete timer was armed at the last time then: keep it there. */
	if ((c->cflags & C_CLOSED) && !(x && (x->xflags & X_DEL)) &&
	    now != steer__conn_last(t, c)) {
		x = steer__conn_ext_get(t, c);
		if (x) {
			x->del_abs = steer__conn_last(t, c) + t->o.tcp_close_delay_us;
			x->xflags |= X_DEL;
		}
	}

	if (d >= 0 && d <= (int64_t)UINT32_MAX) {
		c->last = (uint32_t)d;
		if (x)
			x->xflags &= ~(uint32_t)X_LAST;
		return;
	}
	/* Hours-long connections, and packets from before the first one (time going back). */
	x = steer__conn_ext_get(t, c);
	if (x) {
		x->last_abs = now;
		x->xflags |= X_LAST;
	}
}

uint64_t steer__conn_pkts(const struct steer_conn *t, const struct steer__conn *c, unsigned s)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	return ((uint64_t)(x ? x->pkts_hi[s] : 0) << 16) | c->pkts[s];
}

uint64_t steer__conn_ipb(const struct steer_conn *t, const struct steer__conn *c, unsigned s)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	return ((uint64_t)(x ? x->ipb_hi[s] : 0) << 32) | c->ipb[s];
}

void steer__conn_count(struct steer_conn *t, struct steer__conn *c, unsigned s, uint32_t ip_len)
{
	uint32_t b = c->ipb[s] + ip_len;
	struct steer__conn_ext *x;

	if (c->pkts[s] == UINT16_MAX || b < c->ipb[s]) {
		x = steer__conn_ext_get(t, c);
		if (!x)
			return; /* out of memory: the count stops rather than wraps */
		if (c->pkts[s] == UINT16_MAX)
			x->pkts_hi[s]++;
		if (b < c->ipb[s])
			x->ipb_hi[s]++;
	}
	c->pkts[s]++;
	c->ipb[s] = b;
}

uint32_t steer__conn_cnt_inc(struct steer_conn *t, struct steer__conn *c, unsigned s, int which)
{
	struct steer__conn_ext *x = conn_ext(t, c);
	unsigned shift = which == CNT_WIN0 ? EP_WIN0_SHIFT : EP_RXMT_SHIFT;
	unsigned max = which == CNT_WIN0 ? EP_WIN0_MAX : EP_RXMT_MAX;
	/* Retransmissions (and UDP's checksum errors, which share the bits) and zero windows are
	 * counted inline up to a few; the rest, and gaps and TCP checksum errors, in the ext. */
	bool inline_ok = which == CNT_RXMT || which == CNT_WIN0 ||
	                 (which == CNT_CHK && c->key.proto != 6);

	if (which == CNT_CHK && c->key.proto != 6)
		which = CNT_RXMT;
	if (x && (x->xflags & X_CNT))
		return ++x->cnt[s][which];
	if (inline_ok) {
		unsigned v = (c->ep[s] >> shift) & max;
		if (v < max - 1) {
			c->ep[s] = (uint16_t)((c->ep[s] & ~(max << shift)) | (v + 1) << shift);
			return v + 1;
		}
	}
	x = steer__conn_ext_get(t, c);
	if (!x)
		return 0;
	/* Move the inline counters over, then count here from now on. */
	for (unsigned side = 0; side < 2; side++) {
		x->cnt[side][CNT_RXMT] = (c->ep[side] >> EP_RXMT_SHIFT) & EP_RXMT_MAX;
		x->cnt[side][CNT_WIN0] = (c->ep[side] >> EP_WIN0_SHIFT) & EP_WIN0_MAX;
	}
	x->xflags |= X_CNT;
	return ++x->cnt[s][which];
}

/* ---- finding, starting, flipping, finishing ---- */

int steer__conn_lookup(struct steer_conn *t, const struct steer_flow_key *k, int64_t now,
                       struct steer__conn **c, unsigned *side)
{
	void *rec;
	int dir, rc;

	rc = steer_flowtab_get(t->tab, k, &rec, &dir);
	if (rc < 0) {
		t->stats.table_full++;
		return rc;
	}
	*c = rec;
	*side = dir == STEER_DIR_FWD ? 0 : 1;
	if (rc == 0) {
		if (now >= steer__conn_deadline(t, *c)) {
			steer__conn_finish(t, *c, false);
			rc = steer_flowtab_get(t->tab, k, &rec, &dir);
			if (rc < 0) {
				t->stats.table_full++;
				return rc;
			}
			*c = rec;
		} else {
			steer__conn_timers_passed(t, *c, now);
		}
	}
	return rc;
}

void steer__conn_init(struct steer_conn *t, struct steer__conn *c, unsigned side, int64_t now,
                      const struct steer__encap *encap)
{
	int64_t s = now + START_BIAS;

	c->cflags = side ? C_ORIG_DST : 0;
	if (s >= 0 && (uint64_t)s < START_EXT) {
		c->start = (uint64_t)s;
	} else {
		/* Years after the first packet, or well before it (a clock that jumped). */
		struct steer__conn_ext *x = steer__conn_ext_get(t, c);
		c->start = START_EXT;
		if (x)
			x->start_abs = now;
	}
	steer__conn_set_last(t, c, now);
	if (c->key.proto == 17 || c->key.proto == 1 || c->key.proto == 58)
		c->u.size[0] = c->u.size[1] = -1;
	if (encap && encap->depth) {
		struct steer__conn_ext *x = steer__conn_ext_get(t, c);
		if (x) {
			x->xflags |= X_TUNNEL;
			x->encap = encap->stack;
			x->parents[x->nparents++] = encap->parent;
		}
	}
	t->stats.conns++;
	switch (c->key.proto) {
	case 6:
		t->stats.tcp++;
		break;
	case 17:
		t->stats.udp++;
		break;
	case 1:
	case 58:
		t->stats.icmp++;
		break;
	default:
		t->stats.other++;
		break;
	}
}

void steer__conn_flip(struct steer_conn *t, struct steer__conn *c)
{
	c->cflags ^= C_ORIG_DST;
	/* first_packet_seen is by role: it moves with the roles (TCPSessionAdapter::FlipRoles). */
	uint32_t fps = c->cflags & (C_FPS_ORIG | C_FPS_RESP);
	c->cflags &= ~(uint32_t)(C_FPS_ORIG | C_FPS_RESP | C_PARTIAL);
	if (fps & C_FPS_ORIG)
		c->cflags |= C_FPS_RESP;
	if (fps & C_FPS_RESP)
		c->cflags |= C_FPS_ORIG;
	steer__hist_add(t, c, '^');
}

void steer__conn_encap(struct steer_conn *t, struct steer__conn *c,
                       const struct steer__encap *encap)
{
	struct steer__conn_ext *x = conn_ext(t, c);
	uint64_t now = encap ? encap->stack : 0;
	uint64_t was = x && (x->xflags & X_TUNNEL) ? x->encap : 0;

	if (now == was)
		return;
	x = steer__conn_ext_get(t, c);
	if (!x)
		return;
	/* Zeek follows Tunnel::max_changes_per_connection changes; past them it marks the
	 * connection once with 'X' and keeps the encapsulation it had. */
	if (x->changes >= t->o.max_tunnel_changes) {
		if (!(x->xflags & X_TUN_X)) {
			x->xflags |= X_TUN_X;
			steer__hist_add(t, c, 'X');
		}
		return;
	}
	x->changes++;
	x->encap = now;
	if (now) {
		x->xflags |= X_TUNNEL;
		bool known = false;
		for (unsigned i = 0; i < x->nparents; i++)
			known |= x->parents[i] == encap->parent;
		if (!known && x->nparents < STEER_CONN_MAX_PARENTS)
			x->parents[x->nparents++] = encap->parent;
	} else {
		x->xflags &= ~(uint32_t)X_TUNNEL;
	}
}

void steer__conn_finish(struct steer_conn *t, struct steer__conn *c, bool flushed)
{
	struct steer_conn_rec rec;

	steer__conn_rec(t, c, &rec);
	if (flushed)
		rec.flags |= STEER_CONN_F_FLUSHED;
	if (rec.proto == STEER_CONN_TCP && (rec.flags & STEER_CONN_F_ONE_SIDED))
		t->stats.one_sided++;
	t->o.on_conn(t->o.arg, &rec);
	steer__conn_ext_drop(t, c);
	steer_flowtab_remove(t->tab, c);
}

/* ---- network time, expiry, flush ---- */

struct sweep_arg {
	struct steer_conn *t;
};

static void sweep_one(void *arg, void *rec)
{
	struct steer_conn *t = ((struct sweep_arg *)arg)->t;
	struct steer__conn *c = rec;

	if (t->now >= steer__conn_deadline(t, c))
		steer__conn_finish(t, c, false);
}

void steer__conn_sweep(struct steer_conn *t, size_t positions)
{
	struct sweep_arg a = {t};
	steer_flowtab_sweep(t->tab, positions, sweep_one, &a);
}

void steer_conn_advance(struct steer_conn *t, int64_t now_ns, size_t budget)
{
	int64_t now = now_ns / 1000;

	if (!t->have_base)
		return; /* no connection yet */
	if (now - t->base > t->now)
		t->now = now - t->base;
	steer__conn_sweep(t, budget ? budget : steer_flowtab_positions(t->tab));
}

void steer_conn_flush(struct steer_conn *t)
{
	size_t pos = 0;
	void *rec;

	while ((rec = steer_flowtab_next(t->tab, &pos)) != NULL)
		steer__conn_finish(t, rec, true);
}

const struct steer_conn_stats *steer_conn_stats(const struct steer_conn *t)
{
	return &t->stats;
}

size_t steer_conn_count(const struct steer_conn *t)
{
	return steer_flowtab_count(t->tab);
}

size_t steer_conn_memory(const struct steer_conn *t)
{
	return steer_flowtab_memory(t->tab) + t->ext_bytes +
	       (size_t)t->cap_ext * sizeof(*t->ext);
}

double steer_conn_bytes_per_conn(const struct steer_conn *t)
{
	size_t n = steer_conn_count(t);
	return n ? (double)steer_conn_memory(t) / (double)n : 0.0;
}
