/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_wire.h: the wire format of every message between cluster nodes: a versioned header
 * and a typed payload, each decoded through bounds-checked readers. */
#ifndef STEER_CLU_WIRE_H
#define STEER_CLU_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/clu_layout.h>
#include <steer/clu_log.h>

#pragma GCC visibility push(default)

/* The header, big-endian, then the sender's name, then the payload; one ZeroMQ frame:
 *
 *   0  u32 magic     0x53544552 ("STER")
 *   4  u8  version   CLU_WIRE_VERSION
 *   5  u8  type      enum clu_msg_type
 *   6  u8  flags     0 (reserved)
 *   7  u8  namelen   1..CLU_NAME_MAX
 *   8  u64 seq       per type: the batch number, the heartbeat count, the request id
 *  16  u32 length    payload bytes
 *  20  sender name (namelen bytes, A-Z a-z 0-9 . _ -), then the payload (length bytes)
 *
 * The frame is exactly 20 + namelen + length bytes; anything else is malformed. */
#define CLU_WIRE_MAGIC   0x53544552u
#define CLU_WIRE_VERSION 1
#define CLU_WIRE_HDR     20
/* Largest payload accepted: a batch of records comfortably, and a bound on what a peer can
 * make a node allocate. */
#define CLU_WIRE_PAYLOAD_MAX (64u << 20)

enum clu_msg_type {
	CLU_MSG_HEARTBEAT = 1, /* node -> manager, every heartbeat interval */
	CLU_MSG_LOG_BATCH,     /* sender -> log sink: records of one stream (seq: batch number) */
	CLU_MSG_LOG_ACK,       /* log sink -> sender: batch seq written (or a duplicate) */
	CLU_MSG_STATUS_REQ,    /* control client -> manager (seq: request id) */
	CLU_MSG_STATUS_REP,    /* manager -> control client: the table of nodes */
	CLU_MSG__MAX = CLU_MSG_STATUS_REP,
};

/* Why a frame was refused (each counted apart in the metrics). */
enum clu_wire_err {
	CLU_WIRE_OK = 0,
	CLU_WIRE_ETRUNC = -1,   /* shorter than its header or its stated lengths */
	CLU_WIRE_EFOREIGN = -2, /* not steer's magic: another protocol */
	CLU_WIRE_EVERSION = -3, /* a version this build does not speak */
	CLU_WIRE_EINVAL = -4,   /* a field out of range: type, flags, name, length, payload */
};

/* A decoded message. Pointers point into the decoded frame. */
struct clu_msg {
	uint8_t type;
	uint64_t seq;
	char sender[CLU_NAME_MAX + 1];
	const uint8_t *payload;
	uint32_t len;
};

/* Decodes one frame. Returns CLU_WIRE_OK with *m set, or a clu_wire_err with a one-line
 * reason in errbuf (STEER_ERRBUF_SIZE). Reads no byte outside buf[0..n). */
int clu_wire_decode(const void *buf, size_t n, struct clu_msg *m, char *errbuf);

/* Writes the header and sender of a message with a payload of len bytes into out (at least
 * CLU_WIRE_HDR + CLU_NAME_MAX bytes); the payload follows at the returned offset. Returns the
 * header size, or 0 when sender is not a valid name or len is too large. */
size_t clu_wire_header(uint8_t *out, uint8_t type, uint64_t seq, const char *sender, uint32_t len);

const char *clu_wire_strerror(int err);
const char *clu_msg_type_name(uint8_t type);

/* ---- payloads ---- */

/* CLU_MSG_HEARTBEAT: who the sender is and how it is doing. */
struct clu_heartbeat {
	uint8_t role; /* enum clu_role */
	uint32_t pid;
	uint64_t start_us;    /* wall clock at start, microseconds since the epoch */
	uint32_t interval_ms; /* its heartbeat interval */
	uint64_t pkts_recv;   /* workers: packets received by the capture (0 elsewhere) */
	uint64_t pkts_drop;   /* workers: packets the kernel dropped */
};
#define CLU_HEARTBEAT_LEN 36

/* CLU_MSG_LOG_BATCH: a struct clu_logbatch (seq and sender in the header):
 *   u64 incarnation, u64 prev, u32 nlines, u32 descriptor length, the descriptor, the lines
 * (the rest of the payload). */
#define CLU_BATCH_FIXED 24

/* CLU_MSG_LOG_ACK (header seq: the batch answered): the store's reply. */
struct clu_ack {
	uint64_t incarnation; /* the sender's outbox it answers */
	uint64_t ack;         /* every seq <= ack is in the files */
	uint8_t verdict;      /* enum clu_batch_verdict: new, duplicate, gap (resend after ack) */
};
#define CLU_ACK_LEN 17

/* CLU_MSG_STATUS_REP: one entry per process the manager knows, in layout order. */
enum clu_node_state {
	CLU_STATE_UNSEEN = 0, /* no heartbeat since the manager started */
	CLU_STATE_UP = 1,
	CLU_STATE_DOWN = 2, /* silent for heartbeat_misses intervals */
};
struct clu_status_entry {
	char name[CLU_NAME_MAX + 1];
	uint8_t role;
	uint8_t state;
	uint32_t pid;
	uint64_t start_us;
	uint32_t hb_age_ms; /* since its last heartbeat; UINT32_MAX: never */
	uint64_t pkts_recv, pkts_drop;
};
/* Largest entry on the wire: namelen, name, then 34 bytes of fields. */
#define CLU_STATUS_ENTRY_MAX (1 + CLU_NAME_MAX + 34)

/* Encoders: write the payload into out (cap bytes); return its length, or 0 when it does not
 * fit or a name is invalid. */
size_t clu_heartbeat_encode(const struct clu_heartbeat *h, uint8_t *out, size_t cap);
size_t clu_ack_encode(const struct clu_ack *a, uint8_t *out, size_t cap);
/* A batch's payload is CLU_BATCH_FIXED + descriptor_len + len bytes; the encoder writes it all
 * (b->sender and b->seq go in the header). */
size_t clu_batch_payload_len(const struct clu_logbatch *b);
size_t clu_batch_encode(const struct clu_logbatch *b, uint8_t *out, size_t cap);
size_t clu_status_encode(const struct clu_status_entry *v, size_t n, uint8_t *out, size_t cap);

/* Decoders: CLU_WIRE_OK, or CLU_WIRE_ETRUNC / CLU_WIRE_EINVAL with errbuf set. The status
 * decoder fills at most max entries and sets *n to the count. */
int clu_heartbeat_decode(const struct clu_msg *m, struct clu_heartbeat *h, char *errbuf);
int clu_ack_decode(const struct clu_msg *m, struct clu_ack *a, char *errbuf);
/* Fills b from a batch message (pointers into m's payload; b->sender is m->sender): bounds
 * only, plus seq >= 1 and prev < seq; the descriptor and the lines are the store's to judge. */
int clu_batch_decode(const struct clu_msg *m, struct clu_logbatch *b, char *errbuf);
int clu_status_decode(const struct clu_msg *m, struct clu_status_entry *v, size_t max, size_t *n,
                      char *errbuf);

#pragma GCC visibility pop
#endif
