/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_wire.c: libFuzzer target for the cluster wire format (steer/clu_wire.h): the header
 * decoder and every payload decoder (heartbeats, log batches and acknowledgements, status,
 * pings, set batches, known reports, notices, suppressions), with the invariants that an
 * accepted frame re-encodes to the same bytes and that a refusal always says why. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <steer/clu_wire.h>
#include <steer/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int rc, const char *err)
{
	if (rc != CLU_WIRE_OK && (err[0] == '\0' || strlen(err) >= STEER_ERRBUF_SIZE))
		abort();
}

/* A set batch re-encodes, record by record, to the same bytes. */
static void check_set_batch(const struct clu_msg *m)
{
	struct clu_set_batch b;
	char err[STEER_ERRBUF_SIZE] = "";
	int rc = clu_set_batch_decode(m, &b, err);
	check_err(rc, err);
	if (rc != CLU_WIRE_OK)
		return;
	bool ring = m->type == CLU_MSG_SET_RING;
	size_t hl = ring ? CLU_SET_RING_HDR : CLU_SET_BATCH_HDR;
	uint8_t *out = malloc(m->len + 1);
	if (!out)
		return;
	clu_set_batch_header(out, &b, ring);
	size_t len = hl, off = 0;
	uint32_t n = 0;
	struct clu_set_rec r;
	while (clu_set_batch_next(&b, &off, &r)) {
		size_t k = clu_set_rec_encode(&r, out + len, m->len + 1 - len);
		if (k == 0)
			abort();
		len += k;
		n++;
	}
	if (n != b.count || len != m->len || memcmp(out, m->payload, len) != 0)
		abort();
	free(out);
}

static void check_known(const struct clu_msg *m)
{
	struct clu_known k;
	char err[STEER_ERRBUF_SIZE] = "";
	int rc = clu_known_decode(m, &k, err);
	check_err(rc, err);
	uint8_t out[64 + CLU_KNOWN_SERVICES_MAX * (1 + CLU_SERVICE_NAME_MAX)];
	if (rc == CLU_WIRE_OK && (clu_known_encode(&k, out, sizeof(out)) != m->len ||
	                          memcmp(out, m->payload, m->len) != 0))
		abort();
}

static void check_notice(const struct clu_msg *m)
{
	struct clu_notice_msg nm;
	char err[STEER_ERRBUF_SIZE] = "";
	int rc = clu_notice_decode(m, &nm, err);
	check_err(rc, err);
	if (rc != CLU_WIRE_OK)
		return;
	uint8_t *out = malloc(m->len + 1);
	if (out && (clu_notice_encode(&nm, out, m->len + 1) != m->len ||
	            memcmp(out, m->payload, m->len) != 0))
		abort();
	free(out);
}

static void check_suppress(const struct clu_msg *m)
{
	struct clu_suppress v[CLU_SUPPRESS_PER_MSG];
	size_t n;
	char err[STEER_ERRBUF_SIZE] = "";
	int rc = clu_suppress_decode(m, v, CLU_SUPPRESS_PER_MSG, &n, err);
	check_err(rc, err);
	if (rc != CLU_WIRE_OK || n == CLU_SUPPRESS_PER_MSG)
		return;
	uint8_t *out = malloc(m->len + 1);
	if (out && (clu_suppress_encode(v, n, out, m->len + 1) != m->len ||
	            memcmp(out, m->payload, m->len) != 0))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy of exactly size bytes, so ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct clu_msg m;
	char err[STEER_ERRBUF_SIZE] = "";
	int rc = clu_wire_decode(buf, size, &m, err);
	check_err(rc, err);
	if (rc == CLU_WIRE_OK) {
		uint8_t hdr[CLU_WIRE_HDR + CLU_NAME_MAX];
		size_t hl = clu_wire_header(hdr, m.type, m.seq, m.sender, m.len);
		if (hl == 0 || hl + m.len != size || memcmp(hdr, buf, hl) != 0 ||
		    m.payload != buf + hl)
			abort();

		err[0] = '\0';
		struct clu_heartbeat h;
		struct clu_ack a;
		struct clu_logbatch b;
		struct clu_status_entry v[8];
		size_t n;
		switch (m.type) {
		case CLU_MSG_HEARTBEAT:
			rc = clu_heartbeat_decode(&m, &h, err);
			check_err(rc, err);
			if (rc == CLU_WIRE_OK) {
				uint8_t out[CLU_HEARTBEAT_LEN];
				if (clu_heartbeat_encode(&h, out, sizeof(out)) != m.len ||
				    memcmp(out, m.payload, m.len) != 0)
					abort();
			}
			break;
		case CLU_MSG_LOG_ACK:
			rc = clu_ack_decode(&m, &a, err);
			check_err(rc, err);
			if (rc == CLU_WIRE_OK) {
				uint8_t out[CLU_ACK_LEN];
				if (clu_ack_encode(&a, out, sizeof(out)) != m.len ||
				    memcmp(out, m.payload, m.len) != 0)
					abort();
			}
			break;
		case CLU_MSG_LOG_BATCH:
			rc = clu_batch_decode(&m, &b, err);
			check_err(rc, err);
			if (rc == CLU_WIRE_OK) {
				/* The pieces lie inside the payload and add up to it. */
				const char *p0 = (const char *)m.payload, *pe = p0 + m.len;
				if (b.descriptor < p0 || b.descriptor + b.descriptor_len > pe ||
				    b.lines + b.len != pe || clu_batch_payload_len(&b) != m.len)
					abort();
				uint8_t *out = malloc(m.len ? m.len : 1);
				if (out && (clu_batch_encode(&b, out, m.len) != m.len ||
				            memcmp(out, m.payload, m.len) != 0))
					abort();
				free(out);
			}
			break;
		case CLU_MSG_STATUS_REP:
			rc = clu_status_decode(&m, v, 8, &n, err);
			check_err(rc, err);
			if (rc == CLU_WIRE_OK && n > 8)
				abort();
			if (rc == CLU_WIRE_OK && n < 8) {
				uint8_t out[8 * CLU_STATUS_ENTRY_MAX + 2];
				size_t ol = clu_status_encode(v, n, out, sizeof(out));
				if (ol != m.len || memcmp(out, m.payload, ol) != 0)
					abort();
			}
			break;
		case CLU_MSG_PING:
		case CLU_MSG_PONG: {
			struct clu_ping pg;
			rc = clu_ping_decode(&m, &pg, err);
			check_err(rc, err);
			uint8_t out[CLU_PING_LEN];
			if (rc == CLU_WIRE_OK && (clu_ping_encode(&pg, out, sizeof(out)) != m.len ||
			                          memcmp(out, m.payload, m.len) != 0))
				abort();
			break;
		}
		case CLU_MSG_SET_INSERT:
		case CLU_MSG_SET_RING:
		case CLU_MSG_SET_DELIVER:
		case CLU_MSG_SYNC:
			check_set_batch(&m);
			break;
		case CLU_MSG_KNOWN:
			check_known(&m);
			break;
		case CLU_MSG_NOTICE:
			check_notice(&m);
			break;
		case CLU_MSG_SUPPRESS:
			check_suppress(&m);
			break;
		default:
			break;
		}
	}
	free(buf);
	return 0;
}
