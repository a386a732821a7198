/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_tcp.c: one TCP packet as Zeek's TCP analyzer sees it (TCP.cc, TCPSessionAdapter.cc,
 * TCP_Endpoint.cc): the originator heuristics, connection reuse, checksums, sequence numbers
 * relative to the start, the history letters, and the hand-over to the state machine, the
 * reassembler and the close. */
#include <string.h>

#include "conn_int.h"

enum {
	TCP_HDR_LEN = 20,
	TOO_LARGE_SEQ_DELTA = 1048576,
};

static inline int32_t seq_delta(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- unpacking and packing an endpoint ---- */

static int64_t canon_ra(int64_t last_rel, bool fin)
{
	int64_t v = last_rel - (fin ? 1 : 0);
	return v > 1 ? v : 1;
}

void steer__tcp_load(const struct steer_conn *t, const struct steer__conn *c, unsigned side,
                     struct steer__tcp_ep *e)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	uint32_t xf = x ? x->xflags : 0;
	uint16_t b = c->ep[side];
	int64_t lr;

	memset(e, 0, sizeof(*e));
	e->side = side;
	e->state = (b >> EP_STATE_SHIFT) & 7u;
	e->prev = (b >> EP_PREV_SHIFT) & 7u;
	e->did_close = b & EP_DID_CLOSE;
	e->fin = b & EP_FIN;
	e->rst = b & EP_RST;
	e->start = c->u.tcp[side].start;
	e->last = c->u.tcp[side].last;
	e->ack = c->u.tcp[side].ack;
	if (x) {
		e->seq_wraps = x->wraps[side][0];
		e->ack_wraps = x->wraps[side][1];
	}
	lr = tcp_last_rel(e);
	e->hl[0] = (xf & X_SIDE(X_HLS0, side)) ? x->hl[side][0] : 0;
	e->fin_seq = (xf & X_SIDE(X_FIN0, side)) ? x->fin_seq[side] : (uint64_t)lr;
	e->hl[1] = (xf & X_SIDE(X_HLF0, side)) ? x->hl[side][1] : e->fin_seq - 1;
	e->hl[2] = (xf & X_SIDE(X_HLR0, side)) ? x->hl[side][2] : (uint64_t)lr;
	e->ra = (xf & X_SIDE(X_RA0, side)) ? x->ra[side] : (uint64_t)canon_ra(lr, e->fin);
	e->skip = xf & X_SIDE(X_SKIP0, side);
}

/* The ext fields that hold a side's values when they are not what the inline state implies. */
enum { K_HLS, K_HLF, K_HLR, K_FIN, K_RA };

static uint64_t *slot(struct steer__conn_ext *x, unsigned s, int which)
{
	switch (which) {
	case K_HLS:
		return &x->hl[s][0];
	case K_HLF:
		return &x->hl[s][1];
	case K_HLR:
		return &x->hl[s][2];
	case K_FIN:
		return &x->fin_seq[s];
	}
	return &x->ra[s];
}

static void keep(struct steer_conn *t, struct steer__conn *c, unsigned s, int which,
                 uint32_t flag, uint64_t v, uint64_t canon)
{
	struct steer__conn_ext *x = conn_ext(t, c);

	if (v == canon) {
		if (x)
			x->xflags &= ~flag;
		return;
	}
	x = steer__conn_ext_get(t, c);
	if (!x)
		return;
	x->xflags |= flag;
	*slot(x, s, which) = v;
}

void steer__tcp_store(struct steer_conn *t, struct steer__conn *c, const struct steer__tcp_ep *e)
{
	unsigned s = e->side;
	struct steer__conn_ext *x = conn_ext(t, c);
	uint16_t b = c->ep[s] & ~(uint16_t)(7u << EP_STATE_SHIFT | 7u << EP_PREV_SHIFT |
	                                    EP_DID_CLOSE | EP_FIN | EP_RST);
	int64_t lr = tcp_last_rel(e);

	b |= (uint16_t)(e->state << EP_STATE_SHIFT | e->prev << EP_PREV_SHIFT);
	if (e->did_close)
		b |= EP_DID_CLOSE;
	if (e->fin)
		b |= EP_FIN;
	if (e->rst)
		b |= EP_RST;
	c->ep[s] = b;
	c->u.tcp[s].start = e->start;
	c->u.tcp[s].last = e->last;
	c->u.tcp[s].ack = e->ack;
	if (e->seq_wraps || e->ack_wraps || (x && (x->wraps[s][0] || x->wraps[s][1]))) {
		x = steer__conn_ext_get(t, c);
		if (x) {
			/* Past 2^16 wraps (256 TB one way) the count stops. */
			x->wraps[s][0] = (uint16_t)(e->seq_wraps > UINT16_MAX ? UINT16_MAX : e->seq_wraps);
			x->wraps[s][1] = (uint16_t)(e->ack_wraps > UINT16_MAX ? UINT16_MAX : e->ack_wraps);
		}
	}
	x = conn_ext(t, c);
	if (e->dirty_hl[0] || (x && (x->xflags & X_SIDE(X_HLS0, s))))
		keep(t, c, s, K_HLS, X_SIDE(X_HLS0, s), e->hl[0], 0);
	if (e->fin) {
		keep(t, c, s, K_FIN, X_SIDE(X_FIN0, s), e->fin_seq, (uint64_t)lr);
		keep(t, c, s, K_HLF, X_SIDE(X_HLF0, s), e->hl[1], e->fin_seq - 1);
	}
	if (e->rst)
		keep(t, c, s, K_HLR, X_SIDE(X_HLR0, s), e->hl[2], (uint64_t)lr);
	x = conn_ext(t, c);
	/* Blocks above the point keep it in the ext even when it looks derived. */
	if (x && x->nblk[s]) {
		x->xflags |= X_SIDE(X_RA0, s);
		x->ra[s] = e->ra;
	} else {
		keep(t, c, s, K_RA, X_SIDE(X_RA0, s), e->ra, (uint64_t)canon_ra(lr, e->fin));
	}
	x = conn_ext(t, c);
	if (e->skip || (x && (x->xflags & X_SIDE(X_SKIP0, s)))) {
		x = steer__conn_ext_get(t, c);
		if (x) {
			x->xflags &= ~X_SIDE(X_SKIP0, s);
			if (e->skip)
				x->xflags |= X_SIDE(X_SKIP0, s);
		}
	}
}

/* ---- sizes and reuse ---- */

static bool no_data_acked(const struct steer__tcp_ep *e)
{
	uint64_t ack = tcp_full(e->ack, e->ack_wraps);
	return ack == e->start || ack == (uint64_t)e->start + 1;
}

uint64_t steer__tcp_ep_size(const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer)
{
	uint64_t last = tcp_full(e->last, e->seq_wraps), ack = tcp_full(e->ack, e->ack_wraps);
	uint64_t size;

	/* A half-open connection found and aborted: its sequence numbers mean nothing. */
	if (e->prev == STEER_TCP_SYN_SENT && e->state == STEER_TCP_RESET &&
	    peer->state == STEER_TCP_INACTIVE && !no_data_acked(e))
		return 0;
	size = (last > ack ? last : ack) - e->start;
	/* Neither the SYN nor the FIN is payload. */
	if (size)
		size--;
	if (e->fin && size)
		size--;
	return size;
}

uint64_t steer__tcp_size(const struct steer_conn *t, const struct steer__conn *c, unsigned s)
{
	struct steer__tcp_ep e, p;
	steer__tcp_load(t, c, s, &e);
	steer__tcp_load(t, c, s ^ 1u, &p);
	return steer__tcp_ep_size(&e, &p);
}

bool steer__tcp_is_reuse(const struct steer_conn *t, const struct steer__conn *c, unsigned side,
                         const uint8_t *tcp)
{
	uint8_t fl = tcp[13];
	struct steer__tcp_ep o, r, *co;
	unsigned so = side_orig(c);
	uint32_t seq = be32(tcp + 4);

	(void)side;
	if ((tcp[12] >> 4) * 4 < TCP_HDR_LEN || !(fl & TH_SYN))
		return false;
	steer__tcp_load(t, c, so, &o);
	steer__tcp_load(t, c, so ^ 1u, &r);
	co = &o;
	/* A SYN-ACK starts a new connection only where the originator was never seen. */
	if (fl & TH_ACK) {
		if (o.state != STEER_TCP_INACTIVE)
			return false;
		co = &r;
	}
	if (!(o.did_close && r.did_close)) {
		if (seq == co->start)
			return false;
		/* A SYN answering a SYN-ACK that came first (captures from two interfaces): the
		 * state machine flips this one round. */
		if (!(fl & TH_ACK) && co->state == STEER_TCP_SYN_ACK_SENT &&
		    r.state == STEER_TCP_INACTIVE && seq == r.start)
			return false;
	}
	return true;
}

/* ---- relative sequence numbers ---- */

/* Zeek's get_relative_seq(): the relative value of cur, with the 32-bit wrap count of the
 * reference (last) adjusted by one either way. */
static int64_t relative_seq(const struct steer__tcp_ep *e, uint32_t cur, uint32_t last,
                            uint32_t wraps, bool *underflow)
{
	int32_t d = seq_delta(cur, last);

	if (d < 0) {
		if (wraps && cur > last)
			--wraps;
	} else if (d > 0) {
		if (cur < last)
			++wraps;
	}
	if (wraps == 0) {
		d = seq_delta(cur, e->start);
		if (underflow && d < 0)
			*underflow = true;
		return d;
	}
	return (int64_t)(tcp_full(cur, wraps) - e->start);
}

static void init_seqs(struct steer__tcp_ep *e, uint32_t start, uint32_t last)
{
	e->start = start;
	e->ack = start;
	e->last = last;
}

/* Zeek's init_endpoint(). */
static void init_endpoint(struct steer__tcp_ep *e, uint8_t fl, uint32_t seq, uint32_t last)
{
	switch (e->state) {
	case STEER_TCP_INACTIVE:
		if (fl & TH_SYN) {
			init_seqs(e, seq, last);
		} else {
			/* Midstream: numbered as though a SYN had been seen, the first packet
			 * not taken for a duplicate. */
			init_seqs(e, seq - 1, seq);
		}
		break;
	case STEER_TCP_SYN_SENT:
	case STEER_TCP_SYN_ACK_SENT:
		if ((fl & TH_SYN) && seq != e->start)
			init_seqs(e, seq, last);
		break;
	case STEER_TCP_ESTABLISHED:
	case STEER_TCP_PARTIAL:
		/* A SYN inside: perhaps the connection never got going, and this sets it up. */
		if (fl & TH_SYN)
			init_seqs(e, seq, last);
		break;
	case STEER_TCP_RESET:
		/* Numbers taken from a RST that a SYN now contradicts. */
		if ((fl & TH_SYN) && e->prev == STEER_TCP_INACTIVE)
			init_seqs(e, seq, last);
		break;
	}
}

static void update_ack_seq(struct steer__tcp_ep *e, uint32_t ack)
{
	int32_t d = seq_delta(ack, e->ack);

	/* An ACK of 0 far ahead is more likely broken than a long connection landing on 0. */
	if (ack == 0 && d > TOO_LARGE_SEQ_DELTA)
		return;
	if (d > 0) {
		if (ack < e->ack)
			e->ack_wraps++;
		e->ack = ack;
	}
}

static void set_last(struct steer__tcp_ep *e, uint32_t last)
{
	if (last < e->last)
		e->seq_wraps++;
	e->last = last;
}

/* Zeek's update_last_seq(); returns the change (may be negative). */
static int32_t update_last_seq(struct steer_conn *t, struct steer__conn *c,
                               struct steer__tcp_ep *e, uint32_t last, uint8_t fl, int len,
                               bool orig)
{
	int32_t d = seq_delta(last, e->last);

	if ((fl & (TH_SYN | TH_RST)) && (d > TOO_LARGE_SEQ_DELTA || d < -TOO_LARGE_SEQ_DELTA))
		return d; /* not trusted */
	if ((fl & TH_FIN) && e->last == e->start + 1)
		set_last(e, last); /* > 2 GB connections seen only by SYN and FIN */
	else if (e->state == STEER_TCP_RESET)
		; /* nothing after a reset is trusted */
	else if (d > 0)
		set_last(e, last);
	else if (len > 0)
		steer__hist_scaled(t, c, e->side, CNT_RXMT, 'T', orig);
	return d;
}

/* ---- history ---- */

/* TCP_Endpoint::CheckHistory for e: with the SYN-ACK-first flip (Zeek PR #2191): a history of
 * just "H" followed by an ACK or data from either side turns the roles round, "^h", first. */
static bool check(struct steer_conn *t, struct steer__conn *c, const struct steer__tcp_ep *e,
                  char kind)
{
	if ((kind == 'A' || kind == 'D') && steer__hist_is_H(c)) {
		steer__conn_flip(t, c);
		steer__hist_set_flipped_h(t, c);
	}
	return steer__hist_check(t, c, e->side == side_orig(c), kind);
}

static void add(struct steer_conn *t, struct steer__conn *c, const struct steer__tcp_ep *e,
                char kind)
{
	bool orig = e->side == side_orig(c);
	steer__hist_add(t, c, orig ? kind : (char)(kind - 'A' + 'a'));
}

static void update_history(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                           uint8_t fl, uint64_t rel, int len)
{
	int bits = !!(fl & TH_SYN) + !!(fl & TH_FIN) + !!(fl & TH_RST);

	if (bits > 1) {
		check(t, c, e, (fl & TH_FIN) && (fl & TH_RST) ? 'I' : 'Q');
		return;
	}
	if (bits == 0) {
		if (len)
			check(t, c, e, 'D');
		else if (fl & TH_ACK)
			check(t, c, e, 'A');
		return;
	}
	/* S, H, F and R again only at another sequence number (a FIN's counts past its data). */
	if (fl & TH_SYN) {
		char code = (fl & TH_ACK) ? 'H' : 'S';
		if (check(t, c, e, code) && rel != e->hl[0])
			add(t, c, e, code);
		e->hl[0] = rel;
		e->dirty_hl[0] = true;
	}
	if (fl & TH_FIN) {
		if (check(t, c, e, 'F') && rel + (uint64_t)len != e->hl[1])
			add(t, c, e, 'F');
		e->hl[1] = rel + (uint64_t)len;
		e->dirty_hl[1] = true;
	}
	if (fl & TH_RST) {
		if (check(t, c, e, 'R') && rel != e->hl[2])
			add(t, c, e, 'R');
		e->hl[2] = rel;
		e->dirty_hl[2] = true;
	}
}

/* ---- the packet ---- */

/* Zeek's TCPAnalyzer::WantConnection: a connection that does not start with a plain SYN starts
 * flipped when its source port looks like the server's. */
static bool want_flip(const struct steer_conn *t, uint8_t fl, uint16_t sport, uint16_t dport)
{
	if ((fl & TH_SYN) && !(fl & TH_ACK))
		return false;
	if (!steer__likely(t, 6, sport))
		return false;
	if (steer__likely(t, 6, dport))
		return !(fl & TH_SYN) && sport < dport;
	return true;
}

static bool is_broadcast4(const struct steer_layer *l)
{
	static const uint8_t bcast[4] = {255, 255, 255, 255};
	return l->family == 4 && memcmp(l->dst, bcast, 4) == 0;
}

/* A new connection of p: created and, by the heuristics, flipped. */
static struct steer__conn *start_conn(struct steer_conn *t, struct steer__conn *c, unsigned side,
                                      const struct steer__ippkt *p, uint8_t fl)
{
	steer__conn_init(t, c, side, p->now, p->encap);
	/* The first expire check and the inactivity timer of a handshake (the UDP one). */
	if (want_flip(t, fl, p->l->sport, p->l->dport) && !is_broadcast4(p->l))
		steer__conn_flip(t, c);
	return c;
}

/* Zeek's init_peer(): an ACK for a side never heard from numbers that side as if its SYN had
 * been seen; an ACK that answers nothing is Zeek's sign of split routing. */
static void init_peer(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *peer,
                      const struct steer__tcp_ep *e, uint8_t fl, uint32_t ack)
{
	if (!(fl & (TH_SYN | TH_FIN | TH_RST)) &&
	    (e->state == STEER_TCP_SYN_SENT || e->state == STEER_TCP_SYN_ACK_SENT ||
	     e->state == STEER_TCP_ESTABLISHED) &&
	    !(c->cflags & C_WEIRD)) {
		c->cflags |= C_WEIRD | C_SPLIT;
		t->stats.split_routing++;
	}
	init_seqs(peer, ack - 1, ack - 1);
}

static void set_partial(struct steer__conn *c, uint8_t fl, bool orig)
{
	if (orig) {
		if (!(c->cflags & C_FPS_ORIG)) {
			c->cflags &= ~(uint32_t)C_PARTIAL;
			if (!(fl & TH_SYN) || (fl & TH_ACK))
				c->cflags |= C_PARTIAL;
		}
	} else if (!(c->cflags & C_FPS_RESP) && !(c->cflags & C_PARTIAL) && !(fl & TH_SYN)) {
		c->cflags |= C_PARTIAL;
	}
}

struct steer__conn *steer__tcp_packet(struct steer_conn *t, const struct steer__ippkt *p)
{
	struct steer_flow_key k;
	struct steer__conn *c;
	struct steer__tcp_ep ep[2], *e, *peer;
	struct steer__tcp_pkt pk;
	unsigned side;
	bool one_way, underflow = false, orig;
	const uint8_t *th = p->l4;
	uint32_t hlen, len, remaining, seq_one_past;
	uint64_t trim_before = 0;
	int64_t rel;
	int rc;

	/* Zeek's CheckHeaderTrunc: no connection for less than a TCP header. */
	if ((p->len && p->len < TCP_HDR_LEN) || p->remaining < TCP_HDR_LEN)
		return NULL;
	uint8_t fl = th[13];
	steer__conn_key(p->l, 0, 0, &k, &one_way);
	rc = steer__conn_lookup(t, &k, t->now, &c, &side);
	if (rc < 0)
		return NULL;
	if (rc == 0 && steer__tcp_is_reuse(t, c, side, th)) {
		steer__conn_finish(t, c, false);
		rc = steer__conn_lookup(t, &k, t->now, &c, &side);
		if (rc < 0)
			return NULL;
	}
	if (rc == 1)
		start_conn(t, c, side, p, fl);
	else
		steer__conn_encap(t, c, p->encap);

	/* ExtractTCP_Header: the connection stays, the packet goes no further. */
	hlen = (uint32_t)(th[12] >> 4) * 4;
	if (hlen < TCP_HDR_LEN || hlen > p->len || hlen > p->remaining)
		return c;
	len = p->len - hlen;
	remaining = p->remaining - hlen;
	orig = side == side_orig(c);
	if (!t->o.ignore_checksums && remaining >= len &&
	    !steer__l4_csum_ok(p->l, th, hlen + len, 6)) {
		tcp_weird(c);
		steer__hist_scaled(t, c, side, CNT_CHK, 'C', orig);
		return c;
	}

	steer__tcp_load(t, c, side, &ep[side]);
	steer__tcp_load(t, c, side ^ 1u, &ep[side ^ 1u]);
	e = &ep[side];
	peer = &ep[side ^ 1u];
	memset(&pk, 0, sizeof(pk));
	pk.flags = fl;
	pk.is_orig = orig;
	pk.base_seq = be32(th + 4);
	pk.ack_seq = be32(th + 8);
	pk.len = (int)len;
	pk.now = p->now;

	set_partial(c, fl, orig);
	seq_one_past = pk.base_seq + len + !!(fl & TH_SYN) + !!(fl & TH_FIN) -
	               ((fl & TH_RST) ? len : 0);
	init_endpoint(e, fl, pk.base_seq, seq_one_past);
	rel = relative_seq(e, pk.base_seq, e->last, e->seq_wraps, &underflow);
	if (underflow && !(fl & TH_RST))
		tcp_weird(c);

	update_history(t, c, e, fl, (uint64_t)rel, (int)len);
	/* Zero windows: not with or after a RST, nor once the peer has sent its FIN. */
	if (be16(th + 14) == 0 && !(fl & TH_RST) && peer->state != STEER_TCP_CLOSED &&
	    e->state != STEER_TCP_RESET)
		steer__hist_scaled(t, c, side, CNT_WIN0, 'W', side == side_orig(c));
	/* After both sides closed, trailing packets no longer extend the duration. */
	if (!(ep[0].did_close && ep[1].did_close))
		steer__conn_set_last(t, c, p->now);
	if ((fl & TH_SYN) && ((fl & (TH_RST | TH_URG)) || len > 0))
		tcp_weird(c);
	if (fl & TH_FIN) {
		e->fin = true;
		e->fin_seq = (uint64_t)rel + (seq_one_past - pk.base_seq);
		e->dirty_fin = true;
	}
	if (fl & TH_RST)
		e->rst = true;

	int64_t rel_ack = 0;
	if (fl & TH_ACK) {
		if (peer->state == STEER_TCP_INACTIVE) {
			rel_ack = 1;
			if (!(fl & TH_SYN)) {
				c->cflags |= C_ACK_UNSEEN;
				t->stats.acks_unseen++;
			}
			init_peer(t, c, peer, e, fl, pk.ack_seq);
		} else {
			bool ack_underflow = false;
			/* The trim point of the peer's reassembler before this ACK. */
			trim_before = steer__reasm_trim(peer, e);
			if (!(fl & TH_RST) && seq_delta(pk.ack_seq, peer->last) > 0) {
				c->cflags |= C_ACK_UNSEEN;
				t->stats.acks_unseen++;
			}
			rel_ack = relative_seq(peer, pk.ack_seq, peer->ack, peer->ack_wraps,
			                       &ack_underflow);
			if (ack_underflow) {
				rel_ack = 0;
				tcp_weird(c);
			} else if (!(fl & TH_RST)) {
				update_ack_seq(peer, pk.ack_seq);
			}
		}
	}
	pk.delta_last = update_last_seq(t, c, e, seq_one_past, fl, (int)len,
	                                side == side_orig(c));
	steer__tcp_fsm(t, c, e, peer, &pk);
	if (fl & TH_ACK) {
		steer__reasm_ack(t, c, peer, e, (uint64_t)rel_ack, trim_before);
		steer__reasm_eof(t, c, peer, e, p->now);
	}
	/* CheckPIA_FirstPacket: the role has now shown its first packet. */
	c->cflags |= side == side_orig(c) ? C_FPS_ORIG : C_FPS_RESP;
	if (len > 0 && remaining >= len && !(fl & TH_RST) && !underflow)
		steer__reasm_data(t, c, e, (uint64_t)rel + !!(fl & TH_SYN), len);
	steer__reasm_eof(t, c, e, peer, p->now);
	if (pk.do_close)
		steer__tcp_closed(t, c, e, peer, p->now);

	steer__tcp_store(t, c, &ep[0]);
	steer__tcp_store(t, c, &ep[1]);
	steer__conn_count(t, c, side, p->ip_len);
	t->stats.packets++;
	/* known-hosts.zeek looks at both states when connection_established is handled, after
	 * the packet. */
	if (pk.established && t->o.on_event && ep[0].state == STEER_TCP_ESTABLISHED &&
	    ep[1].state == STEER_TCP_ESTABLISHED) {
		struct steer_conn_rec rec;
		steer__conn_rec(t, c, &rec);
		t->o.on_event(t->o.arg, STEER_CONN_EV_ESTABLISHED, &rec);
	}
	return c;
}
