/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_tcp_fsm.c: Zeek's TCP endpoint state machine (TCPSessionAdapter::UpdateStateMachine and
 * its parts) and ConnectionClosed(), with the timers they arm. Zeek's weirds are not logged;
 * only whether one was raised is kept (it silences possible_split_routing). */
#include <string.h>

#include "conn_int.h"

static bool handshake(unsigned st)
{
	return st == STEER_TCP_INACTIVE || st == STEER_TCP_SYN_SENT ||
	       st == STEER_TCP_SYN_ACK_SENT;
}

/* TCP_Endpoint::SetState: leaving the handshake for the first time installs the TCP inactivity
 * timeout in place of the UDP one. */
static void set_state(struct steer__conn *c, struct steer__tcp_ep *e,
                      const struct steer__tcp_ep *peer, unsigned st)
{
	if (st == e->state)
		return;
	if (!handshake(st) && handshake(e->state) && handshake(peer->state))
		c->cflags |= C_TCP_TIMEOUT;
	tcp_set_state(e, st);
}

static bool seq_between(uint32_t a, uint32_t b, uint32_t c)
{
	return b <= c ? a >= b && a <= c : a >= b || a <= c;
}

/* The attempt timer: an originator SYN that nothing answers ends the connection. */
static void arm_attempt(struct steer_conn *t, struct steer__conn *c, int64_t now)
{
	c->cflags |= C_ATTEMPT;
	if (now != steer__conn_start(t, c)) {
		struct steer__conn_ext *x = steer__conn_ext_get(t, c);
		if (x) {
			x->syn_abs = now;
			x->xflags |= X_SYN;
		}
	}
}

static void inactive_state(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                           struct steer__tcp_ep *peer, struct steer__tcp_pkt *p,
                           unsigned orig_state)
{
	uint8_t fl = p->flags;

	if (fl & TH_SYN) {
		if (p->is_orig) {
			if (fl & TH_ACK) {
				tcp_weird(c); /* connection_originator_SYN_ack */
				set_state(c, e, peer, STEER_TCP_SYN_ACK_SENT);
			} else {
				set_state(c, e, peer, STEER_TCP_SYN_SENT);
			}
			arm_attempt(t, c, p->now);
		} else {
			if (fl & TH_ACK) {
				if (peer->state != STEER_TCP_INACTIVE &&
				    peer->state != STEER_TCP_PARTIAL &&
				    !seq_between(p->ack_seq, peer->start, peer->last))
					tcp_weird(c); /* bad_SYN_ack */
			} else if (peer->state == STEER_TCP_SYN_ACK_SENT &&
			           p->base_seq == e->start) {
				/* SYN and SYN-ACK seen the wrong way round: flip, established. */
				steer__conn_flip(t, c);
				set_state(c, peer, e, STEER_TCP_ESTABLISHED);
				c->cflags |= C_FPS_ORIG;
			} else {
				tcp_weird(c); /* simultaneous_open */
			}
			if (peer->state == STEER_TCP_SYN_SENT)
				set_state(c, peer, e, STEER_TCP_ESTABLISHED);
			else if (peer->state == STEER_TCP_INACTIVE)
				tcp_weird(c); /* unsolicited_SYN_response */
			set_state(c, e, peer, STEER_TCP_ESTABLISHED);
			if (peer->state != STEER_TCP_PARTIAL)
				p->established = true;
		}
	}
	if (fl & TH_FIN) {
		set_state(c, e, peer, STEER_TCP_CLOSED);
		p->do_close = p->gen_event = true;
		if (peer->state != STEER_TCP_PARTIAL && !(fl & TH_SYN))
			tcp_weird(c); /* spontaneous_FIN */
	}
	if (fl & TH_RST) {
		bool reject = p->is_orig ? peer->state == STEER_TCP_ESTABLISHED
		                         : peer->state == STEER_TCP_SYN_SENT ||
		                               peer->state == STEER_TCP_SYN_ACK_SENT;
		set_state(c, e, peer, STEER_TCP_RESET);
		p->do_close = true;
		p->gen_event = !reject;
		if (!reject && peer->state == STEER_TCP_INACTIVE)
			tcp_weird(c); /* spontaneous_RST */
	}
	if (e->state == STEER_TCP_INACTIVE) {
		/* Some stacks ACK a SYN before answering it: that is not yet a partial. */
		if (!p->is_orig && p->len == 0 && orig_state == STEER_TCP_SYN_SENT)
			return;
		if ((fl & TH_ACK) && peer->state == STEER_TCP_ESTABLISHED) {
			/* A SYN-ACK, then this ACK: the SYN was missed, not the connection. */
			set_state(c, e, peer, STEER_TCP_ESTABLISHED);
			c->cflags &= ~(uint32_t)C_PARTIAL;
			c->cflags |= p->is_orig ? C_FPS_ORIG : C_FPS_RESP;
		} else {
			set_state(c, e, peer, STEER_TCP_PARTIAL);
		}
	}
}

static void syn_sent_state(struct steer__conn *c, struct steer__tcp_ep *e,
                           struct steer__tcp_ep *peer, struct steer__tcp_pkt *p)
{
	uint8_t fl = p->flags;

	if (fl & TH_SYN) {
		if (p->is_orig ? (fl & TH_ACK) && !(fl & (TH_FIN | TH_RST)) &&
		                     e->state != STEER_TCP_SYN_ACK_SENT
		               : !(fl & TH_ACK) && e->state != STEER_TCP_SYN_SENT)
			tcp_weird(c); /* repeated_SYN_with_ack / repeated_SYN_reply_wo_ack */
	}
	if (fl & TH_FIN) {
		if (peer->state == STEER_TCP_INACTIVE || peer->state == STEER_TCP_SYN_SENT)
			tcp_weird(c); /* inappropriate_FIN */
		set_state(c, e, peer, STEER_TCP_CLOSED);
		p->do_close = p->gen_event = true;
	}
	if (fl & TH_RST) {
		set_state(c, e, peer, STEER_TCP_RESET);
		p->do_close = true;
	} else if (p->len > 0) {
		tcp_weird(c); /* data_before_established */
	}
}

static void established_state(struct steer__conn *c, struct steer__tcp_ep *e,
                              struct steer__tcp_ep *peer, struct steer__tcp_pkt *p)
{
	uint8_t fl = p->flags;

	if ((fl & TH_SYN) && e->state == STEER_TCP_PARTIAL && peer->state == STEER_TCP_INACTIVE &&
	    !(fl & TH_ACK)) {
		tcp_weird(c); /* SYN_after_partial */
		set_state(c, e, peer, STEER_TCP_SYN_SENT);
	}
	if ((fl & TH_FIN) && !(fl & TH_RST)) {
		set_state(c, e, peer, STEER_TCP_CLOSED);
		/* The peer's FIN then RST was a normal close after all. */
		if (peer->state == STEER_TCP_RESET && peer->prev == STEER_TCP_CLOSED)
			set_state(c, peer, e, STEER_TCP_CLOSED);
		p->do_close = p->gen_event = true;
	}
	if (fl & TH_RST) {
		set_state(c, e, peer, STEER_TCP_RESET);
		p->do_close = true;
	}
}

static void closed_state(struct steer__conn *c, struct steer__tcp_ep *e,
                         struct steer__tcp_ep *peer, struct steer__tcp_pkt *p)
{
	uint8_t fl = p->flags;

	if ((fl & TH_SYN) || ((fl & TH_FIN) && p->delta_last > 0))
		tcp_weird(c); /* SYN_after_close, FIN_advanced_last_seq */
	/* After a FIN exchange a RST changes nothing. */
	if ((fl & TH_RST) && peer->state != STEER_TCP_CLOSED) {
		set_state(c, e, peer, STEER_TCP_RESET);
		if (!e->did_close)
			p->do_close = true;
	}
}

void steer__tcp_fsm(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                    struct steer__tcp_ep *peer, struct steer__tcp_pkt *p)
{
	/* The originator's state before this packet, for the delayed-SYN-ACK case. */
	unsigned orig_state = e->side == side_orig(c) ? e->state : peer->state;

	p->do_close = p->gen_event = false;
	switch (e->state) {
	case STEER_TCP_INACTIVE:
		inactive_state(t, c, e, peer, p, orig_state);
		break;
	case STEER_TCP_SYN_SENT:
	case STEER_TCP_SYN_ACK_SENT:
		syn_sent_state(c, e, peer, p);
		break;
	case STEER_TCP_ESTABLISHED:
	case STEER_TCP_PARTIAL:
		established_state(c, e, peer, p);
		break;
	case STEER_TCP_CLOSED:
		closed_state(c, e, peer, p);
		break;
	case STEER_TCP_RESET:
		if ((p->flags & (TH_SYN | TH_FIN)) || (p->len > 0 && !(p->flags & TH_RST)))
			tcp_weird(c); /* SYN_after_reset, FIN_after_reset, data_after_reset */
		break;
	}
}

void steer__tcp_closed(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                       struct steer__tcp_ep *peer, int64_t now)
{
	(void)now;
	/* Data still to deliver: the close waits for it (EndpointEOF calls again). */
	if (steer__reasm_pending(t, c, e, peer)) {
		c->cflags |= C_DEFERRED;
		return;
	}
	c->cflags &= ~(uint32_t)C_DEFERRED;
	if (e->did_close)
		return;
	e->did_close = true;
	if (e->state == STEER_TCP_RESET || peer->did_close || peer->state == STEER_TCP_INACTIVE) {
		/* A complete close: every other timer is cancelled; the connection goes
		 * tcp_close_delay after its last packet. */
		c->cflags |= C_CLOSED;
		c->cflags &= ~(uint32_t)C_ATTEMPT;
	}
}
