/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_rec.c: a connection's conn.log record as zeek:scripts/base/protocols/conn/main.zeek fills
 * it at connection_state_remove: conn_state from the endpoint states, duration and sizes only when
 * the duration is positive, local_orig/local_resp, and the known_services test of
 * zeek:scripts/policy/protocols/conn/known-services.zeek. */
#include <string.h>

#include <steer/names.h>

#include "conn_int.h"

static bool inactive(unsigned st)
{
	return st == STEER_TCP_INACTIVE || st == STEER_TCP_PARTIAL;
}

/* Whole-string match of Zeek's /\^?S[^HAFGIQ]*R.*\/: an originator SYN, then its RST with none
 * of its H, A, F, G, I or Q between. */
static bool rstos0_history(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h && *h != 'R'; h++)
		if (strchr("HAFGIQ", *h))
			return false;
	return *h == 'R';
}

static int tcp_state(unsigned os, unsigned rs, uint64_t osize, uint64_t rsize, const char *hist)
{
	if (rs == STEER_TCP_RESET) {
		if (os == STEER_TCP_SYN_SENT || os == STEER_TCP_SYN_ACK_SENT ||
		    (os == STEER_TCP_RESET && osize == 0 && rsize == 0))
			return STEER_CONN_REJ;
		return inactive(os) ? STEER_CONN_RSTRH : STEER_CONN_RSTR;
	}
	if (os == STEER_TCP_RESET) {
		if (inactive(rs))
			return rstos0_history(hist) ? STEER_CONN_RSTOS0 : STEER_CONN_OTH;
		return STEER_CONN_RSTO;
	}
	if (rs == STEER_TCP_CLOSED && os == STEER_TCP_CLOSED)
		return STEER_CONN_SF;
	if (os == STEER_TCP_CLOSED)
		return inactive(rs) ? STEER_CONN_SH : STEER_CONN_S2;
	if (rs == STEER_TCP_CLOSED)
		return inactive(os) ? STEER_CONN_SHR : STEER_CONN_S3;
	if (os == STEER_TCP_SYN_SENT && rs == STEER_TCP_INACTIVE)
		return STEER_CONN_S0;
	if (os == STEER_TCP_ESTABLISHED && rs == STEER_TCP_ESTABLISHED)
		return STEER_CONN_S1;
	return STEER_CONN_OTH;
}

void steer__conn_rec(const struct steer_conn *t, const struct steer__conn *c,
                     struct steer_conn_rec *rec)
{
	const struct steer__conn_ext *x = conn_ext(t, c);
	unsigned so = side_orig(c), sr = so ^ 1u;
	int64_t start = steer__conn_start(t, c);
	uint64_t size[2] = {0, 0};
	bool cut;

	memset(rec, 0, sizeof(*rec));
	rec->ts_us = t->base + start;
	steer__uid_format(t, steer__uid_conn(t, c), rec->uid);
	rec->family = c->key.family;
	rec->ip_proto = c->key.proto;
	memcpy(rec->orig_h, so ? c->key.dst : c->key.src, 16);
	memcpy(rec->resp_h, so ? c->key.src : c->key.dst, 16);
	rec->orig_p = so ? c->key.dport : c->key.sport;
	rec->resp_p = so ? c->key.sport : c->key.dport;
	rec->history_len = steer__hist_format(t, c, rec->history, &cut);
	if (cut)
		rec->flags |= STEER_CONN_F_HISTORY_CUT;

	switch (c->key.proto) {
	case 6:
		rec->proto = STEER_CONN_TCP;
		size[0] = steer__tcp_size(t, c, 0);
		size[1] = steer__tcp_size(t, c, 1);
		rec->orig_state = (uint8_t)ep_state(c, so);
		rec->resp_state = (uint8_t)ep_state(c, sr);
		rec->conn_state = (uint8_t)tcp_state(rec->orig_state, rec->resp_state, size[so],
		                                     size[sr], rec->history);
		break;
	case 17:
		rec->proto = STEER_CONN_UDP;
		for (int s = 0; s < 2; s++)
			size[s] = c->u.size[s] > 0 ? (uint64_t)c->u.size[s] : 0;
		/* A side is active once a datagram of it passed its checksum. */
		if (c->u.size[so] >= 0)
			rec->conn_state = c->u.size[sr] >= 0 ? STEER_CONN_SF : STEER_CONN_S0;
		else
			rec->conn_state = c->u.size[sr] >= 0 ? STEER_CONN_SHR : STEER_CONN_OTH;
		break;
	case 1:
	case 58:
		rec->proto = STEER_CONN_ICMP;
		/* The counterpart's one-way marker is ours, not Zeek's. */
		rec->orig_p &= 0xff;
		rec->resp_p &= 0xff;
		for (int s = 0; s < 2; s++)
			size[s] = c->u.size[s] > 0 ? (uint64_t)c->u.size[s] : 0;
		rec->conn_state = STEER_CONN_OTH;
		break;
	default:
		rec->proto = STEER_CONN_UNKNOWN;
		rec->conn_state = STEER_CONN_OTH;
		break;
	}

	rec->duration_us = steer__conn_last(t, c) - start;
	if (rec->duration_us > 0) {
		rec->flags |= STEER_CONN_F_DURATION;
		rec->orig_bytes = size[so];
		rec->resp_bytes = size[sr];
	} else {
		rec->duration_us = 0;
	}
	if (steer__netset_count(t->local)) {
		rec->flags |= STEER_CONN_F_LOCAL;
		rec->local_orig = steer__is_local(t, rec->family, rec->orig_h);
		rec->local_resp = steer__is_local(t, rec->family, rec->resp_h);
	}
	rec->missed_bytes = x ? x->missed : 0;
	rec->orig_pkts = steer__conn_pkts(t, c, so);
	rec->orig_ip_bytes = steer__conn_ipb(t, c, so);
	rec->resp_pkts = steer__conn_pkts(t, c, sr);
	rec->resp_ip_bytes = steer__conn_ipb(t, c, sr);

	if (rec->proto == STEER_CONN_TCP) {
		unsigned rs = rec->resp_state;
		if (rs == STEER_TCP_ESTABLISHED || rs == STEER_TCP_CLOSED ||
		    rs == STEER_TCP_PARTIAL || strchr(rec->history, 'h'))
			rec->flags |= STEER_CONN_F_SERVICE;
		if (!rec->orig_pkts || !rec->resp_pkts)
			rec->flags |= STEER_CONN_F_ONE_SIDED;
	} else if (rec->proto == STEER_CONN_UDP && rec->resp_pkts) {
		rec->flags |= STEER_CONN_F_SERVICE;
	}
	if (c->cflags & C_SPLIT)
		rec->flags |= STEER_CONN_F_SPLIT_ROUTING;
	if (c->cflags & C_ACK_UNSEEN)
		rec->flags |= STEER_CONN_F_ACK_UNSEEN;
	for (unsigned i = 0; x && (x->xflags & X_TUNNEL || x->nparents) && i < x->nparents; i++)
		steer__uid_format(t, x->parents[i], rec->parents[rec->n_parents++]);
}

static const struct steer_name state_names[] = {
	{STEER_CONN_S0, "S0"},       {STEER_CONN_S1, "S1"},     {STEER_CONN_SF, "SF"},
	{STEER_CONN_REJ, "REJ"},     {STEER_CONN_S2, "S2"},     {STEER_CONN_S3, "S3"},
	{STEER_CONN_RSTO, "RSTO"},   {STEER_CONN_RSTR, "RSTR"}, {STEER_CONN_RSTOS0, "RSTOS0"},
	{STEER_CONN_RSTRH, "RSTRH"}, {STEER_CONN_SH, "SH"},     {STEER_CONN_SHR, "SHR"},
	{STEER_CONN_OTH, "OTH"},
};

const char *steer_conn_state_name(int state)
{
	return steer_name_of(state_names, STEER_NAMES_LEN(state_names), state, "?");
}

/* conn.log's transport_proto names (Zeek's enum, lower case). */
static const struct steer_name proto_names[] = {
	{STEER_CONN_TCP, "tcp"},
	{STEER_CONN_UDP, "udp"},
	{STEER_CONN_ICMP, "icmp"},
};

const char *steer_conn_proto_name(int proto)
{
	return steer_name_of(proto_names, STEER_NAMES_LEN(proto_names), proto, "unknown_transport");
}
