/* SPDX-License-Identifier: BSD-2-Clause */
/* wire.c: the cluster's message header and payloads (steer/clu_wire.h). Every field is read
 * through a cursor that knows how many bytes remain: a short frame sets its `trunc` flag and
 * reads zeros, and each decoder checks the flag once (tcpdump's GET_ macros, in C11: wire_int.h).
 */
#include <stdio.h>
#include <string.h>

#include <steer/clu_logstore.h>
#include <steer/clu_wire.h>
#include <steer/error.h>

#include "util_int.h"
#include "wire_int.h"

const char *clu_wire_strerror(int err)
{
	switch (err) {
	case CLU_WIRE_OK:
		return "ok";
	case CLU_WIRE_ETRUNC:
		return "truncated";
	case CLU_WIRE_EFOREIGN:
		return "foreign";
	case CLU_WIRE_EVERSION:
		return "version";
	case CLU_WIRE_EINVAL:
		return "invalid";
	}
	return "unknown";
}

const char *clu_msg_type_name(uint8_t type)
{
	static const char *const names[] = {
	    [CLU_MSG_HEARTBEAT] = "heartbeat",
	    [CLU_MSG_LOG_BATCH] = "log batch",
	    [CLU_MSG_LOG_ACK] = "log ack",
	    [CLU_MSG_STATUS_REQ] = "status request",
	    [CLU_MSG_STATUS_REP] = "status reply",
	    [CLU_MSG_PING] = "ping",
	    [CLU_MSG_PONG] = "pong",
	    [CLU_MSG_SET_INSERT] = "set insert",
	    [CLU_MSG_SET_ACK] = "set ack",
	    [CLU_MSG_SET_RING] = "set ring",
	    [CLU_MSG_SET_DELIVER] = "set deliver",
	    [CLU_MSG_SYNC_REQ] = "sync request",
	    [CLU_MSG_SYNC] = "sync",
	    [CLU_MSG_KNOWN] = "known",
	    [CLU_MSG_NOTICE] = "notice",
	    [CLU_MSG_SUPPRESS] = "suppress",
	};
	return type >= 1 && type <= CLU_MSG__MAX ? names[type] : "unknown";
}

int clu_wire_decode(const void *buf, size_t n, struct clu_msg *m, char *errbuf)
{
	struct rd r = {.p = buf, .left = n};
	uint32_t magic = rd_u32(&r);
	uint8_t version = rd_u8(&r), type = rd_u8(&r), flags = rd_u8(&r), namelen = rd_u8(&r);
	m->seq = rd_u64(&r);
	m->len = rd_u32(&r);
	if (r.trunc) {
		/* Even a short frame says whose it is when its first four bytes are there. */
		if (n >= 4 && magic != CLU_WIRE_MAGIC)
			goto foreign;
		clu__err(errbuf, "%zu bytes: shorter than the %d-byte header", n, CLU_WIRE_HDR);
		return CLU_WIRE_ETRUNC;
	}
	if (magic != CLU_WIRE_MAGIC)
		goto foreign;
	if (version != CLU_WIRE_VERSION) {
		clu__err(errbuf, "version %u (this build speaks %u)", version, CLU_WIRE_VERSION);
		return CLU_WIRE_EVERSION;
	}
	if (type < 1 || type > CLU_MSG__MAX || flags != 0) {
		clu__err(errbuf, "type %u, flags 0x%02x: not a message steer sends", type, flags);
		return CLU_WIRE_EINVAL;
	}
	if (m->len > CLU_WIRE_PAYLOAD_MAX) {
		clu__err(errbuf, "%s: payload of %u bytes (at most %u)", clu_msg_type_name(type),
		         m->len, CLU_WIRE_PAYLOAD_MAX);
		return CLU_WIRE_EINVAL;
	}
	if (r.left < namelen) {
		clu__err(errbuf, "%s: %zu bytes after the header, sender name of %u",
		         clu_msg_type_name(type), r.left, namelen);
		return CLU_WIRE_ETRUNC;
	}
	if (!rd_name(&r, namelen, m->sender)) {
		clu__err(errbuf, "%s: sender name of %u bytes is not a node name",
		         clu_msg_type_name(type), namelen);
		return CLU_WIRE_EINVAL;
	}
	if (r.left != m->len) {
		clu__err(errbuf, "%s from %s: %zu payload bytes, header says %u",
		         clu_msg_type_name(type), m->sender, r.left, m->len);
		return r.left < m->len ? CLU_WIRE_ETRUNC : CLU_WIRE_EINVAL;
	}
	m->type = type;
	m->payload = r.p;
	return CLU_WIRE_OK;
foreign:
	clu__err(errbuf, "%zu bytes starting %08x: not steer's magic %08x", n, (unsigned)magic,
	         CLU_WIRE_MAGIC);
	return CLU_WIRE_EFOREIGN;
}

size_t clu_wire_header(uint8_t *out, uint8_t type, uint64_t seq, const char *sender, uint32_t len)
{
	size_t nl = strnlen(sender, CLU_NAME_MAX + 1);
	if (!clu_name_valid(sender, nl) || len > CLU_WIRE_PAYLOAD_MAX)
		return 0;
	struct wr w = {.p = out, .cap = CLU_WIRE_HDR + CLU_NAME_MAX};
	wr_be(&w, CLU_WIRE_MAGIC, 4);
	wr_be(&w, CLU_WIRE_VERSION, 1);
	wr_be(&w, type, 1);
	wr_be(&w, 0, 1);
	wr_be(&w, nl, 1);
	wr_be(&w, seq, 8);
	wr_be(&w, len, 4);
	wr_bytes(&w, sender, nl);
	return w.full ? 0 : w.len;
}

/* ---- payloads ---- */

int clu__wire_fixed(const struct clu_msg *m, uint8_t type, size_t want, char *errbuf)
{
	if (m->type != type || m->len != want) {
		clu__err(errbuf, "%s from %s: %u payload bytes, expected %zu",
		         clu_msg_type_name(m->type), m->sender, m->len, want);
		return m->len < want ? CLU_WIRE_ETRUNC : CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}

size_t clu_heartbeat_encode(const struct clu_heartbeat *h, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	wr_be(&w, h->role, 1);
	wr_be(&w, 0, 3);
	wr_be(&w, h->pid, 4);
	wr_be(&w, h->start_us, 8);
	wr_be(&w, h->interval_ms, 4);
	wr_be(&w, h->pkts_recv, 8);
	wr_be(&w, h->pkts_drop, 8);
	return w.full ? 0 : w.len;
}

int clu_heartbeat_decode(const struct clu_msg *m, struct clu_heartbeat *h, char *errbuf)
{
	int rc = clu__wire_fixed(m, CLU_MSG_HEARTBEAT, CLU_HEARTBEAT_LEN, errbuf);
	if (rc != CLU_WIRE_OK)
		return rc;
	struct rd r = {.p = m->payload, .left = m->len};
	h->role = rd_u8(&r);
	uint32_t reserved = (uint32_t)rd_be(&r, 3);
	h->pid = rd_u32(&r);
	h->start_us = rd_u64(&r);
	h->interval_ms = rd_u32(&r);
	h->pkts_recv = rd_u64(&r);
	h->pkts_drop = rd_u64(&r);
	if (h->role < CLU_ROLE_MANAGER || h->role > CLU_ROLE_WORKER || reserved != 0 ||
	    h->interval_ms == 0) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "heartbeat from %s: role %u, reserved %06x, interval %u ms: invalid",
		         m->sender, h->role, (unsigned)reserved, h->interval_ms);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}

size_t clu_ack_encode(const struct clu_ack *a, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	wr_be(&w, a->incarnation, 8);
	wr_be(&w, a->ack, 8);
	wr_be(&w, a->verdict, 1);
	return w.full ? 0 : w.len;
}

int clu_ack_decode(const struct clu_msg *m, struct clu_ack *a, char *errbuf)
{
	int rc = clu__wire_fixed(m, CLU_MSG_LOG_ACK, CLU_ACK_LEN, errbuf);
	if (rc != CLU_WIRE_OK)
		return rc;
	struct rd r = {.p = m->payload, .left = m->len};
	a->incarnation = rd_u64(&r);
	a->ack = rd_u64(&r);
	a->verdict = rd_u8(&r);
	if (a->verdict > CLU_BATCH_GAP) {
		clu__err(errbuf, "log ack from %s: verdict %u is not one steer sends", m->sender,
		         a->verdict);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}

size_t clu_batch_payload_len(const struct clu_logbatch *b)
{
	return CLU_BATCH_FIXED + b->descriptor_len + b->len;
}

size_t clu_batch_encode(const struct clu_logbatch *b, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	if (b->descriptor_len > UINT32_MAX)
		return 0;
	wr_be(&w, b->incarnation, 8);
	wr_be(&w, b->prev, 8);
	wr_be(&w, b->nlines, 4);
	wr_be(&w, b->descriptor_len, 4);
	wr_bytes(&w, b->descriptor, b->descriptor_len);
	wr_bytes(&w, b->lines, b->len);
	return w.full ? 0 : w.len;
}

int clu_batch_decode(const struct clu_msg *m, struct clu_logbatch *b, char *errbuf)
{
	if (m->type != CLU_MSG_LOG_BATCH) {
		clu__err(errbuf, "%s from %s: not a log batch", clu_msg_type_name(m->type),
		         m->sender);
		return CLU_WIRE_EINVAL;
	}
	struct rd r = {.p = m->payload, .left = m->len};
	b->sender = m->sender;
	b->seq = m->seq;
	b->incarnation = rd_u64(&r);
	b->prev = rd_u64(&r);
	b->nlines = rd_u32(&r);
	uint32_t dl = rd_u32(&r);
	const uint8_t *desc = r.trunc || r.left < dl ? NULL : rd_take(&r, dl);
	if (!desc) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "log batch %llu from %s: %u bytes end inside its header or descriptor",
		         (unsigned long long)m->seq, m->sender, m->len);
		return CLU_WIRE_ETRUNC;
	}
	if (b->seq == 0 || b->prev >= b->seq) {
		clu__err(errbuf, "log batch %llu from %s: prev %llu: invalid",
		         (unsigned long long)m->seq, m->sender, (unsigned long long)b->prev);
		return CLU_WIRE_EINVAL;
	}
	b->descriptor = (const char *)desc;
	b->descriptor_len = dl;
	b->lines = (const char *)r.p;
	b->len = r.left;
	return CLU_WIRE_OK;
}

size_t clu_status_encode(const struct clu_status_entry *v, size_t n, uint8_t *out, size_t cap)
{
	struct wr w = {.p = out, .cap = cap};
	if (n > UINT16_MAX)
		return 0;
	wr_be(&w, n, 2);
	for (size_t i = 0; i < n; i++) {
		size_t nl = strnlen(v[i].name, CLU_NAME_MAX + 1);
		if (!clu_name_valid(v[i].name, nl))
			return 0;
		wr_be(&w, nl, 1);
		wr_bytes(&w, v[i].name, nl);
		wr_be(&w, v[i].role, 1);
		wr_be(&w, v[i].state, 1);
		wr_be(&w, v[i].pid, 4);
		wr_be(&w, v[i].start_us, 8);
		wr_be(&w, v[i].hb_age_ms, 4);
		wr_be(&w, v[i].pkts_recv, 8);
		wr_be(&w, v[i].pkts_drop, 8);
	}
	return w.full ? 0 : w.len;
}

int clu_status_decode(const struct clu_msg *m, struct clu_status_entry *v, size_t max, size_t *n,
                      char *errbuf)
{
	*n = 0;
	if (m->type != CLU_MSG_STATUS_REP) {
		clu__err(errbuf, "%s from %s: not a status reply", clu_msg_type_name(m->type),
		         m->sender);
		return CLU_WIRE_EINVAL;
	}
	struct rd r = {.p = m->payload, .left = m->len};
	uint16_t count = rd_u16(&r);
	for (uint16_t i = 0; i < count && !r.trunc; i++) {
		struct clu_status_entry e;
		uint8_t nl = rd_u8(&r);
		if (r.trunc || r.left < nl) {
			r.trunc = true;
			break;
		}
		if (!rd_name(&r, nl, e.name)) {
			snprintf(
			    errbuf, STEER_ERRBUF_SIZE,
			    "status reply from %s: entry %u: name of %u bytes is not a node name",
			    m->sender, i, nl);
			return CLU_WIRE_EINVAL;
		}
		e.role = rd_u8(&r);
		e.state = rd_u8(&r);
		e.pid = rd_u32(&r);
		e.start_us = rd_u64(&r);
		e.hb_age_ms = rd_u32(&r);
		e.pkts_recv = rd_u64(&r);
		e.pkts_drop = rd_u64(&r);
		if (r.trunc)
			break;
		if (e.role < CLU_ROLE_MANAGER || e.role > CLU_ROLE_WORKER ||
		    e.state > CLU_STATE_DOWN) {
			snprintf(errbuf, STEER_ERRBUF_SIZE,
			         "status reply from %s: entry %s: role %u, state %u: invalid",
			         m->sender, e.name, e.role, e.state);
			return CLU_WIRE_EINVAL;
		}
		if (*n < max)
			v[(*n)++] = e;
	}
	if (r.trunc) {
		clu__err(errbuf, "status reply from %s: %u bytes end inside an entry", m->sender,
		         m->len);
		return CLU_WIRE_ETRUNC;
	}
	if (r.left != 0) {
		clu__err(errbuf, "status reply from %s: %zu bytes after %u entries", m->sender,
		         r.left, count);
		return CLU_WIRE_EINVAL;
	}
	return CLU_WIRE_OK;
}
