/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_timer.c: when Zeek's timers remove a connection (init-bare.zeek timeouts; Session.cc
 * inactivity, TCPSessionAdapter.cc attempt, expire and delete timers), computed from the state
 * after the last packet, so that a connection can be ended exactly when its next packet (or the
 * sweep) finds its time has come. */
#include "conn_int.h"

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t tcp_deadline(const struct steer_conn *t, const struct steer__conn *c,
                            int64_t last)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	const struct steer_conn_opts *o = &t->o;
	unsigned so = side_orig(c);
	unsigned os = ep_state(c, so), rs = ep_state(c, so ^ 1u);
	bool oc = c->ep[so] & EP_DID_CLOSE, rc = c->ep[so ^ 1u] & EP_DID_CLOSE;
	int64_t start = steer__conn_start(t, c), d;

	/* A complete close cancelled everything but the delete timer. */
	if (c->cflags & C_CLOSED)
		return x && (x->xflags & X_DEL) ? x->del_abs : last + o->tcp_close_delay_us;
	d = last + ((c->cflags & C_TCP_TIMEOUT) ? o->tcp_inactivity_us : o->udp_inactivity_us);
	if ((c->cflags & C_ATTEMPT) &&
	    (os == STEER_TCP_SYN_SENT || os == STEER_TCP_SYN_ACK_SENT) && rs == STEER_TCP_INACTIVE)
		d = min64(d, (x && (x->xflags & X_SYN) ? x->syn_abs : start) + o->tcp_attempt_delay_us);
	/* The expire check runs tcp_SYN_timeout after the start and every tcp_session_timer
	 * after that; it removes a connection idle for longer than tcp_connection_linger that has
	 * closed (both sides, or one with the other reset or never seen), or never got going. */
	if (((oc || rc) && ((oc && rc) || os == STEER_TCP_RESET || rs == STEER_TCP_RESET ||
	                    os == STEER_TCP_INACTIVE || rs == STEER_TCP_INACTIVE)) ||
	    (os == STEER_TCP_INACTIVE && rs == STEER_TCP_INACTIVE)) {
		int64_t first = start + o->tcp_syn_timeout_us, idle = last + o->tcp_linger_us, tick;
		if (first > idle)
			tick = first;
		else
			tick = first + ((idle - first) / o->tcp_session_timer_us + 1) *
			                   o->tcp_session_timer_us;
		d = min64(d, tick);
	}
	return d;
}

int64_t steer__conn_deadline(const struct steer_conn *t, const struct steer__conn *c)
{
	int64_t last = steer__conn_last(t, c);

	switch (c->key.proto) {
	case 6:
		return tcp_deadline(t, c, last);
	case 17:
		return last + t->o.udp_inactivity_us;
	case 1:
	case 58:
		return last + t->o.icmp_inactivity_us;
	}
	return last + t->o.other_inactivity_us;
}

void steer__conn_timers_passed(struct steer_conn *t, struct steer__conn *c, int64_t now)
{
	const struct steer__conn_ext *x;

	if (!(c->cflags & C_ATTEMPT))
		return;
	/* The attempt timer fired without finding the connection unanswered: it is gone. */
	x = conn_ext(t, c);
	if (now >= (x && (x->xflags & X_SYN) ? x->syn_abs : steer__conn_start(t, c)) +
	               t->o.tcp_attempt_delay_us)
		c->cflags &= ~(uint32_t)C_ATTEMPT;
}
